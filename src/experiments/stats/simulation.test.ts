// Simulated experiments with known truth (seeded): 95% intervals cover the true lift 94–96% of the time for
// means, proportions, ratios and CUPED (means and ratios); CUPED narrows the interval when the pre-period is
// correlated; under daily peeking at an A/A test the sequential analysis keeps its false-positive rate under
// α while the fixed-horizon test, peeked at the same way, exceeds it; SRM flags a planted 52/48 split at
// n = 20,000. Each check prints its numbers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeMetric, type MetricStatsInput } from './analyze.ts';
import type { MetricKind } from './estimates.ts';
import type { ArmSums } from './moments.ts';
import { sampleRatioMismatch } from './srm.ts';
import { addSums, binaryArm, normalArm, seededRng, sessionsArm } from './test-sufficient.ts';

const SIMULATIONS = 4000;

function settings(
  kind: MetricKind,
  arms: ArmSums[],
  extra: Partial<MetricStatsInput> = {},
): MetricStatsInput {
  return {
    kind,
    cuped: false,
    difference: 'relative',
    alpha: 0.05,
    method: 'frequentist',
    sequentialTuning: 5000,
    prior: { mean: 0, variance: null },
    higherIsBetter: true,
    arms,
    ...extra,
  };
}

/** Share of simulated experiments whose interval holds the true lift, and their mean width. */
function coverage(truth: number, draw: () => MetricStatsInput): { share: number; width: number } {
  let covered = 0;
  let width = 0;
  for (let i = 0; i < SIMULATIONS; i++) {
    const ci = analyzeMetric(draw()).comparisons[0]?.ci;
    assert.ok(ci, 'every simulated experiment has an interval');
    if (ci[0] <= truth && truth <= ci[1]) covered++;
    width += ci[1] - ci[0];
  }
  return { share: covered / SIMULATIONS, width: width / SIMULATIONS };
}

function assertCoverage(what: string, share: number): void {
  console.log(`coverage of 95% intervals, ${what}: ${(100 * share).toFixed(2)}% of ${SIMULATIONS}`);
  assert.ok(share >= 0.94 && share <= 0.96, `${what}: ${share}`);
}

test('95% intervals cover the true lift of means, proportions and ratios', () => {
  const rng = seededRng(1601);
  // Means: N(10, 5²) against N(10.5, 5²), 1,000 units an arm: lift 5%.
  const means = coverage(0.05, () =>
    settings('mean', [normalArm(rng, 'c', 1000, [10], [[25]]), normalArm(rng, 't', 1000, [10.5], [[25]])]),
  );
  assertCoverage('means', means.share);
  // Proportions: 20% against 22%, 1,000 units an arm: lift 10%.
  const rates = coverage(0.1, () =>
    settings('proportion', [binaryArm(rng, 'c', 1000, 0.2), binaryArm(rng, 't', 1000, 0.22)]),
  );
  assertCoverage('proportions', rates.share);
  // Ratios: conversions per session, 1 + Poisson(2) sessions a unit converting at 30% and 33%: lift 10%.
  const ratios = coverage(0.1, () =>
    settings('ratio', [sessionsArm(rng, 'c', 400, 2, 0.3), sessionsArm(rng, 't', 400, 2, 0.33)]),
  );
  assertCoverage('ratios', ratios.share);
  // The absolute difference of means too.
  const absolute = coverage(0.5, () =>
    settings('mean', [normalArm(rng, 'c', 1000, [10], [[25]]), normalArm(rng, 't', 1000, [10.5], [[25]])], {
      difference: 'absolute',
    }),
  );
  assertCoverage('absolute difference of means', absolute.share);
});

