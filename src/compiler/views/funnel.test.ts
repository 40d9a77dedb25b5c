import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withSmallWarehouse } from '../../../test/support/small-warehouse.ts';
import { periodsBetween } from '../periods.ts';
import { funnelSteps } from './funnel.ts';

// Steps signup_started → workspace_created → first_project_created within 7 days of step 1; as_of Feb 3.
//   A: Jan 2, Jan 3, Jan 5                         → reaches 3.
//   B: Jan 10; project Jan 11 comes before its workspace (Jan 12), and none after → reaches 2.
//   C: Jan 20; workspace Jan 29, 9 days later      → reaches 1.
//   D: Jan 30; its window ends Feb 6, after as_of  → censored (started, in no step).
const DATA = {
  customers: `customer_id,signed_up_at
    A,2024-01-01T00:00:00Z
    B,2024-01-01T00:00:00Z
    C,2024-01-01T00:00:00Z
    D,2024-01-01T00:00:00Z`,
  events: `event_id,customer_id,occurred_at,name
    a1,A,2024-01-02T10:00:00Z,signup_started
    a2,A,2024-01-03T10:00:00Z,workspace_created
    a3,A,2024-01-05T10:00:00Z,first_project_created
    b1,B,2024-01-10T10:00:00Z,signup_started
    b2,B,2024-01-11T10:00:00Z,first_project_created
    b3,B,2024-01-12T10:00:00Z,workspace_created
    c1,C,2024-01-20T10:00:00Z,signup_started
    c2,C,2024-01-29T10:00:00Z,workspace_created
    d1,D,2024-01-30T10:00:00Z,signup_started`,
};

test('funnel steps: January 4 started, 1 censored, reached 3 → 2 → 1', async () => {
  const rows = await withSmallWarehouse(DATA, (db) =>
    funnelSteps(db, {
      periods: periodsBetween('2024-01-01', '2024-01-31', 'month'),
      asOf: '2024-02-03T00:00:00.000Z',
      steps: ['signup_started', 'workspace_created', 'first_project_created'],
      windowDays: 7,
    }),
  );
  assert.equal(rows.length, 1);
  const jan = rows[0];
  assert.ok(jan);
  assert.deepEqual([jan.started, jan.censored], [4, 1]);
  // From the start: 3/3, 2/3, 1/3; from the step before: 3/3, 2/3, 1/2.
  assert.deepEqual(
    jan.steps.map((s) => [s.name, s.reached, s.from_start, s.from_previous]),
    [
      ['signup_started', 3, 1, 1],
      ['workspace_created', 2, 2 / 3, 2 / 3],
      ['first_project_created', 1, 1 / 3, 1 / 2],
    ],
  );
});
