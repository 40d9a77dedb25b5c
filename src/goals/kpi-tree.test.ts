import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyOverrides, CATALOG } from '../catalog/catalog.ts';
import { ConfigProblemsError } from '../catalog/problems.ts';
import type { MrrBridgeRow } from '../compiler/views/mrr-bridge.ts';
import type { KpiResult } from '../results/kpi-result.ts';
import { DEFAULT_TREE, depths, findCycle } from './kpi-tree.ts';
import { mixIdentity, mrrIdentity, nrrIdentity } from './tree-identities.ts';

test('the shipped tree names only catalog KPIs, has no cycle, and flows from leading to lagging', () => {
  const ids = new Set(CATALOG.map((d) => d.id));
  for (const e of DEFAULT_TREE) assert.ok(ids.has(e.from) && ids.has(e.to), `${e.from} → ${e.to}`);
  assert.equal(findCycle(DEFAULT_TREE), undefined);
  const d = depths(DEFAULT_TREE);
  // drop_off_rate → activation_milestone_completion → activation_cohort_retention → customer_retention_rate
  // → net_revenue_retention → mrr → revenue_growth: seven steps, so revenue_growth sits at depth 6.
  assert.equal(d.get('drop_off_rate'), 0);
  assert.equal(d.get('customer_retention_rate'), 3);
  assert.equal(d.get('revenue_growth'), 6);
});

test("a project's edges add to the shipped tree, replace the same pair, and are checked", () => {
  const own = { from: 'net_promoter_score', to: 'customer_churn_rate', hypothesis: 'our own reason' };
  const added = {
    from: 'redemption_rate',
    to: 'customer_retention_rate',
    hypothesis: 'offers bring customers back',
  };
  const tree = applyOverrides(CATALOG, { tree: { edges: [own, added] } }).tree ?? [];
  assert.equal(tree.length, DEFAULT_TREE.length + 1);
  assert.equal(tree.find((e) => e.from === own.from && e.to === own.to)?.hypothesis, 'our own reason');
  assert.equal(tree.find((e) => e.from === added.from)?.direction, 'same');

  const only = applyOverrides(CATALOG, { tree: { replace_defaults: true, edges: [added] } }).tree;
  assert.equal(only?.length, 1);

  const bad = () =>
    applyOverrides(CATALOG, {
      tree: {
        edges: [
          { from: 'no_such_kpi', to: 'mrr', hypothesis: 'x' },
          { from: 'mrr', to: 'drop_off_rate', hypothesis: 'makes a cycle with the shipped path' },
        ],
      },
    });
  assert.throws(bad, (err: unknown) => {
    assert.ok(err instanceof ConfigProblemsError);
    const messages = err.problems.map((p) => `${p.path.join('.')}: ${p.message}`);
    assert.ok(
      messages.includes("tree.edges.0.from: no KPI 'no_such_kpi' in the catalog"),
      messages.join('\n'),
    );
    assert.ok(
      messages.some((m) => m.startsWith('tree.edges: the edges make a cycle: ')),
      messages.join('\n'),
    );
    return true;
  });
});

const bridge: MrrBridgeRow = {
  period_start: '2025-01-01T00:00:00.000Z',
  period_end: '2025-02-01T00:00:00.000Z',
  start_mrr: 1000,
  new_mrr: 200,
  reactivation_mrr: 50,
  expansion_mrr: 80,
  contraction_mrr: 30,
  churn_mrr: 100,
  end_mrr: 1200,
  customers_start: 10,
  customers_end: 11,
  customers_new: 2,
  customers_reactivated: 1,
  customers_churned: 2,
};

test('NRR and MRR decompose into the bridge terms (hand-worked)', () => {
  // NRR = (1000 + 80 − 30 − 100) / 1000 = 0.95 = 1 + 0.08 − 0.03 − 0.10.
  const nrr = nrrIdentity(0.95, bridge);
  assert.deepEqual(
    nrr?.terms.map((t) => t.value),
    [1, 0.08, -0.03, -0.1],
  );
  assert.ok(Math.abs(nrr?.residual ?? 1) < 1e-12);
  // MRR end = 1000 + 200 + 50 + 80 − 30 − 100 = 1200.
  const mrr = mrrIdentity(1200, bridge);
  assert.equal(mrr.sum, 1200);
  assert.equal(mrr.residual, 0);
  // A bridge that does not balance shows it: 1190 reported against 1200 from the terms.
  assert.equal(mrrIdentity(1190, bridge).residual, -10);
  assert.equal(nrrIdentity(1, { ...bridge, start_mrr: 0 }), null);
});

const row = (segment: string, numerator: number, denominator: number): KpiResult => ({
  kpi: 'customer_retention_rate',
  period_start: '2025-01-01T00:00:00.000Z',
  period_end: '2025-02-01T00:00:00.000Z',
  segment,
  value: numerator / denominator,
  numerator,
  denominator,
  n: denominator,
  flags: [],
});

test('retention is the share-weighted sum of its segment rates (hand-worked)', () => {
  // starter 90 of 100, growth 48 of 50: overall 138 / 150 = 0.92
  //   = (100/150)·0.9 + (50/150)·0.96 = 0.6 + 0.32.
  const id = mixIdentity(row('all', 138, 150), [row('growth', 48, 50), row('starter', 90, 100)], 'plan');
  assert.deepEqual(
    id?.terms.map((t) => Number(t.value.toFixed(12))),
    [0.6, 0.32],
  );
  // 100/150 = 66.7% of the customers, retained at 90 of 100.
  assert.equal(id?.terms[0]?.label, 'plan=starter: share 66.7% × rate 90.00%');
  assert.equal(id?.unit, 'rate');
  assert.ok(Math.abs(id?.residual ?? 1) < 1e-12);
  assert.equal(mixIdentity(undefined, [], 'plan'), null);
});
