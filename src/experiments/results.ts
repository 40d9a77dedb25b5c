// What the Experiments page and GET /api/experiments/:id/results show beside the analysis (analysis.ts):
// retention curves per arm by days since exposure (active and paying on day N, mature units only), the
// primary outcome per segment of the plan's breakdowns (exploratory: no correction, no power), and what the
// primary effect is worth in revenue per year at the current paying base, with its chain of assumptions in
// words. Each is measured in SQL as the analysis is (outcomes/measure.ts) and judged by the same statistics.
import type { Catalog } from '../catalog/catalog.ts';
import { CATALOG } from '../catalog/catalog.ts';
import { CROSS, DIMENSIONS, segmentSql } from '../compiler/dimensions.ts';
import { mrrSpansSql, spanHoldsAtSql } from '../compiler/rollups/customer-mrr.ts';
import { instantParam } from '../compiler/sql-time.ts';
import type { Engine } from '../warehouse/engine.ts';
import { SqlParams } from '../warehouse/sql-builder.ts';
import {
  type AnalysisOutcome,
  type AnalysisPlan,
  type AnalyzeOptions,
  analyzeExperiment,
  type ExperimentAnalysis,
  type OutcomeResult,
  summedResult,
} from './analysis.ts';
import { outcomeDefinitions } from './outcomes/definitions.ts';
import {
  type MeasuredArm,
  measureOutcomes,
  measureOutcomesBySegment,
  type SummedSpec,
} from './outcomes/measure.ts';
import { OUTCOME_METRIC, type OutcomeSpec, OutcomeSpecSchema } from './outcomes/spec.ts';

/** The days since exposure the retention curves are read at. */
export const RETENTION_DAYS = [1, 7, 14, 30, 60, 90, 180, 365] as const;
/** The most segments of one breakdown reported (the largest by units); the rest are counted. */
export const MAX_SEGMENTS = 12;
/** Fewer mature units than this in an arm of a segment: its effect is not worth reading, and says so. */
export const SMALL_SEGMENT = 30;
const DAYS_PER_YEAR = 365;

/** Of the units whose day N has ended by as_of (the rest are left out, not counted as lost): how many did. */
export interface RetentionShare {
  units: number;
  count: number;
  share: number | null;
}

export interface RetentionPoint {
  day: number;
  /** Units assigned by as_of. */
  assigned: number;
  /** Active on day N (the catalog's active events); paying at exposure + N days (MRR > 0). */
  active: RetentionShare;
  paying: RetentionShare;
}

export interface RetentionCurves {
  days: number[];
  arms: { name: string; points: RetentionPoint[] }[];
  messages: string[];
}

export interface SegmentComparison {
  arm: string;
  effect: number | null;
  ci: [number, number] | null;
  pValue: number | null;
}

export interface SegmentRow {
  value: string;
  /** Units assigned in the segment, and per arm the mature units and the outcome's value. */
  units: number;
  arms: { name: string; n: number; excluded: number; value: number | null }[];
  comparisons: SegmentComparison[];
  /** An arm has fewer than SMALL_SEGMENT mature units. */
  small: boolean;
  messages: string[];
}

export interface SegmentBreakdown {
  by: string;
  segments: SegmentRow[];
  /** Segments beyond the MAX_SEGMENTS largest, not listed. */
  more: number;
}

export interface SegmentResults {
  /** Always true: per-segment effects are for exploring, not deciding. */
  exploratory: true;
  outcome: string | null;
  difference: 'relative' | 'absolute' | null;
  alpha: number;
  breakdowns: SegmentBreakdown[];
  messages: string[];
}

export interface RevenueArm {
  arm: string;
  baseline: string;
  /** The effect per unit in the outcome's own scale (absolute: points of a share, money, days). */
  perUnit: number | null;
  perUnitCi: [number, number] | null;
  /** Revenue per year (the MRR's currency) if every current paying customer had this arm's effect. */
  perYear: number | null;
  perYearCi: [number, number] | null;
}

export interface RevenueValue {
  outcome: string | null;
  /** Paying customers at as_of (MRR > 0), their MRR, and the average MRR per paying account. */
  customers: number;
  mrr: number;
  arpa: number | null;
  /** The chain in one line, e.g. "avoided churns per year × ARPA × 12". */
  formula: string | null;
  arms: RevenueArm[];
  /** Each assumption the figure rests on, in words. */
  assumptions: string[];
  /** Why there is no figure, when there is none. */
  message: string | null;
}

