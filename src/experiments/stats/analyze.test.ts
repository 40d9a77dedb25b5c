// One metric's analysis against published values. R: t.test(extra ~ group, data = sleep), the example of
// R's own t.test help page (Welch: t = −1.8608, df = 17.776, p = 0.07939, 95% CI −3.3654832 to 0.2054832 for
// group 1 − group 2). GrowthBook: the expected results in gbstats' test suite (growthbook/growthbook,
// packages/stats/tests/frequentist/test_tests.py, tests/bayesian/test_tests.py and tests/test_gbstats.py),
// rounded there to 5 or 9 decimals — the same inputs must give the same numbers here.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeMetric, type Comparison } from './analyze.ts';
import { parseMetricStats } from './input.ts';

const close = (actual: number | null | undefined, expected: number, tol: number, what = '') =>
  assert.ok(
    typeof actual === 'number' && Math.abs(actual - expected) <= tol,
    `${what} ${actual} is not within ${tol} of ${expected}`,
  );

function compare(json: Record<string, unknown>): Comparison {
  return analyzeMetric(parseMetricStats(json)).comparisons[0] as Comparison;
}

function sums(values: number[]) {
  return {
    n: values.length,
    sum: values.reduce((s, x) => s + x, 0),
    sum_squares: values.reduce((s, x) => s + x * x, 0),
  };
}

test("Welch's test on R's sleep data reproduces t.test", () => {
  const group1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
  const group2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
  const c = compare({
    metric: 'mean',
    difference: 'absolute',
    arms: [
      { name: 'group1', ...sums(group1) },
      { name: 'group2', ...sums(group2) },
    ],
  });
  // Group 2 − group 1, so R's interval with its signs swapped.
  close(c.effect, 1.58, 1e-12, 'effect');
  close(c.df, 17.776, 0.0005, 'df');
  close(c.pValue, 0.07939, 0.000005, 'p');
  close(c.ci?.[0], -0.2054832, 1e-7, 'low');
  close(c.ci?.[1], 3.3654832, 1e-7, 'high');
  close((c.effect as number) / (c.se as number), 1.8608, 0.00005, 't');
});

const MEAN_A = { name: 'control', n: 3407, sum: 1396.87, sum_squares: 52377.9767 };
const MEAN_B = { name: 'treatment', n: 3461, sum: 2422.7, sum_squares: 134698.29 };

test('means: relative lift by the delta method and absolute difference, as gbstats', () => {
  const rel = compare({ metric: 'mean', arms: [MEAN_A, MEAN_B] });
  // test_two_sided_ttest: expected 0.70732, ci (−0.03526, 1.44989), stddev 0.37879, p 0.06191.
  close(rel.effect, 0.70732, 5e-6);
  close(rel.ci?.[0], -0.03526, 5e-6);
  close(rel.ci?.[1], 1.44989, 5e-6);
  close(rel.se, 0.37879, 5e-6);
  close(rel.pValue, 0.06191, 5e-6);
  // test_two_sided_ttest_absolute: 0.29, ci (0.04538, 0.53462), stddev 0.12478, p 0.02016.
  const abs = compare({ metric: 'mean', difference: 'absolute', arms: [MEAN_A, MEAN_B] });
  close(abs.effect, 0.29, 1e-12);
  close(abs.ci?.[0], 0.04538, 5e-6);
  close(abs.ci?.[1], 0.53462, 5e-6);
  close(abs.se, 0.12478, 5e-6);
  close(abs.pValue, 0.02016, 5e-6);
});

test('proportions use p(1 − p), as gbstats', () => {
  // test_two_sided_ttest_binom: 14/28 vs 16/30 → 0.06667, ci (−0.47767, 0.61101), stddev 0.2717, p 0.80707.
  const c = compare({
    metric: 'proportion',
    arms: [
      { name: 'a', n: 28, sum: 14 },
      { name: 'b', n: 30, sum: 16 },
    ],
  });
  close(c.effect, 1 / 15, 1e-12);
  close(c.ci?.[0], -0.47767, 5e-6);
  close(c.ci?.[1], 0.61101, 5e-6);
  close(c.se, 0.2717, 5e-5);
  close(c.pValue, 0.80707, 5e-6);
});

