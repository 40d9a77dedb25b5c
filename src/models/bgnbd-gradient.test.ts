// The columnar BG/NBD likelihood equals the per-customer one, its analytic gradient equals central
// differences, and a sample too large for the multi-start search alone (over 20,000 distinct rows) is
// fitted through the subsample start and the gradient polish, recovering the parameters it was drawn from.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bgnbdLogLikelihood, fitBgnbd, groupRfm } from './bgnbd.ts';
import { bgnbdColumnsLogLikelihood, rfmColumns } from './bgnbd-gradient.ts';
import { loadCdnow } from './cdnow.test-data.ts';
import { simulateBgnbd } from './test-samplers.ts';

const CDNOW_FIT = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

test('on CDNOW the columnar log-likelihood is the per-customer one, and the gradient is its slope', () => {
  const grouped = groupRfm(loadCdnow());
  const cols = rfmColumns(grouped);
  const theta = [CDNOW_FIT.r, CDNOW_FIT.alpha, CDNOW_FIT.a, CDNOW_FIT.b];
  const gradient = [0, 0, 0, 0];
  const ll = bgnbdColumnsLogLikelihood(theta, cols, gradient);
  // Fader, Hardie & Lee (2005) report LL = −9582.4 at these estimates.
  assert.ok(Math.abs(ll - bgnbdLogLikelihood(CDNOW_FIT, grouped)) < 1e-8, `${ll}`);
  assert.ok(Math.abs(ll - -9582.4) < 0.1, `${ll}`);
  // dLL/d ln θ by central differences with step 1e-5 in ln θ.
  for (let j = 0; j < 4; j++) {
    const at = (s: number) =>
      bgnbdColumnsLogLikelihood(
        theta.map((v, i) => (i === j ? v * Math.exp(s) : v)),
        cols,
      );
    const numeric = (at(1e-5) - at(-1e-5)) / 2e-5;
    assert.ok(
      Math.abs((gradient[j] as number) - numeric) < 1e-4 * Math.max(1, Math.abs(numeric)),
      `${j}: ${gradient[j]} vs ${numeric}`,
    );
  }
});

test('a large simulated sample is fitted on all its rows and recovers the parameters within 3 standard errors', () => {
  const rows = simulateBgnbd(60_000, CDNOW_FIT, 17);
  const fit = fitBgnbd(rows);
  assert.ok(fit.distinctRows > 20_000, `${fit.distinctRows} distinct rows`);
  assert.ok(fit.converged);
  for (const k of ['r', 'alpha', 'a', 'b'] as const) {
    const se = fit.standardErrors[k] as number;
    assert.ok(
      Math.abs(fit.params[k] - CDNOW_FIT[k]) < 3 * se,
      `${k}: ${fit.params[k]} ± ${se}, truth ${CDNOW_FIT[k]}`,
    );
  }
});
