import assert from 'node:assert/strict';
import { test } from 'node:test';
import { close, find, triple } from '../../../test/support/kpi-assert.ts';
import { withSmallWarehouse } from '../../../test/support/small-warehouse.ts';
import { periodsBetween } from '../periods.ts';
import { computeRevenueKpis } from './revenue.ts';

// The bridge dataset (see views/mrr-bridge.test.ts) with plans and referrals:
//   a pro organic; b basic, referred by a; c basic; d pro, referred by b; e basic.
//   a: 100 (Jan 10) → 150 (Feb 15) → 0 (Mar 1 00:00).   b: 200 (Jan 5) → 120 (Feb 10, a downgrade).
//   c: 50 → 0 inside February.   d: 80 → 0 inside January, back at 90 on Mar 10.   e: starts April 1 UTC.
const DATA = {
  customers: `customer_id,signed_up_at,plan,channel,referred_by
    a,2024-01-01T00:00:00Z,pro,organic,
    b,2024-01-01T00:00:00Z,basic,referral,a
    c,2024-01-01T00:00:00Z,basic,organic,
    d,2024-01-01T00:00:00Z,pro,paid_search,b
    e,2024-01-01T00:00:00Z,basic,organic,`,
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
    d,2024-03-10T00:00:00Z,90
    e,2024-03-31T23:00:00-02:00,70`,
};

const PERIODS = periodsBetween('2024-01-01', '2024-03-31', 'month');
const FEB = '2024-02-01T00:00:00.000Z';
const MAR = '2024-03-01T00:00:00.000Z';

async function run(kpis: string[], opts: { by?: string; asOf?: string; minSample?: number } = {}) {
  return withSmallWarehouse(DATA, (db) =>
    computeRevenueKpis(db, {
      kpis,
      periods: PERIODS,
      grain: 'month',
      by: opts.by,
      asOf: opts.asOf ?? '2026-01-01T00:00:00.000Z',
      minSample: opts.minSample ?? 1,
    }),
  );
}

test('February: churn, retention, gross and net revenue churn, NRR, expansion, downgrades', async () => {
  const ids = [
    'mrr',
    'customer_churn_rate',
    'customer_retention_rate',
    'revenue_churn_rate',
    'net_revenue_churn',
    'net_revenue_retention',
    'expansion_revenue',
    'customer_downgrade_rate',
  ];
  const rows = await run(ids);
  // S = {a, b} (Σs = 100 + 200 = 300); E = {a, b} (Σe = 150 + 120 = 270); c nets to nothing.
  assert.deepEqual(find(rows, 'mrr', FEB).value, 270);
  assert.equal(find(rows, 'customer_churn_rate', FEB).value, 0); // 0 churned / 2
  assert.equal(find(rows, 'customer_retention_rate', FEB).value, 1); // (2 − 0 new − 0 back) / 2
  close(find(rows, 'revenue_churn_rate', FEB).value, 80 / 300); // (churn 0 + contraction 80) / 300
  close(find(rows, 'net_revenue_churn', FEB).value, 0.1); // (0 + 80 − 50) / 300
  close(find(rows, 'net_revenue_retention', FEB).value, 0.9); // (300 + 50 − 80 − 0) / 300
  assert.equal(find(rows, 'expansion_revenue', FEB).value, 50); // a: 150 − 100
  const downgrade = find(rows, 'customer_downgrade_rate', FEB); // b's 200 → 120; c's cancel is no downgrade
  assert.deepEqual([downgrade.value, downgrade.numerator, downgrade.denominator], [0.5, 1, 2]);
});

test('March: a churn at the period boundary and a reactivation; retention + churn = 1; NRR = 1 − net churn', async () => {
  const rows = await run([
    'customer_churn_rate',
    'customer_retention_rate',
    'net_revenue_retention',
    'net_revenue_churn',
  ]);
  // S = {a 150, b 120}; a cancels at Mar 1 00:00 (churned in March); d comes back (reactivated, not new).
  assert.equal(find(rows, 'customer_churn_rate', MAR).value, 0.5); // 1 / 2
  assert.equal(find(rows, 'customer_retention_rate', MAR).value, 0.5); // (E {b, d} = 2 − 0 − 1) / 2
  close(find(rows, 'net_revenue_retention', MAR).value, 120 / 270); // (270 + 0 − 0 − 150) / 270
  for (const p of PERIODS.slice(1)) {
    const churn = find(rows, 'customer_churn_rate', p.start).value ?? Number.NaN;
    const kept = find(rows, 'customer_retention_rate', p.start).value ?? Number.NaN;
    close(churn + kept, 1);
    close(
      find(rows, 'net_revenue_retention', p.start).value ?? Number.NaN,
      1 - (find(rows, 'net_revenue_churn', p.start).value ?? Number.NaN),
    );
  }
});

test('January has no customers at its start: rates are null with zero_denominator, never NaN', async () => {
  const rows = await run(['customer_churn_rate', 'net_revenue_retention']);
  for (const kpi of ['customer_churn_rate', 'net_revenue_retention']) {
    const jan = find(rows, kpi, '2024-01-01T00:00:00.000Z');
    assert.equal(jan.value, null);
    assert.equal(jan.denominator, 0);
    assert.ok(jan.flags.includes('zero_denominator'));
  }
});

test('expansion growth rate: expansion over MRR at the start; `.change` compares with the previous period', async () => {
  const rows = await run(['expansion_revenue_growth_rate']);
  const JAN = '2024-01-01T00:00:00.000Z';
  const rate = (start: string) => triple(find(rows, 'expansion_revenue_growth_rate', start));
  const change = (start: string) => triple(find(rows, 'expansion_revenue_growth_rate.change', start));
  // January: no one pays at its start (Σ s = 0): null. December had no expansion either: change null.
  assert.deepEqual(rate(JAN), [null, 0, 0]);
  assert.deepEqual(change(JAN), [null, 0, 0]);
  // February: a grows 100 → 150 (expansion 50) over Σ s = 100 + 200 = 300: 1/6. January's expansion was
  // 0, so the change is undefined.
  const feb = rate(FEB);
  close(feb[0] ?? Number.NaN, 50 / 300);
  assert.deepEqual(feb.slice(1), [50, 300]);
  assert.deepEqual(change(FEB), [null, 50, 0]);
  // March: Σ s = 150 (a) + 120 (b); a churns, b stays flat, d's return is a reactivation: expansion 0,
  // 0 / 270 = 0. The change from February: (0 − 50) / 50 = −1.
  assert.deepEqual(rate(MAR), [0, 0, 270]);
  assert.deepEqual(change(MAR), [-1, -50, 50]);
});

test('referral churn and retention count only referred customers (b, d)', async () => {
  const rows = await run(['referral_churn_rate', 'referral_retention_rate']);
  // March: S = {b}; b stays; d (referred) comes back: retention (E {b, d} = 2 − 0 − 1) / 1 = 1, churn 0 / 1.
  assert.equal(find(rows, 'referral_churn_rate', MAR).value, 0);
  assert.equal(find(rows, 'referral_retention_rate', MAR).value, 1);
});

test('broken down by plan: March churn is 1/1 for pro (a) and 0/1 for basic (b)', async () => {
  const rows = await run(['customer_churn_rate'], { by: 'plan' });
  assert.equal(find(rows, 'customer_churn_rate', MAR, 'pro').value, 1);
  assert.equal(find(rows, 'customer_churn_rate', MAR, 'basic').value, 0);
  assert.deepEqual([...new Set(rows.map((r) => r.segment))].sort(), ['basic', 'pro']);
});

test('flags: a period ending after the data is incomplete; a small base is too few to judge', async () => {
  const rows = await run(['customer_churn_rate'], { asOf: '2024-03-15T00:00:00.000Z', minSample: 30 });
  const mar = find(rows, 'customer_churn_rate', MAR);
  assert.deepEqual(mar.flags, ['incomplete_period', 'too_few']);
  assert.deepEqual(find(rows, 'customer_churn_rate', FEB).flags, ['too_few']);
});

// The same customers with attributes: a and d are gold, b silver, c and e have no tier; d alone has the
// key "it's" (a key with a quote, bound, never pasted into the SQL).
const WITH_ATTRIBUTES = {
  ...DATA,
  customers: `customer_id,signed_up_at,plan,attributes
    a,2024-01-01T00:00:00Z,pro,"{""tier"": ""gold""}"
    b,2024-01-01T00:00:00Z,basic,"{""tier"": ""silver""}"
    c,2024-01-01T00:00:00Z,basic,{}
    d,2024-01-01T00:00:00Z,pro,"{""tier"": ""gold"", ""it's"": ""x""}"
    e,2024-01-01T00:00:00Z,basic,`,
};

test('broken down by a customer attribute: March churn is 1/1 for gold (a) and 0/1 for silver (b)', async () => {
  const march = (by: string) =>
    withSmallWarehouse(WITH_ATTRIBUTES, (db) =>
      computeRevenueKpis(db, {
        kpis: ['customer_churn_rate'],
        periods: PERIODS,
        grain: 'month',
        by,
        asOf: '2026-01-01T00:00:00.000Z',
        minSample: 1,
      }),
    );
  // #S in March = {a, b}: a (gold) leaves on Mar 1 00:00, b (silver) stays; d (gold) only returns on Mar 10.
  const rows = await march('attributes.tier');
  assert.deepEqual(triple(find(rows, 'customer_churn_rate', MAR, 'gold')), [1, 1, 1]);
  assert.deepEqual(triple(find(rows, 'customer_churn_rate', MAR, 'silver')), [0, 0, 1]);
  assert.deepEqual([...new Set(rows.map((r) => r.segment))].sort(), ['(none)', 'gold', 'silver']);
  // By "it's": only d has it ('x', no one at March's start: null, zero denominator); a and b are (none): 1/2.
  const quoted = await march("attributes.it's");
  assert.deepEqual(triple(find(quoted, 'customer_churn_rate', MAR, '(none)')), [0.5, 1, 2]);
  const x = find(quoted, 'customer_churn_rate', MAR, 'x');
  assert.equal(x.value, null);
  assert.ok(x.flags.includes('zero_denominator'));
});

test('a breakdown that is neither a dimension nor attributes.KEY is refused with the choices', async () => {
  for (const by of ['attributes.', 'plan; DROP TABLE customers', 'industry']) {
    await assert.rejects(
      withSmallWarehouse(DATA, (db) =>
        computeRevenueKpis(db, {
          kpis: ['mrr'],
          periods: PERIODS,
          grain: 'month',
          asOf: '2026-01-01T00:00:00.000Z',
          minSample: 1,
          by,
        }),
      ),
      /cannot break down by/,
    );
  }
});

test('gross revenue retention: what the customers paying at the start still pay, expansion left out', async () => {
  const rows = await run(['net_revenue_retention']);
  // February: start 100 (a) + 200 (b) = 300; a expands to 150 (left out: counted at 100), b contracts to 120.
  const feb = find(rows, 'net_revenue_retention.grr', FEB);
  assert.deepEqual(triple(feb), [220 / 300, 220, 300]);
  // March: start 150 (a) + 120 (b) = 270; a churns, b stays: 120 / 270.
  assert.deepEqual(triple(find(rows, 'net_revenue_retention.grr', MAR)), [120 / 270, 120, 270]);
  // No customer paid twelve months before: the year-over-year variant has nothing to compare.
  const year = find(rows, 'net_revenue_retention.grr_12m', MAR);
  assert.equal(year.value, null);
  assert.ok(year.flags.includes('zero_denominator'));
});
