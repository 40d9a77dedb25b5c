import assert from 'node:assert/strict';
import { test } from 'node:test';
import { find } from '../../../test/support/kpi-assert.ts';
import { withSmallWarehouse } from '../../../test/support/small-warehouse.ts';
import { ConfigProblemsError } from '../../catalog/problems.ts';
import { parseProjectFile } from '../../catalog/project-file.ts';
import { checkTargets } from '../../goals/check.ts';
import { kpiTree } from '../../goals/tree-values.ts';
import type { KpiResult } from '../../results/kpi-result.ts';
import { computeKpis } from '../compute.ts';
import { checkProjectEvents } from './event-names.ts';

// Periods: January, February, March 2024; as_of 2024-03-30T00:00Z (March is incomplete).
// Customers: a pro (signed up 2023-12-01), b pro (2024-01-10), c basic (2024-02-05), d basic (2024-03-20).
// MRR: a 100 from 2023-12-01; b 50 from 2024-01-10, 0 from 2024-02-15; c 30 from 2024-02-05; d never pays.
//   Paying at each period's end: January a, b (MRR 150); February a, c (130); March a, c (130).
// Users: u1, u2 of a; u3 of b; u4 of c; u5 of d.
// Events (the time, the user, the name, a priority):
//   Jan 2 10:00 u1 login · Jan 3 10:00 u1 ticket high · Jan 15 10:00 u2 ticket low · Jan 10 12:00 u3 login ·
//   Jan 12 09:00 u3 integration · Feb 1 00:00 u1 integration · Feb 6 08:00 u4 login · Feb 7 08:00 u4 ticket
//   high · Feb 13 08:00 u4 login · Mar 1 10:00 u4 integration · Mar 5 10:00 u2 login · Mar 25 10:00 u5 login ·
//   Mar 26 10:00 u5 ticket low.
// Orders: a 100 on Jan 5, a 50 on Jan 25, b 30 on Jan 15, c 80 on Feb 10.
const DATA = {
  customers: `customer_id,signed_up_at,plan
    a,2023-12-01T00:00:00Z,pro
    b,2024-01-10T00:00:00Z,pro
    c,2024-02-05T00:00:00Z,basic
    d,2024-03-20T00:00:00Z,basic`,
  users: `user_id,customer_id,created_at
    u1,a,2023-12-01T00:00:00Z
    u2,a,2023-12-01T00:00:00Z
    u3,b,2024-01-10T00:00:00Z
    u4,c,2024-02-05T00:00:00Z
    u5,d,2024-03-20T00:00:00Z`,
  subscription_changes: `customer_id,effective_at,mrr
    a,2023-12-01T00:00:00Z,100
    b,2024-01-10T00:00:00Z,50
    b,2024-02-15T00:00:00Z,0
    c,2024-02-05T00:00:00Z,30`,
  events: `event_id,user_id,customer_id,occurred_at,name,properties
    e1,u1,a,2024-01-02T10:00:00Z,login,
    e2,u1,a,2024-01-03T10:00:00Z,ticket,"{""priority"":""high""}"
    e3,u2,a,2024-01-15T10:00:00Z,ticket,"{""priority"":""low""}"
    e4,u3,b,2024-01-10T12:00:00Z,login,
    e5,u3,b,2024-01-12T09:00:00Z,integration,
    e6,u1,a,2024-02-01T00:00:00Z,integration,
    e7,u4,c,2024-02-06T08:00:00Z,login,
    e8,u4,c,2024-02-07T08:00:00Z,ticket,"{""priority"":""high""}"
    e9,u4,c,2024-02-13T08:00:00Z,login,
    e11,u4,c,2024-03-01T10:00:00Z,integration,
    e12,u2,a,2024-03-05T10:00:00Z,login,
    e10,u5,d,2024-03-25T10:00:00Z,login,
    e13,u5,d,2024-03-26T10:00:00Z,ticket,"{""priority"":""low""}"`,
  orders: `order_id,customer_id,ordered_at,amount
    o1,a,2024-01-05T00:00:00Z,100
    o2,a,2024-01-25T00:00:00Z,50
    o3,b,2024-01-15T00:00:00Z,30
    o4,c,2024-02-10T00:00:00Z,80`,
};

