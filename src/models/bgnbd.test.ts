// BG/NBD against Fader, Hardie & Lee (2005), "'Counting your customers' the easy way: an alternative to the
// Pareto/NBD model", Marketing Science 24(2): 275–284. On the CDNOW sample (2,357 customers, 39 weeks of
// calibration) they report r = 0.243, α = 4.414, a = 0.793, b = 2.426 and LL = −9582.4, and, as a worked
// example, an expected 1.226 purchases in the next 39 weeks for a customer with x = 2, t_x = 30.43, T = 38.86.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  bgnbdCustomerLogLikelihood,
  bgnbdExpectedPurchases,
  bgnbdExpectedPurchasesNew,
  bgnbdLogLikelihood,
  bgnbdProbabilityAlive,
  fitBgnbd,
  groupRfm,
  type RfmRow,
} from './bgnbd.ts';
import { loadCdnow } from './cdnow.test-data.ts';
import { betaDraw, gammaDraw, seededRng } from './test-samplers.ts';

const close = (actual: number, expected: number, tol: number, what = '') =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what} ${actual} is not within ${tol} of ${expected}`);
const PUBLISHED = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const cdnow = loadCdnow();

test('BG/NBD reproduces the published CDNOW estimates and log-likelihood', () => {
  const fit = fitBgnbd(cdnow);
  assert.equal(fit.customers, 2357);
  for (const name of ['r', 'alpha', 'a', 'b'] as const)
    close(fit.params[name], PUBLISHED[name], 0.0005, name);
  close(fit.logLikelihood, -9582.4, 0.05, 'LL');
  assert.ok(fit.converged);
  for (const se of Object.values(fit.standardErrors)) assert.ok(se !== null && se > 0);
  close(bgnbdExpectedPurchases(fit.params, 39, 2, 30.43, 38.86), 1.226, 0.0005, 'E[Y(39)]');
});

test('expectations behave: P(alive) is 1 without repeat purchases, E[X(t)] grows with t', () => {
  const p = PUBLISHED;
  assert.equal(bgnbdProbabilityAlive(p, 0, 0, 38.86), 1);
  const alive = bgnbdProbabilityAlive(p, 2, 30.43, 38.86);
  assert.ok(alive > 0 && alive < 1);
  // A customer who bought often but long ago is less likely alive than one who bought recently.
  assert.ok(bgnbdProbabilityAlive(p, 5, 5, 38.86) < bgnbdProbabilityAlive(p, 5, 38, 38.86));
  const e39 = bgnbdExpectedPurchasesNew(p, 39);
  const e78 = bgnbdExpectedPurchasesNew(p, 78);
  assert.ok(e39 > 0 && e78 > e39);
  // Over a short interval, E[X(t)] ≈ t·E[λ] = t·r/α (nobody has had time to drop out).
  close(bgnbdExpectedPurchasesNew(p, 0.001) / 0.001, p.r / p.alpha, 1e-4);
  // At a = 1 the closed forms divide by zero; the value is the limit from either side.
  const at1 = bgnbdExpectedPurchasesNew({ ...p, a: 1 }, 39);
  const sides = [0.999, 1.001].map((a) => bgnbdExpectedPurchasesNew({ ...p, a }, 39));
  assert.ok(Number.isFinite(at1) && at1 <= Math.max(...sides) && at1 >= Math.min(...sides));
  assert.ok(Number.isFinite(bgnbdExpectedPurchases({ ...p, a: 1 }, 39, 2, 30.43, 38.86)));
});

test('identical rows fitted once with a weight give the same log-likelihood as every row', () => {
  const grouped = groupRfm(cdnow);
  assert.ok(grouped.length < cdnow.length);
  assert.equal(
    grouped.reduce((s, g) => s + g.count, 0),
    cdnow.length,
  );
  close(bgnbdLogLikelihood(PUBLISHED, grouped), bgnbdLogLikelihood(PUBLISHED, cdnow), 1e-6);
});

test('the log-likelihood is finite at extreme parameters', () => {
  for (const params of [
    { r: 1e-8, alpha: 1e-8, a: 1e-8, b: 1e-8 },
    { r: 1e8, alpha: 1e8, a: 1e8, b: 1e8 },
    { r: 1e-8, alpha: 1e8, a: 1e8, b: 1e-8 },
  ]) {
    for (const [x, tx, T] of [
      [0, 0, 38.86],
      [20, 38, 38.86],
      [1, 0.01, 38.86],
    ] as const) {
      assert.ok(!Number.isNaN(bgnbdCustomerLogLikelihood(params, x, tx, T)), JSON.stringify({ params, x }));
    }
  }
});

test('the fit converges from poor starting points', () => {
  for (const start of [
    [0.01, 0.01, 0.01, 0.01],
    [100, 100, 100, 100],
  ]) {
    const fit = fitBgnbd(cdnow, { starts: [start] });
    close(fit.logLikelihood, -9582.4, 0.05, `LL from ${start}`);
    for (const name of ['r', 'alpha', 'a', 'b'] as const)
      close(fit.params[name], PUBLISHED[name], 0.001, name);
  }
});

test('simulated customers recover the true parameters within 3 standard errors', () => {
  const rng = seededRng(5);
  const truth = { r: 0.5, alpha: 4, a: 1.5, b: 4 };
  const rows: RfmRow[] = [];
  for (let i = 0; i < 6000; i++) {
    const T = 20 + (i % 30);
    const lambda = gammaDraw(rng, truth.r, truth.alpha);
    const p = betaDraw(rng, truth.a, truth.b);
    // Purchases after the first at exponential gaps; after each one the customer drops out with p.
    let t = 0;
    let x = 0;
    let last = 0;
    for (;;) {
      t += -Math.log(1 - rng.float()) / lambda;
      if (t > T) break;
      x++;
      last = t;
      if (rng.float() < p) break;
    }
    rows.push({ frequency: x, recency: Math.round(last * 100) / 100, T });
  }
  const fit = fitBgnbd(rows);
  for (const name of ['r', 'alpha', 'a', 'b'] as const) {
    const se = fit.standardErrors[name] as number;
    assert.ok(Math.abs(fit.params[name] - truth[name]) < 3 * se, `${name} ${fit.params[name]} ± ${se}`);
  }
});

test('inputs that cannot be fitted are refused, naming the row and field', () => {
  assert.throws(() => fitBgnbd(cdnow.slice(0, 5)), /too few customers to fit: 5/);
  const bad = cdnow.slice(0, 20).map((r) => ({ ...r }));
  (bad[3] as RfmRow).recency = 50;
  assert.throws(
    () => fitBgnbd(bad),
    (err: Error & { where?: { field?: string } }) => {
      assert.match(err.message, /recency must lie in \[0, T\]/);
      assert.equal(err.where?.field, 'rows[3].recency');
      return true;
    },
  );
  const none = cdnow.slice(0, 20).map((r) => ({ frequency: 0, recency: 0, T: r.T }));
  assert.throws(() => fitBgnbd(none), /no customer made a repeat purchase/);
});
