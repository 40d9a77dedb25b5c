// The customer engagement score (KPI-DEFAULTS.md): per account and period
//   100 · Σ w_e · min(1, ln(1 + count_e) / ln(1 + cap_e)) / Σ w_e   over the key actions,
// each action's count held against a fixed reference cap_e. A cap the project does not set is the 90th
// percentile (percentile_cont) of the subscribed accounts' monthly counts of the action (0 for an account
// that did not do it) over the first 3 complete calendar months of events, and at least 1 (so one use of an
// action that fewer than a tenth of accounts do scores full marks). Those months are over once and for all,
// so the scale stays put and the mean can show a trend, which a percentile rank among accounts cannot (its
// mean is 50 whatever happens). Monthly references make the score depend on the period's length.
// Two queries: the caps (one row per action), then the scores with the caps bound.
// A column read through a join is named in the SELECT (`x.day AS day`): ClickHouse names a bare `x.day`
// "x.day" when another table of the join has a `day`, and the readers of the rows would not find it.
import type { Engine } from '../../warehouse/engine.ts';
import { SqlParams } from '../../warehouse/sql-builder.ts';
import { firstEventAt } from '../as-of.ts';
import { type PeriodSegmentTables, segmentJoin, segmentSql, segmentsAt } from '../dimensions.ts';
import { eventFilter } from '../event-filter.ts';
import type { FamilyRequest } from '../family-request.ts';
import { nextPeriodStart, type Period, periodStart } from '../periods.ts';
import type { RunRollups } from '../rollups/run-rollups.ts';
import { latestOf } from '../rollups/session-reach.ts';
import { periodDaysSql, periodsValues } from '../sql-time.ts';

/** How many complete calendar months of events the default caps are taken over. */
export const REFERENCE_MONTHS = 3;

/**
 * How long after a period's end its score can still move, in days: none when the project sets every cap;
 * otherwise until the reference months are over. A period with a key action holds an event, so the first
 * event is before its end, and the reference months end at most 123 days after the first event (the rest
 * of its month, then three months of at most 92 days). A period without one scores 0 whatever the caps.
 */
export function scoreReachDays(params: ScoreParams): number {
  const fixed = params.keyActions.every((n) => params.keyActionCaps[n] !== undefined);
  return fixed ? 0 : 31 * (REFERENCE_MONTHS + 1);
}
/**
 * When each period's score settles (families.ts settlesAt): the score reads P's key actions and the caps,
 * which stay put once the reference months are over; so at P's end, or at the reference months' end for a
 * period before it. Null while they are not all over by as_of (the scale is provisional). A load adding
 * events before the first one, or inside the reference months, lies before every such instant and sets the
 * kept scores aside. Undefined when the project sets every cap (the reach is 0).
 */
export async function scoreSettlesAt(
  engine: Engine,
  params: ScoreParams,
  periods: readonly Period[],
  asOf: string,
): Promise<Map<string, string | null> | undefined> {
  if (scoreReachDays(params) === 0) return undefined;
  const first = await firstEventAt(engine);
  const reference = first === undefined ? undefined : referenceMonths(first, asOf);
  const over = reference?.settled ? reference.months.at(-1)?.end : undefined;
  return new Map(periods.map((p) => [p.start, over === undefined ? null : latestOf(p.end, over)]));
}

/** The percentile of accounts' monthly counts a default cap is. */
export const REFERENCE_PERCENTILE = 0.9;

export interface ScoreParams {
  readonly keyActions: readonly string[];
  /** Weight of each key action; missing ones weigh 1. */
  readonly keyActionWeights: Readonly<Record<string, number>>;
  /** The project's reference count per key action; missing ones come from the reference months. */
  readonly keyActionCaps: Readonly<Record<string, number>>;
}

/** The scale the scores are computed on. */
export interface ScoreScale {
  /** Each key action (once) with its weight and cap. */
  readonly actions: readonly { readonly name: string; readonly weight: number; readonly cap: number }[];
  /** Σ w_e: 0 (no key actions, or all weigh 0) leaves the score undefined. */
  readonly totalWeight: number;
  /** Some cap comes from reference months not all over by as_of: the scale may still move (censored). */
  readonly provisional: boolean;
}

/**
 * The first `REFERENCE_MONTHS` complete calendar months of events (the first starts at or after the first
 * event), keeping those over by `asOf`; `settled` when all of them are.
 */
export function referenceMonths(firstEvent: string, asOf: string): { months: Period[]; settled: boolean } {
  const first = new Date(firstEvent);
  const itsMonth = periodStart(first, 'month');
  let start = itsMonth.getTime() === first.getTime() ? itsMonth : nextPeriodStart(itsMonth, 'month');
  const months: Period[] = [];
  for (let i = 0; i < REFERENCE_MONTHS; i++) {
    const end = nextPeriodStart(start, 'month');
    if (end.getTime() <= Date.parse(asOf))
      months.push({ start: start.toISOString(), end: end.toISOString() });
    start = end;
  }
  return { months, settled: months.length === REFERENCE_MONTHS };
}

/**
 * Per key action: the percentile of subscribed accounts' counts per reference month. `subscribed` may hold
 * other months too (a kept table): only the reference months' rows are read.
 */
