// The shared rollup behind every revenue KPI: each customer's MRR at the start and end of each period.
// MRR(c, t) is the mrr of c's latest subscription change effective strictly before t (0 if none), so a
// change effective exactly at a period's start belongs to that period. SQL that DuckDB, PostgreSQL
// both run, and ClickHouse (window functions; the dialect's lead).
import type { Dialect } from '../../warehouse/engine.ts';
import type { SqlParams } from '../../warehouse/sql-builder.ts';
import type { Period } from '../periods.ts';
import { periodsValues } from '../sql-time.ts';

/** The table subscription changes are read from (an incremental update reads some customers' changes). */
const CHANGES = 'subscription_changes';

/** `(customer_id, effective_at, mrr, next_at)`: each subscription change with the time of the next one. */
export const mrrSpansSql = (d: Dialect, changes = CHANGES): string => `SELECT customer_id, effective_at, mrr,
      ${d.lead('effective_at')} OVER (PARTITION BY customer_id ORDER BY effective_at) AS next_at
    FROM ${changes}`;

/** `(customer_id, first_paid_at)`: each customer's first payment, its earliest change with MRR > 0. */
export const firstPaidSql = (
  changes = CHANGES,
): string => `SELECT customer_id, min(effective_at) AS first_paid_at
    FROM ${changes} WHERE mrr > 0 GROUP BY customer_id`;
export const FIRST_PAID_SQL = firstPaidSql();

/**
 * CTE `starting(customer_id, starting_mrr)`: each customer's MRR at its first payment (the largest change at
 * that instant), over a CTE `first_paid` (FIRST_PAID_SQL): what the cohorts of first payments start from.
 */
export const STARTING_MRR_CTE = `starting AS (
    SELECT s.customer_id, max(s.mrr) AS starting_mrr FROM subscription_changes s
    JOIN first_paid f ON f.customer_id = s.customer_id AND s.effective_at = f.first_paid_at
    GROUP BY s.customer_id)`;

/**
 * Whether span `m` (a row of mrrSpansSql) gives MRR(c, t): its change is effective strictly before t and
 * the next one is not (a change effective exactly at t counts from just after t).
 */
export const spanHoldsAtSql = (m: string, t: string): string =>
  `${m}.effective_at < ${t} AND (${m}.next_at IS NULL OR ${t} <= ${m}.next_at)`;

/**
 * The one rule for "subscribed in P" (the accounts engagement rate, the engagement score and loyalty
 * participation count; churn's S is the same customers' s > 0): a span `m` with mrr > 0 that gives MRR at
 * p_start (s > 0) or whose change is effective in [p_start, p_end). A change effective exactly at p_start
 * belongs to P, so a customer whose cancellation is effective at p_start was paying at P's start: it is in
 * churn's S and churns in P, and it is subscribed in P for every other KPI too. Written as one range:
 * effective_at < p_end AND next_at ≥ p_start (a span starting in P ends after its start). Revenue earned in
 * P (∫ MRR dt) is not this test: such a customer earns nothing in P.
 */
export const subscribedSpanSql = (m: string, periodStart: string, periodEnd: string): string =>
  `${m}.mrr > 0 AND ${m}.effective_at < ${periodEnd} AND (${m}.next_at IS NULL OR ${m}.next_at >= ${periodStart})`;

/**
 * CTEs ending in `customer_mrr(period_start, period_end, customer_id, s, e, first_paid_at)`: one row per
 * period and customer with a subscription change before the period's end; `s` and `e` are MRR at the
 * period's start and end. Customers whose history starts later would only add rows with s = e = 0 that no
 * count takes, so they are not crossed with every period: each gets one such row, in the last period, so
 * that its segment is still among a breakdown's segments.
 * `built`: a table holding customer_mrr for these periods and maybe others before them (the run's rollup,
 * RunRollups.customerMrr), read instead of computing it again; the other CTEs stay for the query.
 * `changes`: the table of subscription changes read (default subscription_changes).
 */
export function customerMrrCtes(
  periods: readonly Period[],
  params: SqlParams,
  built?: string,
  changes = CHANGES,
): string {
  const common = `periods AS (${periodsValues(periods, params)}),
  mrr_spans AS (${mrrSpansSql(params.dialect, changes)}),
  first_paid AS (${firstPaidSql(changes)}),
  -- Customers whose history starts after the last period: one zero row each, in it.
  later AS (
    SELECT p.period_start, p.period_end, h.customer_id, 0 AS s, 0 AS e, f.first_paid_at
    FROM (SELECT customer_id, min(effective_at) AS first_at FROM ${changes} GROUP BY 1) h
    JOIN periods p ON p.period_end = (SELECT max(period_end) FROM periods) AND h.first_at >= p.period_end
    LEFT JOIN first_paid f ON f.customer_id = h.customer_id)`;
  if (built) {
    return `${common},
  customer_mrr AS (
    SELECT m.* FROM ${built} m JOIN periods p ON p.period_start = m.period_start AND p.period_end = m.period_end)`;
  }
  return `${common},
  boundaries AS (SELECT period_start AS t FROM periods UNION SELECT period_end FROM periods),
  -- The first payment joined to the spans, before they are crossed with the boundaries (many more rows).
  mrr_at AS (
    SELECT b.t, m.customer_id, m.mrr, m.first_paid_at FROM boundaries b
    JOIN (SELECT x.*, f.first_paid_at FROM mrr_spans x LEFT JOIN first_paid f ON f.customer_id = x.customer_id) m
      ON ${spanHoldsAtSql('m', 'b.t')}),
  customer_mrr AS (${disjoint(periods) ? byPreviousBoundary(params.dialect) : byJoin}
    UNION ALL SELECT * FROM later)`;
}

/** Periods that do not overlap: no boundary falls strictly inside a period. */
function disjoint(periods: readonly Period[]): boolean {
  const sorted = [...periods].sort((a, b) => a.start.localeCompare(b.start));
  return sorted.every((p, i) => i === 0 || (sorted[i - 1]?.end ?? '') <= p.start);
}

// MRR at a period's start looked up by joining the boundaries' rows to themselves (any periods). No table
// alias shares a name with a result column (ClickHouse lets a column alias shadow a table alias), and a
// column two joined tables both have is named (ClickHouse would name it at_end.customer_id).
const byJoin = `
    SELECT p.period_start, p.period_end, at_end.customer_id AS customer_id,
      coalesce(at_start.mrr, 0) AS s, at_end.mrr AS e, at_end.first_paid_at AS first_paid_at
    FROM periods p JOIN mrr_at at_end ON at_end.t = p.period_end
    LEFT JOIN mrr_at at_start ON at_start.t = p.period_start AND at_start.customer_id = at_end.customer_id`;

// Periods that do not overlap: a customer's row at a period's end follows its row at the period's start
// when it has one (it has rows at every boundary after its first change), so one ordered pass over each
// customer's rows gives both, instead of joining millions of rows to themselves on text keys.
const byPreviousBoundary = (d: Dialect) => `
    SELECT p.period_start, p.period_end, m.customer_id,
      CASE WHEN m.prev_t = p.period_start THEN m.prev_mrr ELSE 0 END AS s, m.mrr AS e, m.first_paid_at
    FROM periods p JOIN (
      SELECT a.t, a.customer_id, a.mrr, a.first_paid_at,
        ${d.lag('a.t')} OVER (PARTITION BY a.customer_id ORDER BY a.t) AS prev_t,
        ${d.lag('a.mrr')} OVER (PARTITION BY a.customer_id ORDER BY a.t) AS prev_mrr
      FROM mrr_at a) m ON m.t = p.period_end`;
