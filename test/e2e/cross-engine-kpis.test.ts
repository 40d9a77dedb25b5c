// The whole catalog gives identical results on DuckDB and on PostgreSQL for the same generated company:
// every KPI, period and segment, with and without a breakdown.
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
import { DuckDBEngine } from '../../src/warehouse/duckdb/duckdb-engine.ts';
import type { Engine } from '../../src/warehouse/engine.ts';
import { openWarehouse } from '../../src/warehouse/open.ts';
import { type PostgresServer, postgresUnavailable, startPostgres } from '../support/postgres-server.ts';

const unavailable = postgresUnavailable();
if (unavailable && process.env.CI) throw new Error(`PostgreSQL is required in CI: ${unavailable}`);

const same = (a: number | null, b: number | null) =>
  a === b || (a !== null && b !== null && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)));

function assertSameResults(duck: KpiResult[], pg: KpiResult[]): void {
  assert.equal(pg.length, duck.length);
  const key = (r: KpiResult) => `${r.kpi}|${r.period_start}|${r.segment}`;
  const byKey = new Map(pg.map((r) => [key(r), r]));
  for (const d of duck) {
    const p = byKey.get(key(d));
    assert.ok(p, `PostgreSQL has no ${key(d)}`);
    assert.ok(same(d.value, p.value), `${key(d)} value: DuckDB ${d.value}, PostgreSQL ${p.value}`);
    assert.ok(same(d.numerator, p.numerator), `${key(d)} numerator: ${d.numerator} vs ${p.numerator}`);
    assert.ok(
      same(d.denominator, p.denominator),
      `${key(d)} denominator: ${d.denominator} vs ${p.denominator}`,
    );
    assert.equal(p.n, d.n, `${key(d)} n`);
    assert.deepEqual(p.flags, d.flags, `${key(d)} flags`);
  }
}

describe('the catalog on DuckDB and PostgreSQL', { skip: unavailable }, () => {
  let server: PostgresServer;
  let dir = '';
  let duck: DuckDBEngine;
  let pg: Engine;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tenure-cross-'));
    const data = join(dir, 'company');
    await generateCompany({ customers: 500, months: 24, seed: 5, out: data });
    duck = await DuckDBEngine.open(join(dir, 'tenure.duckdb'));
    await ingest(duck, { dataDir: data });
    server = await startPostgres();
    pg = await openWarehouse(await server.createDatabase('kpis'), { mustExist: true });
    await ingestInto(pg, { dataDir: data });
  });
  after(async () => {
    await duck?.close();
    await pg?.close();
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  // lifecycle and rfm: a customer's state in each period (segments.ts), read from tables built per run.
  for (const by of [undefined, 'plan', 'lifecycle', 'rfm']) {
    test(`every KPI, monthly over 2025${by ? `, by ${by}` : ''}: identical results`, async () => {
      const request = {
        kpis: 'all' as const,
        from: '2025-01-01',
        to: '2025-12-31',
        grain: 'month' as const,
        by,
      };
      const [d, p] = [await computeKpis(duck, request), await computeKpis(pg, request)];
      assert.ok(d.length >= 45 * 12, `${d.length} results`);
      assertSameResults(d, p);
    });
  }
});
