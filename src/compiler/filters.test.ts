// Filters on the small revenue dataset, worked out by hand, on DuckDB and PostgreSQL: the starter slice
// of a KPI is what its breakdown shows for that segment, a filter and a breakdown cross, an empty slice is
// no data, and bad filters are refused before any work.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { close, find } from '../../test/support/kpi-assert.ts';
import { withSmallWarehouse } from '../../test/support/small-warehouse.ts';
import { TenureError } from '../errors/tenure-error.ts';
import { computeKpis } from './compute.ts';
import { checkCustomerFilters } from './filters.ts';

// a pro organic: 100 (Jan 10) → 150 (Feb 15) → 0 (Mar 1).   b basic referral: 200 (Jan 5) → 120 (Feb 10).
// c basic organic: 50 (Feb 3) → 0 (Feb 20).   d pro paid_search: 80 (Jan 20) → 0 (Jan 25), 90 (Mar 10).
const DATA = {
  customers: `customer_id,signed_up_at,plan,channel,referred_by
    a,2024-01-01T00:00:00Z,pro,organic,
    b,2024-01-01T00:00:00Z,basic,referral,a
    c,2024-01-01T00:00:00Z,basic,organic,
    d,2024-01-01T00:00:00Z,pro,paid_search,b`,
  subscription_changes: `customer_id,effective_at,mrr
    a,2024-01-10T00:00:00Z,100
    a,2024-02-15T00:00:00Z,150
    a,2024-03-01T00:00:00Z,0
    b,2024-01-05T00:00:00Z,200
    b,2024-02-10T00:00:00Z,120
    c,2024-02-03T00:00:00Z,50
    c,2024-02-20T00:00:00Z,0
    d,2024-01-20T00:00:00Z,80
    d,2024-01-25T00:00:00Z,0
    d,2024-03-10T00:00:00Z,90`,
};
const MAR = '2024-03-01T00:00:00.000Z';
const base = {
  from: '2024-02-01',
  to: '2024-03-31',
  grain: 'month' as const,
  asOf: '2026-01-01T00:00:00.000Z',
  minSample: 1,
};

test('a filtered KPI is its segment of the breakdown; filter and breakdown cross', async () => {
  await withSmallWarehouse(DATA, async (db) => {
    const kpis = ['mrr', 'customer_churn_rate'];
    const pro = await computeKpis(db, { ...base, kpis, filters: [{ by: 'plan', value: 'pro' }] });
    // March, pro: S = {a} (d paid nothing on Mar 1); a cancels on Mar 1 → churn 1/1; MRR at end = d's 90.
    assert.equal(find(pro, 'customer_churn_rate', MAR).value, 1);
    assert.equal(find(pro, 'mrr', MAR).value, 90);
    assert.ok(pro.every((r) => r.segment === 'all'));
    const byPlan = await computeKpis(db, { ...base, kpis, by: 'plan' });
    for (const r of pro)
      assert.deepEqual(r, { ...find(byPlan, r.kpi, r.period_start, 'pro'), segment: 'all' });

    // Pro by channel in March: organic S = {a}, churned → 1; paid_search S = {} → no rate (zero denominator).
    const crossed = await computeKpis(db, {
      ...base,
      kpis: ['customer_churn_rate'],
      by: 'channel',
      filters: [{ by: 'plan', value: 'pro' }],
    });
    assert.deepEqual([...new Set(crossed.map((r) => r.segment))].sort(), ['organic', 'paid_search']);
    assert.equal(find(crossed, 'customer_churn_rate', MAR, 'organic').value, 1);
    assert.equal(find(crossed, 'customer_churn_rate', MAR, 'paid_search').value, null);

    // Two filters: basic and referral is b alone: 120 at the end of March, nobody churns (0 of 1).
    const b = await computeKpis(db, {
      ...base,
      kpis,
      filters: [
        { by: 'plan', value: 'basic' },
        { by: 'channel', value: 'referral' },
      ],
    });
    assert.equal(find(b, 'mrr', MAR).value, 120);
    close(find(b, 'customer_churn_rate', MAR).value, 0);

    // A slice nobody is in: every KPI and period is there, with no data.
    const none = await computeKpis(db, { ...base, kpis, filters: [{ by: 'plan', value: 'enterprise' }] });
    assert.equal(none.length, 4); // 2 KPIs × 2 months
    assert.ok(none.every((r) => r.value === null && r.flags.includes('no_data')));
  });
});

test('bad filters are refused, naming the field', async () => {
  await withSmallWarehouse(DATA, async (db) => {
    const refused = async (filters: { by: string; value: string }[], by?: string) =>
      assert.rejects(computeKpis(db, { ...base, kpis: ['mrr'], by, filters }), (err: unknown) => {
        assert.ok(err instanceof TenureError);
        assert.equal(err.where.field, 'filter');
        return true;
      });
    await refused([{ by: 'no_dimension', value: 'x' }]);
    await refused([{ by: 'plan', value: 'pro' }], 'plan');
    await refused([
      { by: 'plan', value: 'pro' },
      { by: 'plan', value: 'basic' },
    ]);
  });
});

test('work that reads each customer once takes filters on the customers’ own dimensions only', () => {
  assert.doesNotThrow(() =>
    checkCustomerFilters(
      [
        { by: 'plan', value: 'pro' },
        { by: 'attributes.region', value: 'eu' },
      ],
      'rows',
    ),
  );
  for (const by of ['lifecycle', 'rfm'])
    assert.throws(
      () => checkCustomerFilters([{ by, value: 'x' }], 'the MRR bridge'),
      (err: unknown) =>
        err instanceof TenureError &&
        err.where.field === 'filter' &&
        err.message.includes(`the MRR bridge cannot be filtered by '${by}'`),
    );
  // The checks every filter has come first.
  assert.throws(() => checkCustomerFilters([{ by: 'no_dimension', value: 'x' }], 'rows'), TenureError);
});
