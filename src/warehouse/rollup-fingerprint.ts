// What a kept rollup was built from, written the same way by every engine that keeps rollups (the compiler's
// stored-rollups.ts for DuckDB and PostgreSQL, clickhouse-rollups.ts for ClickHouse), so a computation finds
// a kept table current exactly when the tables it reads hold the rows it was built from.

/** The rollups' shape: raised whenever a rollup's columns or meaning change, so older kept ones are not read. */
// 5: subscribed keeps a customer whose cancellation is effective exactly at the month's start.
// 6: sessions carry their session_id (null when derived from gaps), so a load can update them in place.
export const ROLLUP_FORMAT = 6;

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

/**
 * The source rows a fingerprint names; undefined for another format (a rollup of an older shape, which
 * cannot be brought up to date and is rebuilt).
 */
export function parseFingerprint(fingerprint: string): SourceRows[] | undefined {
  const m = /^v(\d+):(.*)$/.exec(fingerprint);
  if (!m || Number(m[1]) !== ROLLUP_FORMAT || m[2] === undefined) return undefined;
  const rows: SourceRows[] = [];
  for (const part of m[2].split(';')) {
    const p = /^(\w+)=(\d+)\/(\d*)$/.exec(part);
    if (!p?.[1] || !p[2] || p[3] === undefined) return undefined;
    rows.push({ table: p[1], count: Number(p[2]), lastLoad: p[3] === '' ? null : Number(p[3]) });
  }
  return rows;
}