// gbstats' RA_STATISTICS_DF (tests/test_gbstats.py): control 'zero' listed first here.
const CUPED_CONTROL = {
  name: 'zero',
  n: 3001,
  post: { sum: 300, sum_squares: 600 },
  pre: { sum: 210, sum_squares: 415 },
  post_pre_sum_of_products: -20,
};
const CUPED_TREATMENT = {
  name: 'one',
  n: 3000,
  post: { sum: 222, sum_squares: 555 },
  pre: { sum: 120, sum_squares: 405 },
  post_pre_sum_of_products: -10,
};

test('CUPED on means and proportions: θ from the pooled arms, the unadjusted control as base', () => {
  const result = analyzeMetric(
    parseMetricStats({ metric: 'mean', cuped: true, arms: [CUPED_CONTROL, CUPED_TREATMENT] }),
  );
  // test_analyze_metric_df_ra: expected −0.281707154, p 0.003732549; the arms' values stay unadjusted
  // (0.099966678 and 0.074).
  const c = result.comparisons[0] as Comparison;
  close(c.effect, -0.281707154, 5e-10);
  close(c.pValue, 0.003732549, 5e-10);
  close(result.arms[0]?.value, 0.099966678, 5e-10);
  close(result.arms[1]?.value, 0.074, 1e-12);
  // θ by hand: pooled n = 6001, Σy = 522, Σx = 330, Σxy = −30, Σx² = 820:
  // Cov = (−30 − 522·330/6001)/6000 = −0.0097842, Var(x) = (820 − 330²/6001)/6000 = 0.1336415, θ = −0.0732119.
  close(result.theta, -0.07321194, 5e-8);
  close(result.arms[0]?.adjustedValue, 300 / 3001 - (result.theta as number) * (210 / 3001), 1e-15);
  // test_analyze_metric_df_ra_proportion: the same sums as 0/1 outcomes → −0.31620216, p 0.000000353.
  const binary = (a: typeof CUPED_CONTROL) => ({
    ...a,
    post: { sum: a.post.sum, sum_squares: a.post.sum },
    pre: { sum: a.pre.sum, sum_squares: a.pre.sum },
  });
  const p = compare({
    metric: 'proportion',
    cuped: true,
    arms: [binary(CUPED_CONTROL), binary(CUPED_TREATMENT)],
  });
  close(p.effect, -0.31620216, 5e-9);
  close(p.pValue, 0.000000353, 5e-10);
  // Those pre-periods differ at p ≈ 3e-7 (4.0% against 7.0%): the balance check says so.
  assert.deepEqual(p.flags, ['pre_period_imbalance']);
  assert.ok((p.cuped?.balance?.pValue as number) < 1e-6);
});

// gbstats' RegressionAdjustedRatioStatistic fixture (tests/frequentist/test_tests.py), control first.
const RATIO_A = {
  name: 'control',
  n: 100,
  num_post: { sum: 485.112236689623, sum_squares: 2715.484666118136 },
  den_post: { sum: 679.9093275844917, sum_squares: 4939.424001640236 },
  num_pre: { sum: 192.59138069991536, sum_squares: 460.076026390857 },
  den_pre: { sum: 290.1398399750233, sum_squares: 920.9461385038898 },
  sum_of_products: {
    'num_post*den_post': 3602.146836776702,
    'num_post*num_pre': 1113.6215759318352,
    'num_post*den_pre': 1559.2878434944676,
    'den_post*num_pre': 1460.3181079276983,
    'den_post*den_pre': 2130.9404074446747,
    'num_pre*den_pre': 634.239482353647,
  },
};
const RATIO_B = {
  name: 'treatment',
  n: 100,
  num_post: { sum: 514.7757826608777, sum_squares: 2994.897482705013 },
  den_post: { sum: 705.4090874383759, sum_squares: 5291.36604146392 },
  num_pre: { sum: 206.94157227402536, sum_squares: 514.2903702246757 },
  den_pre: { sum: 302.54389139107326, sum_squares: 994.4506208125663 },
  sum_of_products: {
    'num_post*den_post': 3918.1561431600717,
    'num_post*num_pre': 1237.0953021125997,
    'num_post*den_pre': 1701.0287270040265,
    'den_post*num_pre': 1604.0759503266522,
    'den_post*den_pre': 2292.081739775257,
    'num_pre*den_pre': 698.4173425817908,
  },
};

