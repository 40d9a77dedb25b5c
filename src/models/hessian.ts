// Standard errors of maximum-likelihood estimates: the observed information is minus the Hessian of the
// log-likelihood at the optimum (here by central differences), and its inverse is the covariance.

import type { Objective } from './optimize.ts';

/** Central-difference Hessian of f at x (steps relative to each coordinate). */
export function numericalHessian(f: Objective, x: readonly number[], h = 1e-4): number[][] {
  const n = x.length;
  const steps = x.map((v) => h * Math.max(1, Math.abs(v)));
  const at = (di: number, si: number, dj: number, sj: number) => {
    const p = x.slice();
    p[di] = (p[di] as number) + si;
    p[dj] = (p[dj] as number) + sj;
    return f(p);
  };
  const f0 = f(x);
  const hess: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    const hi = steps[i] as number;
    (hess[i] as number[])[i] = (at(i, hi, i, 0) - 2 * f0 + at(i, -hi, i, 0)) / (hi * hi);
    for (let j = 0; j < i; j++) {
      const hj = steps[j] as number;
      const v =
        (at(i, hi, j, hj) - at(i, hi, j, -hj) - at(i, -hi, j, hj) + at(i, -hi, j, -hj)) / (4 * hi * hj);
      (hess[i] as number[])[j] = v;
      (hess[j] as number[])[i] = v;
    }
  }
  return hess;
}

/** Inverse by Gauss–Jordan elimination with partial pivoting; undefined when singular. */
export function invert(matrix: readonly (readonly number[])[]): number[][] | undefined {
  const n = matrix.length;
  const a = matrix.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) {
      if (Math.abs((a[r] as number[])[col] as number) > Math.abs((a[pivot] as number[])[col] as number))
        pivot = r;
    }
    const p = (a[pivot] as number[])[col] as number;
    if (!Number.isFinite(p) || Math.abs(p) < 1e-300) return undefined;
    [a[col], a[pivot]] = [a[pivot] as number[], a[col] as number[]];
    const row = (a[col] as number[]).map((v) => v / p);
    a[col] = row;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const factor = (a[r] as number[])[col] as number;
      if (factor !== 0) a[r] = (a[r] as number[]).map((v, j) => v - factor * (row[j] as number));
    }
  }
  return a.map((row) => row.slice(n));
}

/**
 * Standard errors of positive parameters θ = exp(u) from the negative log-likelihood in u: the covariance
 * of u is the inverse Hessian of −LL in u, and SE(θᵢ) = θᵢ·SE(uᵢ) (the delta method, exact to first order
 * at the optimum). Null for every parameter when the Hessian is not positive definite there.
 */
export function standardErrorsFromLog(
  negLogLikelihood: Objective,
  logParams: readonly number[],
): { standardErrors: (number | null)[]; covarianceOk: boolean } {
  const hess = numericalHessian(negLogLikelihood, logParams);
  const cov = invert(hess);
  const variances = logParams.map((_, i) => (cov ? ((cov[i] as number[])[i] as number) : Number.NaN));
  const ok = variances.every((v) => Number.isFinite(v) && v > 0);
  return {
    standardErrors: logParams.map((u, i) => (ok ? Math.exp(u) * Math.sqrt(variances[i] as number) : null)),
    covarianceOk: ok,
  };
}
