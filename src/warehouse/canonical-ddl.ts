// Creates the canonical tables and Tenure's own bookkeeping tables in any engine.
import { TABLE_NAMES, type TableName, tableSpec } from '../schema/tables.ts';
import type { Engine } from './engine.ts';

/** Bookkeeping: one row per load, one per file loaded, one per rejected row. */
export const SYSTEM_TABLES: Record<string, [string, string][]> = {
  tenure_loads: [
    ['load_id', 'BIGINT'],
    ['started_at', 'TIMESTAMPTZ'],
    ['finished_at', 'TIMESTAMPTZ'],
    ['source', 'VARCHAR'],
  ],
  tenure_load_files: [
    ['load_id', 'BIGINT'],
    ['table_name', 'VARCHAR'],
    ['file', 'VARCHAR'],
    ['bytes', 'BIGINT'],
    ['rows_read', 'BIGINT'],
    ['rows_loaded', 'BIGINT'],
    ['rows_quarantined', 'BIGINT'],
    ['rows_duplicate', 'BIGINT'],
  ],
  tenure_quarantine: [
    ['load_id', 'BIGINT'],
    ['table_name', 'VARCHAR'],
    ['file', 'VARCHAR'],
    ['line', 'BIGINT'],
    ['column_name', 'VARCHAR'],
    ['value', 'VARCHAR'],
    ['reason_code', 'VARCHAR'],
    ['reason', 'VARCHAR'],
    ['raw', 'VARCHAR'],
  ],
};

export const LOAD_ID_COLUMN = '_load_id';

export function canonicalColumns(table: TableName): string[] {
  return tableSpec(table).columns.map((c) => c.name);
}

export async function ensureWarehouseTables(engine: Engine): Promise<void> {
  const q = (name: string) => engine.dialect.quoteIdentifier(name);
  for (const name of TABLE_NAMES) {
    const cols = tableSpec(name).columns.map((c) => `${q(c.name)} ${engine.dialect.columnType(c.kind)}`);
    cols.push(`${q(LOAD_ID_COLUMN)} BIGINT`);
    await engine.run(`CREATE TABLE IF NOT EXISTS ${q(name)} (${cols.join(', ')})`);
  }
  for (const [name, cols] of Object.entries(SYSTEM_TABLES)) {
    await engine.run(
      `CREATE TABLE IF NOT EXISTS ${q(name)} (${cols.map(([c, t]) => `${q(c)} ${t}`).join(', ')})`,
    );
  }
}
