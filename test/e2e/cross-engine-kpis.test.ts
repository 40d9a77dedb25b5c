// The whole catalog gives identical results on DuckDB, on PostgreSQL and on ClickHouse (chDB) for the same
// generated company: every KPI, period and segment, with and without a breakdown.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { computeKpis } from '../../src/compiler/compute.ts';
import { ingest } from '../../src/ingest/ingest.ts';
import { ingestInto } from '../../src/ingest/publish-target.ts';
import type { KpiResult } from '../../src/results/kpi-result.ts';
import { generateCompany } from '../../src/synth/generate.ts';
import { ClickHouseEngine } from '../../src/warehouse/clickhouse/clickhouse-engine.ts';
import { DuckDBEngine } from '../../src/warehouse/duckdb/duckdb-engine.ts';
import type { Engine } from '../../src/warehouse/engine.ts';
import { openWarehouse } from '../../src/warehouse/open.ts';
import { type PostgresServer, postgresUnavailable, startPostgres } from '../support/postgres-server.ts';

const unavailable = postgresUnavailable();
if (unavailable && process.env.CI) throw new Error(`PostgreSQL is required in CI: ${unavailable}`);

const same = (a: number | null, b: number | null) =>
  a === b || (a !== null && b !== null && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)));

function assertSameResults(duck: KpiResult[], other: KpiResult[], engine: string): void {
  assert.equal(other.length, duck.length);
  const key = (r: KpiResult) => `${r.kpi}|${r.period_start}|${r.segment}`;
  const byKey = new Map(other.map((r) => [key(r), r]));
  for (const d of duck) {
    const o = byKey.get(key(d));
    assert.ok(o, `${engine} has no ${key(d)}`);
    assert.ok(same(d.value, o.value), `${key(d)} value: DuckDB ${d.value}, ${engine} ${o.value}`);
    assert.ok(same(d.numerator, o.numerator), `${key(d)} numerator: ${d.numerator} vs ${o.numerator}`);
    assert.ok(
      same(d.denominator, o.denominator),
      `${key(d)} denominator: ${d.denominator} vs ${o.denominator}`,
    );
    assert.equal(o.n, d.n, `${key(d)} n`);
    assert.deepEqual(o.flags, d.flags, `${key(d)} flags`);
  }
}

let dir = '';
let data = '';
let duck: DuckDBEngine;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tenure-cross-'));
  data = join(dir, 'company');
  await generateCompany({ customers: 500, months: 24, seed: 5, out: data });
  duck = await DuckDBEngine.open(join(dir, 'tenure.duckdb'));
  await ingest(duck, { dataDir: data });
});
after(async () => {
  await duck?.close();
  await rm(dir, { recursive: true, force: true });
});

// lifecycle and rfm: a customer's state in each period (segments.ts), read from tables built per run.
const BREAKDOWNS = [undefined, 'plan', 'lifecycle', 'rfm'];
const request = (by: string | undefined) => ({
  kpis: 'all' as const,
  from: '2025-01-01',
  to: '2025-12-31',
  grain: 'month' as const,
  by,
});

/** The DuckDB results of each breakdown, computed once for both other engines. */
const reference = new Map<string | undefined, Promise<KpiResult[]>>();
const onDuck = (by: string | undefined) => {
  if (!reference.has(by)) reference.set(by, computeKpis(duck, request(by)));
  return reference.get(by) as Promise<KpiResult[]>;
};

function everyBreakdown(name: string, engine: () => Engine): void {
  for (const by of BREAKDOWNS) {
    test(`every KPI, monthly over 2025${by ? `, by ${by}` : ''}: identical results`, async () => {
      const d = await onDuck(by);
      assert.ok(d.length >= 45 * 12, `${d.length} results`);
      assertSameResults(d, await computeKpis(engine(), request(by)), name);
    });
  }
}

describe('the catalog on DuckDB and PostgreSQL', { skip: unavailable }, () => {
  let server: PostgresServer;
  let pg: Engine;
  before(async () => {
    server = await startPostgres();
    pg = await openWarehouse(await server.createDatabase('kpis'), { mustExist: true });
    await ingestInto(pg, { dataDir: data });
  });
  after(async () => {
    await pg?.close();
    await server?.stop();
  });
  everyBreakdown('PostgreSQL', () => pg);
});

describe('the catalog on DuckDB and ClickHouse (chDB)', () => {
  let ch: Engine;
  before(async () => {
    ch = await ClickHouseEngine.open(`chdb://${join(dir, 'chdb')}`);
    await ingestInto(ch, { dataDir: data });
  });
  after(async () => {
    await ch?.close();
  });
  everyBreakdown('ClickHouse (chDB)', () => ch);
});
