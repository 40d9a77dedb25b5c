import assert from 'node:assert/strict';
import { test } from 'node:test';
import { close as closeTo, find, triple } from '../../../test/support/kpi-assert.ts';
import { withSmallWarehouse } from '../../../test/support/small-warehouse.ts';
import { periodsBetween } from '../periods.ts';
import { COMMERCE_KPIS, computeCommerceKpis, DEFAULT_COMMERCE_PARAMS } from './commerce.ts';

// January–April 2024. Plans: A pro, B basic, C basic, D pro.
// Orders: A Feb 3 (100) and Feb 20 23:30 −02:00 = Feb 21 01:30 UTC (50); B Jan 31 23:59:59 (20) and exactly
// Feb 1 00:00 (30, belongs to February); C Mar 1 01:00 +02:00 = Feb 29 23:00 UTC (40, February).
// MRR: A 304.375 (10 a day) from Jan 16, cancelled Mar 11; D 60.875 (2 a day) from Feb 15 12:00.
const BASE = {
  customers: `customer_id,signed_up_at,plan
    A,2023-06-01T00:00:00Z,pro
    B,2023-06-01T00:00:00Z,basic
    C,2023-06-01T00:00:00Z,basic
    D,2023-06-01T00:00:00Z,pro`,
  orders: `order_id,customer_id,ordered_at,amount
    o1,A,2024-02-03T10:00:00Z,100
    o2,A,2024-02-20T23:30:00-02:00,50
    o3,B,2024-01-31T23:59:59Z,20
    o4,B,2024-02-01T00:00:00Z,30
    o5,C,2024-03-01T01:00:00+02:00,40`,
  subscription_changes: `customer_id,effective_at,mrr
    A,2024-01-16T00:00:00Z,304.375
    A,2024-03-11T00:00:00Z,0
    D,2024-02-15T12:00:00Z,60.875`,
  costs: `customer_id,segment,period_start,period_end,amount
    A,,2024-02-01,2024-03-01,100
    ,pro,2024-02-01,2024-03-01,50
    B,,2024-01-01,2024-02-01,10`,
  // P3 is issued Feb 29 23:00 −05:00 = Mar 1 04:00 UTC: a March offer.
  promotions: `promotion_id,customer_id,issued_at,redeemed_at,expires_at
    P1,A,2024-02-02T00:00:00Z,2024-02-10T00:00:00Z,2024-03-01T00:00:00Z
    P2,B,2024-02-05T00:00:00Z,,2024-02-20T00:00:00Z
    P3,C,2024-02-29T23:00:00-05:00,,2024-04-01T00:00:00Z
    P4,D,2024-02-10T00:00:00Z,2024-03-05T00:00:00Z,2024-03-31T00:00:00Z
    P5,A,2024-02-15T00:00:00Z,,2024-03-25T00:00:00Z`,
  loyalty_members: `customer_id,joined_at
    A,2023-07-01T00:00:00Z
    B,2023-07-01T00:00:00Z`,
  // C's activity does not count: C is not a member.
  loyalty_activity: `customer_id,occurred_at,kind,points
    A,2024-02-10T00:00:00Z,earn,10
    B,2024-01-15T00:00:00Z,redeem,5
    C,2024-02-12T00:00:00Z,earn,10`,
  // K3 is published Feb 29 23:00 −03:00 = Mar 1 02:00 UTC: March content.
  content: `content_id,published_at,cost
    K1,2024-02-01T00:00:00Z,100
    K2,2024-01-20T00:00:00Z,50
    K3,2024-02-29T23:00:00-03:00,40`,
  content_revenue: `content_id,period_start,amount
    K1,2024-02-01,120
    K2,2024-02-01,30
    K2,2024-01-01,10
    K1,2024-03-01,80`,
};
const EVENTS = {
  events: `event_id,user_id,customer_id,occurred_at,name
    e1,,A,2024-02-03T00:00:00Z,login
    e2,,C,2024-02-04T00:00:00Z,login
    e3,,D,2024-02-05T00:00:00Z,login
    e4,,C,2024-01-04T00:00:00Z,login`,
};

const PERIODS = periodsBetween('2024-01-01', '2024-04-30', 'month');
const JAN = '2024-01-01T00:00:00.000Z';
const FEB = '2024-02-01T00:00:00.000Z';
const MAR = '2024-03-01T00:00:00.000Z';
const APR = '2024-04-01T00:00:00.000Z';

async function run(
  data: Record<string, string>,
  kpis: string[],
  opts: { by?: string; asOf?: string; minSample?: number } = {},
) {
  return withSmallWarehouse(data, (db) =>
    computeCommerceKpis(db, {
      kpis,
      periods: PERIODS,
      grain: 'month',
      by: opts.by,
      asOf: opts.asOf ?? '2026-01-01T00:00:00.000Z',
      minSample: opts.minSample ?? 1,
      params: DEFAULT_COMMERCE_PARAMS,
    }),
  );
}