const PROJECT = `
metrics:
  tickets:
    name: Support tickets
    description: Tickets opened in the period.
    type: simple
    higher_is_better: false
    measure: { table: events, agg: count, where: { name: ticket } }
  high_priority_tickets:
    name: High-priority tickets
    description: Tickets marked high priority.
    type: simple
    higher_is_better: false
    measure: { table: events, agg: count, where: { name: ticket, properties.priority: high } }
  active_accounts:
    name: Active accounts
    description: Accounts with any event.
    type: simple
    higher_is_better: true
    measure: { table: events, agg: count_distinct, column: customer_id }
  paying_accounts:
    name: Paying accounts
    description: Accounts paying at the period's end.
    type: simple
    higher_is_better: true
    customers: paying
    measure: { table: customers, agg: count, time: none }
  order_revenue:
    name: Order revenue
    description: Orders' value.
    type: simple
    unit: currency
    higher_is_better: true
    measure: { table: orders, agg: sum, column: amount }
  median_order:
    name: Median order
    description: The middle order's value.
    type: simple
    unit: currency
    higher_is_better: true
    measure: { table: orders, agg: median, column: amount }
  average_order:
    name: Average order
    description: The mean order's value.
    type: simple
    unit: currency
    higher_is_better: true
    measure: { table: orders, agg: avg, column: amount, where: { amount: { gte: 0 } } }
  tickets_per_100_paying:
    name: Tickets per 100 paying accounts
    description: Tickets of paying accounts per hundred of them.
    type: ratio
    unit: count
    higher_is_better: false
    customers: paying
    per: 100
    numerator: { table: events, agg: count, where: { name: ticket } }
    denominator: { table: customers, agg: count, time: none }
  refunds_per_ticket:
    name: Refunds per ticket
    description: A ratio whose denominator is never seen (logins carry no priority).
    type: ratio
    higher_is_better: false
    numerator: { table: events, agg: count, where: { name: ticket } }
    denominator: { table: events, agg: count, where: { name: login, properties.priority: high } }
  revenue_per_paying:
    name: Order revenue per paying account
    description: Order revenue over paying accounts.
    type: derived
    unit: currency
    higher_is_better: true
    expr: order_revenue / paying_accounts
  orders_to_mrr:
    name: Orders to MRR
    description: Order revenue as a multiple of MRR.
    type: derived
    unit: ratio
    higher_is_better: true
    expr: order_revenue / mrr
  tickets_30d:
    name: Tickets, trailing 30 days
    description: Tickets in the 30 days to the period's end.
    type: cumulative
    higher_is_better: false
    window_days: 30
    measure: { table: events, agg: count, where: { name: ticket } }
  tickets_ytd:
    name: Tickets, year to date
    description: Tickets since the start of the year.
    type: cumulative
    higher_is_better: false
    to_date: year
    measure: { table: events, agg: count, where: { name: ticket } }
  login_to_integration:
    name: Login to integration within 7 days
    description: Users who connect an integration within a week of their first login.
    type: conversion
    subject: user
    higher_is_better: true
    from: { table: events, where: { name: login } }
    to: { table: events, where: { name: integration } }
    within_days: 7
  week_one_retention:
    name: Week-one retention
    description: Accounts active on days 7 to 13 after their first login.
    type: retention
    higher_is_better: true
    anchor: { table: events, where: { name: login } }
    active: { table: events }
    day: 7
    width_days: 7
`;

const JAN = '2024-01-01T00:00:00.000Z';
const FEB = '2024-02-01T00:00:00.000Z';
const MAR = '2024-03-01T00:00:00.000Z';
const AS_OF = '2024-03-30T00:00:00.000Z';
const catalog = parseProjectFile(PROJECT, 'tenure.yaml').definitions;
const IDS = [
  'tickets',
  'high_priority_tickets',
  'active_accounts',
  'paying_accounts',
  'order_revenue',
  'median_order',
  'average_order',
  'tickets_per_100_paying',
  'refunds_per_ticket',
  'revenue_per_paying',
  'orders_to_mrr',
  'tickets_30d',
  'tickets_ytd',
  'login_to_integration',
  'week_one_retention',
];

