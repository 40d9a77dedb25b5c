// An arm's sufficient statistics — n, and for each column its sum, sum of squares and sums of products with
// the other columns — turned into means and the per-unit covariance matrix the delta method needs.
// Columns: a mean or proportion has one (the outcome), with CUPED two (post, pre); a ratio has two
// (numerator, denominator), with CUPED four (num_post, den_post, num_pre, den_pre).

export interface ArmSums {
  name: string;
  n: number;
  /** Σx per column. */
  sums: number[];
  /** Σxᵢxⱼ: the diagonal holds each column's sum of squares. Symmetric. */
  products: number[][];
}

/**
 * 'sample' divides by n − 1 (means and ratios); 'population' by n, as a proportion's p(1 − p) does — the
 * convention GrowthBook's gbstats uses for binary metrics, kept so results compare with it.
 */
export type Divisor = 'sample' | 'population';

export interface ArmMoments {
  name: string;
  n: number;
  means: number[];
  /** Per-unit covariance of the columns (the covariance of the means is this divided by n). */
  cov: number[][];
}

/** Cov(x, y) per unit from n, Σx, Σy and Σxy. Zero when there are too few units to say. */
export function covarianceFromSums(n: number, sumX: number, sumY: number, sumXY: number, divisor: Divisor) {
  if (divisor === 'population') return n > 0 ? sumXY / n - (sumX * sumY) / (n * n) : 0;
  return n > 1 ? (sumXY - (sumX * sumY) / n) / (n - 1) : 0;
}

export function armMoments(arm: ArmSums, divisor: Divisor): ArmMoments {
  const k = arm.sums.length;
  const sums = arm.sums;
  const means = sums.map((s) => (arm.n > 0 ? s / arm.n : 0));
  const cov = Array.from({ length: k }, (_, i) =>
    Array.from({ length: k }, (_, j) =>
      covarianceFromSums(arm.n, sums[i] as number, sums[j] as number, productAt(arm, i, j), divisor),
    ),
  );
  return { name: arm.name, n: arm.n, means, cov };
}

/** All arms' units taken as one sample (for θ, which GrowthBook estimates from the pooled arms). */
export function pooledSums(arms: readonly ArmSums[]): ArmSums {
  const k = arms[0]?.sums.length ?? 0;
  return {
    name: 'pooled',
    n: arms.reduce((s, a) => s + a.n, 0),
    sums: Array.from({ length: k }, (_, i) => arms.reduce((s, a) => s + (a.sums[i] as number), 0)),
    products: Array.from({ length: k }, (_, i) =>
      Array.from({ length: k }, (_, j) => arms.reduce((s, a) => s + productAt(a, i, j), 0)),
    ),
  };
}

export function productAt(arm: ArmSums, i: number, j: number): number {
  return (arm.products[i] as number[])[j] as number;
}

/** aᵀ S b. */
export function quadratic(a: readonly number[], s: readonly number[][], b: readonly number[]): number {
  let total = 0;
  for (let i = 0; i < a.length; i++) {
    const row = s[i] as number[];
    for (let j = 0; j < b.length; j++) total += (a[i] as number) * (row[j] as number) * (b[j] as number);
  }
  return total;
}
