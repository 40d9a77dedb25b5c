import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withSmallWarehouse } from '../../test/support/small-warehouse.ts';
import { readCohortHistory } from './cohort-sql.ts';

// The revenue tests' dataset (compiler/kpis/revenue.test.ts):
//   a: 100 (Jan 10) → 150 (Feb 15) → 0 (Mar 1 00:00).   b: 200 (Jan 5) → 120 (Feb 10).
//   c: 50 → 0 inside February.   d: 80 → 0 inside January, back at 90 on Mar 10.   e: starts Apr 1 01:00 UTC.
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
const JAN = '2024-01-01T00:00:00.000Z';
const FEB = '2024-02-01T00:00:00.000Z';
const MAR = '2024-03-01T00:00:00.000Z';
const APR = '2024-04-01T00:00:00.000Z';

test('cohorts of paying spells and the monthly sums, as of April 1', async () => {
  const h = await withSmallWarehouse(DATA, (db) => readCohortHistory(db, APR));
  // Months from b's first payment (Jan 5) to the cut. e pays from Apr 1 01:00, after the cut: unseen.
  assert.deepEqual(h?.months, [JAN, FEB, MAR]);
  assert.deepEqual(h?.cohorts, [
    // January's spells: a and b pay at Feb 1 (100 + 200) and Mar 1 (a's 0 at Mar 1 00:00 is not strictly
    // before it: 150 + 120); at Apr 1 only b (120). d's January spell ended inside January.
    { start: JAN, survivors: [2, 2, 1], mrr: [300, 270, 120] },
    // February's: c, gone before the month's end.
    { start: FEB, survivors: [0, 0], mrr: [0, 0] },
    // March's: d, come back on Mar 10 — a new spell, so a new cohort; January's never grows.
    { start: MAR, survivors: [1], mrr: [90] },
  ]);
  assert.deepEqual(h?.monthly, [
    { start: JAN, atRisk: 0, startMrr: 0, stayed: 0, stayedEndMrr: 0 },
    // February: a and b at its start (300); both still pay at its end, 150 + 120.
    { start: FEB, atRisk: 2, startMrr: 300, stayed: 2, stayedEndMrr: 270 },
    // March: a and b (270); b stays at 120.
    { start: MAR, atRisk: 2, startMrr: 270, stayed: 1, stayedEndMrr: 120 },
  ]);
});

test('a cut at March 1 sees nothing from March on', async () => {
  const h = await withSmallWarehouse(DATA, (db) => readCohortHistory(db, MAR));
  assert.deepEqual(h?.months, [JAN, FEB]);
  assert.deepEqual(h?.cohorts[0], { start: JAN, survivors: [2, 2], mrr: [300, 270] });
  assert.equal(h?.cohorts.length, 2, "d's return on Mar 10 is after the cut");
});
