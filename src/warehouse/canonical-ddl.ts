// Creates the canonical tables and Tenure's own bookkeeping tables in any engine.
import { type ColumnKind, TABLE_NAMES, type TableName, tableSpec } from '../schema/tables.ts';
import type { Engine } from './engine.ts';

/** Bookkeeping: one row per load, one per file loaded, one per rejected row; columns by kind (the dialect types them). */
export const SYSTEM_TABLES: Record<string, [string, ColumnKind][]> = {
  tenure_loads: [
    ['load_id', 'integer'],
    ['started_at', 'timestamp'],
    ['finished_at', 'timestamp'],
    ['source', 'text'],
  ],
  tenure_load_files: [
    ['load_id', 'integer'],
    ['table_name', 'text'],
    ['file', 'text'],
    ['bytes', 'integer'],
    ['rows_read', 'integer'],
    ['rows_loaded', 'integer'],
    ['rows_quarantined', 'integer'],
    ['rows_duplicate', 'integer'],
  ],
  tenure_quarantine: [
    ['load_id', 'integer'],
    ['table_name', 'text'],
    ['file', 'text'],
    ['line', 'integer'],
    ['column_name', 'text'],
    ['value', 'text'],
    ['reason_code', 'text'],
    ['reason', 'text'],
    ['raw', 'text'],
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
    await engine.run(engine.dialect.createTableIfMissing(q(name), cols));
  }
}
