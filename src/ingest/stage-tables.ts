// Names of the temporary tables that hold one file's staging. Staging happens before the load's
// transaction opens (a transaction reading tables it created itself is about half as fast), so every
// file of a load keeps its own set until all are published.
import type { TableName } from '../schema/tables.ts';

export interface StageTables {
  readonly table: TableName;
  /** Every record read, typed, with its first problem (`stage_typed`). */
  readonly typed: string;
  /** One row: the row id before the first record, so `rowid - base` is the record number. */
  readonly base: string;
  /** Keys that occur more than once in the file. */
  readonly repeats: string;
  /** A view: typed rows with their final outcome (problem, duplicate, conflict, unknown reference). */
  readonly outcome: string;
  /** Refused and duplicate records with line, column, value, code and raw text. */
  readonly refused: string;
  /** A view: the records to publish. */
  readonly good: string;
  /** Lines the CSV reader refused (DuckDB's rejects table) and its scan log. */
  readonly rejects: string;
  readonly rejectScans: string;
  /** Lines the CSV reader skipped or refused, for line numbering. */
  readonly skippedLines: string;
}

export function stageTables(table: TableName): StageTables {
  const n = (part: string) => `stage_${part}_${table}`;
  return {
    table,
    typed: n('typed'),
    base: n('base'),
    repeats: n('repeats'),
    outcome: n('outcome'),
    refused: n('refused'),
    good: n('good'),
    rejects: n('rejects'),
    rejectScans: n('reject_scans'),
    skippedLines: n('skipped_lines'),
  };
}

/** SQL for the record number (1 = the file's first record) of a row of `st.typed` under `alias`. */
export const recordNumber = (st: StageTables, alias: string) =>
  `(${alias}.rowid - (SELECT base FROM ${st.base}))`;

export async function dropStage(run: (sql: string) => Promise<unknown>, st: StageTables): Promise<void> {
  for (const view of [st.good, st.outcome]) await run(`DROP VIEW IF EXISTS ${view}`);
  for (const t of [st.typed, st.base, st.repeats, st.refused, st.rejects, st.rejectScans, st.skippedLines]) {
    await run(`DROP TABLE IF EXISTS ${t}`);
  }
}
