// Gamma-Gamma against Fader, Hardie & Lee (2005), "RFM and CLV: using iso-value curves for customer base
// analysis", J. Marketing Research 42(4): 415–430, and Fader & Hardie (2013), "The Gamma-Gamma model of
// monetary value" (note 025): on the 946 CDNOW customers with a repeat purchase in the 39-week calibration
// period, p = 6.25, q = 3.74, γ = 15.44.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadCdnow } from './cdnow.test-data.ts';
import {
  fitGammaGamma,
  gammaGammaExpectedSpend,
  gammaGammaLogLikelihood,
  gammaGammaMeanSpend,
  repeatBuyers,
  type SpendRow,
} from './gamma-gamma.ts';
import { gammaDraw, seededRng } from './test-samplers.ts';

const close = (actual: number, expected: number, tol: number, what = '') =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what} ${actual} is not within ${tol} of ${expected}`);
const buyers = repeatBuyers(loadCdnow());

test('Gamma-Gamma reproduces the published CDNOW estimates', () => {
  assert.equal(buyers.length, 946);
  const fit = fitGammaGamma(buyers);
  close(fit.params.p, 6.25, 0.005, 'p');
  close(fit.params.q, 3.74, 0.005, 'q');
  // 15.448 here: the sample's average spends are rounded to cents, which moves γ in its second decimal.
  close(fit.params.v, 15.44, 0.01, 'v');
  assert.equal(fit.qAtMostOne, false);
  assert.ok(fit.converged);
  // The population mean spend pγ/(q − 1) ≈ 35.2 and each customer's expectation lies between it and
  // their own average (a weighted mean of the two).
  const mean = gammaGammaMeanSpend(fit.params) as number;
  close(mean, (6.25 * 15.44) / 2.74, 0.1, 'mean spend');
  for (const b of buyers.slice(0, 50)) {
    const e = gammaGammaExpectedSpend(fit.params, b.frequency, b.monetaryValue) as number;
    assert.ok(e >= Math.min(mean, b.monetaryValue) - 1e-9 && e <= Math.max(mean, b.monetaryValue) + 1e-9);
  }
});

test('the fit converges from poor starting points and weights identical rows', () => {
  for (const start of [
    [0.01, 0.01, 0.01],
    [100, 100, 100],
  ]) {
    const fit = fitGammaGamma(buyers, { starts: [start] });
    close(fit.params.p, 6.25, 0.005, `p from ${start}`);
    close(fit.params.q, 3.74, 0.005, `q from ${start}`);
  }
  const doubled: SpendRow[] = [...buyers, ...buyers];
  const weighted = buyers.map((b) => ({ ...b, count: 2 }));
  const params = { p: 6.25, q: 3.74, v: 15.44 };
  close(gammaGammaLogLikelihood(params, weighted), gammaGammaLogLikelihood(params, doubled), 1e-6);
});

function simulateSpend(
  seed: number,
  truth: { p: number; q: number; v: number },
  customers: number,
): SpendRow[] {
  const rng = seededRng(seed);
  return Array.from({ length: customers }, (_, i) => {
    const x = 1 + (i % 8);
    const nu = gammaDraw(rng, truth.q, truth.v);
    let total = 0;
    for (let k = 0; k < x; k++) total += gammaDraw(rng, truth.p, nu);
    return { frequency: x, monetaryValue: total / x };
  });
}

test('simulated spend recovers p, q and γ within 3 standard errors', () => {
  const truth = { p: 4, q: 5, v: 20 };
  const fit = fitGammaGamma(simulateSpend(3, truth, 3000));
  for (const name of ['p', 'q', 'v'] as const) {
    const se = fit.standardErrors[name] as number;
    assert.ok(Math.abs(fit.params[name] - truth[name]) < 3 * se, `${name} ${fit.params[name]} ± ${se}`);
  }
});

test('q ≤ 1 is flagged: the mean spend would be infinite', () => {
  const fit = fitGammaGamma(simulateSpend(4, { p: 3, q: 0.7, v: 10 }, 3000));
  assert.ok(fit.params.q <= 1, `q = ${fit.params.q}`);
  assert.equal(fit.qAtMostOne, true);
  assert.equal(gammaGammaMeanSpend(fit.params), null);
});

test('inputs that cannot be fitted are refused', () => {
  assert.throws(() => fitGammaGamma(buyers.slice(0, 3)), /too few customers with a repeat purchase/);
  const bad = buyers.slice(0, 20).map((b) => ({ ...b }));
  (bad[2] as SpendRow).monetaryValue = 0;
  assert.throws(() => fitGammaGamma(bad), /monetary_value must be a number > 0/);
});