export interface ExperimentResults extends ExperimentAnalysis {
  retention: RetentionCurves;
  segments: SegmentResults;
  revenue: RevenueValue;
}

const spec = (raw: object) => OutcomeSpecSchema.parse(raw) as SummedSpec;
const share = (part: number, whole: number) => (whole > 0 ? part / whole : null);

/** Active and paying on day N since exposure, per arm, over the units whose day N has ended. */
export async function retentionCurves(
  engine: Engine,
  analysis: ExperimentAnalysis,
  catalog: Catalog,
): Promise<RetentionCurves> {
  const arms = analysis.arms.map((a) => a.name);
  const req = {
    experimentId: analysis.experimentId,
    asOf: analysis.asOf,
    definitions: outcomeDefinitions(catalog),
  };
  const total = analysis.arms.reduce((s, a) => s + a.assigned, 0);
  if (total === 0) return { days: [], arms: [], messages: ['no unit assigned yet: no retention curve'] };
  const specs = RETENTION_DAYS.flatMap((days) => [
    spec({ kind: 'retained_day', days }),
    spec({ kind: 'paying_day', days }),
  ]);
  const measured = await measureOutcomes(engine, req, arms, specs);
  const days = RETENTION_DAYS.filter((_, i) =>
    (measured[2 * i]?.arms ?? []).some((a) => a.sums.n > 0),
  ) as number[];
  const dropped = RETENTION_DAYS.length - days.length;
  const curves = arms.map((name, k) => ({
    name,
    points: days.map((day) => {
      const i = RETENTION_DAYS.indexOf(day as (typeof RETENTION_DAYS)[number]);
      const of = (arm: MeasuredArm | undefined): RetentionShare => {
        const units = arm?.sums.n ?? 0;
        const count = arm?.sums.sums[0] ?? 0;
        return { units, count, share: share(count, units) };
      };
      const active = measured[2 * i]?.arms[k];
      return {
        day,
        assigned: active?.assigned ?? 0,
        active: of(active),
        paying: of(measured[2 * i + 1]?.arms[k]),
      };
    }),
  }));
  const messages: string[] = [];
  if (dropped > 0)
    messages.push(
      `day ${RETENTION_DAYS.filter((d) => !days.includes(d)).join(', ')}: no unit has been followed that long yet`,
    );
  return { days, arms: curves, messages };
}

/** What the analysis needs of the plan to judge a segment the way it judged the whole. */
function planOf(a: ExperimentAnalysis): AnalysisPlan {
  return {
    variants: a.plan.variants,
    alpha: a.plan.alpha,
    method: a.plan.method,
    sequentialTuning: a.plan.sequentialTuning ?? undefined,
    outcomes: [],
  };
}

const outcomeOf = (o: OutcomeResult): AnalysisOutcome => ({
  role: o.role,
  name: o.name,
  kpi: o.kpi,
  spec: o.spec,
  direction: o.direction,
});

/** A breakdown the segments can be computed by: the customers' own dimensions and their attributes. */
const ownDimension = (by: string) =>
  !by.includes(CROSS) && (Object.hasOwn(DIMENSIONS, by) || /^attributes\.[A-Za-z0-9_.:-]{1,80}$/.test(by));

