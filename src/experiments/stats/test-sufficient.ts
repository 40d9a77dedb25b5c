// Seeded draws of an arm's sufficient statistics for the simulation tests. Normal data are drawn through
// their exact sampling distribution — the mean vector is N(μ, Σ/n) and the scatter matrix Wishart(n − 1, Σ)
// (Bartlett's decomposition: W = L·A·Aᵀ·Lᵀ, A lower triangular with Aᵢᵢ² ~ χ²(n − 1 − i), Aᵢⱼ ~ N(0, 1)) —
// so thousands of experiments of thousands of units cost microseconds each. Binary and count data are drawn
// unit by unit.
import { gammaDraw } from '../../models/test-samplers.ts';
import type { Rng } from '../../synth/random.ts';
import type { ArmSums } from './moments.ts';

export { seededRng } from '../../models/test-samplers.ts';

function cholesky(s: readonly number[][]): number[][] {
  const k = s.length;
  const l = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = (s[i] as number[])[j] as number;
      for (let m = 0; m < j; m++)
        sum -= ((l[i] as number[])[m] as number) * ((l[j] as number[])[m] as number);
      (l[i] as number[])[j] = i === j ? Math.sqrt(sum) : sum / ((l[j] as number[])[j] as number);
    }
  }
  return l;
}

const chiSquareDraw = (rng: Rng, df: number) => gammaDraw(rng, df / 2, 0.5);

/** Sums and products of n units drawn i.i.d. from N(mean, cov). */
export function normalArm(
  rng: Rng,
  name: string,
  n: number,
  mean: readonly number[],
  cov: number[][],
): ArmSums {
  const k = mean.length;
  const l = cholesky(cov);
  const z = Array.from({ length: k }, () => rng.normal() / Math.sqrt(n));
  const means = mean.map(
    (m, i) => m + (l[i] as number[]).reduce((s, lij, j) => s + lij * (z[j] as number), 0),
  );
  const a = Array.from({ length: k }, (_, i) =>
    Array.from({ length: k }, (_, j) =>
      i === j ? Math.sqrt(chiSquareDraw(rng, n - 1 - i)) : j < i ? rng.normal() : 0,
    ),
  );
  // B = L·A; scatter W = B·Bᵀ.
  const b = l.map(
    (row) =>
      a[0]?.map((_, j) => row.reduce((s, lim, m) => s + lim * ((a[m] as number[])[j] as number), 0)) ?? [],
  );
  const products = means.map((mi, i) =>
    means.map(
      (mj, j) =>
        (b[i] as number[]).reduce((s, bim, m) => s + bim * ((b[j] as number[])[m] as number), 0) +
        n * mi * mj,
    ),
  );
  return { name, n, sums: means.map((m) => n * m), products };
}

/** n units that are 1 with probability p. */
export function binaryArm(rng: Rng, name: string, n: number, p: number): ArmSums {
  let ones = 0;
  for (let i = 0; i < n; i++) if (rng.float() < p) ones++;
  return { name, n, sums: [ones], products: [[ones]] };
}

/**
 * A ratio metric unit by unit: each unit has 1 + Poisson(λ) sessions (the denominator), each converting with
 * probability p (the numerator), so the true ratio is p.
 */
export function sessionsArm(rng: Rng, name: string, n: number, lambda: number, p: number): ArmSums {
  let num = 0;
  let den = 0;
  let num2 = 0;
  let den2 = 0;
  let cross = 0;
  for (let i = 0; i < n; i++) {
    const d = 1 + rng.poisson(lambda);
    let x = 0;
    for (let s = 0; s < d; s++) if (rng.float() < p) x++;
    num += x;
    den += d;
    num2 += x * x;
    den2 += d * d;
    cross += x * d;
  }
  return {
    name,
    n,
    sums: [num, den],
    products: [
      [num2, cross],
      [cross, den2],
    ],
  };
}

/** Two batches of the same arm taken together (a day's new units added to the running totals). */
export function addSums(a: ArmSums, b: ArmSums): ArmSums {
  return {
    name: a.name,
    n: a.n + b.n,
    sums: a.sums.map((s, i) => s + (b.sums[i] as number)),
    products: a.products.map((row, i) => row.map((v, j) => v + ((b.products[i] as number[])[j] as number))),
  };
}
