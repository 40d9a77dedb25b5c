// An experiment's outcomes measured in the warehouse and handed over as summaries: per arm the sufficient
// statistics of every mean, proportion and ratio outcome over the units whose window has closed (and how
// many were left out), the Kaplan–Meier counts (churns and censorings per day since exposure) of every
// time-to-churn outcome, and the units assigned per arm (per period of planned weights) for the SRM check.
// Every reduction runs in SQL; what comes back is a few rows per arm.
import {
  type ActivationRequest,
  activationTables,
  DEFAULT_ACTIVATION_PARAMS,
} from '../../compiler/kpis/activation.ts';
import { RunRollups } from '../../compiler/rollups/run-rollups.ts';
import { instantParam } from '../../compiler/sql-time.ts';
import type { TimeCount } from '../../models/kaplan-meier.ts';
import type { Engine, Row } from '../../warehouse/engine.ts';
import { SqlParams } from '../../warehouse/sql-builder.ts';
import type { ArmSums } from '../stats/moments.ts';
import type { OutcomeDefinitions } from './definitions.ts';
import { OUTCOME_METRIC, type OutcomeSpec, outcomeName } from './spec.ts';
import {
  DAY_SECONDS,
  type Maturity,
  mrrSpansWithEpochs,
  type SourceKey,
  sourceId,
  UnitQuery,
  unitsSql,
} from './unit-sql.ts';

export type SummedSpec = Exclude<OutcomeSpec, { kind: 'time_to_churn' }>;
export type SurvivalSpec = Extract<OutcomeSpec, { kind: 'time_to_churn' }>;

export interface MeasureRequest {
  readonly experimentId: string;
  /** ISO 8601 UTC: units assigned by then; windows closed by then. */
  readonly asOf: string;
  readonly definitions: OutcomeDefinitions;
  /** The run's rollups (kept ones are read when current); built and dropped here when not given. */
  readonly rollups?: RunRollups;
}

/** One arm of one summed outcome: the units assigned, those whose window closed, and their sums. */
export interface MeasuredArm {
  name: string;
  /** Units assigned by as_of. */
  assigned: number;
  /** Units assigned whose window is not over by as_of: left out (maturity). */
  excluded: number;
  /** The sufficient statistics of the mature units (n = assigned − excluded), columns as stats/ reads them. */
  sums: ArmSums;
}

export interface MeasuredOutcome {
  name: string;
  spec: SummedSpec;
  metric: 'mean' | 'proportion' | 'ratio';
  arms: MeasuredArm[];
}

