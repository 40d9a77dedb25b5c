// Holm and Benjamini–Hochberg against R's p.adjust and the example of Benjamini & Hochberg (1995),
// "Controlling the false discovery rate", JRSS B 57: 289–300, §4: fifteen p-values from a study of myocardial
// infarction; at q = 0.05 the step-up procedure rejects the four smallest, Bonferroni-type methods three.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { adjustComparisons, adjustPValues } from './multiple-testing.ts';

function closeAll(actual: number[], expected: number[], tol: number): void {
  actual.forEach((a, i) => {
    assert.ok(
      Math.abs(a - (expected[i] as number)) <= tol,
      `[${i}] ${a} is not within ${tol} of ${expected[i]}`,
    );
  });
}

test("p.adjust(c(0.01, 0.04, 0.03), 'holm' | 'BH'), in the input's order", () => {
  // Holm: sorted 0.01·3 = 0.03, 0.03·2 = 0.06, 0.04·1 = 0.04 → running max 0.06. R: 0.03 0.06 0.06.
  closeAll(adjustPValues([0.01, 0.04, 0.03], 'holm'), [0.03, 0.06, 0.06], 1e-15);
  // BH: from the top 0.04·3/3 = 0.04, 0.03·3/2 = 0.045 → running min 0.04, 0.01·3 = 0.03. R: 0.03 0.04 0.04.
  closeAll(adjustPValues([0.01, 0.04, 0.03], 'bh'), [0.03, 0.04, 0.04], 1e-15);
  closeAll(adjustPValues([0.9, 0.8], 'holm'), [1, 1], 0);
  assert.deepEqual(adjustPValues([], 'bh'), []);
});

const BH_1995 = [
  0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.324, 0.4262, 0.5719, 0.6528,
  0.759, 1,
];

test('the fifteen p-values of Benjamini & Hochberg (1995)', () => {
  const bh = adjustPValues(BH_1995, 'bh');
  assert.equal(bh.filter((p) => p <= 0.05).length, 4);
  // scipy.stats.false_discovery_control(p) and R's p.adjust(p, "BH"): 0.0015, 0.003, 0.0095, 0.035625, 0.0603, …
  closeAll(bh.slice(0, 6), [0.0015, 0.003, 0.0095, 0.035625, 0.0603, 0.0638571428571], 1e-12);
  const holm = adjustPValues(BH_1995, 'holm');
  assert.equal(holm.filter((p) => p <= 0.05).length, 3);
  // By hand: 0.0001·15, 0.0004·14, 0.0019·13, 0.0095·12, 0.0201·11.
  closeAll(holm.slice(0, 5), [0.0015, 0.0056, 0.0247, 0.114, 0.2211], 1e-12);
});

test('the scope chosen in the plan: within each metric, or across all of them', () => {
  const tests = [
    { metric: 'retention', arm: 'b', pValue: 0.01 },
    { metric: 'retention', arm: 'c', pValue: 0.04 },
    { metric: 'revenue', arm: 'b', pValue: 0.03 },
  ];
  const within = adjustComparisons(tests, 'holm', 'within_metric');
  closeAll(
    within.map((t) => t.adjustedPValue),
    [0.02, 0.04, 0.03],
    1e-15,
  );
  const across = adjustComparisons(tests, 'holm', 'across_metrics');
  closeAll(
    across.map((t) => t.adjustedPValue),
    [0.03, 0.06, 0.06],
    1e-15,
  );
  assert.equal(across[2]?.metric, 'revenue');
  assert.throws(() => adjustPValues([0.1, Number.NaN], 'bh'), /p-value 2/);
  assert.throws(() => adjustPValues([1.2], 'holm'), /from 0 to 1/);
});
