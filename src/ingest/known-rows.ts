// What a load can refer to: rows already in the warehouse (whose tables may not exist yet on a first load)
// and rows staged, and not refused, by this load, which lands as a whole.
import { TABLE_NAMES, type TableName } from '../schema/tables.ts';
import type { DuckDBEngine } from '../warehouse/duckdb/duckdb-engine.ts';
import type { StageTables } from './stage-tables.ts';

export interface LoadScope {
  /** Whether the warehouse already has this canonical table. */
  inWarehouse(table: TableName): boolean;
  /** SQL for a derived table of `columns`: the warehouse's rows of `table` plus this load's good ones. */
  known(table: TableName, columns: readonly string[]): string;
  /** Records that `table` has been staged (in load order, so later tables can refer to it). */
  staged(st: StageTables): void;
}

export async function loadScope(db: DuckDBEngine): Promise<LoadScope> {
  const rows = await db.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'main' AND table_type = 'BASE TABLE'`,
  );
  const existing = new Set(
    rows.map((r) => r.name).filter((n) => (TABLE_NAMES as readonly string[]).includes(n)),
  );
  const stages = new Map<TableName, StageTables>();
  return {
    inWarehouse: (table) => existing.has(table),
    known(table, columns) {
      const cols = columns.map((c) => `"${c}"`).join(', ');
      const parts = [
        ...(existing.has(table) ? [`SELECT ${cols} FROM "${table}"`] : []),
        ...(stages.has(table) ? [`SELECT ${cols} FROM ${stages.get(table)?.good}`] : []),
      ];
      // Nothing to refer to: an empty set of the right shape.
      if (parts.length === 0)
        return `(SELECT ${columns.map((c) => `NULL::VARCHAR AS "${c}"`).join(', ')} LIMIT 0)`;
      return `(${parts.join(' UNION ALL ')})`;
    },
    staged: (st) => {
      stages.set(st.table, st);
    },
  };
}
