// L2-regularised logistic regression fitted by Newton–Raphson (iteratively reweighted least squares), with
// standard errors from the inverse of the penalised Hessian at the optimum. The design is a flat row-major
// matrix (n rows × p columns, no intercept column: the intercept is added here and never penalised), so a
// few hundred thousand rows fit in one Float64Array instead of as many small arrays.
import { badInput } from '../errors/tenure-error.ts';
import { normalQuantile } from './special-functions.ts';

export interface LogisticInput {
  /** Row-major n × p values; column j of row i is x[i * p + j]. */
  readonly x: ArrayLike<number>;
  /** Number of columns p (the intercept is not among them). */
  readonly columns: number;
  /** 1 when the row had the outcome, 0 otherwise. */
  readonly y: ArrayLike<number>;
  /** Ridge penalty λ on the slopes: minimises −LL + λ/2 · Σ β_j² (0 = plain maximum likelihood). */
  readonly lambda?: number;
  /** Column names, for messages. */
  readonly names?: readonly string[];
}

export interface LogisticCoefficient {
  /** 'intercept' or the column's name. */
  name: string;
  estimate: number;
  /** Null when the information matrix is not positive definite (no interval can be given). */
  standardError: number | null;
  /** The 95% Wald interval, estimate ± 1.96 · SE. */
  lower: number | null;
  upper: number | null;
}

export interface LogisticFit {
  n: number;
  events: number;
  /** Intercept first, then one per column. */
  coefficients: LogisticCoefficient[];
  logLikelihood: number;
  iterations: number;
  /** False when Newton steps stopped short of a vanishing gradient (e.g. separated data without a penalty). */
  converged: boolean;
}

const MAX_ITERATIONS = 100;
const Z95 = normalQuantile(0.975);

function checkInput(input: LogisticInput): { n: number; p: number; events: number } {
  const p = input.columns;
  const n = input.y.length;
  if (!Number.isInteger(p) || p < 0) throw badInput(`columns must be a whole number ≥ 0, not ${p}`);
  if (input.x.length !== n * p)
    throw badInput(`x holds ${input.x.length} values; ${n} rows × ${p} columns need ${n * p}`, {
      field: 'x',
    });
  let events = 0;
  for (let i = 0; i < n; i++) {
    const v = input.y[i] as number;
    if (v !== 0 && v !== 1) throw badInput(`y[${i}] must be 0 or 1, not ${v}`, { field: `y[${i}]` });
    events += v;
  }
  for (let k = 0; k < input.x.length; k++) {
    if (!Number.isFinite(input.x[k] as number)) {
      const row = Math.floor(k / p);
      const col = input.names?.[k % p] ?? String(k % p);
      throw badInput(`x[${row}].${col} is not a finite number`, { field: `x[${row}].${col}` });
    }
  }
  if (n < p + 2)
    throw badInput(
      `${n} rows cannot fit ${p + 1} coefficients`,
      { field: 'y' },
      `give at least ${p + 2} rows, or fewer columns`,
    );
  if (events === 0 || events === n)
    throw badInput(
      `every row has y = ${events === 0 ? 0 : 1}: a logistic model needs rows of both outcomes`,
      { field: 'y' },
    );
  return { n, p, events };
}

/** Cholesky factor L (lower, row-major) of a symmetric positive definite k × k matrix; null if not PD. */
export function cholesky(a: Float64Array, k: number): Float64Array | null {
  const l = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * k + j] as number;
      for (let m = 0; m < j; m++) s -= (l[i * k + m] as number) * (l[j * k + m] as number);
      if (i === j) {
        if (!(s > 0)) return null;
        l[i * k + i] = Math.sqrt(s);
      } else l[i * k + j] = s / (l[j * k + j] as number);
    }
  }
  return l;
}

/** Solves L Lᵀ z = b. */
function choleskySolve(l: Float64Array, k: number, b: Float64Array): Float64Array {
  const z = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let s = b[i] as number;
    for (let m = 0; m < i; m++) s -= (l[i * k + m] as number) * (z[m] as number);
    z[i] = s / (l[i * k + i] as number);
  }
  for (let i = k - 1; i >= 0; i--) {
    let s = z[i] as number;
    for (let m = i + 1; m < k; m++) s -= (l[m * k + i] as number) * (z[m] as number);
    z[i] = s / (l[i * k + i] as number);
  }
  return z;
}

/** ln(1 + e^t) without overflow. */
const softplus = (t: number) => (t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t)));

