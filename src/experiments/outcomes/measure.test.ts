import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { withSmallWarehouse } from '../../../test/support/small-warehouse.ts';
import { segmentSql } from '../../compiler/dimensions.ts';
import type { Engine } from '../../warehouse/engine.ts';
import { analyzeExperiment, type ExperimentAnalysis } from '../analysis.ts';
import { experimentResults, payingBase } from '../results.ts';
import { outcomeDefinitions } from './definitions.ts';
import {
  assignmentCounts,
  measureOutcomes,
  measureOutcomesBySegment,
  measureSurvival,
  type SummedSpec,
  type SurvivalSpec,
} from './measure.ts';
import { type OutcomeSpec, OutcomeSpecSchema } from './spec.ts';

// Six customers in experiment e1 (started 2025-01-01), analysed as of 2025-04-01:
//   control   c1 assigned Jan 1 00:00     pays 100 from Dec 15, cancels Jan 21 00:00; order 40 on Jan 5
//             c2 assigned Jan 10 12:00    pays 50 from Jan 24 12:00
//             c3 assigned Mar 20 00:00    pays 30 from Mar 15 — its 30-day windows end Apr 19: left out of them
//   treatment c4 assigned Jan 1 00:00     pays 200 from Dec 1, 250 from Jan 11; orders 7 Dec 20, 10 Jan 20,
//                                         5 Feb 15; activated Dec 4 (milestones Dec 2, 3, 4)
//             c5 assigned Jan 15 00:00    never pays; order 20 on Jan 20; activated Jan 18 (Jan 16, 17, 18)
//             c6 assigned Feb 1 00:00     pays 80 from Feb 5, cancels Feb 20
// Events (no user ids: the customer is the user; sessions cut at 30-minute gaps), day 0 = the UTC day of
// exposure: c1 Dec 28, Jan 1, Jan 8 09:00 and 09:10; c2 Jan 9, Jan 10 08:00 (day 0, before exposure: days
// are whole), Jan 17; c3 Mar 27; c4 Dec 2, 3, 4 (milestones), Dec 31 23:00, Jan 2 10:00 and 11:00 (two
// sessions); c5 Jan 16, 17, 18 (milestones); c6 Feb 8.
const DATA = {
  customers: `customer_id,signed_up_at,plan,channel
    c1,2024-12-01T00:00:00Z,starter,organic
    c2,2024-12-15T00:00:00Z,starter,organic
    c3,2025-03-01T00:00:00Z,starter,organic
    c4,2024-12-01T00:00:00Z,growth,organic
    c5,2025-01-10T00:00:00Z,starter,organic
    c6,2025-01-20T00:00:00Z,starter,organic`,
  subscription_changes: `customer_id,effective_at,mrr,plan,seats,reason
    c1,2024-12-15T00:00:00Z,100,starter,1,new
    c1,2025-01-21T00:00:00Z,0,starter,0,cancel
    c2,2025-01-24T12:00:00Z,50,starter,1,new
    c3,2025-03-15T00:00:00Z,30,starter,1,new
    c4,2024-12-01T00:00:00Z,200,growth,5,new
    c4,2025-01-11T00:00:00Z,250,growth,6,expansion
    c6,2025-02-05T00:00:00Z,80,starter,1,new
    c6,2025-02-20T00:00:00Z,0,starter,0,cancel`,
  orders: `order_id,customer_id,ordered_at,amount
    o1,c1,2025-01-05T00:00:00Z,40
    o2,c4,2025-01-20T00:00:00Z,10
    o3,c4,2025-02-15T00:00:00Z,5
    o4,c4,2024-12-20T00:00:00Z,7
    o5,c5,2025-01-20T00:00:00Z,20`,
  events: `event_id,customer_id,occurred_at,name
    e01,c1,2024-12-28T10:00:00Z,login
    e02,c1,2025-01-01T10:00:00Z,login
    e03,c1,2025-01-08T09:00:00Z,login
    e04,c1,2025-01-08T09:10:00Z,create_report
    e05,c2,2025-01-09T10:00:00Z,login
    e06,c2,2025-01-10T08:00:00Z,login
    e07,c2,2025-01-17T10:00:00Z,login
    e08,c3,2025-03-27T10:00:00Z,login
    e09,c4,2024-12-02T10:00:00Z,create_project
    e10,c4,2024-12-03T10:00:00Z,invite_teammate
    e11,c4,2024-12-04T10:00:00Z,connect_integration
    e12,c4,2024-12-31T23:00:00Z,login
    e13,c4,2025-01-02T10:00:00Z,login
    e14,c4,2025-01-02T11:00:00Z,login
    e15,c5,2025-01-16T10:00:00Z,create_project
    e16,c5,2025-01-17T10:00:00Z,invite_teammate
    e17,c5,2025-01-18T10:00:00Z,connect_integration
    e18,c6,2025-02-08T10:00:00Z,login`,
  experiments: `experiment_id,name,primary_kpi,started_at,pre_registration
    e1,Checklist,customer_churn_rate,2025-01-01T00:00:00Z,"{""metric"": ""customer_churn_rate"", ""alpha"": 0.05, ""variants"": [""control"", ""treatment""]}"
    e2,Unknown,not_a_kpi,2025-01-01T00:00:00Z,"{""metric"": ""not_a_kpi"", ""variants"": [""control"", ""treatment""]}"`,
  assignments: `experiment_id,customer_id,variant,assigned_at
    e1,c1,control,2025-01-01T00:00:00Z
    e1,c2,control,2025-01-10T12:00:00Z
    e1,c3,control,2025-03-20T00:00:00Z
    e1,c4,treatment,2025-01-01T00:00:00Z
    e1,c5,treatment,2025-01-15T00:00:00Z
    e1,c6,treatment,2025-02-01T00:00:00Z
    e2,c1,control,2025-01-01T00:00:00Z
    e2,c4,control,2025-01-01T00:00:00Z`,
};
const AS_OF = '2025-04-01T00:00:00.000Z';
const ARMS = ['control', 'treatment'];
const spec = (raw: object) => OutcomeSpecSchema.parse(raw) as OutcomeSpec;
/** Revenue earned per unit of MRR per day: MRR is monthly, a month DAYS_PER_MONTH = 30.4375 days. */
const k = 1 / 30.4375;

