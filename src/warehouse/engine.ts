// The Engine interface: what every warehouse (DuckDB embedded, PostgreSQL, ClickHouse) offers the rest
// of Tenure. Callers pass SQL with numbered placeholders ($1, $2, …) and values; values are always bound,
// never pasted into SQL text. Engine-specific spelling lives in the engine's Dialect.

import type { ColumnKind } from '../schema/tables.ts';

/** A value as it comes back from any engine: JSON-friendly, the same across engines. */
export type SqlValue = string | number | boolean | null | SqlValue[] | { [key: string]: SqlValue };
export type Row = Record<string, SqlValue>;
/** A value a caller may bind to a placeholder. */
export type BindValue = string | number | boolean | null | bigint | Date;

export interface Dialect {
  readonly name: 'duckdb' | 'postgres' | 'clickhouse';
  /** Quotes an identifier that comes from our own definitions (never from a request). */
  quoteIdentifier(name: string): string;
  /** The placeholder for the n-th bound value (1-based). */
  placeholder(n: number): string;
  /** The column type that stores a canonical column of this kind. */
  columnType(kind: ColumnKind): string;
  readonly supportsWindowFunctions: boolean;
  /** The text at a top-level key of a JSON column (null when absent); `key` is a placeholder. */
  jsonText(json: string, key: string): string;
  /** How many bits of a BIGINT expression are set. */
  bitCount(expr: string): string;
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
