import assert from 'node:assert/strict';
import { test } from 'node:test';
import { close, find } from '../../../test/support/kpi-assert.ts';
import { withSmallWarehouse } from '../../../test/support/small-warehouse.ts';
import { periodsBetween } from '../periods.ts';
import { computeLifetimeKpis, DEFAULT_LIFETIME_PARAMS, trailingWindow } from './lifetime.ts';

// a organic 100 for ever.   b channel referral, 50 until 2024-06-15.   c organic but referred by a, 50 for ever
// (start written with an offset).   d paid_search, 100 until exactly 2024-03-01 00:00 (a churn in March).
// e paid_search, new on 2024-12-05 at 75.
// Trailing window of December 2024: Jan–Dec 2024.
//   #S:     Jan 4, Feb 4, Mar 4 (d churns), Apr 3, May 3, Jun 3 (b churns), Jul–Dec 2 each.
//   churn:  Mar 1/4, Jun 1/3, other months 0 → mean (1/4 + 1/3) / 12 = 7/144.
//   ARPA at month-ends: Jan, Feb 300/4 = 75; Mar–May 200/3; Jun–Nov 150/2 = 75; Dec (150 + 75)/3 = 75
//     → (2·75 + 3·200/3 + 7·75) / 12 = 875/12.
//   CLV = 875/12 ÷ 7/144 = 1500; lifespan = 144/7 months.
const DATA = {
  customers: `customer_id,signed_up_at,plan,channel,referred_by
    a,2023-12-01T00:00:00Z,pro,organic,
    b,2023-12-01T00:00:00Z,basic,referral,
    c,2023-12-01T00:00:00Z,basic,organic,a
    d,2023-12-01T00:00:00Z,pro,paid_search,
    e,2024-12-01T00:00:00Z,basic,paid_search,`,
  subscription_changes: `customer_id,effective_at,mrr
    a,2023-12-15T00:00:00Z,100
    b,2023-12-10T00:00:00Z,50
    b,2024-06-15T00:00:00Z,0
    c,2023-12-20T01:00:00+02:00,50
    d,2023-12-01T00:00:00Z,100
    d,2024-03-01T00:00:00Z,0
    e,2024-12-05T00:00:00Z,75`,
  acquisition_spend: `channel,period_start,period_end,amount
    paid_search,2024-11-01,2024-12-01,999
    paid_search,2024-12-01,2025-01-01,300
    organic,2024-12-01,2025-01-01,100`,
};

const DEC = '2024-12-01T00:00:00.000Z';
const JUN = '2024-06-01T00:00:00.000Z';

async function run(
  data: Record<string, string>,
  kpis: string[],
  opts: { by?: string; asOf?: string; from?: string; to?: string } = {},
) {
  return withSmallWarehouse(data, (db) =>
    computeLifetimeKpis(db, {
      kpis,
      periods: periodsBetween(opts.from ?? '2024-12-01', opts.to ?? '2024-12-31', 'month'),
      grain: 'month',
      by: opts.by,
      asOf: opts.asOf ?? '2025-06-01T00:00:00.000Z',
      minSample: 1,
      params: DEFAULT_LIFETIME_PARAMS,
    }),
  );
}

test('the trailing window is the 12 complete months before the month holding p_end', () => {
  assert.deepEqual(trailingWindow({ start: DEC, end: '2025-01-01T00:00:00.000Z' }, 12), {
    start: '2024-01-01T00:00:00.000Z',
    end: '2025-01-01T00:00:00.000Z',
  });
  // A week ending mid-month: only the complete months before that month.
  assert.deepEqual(
    trailingWindow({ start: '2024-12-09T00:00:00.000Z', end: '2024-12-16T00:00:00.000Z' }, 12),
    { start: '2023-12-01T00:00:00.000Z', end: '2024-12-01T00:00:00.000Z' },
  );
});

test('CLV = ARPA × margin / churn (1500) and lifespan = 1 / churn (144/7 months), margin 1 without costs', async () => {
  const rows = await run(DATA, ['customer_lifetime_value', 'average_customer_lifespan']);
  const clv = find(rows, 'customer_lifetime_value', DEC);
  close(clv.value, 1500);
  close(clv.numerator, 875 / 12); // ARPA × 1.0
  close(clv.denominator, 7 / 144);
  assert.equal(clv.n, 3); // mean #S = (4·3 + 3·3 + 2·6) / 12 = 33/12 → 3
  assert.deepEqual(clv.flags, []);
  close(find(rows, 'average_customer_lifespan', DEC).value, 144 / 7);
});

test('a window reaching before the data or past asOf is censored', async () => {
  // June 2024: window Jul 2023–Jun 2024; only Jan–Jun have #S > 0 (d's first change at Dec 1 00:00 is not
  // MRR at Dec 1): churn (1/4 + 1/3) / 6 = 7/72; ARPA over month-ends with customers: Dec 75, Jan 75, Feb 75,
  // Mar–May 200/3, Jun 75 → (3·75 + 3·200/3 + 75)/7 = 500/7; CLV = 500/7 × 72/7 = 36000/49.
  const rows = await run(DATA, ['customer_lifetime_value'], { from: '2024-06-01', to: '2024-06-30' });
  const jun = find(rows, 'customer_lifetime_value', JUN);
  close(jun.value, 36000 / 49);
  assert.deepEqual(jun.flags, ['censored']);
  // asOf 2024-12-15: December is not over, so 11 months: churn 7/12 / 11 = 7/132 → lifespan 132/7.
  const open = await run(DATA, ['average_customer_lifespan'], { asOf: '2024-12-15T00:00:00.000Z' });
  const life = find(open, 'average_customer_lifespan', DEC);
  close(life.value, 132 / 7);
  assert.deepEqual(life.flags, ['incomplete_period', 'censored']);
});

