// The segments a customer is in at a period's end that depend on the period as well as the customer (the
// catalog's customer segmentation): its lifecycle stage and its RFM group. Each is a table of
// (period_start, customer_id, segment) for a list of periods, built once per run (RunRollups.periodSegments),
// which customer segmentation counts and every KPI broken down `--by lifecycle` or `--by rfm` joins on the
// row's customer and period. A customer with no stage or no score in a period is in no row: '(none)'.
//
// Lifecycle (KPI-DEFAULTS.md: new, retained, resurrected, dormant, churned), from MRR at the period's start
// (s) and end (e) and the first payment, net over the period as in the MRR bridge:
//   new          s = 0, e > 0, first paid in P or later
//   retained     s > 0, e > 0
//   resurrected  s = 0, e > 0, paid before P (the bridge's reactivation)
//   churned      s > 0, e = 0
//   dormant      s = 0, e = 0, paid before P
// A customer that never paid by p_end, or first paid and stopped within P, has no stage.
//
// RFM, at T = min(p_end, as_of), over the customers seen by then (an event of one of their users, an order or
// a payment before T), each scored 1–5 on three measures against the others scored at the same T:
//   recency    the last active day before T (a day with an event of one of its users or an order);
//              never active ranks lowest
//   frequency  active days whose first moment falls in the `rfm_window_days` (90) before T
//   monetary   revenue in those days: orders plus recurring revenue earned (MRR × days / 30.4375), to the
//              cent
// A score is the quintile of the customer's mid-rank among them, 1 + floor(5 · (below + ties / 2) / n), so
// tied values share a score (the same in every engine: no arbitrary order among ties); nothing to measure
// (never active, no active day or no revenue in the window) scores 1. The RFM group is named from the
// recency score and FM = round((F + M) / 2) (halves up), on the usual 5 × 5 grid (RFM_GRID).
import type { SqlParams } from '../warehouse/sql-builder.ts';
import { DAYS_PER_MONTH, type Period } from './periods.ts';
import { mrrSpansSql } from './rollups/customer-mrr.ts';
import { instantParam, periodsValues, secondsBetween } from './sql-time.ts';

export const LIFECYCLE_STATES = ['new', 'retained', 'resurrected', 'churned', 'dormant'] as const;

/** RFM groups, from the best to the worst placed. */
export const RFM_GROUPS = [
  'champions',
  'loyal',
  'potential_loyalists',
  'new_customers',
  'promising',
  'need_attention',
  'about_to_sleep',
  'at_risk',
  'cannot_lose',
  'hibernating',
] as const;
export type RfmGroup = (typeof RFM_GROUPS)[number];

/** The RFM group of a recency score (row, 1–5) and an FM score (column, 1–5). */
export const RFM_GRID: readonly (readonly RfmGroup[])[] = [
  ['hibernating', 'hibernating', 'at_risk', 'at_risk', 'cannot_lose'], // R = 1
  ['hibernating', 'hibernating', 'at_risk', 'at_risk', 'cannot_lose'], // R = 2
  ['about_to_sleep', 'about_to_sleep', 'need_attention', 'loyal', 'loyal'], // R = 3
  ['promising', 'potential_loyalists', 'potential_loyalists', 'loyal', 'loyal'], // R = 4
  ['new_customers', 'potential_loyalists', 'potential_loyalists', 'champions', 'champions'], // R = 5
];

/** FM: the mean of the frequency and monetary scores, halves rounded up. */
export const fmScore = (f: number, m: number): number => Math.floor((f + m + 1) / 2);

/** The RFM group of three scores (1–5 each). */
export const rfmGroup = (r: number, f: number, m: number): RfmGroup =>
  RFM_GRID[r - 1]?.[fmScore(f, m) - 1] ?? 'hibernating';

/** The segment of a customer with no stage or no score in a period. */
export const NO_SEGMENT = '(none)';

/** The values a period dimension takes, '(none)' included: what a breakdown by it can hold. */
export const PERIOD_SEGMENT_VALUES = {
  lifecycle: [...LIFECYCLE_STATES, NO_SEGMENT],
  rfm: [...RFM_GROUPS, NO_SEGMENT],
} as const;

/** How RFM is scored: the catalog's customer segmentation parameters, and the data's end. */
export interface RfmOptions {
  /** Days before T in which active days (frequency) and revenue (monetary) count. */
  readonly windowDays: number;
  readonly asOf: string;
}

export const DEFAULT_RFM_WINDOW_DAYS = 90;

/** Up to this many periods, RFM's activity is joined to each period's probe; beyond, one ordered pass. */
const FEW_PERIODS = 3;