const run = (opts: { by?: string; filters?: { by: string; value: string }[] } = {}) =>
  withSmallWarehouse(DATA, (db) =>
    computeKpis(db, {
      kpis: IDS,
      from: '2024-01-01',
      to: '2024-03-31',
      grain: 'month',
      asOf: AS_OF,
      minSample: 1,
      catalog,
      keep: false,
      ...opts,
    }),
  );

/** Value, numerator, denominator, n and flags of a row. */
const cell = (rows: readonly KpiResult[], kpi: string, start: string, segment = 'all') => {
  const r = find(rows, kpi, start, segment);
  return [r.value, r.numerator, r.denominator, r.n, r.flags];
};
const close = (actual: number | null, expected: number) =>
  assert.ok(actual !== null && Math.abs(actual - expected) < 1e-9, `${actual} ≈ ${expected}`);

test('project metrics of every type, computed on every engine, match the hand-worked values', async () => {
  const rows = await run();
  // Simple counts: tickets Jan e2, e3 = 2; Feb e8 = 1; Mar e13 = 1 (March incomplete at as_of Mar 30).
  assert.deepEqual(cell(rows, 'tickets', JAN), [2, 2, null, 2, []]);
  assert.deepEqual(cell(rows, 'tickets', FEB), [1, 1, null, 1, []]);
  assert.deepEqual(cell(rows, 'tickets', MAR), [1, 1, null, 1, ['incomplete_period']]);
  // properties.priority = high: e2 in January, e8 in February, none in March (a count of nothing is 0).
  assert.deepEqual(
    [JAN, FEB, MAR].map((p) => find(rows, 'high_priority_tickets', p).value),
    [1, 1, 0],
  );
  assert.deepEqual(find(rows, 'high_priority_tickets', MAR).flags, ['incomplete_period', 'too_few']);
  // Distinct accounts with an event: Jan a, b; Feb a (e6), c; Mar a (e12), c (e11), d (e10, e13).
  assert.deepEqual(
    [JAN, FEB, MAR].map((p) => find(rows, 'active_accounts', p).value),
    [2, 2, 3],
  );
  // Paying at the end: Jan a, b; Feb a, c (b cancelled Feb 15); Mar a, c. d never pays.
  assert.deepEqual(
    [JAN, FEB, MAR].map((p) => find(rows, 'paying_accounts', p).value),
    [2, 2, 2],
  );
  // Orders: Jan 100 + 50 + 30 = 180, median 50, mean 60; Feb 80; March none: sum 0, median and mean no value.
  assert.deepEqual(
    [JAN, FEB, MAR].map((p) => find(rows, 'order_revenue', p).value),
    [180, 80, 0],
  );
  assert.deepEqual(cell(rows, 'median_order', JAN), [50, 50, null, 3, []]);
  assert.deepEqual(cell(rows, 'average_order', JAN), [60, 60, null, 3, []]);
  assert.deepEqual(cell(rows, 'median_order', MAR), [null, null, null, 0, ['incomplete_period', 'too_few']]);
  // Ratio per 100, both measures over paying accounts (the numerator scaled): Jan tickets of a (2) × 100 / 2
  // paying = 100; Feb c's e8 (c paying at Feb's end) 1 × 100 / 2 = 50; Mar d's ticket is not a paying
  // account's: 0 / 2 = 0.
  assert.deepEqual(cell(rows, 'tickets_per_100_paying', JAN), [100, 200, 2, 2, []]);
  assert.deepEqual(cell(rows, 'tickets_per_100_paying', FEB), [50, 100, 2, 2, []]);
  assert.deepEqual(cell(rows, 'tickets_per_100_paying', MAR), [0, 0, 2, 2, ['incomplete_period']]);
  // No login carries a priority: a zero denominator every month, no value.
  assert.deepEqual(cell(rows, 'refunds_per_ticket', JAN), [null, 2, 0, 0, ['too_few', 'zero_denominator']]);
  // Derived: order revenue / paying accounts: Jan 180 / 2 = 90 (n the fewer units: 3 orders, 2 accounts);
  // Feb 80 / 2 = 40 (1 order, 2 accounts: n 1).
  assert.deepEqual(cell(rows, 'revenue_per_paying', JAN), [90, 180, 2, 2, []]);
  assert.deepEqual(cell(rows, 'revenue_per_paying', FEB), [40, 80, 2, 1, []]);
  // Derived over a catalog KPI: MRR at Jan's end 100 + 50 = 150: 180 / 150 = 1.2; Feb 80 / (100 + 30).
  close(find(rows, 'orders_to_mrr', JAN).value, 1.2);
  close(find(rows, 'orders_to_mrr', FEB).value, 80 / 130);
  assert.equal(find(rows, 'orders_to_mrr', FEB).denominator, 130);
  // Cumulative, trailing 30 days to each end: Jan [Jan 2, Feb 1) e2, e3 = 2; Feb [Jan 31, Mar 1) (2024 is a
  // leap year) e8 = 1; Mar [Mar 2, Apr 1) e13 = 1. Year to date: 2, 2 + 1 = 3, 3 + 1 = 4.
  assert.deepEqual(
    [JAN, FEB, MAR].map((p) => find(rows, 'tickets_30d', p).value),
    [2, 1, 1],
  );
  assert.deepEqual(
    [JAN, FEB, MAR].map((p) => find(rows, 'tickets_ytd', p).value),
    [2, 3, 4],
  );
  // Conversion, per user, first login → integration within 7 days:
  //   Jan: u1 (login Jan 2; integration Feb 1, 29.6 days on: no), u3 (Jan 10 → Jan 12: yes): 1 / 2.
  //   Feb: u4 (Feb 6; integration Mar 1, 23 days on: no): 0 / 1.
  //   Mar: u2 (Mar 5, window closed Mar 12: no), u5 (Mar 25 10:00, window to Apr 1 > as_of: censored): 0 / 1.
  assert.deepEqual(cell(rows, 'login_to_integration', JAN), [0.5, 1, 2, 2, []]);
  assert.deepEqual(cell(rows, 'login_to_integration', FEB), [0, 0, 1, 1, []]);
  assert.deepEqual(cell(rows, 'login_to_integration', MAR), [0, 0, 1, 1, ['incomplete_period', 'censored']]);
  // Retention, per account, any event on days 7–13 after the first login's UTC day:
  //   Jan: a (Jan 2 → [Jan 9, Jan 16): e3 Jan 15 yes), b (Jan 10 → [Jan 17, Jan 24): none): 1 / 2.
  //   Feb: c (Feb 6 → [Feb 13, Feb 20): e9 Feb 13 08:00, the window's first day: yes): 1 / 1.
  //   Mar: d (Mar 25 → [Apr 1, Apr 8), after as_of: censored); a's first login was in January: 0 / 0.
  assert.deepEqual(cell(rows, 'week_one_retention', JAN), [0.5, 1, 2, 2, []]);
  assert.deepEqual(cell(rows, 'week_one_retention', FEB), [1, 1, 1, 1, []]);
  assert.deepEqual(cell(rows, 'week_one_retention', MAR), [
    null,
    0,
    0,
    0,
    ['incomplete_period', 'too_few', 'zero_denominator', 'censored'],
  ]);
});

