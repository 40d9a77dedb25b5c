// The input of one metric's analysis as JSON (what `tenure experiment stats --input` reads and what the
// warehouse's experiment queries will hand over): settings and each arm's sufficient statistics, checked
// with zod and then for sums no real data could give. Every problem is collected with its path
// (`arms[1].post.sum_squares`) into one bad_input error; nothing reaches the statistics unchecked.
import { z } from 'zod';
import { badInput } from '../../errors/tenure-error.ts';
import type { MetricStatsInput } from './analyze.ts';
import type { ArmSums } from './moments.ts';

const Sums = z.strictObject({ sum: z.number(), sum_squares: z.number().nonnegative() });
const Count = z.number().int().nonnegative();
const Name = z.string().min(1);

const MeanArm = z.strictObject({
  name: Name,
  n: Count,
  sum: z.number(),
  sum_squares: z.number().nonnegative(),
});
const ProportionArm = z.strictObject({
  name: Name,
  n: Count,
  sum: z.number().nonnegative(),
  sum_squares: z.number().nonnegative().optional(),
});
const RatioArm = z.strictObject({
  name: Name,
  n: Count,
  numerator: Sums,
  denominator: Sums,
  sum_of_products: z.number(),
});
const CupedArm = z.strictObject({
  name: Name,
  n: Count,
  post: Sums,
  pre: Sums,
  post_pre_sum_of_products: z.number(),
});
const RATIO_COLUMNS = ['num_post', 'den_post', 'num_pre', 'den_pre'] as const;
const RATIO_PAIRS = RATIO_COLUMNS.flatMap((a, i) => RATIO_COLUMNS.slice(i + 1).map((b) => `${a}*${b}`));
const CupedRatioArm = z.strictObject({
  name: Name,
  n: Count,
  num_post: Sums,
  den_post: Sums,
  num_pre: Sums,
  den_pre: Sums,
  sum_of_products: z.strictObject(Object.fromEntries(RATIO_PAIRS.map((p) => [p, z.number()]))),
});

export const MetricStatsSchema = z.strictObject({
  metric: z.enum(['mean', 'proportion', 'ratio']),
  cuped: z.boolean().default(false),
  difference: z.enum(['relative', 'absolute']).default('relative'),
  alpha: z.number().gt(0).max(0.5).default(0.05),
  method: z.enum(['frequentist', 'sequential', 'bayesian']).default('frequentist'),
  sequential_tuning: z.number().positive().default(5000),
  prior: z
    .strictObject({ mean: z.number().default(0), variance: z.number().positive().nullable().default(null) })
    .default({ mean: 0, variance: null }),
  higher_is_better: z.boolean().default(true),
  arms: z.array(z.unknown()).min(2, 'give at least two arms: the control first, then each variant'),
});

export type MetricStatsJson = z.input<typeof MetricStatsSchema>;

interface Problem {
  path: string;
  message: string;
}

function pathText(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
}

function collect(result: z.ZodSafeParseResult<unknown>, prefix: PropertyKey[], problems: Problem[]) {
  if (result.success) return;
  for (const issue of result.error.issues) {
    problems.push({ path: pathText([...prefix, ...issue.path]) || '(top)', message: issue.message });
  }
}

type Column = { sum: number; sum_squares: number };

/** Σx² ≥ (Σx)²/n and |Σxy − ΣxΣy/n| ≤ √(…) hold for any real values; sums that break them are typos. */
function checkSums(arm: ArmSums, labels: string[], pairLabel: (i: number, j: number) => string): Problem[] {
  const problems: Problem[] = [];
  const spread = arm.sums.map((s, i) => {
    const ss = (arm.products[i] as number[])[i] as number;
    const excess = arm.n > 0 ? ss - (s * s) / arm.n : ss;
    const slack = 1e-9 * Math.max(ss, 1);
    if (arm.n === 0 && (s !== 0 || ss !== 0))
      problems.push({ path: labels[i] as string, message: 'an arm with n = 0 must have sums of 0' });
    else if (excess < -slack) {
      problems.push({
        path: `${labels[i]}.sum_squares`,
        message: `sum_squares ${ss} is below sum²/n = ${(s * s) / arm.n}: no real values give these sums`,
      });
    }
    return Math.max(excess, 0);
  });
  for (let i = 0; i < arm.sums.length; i++) {
    for (let j = i + 1; j < arm.sums.length; j++) {
      if (arm.n === 0) continue;
      const centred =
        ((arm.products[i] as number[])[j] as number) -
        ((arm.sums[i] as number) * (arm.sums[j] as number)) / arm.n;
      const bound = Math.sqrt((spread[i] as number) * (spread[j] as number));
      if (Math.abs(centred) > bound * (1 + 1e-9) + 1e-9 * Math.max(1, Math.abs(centred))) {
        problems.push({
          path: pairLabel(i, j),
          message: 'the sum of products is impossible for these sums and sums of squares (|correlation| > 1)',
        });
      }
    }
  }
  return problems;
}

