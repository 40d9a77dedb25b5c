// Discounted CLV: month-by-month increments of BG/NBD's conditional expectation (Fader, Hardie & Lee 2005),
// discounted, times Gamma-Gamma's expected spend. Checked against the telescoping sum and the
// paper's worked customer (x = 2, t_x = 30.43, T = 38.86: 1.226 purchases expected in the next 39 weeks).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bgnbdExpectedPurchases } from './bgnbd.ts';
import { checkHorizon, customerLifetimeValue, discountedExpectedPurchases } from './clv.ts';

const BG = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const close = (actual: number, expected: number, tol: number) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${actual} is not within ${tol} of ${expected}`);

test('undiscounted, the monthly increments add up to the expectation over the whole horizon', () => {
  // 9 months of 39/9 weeks = the paper's 39-week forecast window.
  const h = { months: 9, monthlyDiscount: 0, periodsPerMonth: 39 / 9 };
  close(discountedExpectedPurchases(BG, 2, 30.43, 38.86, h), 1.226, 0.0005);
  close(
    discountedExpectedPurchases(BG, 2, 30.43, 38.86, h),
    bgnbdExpectedPurchases(BG, 39, 2, 30.43, 38.86),
    1e-12,
  );
  close(
    customerLifetimeValue(BG, 35, 2, 30.43, 38.86, h),
    35 * bgnbdExpectedPurchases(BG, 39, 2, 30.43, 38.86),
    1e-9,
  );
});

test('discounting lowers the value, and a longer horizon raises it', () => {
  const base = { months: 12, monthlyDiscount: 0, periodsPerMonth: 4.345 };
  const plain = discountedExpectedPurchases(BG, 5, 35, 38.86, base);
  const discounted = discountedExpectedPurchases(BG, 5, 35, 38.86, { ...base, monthlyDiscount: 0.01 });
  const longer = discountedExpectedPurchases(BG, 5, 35, 38.86, {
    ...base,
    monthlyDiscount: 0.01,
    months: 24,
  });
  assert.ok(discounted < plain && longer > discounted);
  // Each month's increment is divided by (1.01)^m ≥ 1.01, so the total falls by at least that factor.
  assert.ok(discounted <= plain / 1.01 + 1e-12);
});

test('a bad horizon is refused', () => {
  assert.throws(
    () => checkHorizon({ months: 0, monthlyDiscount: 0.01, periodsPerMonth: 4.345 }),
    /months must be/,
  );
  assert.throws(
    () => checkHorizon({ months: 3, monthlyDiscount: -1, periodsPerMonth: 4.345 }),
    /discount rate/,
  );
  assert.throws(
    () => checkHorizon({ months: 3, monthlyDiscount: 0, periodsPerMonth: 0 }),
    /periods per month/,
  );
});
