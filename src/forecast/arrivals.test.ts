import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TenureError } from '../errors/tenure-error.ts';
import { arrivalRate, fitArrivalTrend } from './arrivals.ts';

test('counts growing exactly 10% a month give back that growth, with no over-dispersion', () => {
  // 100·1.1^i for i = 0…5: the Poisson regression fits them exactly, so the slope is ln 1.1, the rate at
  // month 6 is 100·1.1⁶ = 177.1561 and Pearson's χ² is 0 (φ floored at 1).
  const counts = [0, 1, 2, 3, 4, 5].map((i) => 100 * 1.1 ** i);
  const t = fitArrivalTrend(counts);
  assert.ok(Math.abs(t.slope - Math.log(1.1)) < 1e-9);
  assert.ok(Math.abs(arrivalRate(t, 6) - 177.1561) < 1e-6);
  assert.equal(t.dispersion, 1);
  assert.equal(t.months, 6);
});

test('with fewer months than the slope needs, the rate is the mean, widened by over-dispersion', () => {
  // 10, 20, 30: mean 20; Pearson χ² = (10 − 20)²/20 + 0 + (30 − 20)²/20 = 10 on 2 degrees of freedom, φ = 5;
  // var(ln λ) = φ / Σ counts = 5/60.
  const t = fitArrivalTrend([10, 20, 30]);
  assert.equal(t.slope, 0);
  assert.ok(Math.abs(arrivalRate(t, 3) - 20) < 1e-12);
  assert.ok(Math.abs(t.dispersion - 5) < 1e-12);
  assert.ok(Math.abs(t.covariance[0][0] - 5 / 60) < 1e-12);
});

test('months without a single arrival are refused with what to do', () => {
  assert.throws(
    () => fitArrivalTrend([0, 0, 0]),
    (e: unknown) => e instanceof TenureError && e.code === 'bad_input' && /--as-of/.test(e.hint),
  );
});
