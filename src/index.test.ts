// The library surface: a program that only imports from the package's entry point can generate, load,
// compute and read views, and the numbers agree with each other.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { computeKpis, DuckDBEngine, generateCompany, ingest, mrrBridge, periodsBetween } from './index.ts';

test('through the entry point: generate, ingest, compute MRR; it equals the bridge’s end every month', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tenure-library-'));
  try {
    await generateCompany({ customers: 300, months: 6, seed: 3, out: join(dir, 'company') });
    const db = await DuckDBEngine.open(join(dir, 'tenure.duckdb'));
    try {
      const report = await ingest(db, { dataDir: join(dir, 'company') });
      assert.ok(report.tables.customers && report.tables.customers.loaded === 300);
      const request = { kpis: ['mrr'], from: '2024-02-01', to: '2024-06-30', grain: 'month' as const };
      // MRR and its ARPA (`mrr.arpa`) each month.
      const rows = (await computeKpis(db, request)).filter((r) => r.kpi === 'mrr');
      const bridge = await mrrBridge(db, periodsBetween(request.from, request.to, 'month'));
      assert.equal(rows.length, 5);
      for (const r of rows) {
        const b = bridge.find((x) => x.period_start === r.period_start);
        assert.ok(b && r.value !== null && Math.abs(r.value - b.end_mrr) < 1e-6, `${r.period_start}`);
      }
    } finally {
      await db.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
