// Which column places a table's rows in time, for the data-quality checks: its first required, observed
// (not scheduled) timestamp or date. Tables without one (users, contracts) are not judged by day.
import { type ColumnSpec, TABLE_NAMES, type TableName, tableSpec } from '../schema/tables.ts';

export function timeColumn(table: TableName): ColumnSpec | undefined {
  return tableSpec(table).columns.find(
    (c) => (c.kind === 'timestamp' || c.kind === 'date') && c.required === true && !c.scheduled,
  );
}

/** The canonical tables that have a time column. */
export const TIMED_TABLES = TABLE_NAMES.filter((t) => timeColumn(t) !== undefined) as [
  TableName,
  ...TableName[],
];
