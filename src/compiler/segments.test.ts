// The catalog's promised sub-results and the breakdowns by a customer's state in a period (issue 15 item 5),
// on hand-made companies whose every expected value is worked out in the comments: MRR's ARPA, NRR over
// twelve months, the lifetime view of customer profitability, customer segmentation's lifecycle stages and
// RFM groups, and KPIs broken down (or filtered) by lifecycle and rfm. Each runs on DuckDB and PostgreSQL.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { close, find, triple } from '../../test/support/kpi-assert.ts';
import { withSmallWarehouse } from '../../test/support/small-warehouse.ts';
import { TenureError } from '../errors/tenure-error.ts';
import { computeKpis } from './compute.ts';
import { checkBreakdown, segmentCount } from './dimensions.ts';
import { periodsBetween, yearBefore } from './periods.ts';
import { RunRollups } from './rollups/run-rollups.ts';
import { fmScore, RFM_GRID, rfmGroup } from './segments.ts';
import { tenureCounts } from './survival/survival.ts';
import { cohortMatrix } from './views/cohort-matrix.ts';

const AS_OF = '2026-01-01T00:00:00.000Z';
const DEC = '2024-12-01T00:00:00.000Z';
const JAN = '2025-01-01T00:00:00.000Z';
const FEB = '2025-02-01T00:00:00.000Z';
/** Days in an average month: MRR × days / this is the revenue those days earn. */
const M = 30.4375;

// ---- MRR's ARPA and twelve-month NRR ----

// a: 100 from 2024-01-10, 150 from 2024-06-01.       b: 200 from 2024-01-05, cancelled 2024-09-01.
// c: 50 from 2024-03-01 00:00 (not paying just before it).  d: 80 from 2024-01-20, cancelled 2024-05-01,
// back at 90 on 2024-12-01.  e: 70 from 2024-02-01 00:00 exactly (MRR at that instant is the latest change
// strictly before it: 0, so e was not paying a year before January's end).
const YEAR = {
  customers: `customer_id,signed_up_at,plan
    a,2024-01-01T00:00:00Z,pro
    b,2024-01-01T00:00:00Z,basic
    c,2024-01-01T00:00:00Z,basic
    d,2024-01-01T00:00:00Z,pro
    e,2024-01-01T00:00:00Z,basic`,
  subscription_changes: `customer_id,effective_at,mrr
    a,2024-01-10T00:00:00Z,100
    a,2024-06-01T00:00:00Z,150
    b,2024-01-05T00:00:00Z,200
    b,2024-09-01T00:00:00Z,0
    c,2024-03-01T00:00:00Z,50
    d,2024-01-20T00:00:00Z,80
    d,2024-05-01T00:00:00Z,0
    d,2024-12-01T00:00:00Z,90
    e,2024-02-01T00:00:00Z,70`,
};

