// A small hand-built dataset, loaded through the real ingestion, for KPI tests whose expected values are
// worked out by hand. The work runs on DuckDB, on ClickHouse (chDB, embedded) and, where PostgreSQL's
// server is installed (always in CI), on PostgreSQL too: each must return what DuckDB returns (numbers to
// 1e-9), so every hand-checked test is a test of every engine.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadWarehouse } from '../../src/ingest/load-warehouse.ts';
import { ClickHouseEngine } from '../../src/warehouse/clickhouse/clickhouse-engine.ts';
import { DuckDBEngine } from '../../src/warehouse/duckdb/duckdb-engine.ts';
import type { Engine } from '../../src/warehouse/engine.ts';
import { openWarehouse } from '../../src/warehouse/open.ts';
import { type PostgresServer, postgresUnavailable, startPostgres } from './postgres-server.ts';

/** Table name → CSV text (header first). Leading spaces of each line are removed, so tests can indent. */
export type SmallDataset = Record<string, string>;

const NOW = new Date('2026-01-01T00:00:00Z');
const unavailable = postgresUnavailable();
if (unavailable && process.env.CI) throw new Error(`PostgreSQL is required in CI: ${unavailable}`);

const dedent = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join('\n')
    .concat('\n');

// One server per test process, started on first use and stopped when the process has nothing left to do.
let server: Promise<PostgresServer> | undefined;
let databases = 0;
function sharedServer(): Promise<PostgresServer> {
  if (!server) {
    server = startPostgres();
    process.once('beforeExit', () => {
      void server?.then((s) => s.stop());
    });
  }
  return server;
}

/** Equal, with numbers compared to a relative 1e-9 (engines may sum floating values in other orders). */
export function assertSameAcrossEngines(
  actual: unknown,
  expected: unknown,
  path = 'result',
  engine = 'PostgreSQL',
): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    const scale = Math.max(1, Math.abs(expected), Math.abs(actual));
    assert.ok(
      Math.abs(actual - expected) <= 1e-9 * scale,
      `${path}: ${engine} ${actual}, DuckDB ${expected}`,
    );
    return;
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    assert.equal(actual.length, expected.length, `${path}: length`);
    for (const [i, e] of expected.entries()) assertSameAcrossEngines(actual[i], e, `${path}[${i}]`, engine);
    return;
  }
  if (expected instanceof Map && actual instanceof Map) {
    assertSameAcrossEngines([...actual.entries()], [...expected.entries()], path, engine);
    return;
  }
  if (expected && typeof expected === 'object' && actual && typeof actual === 'object') {
    assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), `${path}: keys`);
    for (const [k, v] of Object.entries(expected)) {
      assertSameAcrossEngines((actual as Record<string, unknown>)[k], v, `${path}.${k}`, engine);
    }
    return;
  }
  assert.deepEqual(actual, expected, `${path} (${engine})`);
}

async function writeDataset(dir: string, data: SmallDataset): Promise<string> {
  const folder = join(dir, 'data');
  await mkdir(folder);
  for (const [table, csv] of Object.entries(data)) await writeFile(join(folder, `${table}.csv`), dedent(csv));
  return folder;
}

async function loadCleanly(engine: Engine, folder: string): Promise<void> {
  const report = await loadWarehouse(engine, { dataDir: folder, now: NOW });
  for (const [table, t] of Object.entries(report.tables)) {
    assert.equal(t.quarantined, 0, `the hand-built ${table} must load cleanly`);
  }
}

export interface SmallWarehouseOptions {
  /**
   * Also on ClickHouse (chDB): yes unless false. Tenure's own records updated in place (alert states,
   * the experiment registry, the kept rollups of DuckDB and PostgreSQL) are not kept on ClickHouse, and
   * experiment analysis does not run there yet: their tests say false.
   */
  readonly clickhouse?: boolean;
}

export async function withSmallWarehouse<T>(
  data: SmallDataset,
  work: (db: Engine) => Promise<T>,
  options: SmallWarehouseOptions = {},
): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'tenure-small-'));
  try {
    const folder = await writeDataset(dir, data);
    const duck = await DuckDBEngine.open(join(dir, 'tenure.duckdb'));
    let onDuck: T;
    try {
      await loadCleanly(duck, folder);
      onDuck = await work(duck);
    } finally {
      await duck.close();
    }
    if (options.clickhouse ?? true) {
      const ch = await ClickHouseEngine.open(`chdb://${join(dir, 'chdb')}`);
      try {
        await loadCleanly(ch, folder);
        assertSameAcrossEngines(await work(ch), onDuck, 'result', 'ClickHouse (chDB)');
      } finally {
        await ch.close();
      }
    }
    if (unavailable) return onDuck;
    const pgServer = await sharedServer();
    const pg = await openWarehouse(await pgServer.createDatabase(`small_${process.pid}_${++databases}`), {
      mustExist: true,
    });
    try {
      await loadCleanly(pg, folder);
      assertSameAcrossEngines(await work(pg), onDuck);
    } finally {
      await pg.close();
    }
    return onDuck;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