/** The lifecycle stage of a customer_mrr row `m` (period_start, s, e, first_paid_at), or NULL for none. */
export function lifecycleStateSql(m: string): string {
  return `CASE
    WHEN ${m}.s = 0 AND ${m}.e > 0 AND ${m}.first_paid_at >= ${m}.period_start THEN 'new'
    WHEN ${m}.s > 0 AND ${m}.e > 0 THEN 'retained'
    WHEN ${m}.s = 0 AND ${m}.e > 0 AND ${m}.first_paid_at < ${m}.period_start THEN 'resurrected'
    WHEN ${m}.s > 0 AND ${m}.e = 0 THEN 'churned'
    WHEN ${m}.s = 0 AND ${m}.e = 0 AND ${m}.first_paid_at < ${m}.period_start THEN 'dormant'
  END`;
}

/** Periods with distinct starts (a segment table is keyed by the period's start), the first of each kept. */
export function byDistinctStart(periods: readonly Period[]): Period[] {
  const seen = new Map<string, Period>();
  for (const p of periods) if (!seen.has(p.start)) seen.set(p.start, p);
  return [...seen.values()];
}

/**
 * `(period_start, customer_id, segment)`: each customer's lifecycle stage in each period. `customerMrr`: a
 * table of customer_mrr (customer-mrr.ts) holding these periods (maybe others, left out here).
 */
export function lifecycleSegmentsSql(
  periods: readonly Period[],
  customerMrr: string,
  params: SqlParams,
): string {
  return `WITH periods AS (${periodsValues(periods, params)}),
  staged AS (
    SELECT m.period_start, m.customer_id, ${lifecycleStateSql('m')} AS segment FROM ${customerMrr} m
    JOIN periods p ON p.period_start = m.period_start AND p.period_end = m.period_end)
  SELECT period_start, customer_id, segment FROM staged WHERE segment IS NOT NULL`;
}

/**
 * A score 1–5 from a customer's place among those of its period, by mid-rank (ties share a score); `none`,
 * the value of nothing to measure, scores 1.
 */
const score = (value: string, none: number) =>
  `CASE WHEN ${value} = ${none} THEN 1 ELSE 1 + CAST(floor(CAST(
    10 * (rank() OVER (PARTITION BY v.period_start ORDER BY ${value}) - 1)
    + 5 * count(*) OVER (PARTITION BY v.period_start, ${value}) AS DOUBLE PRECISION)
    / (2 * count(*) OVER (PARTITION BY v.period_start))) AS INTEGER) END`;

/**
 * `(period_start, customer_id, segment, r, f, m)`: each scored customer's RFM group and scores in each
 * period. `userDays`: the run's user days of every event (RunRollups.userDays([])).
 */