test('project metrics break down by plan and filter to one plan', async () => {
  const by = await run({ by: 'plan' });
  // Tickets by plan: pro (a, b) Jan 2; basic (c, d) Feb 1, Mar 1; other cells 0.
  assert.deepEqual(
    ['pro', 'basic'].map((s) => [JAN, FEB, MAR].map((p) => find(by, 'tickets', p, s).value)),
    [
      [2, 0, 0],
      [0, 1, 1],
    ],
  );
  // Conversion by plan: Jan pro u1, u3: 1 / 2; Mar pro u2: 0 / 1; Mar basic u5 censored: 0 / 0.
  assert.deepEqual(cell(by, 'login_to_integration', JAN, 'pro'), [0.5, 1, 2, 2, []]);
  assert.deepEqual(cell(by, 'login_to_integration', MAR, 'pro'), [0, 0, 1, 1, ['incomplete_period']]);
  assert.deepEqual(find(by, 'login_to_integration', MAR, 'basic').flags, [
    'incomplete_period',
    'too_few',
    'zero_denominator',
    'censored',
  ]);
  // Derived by plan: revenue per paying account, pro in January: (100 + 50 + 30) / 2 (a, b) = 90; basic in
  // February: 80 / 1 (c) = 80.
  assert.equal(find(by, 'revenue_per_paying', JAN, 'pro').value, 90);
  assert.equal(find(by, 'revenue_per_paying', FEB, 'basic').value, 80);
  // Cumulative by plan, year to date: pro (a's e2, e3 in January) 2, 2, 2; basic (c's e8 in February, d's e13
  // in March) 0, 1, 2.
  assert.deepEqual(
    ['pro', 'basic'].map((s) => [JAN, FEB, MAR].map((p) => find(by, 'tickets_ytd', p, s).value)),
    [
      [2, 2, 2],
      [0, 1, 2],
    ],
  );
  // Ratio by plan over paying accounts: pro January a's 2 tickets × 100 / 2 (a, b) = 100, February 0 / 1 (a;
  // b cancelled); basic January pays nobody (c signs up in February): a zero denominator; February c's ticket
  // × 100 / 1 (c) = 100; March d's ticket is not a paying account's: 0 / 1.
  assert.deepEqual(cell(by, 'tickets_per_100_paying', JAN, 'pro'), [100, 200, 2, 2, []]);
  assert.deepEqual(cell(by, 'tickets_per_100_paying', FEB, 'pro'), [0, 0, 1, 1, []]);
  assert.deepEqual(cell(by, 'tickets_per_100_paying', JAN, 'basic'), [
    null,
    0,
    0,
    0,
    ['too_few', 'zero_denominator'],
  ]);
  assert.deepEqual(cell(by, 'tickets_per_100_paying', FEB, 'basic'), [100, 100, 1, 1, []]);
  assert.deepEqual(cell(by, 'tickets_per_100_paying', MAR, 'basic'), [0, 0, 1, 1, ['incomplete_period']]);
  // Retention by plan: pro January a retained, b not: 1 / 2; basic February c: 1 / 1; basic March d censored;
  // pro March has no first login: no units.
  assert.deepEqual(cell(by, 'week_one_retention', JAN, 'pro'), [0.5, 1, 2, 2, []]);
  assert.deepEqual(cell(by, 'week_one_retention', FEB, 'basic'), [1, 1, 1, 1, []]);
  assert.deepEqual(find(by, 'week_one_retention', MAR, 'basic').flags, [
    'incomplete_period',
    'too_few',
    'zero_denominator',
    'censored',
  ]);
  assert.deepEqual(cell(by, 'week_one_retention', MAR, 'pro'), [
    null,
    0,
    0,
    0,
    ['incomplete_period', 'too_few', 'zero_denominator'],
  ]);
  // Filtered to basic, the conversion's users u4 (February: no) and u5 (March: censored).
  const basic = await run({ filters: [{ by: 'plan', value: 'basic' }] });
  assert.deepEqual(cell(basic, 'login_to_integration', FEB), [0, 0, 1, 1, []]);
  assert.deepEqual(find(basic, 'login_to_integration', MAR).flags, [
    'incomplete_period',
    'too_few',
    'zero_denominator',
    'censored',
  ]);
  // Filtered to pro: January's two tickets, nothing after; one segment, 'all'.
  const pro = await run({ filters: [{ by: 'plan', value: 'pro' }] });
  assert.deepEqual(
    [JAN, FEB, MAR].map((p) => find(pro, 'tickets', p).value),
    [2, 0, 0],
  );
  assert.ok(pro.every((r) => r.segment === 'all'));
});

