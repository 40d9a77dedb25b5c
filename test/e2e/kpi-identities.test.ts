// Identities that must hold on any data, checked on a generated company for every month: retention + churn
// = 1 (net classification); NRR = 1 − net revenue churn; MRR equals the bridge's end; referral churn and
// retention are the same identity on the referred customers.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { computeKpis } from '../../src/compiler/compute.ts';
import { periodsBetween } from '../../src/compiler/periods.ts';
import { mrrBridge } from '../../src/compiler/views/mrr-bridge.ts';
import { ingest } from '../../src/ingest/ingest.ts';
import type { KpiResult } from '../../src/results/kpi-result.ts';
import { generateCompany } from '../../src/synth/generate.ts';
import { DuckDBEngine } from '../../src/warehouse/duckdb/duckdb-engine.ts';

test('revenue identities hold every month of a generated company, overall and by plan', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tenure-identities-'));
  try {
    const data = join(dir, 'company');
    await generateCompany({ customers: 1500, months: 24, seed: 21, out: data });
    const db = await DuckDBEngine.open(join(dir, 'tenure.duckdb'));
    try {
      await ingest(db, { dataDir: data });
      const request = { from: '2024-02-01', to: '2025-12-31', grain: 'month' as const };
      const kpis = [
        'mrr',
        'customer_churn_rate',
        'customer_retention_rate',
        'net_revenue_retention',
        'net_revenue_churn',
        'referral_churn_rate',
        'referral_retention_rate',
      ];
      const bridge = await mrrBridge(db, periodsBetween(request.from, request.to, 'month'));
      for (const by of [undefined, 'plan']) {
        const rows = await computeKpis(db, { ...request, kpis, by });
        const get = new Map(rows.map((r) => [`${r.kpi}|${r.period_start}|${r.segment}`, r]));
        const value = (kpi: string, r: KpiResult) => get.get(`${kpi}|${r.period_start}|${r.segment}`)?.value;
        let checked = 0;
        for (const r of rows.filter((x) => x.kpi === 'customer_churn_rate' && x.value !== null)) {
          assert.ok(
            Math.abs((r.value ?? 0) + (value('customer_retention_rate', r) ?? Number.NaN) - 1) < 1e-12,
          );
          const nrr = value('net_revenue_retention', r) ?? Number.NaN;
          assert.ok(Math.abs(nrr - (1 - (value('net_revenue_churn', r) ?? Number.NaN))) < 1e-12);
          checked++;
        }
        for (const r of rows.filter((x) => x.kpi === 'referral_churn_rate' && x.value !== null)) {
          assert.ok(
            Math.abs((r.value ?? 0) + (value('referral_retention_rate', r) ?? Number.NaN) - 1) < 1e-12,
          );
        }
        assert.ok(checked >= 22, `${checked} periods checked`);
        // MRR summed over segments equals the bridge's end MRR.
        for (const b of bridge) {
          const total = rows
            .filter((x) => x.kpi === 'mrr' && x.period_start === b.period_start)
            .reduce((s, x) => s + (x.value ?? 0), 0);
          assert.ok(Math.abs(total - b.end_mrr) < 1e-6, b.period_start);
        }
      }
    } finally {
      await db.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