const close = (actual: number, expected: number, what: string) =>
  assert.ok(
    Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)),
    `${what}: ${actual} ≠ ${expected}`,
  );

/** n, sums and the products' upper triangle, for comparing with the hand sums. */
type Expected = { n: number; excluded: number; sums: number[]; products: number[][] };

function assertArm(
  actual: { excluded: number; sums: { n: number; sums: number[]; products: number[][] } },
  e: Expected,
  what: string,
) {
  assert.equal(actual.sums.n, e.n, `${what} n`);
  assert.equal(actual.excluded, e.excluded, `${what} excluded`);
  for (const [j, s] of e.sums.entries()) close(actual.sums.sums[j] as number, s, `${what} Σ column ${j}`);
  for (const [j, row] of e.products.entries())
    for (const [i, p] of row.entries())
      close((actual.sums.products[j] as number[])[j + i] as number, p, `${what} Σ product ${j},${j + i}`);
}

const SUMMED = [
  { kind: 'churned_within', days: 30, cuped: true },
  { kind: 'mrr_after', days: 30, cuped: true },
  { kind: 'revenue_after', days: 30, cuped: true },
  { kind: 'events_per_unit', days: 30, cuped: true },
  { kind: 'sessions_per_unit', days: 30 },
  { kind: 'retained_day', days: 7, cuped: true },
  { kind: 'activated_within', days: 14, cuped: true },
  { kind: 'paying_day', days: 30 },
  { kind: 'ratio', days: 30, numerator: { of: 'order_revenue' }, denominator: { of: 'orders' } },
].map(spec) as SummedSpec[];