test('CUPED on ratio metrics by the delta method, as gbstats', () => {
  const result = analyzeMetric(parseMetricStats({ metric: 'ratio', cuped: true, arms: [RATIO_A, RATIO_B] }));
  const c = result.comparisons[0] as Comparison;
  // test_two_sided_ttest_test_runs_ratio_ra: −0.0007, ci (−0.00841, 0.00700), stddev 0.00391, p 0.85771;
  // test_analyze_metric_df_ratio_ra: −0.000701483, p 0.857710405, values 0.713495487 and 0.729754963.
  close(c.effect, -0.000701483, 5e-10);
  close(c.pValue, 0.857710405, 5e-10);
  close(c.ci?.[0], -0.00841, 5e-6);
  close(c.ci?.[1], 0.007, 5e-6);
  close(c.se, 0.00391, 5e-6);
  close(result.arms[0]?.value, 0.713495487, 5e-10);
  close(result.arms[1]?.value, 0.729754963, 5e-10);
  // The pre-period ratio predicts the post-period one well here: CUPED removes ~98% of the variance.
  close(c.cuped?.varianceReduction, 0.98, 0.005);
  assert.deepEqual(c.flags, []);
  // Without CUPED the same arms give the plain delta-method ratio comparison.
  const plain = (a: typeof RATIO_A) => ({
    name: a.name,
    n: a.n,
    numerator: a.num_post,
    denominator: a.den_post,
    sum_of_products: a.sum_of_products['num_post*den_post'],
  });
  const u = compare({ metric: 'ratio', arms: [plain(RATIO_A), plain(RATIO_B)] });
  close(u.effect, c.cuped?.unadjustedEffect as number, 1e-15);
  close(u.se, c.cuped?.unadjustedSe as number, 1e-15);
  close(u.effect, 0.729754963 / 0.713495487 - 1, 5e-9);
});

test('the sequential confidence sequence and always-valid p-value, as gbstats', () => {
  const a = { name: 'a', n: 3000, sum: 1396.87, sum_squares: 52377.9767 };
  // test_sequential_test_runs: N* = 1000 → 0.50336, ci (−0.55844, 1.56516), stddev 0.33341, p 1.
  const m = compare({ metric: 'mean', method: 'sequential', sequential_tuning: 1000, arms: [a, MEAN_B] });
  close(m.effect, 0.50336, 5e-6);
  close(m.ci?.[0], -0.55844, 5e-6);
  close(m.ci?.[1], 1.56516, 5e-6);
  close(m.se, 0.33341, 5e-6);
  assert.equal(m.pValue, 1);
  // test_sequential_test_runs_prop: N* = 5000 → 0.50386, ci (0.40098, 0.60675), stddev 0.03386, p 0.0.
  const p = compare({
    metric: 'proportion',
    method: 'sequential',
    arms: [
      { name: 'a', n: 3000, sum: 1396 },
      { name: 'b', n: 3461, sum: 2422 },
    ],
  });
  close(p.effect, 0.50386, 5e-6);
  close(p.ci?.[0], 0.40098, 5e-6);
  close(p.ci?.[1], 0.60675, 5e-6);
  close(p.se, 0.03386, 5e-6);
  assert.ok((p.pValue as number) < 5e-6);
  // test_sequential_test_runs_ratio_ra: ci (−0.02063, 0.01923), p 1.
  const r = compare({ metric: 'ratio', cuped: true, method: 'sequential', arms: [RATIO_A, RATIO_B] });
  close(r.ci?.[0], -0.02063, 5e-6);
  close(r.ci?.[1], 0.01923, 5e-6);
  assert.equal(r.pValue, 1);
  // The sequence is wider than the fixed-horizon interval at the same data.
  const fixed = compare({ metric: 'mean', arms: [a, MEAN_B] });
  assert.ok(
    (m.ci?.[1] as number) - (m.ci?.[0] as number) > (fixed.ci?.[1] as number) - (fixed.ci?.[0] as number),
  );
});

