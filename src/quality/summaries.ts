// The warehouse side of the data-quality checks: small summaries computed by SQL aggregates (newest and
// oldest row, rows per UTC day, non-null counts per column, quarantined rows per load). No table's rows
// ever come into JavaScript; the same SQL runs on every engine, its engine-specific parts spelled by the
// dialect. Table and column names come only from the canonical contract (src/schema/tables.ts), values are
// bound.
import { type ColumnSpec, type TableName, tableSpec } from '../schema/tables.ts';
import type { Dialect, Engine } from '../warehouse/engine.ts';
import { tableExists, tableNames } from '../warehouse/table-checks.ts';
import { TIMED_TABLES, timeColumn } from './time-column.ts';

const DAY_MS = 86_400_000;

/** Canonical tables with a time column, present in the warehouse. */
export async function timedTables(engine: Engine): Promise<TableName[]> {
  const present = await tableNames(engine);
  return TIMED_TABLES.filter((t) => present.has(t));
}

/** UTC day number (days since 1970-01-01) of a time expression; integer arithmetic, fast on DuckDB. */
const dayNumber = (d: Dialect, expr: string) => `CAST(floor(${d.epochSeconds(expr)} / 86400) AS INTEGER)`;

/** A bound moment compared with a column of the table's time kind (a date or an instant). */
const bound = (d: Dialect, column: ColumnSpec, placeholder: string) => d.cast(placeholder, column.kind);

export const dayIso = (day: number) => new Date(day * DAY_MS).toISOString();
const dayText = (day: number) => dayIso(day).slice(0, 10);

export interface TableSpan {
  readonly rows: number;
  /** First and last UTC day numbers holding rows, and the newest time as ISO 8601. */
  readonly first_day: number | null;
  readonly last_day: number | null;
  readonly latest: string | null;
}

/** Rows, first and last day, and newest time of a table, counting only rows at or before `asOf`. */
export async function tableSpan(engine: Engine, table: TableName, asOf: string): Promise<TableSpan> {
  const col = timeColumn(table);
  if (!col) return { rows: 0, first_day: null, last_day: null, latest: null };
  const q = engine.dialect.quoteIdentifier;
  const c = q(col.name);
  const at = col.kind === 'date' ? asOf.slice(0, 10) : asOf;
  const [row] = await engine.query<{ n_rows: number; first_day: number | null; last_day: number | null }>(
    `SELECT count(*) AS n_rows, min(${dayNumber(engine.dialect, c)}) AS first_day, max(${dayNumber(engine.dialect, c)}) AS last_day
     FROM ${q(table)} WHERE ${c} <= ${bound(engine.dialect, col, engine.dialect.placeholder(1))}`,
    [at],
  );
  const [newest] = await engine.query<{ t: string | null }>(
    `SELECT max(${c}) AS t FROM ${q(table)} WHERE ${c} <= ${bound(engine.dialect, col, engine.dialect.placeholder(1))}`,
    [at],
  );
  const latest = newest?.t ?? null;
  return {
    rows: Number(row?.n_rows ?? 0),
    first_day: row?.first_day ?? null,
    last_day: row?.last_day ?? null,
    // A date column's newest value is a day: it stands for that day's midnight UTC.
    latest: latest === null ? null : new Date(Date.parse(latest)).toISOString(),
  };
}

/** Rows per UTC day for days in [fromDay, toDay]; days without rows are 0. */
export async function dailyCounts(
  engine: Engine,
  table: TableName,
  fromDay: number,
  toDay: number,
): Promise<Map<number, number>> {
  const col = timeColumn(table);
  const out = new Map<number, number>();
  for (let d = fromDay; d <= toDay; d++) out.set(d, 0);
  if (!col || toDay < fromDay) return out;
  const q = engine.dialect.quoteIdentifier;
  const c = q(col.name);
  const [p1, p2] = [engine.dialect.placeholder(1), engine.dialect.placeholder(2)];
  const rows = await engine.query<{ day: number; n: number }>(
    `SELECT ${dayNumber(engine.dialect, c)} AS day, count(*) AS n FROM ${q(table)}
     WHERE ${c} >= ${bound(engine.dialect, col, p1)} AND ${c} < ${bound(engine.dialect, col, p2)} GROUP BY 1`,
    [boundText(col, fromDay), boundText(col, toDay + 1)],
  );
  for (const r of rows) out.set(Number(r.day), Number(r.n));
  return out;
}

