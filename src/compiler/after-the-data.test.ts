// Periods after the data (issue 15 item 3), on a small hand-made company, on DuckDB and PostgreSQL: every
// KPI of the catalog, each sub-result, per-feature and per-segment value, is null with `no_data` for a period
// that begins after as_of (the data's latest observed moment), never a zero carried forward, a share of
// nobody (the engagement score's share_low = 1.0) or a rate of customers nothing was observed about. A period
// that holds as_of keeps its value, flagged `incomplete_period`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { find } from '../../test/support/kpi-assert.ts';
import { withSmallWarehouse } from '../../test/support/small-warehouse.ts';
import { CATALOG } from '../catalog/catalog.ts';
import type { KpiResult } from '../results/kpi-result.ts';
import { computeKpis } from './compute.ts';

// The company, January to March 20 2024. The latest observed moment is d1's login on Mar 20 12:00 UTC: no
// subscription change, order, answer or check-in is later, so as_of = 2024-03-20T12:00:00Z.
//   a pro organic:        100 from Jan 1.
//   b basic referral (a): 50 from Jan 1, downgraded to 30 on Feb 10.
//   c basic paid_search:  40 from Jan 5, cancelled Feb 20.
//   d pro organic:        200 from Feb 1 (signed up that day), 250 from Mar 5; activated Feb 2–4.
// Some tables name later dates on purpose, none of them observations: a contract ending in April, a budget
// for April's spend, an April cost, content revenue attributed to April, an offer expiring in June.
const DATA = {
  customers: `customer_id,signed_up_at,plan,channel,referred_by
    a,2023-12-01T00:00:00Z,pro,organic,
    b,2023-12-01T00:00:00Z,basic,referral,a
    c,2024-01-05T00:00:00Z,basic,paid_search,
    d,2024-02-01T00:00:00Z,pro,organic,`,
  users: `user_id,customer_id,created_at
    a1,a,2023-12-01T00:00:00Z
    b1,b,2023-12-01T00:00:00Z
    c1,c,2024-01-05T00:00:00Z
    d1,d,2024-02-01T00:00:00Z`,
  subscription_changes: `customer_id,effective_at,mrr
    a,2024-01-01T00:00:00Z,100
    b,2024-01-01T00:00:00Z,50
    b,2024-02-10T00:00:00Z,30
    c,2024-01-05T00:00:00Z,40
    c,2024-02-20T00:00:00Z,0
    d,2024-02-01T00:00:00Z,200
    d,2024-03-05T00:00:00Z,250`,
  contracts: `contract_id,customer_id,start_at,end_at,renewed
    k1,a,2023-03-01T00:00:00Z,2024-03-01T00:00:00Z,true
    k2,a,2024-03-01T00:00:00Z,2025-03-01T00:00:00Z,
    k3,b,2023-04-15T00:00:00Z,2024-04-15T00:00:00Z,`,
  events: `event_id,user_id,customer_id,occurred_at,name
    e01,a1,a,2024-01-02T10:00:00Z,login
    e02,a1,a,2024-01-02T10:05:00Z,create_report
    e03,a1,a,2024-01-02T10:10:00Z,use_reports
    e04,a1,a,2024-01-09T10:00:00Z,create_report
    e05,b1,b,2024-01-03T09:00:00Z,login
    e06,b1,b,2024-01-03T09:10:00Z,use_dashboards
    e07,c1,c,2024-01-05T08:00:00Z,signup_started
    e08,c1,c,2024-01-05T08:05:00Z,workspace_created
    e09,c1,c,2024-01-06T08:00:00Z,create_project
    e10,d1,d,2024-02-01T09:00:00Z,signup_started
    e11,d1,d,2024-02-01T09:05:00Z,workspace_created
    e12,d1,d,2024-02-02T09:00:00Z,create_project
    e13,d1,d,2024-02-02T09:10:00Z,first_project_created
    e14,d1,d,2024-02-03T09:00:00Z,invite_teammate
    e15,d1,d,2024-02-03T09:05:00Z,teammate_invited
    e16,d1,d,2024-02-04T09:00:00Z,connect_integration
    e17,d1,d,2024-02-06T09:00:00Z,use_reports
    e18,a1,a,2024-02-07T10:00:00Z,create_report
    e19,a1,a,2024-02-07T10:05:00Z,share_dashboard
    e20,a1,a,2024-02-08T10:00:00Z,use_reports
    e21,b1,b,2024-02-12T09:00:00Z,use_alerts
    e22,a1,a,2024-03-04T10:00:00Z,create_report
    e23,a1,a,2024-03-04T10:05:00Z,use_reports
    e24,d1,d,2024-03-06T09:00:00Z,export_data
    e25,d1,d,2024-03-06T09:05:00Z,use_api
    e26,d1,d,2024-03-20T12:00:00Z,login`,
  orders: `order_id,customer_id,ordered_at,amount
    o1,a,2024-01-15T00:00:00Z,30
    o2,a,2024-02-15T00:00:00Z,20
    o3,d,2024-03-10T00:00:00Z,50`,
  feedback: `response_id,customer_id,user_id,answered_at,kind,score
    f1,a,a1,2024-01-20T00:00:00Z,nps,9
    f2,b,b1,2024-02-05T00:00:00Z,nps,5
    f3,c,c1,2024-02-01T00:00:00Z,csat,4
    f4,d,d1,2024-03-12T00:00:00Z,csat,5`,
  checkins: `checkin_id,customer_id,occurred_at,kind
    h1,a,2024-01-10T00:00:00Z,call
    h2,d,2024-03-15T00:00:00Z,qbr`,
  acquisition_spend: `channel,period_start,period_end,amount
    paid_search,2024-01-01,2024-02-01,300
    organic,2024-02-01,2024-03-01,200
    organic,2024-04-01,2024-05-01,100`,
  costs: `customer_id,segment,period_start,period_end,amount
    a,,2024-01-01,2024-02-01,10
    d,,2024-03-01,2024-04-01,20
    d,,2024-04-01,2024-05-01,20`,
  content: `content_id,published_at,cost
    n1,2024-01-10T00:00:00Z,100`,
  content_revenue: `content_id,period_start,amount
    n1,2024-01-01,150
    n1,2024-04-01,80`,
  promotions: `promotion_id,customer_id,issued_at,redeemed_at,expires_at
    p1,a,2024-01-05T00:00:00Z,2024-01-20T00:00:00Z,2024-02-05T00:00:00Z
    p2,b,2024-02-01T00:00:00Z,,2024-06-01T00:00:00Z`,
  loyalty_members: `customer_id,joined_at
    a,2024-01-02T00:00:00Z`,
  loyalty_activity: `customer_id,occurred_at,kind,points
    a,2024-01-15T00:00:00Z,earn,10
    a,2024-03-02T00:00:00Z,redeem,5`,
};

