import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type CohortState,
  expectedSurvivors,
  kpiFromOutcome,
  type MonthInputs,
  projectMonths,
} from './project.ts';

const close = (a: number | null, b: number, tol = 1e-9) =>
  assert.ok(a !== null && Math.abs(a - b) < tol, `${a} ≠ ${b}`);

test('two months of the point forecast, worked by hand', () => {
  // One cohort: 100 customers paying 5,000 at the end of its first month (age 0), curve α = 1, β = 3.
  // Each month: ARPA drift 1.02, 10 arrivals at ARPA 40 following the same curve.
  const params = { alpha: 1, beta: 3 };
  const start: CohortState[] = [{ survivors: 100, mrr: 5000, age: 0, params }];
  const inputs = (): MonthInputs => ({
    drift: 1.02,
    arrivals: 10,
    arrivalArpa: 40,
    arrivalParams: params,
    churnLevel: 1,
    survive: expectedSurvivors,
  });
  const [m1, m2] = projectMonths(start, 2, inputs);
  assert.ok(m1 && m2);
  // Month 1: r(1) = β/(α + β) = 3/4, so 75 of 100 stay (churn 0.25); they keep ARPA 5000/100 = 50 × 1.02:
  // 75 × 51 = 3,825 (NRR 3825/5000 = 0.765); with the arrivals' 10 × 40 = 400, MRR 4,225.
  close(kpiFromOutcome('customer_churn_rate', m1), 0.25);
  close(kpiFromOutcome('customer_retention_rate', m1), 0.75);
  close(kpiFromOutcome('net_revenue_retention', m1), 0.765);
  close(kpiFromOutcome('mrr', m1), 4225);
  // Month 2: the first cohort at age 1 keeps r(2) = (β + 1)/(α + β + 1) = 4/5: 75 → 60, at ARPA 51 × 1.02;
  // month 1's arrivals keep 3/4: 10 → 7.5 at 40 × 1.02. At risk 85, stayed 67.5: churn 17.5/85 = 0.2058824.
  // Stayers' MRR 60 × 52.02 + 7.5 × 40.8 = 3121.2 + 306 = 3427.2 over 4,225 at the start: NRR 0.8111716;
  // MRR 3427.2 + 400 = 3,827.2.
  close(kpiFromOutcome('customer_churn_rate', m2), 17.5 / 85);
  close(kpiFromOutcome('customer_retention_rate', m2), 67.5 / 85);
  close(kpiFromOutcome('net_revenue_retention', m2), 3427.2 / 4225);
  close(kpiFromOutcome('mrr', m2), 3827.2, 1e-6);
});

test('the churn level scales each month’s churn probability', () => {
  // α = 1, β = 3: r(1) = 3/4, churn 1/4; at level 1.2 the churn is 0.3, so 70 of 100 stay.
  const [m] = projectMonths(
    [{ survivors: 100, mrr: 1000, age: 0, params: { alpha: 1, beta: 3 } }],
    1,
    () => ({
      drift: 1,
      arrivals: 0,
      arrivalArpa: 0,
      arrivalParams: { alpha: 1, beta: 3 },
      churnLevel: 1.2,
      survive: expectedSurvivors,
    }),
  );
  assert.ok(m);
  close(kpiFromOutcome('customer_churn_rate', m), 0.3);
});

test('a month with nobody paying at its start has no churn or NRR, never NaN', () => {
  const [m] = projectMonths([], 1, () => ({
    drift: 1,
    arrivals: 5,
    arrivalArpa: 10,
    arrivalParams: { alpha: 1, beta: 1 },
    churnLevel: 1,
    survive: expectedSurvivors,
  }));
  assert.ok(m);
  assert.equal(kpiFromOutcome('customer_churn_rate', m), null);
  assert.equal(kpiFromOutcome('net_revenue_retention', m), null);
  assert.equal(kpiFromOutcome('mrr', m), 50);
});