test('mrr.arpa is MRR over the accounts paying at the end; nrr_12m follows those paying a year before', async () => {
  const { all, byPlan } = await withSmallWarehouse(YEAR, async (db) => {
    const request = {
      kpis: ['mrr', 'net_revenue_retention'],
      from: '2025-01-01',
      to: '2025-02-28',
      grain: 'month' as const,
      asOf: AS_OF,
      minSample: 1,
    };
    return {
      all: await computeKpis(db, request),
      byPlan: await computeKpis(db, { ...request, by: 'plan' }),
    };
  });
  // MRR at 2025-02-01: a 150 + c 50 + d 90 + e 70 = 360 over 4 paying accounts → ARPA 90.
  assert.deepEqual(triple(find(all, 'mrr', JAN)), [360, 360, null]);
  assert.deepEqual(triple(find(all, 'mrr.arpa', JAN)), [90, 360, 4]);
  // January 2025 ends 2025-02-01; a year before, 2024-02-01, a (100), b (200) and d (80) paid: 380. Now
  // they pay 150 + 0 + 90 = 240 → 240 / 380, over n = 3 (c started later, e exactly at that instant).
  const jan = find(all, 'net_revenue_retention.nrr_12m', JAN);
  assert.deepEqual([...triple(jan), jan.n], [240 / 380, 240, 380, 3]);
  // February ends 2025-03-01; at 2024-03-01 a 100, b 200, d 80 and e 70 paid (c's start at that very instant
  // is not before it): 450. Now 150 + 0 + 90 + 70 = 310.
  assert.deepEqual(triple(find(all, 'net_revenue_retention.nrr_12m', FEB)), [310 / 450, 310, 450]);
  // By plan, January: pro (a, d) 240 / 180; basic (b) 0 / 200.
  assert.deepEqual(triple(find(byPlan, 'net_revenue_retention.nrr_12m', JAN, 'pro')), [240 / 180, 240, 180]);
  assert.deepEqual(triple(find(byPlan, 'net_revenue_retention.nrr_12m', JAN, 'basic')), [0, 0, 200]);
  // ARPA by plan, January: pro 150 + 90 over 2; basic 50 + 70 over 2.
  assert.deepEqual(triple(find(byPlan, 'mrr.arpa', JAN, 'pro')), [120, 240, 2]);
  assert.deepEqual(triple(find(byPlan, 'mrr.arpa', JAN, 'basic')), [60, 120, 2]);
});

test('a year before is the same instant a calendar year earlier; 29 February falls on the 28th', () => {
  assert.equal(yearBefore('2025-03-01T00:00:00.000Z'), '2024-03-01T00:00:00.000Z');
  assert.equal(yearBefore('2024-02-29T00:00:00.000Z'), '2023-02-28T00:00:00.000Z');
  assert.equal(yearBefore('2025-01-06T00:00:00.000Z'), '2024-01-06T00:00:00.000Z');
});

// ---- The lifetime view of customer profitability ----

// A (paid): 100 from 2025-01-01.  B (paid): 50 from 2025-01-16.  C (organic): an order of 30 on 2025-01-10,
// no subscription.  D (paid): signed up, never pays.  F (paid): 40 from 2025-02-10.
// Acquisition spend: paid 300 in January (A and B won then: 150 each), paid 120 in February (F: 120),
// organic 60 in January (C: 60), organic 45 in February (no organic customer won then: nobody's).
// Cost to serve: A 20 (January) and 25 (February), B 10 (January), D 7 (January: D never pays, so it is in
// no lifetime), and 1000 for the segment 'x' (no customer: outside the lifetime view).
const PROFIT = {
  customers: `customer_id,signed_up_at,channel
    A,2024-12-20T00:00:00Z,paid
    B,2024-12-20T00:00:00Z,paid
    C,2024-12-20T00:00:00Z,organic
    D,2024-12-20T00:00:00Z,paid
    F,2024-12-20T00:00:00Z,paid`,
  subscription_changes: `customer_id,effective_at,mrr
    A,2025-01-01T00:00:00Z,100
    B,2025-01-16T00:00:00Z,50
    F,2025-02-10T00:00:00Z,40`,
  orders: `order_id,customer_id,ordered_at,amount
    o1,C,2025-01-10T12:00:00Z,30`,
  acquisition_spend: `channel,period_start,period_end,amount
    paid,2025-01-01,2025-02-01,300
    paid,2025-02-01,2025-03-01,120
    organic,2025-01-01,2025-02-01,60
    organic,2025-02-01,2025-03-01,45`,
  costs: `customer_id,segment,period_start,period_end,amount
    A,,2025-01-01,2025-02-01,20
    A,,2025-02-01,2025-03-01,25
    B,,2025-01-01,2025-02-01,10
    D,,2025-01-01,2025-02-01,7
    ,x,2025-01-01,2025-02-01,1000`,
};