const close = (actual: number | null, expected: number) => closeTo(actual, expected, 1e-6);

test('repeat purchase rate: boundaries and offsets place orders in the right month; no orders: null', async () => {
  const rows = await run(BASE, ['repeat_purchase_rate']);
  // February buyers: A (Feb 3, Feb 21 01:30 UTC: 2 orders), B (Feb 1 00:00: 1), C (Feb 29 23:00 UTC: 1) → 1/3.
  assert.deepEqual(triple(find(rows, 'repeat_purchase_rate', FEB)), [1 / 3, 1, 3]);
  // January: B's Jan 31 23:59:59 order only → 0/1.
  assert.deepEqual(triple(find(rows, 'repeat_purchase_rate', JAN)), [0, 0, 1]);
  const mar = find(rows, 'repeat_purchase_rate', MAR); // no orders in March: 0/0
  assert.deepEqual(triple(mar), [null, 0, 0]);
  assert.ok(mar.flags.includes('zero_denominator'));
});

test('redemption rate: redeemed any time up to asOf; offers still open are left out and flagged censored', async () => {
  const rows = await run(BASE, ['redemption_rate']);
  // February offers: P1 (redeemed), P2 (expired unredeemed), P4 (redeemed Mar 5), P5 (expired Mar 25) → 2/4.
  const feb = find(rows, 'redemption_rate', FEB);
  assert.deepEqual(triple(feb), [0.5, 2, 4]);
  assert.deepEqual(feb.flags, []);
  // March: P3 (issued Mar 1 04:00 UTC), expired Apr 1 unredeemed → 0/1.
  assert.deepEqual(triple(find(rows, 'redemption_rate', MAR)), [0, 0, 1]);

  // As of Mar 3: P4 is not yet redeemed and expires Mar 31, P5 expires Mar 25: both open, left out.
  // February: P1 redeemed, P2 closed → 1/2, censored. March: P3 open → 0/0, null.
  const early = await run(BASE, ['redemption_rate'], { asOf: '2024-03-03T00:00:00.000Z' });
  const febEarly = find(early, 'redemption_rate', FEB);
  assert.deepEqual(triple(febEarly), [0.5, 1, 2]);
  assert.ok(febEarly.flags.includes('censored'));
  // As of Feb 25: P1 (redeemed Feb 10) still runs to Mar 1, so it is left out with the open P4 and P5,
  // redeemed or not; only P2 (expired Feb 20 unredeemed) is closed → 0/1, censored (counting P1's early
  // redemption while leaving P4 and P5 out read 1/2).
  const feb25 = find(
    await run(BASE, ['redemption_rate'], { asOf: '2024-02-25T00:00:00.000Z' }),
    'redemption_rate',
    FEB,
  );
  assert.deepEqual(triple(feb25), [0, 0, 1]);
  assert.ok(feb25.flags.includes('censored'));
  const marEarly = find(early, 'redemption_rate', MAR);
  assert.equal(marEarly.value, null);
  assert.deepEqual([...marEarly.flags].sort(), [
    'censored',
    'incomplete_period',
    'too_few',
    'zero_denominator',
  ]);
});

test('loyalty participation: members with an earn or redeem among customers active in the period', async () => {
  // Active in P = paying at some moment in P (MRR > 0, or an order in P) ∪ an active event in P ∪ the
  // participants (so the numerator is part of the denominator).
  const rows = await run({ ...BASE, ...EVENTS }, ['loyalty_participation_rate']);
  // February: paying {A (MRR, orders), D (MRR from Feb 15), B (order Feb 1 00:00), C (order Feb 29 23:00Z)}
  // ∪ events {A, C, D} ∪ participants {A} = {A, B, C, D} = 4; participants: A (C is no member) → 1/4.
  assert.deepEqual(triple(find(rows, 'loyalty_participation_rate', FEB)), [1 / 4, 1, 4]);
  // January: paying {A (MRR from Jan 16), B (order Jan 31 23:59:59)} ∪ events {C} ∪ participants {B}
  // = {A, B, C} = 3; participants: B → 1/3.
  assert.deepEqual(triple(find(rows, 'loyalty_participation_rate', JAN)), [1 / 3, 1, 3]);

  // Without events January is {A, B}: B → 1/2. A paying customer who never opens the product is active.
  const noEvents = await run(BASE, ['loyalty_participation_rate']);
  assert.deepEqual(triple(find(noEvents, 'loyalty_participation_rate', JAN)), [0.5, 1, 2]);
  assert.deepEqual(triple(find(noEvents, 'loyalty_participation_rate', FEB)), [1 / 4, 1, 4]);
});