test('zero churn gives null with zero_denominator; no subscription data gives no_data', async () => {
  // Only a and c (organic) in the organic segment: nobody churns in 2024.
  const rows = await run(DATA, ['customer_lifetime_value', 'average_customer_lifespan'], { by: 'channel' });
  for (const kpi of ['customer_lifetime_value', 'average_customer_lifespan']) {
    const r = find(rows, kpi, DEC, 'organic');
    assert.equal(r.value, null);
    assert.equal(r.denominator, 0);
    assert.ok(r.flags.includes('zero_denominator'));
  }
  // paid_search (d, e): #S > 0 only Jan–Mar: churn (0 + 0 + 1) / 3 = 1/3; ARPA over month-ends with
  // customers Jan 100, Feb 100, Dec 75 → 275/3; CLV = 275/3 × 3 = 275, censored (3 months < 12).
  const paid = find(rows, 'customer_lifetime_value', DEC, 'paid_search');
  close(paid.value, 275);
  assert.ok(paid.flags.includes('censored'));
  const none = await run({ customers: DATA.customers }, ['customer_lifetime_value', 'ltv_to_cac_ratio']);
  for (const r of none) assert.deepEqual([r.value, r.flags], [null, ['no_data']]);
});

test('LTV to CAC: CLV / (spend in P / new customers in P), per channel when broken down by channel', async () => {
  // All: CAC = (300 + 100) / 1 new (e) = 400 (November's 999 is outside P) → 1500 / 400 = 3.75.
  const all = find(await run(DATA, ['ltv_to_cac_ratio']), 'ltv_to_cac_ratio', DEC);
  close(all.value, 3.75);
  close(all.numerator, 1500);
  close(all.denominator, 400);
  const rows = await run(DATA, ['ltv_to_cac_ratio'], { by: 'channel' });
  // paid_search: CLV 275 / (300 / 1 new) = 11/12.
  close(find(rows, 'ltv_to_cac_ratio', DEC, 'paid_search').value, 275 / 300);
  // organic: CLV unknown (no churn) and no new customers: null with zero_denominator.
  const organic = find(rows, 'ltv_to_cac_ratio', DEC, 'organic');
  assert.equal(organic.value, null);
  assert.ok(organic.flags.includes('zero_denominator'));
  // Without spend data: no_data.
  const bare = await run({ customers: DATA.customers, subscription_changes: DATA.subscription_changes }, [
    'ltv_to_cac_ratio',
  ]);
  assert.deepEqual(find(bare, 'ltv_to_cac_ratio', DEC).flags, ['no_data']);
});

test('CLV of referred customers (b, c) and its ratio to non-referred CLV (a, d, e)', async () => {
  // Referred: #S Jan–May 2, Jun 2 (b churns), Jul–Dec 1 → churn (1/2)/12 = 1/24; ARPA 50 every month-end
  //   → CLV 50 × 24 = 1200.
  // Not referred: #S Jan–Mar 2 (d churns in Mar), Apr–Dec 1 → churn (1/2)/12 = 1/24; ARPA 100 at Jan–Nov
  //   month-ends, Dec (100 + 75)/2 = 87.5 → (1100 + 87.5)/12; CLV = 1187.5/12 × 24 = 2375.
  const rows = await run(DATA, ['cltv_referred_users']);
  close(find(rows, 'cltv_referred_users', DEC).value, 1200);
  const ratio = find(rows, 'cltv_referred_users.ratio_to_non_referred', DEC);
  close(ratio.value, 1200 / 2375);
  assert.deepEqual([ratio.numerator, ratio.denominator], [1200, 2375]);
});

test('gross margin from the costs table: 1 − cost to serve / (∫ MRR + orders) over the window', async () => {
  // x 100 for ever; y 100 until exactly 2024-07-01 00:00 (churns in July). Window Jan–Dec 2024 (366 days).
  // churn: Jul 1/2, else 0 → 1/24; ARPA 100 at every month-end.
  // revenue = (100 × 366 + 100 × 182 days) / 30.4375 + order 52; cost = 200 (x, March) + 100 (segment-level,
  // May); the 999 of December 2023 is outside the window. CLV = 100 × (1 − 300 / revenue) × 24.
  const data = {
    customers: `customer_id,signed_up_at
      x,2023-01-01T00:00:00Z
      y,2023-01-01T00:00:00Z`,
    subscription_changes: `customer_id,effective_at,mrr
      x,2023-01-01T00:00:00Z,100
      y,2023-01-01T00:00:00Z,100
      y,2024-07-01T00:00:00Z,0`,
    orders: `order_id,customer_id,ordered_at,amount
      o1,x,2024-08-10T12:00:00+05:00,52`,
    costs: `customer_id,segment,period_start,period_end,amount
      x,,2024-03-01,2024-04-01,200
      ,all,2024-05-01,2024-06-01,100
      x,,2023-12-01,2024-01-01,999`,
  };
  const rows = await run(data, ['customer_lifetime_value']);
  const revenue = (100 * 366 + 100 * 182) / 30.4375 + 52;
  const clv = find(rows, 'customer_lifetime_value', DEC);
  close(clv.value, 100 * (1 - 300 / revenue) * 24);
  assert.deepEqual(clv.flags, []);
});
