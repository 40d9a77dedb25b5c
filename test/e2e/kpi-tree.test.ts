// The KPI tree on a generated company: its identities decompose exactly every month (NRR from the bridge,
// MRR from the bridge, retention from segment rates and mix, over two dimensions), and the tree's values
// and statuses are the catalog's values judged against the project's targets.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { applyOverrides, CATALOG } from '../../src/catalog/catalog.ts';
import { computeKpis } from '../../src/compiler/compute.ts';
import { periodsBetween } from '../../src/compiler/periods.ts';
import { mrrBridge } from '../../src/compiler/views/mrr-bridge.ts';
import { statusOf } from '../../src/goals/targets.ts';
import { mixIdentity, mrrIdentity, nrrIdentity } from '../../src/goals/tree-identities.ts';
import { kpiTree } from '../../src/goals/tree-values.ts';
import { ingest } from '../../src/ingest/ingest.ts';
import { generateCompany } from '../../src/synth/generate.ts';
import { DuckDBEngine } from '../../src/warehouse/duckdb/duckdb-engine.ts';

test('the KPI tree decomposes exactly on a generated company and judges its nodes against targets', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tenure-tree-'));
  try {
    const data = join(dir, 'company');
    await generateCompany({ customers: 1500, months: 24, seed: 33, out: data });
    const db = await DuckDBEngine.open(join(dir, 'tenure.duckdb'));
    try {
      await ingest(db, { dataDir: data });
      const request = { from: '2024-02-01', to: '2025-12-01', grain: 'month' as const };
      const kpis = ['mrr', 'net_revenue_retention', 'customer_retention_rate'];
      const rows = await computeKpis(db, { ...request, kpis });
      const bridges = await mrrBridge(db, periodsBetween(request.from, request.to, 'month'));
      const at = (kpi: string, start: string) =>
        rows.find((r) => r.kpi === kpi && r.period_start === start && r.segment === 'all');
      let checked = 0;
      for (const b of bridges) {
        const nrr = nrrIdentity(at('net_revenue_retention', b.period_start)?.value ?? null, b);
        if (nrr) {
          assert.ok(Math.abs(nrr.residual ?? 1) < 1e-9, `NRR ${b.period_start}: ${nrr.residual}`);
          checked++;
        }
        const mrr = mrrIdentity(at('mrr', b.period_start)?.value ?? null, b);
        // MRR is a sum of money: exact to a cent's rounding of the sums.
        assert.ok(Math.abs(mrr.residual ?? 1) < 1e-6, `MRR ${b.period_start}: ${mrr.residual}`);
      }
      assert.ok(checked >= 20, `NRR checked in ${checked} months`);
      for (const by of ['plan', 'channel']) {
        const seg = await computeKpis(db, { ...request, kpis: ['customer_retention_rate'], by });
        let months = 0;
        for (const b of bridges) {
          const id = mixIdentity(
            at('customer_retention_rate', b.period_start),
            seg.filter((r) => r.period_start === b.period_start),
            by,
          );
          if (!id) continue;
          assert.ok(Math.abs(id.residual ?? 1) < 1e-12, `${by} ${b.period_start}: ${id.residual}`);
          months++;
        }
        assert.ok(months >= 20, `${by}: ${months} months`);
      }

      // The tree for November 2025, with two targets: one met, one missed by far.
      const catalog = applyOverrides(CATALOG, {
        targets: [
          { kpi: 'net_revenue_retention', pragmatic: 0.5, owner: 'Ana' },
          { kpi: 'customer_churn_rate', pragmatic: 0.0001, owner: 'Ben' },
        ],
      });
      const tree = await kpiTree(db, catalog, { period: '2025-11-15', mixBy: 'channel' });
      assert.equal(tree.period_start, '2025-11-01T00:00:00.000Z');
      assert.equal(tree.previous_start, '2025-10-01T00:00:00.000Z');
      const expected = await computeKpis(db, {
        kpis: ['net_revenue_retention', 'customer_churn_rate', 'feature_adoption_rate'],
        from: '2025-10-01',
        to: '2025-11-01',
        grain: 'month',
        asOf: tree.as_of,
      });
      for (const kpi of ['net_revenue_retention', 'customer_churn_rate', 'feature_adoption_rate']) {
        const node = tree.nodes.find((n) => n.kpi === kpi);
        const now = expected.find((r) => r.kpi === kpi && r.period_start === tree.period_start);
        const before = expected.find((r) => r.kpi === kpi && r.period_start === tree.previous_start);
        assert.equal(node?.value, now?.value, kpi);
        assert.equal(node?.previous, before?.value, kpi);
      }
      const nrrNode = tree.nodes.find((n) => n.kpi === 'net_revenue_retention');
      const churnNode = tree.nodes.find((n) => n.kpi === 'customer_churn_rate');
      // NRR near 1 meets 0.5; a churn rate of a few percent misses 0.0001 by far more than 5%.
      assert.equal(nrrNode?.status, 'on_track');
      assert.equal(nrrNode?.owner, 'Ana');
      assert.equal(churnNode?.status, 'off_track');
      assert.equal(
        churnNode?.status,
        statusOf(churnNode?.value ?? null, catalog.targets?.[1] ?? ({} as never), false),
      );
      assert.equal(tree.nodes.find((n) => n.kpi === 'mrr')?.status, null);
      assert.deepEqual(
        tree.identities.map((i) => i.kpi),
        ['net_revenue_retention', 'mrr', 'customer_retention_rate'],
      );
      for (const i of tree.identities) assert.ok(Math.abs(i.residual ?? 1) < 1e-6, `${i.kpi}: ${i.residual}`);
      assert.ok(tree.identities[2]?.terms.every((t) => t.label.startsWith('channel=')));
    } finally {
      await db.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