export interface MeasuredSurvival {
  name: string;
  spec: SurvivalSpec;
  arms: { name: string; n: number; counts: TimeCount[] }[];
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const float = (params: SqlParams, x: number) => `CAST(${params.bind(x)} AS DOUBLE PRECISION)`;

/** The UTC calendar day of an instant, YYYY-MM-DD. */
export const utcDate = (iso: string) => new Date(iso).toISOString().slice(0, 10);

function matureSql(m: Maturity, asOf: string, params: SqlParams): string {
  const parts: string[] = [];
  if (m.seconds > 0) parts.push(`u.t0 + ${m.seconds} <= ${float(params, Date.parse(asOf) / 1000)}`);
  if (m.days > 0) parts.push(`u.d0 + ${m.days} <= CAST(${params.bind(utcDate(asOf))} AS DATE)`);
  return parts.length ? `CASE WHEN ${parts.join(' AND ')} THEN 1 ELSE 0 END` : '1';
}

interface Planned {
  spec: SummedSpec;
  width: number;
}

/**
 * The query: `units`, one CTE per source aggregated per unit, `vals` (per unit: the maturity flag mI and
 * the values vI_J of every outcome), then per variant `units`, nI, sI_J = Σ vI_J and pI_J_K = Σ vI_J·vI_K
 * over the mature units (J ≤ K).
 */
export function sufficientStatisticsSql(
  req: MeasureRequest,
  outcomes: readonly SummedSpec[],
  resolve: (q: UnitQuery) => ReadonlyMap<string, string>,
  params: SqlParams,
  /** A segment of the units (SQL over their customer row, alias `cu`): the sums per variant and segment. */
  segment?: string,
): { sql: string; planned: Planned[] } {
  const assigned = unitsSql(req.experimentId, req.asOf, params);
  const units = segment
    ? `SELECT a0.*, ${segment} AS seg FROM (${assigned}) a0 LEFT JOIN customers cu ON cu.customer_id = a0.customer_id`
    : assigned;
  const seg = segment ? 'u.seg, ' : '';
  const q = new UnitQuery(params, req.definitions.activeEvents);
  const perOutcome = outcomes.map((spec) => ({ spec, ...q.columns(spec) }));
  const tables = resolve(q);
  const ctes = q.sourceCtes(tables);
  const vals = perOutcome.flatMap((o, i) => [
    `${matureSql(o.maturity, req.asOf, params)} AS m${i}`,
    ...o.columns.map((c, j) => `CAST(${c} AS DOUBLE PRECISION) AS v${i}_${j}`),
  ]);
  const sums = perOutcome.flatMap((o, i) => {
    const cols = [`sum(m${i}) AS n${i}`];
    o.columns.forEach((_, j) => {
      cols.push(`sum(CASE WHEN m${i} = 1 THEN v${i}_${j} END) AS s${i}_${j}`);
      for (let k = j; k < o.columns.length; k++)
        cols.push(`sum(CASE WHEN m${i} = 1 THEN v${i}_${j} * v${i}_${k} END) AS p${i}_${j}_${k}`);
    });
    return cols;
  });
  const sql = `WITH units AS (${units}),
  ${[
    ...ctes,
    `vals AS (
    SELECT u.variant, ${seg}
      ${vals.join(',\n      ')}
    FROM units u
    ${q.sourceJoins()})`,
  ].join(',\n  ')}
  SELECT variant, ${segment ? 'seg, ' : ''}count(*) AS units${sums.length ? `,\n    ${sums.join(',\n    ')}` : ''}
  FROM vals GROUP BY variant${segment ? ', seg' : ''} ORDER BY variant${segment ? ', seg' : ''}`;
  return { sql, planned: perOutcome.map((o) => ({ spec: o.spec, width: o.columns.length })) };
}

/** The arms' sums of one outcome from the query's rows (an arm without rows has none of anything). */
function armsOf(rows: readonly Row[], arms: readonly string[], i: number, width: number): MeasuredArm[] {
  return arms.map((name) => {
    const row = rows.find((r) => r.variant === name);
    const assigned = num(row?.units);
    const n = num(row?.[`n${i}`]);
    const sums = Array.from({ length: width }, (_, j) => num(row?.[`s${i}_${j}`]));
    const products = Array.from({ length: width }, (_, j) =>
      Array.from({ length: width }, (_, k) => num(row?.[`p${i}_${Math.min(j, k)}_${Math.max(j, k)}`])),
    );
    return { name, assigned, excluded: assigned - n, sums: { name, n, sums, products } };
  });
}

/** The tables the sources read, through the run's rollups (kept ones when current). */
async function resolveSources(
  keys: readonly SourceKey[],
  rollups: RunRollups,
  req: MeasureRequest,
): Promise<Map<string, string>> {
  const d = req.definitions;
  const tables = new Map<string, string>();
  for (const key of keys) {
    let table = '';
    if (key.kind === 'days') table = await rollups.userDays(key.names);
    else if (key.kind === 'activity') table = await rollups.activity(key.names);
    else if (key.kind === 'sessions')
      table = await rollups.sessions({
        sessionGapMinutes: d.sessionGapMinutes,
        keyActions: key.names ?? d.keyActions,
      });
    else if (key.kind === 'activation') {
      const activation: ActivationRequest = {
        kpis: [],
        periods: [],
        asOf: req.asOf,
        minSample: 0,
        params: {
          ...DEFAULT_ACTIVATION_PARAMS,
          activationMilestones: d.activationMilestones,
          activationWindowDays: d.activationWindowDays,
        },
      };
      const activity = await rollups.activity(d.activationMilestones);
      table = (await activationTables(rollups, activation, activity)).activated;
    }
    tables.set(sourceId(key), table);
  }
  return tables;
}

/** The query's rows and what each outcome's columns are: on the run's rollups, or on rollups of its own. */
async function sumRows(
  engine: Engine,
  req: MeasureRequest,
  outcomes: readonly SummedSpec[],
  segment?: (params: SqlParams) => string,
): Promise<{ rows: Row[]; planned: Planned[] }> {
  const work = async (session: Engine, rollups: RunRollups) => {
    // Sources first (their tables may need building), then the query over them.
    const probe = new UnitQuery(new SqlParams(session.dialect), req.definitions.activeEvents);
    for (const spec of outcomes) probe.columns(spec);
    const tables = await resolveSources(probe.sourceKeys(), rollups, req);
    const params = new SqlParams(session.dialect);
    const { sql, planned } = sufficientStatisticsSql(req, outcomes, () => tables, params, segment?.(params));
    const rows = await session.query(`/* experiment_outcomes */ ${sql}`, params.values);
    return { rows, planned };
  };
  if (req.rollups) return work(engine, req.rollups);
  // Rollups of its own: activity over only the names these outcomes read (every name would be a full
  // grouping of the events for nothing).
  return engine.session(async (session) => {
    const own = new RunRollups(session, activityNamesFor(outcomes, req.definitions));
    try {
      return await work(session, own);
    } finally {
      await own.drop();
    }
  });
}

const measuredOf = (rows: readonly Row[], planned: readonly Planned[], arms: readonly string[]) =>
  planned.map((p, i) => ({
    name: outcomeName(p.spec),
    spec: p.spec,
    metric: OUTCOME_METRIC[p.spec.kind] as MeasuredOutcome['metric'],
    arms: armsOf(rows, arms, i, p.width),
  }));

/** Per arm (in the order given), every summed outcome's sufficient statistics, in one query. */
export async function measureOutcomes(
  engine: Engine,
  req: MeasureRequest,
  arms: readonly string[],
  outcomes: readonly SummedSpec[],
): Promise<MeasuredOutcome[]> {
  if (outcomes.length === 0) return [];
  const { rows, planned } = await sumRows(engine, req, outcomes);
  return measuredOf(rows, planned, arms);
}

/** One segment's outcomes: its value (the breakdown's, '(none)' for a unit without one) and its sums. */
export interface MeasuredSegment {
  segment: string;
  outcomes: MeasuredOutcome[];
}

/**
 * The same sums per segment of the units, still in one query: `segment` gives the SQL of the breakdown over
 * the unit's customer row (alias `cu`; src/compiler/dimensions.ts's segmentSql), binding what it needs.
 * Segments in the order of their value.
 */
export async function measureOutcomesBySegment(
  engine: Engine,
  req: MeasureRequest,
  arms: readonly string[],
  outcomes: readonly SummedSpec[],
  segment: (params: SqlParams) => string,
): Promise<MeasuredSegment[]> {
  if (outcomes.length === 0) return [];
  const { rows, planned } = await sumRows(engine, req, outcomes, segment);
  const values = [...new Set(rows.map((r) => String(r.seg ?? '(none)')))].sort();
  return values.map((value) => ({
    segment: value,
    outcomes: measuredOf(
      rows.filter((r) => String(r.seg ?? '(none)') === value),
      planned,
      arms,
    ),
  }));
}

/** The event names the outcomes read activity rows of: the activation milestones and any named events. */
export function activityNamesFor(outcomes: readonly OutcomeSpec[], d: OutcomeDefinitions): string[] {
  const names = new Set<string>();
  for (const o of outcomes) {
    if (o.kind === 'activated_within') for (const m of d.activationMilestones) names.add(m);
    if (o.kind === 'events_per_unit' && o.events) for (const e of o.events) names.add(e);
    if (o.kind === 'ratio')
      for (const q of [o.numerator, o.denominator])
        if ((q.of === 'events' || q.of === 'active_days') && q.events) for (const e of q.events) names.add(e);
  }
  return [...names].sort();
}

/**
 * Churns and censorings per arm and whole day since exposure: the first cancellation at or after
 * exposure is the event when it comes before the follow-up ends (t0 + days) and by as_of; every other unit
 * is censored at min(t0 + days, as_of). A unit that never paid stays at risk until then (intention to
 * treat: every assigned unit counts, whatever it did after).
 */
export function survivalCountsSql(req: MeasureRequest, spec: SurvivalSpec, params: SqlParams): string {
  const asOf = float(params, Date.parse(req.asOf) / 1000);
  const follow = spec.days * DAY_SECONDS;
  return `WITH units AS (${unitsSql(req.experimentId, req.asOf, params)}),
  first_churn AS (
    SELECT u.customer_id, min(x.effective_at) AS churn_at
    FROM units u JOIN (${mrrSpansWithEpochs(params.dialect)}) x ON x.customer_id = u.customer_id
      AND x.mrr = 0 AND x.prev_mrr > 0 AND x.effective_at >= u.t0
    GROUP BY u.customer_id),
  observed AS (
    SELECT u.variant, u.t0, CASE WHEN c.churn_at < u.t0 + ${follow} AND c.churn_at <= ${asOf} THEN 1 ELSE 0 END AS churned,
      c.churn_at, least(u.t0 + ${follow}, ${asOf}) AS censor_at
    FROM units u LEFT JOIN first_churn c ON c.customer_id = u.customer_id)
  SELECT variant,
    CAST(floor((CASE WHEN churned = 1 THEN churn_at ELSE censor_at END - t0) / ${DAY_SECONDS}) AS INTEGER) AS day,
    sum(churned) AS events, count(*) - sum(churned) AS censored
  FROM observed GROUP BY 1, 2 ORDER BY 1, 2`;
}

export async function measureSurvival(
  engine: Engine,
  req: MeasureRequest,
  arms: readonly string[],
  spec: SurvivalSpec,
): Promise<MeasuredSurvival> {
  const params = new SqlParams(engine.dialect);
  const rows = await engine.query(
    `/* experiment_survival */ ${survivalCountsSql(req, spec, params)}`,
    params.values,
  );
  return {
    name: outcomeName(spec),
    spec,
    arms: arms.map((name) => {
      const counts = rows
        .filter((r) => r.variant === name)
        .map((r) => ({ time: Math.max(0, num(r.day)), events: num(r.events), censored: num(r.censored) }));
      return { name, n: counts.reduce((s, c) => s + c.events + c.censored, 0), counts };
    }),
  };
}

/** Units assigned per variant and period of constant planned weights (periods start at `changes`). */
export interface AssignmentCount {
  variant: string;
  /** 0 before the first change, k after the k-th. */
  period: number;
  n: number;
}

export async function assignmentCounts(
  engine: Engine,
  experimentId: string,
  asOf: string,
  changes: readonly string[] = [],
): Promise<AssignmentCount[]> {
  const params = new SqlParams(engine.dialect);
  const bounds = changes.map((c) => instantParam(params, c));
  const period = bounds.length
    ? `CASE ${bounds.map((b, i) => `WHEN a.assigned_at < ${b} THEN ${i}`).join(' ')} ELSE ${bounds.length} END`
    : '0';
  const rows = await engine.query(
    `SELECT a.variant, ${period} AS period, count(*) AS n FROM assignments a
    WHERE a.experiment_id = ${params.bind(experimentId)} AND a.assigned_at <= ${instantParam(params, asOf)}
    GROUP BY 1, 2 ORDER BY 1, 2`,
    params.values,
  );
  return rows.map((r) => ({ variant: String(r.variant), period: num(r.period), n: num(r.n) }));
}