function sumsOf(
  name: string,
  n: number,
  columns: Column[],
  cross: (i: number, j: number) => number,
): ArmSums {
  return {
    name,
    n,
    sums: columns.map((c) => c.sum),
    products: columns.map((ci, i) => columns.map((_, j) => (i === j ? ci.sum_squares : cross(i, j)))),
  };
}

function armSums(
  settings: z.infer<typeof MetricStatsSchema>,
  raw: unknown,
  at: string,
  problems: Problem[],
): ArmSums | null {
  const ok = <T>(schema: z.ZodType<T>): T | null => {
    const parsed = schema.safeParse(raw);
    collect(parsed, [at], problems);
    return parsed.success ? parsed.data : null;
  };
  if (settings.metric === 'ratio' && settings.cuped) {
    const a = ok(CupedRatioArm);
    if (!a) return null;
    const pair = (i: number, j: number) =>
      `${RATIO_COLUMNS[Math.min(i, j)]}*${RATIO_COLUMNS[Math.max(i, j)]}`;
    const arm = sumsOf(
      a.name,
      a.n,
      RATIO_COLUMNS.map((c) => a[c]),
      (i, j) => a.sum_of_products[pair(i, j)] as number,
    );
    problems.push(
      ...checkSums(
        arm,
        RATIO_COLUMNS.map((c) => `${at}.${c}`),
        (i, j) => `${at}.sum_of_products["${pair(i, j)}"]`,
      ),
    );
    return arm;
  }
  if (settings.metric === 'ratio') {
    const a = ok(RatioArm);
    if (!a) return null;
    const arm = sumsOf(a.name, a.n, [a.numerator, a.denominator], () => a.sum_of_products);
    problems.push(...checkSums(arm, [`${at}.numerator`, `${at}.denominator`], () => `${at}.sum_of_products`));
    return arm;
  }
  if (settings.cuped) {
    const a = ok(CupedArm);
    if (!a) return null;
    const arm = sumsOf(a.name, a.n, [a.post, a.pre], () => a.post_pre_sum_of_products);
    problems.push(...checkSums(arm, [`${at}.post`, `${at}.pre`], () => `${at}.post_pre_sum_of_products`));
    if (settings.metric === 'proportion')
      problems.push(...checkProportion(a.post.sum, a.post.sum_squares, a.n, `${at}.post`));
    return arm;
  }
  if (settings.metric === 'proportion') {
    const a = ok(ProportionArm);
    if (!a) return null;
    problems.push(...checkProportion(a.sum, a.sum_squares ?? a.sum, a.n, at));
    return sumsOf(a.name, a.n, [{ sum: a.sum, sum_squares: a.sum_squares ?? a.sum }], () => 0);
  }
  const a = ok(MeanArm);
  if (!a) return null;
  const arm = sumsOf(a.name, a.n, [{ sum: a.sum, sum_squares: a.sum_squares }], () => 0);
  problems.push(...checkSums(arm, [at], () => at));
  return arm;
}

/** A proportion counts units with 1: 0 ≤ sum ≤ n, and sum_squares = sum since 1² = 1. */
function checkProportion(sum: number, sumSquares: number, n: number, at: string): Problem[] {
  if (!Number.isInteger(sum) || sum > n) {
    return [
      {
        path: `${at}.sum`,
        message: `a proportion's sum counts units with 1: a whole number from 0 to n (${n}), not ${sum}`,
      },
    ];
  }
  if (sumSquares !== sum) {
    return [
      {
        path: `${at}.sum_squares`,
        message: `a proportion's values are 0 or 1, so sum_squares must equal sum (${sum}), not ${sumSquares}`,
      },
    ];
  }
  return [];
}

/** Parses and checks one metric's statistics; throws one bad_input listing every problem with its path. */
export function parseMetricStats(raw: unknown, file?: string): MetricStatsInput {
  const problems: Problem[] = [];
  const top = MetricStatsSchema.safeParse(raw);
  collect(top, [], problems);
  const arms: ArmSums[] = [];
  if (top.success) {
    top.data.arms.forEach((a, i) => {
      const arm = armSums(top.data, a, `arms[${i}]`, problems);
      if (arm) arms.push(arm);
    });
    const names = arms.map((a) => a.name);
    names.forEach((name, i) => {
      if (names.indexOf(name) !== i)
        problems.push({ path: `arms[${i}].name`, message: `arm name '${name}' is used twice` });
    });
  }
  if (problems.length > 0 || !top.success) {
    const first = problems[0] as Problem;
    const list = problems.map((p) => `${p.path}: ${p.message}`).join('; ');
    throw badInput(
      problems.length === 1 ? list : `${problems.length} problems: ${list}`,
      { ...(file ? { file } : {}), field: first.path },
      'see `tenure experiment stats --help` for the shape of the file',
    );
  }
  const s = top.data;
  return {
    kind: s.metric,
    cuped: s.cuped,
    difference: s.difference,
    alpha: s.alpha,
    method: s.method,
    sequentialTuning: s.sequential_tuning,
    prior: { mean: s.prior.mean, variance: s.prior.variance },
    higherIsBetter: s.higher_is_better,
    arms,
  };
}