test('lifetime profit: revenue to date less cost to serve less each customer’s share of its channel’s spend', async () => {
  const request = {
    kpis: ['customer_profitability'],
    from: '2025-01-01',
    to: '2025-02-28',
    grain: 'month' as const,
    asOf: AS_OF,
    minSample: 1,
  };
  const { all, byChannel } = await withSmallWarehouse(PROFIT, async (db) => ({
    all: await computeKpis(db, request),
    byChannel: await computeKpis(db, { ...request, by: 'channel' }),
  }));
  // The same company with no acquisition spend delivered (the file's header only).
  const noSpend = await withSmallWarehouse(
    { ...PROFIT, acquisition_spend: 'channel,period_start,period_end,amount' },
    (db) => computeKpis(db, request),
  );
  // January (to Feb 1): A earns 100 × 31 days, B 50 × 16 days (Jan 16 → Feb 1), C its order 30. Costs: A 20,
  // B 10. Acquisition: A 150, B 150, C 60. n = 3 (D never paid; F pays from February).
  const jan = find(all, 'customer_profitability.lifetime_profit', JAN);
  close(jan.value, (100 * 31 + 50 * 16) / M + 30 - 30 - 360, 1e-9);
  assert.equal(jan.n, 3);
  // February (to Mar 1): A 100 × 59 days, B 50 × 44, F 40 × 19 (Feb 10 → Mar 1), C 30. Costs: A 45, B 10.
  // Acquisition: 150 + 150 + 60 + 120 = 480. n = 4.
  const feb = find(all, 'customer_profitability.lifetime_profit', FEB);
  close(feb.value, (100 * 59 + 50 * 44 + 40 * 19) / M + 30 - 55 - 480, 1e-9);
  assert.equal(feb.n, 4);
  // By channel, February: paid (A, B, F) (5900 + 2200 + 760) / M − 55 − 420; organic (C) 30 − 60.
  close(
    find(byChannel, 'customer_profitability.lifetime_profit', FEB, 'paid').value,
    (5900 + 2200 + 760) / M - 55 - 420,
    1e-9,
  );
  assert.equal(find(byChannel, 'customer_profitability.lifetime_profit', FEB, 'organic').value, -30);
  // The period view is unchanged beside it: January revenue (A 3100 + B 800) / M + 30 less every cost of
  // January (A 20, B 10, D 7, segment x 1000).
  close(find(all, 'customer_profitability', JAN).value, (3100 + 800) / M + 30 - 1037, 1e-9);
  // Without acquisition spend the acquisition cost is unknown: no data, not a zero.
  assert.deepEqual(find(noSpend, 'customer_profitability.lifetime_profit', JAN).flags, ['no_data']);
  assert.notEqual(find(noSpend, 'customer_profitability', JAN).value, null);
});

// ---- Customer segmentation: lifecycle stages and RFM groups; breakdowns by them ----