// The hand sums. Columns [post, pre] (products post², post·pre, pre²), a ratio [num, den] (num², num·den,
// den²), a proportion or mean without CUPED [post] (post²). Control is c1, c2 (c3 left out of every 30-day
// and 14-day window, kept in retained_day:7 whose day 7, Mar 27, is over); treatment c4, c5, c6.
//   churned_within:30, pre = churned in the 30 days before: control post (1, 0), treatment post (0, 0, 1);
//     no cancellation precedes exposure (c1's Dec 15 change starts its spell).
//   mrr_after:30, pre = MRR at exposure: control (0, 100) and (50, 0): Σ 50, 100; Σx² 2500, 10000; Σxy 0.
//     treatment (250, 200), (0, 0), (0, 0): Σ 250, 200; Σx² 62500, 40000; Σxy 50000.
//   revenue_after:30 = ∫ MRR dt / 30.4375 days + orders: c1 100 × 20 days + 40, pre 100 × 17 days
//     (Dec 15 → Jan 1); c2 50 × 16 days (Jan 24 12:00 → Feb 9 12:00), pre 0; c4 200 × 10 + 250 × 20 days
//     + 10, pre 200 × 30 days + 7; c5 the order 20, pre 0; c6 80 × 15 days, pre 0.
//   events_per_unit:30 (days [d0, d0 + 30), pre [d0 − 30, d0)): c1 (3, 1), c2 (2, 1), c4 (2, 4), c5 (3, 0),
//     c6 (1, 0).
//   sessions_per_unit:30: c1 2 (Jan 1; Jan 8 09:00–09:10), c2 2, c4 2 (an hour apart), c5 3, c6 1.
//   retained_day:7, pre = active the day before exposure: c1 (1, 0), c2 (1, 1), c3 (1, 0); c4 (0, 1),
//     c5 (0, 0), c6 (1, 0).
//   activated_within:14, pre = activated at exposure: control none; c4 (1, 1), c5 (1, 0), c6 (0, 0).
//   paying_day:30: c1 0, c2 1; c4 1, c5 0, c6 0.
//   ratio order_revenue / orders within 30 days: c1 (40, 1), c2 (0, 0); c4 (10, 1), c5 (20, 1), c6 (0, 0).
const r1 = 2000 * k + 40;
const r1pre = 1700 * k;
const r2 = 800 * k;
const r4 = 7000 * k + 10;
const r4pre = 6000 * k + 7;
const r6 = 1200 * k;
const EXPECTED: Record<string, [Expected, Expected]> = {
  'churned_within:30': [
    { n: 2, excluded: 1, sums: [1, 0], products: [[1, 0], [0]] },
    { n: 3, excluded: 0, sums: [1, 0], products: [[1, 0], [0]] },
  ],
  'mrr_after:30': [
    { n: 2, excluded: 1, sums: [50, 100], products: [[2500, 0], [10000]] },
    { n: 3, excluded: 0, sums: [250, 200], products: [[62500, 50000], [40000]] },
  ],
  'revenue_after:30': [
    {
      n: 2,
      excluded: 1,
      sums: [r1 + r2, r1pre],
      products: [[r1 * r1 + r2 * r2, r1 * r1pre], [r1pre * r1pre]],
    },
    {
      n: 3,
      excluded: 0,
      sums: [r4 + 20 + r6, r4pre],
      products: [[r4 * r4 + 400 + r6 * r6, r4 * r4pre], [r4pre * r4pre]],
    },
  ],
  'events_per_unit:30': [
    { n: 2, excluded: 1, sums: [5, 2], products: [[13, 5], [2]] },
    { n: 3, excluded: 0, sums: [6, 4], products: [[14, 8], [16]] },
  ],
  'sessions_per_unit:30': [
    { n: 2, excluded: 1, sums: [4], products: [[8]] },
    { n: 3, excluded: 0, sums: [6], products: [[14]] },
  ],
  'retained_day:7': [
    { n: 3, excluded: 0, sums: [3, 1], products: [[3, 1], [1]] },
    { n: 3, excluded: 0, sums: [1, 1], products: [[1, 0], [1]] },
  ],
  'activated_within:14': [
    { n: 2, excluded: 1, sums: [0, 0], products: [[0, 0], [0]] },
    { n: 3, excluded: 0, sums: [2, 1], products: [[2, 1], [1]] },
  ],
  'paying_day:30': [
    { n: 2, excluded: 1, sums: [1], products: [[1]] },
    { n: 3, excluded: 0, sums: [1], products: [[1]] },
  ],
  'ratio:30:order_revenue/orders': [
    { n: 2, excluded: 1, sums: [40, 1], products: [[1600, 40], [1]] },
    { n: 3, excluded: 0, sums: [30, 2], products: [[500, 30], [2]] },
  ],
};

