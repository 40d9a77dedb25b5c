import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TenureError } from '../errors/tenure-error.ts';
import { auc, brierScore, reliabilityTable } from './discrimination.ts';

test('AUC counts the pairs a score orders correctly', () => {
  // Positives score 0.35 and 0.8, negatives 0.1 and 0.4. Of the 2 × 2 pairs, 0.35 > 0.1, 0.8 > 0.1 and
  // 0.8 > 0.4 are ordered right and 0.35 < 0.4 is not: 3 / 4 = 0.75.
  assert.equal(auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), 0.75);
  // A perfect score and its reverse.
  assert.equal(auc([1, 2, 3, 4], [0, 0, 1, 1]), 1);
  assert.equal(auc([4, 3, 2, 1], [0, 0, 1, 1]), 0);
});

test('AUC counts a tie between a positive and a negative as half a pair', () => {
  // Positives 0.5 and 0.9, negatives 0.5 and 0.2: (0.5, 0.5) ties → ½; (0.5, 0.2), (0.9, 0.5) and
  // (0.9, 0.2) are right → 1 each. (½ + 3) / 4 = 0.875.
  assert.equal(auc([0.5, 0.5, 0.2, 0.9], [1, 0, 0, 1]), 0.875);
  // Every score equal: every pair a tie, 0.5.
  assert.equal(auc([3, 3, 3, 3, 3], [1, 0, 1, 0, 0]), 0.5);
});

test('AUC refuses outcomes of one kind only, naming the field', () => {
  assert.throws(
    () => auc([0.1, 0.2], [0, 0]),
    (e) => e instanceof TenureError && e.where.field === 'outcomes' && /both outcomes/.test(e.message),
  );
  assert.throws(() => auc([0.1, Number.NaN], [0, 1]), /scores\[1\] is not a finite number/);
});

test('Brier score is the mean squared error of the probabilities', () => {
  // (0.1 − 0)² + (0.6 − 1)² + (0.3 − 0)² + (0.9 − 1)² = 0.01 + 0.16 + 0.09 + 0.01 = 0.27; / 4 = 0.0675.
  assert.ok(Math.abs(brierScore([0.1, 0.6, 0.3, 0.9], [0, 1, 0, 1]) - 0.0675) < 1e-15);
});

test('the reliability table cuts sorted probabilities into equal-count bins', () => {
  const p = [0.9, 0.1, 0.2, 0.8, 0.3, 0.05];
  const y = [1, 0, 0, 1, 1, 0];
  // Sorted: 0.05 (0), 0.1 (0), 0.2 (0), 0.3 (1), 0.8 (1), 0.9 (1). Three bins of two rows:
  // [0.05, 0.1] mean 0.075, observed 0; [0.2, 0.3] mean 0.25, observed 0.5; [0.8, 0.9] mean 0.85, observed 1.
  const bins = reliabilityTable(p, y, 3);
  assert.deepEqual(
    bins.map((b) => [b.from, b.to, b.n, Number(b.meanPredicted.toFixed(10)), b.observedRate]),
    [
      [0.05, 0.1, 2, 0.075, 0],
      [0.2, 0.3, 2, 0.25, 0.5],
      [0.8, 0.9, 2, 0.85, 1],
    ],
  );
  // More bins than rows: empty bins are left out, each row its own bin.
  assert.equal(reliabilityTable([0.2, 0.4], [0, 1], 10).length, 2);
});
