// Daily active users and their 7- and 30-day windows, per segment, without expanding every active day into
// 30 rows: a user's active days covering overlapping windows are merged into spans, and each day's count is
// a running sum of span starts minus span ends (a sweep). Plain SQL for DuckDB and PostgreSQL.
import type { SqlParams } from '../../warehouse/sql-builder.ts';
import { segmentSql } from '../dimensions.ts';
import type { Period } from '../periods.ts';
import { periodsValues } from './customer-mrr.ts';

export interface ActiveDaysOptions {
  /** Event names that make a user active; empty means every event. */
  readonly activeEvents: readonly string[];
  readonly by?: string;
}

/** `name IN (…)` with bound names, or TRUE for every event. */
export function eventFilter(alias: string, names: readonly string[], params: SqlParams): string {
  if (names.length === 0) return 'TRUE';
  return `${alias}.name IN (${names.map((n) => params.bind(n)).join(', ')})`;
}

function coverage(window: number): string {
  const w = `w${window}`;
  return `${w}_marks AS (
    SELECT user_key, segment, day,
      CASE WHEN day - lag(day) OVER (PARTITION BY user_key ORDER BY day) <= ${window} THEN 0 ELSE 1 END AS starts
    FROM user_days),
  ${w}_islands AS (
    SELECT user_key, segment, day,
      sum(starts) OVER (PARTITION BY user_key ORDER BY day ROWS UNBOUNDED PRECEDING) AS island
    FROM ${w}_marks),
  ${w}_spans AS (
    SELECT segment, min(day) AS first_day, max(day) + ${window} AS end_day
    FROM ${w}_islands GROUP BY user_key, segment, island),
  ${w}_deltas AS (
    SELECT segment, day, sum(delta) AS delta FROM (
      SELECT segment, first_day AS day, 1 AS delta FROM ${w}_spans
      UNION ALL SELECT segment, end_day, -1 FROM ${w}_spans) d
    GROUP BY segment, day)`;
}

/**
 * CTEs ending in `daily_active(segment, day, dau, wau, mau)` for every calendar day from the first active
 * day to the last period's end, and `data_start(first_day)`; `periods` is defined too.
 */
export function activeDaysCtes(
  periods: readonly Period[],
  opts: ActiveDaysOptions,
  params: SqlParams,
): string {
  const last = periods[periods.length - 1]?.end ?? '1970-01-01T00:00:00.000Z';
  return `periods AS (${periodsValues(periods, params)}),
  user_days AS (
    SELECT coalesce(e.user_id, e.customer_id) AS user_key, ${segmentSql(opts.by)} AS segment,
      CAST(e.occurred_at AS DATE) AS day
    FROM events e JOIN customers cu ON cu.customer_id = e.customer_id
    WHERE ${eventFilter('e', opts.activeEvents, params)}
    GROUP BY 1, 2, 3),
  data_start AS (SELECT min(day) AS first_day FROM user_days),
  ${coverage(1)},
  ${coverage(7)},
  ${coverage(30)},
  segments AS (SELECT DISTINCT segment FROM user_days),
  calendar AS (
    SELECT CAST(g AS DATE) AS day FROM data_start,
      generate_series(CAST(data_start.first_day AS TIMESTAMP), CAST(CAST(${params.bind(last.slice(0, 10))} AS DATE) AS TIMESTAMP), INTERVAL '1 day') AS t(g)),
  daily_active AS (
    SELECT s.segment, c.day,
      sum(coalesce(d1.delta, 0)) OVER (PARTITION BY s.segment ORDER BY c.day ROWS UNBOUNDED PRECEDING) AS dau,
      sum(coalesce(d7.delta, 0)) OVER (PARTITION BY s.segment ORDER BY c.day ROWS UNBOUNDED PRECEDING) AS wau,
      sum(coalesce(d30.delta, 0)) OVER (PARTITION BY s.segment ORDER BY c.day ROWS UNBOUNDED PRECEDING) AS mau
    FROM calendar c CROSS JOIN segments s
    LEFT JOIN w1_deltas d1 ON d1.segment = s.segment AND d1.day = c.day
    LEFT JOIN w7_deltas d7 ON d7.segment = s.segment AND d7.day = c.day
    LEFT JOIN w30_deltas d30 ON d30.segment = s.segment AND d30.day = c.day)`;
}