const request = { experimentId: 'e1', asOf: AS_OF, definitions: outcomeDefinitions() };

// Everything is computed once, on DuckDB and on PostgreSQL (withSmallWarehouse checks they agree to 1e-9):
// each load of the small warehouse costs more than the queries.
let results: Awaited<ReturnType<typeof computeAll>>;
async function computeAll(db: Engine) {
  return {
    measured: await measureOutcomes(db, request, ARMS, SUMMED),
    survival: await measureSurvival(
      db,
      request,
      ARMS,
      spec({ kind: 'time_to_churn', days: 60 }) as SurvivalSpec,
    ),
    counts: await assignmentCounts(db, 'e1', AS_OF, ['2025-01-12T00:00:00.000Z']),
    analysis: await analyzeExperiment(db, {
      experimentId: 'e1',
      asOf: AS_OF,
      outcomes: [
        spec({ kind: 'churned_within', days: 30 }),
        spec({ kind: 'activated_within', days: 14, difference: 'absolute' }),
        spec({ kind: 'time_to_churn', days: 60, horizon_days: 30 }),
      ],
    }),
    early: await analyzeExperiment(db, {
      experimentId: 'e1',
      asOf: '2025-01-20T00:00:00Z',
      outcomes: [spec({ kind: 'churned_within', days: 30 })],
    }),
    empty: await analyzeExperiment(db, {
      experimentId: 'e2',
      asOf: AS_OF,
      outcomes: [spec({ kind: 'churned_within', days: 30 }), spec({ kind: 'time_to_churn', days: 60 })],
    }),
    unknown: await analyzeExperiment(db, { experimentId: 'e2', asOf: AS_OF }),
    byPlan: await measureOutcomesBySegment(
      db,
      request,
      ARMS,
      [spec({ kind: 'mrr_after', days: 30, cuped: true }) as SummedSpec],
      (params) => segmentSql('plan', params),
    ),
    base: await payingBase(db, AS_OF),
    results: await experimentResults(db, {
      experimentId: 'e1',
      asOf: AS_OF,
      outcomes: [spec({ kind: 'paying_day', days: 30 })],
      segments: ['plan'],
    }),
  };
}
before(async () => {
  // Experiment analysis runs on DuckDB and PostgreSQL; ClickHouse computes the KPI catalog only (so far).
  results = await withSmallWarehouse(DATA, computeAll, { clickhouse: false });
});

test('each arm reduced in SQL to the hand sums, the same on DuckDB and PostgreSQL', async () => {
  const { measured } = results;
  assert.deepEqual(
    measured.map((m) => m.name),
    Object.keys(EXPECTED),
  );
  for (const m of measured) {
    const [control, treatment] = EXPECTED[m.name] as [Expected, Expected];
    assert.equal(m.arms[0]?.assigned, 3);
    assert.equal(m.arms[1]?.assigned, 3);
    assertArm(m.arms[0] as never, control, `${m.name} control`);
    assertArm(m.arms[1] as never, treatment, `${m.name} treatment`);
  }
});

test('time to churn: churns and censorings per day since exposure, censored at 60 days or as_of', async () => {
  // c1 churns on day 20 (Jan 21), c6 on day 19 (Feb 20); c3 is followed 12 days to as_of; the others 60.
  const s = results.survival;
  assert.deepEqual(s.arms, [
    {
      name: 'control',
      n: 3,
      counts: [
        { time: 12, events: 0, censored: 1 },
        { time: 20, events: 1, censored: 0 },
        { time: 60, events: 0, censored: 1 },
      ],
    },
    {
      name: 'treatment',
      n: 3,
      counts: [
        { time: 19, events: 1, censored: 0 },
        { time: 60, events: 0, censored: 2 },
      ],
    },
  ]);
});

