import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withSmallWarehouse } from '../../../test/support/small-warehouse.ts';
import { cohortSurvivors, fitCohort } from './cohort-sbg.ts';
import { hazardCells } from './hazard-cells.ts';
import { survivalBySegment, tenureCounts } from './survival.ts';

// Four customers, as of 2024-07-01:
//   A starter, organic, activated (all three milestones within 14 days of signup). Pays from Jan 31 10:00;
//     the monthly anniversaries clamp to Feb 29, Mar 31, Apr 30; cancels on Apr 30 10:00 → 3 months, churned.
//     Decisions: 3, one churn.
//   B starter at signup, referral channel (referred by A). Pays from Feb 15, upgrades to growth on Mar 20,
//     still paying → Jun 15 is its 4th anniversary, Jul 15 not reached: 4 months, censored. Decisions: Mar 15
//     (starter, check-in of Mar 1 within 90 days), Apr 15 and May 15 (growth, check-in), Jun 15 (growth, Mar
//     1 is 106 days before: no check-in).
//   C growth, paid_search, an annual contract from Feb 14: 4 months, censored; no monthly decisions.
//   D starter, organic, treated in experiment e1. Pays from Mar 15, cancels Apr 15 (1 month, churned),
//     comes back May 20 — a new spell, outside its tenure — whose first anniversary, Jun 20, is a decision.
const DATA = {
  customers: `customer_id,signed_up_at,plan,channel,referred_by
    A,2024-01-01T00:00:00Z,starter,organic,
    B,2024-01-15T00:00:00Z,starter,referral,A
    C,2024-01-31T00:00:00Z,growth,paid_search,
    D,2024-03-01T00:00:00Z,starter,organic,`,
  subscription_changes: `customer_id,effective_at,mrr,plan,seats,reason
    A,2024-01-31T10:00:00Z,12,starter,1,new
    A,2024-04-30T10:00:00Z,0,starter,0,cancel
    B,2024-02-15T00:00:00Z,12,starter,1,new
    B,2024-03-20T00:00:00Z,29,growth,1,upgrade
    C,2024-02-14T00:00:00Z,290,growth,10,new
    D,2024-03-15T00:00:00Z,12,starter,1,new
    D,2024-04-15T00:00:00Z,0,starter,0,cancel
    D,2024-05-20T00:00:00Z,12,starter,1,reactivation`,
  contracts: `contract_id,customer_id,start_at,end_at,value
    k1,C,2024-02-14T00:00:00Z,2025-02-14T00:00:00Z,3480`,
  events: `event_id,customer_id,occurred_at,name
    e1,A,2024-01-02T10:00:00Z,create_project
    e2,A,2024-01-03T10:00:00Z,invite_teammate
    e3,A,2024-01-05T10:00:00Z,connect_integration
    e4,B,2024-01-16T10:00:00Z,create_project`,
  checkins: `checkin_id,customer_id,occurred_at,kind
    h1,B,2024-03-01T00:00:00Z,call`,
  experiments: `experiment_id,started_at
    x1,2024-01-01T00:00:00Z`,
  assignments: `experiment_id,customer_id,variant,assigned_at
    x1,D,treatment,2024-03-01T00:00:00Z
    x1,A,control,2024-01-01T00:00:00Z`,
};
const AS_OF = '2024-07-01T00:00:00.000Z';

test('tenure in whole months: clamped anniversaries, censoring at as_of, first spell only', async () => {
  const counts = await withSmallWarehouse(DATA, (db) => tenureCounts(db, { by: 'plan', asOf: AS_OF }));
  assert.deepEqual(counts.get('starter'), [
    { time: 1, events: 1, censored: 0 },
    { time: 3, events: 1, censored: 0 },
    { time: 4, events: 0, censored: 1 },
  ]);
  assert.deepEqual(counts.get('growth'), [{ time: 4, events: 0, censored: 1 }]);
});

test('survival by plan: KM 2/3 then 1/3 for starter, RMST to 4 months, log-rank across two plans', async () => {
  const report = await withSmallWarehouse(DATA, (db) => survivalBySegment(db, { by: 'plan', asOf: AS_OF }));
  const starter = report.segments.find((s) => s.segment === 'starter');
  assert.ok(starter);
  // S(1) = 1 − 1/3 = 2/3 (3 at risk); S(3) = 2/3 · (1 − 1/2) = 1/3 (2 at risk).
  assert.deepEqual(
    starter.steps.map((s) => [s.time, s.atRisk, s.events, s.censored]),
    [
      [1, 3, 1, 0],
      [3, 2, 1, 0],
      [4, 1, 0, 1],
    ],
  );
  const expected = [2 / 3, 1 / 3, 1 / 3];
  for (const [i, s] of starter.steps.entries()) {
    assert.ok(Math.abs(s.survival - (expected[i] as number)) < 1e-12);
  }
  // The horizon is the longest tenure both plans observed, 4; RMST = 1·1 + 2·(2/3) + 1·(1/3) = 8/3.
  assert.equal(report.horizon, 4);
  assert.ok(Math.abs(starter.rmst.rmst - 8 / 3) < 1e-12);
  assert.equal(starter.median, 3);
  assert.equal(report.logRank?.df, 1);
});

test('hazard cells: monthly decisions with the plan in force, check-ins, activation, referral, treatment', async () => {
  const cells = await withSmallWarehouse(DATA, (db) => hazardCells(db, { asOf: AS_OF }));
  const key = (c: (typeof cells)[number]) =>
    ['plan', 'channel', 'activated', 'referred', 'checkin', 'treated'].map((k) => c.covariates[k]).join('|');
  assert.deepEqual(cells.map((c) => [key(c), c.atRisk, c.events]).sort(), [
    ['growth|referral|no|yes|no|no', 1, 0],
    ['growth|referral|no|yes|yes|no', 2, 0],
    ['starter|organic|no|no|no|yes', 2, 1],
    ['starter|organic|yes|no|no|no', 3, 1],
    ['starter|referral|no|yes|yes|no', 1, 0],
  ]);
});

test("a cohort's survivors run to the shortest censored tenure", () => {
  // 10 customers: churns 2 at month 1, 1 at month 2, 1 at month 5; censored 3 at month 3, 3 at month 6.
  // Every member reached month 3, so survivors are known for months 1–3: 10, 8, 7, 7.
  assert.deepEqual(
    cohortSurvivors([
      { time: 1, events: 2, censored: 0 },
      { time: 2, events: 1, censored: 0 },
      { time: 3, events: 0, censored: 3 },
      { time: 5, events: 1, censored: 0 },
      { time: 6, events: 0, censored: 3 },
    ]),
    [10, 8, 7, 7],
  );
  // Nobody censored: through the last churn.
  assert.deepEqual(cohortSurvivors([{ time: 2, events: 3, censored: 0 }]), [3, 3, 0]);
});

test("a cohort in which nobody has churned is said in the reader's words, not the model's field name", () => {
  // 26 customers, all still paying after 5 months: survivors [26, 26, 26, 26, 26, 26], nothing to fit.
  const c = fitCohort('2025-07', [{ time: 5, events: 0, censored: 26 }], 0.01, 12);
  assert.deepEqual(c.survivors, [26, 26, 26, 26, 26, 26]);
  assert.equal(c.problem, 'no customer has churned yet: the model needs at least one churn');
  assert.equal(c.alpha, null);
  assert.deepEqual(c.flags, []);
});