/** The primary outcome per segment of each breakdown the plan names (or `segments` given). */
export async function segmentResults(
  engine: Engine,
  analysis: ExperimentAnalysis,
  catalog: Catalog,
  given?: readonly string[],
): Promise<SegmentResults> {
  const primary = analysis.outcomes.find((o) => o.role === 'primary') ?? analysis.outcomes[0];
  const base: SegmentResults = {
    exploratory: true,
    outcome: primary?.name ?? null,
    difference: primary?.stats?.difference ?? null,
    alpha: analysis.plan.alpha,
    breakdowns: [],
    messages: [],
  };
  const wanted = given ?? analysis.plan.segments;
  if (wanted.length === 0) {
    base.messages.push('the plan names no segments to report: none computed');
    return base;
  }
  if (!primary) {
    base.messages.push('no primary outcome: no segments computed');
    return base;
  }
  if (OUTCOME_METRIC[primary.spec.kind] === 'survival') {
    base.messages.push(
      `segments are computed for a mean, proportion or ratio primary outcome; ${primary.name} is a survival outcome: none computed`,
    );
    return base;
  }
  const usable = wanted.filter(ownDimension);
  for (const by of wanted.filter((b) => !usable.includes(b)))
    base.messages.push(
      `segment '${by}' is not one of the customers' own dimensions (${Object.keys(DIMENSIONS).join(', ')}, attributes.KEY): not computed`,
    );
  const arms = analysis.arms.map((a) => a.name);
  const req = {
    experimentId: analysis.experimentId,
    asOf: analysis.asOf,
    definitions: outcomeDefinitions(catalog),
  };
  const outcome = outcomeOf(primary);
  const plan = planOf(analysis);
  for (const by of usable) {
    const measured = await measureOutcomesBySegment(
      engine,
      req,
      arms,
      [primary.spec as SummedSpec],
      (params) => segmentSql(by, params),
    );
    const rows: SegmentRow[] = measured.map((m) => {
      const o = m.outcomes[0] as NonNullable<(typeof m.outcomes)[number]>;
      const stats = summedResult(outcome, o, plan).stats;
      const small = o.arms.some((a) => a.sums.n < SMALL_SEGMENT);
      return {
        value: m.segment,
        units: o.arms.reduce((s, a) => s + a.assigned, 0),
        arms: o.arms.map((a, i) => ({
          name: a.name,
          n: a.sums.n,
          excluded: a.excluded,
          value: stats?.arms[i]?.value ?? null,
        })),
        comparisons: (stats?.comparisons ?? []).map((c) => ({
          arm: c.arm,
          effect: c.effect,
          ci: c.ci,
          pValue: c.pValue ?? null,
        })),
        small,
        messages: small
          ? [`fewer than ${SMALL_SEGMENT} units in an arm: too few to read an effect`]
          : (stats?.comparisons ?? []).flatMap((c) => c.messages.map((msg) => `${c.arm}: ${msg}`)),
      };
    });
    rows.sort((a, b) => b.units - a.units || a.value.localeCompare(b.value));
    base.breakdowns.push({
      by,
      segments: rows.slice(0, MAX_SEGMENTS),
      more: Math.max(0, rows.length - MAX_SEGMENTS),
    });
  }
  return base;
}

/** Paying customers and their MRR at an instant (MRR(c, t) as the revenue KPIs read it). */
export async function payingBase(engine: Engine, asOf: string): Promise<{ customers: number; mrr: number }> {
  const params = new SqlParams(engine.dialect);
  const at = instantParam(params, asOf);
  const [row] = await engine.query(
    `SELECT count(*) AS customers, coalesce(sum(m.mrr), 0) AS mrr
    FROM (${mrrSpansSql(params.dialect)}) m WHERE m.mrr > 0 AND ${spanHoldsAtSql('m', at)}`,
    params.values,
  );
  return { customers: Number(row?.customers ?? 0), mrr: Number(row?.mrr ?? 0) };
}

/**
 * How one unit of the outcome's effect turns into revenue per year at C paying customers with average MRR
 * A: the factor k (revenue per year = k × effect per unit), the formula and its assumptions; null with the
 * reason for an outcome with no direct relation to revenue.
 */
export function revenueRelation(
  s: OutcomeSpec,
  customers: number,
  arpa: number,
): { k: number; formula: string; assumptions: string[] } | { reason: string } {
  const n = s.days;
  const base = `the effect measured on customers exposed in the experiment holds for each of today's ${customers} paying customers`;
  switch (s.kind) {
    case 'churned_within':
      return {
        // Churns avoided per year = −Δp × C × 365/N; each is worth a year of its MRR (ARPA × 12).
        k: -customers * (DAYS_PER_YEAR / n) * arpa * 12,
        formula: `avoided churns per year (−Δ churn within ${n} days × ${customers} customers × 365/${n}) × ARPA × 12`,
        assumptions: [
          base,
          `the change in the chance of churning within ${n} days repeats every ${n} days (365/${n} windows a year)`,
          'each churn avoided keeps an average account (ARPA, MRR per paying customer now) for a year: × ARPA × 12',
        ],
      };
    case 'paying_day':
      return {
        k: customers * arpa * 12,
        formula: `extra paying customers (Δ share paying on day ${n} × ${customers} customers) × ARPA × 12`,
        assumptions: [
          base,
          `the change in the share paying on day ${n} is a lasting change in the number paying`,
          'each extra paying customer pays the average MRR per paying customer (ARPA) for a year: × ARPA × 12',
        ],
      };
    case 'mrr_after':
      return {
        k: customers * 12,
        formula: `Δ MRR per customer ${n} days after exposure × ${customers} customers × 12`,
        assumptions: [base, `the change in MRR ${n} days after exposure lasts a year: × 12 months`],
      };
    case 'revenue_after':
      return {
        k: customers * (DAYS_PER_YEAR / n),
        formula: `Δ revenue per customer in ${n} days × ${customers} customers × 365/${n}`,
        assumptions: [base, `the change in revenue over ${n} days repeats every ${n} days (365/${n} a year)`],
      };
    case 'time_to_churn': {
      const tau = s.horizon_days ?? s.days;
      return {
        // Δ days paying per τ days, 365/τ windows a year, each day worth ARPA × 12 / 365.
        k: customers * arpa * (12 / tau),
        formula: `Δ days paying within ${tau} days (RMST) × ${customers} customers × 365/${tau} × ARPA × 12/365`,
        assumptions: [
          base,
          `the gain in days paying within the first ${tau} days repeats every ${tau} days`,
          'each day paid is worth the average MRR per paying customer (ARPA) × 12 / 365',
        ],
      };
    }
    default:
      return {
        reason: `${s.kind} has no direct relation to revenue: its effect is not turned into money`,
      };
  }
}

