// Shared by the ingestion tests: fresh warehouses in temp folders, loading fixture folders, reading back
// counts, quarantine rows and snapshots of the whole warehouse.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type IngestOptions, type IngestReport, ingest } from '../../src/ingest/ingest.ts';
import { TABLE_NAMES } from '../../src/schema/tables.ts';
import { DuckDBEngine } from '../../src/warehouse/duckdb/duckdb-engine.ts';

/** The moment every test load is judged against, so future-date cases are stable. */
export const NOW = new Date('2026-06-01T00:00:00Z');

export const FIXTURES = fileURLToPath(new URL('../fixtures/bad/', import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function fixture(name: string): string {
  return join(FIXTURES, name);
}

/** A fresh temp folder, removed after `work` (whatever happens). */
export async function withTempDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'tenure-ingest-test-'));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A fresh warehouse file in a temp folder, closed and removed after `work`. */
export async function withWarehouse<T>(work: (db: DuckDBEngine, dir: string) => Promise<T>): Promise<T> {
  return withTempDir(async (dir) => {
    const db = await DuckDBEngine.open(join(dir, 'tenure.duckdb'));
    try {
      return await work(db, dir);
    } finally {
      await db.close();
    }
  });
}

export type Counts = { read: number; loaded: number; quarantined: number; duplicates: number };

export async function load(
  db: DuckDBEngine,
  dataDir: string,
  opts: Omit<IngestOptions, 'dataDir'> = {},
): Promise<IngestReport> {
  const report = await ingest(db, { now: NOW, ...opts, dataDir });
  for (const [table, t] of Object.entries(report.tables)) {
    assert.equal(
      t.read,
      t.loaded + t.quarantined + t.duplicates,
      `${table}: read = loaded + quarantined + duplicates`,
    );
  }
  return report;
}

/** The report's counts per table, without the file paths. */
export function counts(report: IngestReport): Record<string, Counts> {
  return Object.fromEntries(
    Object.entries(report.tables).map(([name, t]) => [
      name,
      { read: t.read, loaded: t.loaded, quarantined: t.quarantined, duplicates: t.duplicates },
    ]),
  );
}

export const ok = (n: number): Counts => ({ read: n, loaded: n, quarantined: 0, duplicates: 0 });

export type QRow = {
  table: string;
  line: number;
  column: string | null;
  value: string | null;
  code: string;
};

/** Quarantine rows as (table, line, column, value, code), ordered by table and line. */
export async function quarantined(db: DuckDBEngine, loadId?: number): Promise<QRow[]> {
  return db.query<QRow>(
    `SELECT table_name AS "table", line, column_name AS "column", value, reason_code AS code
     FROM tenure_quarantine WHERE $1::BIGINT IS NULL OR load_id = $1
     ORDER BY table_name, line, reason_code`,
    [loadId ?? null],
  );
}

export async function tableExists(db: DuckDBEngine, name: string): Promise<boolean> {
  const [row] = await db.query<{ n: number }>(
    'SELECT count(*) AS n FROM information_schema.tables WHERE table_name = $1',
    [name],
  );
  return Number(row?.n ?? 0) > 0;
}

export interface Snapshot {
  /** Every canonical table's rows, each as JSON text with all values as text, sorted. */
  readonly tables: Record<string, string[]>;
  readonly quarantine: number;
  readonly loads: number;
}

/** Everything a load could change, in a form `deepEqual` compares. Tables not created yet are left out. */
export async function snapshot(db: DuckDBEngine): Promise<Snapshot> {
  const tables: Record<string, string[]> = {};
  for (const name of TABLE_NAMES) {
    if (!(await tableExists(db, name))) continue;
    const rows = await db.query(`SELECT COLUMNS(*)::VARCHAR FROM "${name}"`);
    tables[name] = rows.map((r) => JSON.stringify(r)).sort();
  }
  const count = async (table: string) => {
    if (!(await tableExists(db, table))) return 0;
    const [row] = await db.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`);
    return Number(row?.n ?? 0);
  };
  return { tables, quarantine: await count('tenure_quarantine'), loads: await count('tenure_loads') };
}

/**
 * Loads `folder` again and checks the second load changed nothing: no row loaded, every canonical table
 * as it was, no refusal kept twice (only the load itself is recorded). Returns the second report.
 */
export async function loadAgainChangesNothing(db: DuckDBEngine, folder: string): Promise<IngestReport> {
  const before = await snapshot(db);
  const again = await load(db, folder);
  for (const [table, t] of Object.entries(again.tables)) {
    assert.equal(t.loaded, 0, `${table}: nothing new is loaded the second time`);
  }
  const after = await snapshot(db);
  assert.deepEqual(after.tables, before.tables, 'every canonical table is unchanged');
  assert.equal(after.quarantine, before.quarantine, 'no refusal is kept twice');
  assert.equal(after.loads, before.loads + 1, 'the second load is still recorded as a load');
  return again;
}

/** Rows of one table with every value as text, sorted by `orderBy`. */
export async function rowsOf(
  db: DuckDBEngine,
  table: string,
  orderBy: string,
): Promise<Record<string, unknown>[]> {
  return db.query(`SELECT * EXCLUDE (_load_id) FROM "${table}" ORDER BY ${orderBy}`);
}
