// Power and sample size against GrowthBook's published expectations (growthbook/growthbook,
// packages/shared/test/power.test.ts: mean 10, variance 3909.9997749994377, lift 5%, 400,000 users over 3
// variations → power 0.52144; sequential with N* = 5000 → 0.20596) and a hand computation.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalQuantile } from '../../models/distributions.ts';
import { type PowerPlan, power, sampleSize } from './power.ts';

const close = (actual: number, expected: number, tol: number) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${actual} is not within ${tol} of ${expected}`);

const PLAN: PowerPlan = {
  baselineMean: 10,
  baselineVariance: 3909.9997749994377,
  lift: 0.05,
  alpha: 0.05,
  method: 'frequentist',
  sequentialTuning: 5000,
};

test("GrowthBook's power: 0.52144 fixed-horizon, 0.20596 sequential", () => {
  const perArm = 400_000 / 3;
  close(power(PLAN, perArm, perArm), 0.52144, 5e-6);
  close(power({ ...PLAN, method: 'sequential' }, perArm, perArm), 0.20596, 5e-6);
});

test('sample size and duration: the smallest sample reaching the power, days at the arrival rate', () => {
  // A 10% conversion rate, +10%: SE² of the lift = 0.09/(n·0.01) + 0.09·0.11²/(n·0.1⁴) = 19.89/n per arm;
  // 80% power needs 0.1 = (z₀.₉₇₅ + z₀.₈)·√(19.89/n), n = 19.89·2.801585²/0.01 = 15,611.4 → 15,612 per arm.
  const plan: PowerPlan = { ...PLAN, baselineMean: 0.1, baselineVariance: 0.09, lift: 0.1 };
  const z = normalQuantile(0.975) - normalQuantile(0.2);
  close((19.89 * z * z) / 0.01, 15611.4, 0.05);
  const size = sampleSize(plan, 0.8, [0.5, 0.5], 1000);
  assert.ok(Math.abs((size.perArm[0] as number) - 15612) <= 1, JSON.stringify(size));
  assert.ok(size.power >= 0.8 && power(plan, (size.total - 1) / 2, (size.total - 1) / 2) < 0.8);
  assert.equal(size.days, Math.ceil(size.total / 1000));
  // A 20/80 split needs more units in all, and the sequential analysis more still.
  assert.ok(sampleSize(plan, 0.8, [0.2, 0.8]).total > size.total);
  assert.ok(sampleSize({ ...plan, method: 'sequential' }, 0.8, [0.5, 0.5]).total > size.total);
  // Three arms: each variant needs the same per-arm size as in a two-arm test.
  const three = sampleSize(plan, 0.8, [1, 1, 1]);
  assert.ok(Math.abs((three.perArm[1] as number) - 15612) <= 2, JSON.stringify(three));
});

test('bad plans are refused by name', () => {
  assert.throws(() => power({ ...PLAN, baselineMean: 0 }, 10, 10), /baseline_mean/);
  assert.throws(() => power({ ...PLAN, baselineVariance: -1 }, 10, 10), /baseline_variance/);
  assert.throws(() => power({ ...PLAN, lift: 0 }, 10, 10), /lift/);
  assert.throws(() => sampleSize(PLAN, 0.01), /power must be between alpha/);
  assert.throws(() => sampleSize(PLAN, 0.8, [1]), /a weight > 0/);
  assert.throws(() => sampleSize(PLAN, 0.8, [1, 1], 0), /arrivals per day/);
});
