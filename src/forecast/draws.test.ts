import assert from 'node:assert/strict';
import { test } from 'node:test';
import { binomialDraw, forecastRng, quantileOfSorted } from './draws.ts';

test('quantiles interpolate between order statistics (type 7)', () => {
  // h = (4 − 1)·0.5 = 1.5: halfway between the 2nd and 3rd values, 2.5; q = 0.1: h = 0.3, 1 + 0.3·1 = 1.3.
  assert.equal(quantileOfSorted([1, 2, 3, 4], 0.5), 2.5);
  assert.ok(Math.abs(quantileOfSorted([1, 2, 3, 4], 0.1) - 1.3) < 1e-12);
});

test('binomial draws have the binomial mean and variance, on both the exact and the approximate path', () => {
  const rng = forecastRng(3);
  for (const [n, p] of [
    [40, 0.1], // n·p = 4: exact inversion
    [2000, 0.97], // n·(1 − p) = 60: the normal approximation, through the complement
  ] as const) {
    const k = 20000;
    const xs = Array.from({ length: k }, () => binomialDraw(rng, n, p));
    const mean = xs.reduce((s, x) => s + x, 0) / k;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (k - 1);
    const v = n * p * (1 - p);
    // The sample mean's standard error is √(v/k); four of them is a generous band.
    assert.ok(Math.abs(mean - n * p) < 4 * Math.sqrt(v / k), `mean ${mean} for n=${n}, p=${p}`);
    // The sample variance's relative standard error is about √(2/k) ≈ 1%; allow 5%.
    assert.ok(Math.abs(variance / v - 1) < 0.05, `variance ${variance} vs ${v}`);
    assert.ok(xs.every((x) => Number.isInteger(x) && x >= 0 && x <= n));
  }
});
