import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withSmallWarehouse } from '../../../test/support/small-warehouse.ts';
import { periodsBetween } from '../periods.ts';
import { activationCohorts } from './activation-cohorts.ts';

// No milestones: an account activates at signup. Day 0 is the UTC day of signup.
//   A signs up Jan 1 10:00Z (day 0 Jan 1); active Jan 2 (day 1) and Jan 8 (day 7).
//   B signs up Jan 5 23:30 −02:00 = Jan 6 01:30Z (day 0 Jan 6); active Jan 7 00:10Z (day 1), Jan 20 (day 14).
//   C signs up Jan 10; never active.   D signs up Feb 10; active Feb 11 (day 1).   March: nobody.
// as_of Feb 20 00:00Z. January's last possible day 0 is Jan 31: day N is over when Jan 31 + N < Feb 20, so
// N = 1, 7, 14 are observed. February's last day 0 is Feb 29: no N ≥ 1 is observed by Feb 20.
const DATA = {
  customers: `customer_id,signed_up_at
    A,2024-01-01T10:00:00Z
    B,2024-01-05T23:30:00-02:00
    C,2024-01-10T12:00:00Z
    D,2024-02-10T09:00:00Z`,
  events: `event_id,customer_id,occurred_at,name
    a1,A,2024-01-02T09:00:00Z,login
    a2,A,2024-01-08T09:00:00Z,login
    a3,A,2024-01-08T10:00:00Z,use_reports
    b1,B,2024-01-07T00:10:00Z,login
    b2,B,2024-01-20T15:00:00Z,login
    d1,D,2024-02-11T08:00:00Z,login`,
};

const run = (mode: 'on_day' | 'on_or_after') =>
  withSmallWarehouse(DATA, (db) =>
    activationCohorts(db, {
      periods: periodsBetween('2024-01-01', '2024-03-31', 'month'),
      nDays: [1, 7, 14],
      mode,
      asOf: '2024-02-20T00:00:00.000Z',
      params: { activationMilestones: [] },
    }),
  );

const rates = (c: { cells: { n: number; returned: number; rate: number | null }[] }) =>
  c.cells.map((x) => [x.n, x.returned, x.rate]);

test('day-N retention "on day N": January 2/3, 1/3, 1/3; February not yet observed; March has no cohort', async () => {
  const v = await run('on_day');
  assert.deepEqual(
    v.cohorts.map((c) => [c.cohort_start.slice(0, 7), c.size]),
    [
      ['2024-01', 3],
      ['2024-02', 1],
    ],
  );
  const [jan, feb] = v.cohorts;
  assert.ok(jan && feb);
  // Day 1: A (Jan 2) and B (Jan 7); day 7: A (Jan 8), B is not active on Jan 13; day 14: B (Jan 20) only.
  assert.deepEqual(rates(jan), [
    [1, 2, 2 / 3],
    [7, 1, 1 / 3],
    [14, 1, 1 / 3],
  ]);
  // D came back on day 1, but February's day 1 is not over for every member: no rate, not a loss either.
  assert.deepEqual(rates(feb), [
    [1, 1, null],
    [7, 0, null],
    [14, 0, null],
  ]);
  // The average over observed cohorts only: January alone, weighted by its 3 members.
  assert.deepEqual(
    v.average.map((a) => [a.n, a.cohorts, a.customers, a.returned, a.rate]),
    [
      [1, 1, 3, 2, 2 / 3],
      [7, 1, 3, 1, 1 / 3],
      [14, 1, 3, 1, 1 / 3],
    ],
  );
});

test('day-N retention "on or after day N": January 2/3, 2/3, 1/3', async () => {
  const v = await run('on_or_after');
  // Day 7: A (Jan 8 ≥ Jan 8) and B (Jan 20 ≥ Jan 13); day 14: A has nothing from Jan 15 on, B has Jan 20.
  assert.deepEqual(rates(v.cohorts[0] ?? { cells: [] }), [
    [1, 2, 2 / 3],
    [7, 2, 2 / 3],
    [14, 1, 1 / 3],
  ]);
  assert.equal(v.mode, 'on_or_after');
});