const scaled = (ci: [number, number] | null, k: number): [number, number] | null =>
  ci === null ? null : ([k * ci[0], k * ci[1]].sort((a, b) => a - b) as [number, number]);

/** Each arm's effect per unit in the outcome's own scale: a relative effect times the control's value. */
function perUnitEffects(o: OutcomeResult): RevenueArm[] {
  if (o.stats) {
    const control = o.stats.arms[0]?.value ?? null;
    return o.stats.comparisons.map((c) => {
      const factor = o.stats?.difference === 'relative' ? (control === null ? null : Math.abs(control)) : 1;
      return {
        arm: c.arm,
        baseline: c.baseline,
        perUnit: factor === null || c.effect === null ? null : c.effect * factor,
        perUnitCi: factor === null ? null : scaled(c.ci, factor),
        perYear: null,
        perYearCi: null,
      };
    });
  }
  return (o.survival?.rmst ?? []).map((r) => ({
    arm: r.arm,
    baseline: r.baseline,
    perUnit: r.difference,
    perUnitCi: r.ci,
    perYear: null,
    perYearCi: null,
  }));
}

/** What the primary effect is worth in revenue per year at the paying base of as_of. */
export async function revenueValue(engine: Engine, analysis: ExperimentAnalysis): Promise<RevenueValue> {
  const { customers, mrr } = await payingBase(engine, analysis.asOf);
  const arpa = customers > 0 ? mrr / customers : null;
  const primary = analysis.outcomes.find((o) => o.role === 'primary') ?? analysis.outcomes[0];
  const none = (message: string): RevenueValue => ({
    outcome: primary?.name ?? null,
    customers,
    mrr,
    arpa,
    formula: null,
    arms: primary ? perUnitEffects(primary) : [],
    assumptions: [],
    message,
  });
  if (!primary) return none('no primary outcome: nothing to value');
  if (arpa === null) return none(`no customer is paying at ${analysis.asOf}: no base to value the effect on`);
  const relation = revenueRelation(primary.spec, customers, arpa);
  if ('reason' in relation) return none(relation.reason);
  const arms = perUnitEffects(primary).map((a) => ({
    ...a,
    perYear: a.perUnit === null ? null : relation.k * a.perUnit,
    perYearCi: scaled(a.perUnitCi, relation.k),
  }));
  const assumptions = [
    ...relation.assumptions,
    primary.stats?.difference === 'relative'
      ? "a relative effect is taken per unit as lift × the control's value, the interval as if that value were exact"
      : 'the interval is the effect’s, scaled',
    'nothing else changes: no seasonality, mix shift or interaction with other changes',
  ];
  const message = arms.every((a) => a.perYear === null) ? 'the effect has no estimate yet' : null;
  return {
    outcome: primary.name,
    customers,
    mrr,
    arpa,
    formula: relation.formula,
    arms,
    assumptions,
    message,
  };
}

export interface ResultsOptions extends AnalyzeOptions {
  /** Breakdowns for the segments instead of the plan's. */
  readonly segments?: readonly string[];
}

/** The analysis of one experiment with its retention curves, segments and revenue per year. */
export async function experimentResults(engine: Engine, opts: ResultsOptions): Promise<ExperimentResults> {
  const catalog = opts.catalog ?? CATALOG;
  const analysis = await analyzeExperiment(engine, opts);
  return {
    ...analysis,
    retention: await retentionCurves(engine, analysis, catalog),
    segments: await segmentResults(engine, analysis, catalog, opts.segments),
    revenue: await revenueValue(engine, analysis),
  };
}