function referenceCapsSql(
  names: readonly string[],
  activity: string,
  subscribed: string,
  months: readonly Period[],
  params: SqlParams,
): string {
  const actions = names.map((n) => `(CAST(${params.bind(n)} AS VARCHAR))`).join(', ');
  return `WITH periods AS (${periodsValues(months, params)}),
  period_days AS (${periodDaysSql(params.dialect, months)}),
  actions AS (SELECT * FROM (VALUES ${actions}) AS v(name)),
  counts AS (
    SELECT pd.period_start, a.customer_id, a.name, sum(a.events) AS n FROM ${activity} a
    JOIN period_days pd ON pd.day = a.day
    WHERE ${eventFilter('a', names, params)}
    GROUP BY 1, 2, 3),
  samples AS (
    SELECT k.name AS name, coalesce(c.n, 0) AS n FROM ${subscribed} s
    JOIN periods p ON p.period_start = s.period_start CROSS JOIN actions k
    LEFT JOIN counts c ON c.period_start = s.period_start AND c.customer_id = s.customer_id AND c.name = k.name)
  SELECT name, ${params.dialect.percentileCont(params.bind(REFERENCE_PERCENTILE), 'CAST(n AS DOUBLE PRECISION)')} AS cap
  FROM samples GROUP BY name`;
}

/**
 * The key actions' weights and caps; undefined when a cap must come from the data and no reference month
 * is over yet (nothing to score against).
 */
export async function scoreScale(
  engine: Engine,
  rollups: RunRollups,
  req: FamilyRequest<ScoreParams>,
): Promise<ScoreScale | undefined> {
  const names = [...new Set(req.params.keyActions)];
  const weight = (n: string) => req.params.keyActionWeights[n] ?? 1;
  const totalWeight = names.reduce((sum, n) => sum + weight(n), 0);
  const unset = names.filter((n) => req.params.keyActionCaps[n] === undefined);
  const derived = new Map<string, number>();
  let provisional = false;
  if (unset.length > 0) {
    const first = await firstEventAt(engine);
    const reference = first ? referenceMonths(first, req.asOf) : { months: [], settled: false };
    if (reference.months.length === 0) return undefined;
    provisional = !reference.settled;
    const activity = await rollups.activity(names);
    const subscribed = await rollups.subscribedIncluding(reference.months);
    const params = new SqlParams(engine.dialect);
    const rows = await engine.query<{ name: string; cap: number | null }>(
      referenceCapsSql(unset, activity, subscribed, reference.months, params),
      params.values,
    );
    for (const r of rows) if (r.cap !== null) derived.set(r.name, Number(r.cap));
  }
  const actions = names.map((name) => ({
    name,
    weight: weight(name),
    // No subscribed account in the reference months: no count to take a percentile of, so the floor.
    cap: req.params.keyActionCaps[name] ?? Math.max(1, derived.get(name) ?? 0),
  }));
  return { actions, totalWeight, provisional };
}

/**
 * Per period and segment, over the accounts subscribed at any time in the period: how many, the sum of
 * their scores, and how many score low (< 33) and high (≥ 67). Scores are compared with the bands rounded
 * to 9 decimals: engines sum floating logs in different orders, and a score on a band's edge must fall on
 * the same side everywhere. `scale.actions` must not be empty. A count is cast only once it is not NULL
 * (ClickHouse refuses to cast a NULL to a type that cannot hold one).
 */
export function scoreSql(
  req: FamilyRequest<ScoreParams>,
  scale: ScoreScale,
  t: { readonly activity: string; readonly subscribed: string; readonly segments: PeriodSegmentTables },
  params: SqlParams,
): string {
  const num = (x: number) => `CAST(${params.bind(x)} AS DOUBLE PRECISION)`;
  const actions = scale.actions
    .map((a) => `(CAST(${params.bind(a.name)} AS VARCHAR), ${num(a.weight)}, ${num(a.cap)})`)
    .join(', ');
  const names = scale.actions.map((a) => a.name);
  const score = 'CAST(r.score AS DECIMAL(38, 9))';
  return `WITH periods AS (${periodsValues(req.periods, params)}),
  subscribed AS (SELECT * FROM ${t.subscribed}),
  period_days AS (${periodDaysSql(params.dialect, req.periods)}),
  actions AS (SELECT * FROM (VALUES ${actions}) AS v(name, weight, cap)),
  counts AS (
    SELECT pd.period_start, a.customer_id, a.name, sum(a.events) AS n FROM ${t.activity} a
    JOIN period_days pd ON pd.day = a.day
    WHERE ${eventFilter('a', names, params)}
    GROUP BY 1, 2, 3),
  scores AS (
    SELECT s.period_start AS period_start, s.customer_id AS customer_id,
      100 * coalesce(sum(k.weight * least(1, ln(1 + CAST(coalesce(c.n, 0) AS DOUBLE PRECISION)) / ln(1 + k.cap))), 0)
        / ${num(scale.totalWeight)} AS score
    FROM subscribed s
    LEFT JOIN counts c ON c.period_start = s.period_start AND c.customer_id = s.customer_id
    LEFT JOIN actions k ON k.name = c.name
    GROUP BY 1, 2)
  SELECT r.period_start, ${segmentSql(req.by, params)} AS segment, count(*) AS accounts, sum(r.score) AS score_sum,
    count(CASE WHEN ${score} < 33 THEN 1 END) AS low, count(CASE WHEN ${score} >= 67 THEN 1 END) AS high
  FROM scores r ${segmentJoin(req.by, 'r.customer_id', segmentsAt('r.period_start', t.segments))}
  GROUP BY 1, 2`;
}