test('assignment counts per period of planned weights', async () => {
  // Before Jan 12: c1, c2, c4; from Jan 12: c3, c5, c6.
  assert.deepEqual(results.counts, [
    { variant: 'control', period: 0, n: 2 },
    { variant: 'control', period: 1, n: 1 },
    { variant: 'treatment', period: 0, n: 1 },
    { variant: 'treatment', period: 1, n: 2 },
  ]);
});

/** Every number in the analysis is finite: degenerate cases are flags, not NaN. */
function assertFinite(value: unknown, path = 'analysis'): void {
  if (typeof value === 'number') assert.ok(Number.isFinite(value), `${path} is ${value}`);
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) assertFinite(v, `${path}[${i}]`);
  else if (value && typeof value === 'object')
    for (const [key, v] of Object.entries(value)) assertFinite(v, `${path}.${key}`);
}

const flagsOf = (a: ExperimentAnalysis, name: string) => {
  const o = a.outcomes.find((x) => x.name === name);
  assert.ok(o, `no outcome ${name}`);
  return [...o.flags, ...(o.stats?.comparisons.flatMap((c) => c.flags) ?? [])];
};

test('the analysis: plan from the registry (the row as version 1), SRM, maturity, zero variance and survival — never NaN', async () => {
  const a = results.analysis;
  assertFinite(a);
  assert.equal(a.plan.source, 'registry');
  assert.equal(a.plan.version, 1);
  assert.deepEqual(
    a.arms.map((x) => [x.name, x.assigned]),
    [
      ['control', 3],
      ['treatment', 3],
    ],
  );
  assert.equal(a.srm?.chiSquare, 0);
  const churn = a.outcomes[0];
  assert.ok(churn?.flags.includes('window_open_for_some'));
  assert.match(churn?.messages.join(' ') ?? '', /1 of 6 units are left out .*control 1, treatment 0/);
  // churned: control 1/2, treatment 1/3 → relative effect (1/3 − 1/2)/(1/2) = −1/3.
  close(churn?.stats?.comparisons[0]?.effect as number, -1 / 3, 'relative effect');
  // Control never activates within 14 days: its variance is 0 (flagged); the absolute effect is 2/3.
  assert.ok(flagsOf(a, 'activated_within:14').includes('zero_variance'));
  const survival = a.outcomes[2]?.survival;
  assert.equal(survival?.tau, 30);
  // Control: S = 1 to day 20, then 1 − 1/2 (two at risk after c3's censoring at 12) → RMST to 30 = 20 + 10/2.
  close(survival?.arms[0]?.rmst?.rmst as number, 25, 'control RMST');
  // Treatment: S = 2/3 from day 19 → RMST = 19 + 11·2/3.
  close(survival?.arms[1]?.rmst?.rmst as number, 19 + 22 / 3, 'treatment RMST');
  close(survival?.rmst[0]?.difference as number, 19 + 22 / 3 - 25, 'RMST difference');
});

test('windows not closed for anyone, an empty arm and an unknown KPI: flags and sentences', async () => {
  const { early, empty, unknown } = results;
  for (const a of [early, empty, unknown]) assertFinite(a);
  // As of Jan 20 only c1, c2, c4, c5 are assigned, and no 30-day window has closed.
  assert.deepEqual(
    early.arms.map((x) => x.assigned),
    [2, 2],
  );
  assert.ok(early.outcomes[0]?.flags.includes('window_open_for_all'));
  assert.ok(flagsOf(early, 'churned_within:30').includes('no_units'));
  // e2 assigns only to control: the treatment arm has no units.
  assert.deepEqual(
    empty.arms.map((x) => [x.name, x.assigned]),
    [
      ['control', 2],
      ['treatment', 0],
    ],
  );
  assert.ok(empty.outcomes[0]?.flags.includes('arm_without_units'));
  assert.ok(flagsOf(empty, 'churned_within:30').includes('no_units'));
  assert.ok(empty.outcomes[1]?.flags.includes('arm_without_units'));
  assert.equal(empty.outcomes[1]?.survival?.logRank, null);
  // Two units, both in control: χ² = 2 on 1 df, p = 0.157, no mismatch at 0.001.
  close(empty.srm?.chiSquare as number, 2, 'SRM χ²');
  assert.equal(empty.srm?.mismatch, false);
  // Without --outcome, e2's plan names a KPI the catalog does not have: nothing to measure, and it says so.
  assert.deepEqual(unknown.flags, ['unknown_kpi', 'no_outcomes']);
  assert.match(unknown.messages.join(' '), /KPI 'not_a_kpi', which is not in the catalog/);
  assert.deepEqual(unknown.outcomes, []);
});