const FEB = '2024-02-01T00:00:00.000Z';
const MAR = '2024-03-01T00:00:00.000Z';
const AFTER = ['2024-04-01T00:00:00.000Z', '2024-05-01T00:00:00.000Z'];
const NOTHING = {
  value: null,
  numerator: null,
  denominator: null,
  n: 0,
  flags: ['incomplete_period', 'no_data'],
};

/**
 * Every catalog KPI has a row for each period after the data, and every row of those periods (sub-results,
 * features and segments alike) is no data.
 */
function assertNothingAfter(rows: readonly KpiResult[]): void {
  for (const start of AFTER) {
    const here = rows.filter((r) => r.period_start === start);
    for (const def of CATALOG)
      assert.ok(
        here.some((r) => r.kpi === def.id),
        `${def.id} ${start.slice(0, 7)}: a row`,
      );
    for (const r of here) {
      const { value, numerator, denominator, n, flags } = r;
      assert.deepEqual(
        { value, numerator, denominator, n, flags },
        NOTHING,
        `${r.kpi} ${start.slice(0, 7)} ${r.segment}`,
      );
    }
  }
}

test('every KPI is no data for a period after the data; the period holding as_of keeps its value', async () => {
  const request = {
    kpis: 'all' as const,
    from: '2024-01-01',
    to: '2024-05-31',
    grain: 'month' as const,
    minSample: 1,
  };
  const { all, byPlan } = await withSmallWarehouse(DATA, async (db) => ({
    all: await computeKpis(db, request),
    byPlan: await computeKpis(db, { ...request, by: 'plan' }),
  }));
  assertNothingAfter(all);
  assertNothingAfter(byPlan);
  // By plan, each customer KPI has both plans after the data too (content ROI is the company's alone).
  for (const segment of ['basic', 'pro'])
    assert.equal(find(byPlan, 'mrr', AFTER[1] ?? '', segment).value, null);
  // Every row March has (sub-results such as the engagement score's share_low, each feature's value) is
  // there after the data too, overall and per plan: none is dropped, each is no data.
  for (const rows of [all, byPlan]) {
    const ids = (start: string) =>
      rows
        .filter((r) => r.period_start === start)
        .map((r) => `${r.kpi}|${r.segment}`)
        .sort();
    assert.ok(ids(MAR).length > CATALOG.length);
    for (const start of AFTER) assert.deepEqual(ids(start), ids(MAR), start);
  }

  // February, worked by hand: S = customers with MRR > 0 at Feb 1 00:00 = {a 100, b 50, c 40} (d's 200 is
  // effective exactly at Feb 1, so it belongs to February: new, not in S). c is at 0 on Mar 1: churned.
  // Churn = 1/3; revenue churn = (churn 40 + contraction b 50→30 = 20) / Σ s 190 = 60/190.
  const churn = find(all, 'customer_churn_rate', FEB);
  assert.deepEqual([churn.value, churn.numerator, churn.denominator, churn.flags], [1 / 3, 1, 3, []]);
  const revenueChurn = find(all, 'revenue_churn_rate', FEB);
  assert.deepEqual([revenueChurn.numerator, revenueChurn.denominator], [60, 190]);
  // March holds as_of (Mar 20 12:00): it keeps its value, flagged incomplete. MRR at Apr 1 = a 100 + b 30
  // + d 250 = 380 over 3 customers; nobody churned in March (S = {a, b, d}, all still paying): 0/3.
  const mrr = find(all, 'mrr', MAR);
  assert.deepEqual([mrr.value, mrr.n, mrr.flags], [380, 3, ['incomplete_period']]);
  const marchChurn = find(all, 'customer_churn_rate', MAR);
  assert.deepEqual(
    [marchChurn.value, marchChurn.denominator, marchChurn.flags],
    [0, 3, ['incomplete_period']],
  );
  // By plan, March: pro = a 100 + d 250 = 350, basic = b 30.
  assert.equal(find(byPlan, 'mrr', MAR, 'pro').value, 350);
  assert.equal(find(byPlan, 'mrr', MAR, 'basic').value, 30);
});

