import assert from 'node:assert/strict';
import { test } from 'node:test';
import { close } from '../../../test/support/kpi-assert.ts';
import { withSmallWarehouse } from '../../../test/support/small-warehouse.ts';
import { cohortMatrix } from './cohort-matrix.ts';

// Cohort 2024-01: a (signs up Jan 5, pays 100 from Jan 5 on) and b (Jan 20, pays 50, cancels Feb 10).
// Cohort 2024-02: c (Feb 10, pays 30 from Feb 10) and d (Feb 15, never pays).
// Data observed until 2024-03-15: March's cells are not over, so they are left out (not counted as losses).
const DATA = {
  customers: `customer_id,signed_up_at
    a,2024-01-05T00:00:00Z
    b,2024-01-20T00:00:00Z
    c,2024-02-10T00:00:00Z
    d,2024-02-15T00:00:00Z`,
  subscription_changes: `customer_id,effective_at,mrr
    a,2024-01-05T00:00:00Z,100
    b,2024-01-20T00:00:00Z,50
    b,2024-02-10T00:00:00Z,0
    c,2024-02-10T00:00:00Z,30`,
};

test('signup cohorts by age: paying share, MRR, cumulative revenue, realised LTV; unobserved cells left out', async () => {
  const m = await withSmallWarehouse(DATA, (db) =>
    cohortMatrix(db, { from: '2024-01-01', to: '2024-03-31', asOf: '2024-03-15T00:00:00.000Z' }),
  );
  const jan = m.cohorts.find((c) => c.cohort === '2024-01');
  const feb = m.cohorts.find((c) => c.cohort === '2024-02');
  assert.deepEqual([jan?.size, feb?.size], [2, 2]);
  // Sizes add up to the customers.
  assert.equal(
    m.cohorts.reduce((s, c) => s + c.size, 0),
    4,
  );
  // January cohort: age 0 (end of Jan) a and b pay (150); age 1 (end of Feb) only a (100); March unobserved.
  assert.deepEqual(
    jan?.cells.map((c) => [c.age, c.customers, c.retention, c.mrr]),
    [
      [0, 2, 1, 150],
      [1, 1, 0.5, 100],
    ],
  );
  // Revenue: Jan a 100×27 days + b 50×12 days = 3300 MRR-days; Feb a 100×29 + b 50×9 = 3350; per 30.4375 days.
  close(jan?.cells[0]?.cumulative_revenue, 3300 / 30.4375);
  close(jan?.cells[1]?.cumulative_revenue, 6650 / 30.4375);
  close(jan?.cells[1]?.realised_ltv, 6650 / 30.4375 / 2);
  // February cohort: age 0 only c pays 30 (20 days of February: 600 MRR-days); d never pays.
  assert.deepEqual(
    feb?.cells.map((c) => [c.age, c.customers, c.retention, c.mrr]),
    [[0, 1, 0.5, 30]],
  );
  close(feb?.cells[0]?.cumulative_revenue, 600 / 30.4375);
  // Averages weighted by size, over the cohorts that reached the age: age 0 (2 + 1) / (2 + 2); age 1 only
  // January's 1 / 2 — February's cohort is too young for age 1 and does not drag it down.
  assert.deepEqual(
    m.average.map((a) => [a.age, a.retention, a.cohorts]),
    [
      [0, 0.75, 2],
      [1, 0.5, 1],
    ],
  );
});