test('sums per segment: one query grouped by the breakdown, the whole split by hand', async () => {
  // mrr_after:30 with CUPED by plan: growth is c4 alone (treatment); starter is c1, c2, c3 (c3 left out) in
  // control and c5, c6 in treatment. The growth segment has no control unit: an arm of nothing.
  const [growth, starter] = results.byPlan;
  assert.deepEqual(
    results.byPlan.map((b) => b.segment),
    ['growth', 'starter'],
  );
  const arms = (b: typeof growth) => b?.outcomes[0]?.arms ?? [];
  assertArm(
    arms(growth)[0] as never,
    { n: 0, excluded: 0, sums: [0, 0], products: [[0, 0], [0]] },
    'growth control',
  );
  assertArm(
    arms(growth)[1] as never,
    { n: 1, excluded: 0, sums: [250, 200], products: [[62500, 50000], [40000]] },
    'growth treatment',
  );
  assertArm(
    arms(starter)[0] as never,
    { n: 2, excluded: 1, sums: [50, 100], products: [[2500, 0], [10000]] },
    'starter control',
  );
  assertArm(
    arms(starter)[1] as never,
    { n: 2, excluded: 0, sums: [0, 0], products: [[0, 0], [0]] },
    'starter treatment',
  );
});

test('the results beside the analysis: retention by day, segments and revenue per year, by hand', async () => {
  const r = results.results;
  // Paying at as_of (Apr 1): c2 50, c3 30, c4 250.
  assert.deepEqual(results.base, { customers: 3, mrr: 330 });
  // Retention: a day-N point needs day N over (d0 + N + 1 ≤ Apr 1): day 90 is not over for Jan 1's units.
  assert.deepEqual(r.retention.days, [1, 7, 14, 30, 60]);
  const day = (arm: number, n: number) => r.retention.arms[arm]?.points.find((p) => p.day === n);
  // Day 7, as retained_day:7 above: control 3 of 3 active, treatment 1 of 3.
  assert.deepEqual(day(0, 7)?.active, { units: 3, count: 3, share: 1 });
  assert.deepEqual(day(1, 7)?.active, { units: 3, count: 1, share: 1 / 3 });
  // Day 60: c3 (Mar 20) and c6 (Feb 1) have not reached it; paying then: c2 (control), c4 (treatment).
  assert.deepEqual(day(0, 60)?.paying, { units: 2, count: 1, share: 0.5 });
  assert.deepEqual(day(1, 60)?.paying, { units: 2, count: 1, share: 0.5 });
  assert.match(r.retention.messages[0] ?? '', /^day 90, 180, 365: no unit has been followed that long yet/);
  // Segments of paying_day:30 by plan, exploratory: starter control c1 0, c2 1; starter treatment c5 0, c6 0.
  assert.equal(r.segments.exploratory, true);
  const starter = r.segments.breakdowns[0]?.segments.find((s) => s.value === 'starter');
  assert.deepEqual(
    starter?.arms.map((a) => [a.n, a.value]),
    [
      [2, 0.5],
      [2, 0],
    ],
  );
  assert.equal(starter?.small, true);
  // Revenue: paying on day 30 is 1/2 in control, 1/3 in treatment: −1/6 per customer (the lift −1/3 times
  // the control's 1/2); × 3 customers × ARPA 110 × 12 = −660 a year.
  const v = r.revenue;
  assert.equal(v.arpa, 110);
  close(v.arms[0]?.perUnit as number, -1 / 6, 'per unit');
  close(v.arms[0]?.perYear as number, -660, 'per year');
  assert.match(v.formula ?? '', /extra paying customers .* × ARPA × 12/);
});