test('a period beginning exactly at as_of holds it; the day after the data is no data', async () => {
  const { monthly, daily } = await withSmallWarehouse(DATA, async (db) => ({
    // as_of given as Mar 1 00:00: March begins at as_of, so it holds that instant (a change effective then
    // belongs to March) and keeps its value; April begins after it.
    monthly: await computeKpis(db, {
      kpis: ['mrr', 'customer_churn_rate'],
      from: '2024-03-01',
      to: '2024-04-30',
      grain: 'month',
      asOf: '2024-03-01T00:00:00.000Z',
      minSample: 1,
    }),
    // The data's own end, Mar 20 12:00: that day keeps its value, Mar 21 has none.
    daily: await computeKpis(db, {
      kpis: ['mrr', 'engagement_rate'],
      from: '2024-03-20',
      to: '2024-03-21',
      grain: 'day',
      minSample: 1,
    }),
  }));
  assert.deepEqual(find(monthly, 'mrr', MAR).flags, ['incomplete_period']);
  assert.equal(find(monthly, 'mrr', MAR).value, 380);
  assert.deepEqual(find(monthly, 'mrr', '2024-04-01T00:00:00.000Z').flags, ['incomplete_period', 'no_data']);
  assert.equal(find(monthly, 'customer_churn_rate', '2024-04-01T00:00:00.000Z').value, null);
  // Mar 20: MRR 380 at its end; engagement rate: d logs in that day, but login is not an engagement event:
  // 0 of the 3 subscribed accounts (a, b, d) — a real zero, observed.
  const mar20 = '2024-03-20T00:00:00.000Z';
  const mar21 = '2024-03-21T00:00:00.000Z';
  assert.deepEqual(
    [find(daily, 'mrr', mar20).value, find(daily, 'mrr', mar20).flags],
    [380, ['incomplete_period']],
  );
  const engaged = find(daily, 'engagement_rate', mar20);
  assert.deepEqual([engaged.value, engaged.numerator, engaged.denominator], [0, 0, 3]);
  for (const kpi of ['mrr', 'engagement_rate'])
    assert.deepEqual(find(daily, kpi, mar21).flags, ['incomplete_period', 'no_data'], kpi);
});
