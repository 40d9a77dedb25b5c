// The churn-risk features, and so the model, are the same on DuckDB and on PostgreSQL for the same
// generated company.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ingest } from '../../src/ingest/ingest.ts';
import { ingestInto } from '../../src/ingest/publish-target.ts';
import { featureEvents } from '../../src/risk/feature-events.ts';
import { featureRows, trainRisk } from '../../src/risk/risk.ts';
import { generateCompany } from '../../src/synth/generate.ts';
import { DuckDBEngine } from '../../src/warehouse/duckdb/duckdb-engine.ts';
import type { Engine } from '../../src/warehouse/engine.ts';
import { openWarehouse } from '../../src/warehouse/open.ts';
import { type PostgresServer, postgresUnavailable, startPostgres } from '../support/postgres-server.ts';

const unavailable = postgresUnavailable();
if (unavailable && process.env.CI) throw new Error(`PostgreSQL is required in CI: ${unavailable}`);

describe('churn risk on DuckDB and PostgreSQL', { skip: unavailable }, () => {
  let server: PostgresServer;
  let dir = '';
  let duck: DuckDBEngine;
  let pg: Engine;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tenure-cross-risk-'));
    const data = join(dir, 'company');
    await generateCompany({ customers: 1500, months: 24, seed: 9, out: data });
    duck = await DuckDBEngine.open(join(dir, 'tenure.duckdb'));
    await ingest(duck, { dataDir: data });
    server = await startPostgres();
    pg = await openWarehouse(await server.createDatabase('risk'), { mustExist: true });
    await ingestInto(pg, { dataDir: data });
  });
  after(async () => {
    await duck?.close();
    await pg?.close();
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('feature rows are identical, and so are the fit and its held-out AUC', async () => {
    const days = ['2025-03-01', '2025-09-01', '2026-01-01'].map((d) => Date.parse(d) / 86_400_000);
    const [a, b] = await Promise.all([
      featureRows(duck, days, 30, featureEvents()),
      featureRows(pg, days, 30, featureEvents()),
    ]);
    assert.ok(a.length > 500);
    assert.equal(b.length, a.length);
    a.forEach((row, i) => {
      const other = b[i];
      for (const [k, v] of Object.entries(row)) {
        const w = other?.[k as keyof typeof row];
        if (typeof v === 'number' && typeof w === 'number')
          assert.ok(
            Math.abs(v - w) <= 1e-9 * Math.max(1, Math.abs(v)),
            `${row.customer_id} ${k}: ${v} vs ${w}`,
          );
        else assert.equal(w, v, `${row.customer_id} ${k}`);
      }
    });
    const [ta, tb] = [await trainRisk(duck), await trainRisk(pg)];
    assert.ok(Math.abs(ta.heldOut.auc - tb.heldOut.auc) < 1e-9);
    assert.equal(tb.training.rows, ta.training.rows);
  });
});