// January 2025 ends at T = 2025-02-01; the RFM window is the 90 days before: [2024-11-03, 2025-02-01).
// P: events Dec 15, Jan 10, 20, 31; 100 a month since 2024-10-01.
// Q: events Jan 30 and 31; never pays.
// R: an event and an order of 500 on 2024-12-01.
// S: an event on 2024-10-01 (before the window); 50 a month since 2024-06-01.
// T: an order of 20 on 2024-09-01 (an active day, before the window); no event.
// V: an event on 2024-12-20; 60 a month from 2025-01-15.
// W: 30 a month from 2024-05-01, cancelled 2024-12-01; no event.
// X: signed up, nothing else: never seen, so neither staged nor scored.
const SEGMENTS = {
  customers: `customer_id,signed_up_at,plan
    P,2024-01-01T00:00:00Z,pro
    Q,2024-01-01T00:00:00Z,basic
    R,2024-01-01T00:00:00Z,basic
    S,2024-01-01T00:00:00Z,pro
    T,2024-01-01T00:00:00Z,basic
    V,2024-01-01T00:00:00Z,pro
    W,2024-01-01T00:00:00Z,basic
    X,2024-01-01T00:00:00Z,basic`,
  subscription_changes: `customer_id,effective_at,mrr
    P,2024-10-01T00:00:00Z,100
    S,2024-06-01T00:00:00Z,50
    V,2025-01-15T00:00:00Z,60
    W,2024-05-01T00:00:00Z,30
    W,2024-12-01T00:00:00Z,0`,
  events: `event_id,user_id,customer_id,occurred_at,name
    e1,p1,P,2024-12-15T10:00:00Z,login
    e2,p1,P,2025-01-10T10:00:00Z,login
    e3,p1,P,2025-01-20T10:00:00Z,login
    e4,p1,P,2025-01-31T10:00:00Z,login
    e5,q1,Q,2025-01-30T10:00:00Z,login
    e6,q1,Q,2025-01-31T10:00:00Z,login
    e7,r1,R,2024-12-01T10:00:00Z,login
    e8,s1,S,2024-10-01T10:00:00Z,login
    e9,v1,V,2024-12-20T10:00:00Z,login`,
  orders: `order_id,customer_id,ordered_at,amount
    o1,R,2024-12-01T12:00:00Z,500
    o2,T,2024-09-01T12:00:00Z,20`,
};

// Seven customers are scored (seen before T); a score is 1 + floor((10 · below + 5 · ties) / (2 · 7)), and
// nothing to measure scores 1.
// Recency (last active day): W never (1); T Sep 1: below 1 → 1 + floor(15/14) = 2; S Oct 1: below 2 →
//   1 + floor(25/14) = 2; R Dec 1: below 3 → 3; V Dec 20: below 4 → 4; P and Q Jan 31: below 5, ties 2 →
//   1 + floor(60/14) = 5.
// Frequency (active days in the window): S, T, W none (1); R and V 1 day: below 3, ties 2 → 1 + floor(40/14)
//   = 3; Q 2 days: below 5 → 4; P 4 days (Dec 15, Jan 10, 20, 31): below 6 → 5.
// Monetary (revenue in the window, to the cent): Q, T none (1); W 30 × 28 days (Nov 3 → Dec 1) / M = 27.60:
//   below 2 → 2; V 60 × 17 days / M = 33.51: below 3 → 3; S 50 × 90 / M = 147.84: below 4 → 4; P 100 × 90 / M
//   = 295.69: below 5 → 4; R's order 500: below 6 → 5.
// Groups by R and FM = floor((F + M + 1) / 2): P 5, FM 5 champions; Q 5, FM 3 potential loyalists; R 3, FM 4
// loyal; S 2, FM 3 at risk; T 2, FM 1 hibernating; V 4, FM 3 potential loyalists; W 1, FM 2 hibernating.
const SCORES = {
  P: [5, 5, 4, 'champions'],
  Q: [5, 4, 1, 'potential_loyalists'],
  R: [3, 3, 5, 'loyal'],
  S: [2, 1, 4, 'at_risk'],
  T: [2, 1, 1, 'hibernating'],
  V: [4, 3, 3, 'potential_loyalists'],
  W: [1, 1, 2, 'hibernating'],
};

test('the RFM grid names every pair of scores, and FM rounds halves up', () => {
  assert.equal(RFM_GRID.length, 5);
  for (const row of RFM_GRID) assert.equal(row.length, 5);
  assert.equal(fmScore(3, 5), 4);
  assert.equal(fmScore(1, 2), 2);
  for (const [r, f, m, group] of Object.values(SCORES))
    assert.equal(rfmGroup(r as number, f as number, m as number), group);
});