test('content ROI: revenue whose period_start lies in P against the cost of content published in P', async () => {
  const rows = await run(BASE, ['content_roi'], { by: 'plan' });
  // Content is no customer's: only the segment 'all', even under a breakdown.
  assert.deepEqual([...new Set(rows.map((r) => r.segment))], ['all']);
  // February: revenue 120 + 30 = 150; cost K1 (published exactly Feb 1 00:00) = 100 → (150 − 100) / 100.
  assert.deepEqual(triple(find(rows, 'content_roi', FEB)), [0.5, 50, 100]);
  // January: revenue 10, cost K2 50 → (10 − 50) / 50 = −0.8.
  assert.deepEqual(triple(find(rows, 'content_roi', JAN)), [-0.8, -40, 50]);
  // March: revenue 80, cost K3 (Mar 1 02:00 UTC) 40 → (80 − 40) / 40 = 1.
  assert.deepEqual(triple(find(rows, 'content_roi', MAR)), [1, 40, 40]);
  // April: nothing published → 0/0: null.
  const apr = find(rows, 'content_roi', APR);
  assert.equal(apr.value, null);
  assert.ok(apr.flags.includes('zero_denominator'));
});

test('revenue growth: orders plus MRR earned day by day, against the previous month', async () => {
  const rows = await run(BASE, ['revenue_growth']);
  // revenue(Jan) = A 10/day × 16 days (Jan 16–31) = 160 + order 20 = 180; revenue(Dec 2023) = 0 → null.
  const jan = find(rows, 'revenue_growth', JAN);
  assert.equal(jan.value, null);
  assert.ok(jan.flags.includes('zero_denominator'));
  // revenue(Feb) = A 10 × 29 = 290 + D 2 × 14.5 (Feb 15 12:00 → Mar 1) = 29 + orders 100 + 50 + 30 + 40 = 539.
  const feb = find(rows, 'revenue_growth', FEB);
  close(feb.value, (539 - 180) / 180);
  close(feb.numerator, 359);
  close(feb.denominator, 180);
  // revenue(Mar) = A 10 × 10 (to Mar 11) = 100 + D 2 × 31 = 62 → 162: (162 − 539) / 539.
  close(find(rows, 'revenue_growth', MAR).value, (162 - 539) / 539);
  // As of Mar 21 the MRR integral stops there: D earns 2 × 20 = 40 → 140: (140 − 539) / 539, incomplete.
  const early = find(
    await run(BASE, ['revenue_growth'], { asOf: '2024-03-21T00:00:00.000Z' }),
    'revenue_growth',
    MAR,
  );
  close(early.value, (140 - 539) / 539);
  assert.ok(early.flags.includes('incomplete_period'));
});

test('customer profitability: total and per customer, per-account and per-segment costs', async () => {
  const rows = await run(BASE, ['customer_profitability']);
  // February: revenue 539 − costs (A 100 + segment 'pro' 50) = 389; customers with revenue A, B, C, D → 97.25.
  close(find(rows, 'customer_profitability', FEB).value, 389);
  const per = find(rows, 'customer_profitability.profit_per_customer', FEB);
  close(per.value, 389 / 4);
  assert.equal(per.denominator, 4);
  // January: 180 − 10 (B) = 170 over A, B → 85.
  close(find(rows, 'customer_profitability', JAN).value, 170);
  close(find(rows, 'customer_profitability.profit_per_customer', JAN).value, 85);

  const byPlan = await run(BASE, ['customer_profitability'], { by: 'plan' });
  // February pro: A 290 + 150 orders + D 29 = 469 − (A 100 + 'pro' 50) = 319; basic: B 30 + C 40 = 70 − 0.
  close(find(byPlan, 'customer_profitability', FEB, 'pro').value, 319);
  close(find(byPlan, 'customer_profitability', FEB, 'basic').value, 70);
});

test('every commerce KPI without its data is no_data, never a made-up zero', async () => {
  const rows = await run({ customers: BASE.customers }, [...COMMERCE_KPIS]);
  const ids = [
    ...COMMERCE_KPIS,
    'customer_profitability.profit_per_customer',
    'customer_profitability.lifetime_profit',
  ];
  for (const id of ids) {
    const r = find(rows, id, FEB);
    assert.deepEqual([r.value, r.flags], [null, ['no_data']], id);
  }
  // Revenue without costs data: the cost to serve is unknown.
  const noCosts = await run({ ...BASE, costs: 'customer_id,segment,period_start,period_end,amount' }, [
    'customer_profitability',
  ]);
  assert.deepEqual(find(noCosts, 'customer_profitability', FEB).flags, ['no_data']);
});
