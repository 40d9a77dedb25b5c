import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TenureError } from '../errors/tenure-error.ts';
import { fitLogistic, logisticProbability } from './logistic.ts';
import { seededRng } from './test-samplers.ts';

const close = (actual: number | null, expected: number, tol: number) =>
  assert.ok(actual !== null && Math.abs(actual - expected) < tol, `${actual} ≉ ${expected}`);

/** Rows of a 2 × 2 table: `events` of `n` rows with x = value have y = 1. */
function table(cells: { x: number; n: number; events: number }[]) {
  const x: number[] = [];
  const y: number[] = [];
  for (const c of cells)
    for (let i = 0; i < c.n; i++) {
      x.push(c.x);
      y.push(i < c.events ? 1 : 0);
    }
  return { x, y };
}

test('a binary predictor: the fit equals the closed-form log odds and Woolf standard errors', () => {
  // With one 0/1 predictor the maximum-likelihood logistic fit is saturated (Agresti, Categorical Data
  // Analysis, 3rd ed., §5.1 and §3.1.5): β₀ = logit of the rate at x = 0, β₁ = the log odds ratio, and
  // the inverse information gives SE(β₀) = √(1/a + 1/b), SE(β₁) = √(1/a + 1/b + 1/c + 1/d) (Woolf).
  // x = 0: a = 10 events, b = 30 non-events; x = 1: c = 20, d = 20.
  // β₀ = ln(10/30) = −1.0986123; β₁ = ln(20/20) − ln(10/30) = 1.0986123;
  // SE(β₀) = √(0.1 + 0.0333333) = 0.3651484; SE(β₁) = √(0.1 + 0.0333333 + 0.05 + 0.05) = 0.4830459.
  const { x, y } = table([
    { x: 0, n: 40, events: 10 },
    { x: 1, n: 40, events: 20 },
  ]);
  const fit = fitLogistic({ x, y, columns: 1, names: ['treated'] });
  assert.equal(fit.converged, true);
  const [b0, b1] = fit.coefficients;
  close(b0?.estimate ?? null, -1.0986123, 1e-6);
  close(b1?.estimate ?? null, 1.0986123, 1e-6);
  close(b0?.standardError ?? null, 0.3651484, 1e-6);
  close(b1?.standardError ?? null, 0.4830459, 1e-6);
  assert.equal(b1?.name, 'treated');
  // The 95% interval is β ± 1.959964 SE: 1.0986123 ± 0.9467528.
  close(b1?.lower ?? null, 0.1518595, 1e-5);
  close(b1?.upper ?? null, 2.0453651, 1e-5);
  // Fitted probability at x = 1 is the observed rate 20/40.
  close(
    logisticProbability(
      fit.coefficients.map((c) => c.estimate),
      [1],
    ),
    0.5,
    1e-9,
  );
});

test('simulated data: every true coefficient lies within three standard errors of its estimate', () => {
  // y ~ Bernoulli(logistic(−2 + 0.8·x₁ − 0.5·x₂ + 0·x₃)), x₁ ~ N(0, 1), x₂ ~ Bernoulli(0.4), x₃ ~ N(0, 1).
  const truth = [-2, 0.8, -0.5, 0];
  const rng = seededRng(11);
  const n = 20000;
  const x = new Float64Array(n * 3);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const row = [rng.normal(), rng.float() < 0.4 ? 1 : 0, rng.normal()];
    x.set(row, i * 3);
    const eta = (truth[0] as number) + row.reduce((s, v, j) => s + v * (truth[j + 1] as number), 0);
    y[i] = rng.float() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
  }
  const fit = fitLogistic({ x, y, columns: 3 });
  assert.equal(fit.converged, true);
  fit.coefficients.forEach((c, j) => {
    const se = c.standardError as number;
    assert.ok(se > 0 && se < 0.1, `SE of ${c.name} is ${se}`);
    assert.ok(Math.abs(c.estimate - (truth[j] as number)) < 3 * se, `${c.name}: ${c.estimate} ± ${se}`);
  });
});

test('a ridge penalty shrinks the slopes and leaves the score equation X′(y − p) = λβ', () => {
  const { x, y } = table([
    { x: 0, n: 40, events: 10 },
    { x: 1, n: 40, events: 20 },
  ]);
  const lambda = 5;
  const fit = fitLogistic({ x, y, columns: 1, lambda });
  const beta = fit.coefficients.map((c) => c.estimate);
  assert.ok((beta[1] as number) > 0 && (beta[1] as number) < 1.0986123, 'shrunk towards 0');
  // At the penalised optimum the intercept's score is 0 and the slope's equals λ·β₁.
  let s0 = 0;
  let s1 = 0;
  x.forEach((v, i) => {
    const r = (y[i] as number) - logisticProbability(beta, [v]);
    s0 += r;
    s1 += r * v;
  });
  close(s0, 0, 1e-8);
  close(s1, lambda * (beta[1] as number), 1e-8);
});

test('inputs that cannot be fitted are refused with the field named', () => {
  const refused = (input: Parameters<typeof fitLogistic>[0], pattern: RegExp) =>
    assert.throws(
      () => fitLogistic(input),
      (e) => e instanceof TenureError && e.code === 'bad_input' && pattern.test(e.message),
    );
  refused({ x: [1, 2, 3], y: [0, 0, 0], columns: 1 }, /rows of both outcomes/);
  refused({ x: [1, 2], y: [0, 1], columns: 1 }, /2 rows cannot fit 2 coefficients/);
  refused({ x: [1, 2, 3], y: [0, 2, 1], columns: 1 }, /y\[1\] must be 0 or 1/);
  refused({ x: [1, Number.NaN, 3, 4], y: [0, 1, 0, 1], columns: 1, names: ['usage'] }, /x\[1\]\.usage/);
});
