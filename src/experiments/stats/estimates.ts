// What each arm estimates, as a function of its column means with its gradient: a mean (x̄), a ratio of
// means (x̄/ȳ, the delta method's ratio metric), and with CUPED the same for the pre-period, adjusted by θ
// estimated from the pooled arms: adjusted = value − θ·pre (Deng et al. 2013, "Improving the sensitivity of
// online controlled experiments by utilizing pre-experiment data").
import { type ArmMoments, type ArmSums, covarianceFromSums, type Divisor, quadratic } from './moments.ts';

export type MetricKind = 'mean' | 'proportion' | 'ratio';

/** Which columns a value reads: numerator, and denominator for a ratio. */
interface ValuePart {
  num: number;
  den: number | null;
}

export interface MetricShape {
  kind: MetricKind;
  post: ValuePart;
  /** The pre-period value CUPED adjusts with; null without CUPED. */
  pre: ValuePart | null;
  columns: number;
}

export function metricShape(kind: MetricKind, cuped: boolean): MetricShape {
  if (kind === 'ratio') {
    return cuped
      ? { kind, post: { num: 0, den: 1 }, pre: { num: 2, den: 3 }, columns: 4 }
      : { kind, post: { num: 0, den: 1 }, pre: null, columns: 2 };
  }
  return cuped
    ? { kind, post: { num: 0, den: null }, pre: { num: 1, den: null }, columns: 2 }
    : { kind, post: { num: 0, den: null }, pre: null, columns: 1 };
}

export const divisorOf = (kind: MetricKind): Divisor => (kind === 'proportion' ? 'population' : 'sample');

/** A value and its gradient in the column means; null when a ratio's denominator mean is 0. */
function evaluate(part: ValuePart, means: readonly number[]): { value: number; gradient: number[] } | null {
  const gradient = new Array<number>(means.length).fill(0);
  const num = means[part.num] as number;
  if (part.den === null) {
    gradient[part.num] = 1;
    return { value: num, gradient };
  }
  const den = means[part.den] as number;
  if (den === 0) return null;
  gradient[part.num] = 1 / den;
  gradient[part.den] = -num / (den * den);
  return { value: num / den, gradient };
}

export interface ArmEstimate {
  name: string;
  n: number;
  /** The observed value: the mean, proportion or ratio, unadjusted. */
  value: number;
  /** value − θ·pre (equal to value without CUPED). */
  adjusted: number;
  /** The pre-period value (CUPED only). */
  pre: number | null;
  gradValue: number[];
  gradAdjusted: number[];
  gradPre: number[] | null;
  /** Per-unit variances of the value, the adjusted value and the pre-period value. */
  varValue: number;
  varAdjusted: number;
  varPre: number | null;
  cov: number[][];
}

/** The arm's estimate at a given θ; null when a ratio's denominator is 0 (the value does not exist). */
export function armEstimate(moments: ArmMoments, shape: MetricShape, theta: number): ArmEstimate | null {
  const post = evaluate(shape.post, moments.means);
  const pre = shape.pre ? evaluate(shape.pre, moments.means) : undefined;
  if (!post || pre === null) return null;
  const gradAdjusted = pre
    ? post.gradient.map((g, i) => g - theta * (pre.gradient[i] as number))
    : post.gradient;
  return {
    name: moments.name,
    n: moments.n,
    value: post.value,
    adjusted: pre ? post.value - theta * pre.value : post.value,
    pre: pre ? pre.value : null,
    gradValue: post.gradient,
    gradAdjusted,
    gradPre: pre ? pre.gradient : null,
    varValue: quadratic(post.gradient, moments.cov, post.gradient),
    varAdjusted: quadratic(gradAdjusted, moments.cov, gradAdjusted),
    varPre: pre ? quadratic(pre.gradient, moments.cov, pre.gradient) : null,
    cov: moments.cov,
  };
}

/**
 * θ from the pooled arms, as GrowthBook computes it. Means and proportions: Cov(post, pre) / Var(pre) of all
 * arms' units taken as one sample. Ratios: Σ Cov(ratio, pre ratio) / Σ Var(pre ratio) over the arms, each
 * linearised by the delta method. 0 when the pre-period does not vary (then CUPED changes nothing).
 */
export function cupedTheta(moments: readonly ArmMoments[], shape: MetricShape, pooled: ArmSums): number {
  if (!shape.pre) return 0;
  if (shape.kind !== 'ratio') {
    const divisor = divisorOf(shape.kind);
    const [postSum, preSum] = pooled.sums as [number, number];
    const products = pooled.products as [[number, number], [number, number]];
    const cov = covarianceFromSums(pooled.n, postSum, preSum, products[0][1], divisor);
    const varPre = covarianceFromSums(pooled.n, preSum, preSum, products[1][1], divisor);
    return varPre > 0 ? cov / varPre : 0;
  }
  let cov = 0;
  let varPre = 0;
  for (const m of moments) {
    if (m.n < 2) continue;
    const post = evaluate(shape.post, m.means);
    const pre = evaluate(shape.pre as ValuePart, m.means);
    if (!post || !pre) continue;
    cov += quadratic(post.gradient, m.cov, pre.gradient);
    varPre += quadratic(pre.gradient, m.cov, pre.gradient);
  }
  // A θ this small is rounding, not signal (gbstats falls back to no adjustment below 1e-8 too).
  const theta = varPre > 0 ? cov / varPre : 0;
  return Math.abs(theta) < 1e-8 ? 0 : theta;
}
