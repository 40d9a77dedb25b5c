// Period bounds in SQL, built on the dialect's time spellings (warehouse/engine.ts `Dialect`: utcDay,
// epochSeconds, series). Every period starts at a UTC midnight (periods.ts), so UTC day numbers place an
// instant in its period exactly.
import type { Dialect } from '../warehouse/engine.ts';
import type { SqlParams } from '../warehouse/sql-builder.ts';
import type { Period } from './periods.ts';

/** Seconds from `earlier` to `later` (two instants). */
export function secondsBetween(d: Dialect, later: string, earlier: string): string {
  return `(${d.epochSeconds(later)} - ${d.epochSeconds(earlier)})`;
}

/** An instant from an ISO 8601 text bound as a value. */
export const instantParam = (params: SqlParams, iso: string): string =>
  params.dialect.cast(params.bind(iso), 'timestamp');

/** A date from a 'YYYY-MM-DD' text (or the date part of an ISO instant) bound as a value. */
export const dateParam = (params: SqlParams, iso: string): string =>
  params.dialect.cast(params.bind(iso.slice(0, 10)), 'date');

/**
 * The days a query over day rollups for `periods` reads, as bound dates: from `before` days ahead of the
 * first start to the last end (exclusive). Constant bounds filter the rollup in its scan, before any grouping.
 */
export function dayBounds(
  periods: readonly Period[],
  params: SqlParams,
  before = 0,
): { from: string; to: string } {
  const starts = periods.map((p) => Date.parse(p.start));
  const ends = periods.map((p) => Date.parse(p.end));
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    from: dateParam(params, iso(Math.min(...starts) - before * 86_400_000)),
    to: dateParam(params, iso(Math.max(...ends))),
  };
}

/**
 * A VALUES list of the periods with bound bounds: a CTE body `periods(period_start, period_end, start_day,
 * end_day)`, the days being the UTC dates of the bounds (for DATE columns and day rollups).
 */
export function periodsValues(periods: readonly Period[], params: SqlParams): string {
  const rows = periods.map(
    (p) =>
      `(${instantParam(params, p.start)}, ${instantParam(params, p.end)}, ` +
      `${dateParam(params, p.start)}, ${dateParam(params, p.end)})`,
  );
  return `SELECT * FROM (VALUES ${rows.join(', ')}) AS v(period_start, period_end, start_day, end_day)`;
}

/**
 * CTE body `(period_start, day)`: every UTC day of every period, so a day rollup finds its period by an
 * equality join instead of a range join. Reads the CTE `from` (columns period_start, start_day, end_day)
 * whose rows are `periods`.
 */
export function periodDaysSql(d: Dialect, periods: readonly Period[], from = 'periods'): string {
  const longest = Math.max(
    1,
    ...periods.map((p) => Math.ceil((Date.parse(p.end) - Date.parse(p.start)) / 86_400_000)),
  );
  return `SELECT p.period_start, p.start_day + CAST(g.i AS INTEGER) AS day FROM ${from} p
    CROSS JOIN ${d.series('0', String(longest - 1), 'g')} WHERE p.start_day + CAST(g.i AS INTEGER) < p.end_day`;
}

/** Months since year 0 of a date or timestamp expression: consecutive months differ by 1 across years. */
export const monthIndex = (ts: string) =>
  `(CAST(EXTRACT(YEAR FROM ${ts}) AS INTEGER) * 12 + CAST(EXTRACT(MONTH FROM ${ts}) AS INTEGER))`;