test('a project metric takes a target, root cause and a place in the KPI tree like a catalog KPI', async () => {
  const project = parseProjectFile(
    `${PROJECT}
targets:
  - kpi: tickets_per_100_paying
    pragmatic: 40
    owner: Sam (Support)
tree:
  edges:
    - from: tickets_per_100_paying
      to: customer_churn_rate
      hypothesis: Accounts that need support often are the ones that leave.
`,
    'tenure.yaml',
  );
  const { checks, tree } = await withSmallWarehouse(
    DATA,
    async (db) => ({
      checks: await checkTargets(db, project, { asOf: AS_OF }),
      tree: await kpiTree(db, project, { asOf: AS_OF }),
    }),
    { clickhouse: false },
  );
  // The last complete month before as_of (March 30) is February: 50 tickets per 100 paying accounts against
  // a target of at most 40 misses it by (50 − 40) / 40 = 25%, beyond the 5% tolerance: off track.
  const [check] = checks;
  assert.equal(check?.period_start, FEB);
  assert.equal(check?.value, 50);
  assert.equal(check?.status, 'off_track');
  assert.equal(check?.name, 'Tickets per 100 paying accounts');
  // The tree holds the metric as a node with February's value and January's before it (100).
  const node = tree.nodes.find((n) => n.kpi === 'tickets_per_100_paying');
  assert.ok(node, 'the metric is a node of the tree');
  assert.equal(node.value, 50);
  assert.equal(node.previous, 100);
  assert.ok(tree.edges.some((e) => e.from === 'tickets_per_100_paying' && e.to === 'customer_churn_rate'));
});