export function rfmSegmentsSql(
  periods: readonly Period[],
  userDays: string,
  options: RfmOptions,
  params: SqlParams,
): string {
  const d = params.dialect;
  // Bound negative: PostgreSQL cannot type a minus sign before a bound value.
  const back = params.bind(-options.windowDays);
  const asOf = instantParam(params, options.asOf);
  const grid = RFM_GRID.flatMap((row, r) =>
    row.map((group, fm) => `WHEN ${(r + 1) * 10 + fm + 1} THEN '${group}'`),
  ).join(' ');
  // A customer's days from the earliest probe on, and its one row for the days before it.
  const days = `SELECT r.customer_id, r.day, r.first_at FROM recent r CROSS JOIN cut c WHERE r.first_at >= c.t
    UNION ALL SELECT b.customer_id, b.day, b.first_at FROM before b`;
  // A few periods (the open month after a daily load): each period's days joined to its probe directly,
  // the last before T and those in [T − window, T) counted (the rows before the earliest probe are older than
  // every window). Many periods: one ordered pass over each customer's days and its probes (kind 0 at T,
  // kind 1 at T − window): at a probe, the last active day so far and how many there were; a day at the
  // very moment of a probe comes after it (kind 2). The join costs a row per day and period, the ordered
  // pass a sort of every day and probe (at 1M customers, the whole RFM of one month: 9 s against 17 s).
  const few = periods.length <= FEW_PERIODS;
  const joinedActivity = `activity AS (
    SELECT e.period_start, x.customer_id, max(x.day) AS last_day,
      count(CASE WHEN x.first_at >= e.since THEN 1 END) AS frequency
    FROM ends e JOIN (${days}) x ON x.first_at < e.t
    GROUP BY 1, 2),`;
  const orderedActivity = `marks AS (
    SELECT s.customer_id, s.t AS moment, 0 AS kind, s.period_start, ${d.cast('NULL', 'date')} AS day FROM scored s
    UNION ALL SELECT s.customer_id, s.since, 1, s.period_start, ${d.cast('NULL', 'date')} FROM scored s
    UNION ALL SELECT x.customer_id, x.first_at, 2, ${d.cast('NULL', 'timestamp')}, x.day FROM (${days}) x),
  running AS (
    SELECT m.period_start, m.customer_id, m.kind, max(m.day) OVER w AS last_day,
      CAST(count(m.day) OVER w AS BIGINT) AS seen
    FROM marks m
    WINDOW w AS (PARTITION BY m.customer_id ORDER BY m.moment, m.kind ROWS UNBOUNDED PRECEDING)),
  activity AS (
    SELECT period_start, customer_id, max(CASE WHEN kind = 0 THEN last_day END) AS last_day,
      sum(CASE WHEN kind = 0 THEN seen ELSE -seen END) AS frequency
    FROM running WHERE kind < 2 GROUP BY 1, 2),`;
  return `WITH periods AS (${periodsValues(periods, params)}),
  -- Each period's probe T and the window's start, worked out once per period, not once per row.
  ends AS (
    SELECT x.period_start, x.t, ${d.addInterval('x.t', back, 'day')} AS since FROM (
      SELECT period_start, least(period_end, ${asOf}) AS t FROM periods) x),
  -- A customer's activity: the days of its users' events, and its orders; each with its first moment.
  active AS (
    SELECT u.customer_id, u.day, u.first_at FROM ${userDays} u
    UNION ALL SELECT o.customer_id, ${d.utcDay('o.ordered_at')}, o.ordered_at FROM orders o),
  mrr_spans AS (${mrrSpansSql(params.dialect)}),
  first_seen AS (
    SELECT customer_id, min(moment) AS moment FROM (
      SELECT customer_id, first_at AS moment FROM active
      UNION ALL SELECT customer_id, effective_at FROM subscription_changes WHERE mrr > 0) f
    GROUP BY 1),
  scored AS (SELECT e.period_start, e.t, e.since, f.customer_id FROM ends e JOIN first_seen f ON f.moment < e.t),
  -- The earliest probe (T − window of the earliest period) and its day. A customer's active days before it
  -- count only through the last of them (recency) and once in both of a period's probes (whose difference
  -- is the frequency), so they are read as one row; only later days are grouped one by one.
  cut AS (SELECT x.t, ${d.utcDay('x.t')} AS day FROM (SELECT min(since) AS t FROM ends) x),
  recent AS (
    SELECT a.customer_id, a.day, min(a.first_at) AS first_at FROM active a CROSS JOIN cut c WHERE a.day >= c.day
    GROUP BY 1, 2),
  before AS (
    SELECT b.customer_id, max(b.first_at) AS first_at, max(b.day) AS day FROM (
      SELECT a.customer_id, a.day, a.first_at FROM active a CROSS JOIN cut c WHERE a.day < c.day
      UNION ALL SELECT r.customer_id, r.day, r.first_at FROM recent r CROSS JOIN cut c WHERE r.first_at < c.t) b
    GROUP BY b.customer_id),
  ${few ? joinedActivity : orderedActivity}
  spent AS (
    SELECT s.period_start, s.customer_id, CAST(sum(o.amount) AS DOUBLE PRECISION) AS amount FROM scored s
    JOIN orders o ON o.customer_id = s.customer_id AND o.ordered_at < s.t AND o.ordered_at >= s.since
    GROUP BY 1, 2),
  earned AS (
    SELECT s.period_start, s.customer_id,
      sum(m.mrr * ${secondsBetween(params.dialect, 'least(coalesce(m.next_at, s.t), s.t)', 'greatest(m.effective_at, s.since)')})
        / ${86_400 * DAYS_PER_MONTH} AS amount
    FROM scored s JOIN mrr_spans m ON m.customer_id = s.customer_id AND m.mrr > 0 AND m.effective_at < s.t
      AND (m.next_at IS NULL OR m.next_at > s.since)
    GROUP BY 1, 2),
  v AS (
    SELECT s.period_start AS period_start, s.customer_id AS customer_id,
      coalesce(CAST(a.last_day - DATE '1970-01-01' AS INTEGER), -1) AS recency,
      coalesce(a.frequency, 0) AS frequency,
      round(CAST(coalesce(x.amount, 0) + coalesce(y.amount, 0) AS DECIMAL(38, 9)), 2) AS monetary
    FROM scored s
    LEFT JOIN activity a ON a.period_start = s.period_start AND a.customer_id = s.customer_id
    LEFT JOIN spent x ON x.period_start = s.period_start AND x.customer_id = s.customer_id
    LEFT JOIN earned y ON y.period_start = s.period_start AND y.customer_id = s.customer_id),
  scores AS (
    SELECT v.period_start AS period_start, v.customer_id AS customer_id, ${score('v.recency', -1)} AS r, ${score('v.frequency', 0)} AS f,
      ${score('v.monetary', 0)} AS m
    FROM v)
  SELECT period_start, customer_id,
    CASE r * 10 + CAST(floor((f + m + 1) / 2.0) AS INTEGER) ${grid} END AS segment, r, f, m
  FROM scores`;
}