/** Penalised log-likelihood, gradient and Hessian (of −objective) at β; index 0 is the intercept. */
function evaluate(input: LogisticInput, n: number, p: number, beta: Float64Array, lambda: number) {
  const k = p + 1;
  const grad = new Float64Array(k);
  const hess = new Float64Array(k * k);
  const row = new Float64Array(k);
  row[0] = 1;
  let ll = 0;
  for (let i = 0; i < n; i++) {
    let eta = beta[0] as number;
    for (let j = 0; j < p; j++) {
      const v = input.x[i * p + j] as number;
      row[j + 1] = v;
      eta += (beta[j + 1] as number) * v;
    }
    const y = input.y[i] as number;
    ll += y * eta - softplus(eta);
    const mu = 1 / (1 + Math.exp(-eta));
    const w = mu * (1 - mu);
    const r = y - mu;
    for (let a = 0; a < k; a++) {
      const ra = row[a] as number;
      grad[a] = (grad[a] as number) + ra * r;
      const wa = w * ra;
      if (wa === 0) continue;
      for (let b = 0; b <= a; b++) hess[a * k + b] = (hess[a * k + b] as number) + wa * (row[b] as number);
    }
  }
  for (let a = 0; a < k; a++) for (let b = 0; b < a; b++) hess[b * k + a] = hess[a * k + b] as number;
  let penalty = 0;
  for (let j = 1; j < k; j++) {
    const bj = beta[j] as number;
    penalty += bj * bj;
    grad[j] = (grad[j] as number) - lambda * bj;
    hess[j * k + j] = (hess[j * k + j] as number) + lambda;
  }
  return { ll, objective: ll - (lambda / 2) * penalty, grad, hess };
}

/**
 * Fits P(y = 1 | x) = 1 / (1 + exp(−(β₀ + x·β))). Newton steps are halved while they fail to raise the
 * penalised log-likelihood, which keeps a poor start from overshooting.
 */
export function fitLogistic(input: LogisticInput): LogisticFit {
  const { n, p, events } = checkInput(input);
  const lambda = input.lambda ?? 0;
  if (!(lambda >= 0) || !Number.isFinite(lambda))
    throw badInput(`lambda must be a number ≥ 0, not ${lambda}`, { field: 'lambda' });
  const k = p + 1;
  const beta = new Float64Array(k);
  beta[0] = Math.log(events / (n - events)); // the intercept-only optimum: a good start
  let state = evaluate(input, n, p, beta, lambda);
  let converged = false;
  let iterations = 0;
  while (iterations < MAX_ITERATIONS && !converged) {
    iterations++;
    const l = cholesky(state.hess, k);
    if (!l) break;
    const step = choleskySolve(l, k, state.grad);
    let scale = 1;
    let next = state;
    let trial = beta;
    for (let halvings = 0; halvings < 30; halvings++) {
      trial = beta.map((b, j) => b + scale * (step[j] as number));
      next = evaluate(input, n, p, trial, lambda);
      if (next.objective >= state.objective - 1e-12 * Math.abs(state.objective)) break;
      scale /= 2;
    }
    const moved = Math.max(...step.map((s) => Math.abs(s * scale)));
    beta.set(trial);
    const gain = next.objective - state.objective;
    state = next;
    converged = moved < 1e-8 || (gain >= 0 && gain < 1e-10 * Math.max(1, Math.abs(state.objective)));
  }
  const l = cholesky(state.hess, k);
  if (!l) converged = false;
  const names = ['intercept', ...Array.from({ length: p }, (_, j) => input.names?.[j] ?? `x${j}`)];
  const coefficients = names.map((name, j) => {
    const estimate = beta[j] as number;
    if (!l) return { name, estimate, standardError: null, lower: null, upper: null };
    const unit = new Float64Array(k);
    unit[j] = 1;
    const se = Math.sqrt(choleskySolve(l, k, unit)[j] as number);
    return { name, estimate, standardError: se, lower: estimate - Z95 * se, upper: estimate + Z95 * se };
  });
  return { n, events, coefficients, logLikelihood: state.ll, iterations, converged };
}

/** The fitted probability for one row of p values. */
export function logisticProbability(coefficients: readonly number[], row: ArrayLike<number>): number {
  let eta = coefficients[0] ?? 0;
  for (let j = 0; j < row.length; j++) eta += (coefficients[j + 1] ?? 0) * (row[j] as number);
  return 1 / (1 + Math.exp(-eta));
}