test('a metric naming an event the warehouse has none of is refused, at its line, with the names it holds', async () => {
  const project = parseProjectFile(
    `metrics:
  integrations:
    name: Integrations
    description: Integrations connected.
    type: simple
    higher_is_better: true
    measure: { table: events, agg: count, where: { name: [integration, integraton] } }
`,
    'tenure.yaml',
  );
  const refusals = await withSmallWarehouse(
    DATA,
    async (db) => {
      const atLoad = await checkProjectEvents(db, { ...project, file: 'tenure.yaml' }).then(
        () => 'accepted',
        (err: unknown) => (err instanceof ConfigProblemsError ? err.message : String(err)),
      );
      const atCompute = await computeKpis(db, {
        kpis: ['integrations'],
        from: '2024-01-01',
        to: '2024-01-31',
        grain: 'month',
        catalog: project.definitions,
      }).then(
        () => 'accepted',
        (err: unknown) => (err instanceof ConfigProblemsError ? `${err.code}: ${err.message}` : String(err)),
      );
      return { atLoad, atCompute };
    },
    { clickhouse: false },
  );
  // 'integration' occurs (e5, e6, e11); 'integraton' does not: the problem names its line and the close name.
  assert.match(
    refusals.atLoad,
    /line 7: metrics\.integrations\.measure\.where\.name\[1\]: no event named 'integraton' in the warehouse's events — did you mean integration\?/,
  );
  assert.doesNotMatch(refusals.atLoad, /name\[0\]/);
  assert.match(
    refusals.atCompute,
    /^bad_config: .*metrics\.integrations\.measure\.where\.name\[1\]: no event named 'integraton'/s,
  );
});

test("a derived metric's kept results are set aside when one of its inputs changes", async () => {
  const cheaper = parseProjectFile(
    PROJECT.replace(
      'measure: { table: orders, agg: sum, column: amount }',
      'measure: { table: orders, agg: sum, column: amount, where: { amount: { gte: 60 } } }',
    ),
    'tenure.yaml',
  ).definitions;
  const values = await withSmallWarehouse(
    DATA,
    async (db) => {
      const req = {
        kpis: ['revenue_per_paying'],
        from: '2024-01-01',
        to: '2024-02-29',
        grain: 'month' as const,
        asOf: AS_OF,
        minSample: 1,
      };
      // Kept: January and February are settled at as_of (March 30).
      const first = await computeKpis(db, { ...req, catalog });
      const again = await computeKpis(db, { ...req, catalog: cheaper });
      return [first, again].map((rows) => rows.map((r) => r.value));
    },
    { clickhouse: false },
  );
  // All orders: Jan 180 / 2 = 90, Feb 80 / 2 = 40. Orders of 60 or more: Jan 100 / 2 = 50, Feb 80 / 2 = 40.
  assert.deepEqual(values, [
    [90, 40],
    [50, 40],
  ]);
});
