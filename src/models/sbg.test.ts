// sBG against Fader & Hardie (2007), "How to project customer retention", J. Interactive Marketing
// 21(1): 76–90. Their data (after Berry & Linoff 2004): survivors of 1,000-customer cohorts over 12 years;
// the model is calibrated on years 1–7 (survivors at years 0–7), giving regular α = 0.704, β = 1.182
// (LL −1680.3) and high end α = 0.668, β = 3.806 (LL −1611.2), then projected to years 8–12.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  fitSbg,
  projectSbg,
  sbgDiscountedLifetime,
  sbgDiscountedResidualLifetime,
  sbgExpectedLifetime,
  sbgLogLikelihood,
  sbgRetentionRate,
  sbgSurvival,
  sbgTruncatedLifetime,
} from './sbg.ts';
import { betaDraw, seededRng } from './test-samplers.ts';

const REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241, 223, 207, 194, 183, 173];
const HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491, 468, 445, 427, 409, 394];
const close = (actual: number, expected: number, tol: number, what = '') =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what} ${actual} is not within ${tol} of ${expected}`);

test('sBG reproduces the published estimates for both cohorts (years 1–7)', () => {
  const regular = fitSbg(REGULAR.slice(0, 8));
  close(regular.params.alpha, 0.704, 0.0005, 'alpha');
  close(regular.params.beta, 1.182, 0.0005, 'beta');
  close(regular.logLikelihood, -1680.3, 0.05, 'LL');
  const highEnd = fitSbg(HIGH_END.slice(0, 8));
  close(highEnd.params.alpha, 0.668, 0.0005, 'alpha');
  close(highEnd.params.beta, 3.806, 0.0005, 'beta');
  close(highEnd.logLikelihood, -1611.2, 0.05, 'LL');
  for (const fit of [regular, highEnd]) {
    assert.ok(fit.converged);
    assert.ok((fit.standardErrors.alpha ?? 0) > 0 && (fit.standardErrors.beta ?? 0) > 0);
  }
});

test('the projection tracks the held-out years 8–12 as the paper shows', () => {
  // As in the paper's projection plot, the regular cohort's projected survivors stay within a few
  // customers of the actual ones in the held-out years.
  const { params } = fitSbg(REGULAR.slice(0, 8));
  const rows = projectSbg(params, 1000, 12, REGULAR);
  for (const row of rows.slice(7))
    close(row.expectedSurvivors, row.observed as number, 6, `year ${row.period}`);
  // Retention rises with tenure: r(t) = (β + t − 1)/(α + β + t − 1).
  close(sbgRetentionRate(params, 1), params.beta / (params.alpha + params.beta), 1e-12);
  assert.ok(rows.every((r, i) => i === 0 || r.retentionRate > (rows[i - 1] as typeof r).retentionRate));
  close(rows[2]?.survival ?? 0, sbgSurvival(params, 3), 1e-12);
});

test('expected lifetime, DEL and DERL agree with direct sums', () => {
  const params = { alpha: 0.704, beta: 1.182 };
  assert.equal(sbgExpectedLifetime(params), null); // α ≤ 1: infinite mean lifetime
  const p2 = { alpha: 3, beta: 5 };
  const mean = sbgExpectedLifetime(p2) as number;
  close(mean, (3 + 5 - 1) / (3 - 1), 1e-12);
  close(sbgTruncatedLifetime(p2, 20000), mean, 1e-3);
  const d = 0.1;
  let del = 0;
  for (let t = 1; t < 5000; t++) del += sbgSurvival(params, t - 1) / (1 + d) ** (t - 1);
  close(sbgDiscountedLifetime(params, d), del, 1e-9, 'DEL');
  // DERL after n − 1 = 4 renewals: Σ_{t ≥ 5} S(t)/S(4)/(1 + d)^{t−5}.
  let derl = 0;
  for (let t = 5; t < 5000; t++) derl += sbgSurvival(params, t) / sbgSurvival(params, 4) / (1 + d) ** (t - 5);
  close(sbgDiscountedResidualLifetime(params, d, 4), derl, 1e-9, 'DERL');
  assert.throws(() => sbgDiscountedLifetime(params, 0), /discount rate must be a number > 0/);
});

test('the fit converges from poor starting points', () => {
  for (const start of [
    [0.01, 0.01],
    [100, 100],
    [0.01, 100],
  ]) {
    const fit = fitSbg(REGULAR.slice(0, 8), { starts: [start] });
    close(fit.params.alpha, 0.704, 0.0005, `alpha from ${start}`);
    close(fit.params.beta, 1.182, 0.0005, `beta from ${start}`);
  }
});

test('simulated cohorts recover the true α and β within 3 standard errors', () => {
  const rng = seededRng(11);
  const truth = { alpha: 1.3, beta: 2.5 };
  const periods = 10;
  const survivors = new Array<number>(periods + 1).fill(0);
  for (let i = 0; i < 5000; i++) {
    const theta = betaDraw(rng, truth.alpha, truth.beta);
    let t = 0;
    survivors[0] = (survivors[0] as number) + 1;
    while (t < periods && rng.float() >= theta) {
      t++;
      survivors[t] = (survivors[t] as number) + 1;
    }
  }
  const fit = fitSbg(survivors);
  for (const name of ['alpha', 'beta'] as const) {
    const se = fit.standardErrors[name] as number;
    assert.ok(Math.abs(fit.params[name] - truth[name]) < 3 * se, `${name} ${fit.params[name]} ± ${se}`);
  }
  assert.ok(sbgLogLikelihood(fit.params, survivors) >= sbgLogLikelihood(truth, survivors));
});

test('series that cannot be fitted are refused with what to do', () => {
  assert.throws(() => fitSbg([1000, 631]), /at least 3 values/);
  assert.throws(
    () => fitSbg([1000, 631, 700]),
    /must not increase: value 3 \(700\) is above value 2 \(631\)/,
  );
  assert.throws(() => fitSbg([1000, 1000, 1000]), /no customer churned/);
  assert.throws(() => fitSbg([1000, 0, 0]), /every customer churned in the first period/);
  assert.throws(() => fitSbg([0, 0, 0]), /cohort is empty/);
  assert.throws(() => fitSbg([1000, Number.NaN, 3]), /not a count/);
});
