// What the analysis needs of an experiment's plan: the arms with their planned weights (and the periods of
// other weights, when a change of weights was recorded), the outcomes with their roles, alpha, the method
// and the multiple-testing family. The registry (src/experiments/registry) owns plans; its resolved plan
// is read as an `AnalysisPlan` (planFromRegistry: the plan in force, its outcomes by the registry's
// plannedOutcomes, the periods of other weights from its amendments). Without one (the registry cannot load
// the row's plan: an unknown KPI, a malformed column), this file reads what the `experiments` row says —
// the generator's `pre_registration` {metric, alpha, variants, weights, …} and the `primary_kpi` column —
// taking documented defaults for the rest, saying which, and naming the KPIs it could not measure.
import type { Catalog } from '../catalog/catalog.ts';
import {
  defaultOutcomeForKpi,
  OUTCOME_METRIC,
  type OutcomeSpec,
  OutcomeSpecSchema,
  outcomeDirection,
  outcomeName,
} from './outcomes/spec.ts';
import { type PlannedOutcome, plannedOutcomes } from './registry/plan.ts';
import type { ExperimentRecord as RegistryRecord } from './registry/registry.ts';

/** One outcome of the plan with its role: the registry's PlannedOutcome, whichever way the plan was read. */
export type AnalysisOutcome = PlannedOutcome;

export interface AnalysisPlan {
  /** The arms in order, the control first, with planned shares (any positive scale). */
  readonly variants: readonly { readonly name: string; readonly weight: number }[];
  /**
   * The planned weights over the run when they changed (one per arm, in the order of `variants`): the
   * first period's `from` is null (the start), each later one's the time the new weights took effect.
   * Absent: `variants`' weights throughout.
   */
  readonly weightPeriods?: readonly { readonly from: string | null; readonly weights: readonly number[] }[];
  readonly alpha: number;
  readonly method: 'fixed_horizon' | 'sequential';
  /** N* of the sequential confidence sequence. */
  readonly sequentialTuning?: number;
  readonly multipleTesting?: {
    readonly correction: 'holm' | 'bh' | 'none';
    readonly scope: 'within_metric' | 'across_metrics';
  };
  readonly outcomes: readonly AnalysisOutcome[];
  /** The breakdowns the plan reports its primary outcome by (exploratory); absent: none. */
  readonly segments?: readonly string[];
}

/** The `experiments` row, as the analysis reports it. */
export interface ExperimentInfo {
  experimentId: string;
  name: string | null;
  hypothesis: string | null;
  primaryKpi: string | null;
  preRegisteredAt: string | null;
  startedAt: string | null;
  endedAt: string | null;
  /** The pre_registration column, parsed; null when empty or not a JSON object. */
  preRegistration: Record<string, unknown> | null;
}

/** The registry's plan in force as the analysis reads it; null when the registry holds no plan. */
export function planFromRegistry(rec: RegistryRecord): AnalysisPlan | null {
  const plan = rec.plan;
  if (!plan) return null;
  const names = plan.variants.map((v) => v.name);
  // Periods of other weights: each version whose weights differ from the one before, from its registration.
  const periods: { from: string | null; weights: number[] }[] = [];
  for (const version of rec.versions) {
    const weights = names.map((n) => version.plan.variants.find((v) => v.name === n)?.weight);
    if (weights.some((w) => w === undefined)) continue;
    const last = periods.at(-1);
    const same = last?.weights.every((w, i) => Math.abs(w - (weights[i] as number)) < 1e-12);
    if (!last) periods.push({ from: null, weights: weights as number[] });
    else if (!same && version.registered_at !== null)
      periods.push({ from: new Date(version.registered_at).toISOString(), weights: weights as number[] });
  }
  return {
    variants: plan.variants.map((v) => ({ name: v.name, weight: v.weight })),
    ...(periods.length > 1 ? { weightPeriods: periods } : {}),
    alpha: plan.alpha,
    method: plan.analysis.method,
    ...(plan.analysis.method === 'sequential' ? { sequentialTuning: plan.analysis.tuning } : {}),
    multipleTesting: plan.multiple_testing,
    outcomes: plannedOutcomes(plan, defaultOutcomeForKpi),
    segments: plan.segments,
  };
}