test('CUPED: intervals cover the true lift and narrow when the pre-period is correlated', () => {
  const rng = seededRng(1602);
  // (post, pre) ~ N, σ = 5 each, correlation 0.7; the treatment moves post from 10 to 10.5: lift 5% of the
  // unadjusted control mean. CUPED should keep √(1 − 0.7²) = 0.71 of the width.
  const cov = [
    [25, 17.5],
    [17.5, 25],
  ];
  const draw = (cuped: boolean) => () =>
    settings('mean', [normalArm(rng, 'c', 1000, [10, 10], cov), normalArm(rng, 't', 1000, [10.5, 10], cov)], {
      cuped,
    });
  const adjusted = coverage(0.05, draw(true));
  const plain = coverage(0.05, draw(false));
  assertCoverage('CUPED means', adjusted.share);
  const ratio = adjusted.width / plain.width;
  console.log(
    `CUPED interval width / unadjusted width at correlation 0.7: ${ratio.toFixed(3)} (√0.51 = 0.714)`,
  );
  assert.ok(ratio > 0.69 && ratio < 0.74, String(ratio));
  // Ratios with CUPED: (num, den) post and pre, normal, sd 1 and 2, corr(num, den) 0.5, corr(post, pre) 0.7.
  const corr = [
    [1, 0.5, 0.7, 0.35],
    [0.5, 1, 0.35, 0.7],
    [0.7, 0.35, 1, 0.5],
    [0.35, 0.7, 0.5, 1],
  ];
  const sd = [1, 2, 1, 2];
  const cov4 = corr.map((row, i) => row.map((r, j) => r * (sd[i] as number) * (sd[j] as number)));
  const ratioCuped = coverage(0.1, () =>
    settings(
      'ratio',
      [normalArm(rng, 'c', 1000, [3, 10, 3, 10], cov4), normalArm(rng, 't', 1000, [3.3, 10, 3, 10], cov4)],
      { cuped: true },
    ),
  );
  assertCoverage('CUPED ratios', ratioCuped.share);
});

test('daily peeking: the sequential test keeps α, the fixed-horizon test does not', () => {
  const rng = seededRng(1603);
  const experiments = 2000;
  const days = 30;
  let fixedFalse = 0;
  let sequentialFalse = 0;
  for (let e = 0; e < experiments; e++) {
    // A/A: 100 new units an arm a day from N(10, 5²); look every day at the running totals.
    let control = normalArm(rng, 'c', 100, [10], [[25]]);
    let treatment = normalArm(rng, 't', 100, [10], [[25]]);
    let fixedHit = false;
    let sequentialHit = false;
    for (let day = 1; day <= days; day++) {
      if (day > 1) {
        control = addSums(control, normalArm(rng, 'c', 100, [10], [[25]]));
        treatment = addSums(treatment, normalArm(rng, 't', 100, [10], [[25]]));
      }
      const arms = [control, treatment];
      if (!fixedHit)
        fixedHit = (analyzeMetric(settings('mean', arms)).comparisons[0]?.pValue as number) < 0.05;
      if (!sequentialHit) {
        const p = analyzeMetric(settings('mean', arms, { method: 'sequential' })).comparisons[0]?.pValue;
        sequentialHit = (p as number) < 0.05;
      }
      if (fixedHit && sequentialHit) break;
    }
    if (fixedHit) fixedFalse++;
    if (sequentialHit) sequentialFalse++;
  }
  const fixedRate = fixedFalse / experiments;
  const sequentialRate = sequentialFalse / experiments;
  console.log(
    `A/A tests peeked at daily for ${days} days (${experiments} experiments): false positives ` +
      `${(100 * fixedRate).toFixed(1)}% fixed-horizon, ${(100 * sequentialRate).toFixed(1)}% sequential (α = 5%)`,
  );
  assert.ok(sequentialRate <= 0.05, `sequential ${sequentialRate}`);
  assert.ok(fixedRate > 0.05, `fixed ${fixedRate}`);
});

test('SRM flags a planted 52/48 split at n = 20,000 and rarely a fair one', () => {
  const rng = seededRng(1604);
  const split = (p: number) => {
    let first = 0;
    for (let i = 0; i < 20_000; i++) if (rng.float() < p) first++;
    return sampleRatioMismatch([{ counts: [first, 20_000 - first], weights: [0.5, 0.5] }]).mismatch;
  };
  let planted = 0;
  for (let i = 0; i < 200; i++) if (split(0.52)) planted++;
  let fair = 0;
  for (let i = 0; i < 500; i++) if (split(0.5)) fair++;
  console.log(`SRM at n = 20,000: 52/48 flagged in ${planted} of 200, 50/50 in ${fair} of 500 (p < 0.001)`);
  assert.ok(planted >= 195, String(planted));
  assert.ok(fair <= 3, String(fair));
});