const boundText = (col: ColumnSpec, day: number) => (col.kind === 'date' ? dayText(day) : dayIso(day));

/** The optional columns of a table: the ones whose null share can move. */
export const nullableColumns = (table: TableName) =>
  tableSpec(table)
    .columns.filter((c) => c.required !== true)
    .map((c) => c.name);

export interface NullCounts {
  /** Rows of the side, and per column the rows where it is null. */
  readonly n: number;
  readonly nulls: Record<string, number>;
}

/** Null counts per optional column on the day `day` and over the `baselineDays` days before it. */
export async function nullCounts(
  engine: Engine,
  table: TableName,
  day: number,
  baselineDays: number,
): Promise<{ latest: NullCounts; baseline: NullCounts }> {
  const col = timeColumn(table);
  const columns = nullableColumns(table);
  const empty = (): NullCounts => ({ n: 0, nulls: Object.fromEntries(columns.map((c) => [c, 0])) });
  if (!col || columns.length === 0) return { latest: empty(), baseline: empty() };
  const q = engine.dialect.quoteIdentifier;
  const c = q(col.name);
  const [p1, p2, p3] = [1, 2, 3].map((n) => engine.dialect.placeholder(n)) as [string, string, string];
  const counts = columns.map((name, i) => `count(${q(name)}) AS ${q(`c${i}`)}`).join(', ');
  const rows = await engine.query(
    `SELECT CASE WHEN ${c} >= ${bound(engine.dialect, col, p2)} THEN 1 ELSE 0 END AS latest, count(*) AS n, ${counts}
     FROM ${q(table)} WHERE ${c} >= ${bound(engine.dialect, col, p1)} AND ${c} < ${bound(engine.dialect, col, p3)} GROUP BY 1`,
    [boundText(col, day - baselineDays), boundText(col, day), boundText(col, day + 1)],
  );
  const side = (latest: number): NullCounts => {
    const row = rows.find((r) => Number(r.latest) === latest);
    if (!row) return empty();
    const n = Number(row.n);
    return { n, nulls: Object.fromEntries(columns.map((name, i) => [name, n - Number(row[`c${i}`])])) };
  };
  return { latest: side(1), baseline: side(0) };
}

export interface LoadQuarantine {
  readonly load_id: number;
  readonly table_name: string;
  readonly rows_read: number;
  readonly rows_quarantined: number;
}

/** Rows read and quarantined per load and table (the load bookkeeping: one row per file loaded). */
export async function quarantineByLoad(engine: Engine): Promise<LoadQuarantine[]> {
  if (!(await tableExists(engine, 'tenure_load_files'))) return [];
  const rows = await engine.query<{ load_id: number; table_name: string; read: number; bad: number }>(
    `SELECT load_id, table_name, sum(rows_read) AS read, sum(rows_quarantined) AS bad
     FROM tenure_load_files GROUP BY 1, 2 ORDER BY 2, 1`,
  );
  return rows.map((r) => ({
    load_id: Number(r.load_id),
    table_name: r.table_name,
    rows_read: Number(r.read),
    rows_quarantined: Number(r.bad),
  }));
}

export interface QuarantineReason {
  readonly reason_code: string;
  readonly column_name: string | null;
  readonly reason: string;
  readonly rows: number;
}

/** The commonest reasons rows of one table were quarantined in one load. */
export async function topQuarantineReasons(
  engine: Engine,
  loadId: number,
  table: string,
  limit = 3,
): Promise<QuarantineReason[]> {
  const rows = await engine.query<{
    reason_code: string;
    column_name: string | null;
    reason: string;
    n_rows: number;
  }>(
    `SELECT reason_code, column_name, min(reason) AS reason, count(*) AS n_rows FROM tenure_quarantine
     WHERE load_id = $1 AND table_name = $2 GROUP BY 1, 2 ORDER BY 4 DESC, 1, 2 LIMIT $3`,
    [loadId, table, limit],
  );
  return rows.map((r) => ({
    reason_code: r.reason_code,
    column_name: r.column_name,
    reason: r.reason,
    rows: Number(r.n_rows),
  }));
}
