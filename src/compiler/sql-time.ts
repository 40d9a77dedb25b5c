// Time arithmetic in SQL that DuckDB and PostgreSQL both run, and run fast. DuckDB sends time-zone-aware
// work on TIMESTAMPTZ (casts to DATE, date_trunc, subtracting two timestamps) through ICU, which costs more
// than a whole pass over the events table; arithmetic on epoch seconds does not. Every period starts at a
// UTC midnight (periods.ts), so UTC day numbers place a timestamp in its period exactly.
import type { SqlParams } from '../warehouse/sql-builder.ts';
import type { Period } from './periods.ts';

/** The UTC calendar day of a TIMESTAMPTZ expression, as a DATE. */
export function utcDay(ts: string): string {
  return `(DATE '1970-01-01' + CAST(floor(EXTRACT(EPOCH FROM ${ts}) / 86400) AS INTEGER))`;
}

/** Seconds from `earlier` to `later` (two TIMESTAMPTZ expressions). */
export function secondsBetween(later: string, earlier: string): string {
  return `(EXTRACT(EPOCH FROM ${later}) - EXTRACT(EPOCH FROM ${earlier}))`;
}

/**
 * A VALUES list of the periods with bound bounds: a CTE body `periods(period_start, period_end, start_day,
 * end_day)`, the days being the UTC dates of the bounds (for DATE columns and day rollups).
 */
export function periodsValues(periods: readonly Period[], params: SqlParams): string {
  const rows = periods.map(
    (p) =>
      `(CAST(${params.bind(p.start)} AS TIMESTAMPTZ), CAST(${params.bind(p.end)} AS TIMESTAMPTZ), ` +
      `CAST(${params.bind(p.start.slice(0, 10))} AS DATE), CAST(${params.bind(p.end.slice(0, 10))} AS DATE))`,
  );
  return `SELECT * FROM (VALUES ${rows.join(', ')}) AS v(period_start, period_end, start_day, end_day)`;
}

/**
 * CTE body `(period_start, day)`: every UTC day of every period, so a day rollup finds its period by an
 * equality join instead of a range join. Reads the CTE `from` (columns period_start, start_day, end_day)
 * whose rows are `periods`.
 */
export function periodDaysSql(periods: readonly Period[], from = 'periods'): string {
  const longest = Math.max(
    1,
    ...periods.map((p) => Math.ceil((Date.parse(p.end) - Date.parse(p.start)) / 86_400_000)),
  );
  return `SELECT p.period_start, p.start_day + CAST(g.i AS INTEGER) AS day FROM ${from} p
    CROSS JOIN generate_series(0, ${longest - 1}) AS g(i) WHERE p.start_day + CAST(g.i AS INTEGER) < p.end_day`;
}

/** Months since year 0 of a date or timestamp expression: consecutive months differ by 1 across years. */
export const monthIndex = (ts: string) =>
  `(CAST(EXTRACT(YEAR FROM ${ts}) AS INTEGER) * 12 + CAST(EXTRACT(MONTH FROM ${ts}) AS INTEGER))`;
