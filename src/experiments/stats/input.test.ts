// The metric-statistics file is refused with every problem named by its path, before any statistic runs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TenureError } from '../../errors/tenure-error.ts';
import { parseMetricStats } from './input.ts';

function refusal(json: unknown): TenureError {
  try {
    parseMetricStats(json);
  } catch (err) {
    assert.ok(err instanceof TenureError, String(err));
    assert.equal(err.code, 'bad_input');
    return err;
  }
  assert.fail('the input was accepted');
}

const arm = (name: string) => ({ name, n: 10, sum: 5, sum_squares: 5 });

test('defaults: relative, frequentist, α = 0.05, N* = 5000, flat prior', () => {
  const input = parseMetricStats({ metric: 'proportion', arms: [arm('a'), arm('b')] });
  assert.equal(input.difference, 'relative');
  assert.equal(input.method, 'frequentist');
  assert.equal(input.alpha, 0.05);
  assert.equal(input.sequentialTuning, 5000);
  assert.deepEqual(input.prior, { mean: 0, variance: null });
  assert.equal(input.cuped, false);
  assert.deepEqual(input.arms[0], { name: 'a', n: 10, sums: [5], products: [[5]] });
});

test('wrong types and unknown keys are named by their path', () => {
  const err = refusal({ metric: 'mean', arms: [arm('a'), { name: 'b', n: '10', sum: 5, sumsquares: 5 }] });
  assert.match(err.message, /arms\[1\]\.n: .*expected number/);
  assert.match(err.message, /arms\[1\]: .*sumsquares/);
  assert.match(err.message, /arms\[1\]\.sum_squares/);
  assert.equal(err.where.field, 'arms[1].n');
  assert.match(refusal({ metric: 'median', arms: [] }).message, /metric/);
  assert.match(refusal({ metric: 'mean', alpha: 1.5, arms: [arm('a'), arm('b')] }).message, /alpha/);
  assert.match(refusal({ metric: 'mean', arms: [arm('a')] }).message, /at least two arms/);
  assert.match(
    refusal({ metric: 'mean', arms: [arm('a'), arm('a')] }).message,
    /arms\[1\]\.name: arm name 'a' is used twice/,
  );
  assert.match(
    refusal({ metric: 'mean', arms: [arm('a'), { ...arm('b'), n: 2.5 }] }).message,
    /arms\[1\]\.n/,
  );
  assert.match(refusal(null).message, /expected object/);
});

test('sums no real data could give are refused', () => {
  // Σx² must be at least (Σx)²/n: 10 units summing to 5 have Σx² ≥ 2.5.
  const low = refusal({ metric: 'mean', arms: [arm('a'), { name: 'b', n: 10, sum: 5, sum_squares: 2 }] });
  assert.match(low.message, /arms\[1\]\.sum_squares: sum_squares 2 is below sum²\/n = 2\.5/);
  // gbstats' own ratio fixture (RATIO_STATISTICS_DF in tests/test_gbstats.py) has Σd² = 810 with Σd = 510 over
  // 100 units (Σd²  < 510²/100 = 2601): a negative variance, refused here.
  const ratio = refusal({
    metric: 'ratio',
    arms: [
      {
        name: 'a',
        n: 100,
        numerator: { sum: 270, sum_squares: 848.79 },
        denominator: { sum: 510, sum_squares: 810 },
        sum_of_products: -900,
      },
      {
        name: 'b',
        n: 120,
        numerator: { sum: 300, sum_squares: 869 },
        denominator: { sum: 500, sum_squares: 800 },
        sum_of_products: -905,
      },
    ],
  });
  assert.match(ratio.message, /arms\[0\]\.denominator\.sum_squares/);
  // A correlation above 1.
  const corr = refusal({
    metric: 'mean',
    cuped: true,
    arms: [
      {
        name: 'a',
        n: 4,
        post: { sum: 4, sum_squares: 6 },
        pre: { sum: 4, sum_squares: 6 },
        post_pre_sum_of_products: 9,
      },
      {
        name: 'b',
        n: 4,
        post: { sum: 4, sum_squares: 6 },
        pre: { sum: 4, sum_squares: 6 },
        post_pre_sum_of_products: 5,
      },
    ],
  });
  assert.match(corr.message, /arms\[0\]\.post_pre_sum_of_products: .*correlation/);
  // Proportions count units with 1.
  assert.match(
    refusal({ metric: 'proportion', arms: [arm('a'), { name: 'b', n: 10, sum: 11 }] }).message,
    /arms\[1\]\.sum: .*0 to n/,
  );
  assert.match(
    refusal({ metric: 'proportion', arms: [arm('a'), { name: 'b', n: 10, sum: 4, sum_squares: 6 }] }).message,
    /arms\[1\]\.sum_squares: .*must equal sum/,
  );
  assert.match(
    refusal({ metric: 'mean', arms: [arm('a'), { name: 'b', n: 0, sum: 1, sum_squares: 1 }] }).message,
    /n = 0/,
  );
});

test('CUPED ratio arms name their six sums of products', () => {
  const sums = { sum: 1, sum_squares: 1 };
  const err = refusal({
    metric: 'ratio',
    cuped: true,
    arms: [
      { name: 'a', n: 1, num_post: sums, den_post: sums, num_pre: sums, den_pre: sums, sum_of_products: {} },
      { name: 'b', n: 1, num_post: sums, den_post: sums, num_pre: sums, den_pre: sums, sum_of_products: {} },
    ],
  });
  for (const pair of ['num_post*den_post', 'num_post*num_pre', 'den_post*den_pre', 'num_pre*den_pre']) {
    assert.ok(err.message.includes(`arms[0].sum_of_products.${pair}`), err.message);
  }
});
