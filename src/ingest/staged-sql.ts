// What loading into another engine (publish-target.ts, publish-clickhouse.ts) needs of the staging DuckDB:
// its names quoted, text as a literal, and the columns of one of its tables in order.

import { duckdbDialect } from '../warehouse/duckdb/duckdb-dialect.ts';
import type { DuckDBEngine } from '../warehouse/duckdb/duckdb-engine.ts';

export const quote = duckdbDialect.quoteIdentifier;
export const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** The columns of a staged table, in their order (none when the table is absent). */
export async function stageColumns(stage: DuckDBEngine, table: string): Promise<string[]> {
  const rows = await stage.query<{ name: string }>(
    `SELECT column_name AS name FROM information_schema.columns
     WHERE table_schema = 'main' AND table_name = $1 ORDER BY ordinal_position`,
    [table],
  );
  return rows.map((r) => r.name);
}