/** Each customer's RFM scores and group in January, from a segment table built for `periods`. */
const januaryRfm = (periods: ReturnType<typeof periodsBetween>) =>
  withSmallWarehouse(SEGMENTS, (db) =>
    db.session(async (session) => {
      const rollups = new RunRollups(session);
      try {
        const table = await rollups.periodSegments('rfm', periods, { asOf: AS_OF, windowDays: 90 });
        const rows = await session.query(
          `SELECT customer_id, r, f, m, segment FROM ${table} WHERE period_start = $1 ORDER BY customer_id`,
          [JAN],
        );
        return Object.fromEntries(
          rows.map((r) => [
            String(r.customer_id),
            [Number(r.r), Number(r.f), Number(r.m), String(r.segment)],
          ]),
        );
      } finally {
        await rollups.drop();
      }
    }),
  );

test('RFM at the end of January: each customer’s scores and group, scored against the others', async () => {
  assert.deepEqual(await januaryRfm(periodsBetween('2025-01-01', '2025-01-31', 'month')), SCORES);
});

test('RFM of January is the same scored with the months around it (the ordered pass) as alone (the join)', async () => {
  // Five periods take the ordered pass over every day (more than FEW_PERIODS); January alone, the join.
  assert.deepEqual(await januaryRfm(periodsBetween('2024-11-01', '2025-03-31', 'month')), SCORES);
  assert.deepEqual(await januaryRfm(periodsBetween('2024-12-01', '2025-02-28', 'month')), SCORES);
});

test('customer segmentation: the lifecycle stages and RFM groups at the end of January', async () => {
  const rows = await withSmallWarehouse(SEGMENTS, (db) =>
    computeKpis(db, {
      kpis: ['customer_segmentation'],
      from: '2025-01-01',
      to: '2025-01-31',
      grain: 'month',
      asOf: AS_OF,
      minSample: 1,
    }),
  );
  // Staged: P and S retained (paying at both ends), V new (first paid Jan 15), W dormant (paid before,
  // not now); Q, R, T never paid and X is never seen: 4 customers.
  assert.deepEqual(triple(find(rows, 'customer_segmentation', JAN)), [4, 4, null]);
  const share = (id: string) => triple(find(rows, `customer_segmentation.${id}`, JAN));
  assert.deepEqual(share('lifecycle.retained'), [2 / 4, 2, 4]);
  assert.deepEqual(share('lifecycle.new'), [1 / 4, 1, 4]);
  assert.deepEqual(share('lifecycle.dormant'), [1 / 4, 1, 4]);
  assert.deepEqual(share('lifecycle.churned'), [0, 0, 4]);
  assert.deepEqual(share('lifecycle.resurrected'), [0, 0, 4]);
  // Seven scored (all but X): the groups above.
  assert.deepEqual(share('rfm.champions'), [1 / 7, 1, 7]);
  assert.deepEqual(share('rfm.potential_loyalists'), [2 / 7, 2, 7]);
  assert.deepEqual(share('rfm.loyal'), [1 / 7, 1, 7]);
  assert.deepEqual(share('rfm.at_risk'), [1 / 7, 1, 7]);
  assert.deepEqual(share('rfm.hibernating'), [2 / 7, 2, 7]);
  assert.deepEqual(share('rfm.new_customers'), [0, 0, 7]);
});

