// The SRM check against R's chisq.test(x, p = w) and closed forms of the χ² tail.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sampleRatioMismatch } from './srm.ts';

const close = (actual: number, expected: number, tol: number) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${actual} is not within ${tol} of ${expected}`);

test('two arms: chisq.test(c(1000, 1200), p = c(0.5, 0.5)) gives X² = 18.182, p = 2.008e-05', () => {
  const r = sampleRatioMismatch([{ counts: [1000, 1200], weights: [0.5, 0.5] }]);
  close(r.chiSquare, 200 / 11, 1e-12); // 2 · 100²/1100
  assert.equal(r.df, 1);
  close(r.pValue, 2.007865612426481e-5, 1e-12);
  assert.equal(r.mismatch, true);
  assert.deepEqual(r.expected, [1100, 1100]);
  assert.match(r.messages[0] as string, /sample-ratio mismatch/);
});

test('three arms and weights on any scale', () => {
  // Expected 333.3 each: X² = (13.3² + 6.67² + 6.67²)/333.3 = 0.8; with 2 df the tail is e^(−X²/2).
  const r = sampleRatioMismatch([{ counts: [320, 340, 340], weights: [1, 1, 1] }]);
  close(r.chiSquare, 0.8, 1e-12);
  close(r.pValue, Math.exp(-0.4), 1e-14);
  assert.equal(r.mismatch, false);
  assert.deepEqual(r.messages, []);
  // A 1:2 split asked as weights 1 and 2: 300/700 against 333.3/666.7.
  const split = sampleRatioMismatch([{ counts: [300, 700], weights: [1, 2] }]);
  close(split.chiSquare, (100 / 3) ** 2 / (1000 / 3) + (100 / 3) ** 2 / (2000 / 3), 1e-12);
});

test('weights changed during the run: each period against its own weights, and said', () => {
  const periods = [
    { counts: [500, 500], weights: [0.5, 0.5] },
    { counts: [300, 700], weights: [0.3, 0.7] },
  ];
  const r = sampleRatioMismatch(periods);
  close(r.chiSquare, 0, 1e-12);
  assert.equal(r.df, 2);
  assert.equal(r.mismatch, false);
  assert.equal(r.weightsChanged, true);
  assert.deepEqual(r.expected, [800, 1200]);
  assert.match(r.messages.join(' '), /weights changed during the run/);
  // Judging the pooled 800/1200 against the first weights would cry mismatch (X² = 80).
  assert.equal(sampleRatioMismatch([{ counts: [800, 1200], weights: [0.5, 0.5] }]).mismatch, true);
});

test('no units yet, and bad input', () => {
  const empty = sampleRatioMismatch([{ counts: [0, 0], weights: [1, 1] }]);
  assert.equal(empty.pValue, 1);
  assert.equal(empty.df, 0);
  assert.throws(() => sampleRatioMismatch([{ counts: [1, 2, 3], weights: [1, 1] }]), /one per arm/);
  assert.throws(() => sampleRatioMismatch([{ counts: [1, -2], weights: [1, 1] }]), /counts\[1\]/);
  assert.throws(
    () => sampleRatioMismatch([{ counts: [1, 2], weights: [1, 0] }]),
    /weights\[1\] must be a number > 0/,
  );
  assert.throws(() => sampleRatioMismatch([{ counts: [1], weights: [1] }]), /at least two arms/);
});
