// What a kept rollup was built from, written the same way by every engine that keeps rollups (the compiler's
// stored-rollups.ts for DuckDB and PostgreSQL, clickhouse-rollups.ts for ClickHouse), so a computation finds
// a kept table current exactly when the tables it reads hold the rows it was built from.

/** The rollups' shape: raised whenever a rollup's columns or meaning change, so older kept ones are not read. */
// 5: subscribed keeps a customer whose cancellation is effective exactly at the month's start.
export const ROLLUP_FORMAT = 5;

/** One source table's rows: how many, and the last load that added any (null when none did). */
export interface SourceRows {
  readonly table: string;
  readonly count: number;
  readonly lastLoad: number | null;
}

/** The fingerprint of a rollup built from these tables' rows. */
export function rollupFingerprint(sources: readonly SourceRows[]): string {
  return `v${ROLLUP_FORMAT}:${sources.map((s) => `${s.table}=${s.count}/${s.lastLoad ?? ''}`).join(';')}`;
}