test('Bayesian: posterior of the lift, chance to win and risk, flat or Gaussian prior, as gbstats', () => {
  // TestBinom: 49/100 vs 51/100 → 0.04082, ci (−0.24779, 0.32943), stddev 0.14725, ctw 0.60918,
  // risk [0.0814, 0.04058].
  const b = compare({
    metric: 'proportion',
    method: 'bayesian',
    arms: [
      { name: 'a', n: 100, sum: 49 },
      { name: 'b', n: 100, sum: 51 },
    ],
  });
  close(b.effect, 0.04082, 5e-6);
  close(b.ci?.[0], -0.24779, 5e-6);
  close(b.ci?.[1], 0.32943, 5e-6);
  close(b.se, 0.14725, 5e-6);
  close(b.chanceToWin, 0.60918, 5e-6);
  close(b.risk?.[0], 0.0814, 5e-6);
  close(b.risk?.[1], 0.04058, 5e-6);
  assert.equal(b.pValue, undefined);
  const a = { name: 'a', n: 10, sum: 100, sum_squares: 1002.25 };
  const t = { name: 'b', n: 10, sum: 105, sum_squares: 1111.5 };
  // TestNorm: flat → 0.05, ci (−0.02, 0.12), stddev 0.03572, ctw 0.91923, risk [0.05131, 0.00131].
  const flat = compare({ metric: 'mean', method: 'bayesian', arms: [a, t] });
  close(flat.effect, 0.05, 1e-12);
  close(flat.ci?.[0], -0.02, 5e-6);
  close(flat.ci?.[1], 0.12, 5e-6);
  close(flat.se, 0.03572, 5e-6);
  close(flat.chanceToWin, 0.91923, 5e-6);
  close(flat.risk?.[0], 0.05131, 5e-6);
  close(flat.risk?.[1], 0.00131, 5e-6);
  // Informative prior N(0.1, 0.1) on the lift → 0.05063, ci (−0.01893, 0.12019), stddev 0.03549,
  // ctw 0.92315, risk [0.05186, 0.00123].
  const informed = compare({
    metric: 'mean',
    method: 'bayesian',
    prior: { mean: 0.1, variance: 0.1 },
    arms: [a, t],
  });
  close(informed.effect, 0.05063, 5e-6);
  close(informed.ci?.[0], -0.01893, 5e-6);
  close(informed.ci?.[1], 0.12019, 5e-6);
  close(informed.se, 0.03549, 5e-6);
  close(informed.chanceToWin, 0.92315, 5e-6);
  close(informed.risk?.[0], 0.05186, 5e-6);
  close(informed.risk?.[1], 0.00123, 5e-6);
  // Lower is better (churn): the chance to win is P(δ < 0) and the risks swap.
  const churn = compare({ metric: 'mean', method: 'bayesian', higher_is_better: false, arms: [a, t] });
  close(churn.chanceToWin, 1 - 0.91923, 5e-6);
  close(churn.risk?.[0], 0.00131, 5e-6);
  // An absolute difference scales the prior on the lift by |control| = 10: N(1, 10) on the difference.
  const absolute = compare({
    metric: 'mean',
    method: 'bayesian',
    difference: 'absolute',
    prior: { mean: 0.1, variance: 0.1 },
    arms: [a, t],
  });
  // By hand: Var = (1002.25 − 100²/10)/9 = 0.25 and (1111.5 − 105²/10)/9 = 1, so SE² = 0.025 + 0.1 = 0.125;
  // posterior mean = (0.5/0.125 + 1/10)/(1/0.125 + 1/10) = 4.1/8.1, sd = 1/√8.1.
  close(absolute.effect, 4.1 / 8.1, 1e-12);
  close(absolute.se, 1 / Math.sqrt(8.1), 1e-12);
});

