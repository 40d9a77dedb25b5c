// Whether a table is there, and whether it holds rows: asked through the dialect's catalog query, so the
// same call works on every engine.
import type { Engine } from './engine.ts';

/** The names of the tables in the warehouse's schema. */
export async function tableNames(engine: Engine): Promise<Set<string>> {
  const rows = await engine.query<{ name: string }>(engine.dialect.tableNamesSql);
  return new Set(rows.map((r) => r.name));
}

export async function tableExists(engine: Engine, name: string): Promise<boolean> {
  return (await tableNames(engine)).has(name);
}

/** The table (a name Tenure chose, never a request's) holds at least one row. */
export async function tableHasRows(engine: Engine, table: string): Promise<boolean> {
  return (await engine.query(`SELECT 1 AS one FROM ${table} LIMIT 1`)).length > 0;
}
