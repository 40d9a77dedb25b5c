// A small hand-built dataset, loaded through the real ingestion into a fresh DuckDB file, for KPI tests
// whose expected values are worked out by hand.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingest } from '../../src/ingest/ingest.ts';
import { DuckDBEngine } from '../../src/warehouse/duckdb/duckdb-engine.ts';

/** Table name → CSV text (header first). Leading spaces of each line are removed, so tests can indent. */
export type SmallDataset = Record<string, string>;

const dedent = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join('\n')
    .concat('\n');

export async function withSmallWarehouse<T>(
  data: SmallDataset,
  work: (db: DuckDBEngine) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'tenure-small-'));
  try {
    const folder = join(dir, 'data');
    await mkdir(folder);
    for (const [table, csv] of Object.entries(data))
      await writeFile(join(folder, `${table}.csv`), dedent(csv));
    const db = await DuckDBEngine.open(join(dir, 'tenure.duckdb'));
    try {
      const report = await ingest(db, { dataDir: folder, now: new Date('2026-01-01T00:00:00Z') });
      for (const [table, t] of Object.entries(report.tables)) {
        assert.equal(t.quarantined, 0, `the hand-built ${table} must load cleanly`);
      }
      return await work(db);
    } finally {
      await db.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