test('three arms: every variant against the first, θ pooled over all three', () => {
  const result = analyzeMetric(
    parseMetricStats({
      metric: 'mean',
      arms: [MEAN_A, MEAN_B, { ...MEAN_B, name: 'second', sum: 1500 }],
    }),
  );
  assert.deepEqual(
    result.comparisons.map((c) => [c.arm, c.baseline]),
    [
      ['treatment', 'control'],
      ['second', 'control'],
    ],
  );
  close(result.comparisons[0]?.effect, 0.70732, 5e-6);
});

test('degenerate arms give flags and sentences, never NaN', () => {
  const flat = { name: 'flat', n: 50, sum: 100, sum_squares: 200 }; // every unit is 2
  const zero = compare({ metric: 'mean', arms: [MEAN_A, flat] });
  assert.deepEqual(zero.flags, ['zero_variance']);
  assert.equal(zero.se, null);
  assert.match(zero.messages[0] as string, /'flat' has no variance/);
  const empty = compare({ metric: 'mean', arms: [MEAN_A, { name: 'late', n: 0, sum: 0, sum_squares: 0 }] });
  assert.deepEqual(empty.flags, ['no_units']);
  assert.equal(empty.effect, null);
  const one = compare({ metric: 'mean', arms: [MEAN_A, { name: 'one', n: 1, sum: 3, sum_squares: 9 }] });
  assert.deepEqual(one.flags, ['too_few_units']);
  const base = compare({
    metric: 'mean',
    arms: [
      { name: 'c', n: 3, sum: 0, sum_squares: 2 },
      { name: 't', n: 3, sum: 3, sum_squares: 5 },
    ],
  });
  assert.deepEqual(base.flags, ['zero_baseline']);
  assert.match(base.messages[0] as string, /ask for absolute/);
  const ratio = compare({
    metric: 'ratio',
    arms: [
      {
        name: 'c',
        n: 3,
        numerator: { sum: 1, sum_squares: 1 },
        denominator: { sum: 0, sum_squares: 0 },
        sum_of_products: 0,
      },
      {
        name: 't',
        n: 3,
        numerator: { sum: 1, sum_squares: 1 },
        denominator: { sum: 3, sum_squares: 5 },
        sum_of_products: 1,
      },
    ],
  });
  assert.deepEqual(ratio.flags, ['zero_denominator']);
  const text = JSON.stringify([zero, empty, one, base, ratio]);
  assert.doesNotMatch(text, /NaN|Infinity/);
  // A pre-period that never varies: θ = 0, CUPED said to have done nothing, the plain result stands.
  const still = analyzeMetric(
    parseMetricStats({
      metric: 'mean',
      cuped: true,
      arms: [
        { ...CUPED_CONTROL, pre: { sum: 3001, sum_squares: 3001 }, post_pre_sum_of_products: 300 },
        { ...CUPED_TREATMENT, pre: { sum: 3000, sum_squares: 3000 }, post_pre_sum_of_products: 222 },
      ],
    }),
  );
  assert.equal(still.theta, 0);
  assert.deepEqual(still.comparisons[0]?.flags, ['cuped_not_applied']);
  close(still.comparisons[0]?.effect, 0.074 / (300 / 3001) - 1, 1e-12);
});
