// The Engine interface: what every warehouse (DuckDB embedded, PostgreSQL, ClickHouse) offers the rest
// of Tenure. Callers pass SQL with numbered placeholders ($1, $2, …) and values; values are always bound,
// never pasted into SQL text. Engine-specific spelling lives in the engine's Dialect.

import type { ColumnKind } from '../schema/tables.ts';
import type { EngineCapabilities } from './capabilities.ts';

/** A value as it comes back from any engine: JSON-friendly, the same across engines. */
export type SqlValue = string | number | boolean | null | SqlValue[] | { [key: string]: SqlValue };
export type Row = Record<string, SqlValue>;
/** A value a caller may bind to a placeholder. */
export type BindValue = string | number | boolean | null | bigint | Date;

/** The unit of an interval added to an instant or a date. */
export type IntervalUnit = 'day' | 'month';

/**
 * Every spelling that differs between engines. SQL outside `src/warehouse/` asks the dialect for these and
 * writes the rest in the SQL that every engine shares; a test (sql-spelling.test.ts) keeps it so.
 * Arguments and results are SQL text; `ts` is an instant (TIMESTAMPTZ, DateTime64), `day` a date.
 */
export interface Dialect {
  readonly name: 'duckdb' | 'postgres' | 'clickhouse';
  /** The engine and its version, for messages ("ClickHouse 18.16.1"). */
  readonly engineLabel: string;
  /** What a user can do when a capability is missing. */
  readonly upgradeHint: string;
  readonly capabilities: EngineCapabilities;
  /** Quotes an identifier that comes from our own definitions (never from a request). */
  quoteIdentifier(name: string): string;
  /** The placeholder for the n-th bound value (1-based). */
  placeholder(n: number): string;
  /** The column type that stores a canonical column of this kind. */
  columnType(kind: ColumnKind): string;
  /** `expr` as a value of the kind's column type; `cast('NULL', kind)` is a typed NULL. */
  cast(expr: string, kind: ColumnKind): string;
  /** The text at a top-level key of a JSON column (null when absent); `key` is a placeholder. */
  jsonText(json: string, key: string): string;
  /** How many bits of a BIGINT expression are set. */
  bitCount(expr: string): string;
  /** The bitwise OR of a BIGINT expression over a group. */
  bitOr(expr: string): string;
  /** The bitwise AND of two BIGINT expressions. */
  bitAnd(a: string, b: string): string;
  /** `value` shifted left by `bits` (BIGINT). */
  shiftLeft(value: string, bits: string): string;
  /** The value of `expr` in the previous row of a window (`OVER (…)` follows), NULL in the first. */
  lag(expr: string): string;
  /** The value of `expr` in the next row of a window (`OVER (…)` follows), NULL in the last. */
  lead(expr: string): string;
  /** The one-character text of a character code. */
  chr(code: number): string;
  /** The UTC calendar day of an instant, as a date. */
  utcDay(ts: string): string;
  /** Seconds since 1970-01-01T00:00:00Z of an instant or a date (fractional, to the microsecond). */
  epochSeconds(ts: string): string;
  /** `ts` plus `n` (an integer expression, negative to go back) days or calendar months. */
  addInterval(ts: string, n: string, unit: IntervalUnit): string;
  /** A FROM item: the integers `from` … `to` (inclusive) as the column `alias.i`. */
  series(from: string, to: string, alias: string): string;
  /** The continuous (interpolated) percentile of `expr` over a group, NULL over no rows. */
  percentileCont(fraction: string, expr: string): string;
  /** Creates a table holding a query's rows; a temporary one lives as long as the session. */
  createTableAs(name: string, select: string, opts: { temporary: boolean }): string;
  /** Creates a bookkeeping table unless it exists; `columns` are plain names, which it quotes. */
  createTableIfMissing(name: string, columns: readonly (readonly [string, ColumnKind])[]): string;
  /** A query listing the tables of the warehouse's schema (one column, `name`). */
  readonly tableNamesSql: string;
  /** A query listing a table's columns (`name`), the table's name in placeholder $1. */
  readonly columnNamesSql: string;
}

/** A file the engine can load into a table in one bulk operation. */
export interface BulkSource {
  readonly path: string;
  readonly format: 'csv' | 'parquet';
}

export interface Engine {
  readonly dialect: Dialect;
  /** Where the warehouse lives, for messages (a file path or a redacted URL). */
  readonly location: string;
  query<T extends Row = Row>(sql: string, params?: readonly BindValue[]): Promise<T[]>;
  /** Runs a statement for its effect; returns the number of rows changed when the engine reports it. */
  run(sql: string, params?: readonly BindValue[]): Promise<number>;
  /** Runs `work` inside one transaction: all of it lands, or none of it. */
  transaction<T>(work: (tx: Engine) => Promise<T>): Promise<T>;
  /**
   * Runs `work` on one connection, outside any transaction, so the temporary tables it creates stay
   * visible to every statement it runs (a pooled engine would otherwise spread them over connections).
   */
  session<T>(work: (session: Engine) => Promise<T>): Promise<T>;
  /**
   * Runs `work` on a connection of its own, beside whatever else runs on this engine (a server's cheap
   * requests do not wait behind a long computation), and stops its statement when `signal` aborts: the
   * promise then rejects. Temporary tables live as long as `work`.
   */
  isolated<T>(work: (session: Engine) => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Appends the rows of a file to a table whose columns match the file's, in one bulk operation. */
  bulkLoad(table: string, source: BulkSource): Promise<number>;
  close(): Promise<void>;
}
