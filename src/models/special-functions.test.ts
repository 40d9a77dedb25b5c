// Special functions against values from their closed forms (Abramowitz & Stegun, ch. 6 and 26).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chiSquareSurvival, hyp2f1, lbeta, lgamma, logSumExp, normalQuantile } from './special-functions.ts';

const close = (actual: number, expected: number, tol: number) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${actual} is not within ${tol} of ${expected}`);

test('lgamma matches known values from tiny to large arguments', () => {
  close(lgamma(1), 0, 1e-15);
  close(lgamma(2), 0, 1e-15);
  close(lgamma(0.5), Math.log(Math.sqrt(Math.PI)), 1e-14);
  close(lgamma(10), Math.log(362880), 1e-13); // 9!
  close(lgamma(171), 706.5730622457874, 1e-10); // ln 170!
  // Γ(3.7) = 2.7 · 1.7 · 0.7 · Γ(0.7), Γ(0.7) = 1.298055332647558 (A&S table 6.1).
  close(lgamma(3.7), Math.log(2.7 * 1.7 * 0.7 * 1.298055332647558), 1e-13);
  // Near 0, ln Γ(x) ≈ −ln x − γx (Euler's γ = 0.5772156649).
  close(lgamma(1e-8), -Math.log(1e-8) - 0.5772156649e-8, 1e-12);
  assert.equal(lgamma(0), Number.POSITIVE_INFINITY);
});

test('lbeta, logSumExp and the hypergeometric series agree with closed forms', () => {
  close(lbeta(2, 3), Math.log(1 / 12), 1e-14); // B(2,3) = 1!2!/4! = 1/12
  close(logSumExp(Math.log(2), Math.log(3)), Math.log(5), 1e-15);
  close(logSumExp(-1e308, 0), 0, 0);
  close(logSumExp(1000, 1000), 1000 + Math.log(2), 1e-12);
  // ₂F₁(1, 1; 2; z) = −ln(1 − z)/z.
  close(hyp2f1(1, 1, 2, 0.9), -Math.log(0.1) / 0.9, 1e-12);
  close(hyp2f1(0.5, 1, 1, 0.3), (1 - 0.3) ** -0.5, 1e-14); // ₂F₁(a, b; b; z) = (1 − z)^−a
});

test('chi-square upper tail and normal quantile', () => {
  close(chiSquareSurvival(3.841458820694124, 1), 0.05, 1e-12);
  close(chiSquareSurvival(5, 2), Math.exp(-2.5), 1e-14); // df 2: e^(−x/2)
  close(chiSquareSurvival(30, 4), Math.exp(-15) * (1 + 15), 1e-16); // df 4: e^(−x/2)(1 + x/2)
  assert.equal(chiSquareSurvival(0, 3), 1);
  close(normalQuantile(0.975), 1.959963984540054, 1e-8);
  close(normalQuantile(0.5), 0, 1e-12);
  close(normalQuantile(0.001), -3.090232306167813, 1e-8);
});
