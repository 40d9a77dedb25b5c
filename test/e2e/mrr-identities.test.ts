// On a generated company, the MRR bridge balances in every month, each month starts where the previous
// one ended, and the end MRR equals the sum of every customer's latest MRR (counted independently here).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { periodsBetween } from '../../src/compiler/periods.ts';
import { mrrBridge } from '../../src/compiler/views/mrr-bridge.ts';
import { ingest } from '../../src/ingest/ingest.ts';
import { generateCompany } from '../../src/synth/generate.ts';
import { DuckDBEngine } from '../../src/warehouse/duckdb/duckdb-engine.ts';

test('the MRR bridge balances every month of a generated company', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tenure-bridge-'));
  try {
    const data = join(dir, 'company');
    await generateCompany({ customers: 1500, months: 24, seed: 11, out: data });
    const db = await DuckDBEngine.open(join(dir, 'tenure.duckdb'));
    try {
      await ingest(db, { dataDir: data });
      const rows = await mrrBridge(db, periodsBetween('2024-01-01', '2025-12-31', 'month'));
      assert.equal(rows.length, 24);
      let previousEnd = 0;
      for (const r of rows) {
        const moved =
          r.start_mrr + r.new_mrr + r.reactivation_mrr + r.expansion_mrr - r.contraction_mrr - r.churn_mrr;
        assert.ok(Math.abs(moved - r.end_mrr) < 1e-6, `bridge balances in ${r.period_start}`);
        assert.ok(
          Math.abs(r.start_mrr - previousEnd) < 1e-6,
          `${r.period_start} starts where the last month ended`,
        );
        assert.equal(
          r.customers_start - r.customers_churned + r.customers_new + r.customers_reactivated,
          r.customers_end,
        );
        previousEnd = r.end_mrr;
      }
      // Independently: the latest change of each customer before the window's end.
      const [latest] = await db.query<{ total: number }>(
        `SELECT sum(mrr) AS total FROM (SELECT customer_id, arg_max(mrr, effective_at) AS mrr
           FROM subscription_changes WHERE effective_at < TIMESTAMPTZ '2026-01-01 00:00:00+00' GROUP BY customer_id)`,
      );
      assert.ok(Math.abs(Number(latest?.total) - previousEnd) < 1e-6);
      assert.ok(previousEnd > 0);
    } finally {
      await db.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