/** A plan read from the row, with what it took by default and the problems it met. */
export interface RowPlan {
  plan: AnalysisPlan;
  /** Sentences: each default taken, each thing ignored. */
  notes: string[];
  unknownKpis: string[];
  kpisWithoutOutcome: string[];
}

const DEFAULT_ALPHA = 0.05;
const DEFAULT_TUNING = 5000;

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

export function parseJsonColumn(value: unknown): Record<string, unknown> | null {
  if (isObject(value)) return value;
  if (typeof value !== 'string' || value.trim() === '') return null;
  try {
    const parsed: unknown = JSON.parse(value);
    return isObject(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

/** An outcome of the plan from a KPI id, an OutcomeSpec, or the registry's {kpi?, outcome?} reference. */
function resolveRef(
  raw: unknown,
  role: AnalysisOutcome['role'],
  catalog: Catalog,
  kpiOutcome: (kpi: string) => OutcomeSpec | undefined,
  out: RowPlan,
  cuped: boolean,
): AnalysisOutcome | undefined {
  let kpi: string | null = null;
  let spec: OutcomeSpec | undefined;
  const ref = isObject(raw) ? raw : { kpi: raw };
  if (ref.outcome !== undefined || ref.kind !== undefined) {
    const parsed = OutcomeSpecSchema.safeParse(ref.outcome ?? ref);
    if (!parsed.success) {
      out.notes.push(`a ${role} outcome of the plan is not an outcome this analysis knows; it was left out`);
      return undefined;
    }
    spec = parsed.data;
  }
  if (typeof ref.kpi === 'string' && ref.kpi !== '') {
    kpi = ref.kpi;
    if (!catalog.some((d) => d.id === kpi)) {
      out.unknownKpis.push(kpi);
      if (!spec) return undefined;
    } else if (!spec) {
      spec = kpiOutcome(kpi);
      if (!spec) {
        out.kpisWithoutOutcome.push(kpi);
        return undefined;
      }
    }
  }
  if (!spec) return undefined;
  if (cuped && spec.cuped === undefined && OUTCOME_METRIC[spec.kind] !== 'survival')
    spec = { ...spec, cuped: true };
  const outcome: AnalysisOutcome = {
    role,
    name: outcomeName(spec),
    kpi,
    spec,
    direction: outcomeDirection(spec),
  };
  if (role !== 'guardrail') return outcome;
  const mustNot = ref.must_not === 'increase' || ref.must_not === 'decrease' ? ref.must_not : undefined;
  const tolerance =
    isObject(ref.tolerance) && typeof ref.tolerance.value === 'number' ? ref.tolerance : undefined;
  return {
    ...outcome,
    must_not: mustNot ?? (outcome.direction === 'increase' ? 'decrease' : 'increase'),
    tolerance: {
      value: tolerance ? (tolerance.value as number) : 0,
      kind: tolerance?.kind === 'absolute' ? 'absolute' : 'relative',
    },
  };
}

function variantsOf(pre: Record<string, unknown>, assigned: readonly string[], notes: string[]) {
  const given = pre.variants;
  if (Array.isArray(given) && given.length >= 2) {
    if (given.every((v) => typeof v === 'string')) {
      const weights = pre.weights;
      if (
        Array.isArray(weights) &&
        weights.length === given.length &&
        weights.every((w) => typeof w === 'number' && w > 0)
      )
        return given.map((name, i) => ({ name: name as string, weight: weights[i] as number }));
      notes.push('the plan gives no weights: the arms are taken as planned equal');
      return given.map((name) => ({ name: name as string, weight: 1 / given.length }));
    }
    if (
      given.every(
        (v) => isObject(v) && typeof v.name === 'string' && typeof v.weight === 'number' && v.weight > 0,
      )
    )
      return given.map((v) => ({ name: v.name as string, weight: v.weight as number }));
  }
  const names = orderArms(assigned);
  notes.push(
    `the plan names no variants: the arms are those assigned (${names.join(', ') || 'none'}), taken as planned equal`,
  );
  return names.map((name) => ({ name, weight: 1 / Math.max(1, names.length) }));
}

/** Arms in order with the control first: 'control' (or a name starting with it), then by name. */
export function orderArms(names: readonly string[]): string[] {
  const isControl = (n: string) => /^(control|baseline|ctrl)/i.test(n);
  return [...new Set(names)].sort(
    (a, b) => Number(isControl(b)) - Number(isControl(a)) || a.localeCompare(b),
  );
}

/**
 * The plan the experiments row gives: `pre_registration` (the generator's {metric, alpha, variants,
 * weights}, or a whole registry plan: primary, secondary, guardrails, variants [{name, weight}], alpha,
 * analysis {method, tuning}, cuped {covariate}, multiple_testing), else `primary_kpi`, else nothing to
 * measure. `assigned`: the variants the assignments hold.
 */
export function planFromRow(
  row: ExperimentInfo | null,
  assigned: readonly string[],
  catalog: Catalog,
  kpiOutcome: (kpi: string) => OutcomeSpec | undefined,
): RowPlan {
  const pre = row?.preRegistration ?? {};
  const out: RowPlan = {
    plan: { variants: [], alpha: DEFAULT_ALPHA, method: 'fixed_horizon', outcomes: [] },
    notes: [],
    unknownKpis: [],
    kpisWithoutOutcome: [],
  };
  const alpha = typeof pre.alpha === 'number' && pre.alpha > 0 && pre.alpha <= 0.5 ? pre.alpha : undefined;
  if (alpha === undefined) out.notes.push(`the plan gives no alpha: ${DEFAULT_ALPHA} is used`);
  const analysis = isObject(pre.analysis) ? pre.analysis : {};
  const method =
    analysis.method === 'sequential' || pre.method === 'sequential' ? 'sequential' : 'fixed_horizon';
  const tuning = [analysis.tuning, pre.sequential_tuning].find((t) => typeof t === 'number' && t > 0) as
    | number
    | undefined;
  const mt = isObject(pre.multiple_testing) ? pre.multiple_testing : {};
  const cuped = isObject(pre.cuped) && pre.cuped.covariate === 'pre_exposure_outcome';
  const outcomes: AnalysisOutcome[] = [];
  const add = (raw: unknown, role: AnalysisOutcome['role']) => {
    const o = resolveRef(raw, role, catalog, kpiOutcome, out, cuped);
    if (o) outcomes.push(o);
  };
  const primary = pre.primary ?? pre.metric ?? pre.primary_kpi ?? row?.primaryKpi ?? undefined;
  if (primary !== undefined && primary !== null && primary !== '') add(primary, 'primary');
  if (Array.isArray(pre.secondary)) for (const s of pre.secondary) add(s, 'secondary');
  if (Array.isArray(pre.guardrails)) for (const g of pre.guardrails) add(g, 'guardrail');
  const variants = variantsOf(pre, assigned, out.notes);
  out.plan = {
    variants,
    weightPeriods: weightPeriodsOf(pre, variants),
    alpha: alpha ?? DEFAULT_ALPHA,
    method,
    sequentialTuning: tuning ?? DEFAULT_TUNING,
    multipleTesting: {
      correction: mt.correction === 'bh' || mt.correction === 'none' ? mt.correction : 'holm',
      scope: mt.scope === 'across_metrics' ? 'across_metrics' : 'within_metric',
    },
    outcomes,
  };
  return out;
}

/** `weight_changes: [{at, weights: [..]}]` when a plan records later periods of other weights. */
function weightPeriodsOf(
  pre: Record<string, unknown>,
  variants: readonly { weight: number }[],
): AnalysisPlan['weightPeriods'] {
  const given = pre.weight_changes;
  if (!Array.isArray(given)) return undefined;
  const changes = given
    .filter(
      (c): c is { at: string; weights: number[] } =>
        isObject(c) &&
        typeof c.at === 'string' &&
        !Number.isNaN(Date.parse(c.at)) &&
        Array.isArray(c.weights) &&
        c.weights.every((w) => typeof w === 'number' && w > 0),
    )
    .map((c) => ({ from: new Date(c.at).toISOString(), weights: c.weights }))
    .sort((a, b) => a.from.localeCompare(b.from));
  return [{ from: null, weights: variants.map((v) => v.weight) }, ...changes];
}