test('KPIs by lifecycle and by rfm: each customer in its state of the period, windows included', async () => {
  const { byLifecycle, byRfm, champions, december } = await withSmallWarehouse(SEGMENTS, async (db) => {
    const request = {
      kpis: ['mrr', 'stickiness_ratio', 'engagement_metrics'],
      from: '2025-01-01',
      to: '2025-01-31',
      grain: 'month' as const,
      asOf: AS_OF,
      minSample: 1,
    };
    return {
      byLifecycle: await computeKpis(db, { ...request, by: 'lifecycle' }),
      byRfm: await computeKpis(db, { ...request, by: 'rfm' }),
      champions: await computeKpis(db, { ...request, filters: [{ by: 'rfm', value: 'champions' }] }),
      december: await computeKpis(db, { ...request, from: '2024-12-01', to: '2024-12-31', by: 'lifecycle' }),
    };
  });
  // MRR at Feb 1 by lifecycle: retained P 100 + S 50; new V 60; dormant W 0.
  assert.equal(find(byLifecycle, 'mrr', JAN, 'retained').value, 150);
  assert.equal(find(byLifecycle, 'mrr', JAN, 'new').value, 60);
  assert.equal(find(byLifecycle, 'mrr', JAN, 'dormant').value, 0);
  // By RFM group: champions P 100; potential loyalists Q 0 + V 60; at risk S 50; hibernating T 0 + W 0.
  assert.equal(find(byRfm, 'mrr', JAN, 'champions').value, 100);
  assert.equal(find(byRfm, 'mrr', JAN, 'potential_loyalists').value, 60);
  assert.equal(find(byRfm, 'mrr', JAN, 'at_risk').value, 50);
  assert.equal(find(byRfm, 'mrr', JAN, 'hibernating').value, 0);
  assert.equal(find(champions, 'mrr', JAN).value, 100);
  // Stickiness, January (every day's 30-day window observed: the first event is 2024-10-01), by lifecycle:
  // retained P is active on 3 days and in MAU every day (Dec 15 covers to Jan 13, Jan 10 onwards): 3/31 over
  // 31/31. New V was last active Dec 20, which covers Jan 1–18 in V's state of January: 0 over 18/31. The
  // never paid: Q active Jan 30 and 31: 2/31 over 2/31 (R's Dec 1 covers to Dec 30 only).
  assert.deepEqual(triple(find(byLifecycle, 'stickiness_ratio', JAN, 'retained')), [3 / 31, 3 / 31, 1]);
  assert.deepEqual(triple(find(byLifecycle, 'stickiness_ratio', JAN, 'new')), [0, 0, 18 / 31]);
  assert.deepEqual(triple(find(byLifecycle, 'stickiness_ratio', JAN, '(none)')), [1, 2 / 31, 2 / 31]);
  // In December V had never paid: its December days count for '(none)' then (V Dec 20–31, 12 days; R Dec
  // 1–30, 30 days; with P retained), and nothing is 'new'.
  const decNone = find(december, 'stickiness_ratio', DEC, '(none)');
  assert.deepEqual([decNone.numerator, decNone.denominator], [2 / 31, 42 / 31]);
  assert.ok(!december.some((r) => r.kpi === 'stickiness_ratio' && r.segment === 'new' && r.value !== null));
  // Events per active user in January by RFM group: champions P 3 events / 1 user; potential loyalists Q 2
  // events / 1 user (V has none in January).
  assert.deepEqual(triple(find(byRfm, 'engagement_metrics', JAN, 'champions')), [3, 3, 1]);
  assert.deepEqual(triple(find(byRfm, 'engagement_metrics', JAN, 'potential_loyalists')), [2, 2, 1]);
});

test('lifecycle and rfm are refused where there is no period to place a customer in', async () => {
  const refused = (err: unknown) => err instanceof TenureError && err.code === 'bad_input';
  assert.throws(() => checkBreakdown('rfm'), refused);
  assert.doesNotThrow(() => checkBreakdown('lifecycle', 'by', { periods: true }));
  await withSmallWarehouse(SEGMENTS, async (db) => {
    await assert.rejects(
      cohortMatrix(db, { from: '2025-01-01', to: '2025-01-31', by: 'lifecycle', asOf: AS_OF }),
      refused,
    );
    await assert.rejects(tenureCounts(db, { by: 'rfm', asOf: AS_OF }), refused);
    // A breakdown's size is known without counting: 5 stages + none, 10 groups + none.
    assert.equal(await segmentCount(db, 'lifecycle'), 6);
    assert.equal(await segmentCount(db, 'rfm'), 11);
    return null;
  });
});
