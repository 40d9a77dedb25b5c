// The BG/NBD model of repeat buying in a non-contractual setting (Fader, Hardie & Lee 2005, "'Counting your
// customers' the easy way: an alternative to the Pareto/NBD model", Marketing Science 24(2)): while alive
// a customer buys as a Poisson process with rate λ ~ Gamma(r, α); after each purchase they drop out with
// probability p ~ Beta(a, b). Input per customer: frequency x (repeat purchases), recency t_x (time of
// the last purchase) and age T (time since the first purchase), all in the same unit.

import { badInput } from '../errors/tenure-error.ts';
import { bgnbdColumnsLogLikelihood, rfmColumns } from './bgnbd-gradient.ts';
import { type FitOptions, type FittedParameters, fitPositive } from './fit.ts';
import { invert } from './hessian.ts';
import { bfgsWithGradient, type ObjectiveWithGradient } from './optimize.ts';
import { hyp2f1, lbeta, lgamma, logSumExp } from './special-functions.ts';

export interface BgnbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** One customer's (x, t_x, T); `count` customers share it (1 when absent). */
export interface RfmRow {
  frequency: number;
  recency: number;
  T: number;
  count?: number;
}

/**
 * Identical (x, t_x, T) rows merged into one with a count, so each is evaluated once per likelihood call.
 * Nested maps keyed by the numbers themselves (no string keys: a million rows group in a fraction of the
 * time), in order of first appearance.
 */
export function groupRfm(rows: readonly RfmRow[]): Required<RfmRow>[] {
  const byT = new Map<number, Map<number, Map<number, Required<RfmRow>>>>();
  const out: Required<RfmRow>[] = [];
  for (const row of rows) {
    let byX = byT.get(row.T);
    if (!byX) {
      byX = new Map();
      byT.set(row.T, byX);
    }
    let byRecency = byX.get(row.frequency);
    if (!byRecency) {
      byRecency = new Map();
      byX.set(row.frequency, byRecency);
    }
    const seen = byRecency.get(row.recency);
    if (seen) seen.count += row.count ?? 1;
    else {
      const group = { frequency: row.frequency, recency: row.recency, T: row.T, count: row.count ?? 1 };
      byRecency.set(row.recency, group);
      out.push(group);
    }
  }
  return out;
}

/** ln[B(a, b + x)/B(a, b)] = Σ_{k<x} ln((b + k)/(a + b + k)) for whole x: exact at any magnitude. */
function logBetaRatio(a: number, b: number, x: number): number {
  if (!Number.isInteger(x) || x > 10_000) return lbeta(a, b + x) - lbeta(a, b);
  let sum = 0;
  for (let k = 0; k < x; k++) sum += Math.log((b + k) / (a + b + k));
  return sum;
}

/** ln[Γ(r + x)/Γ(r)] = Σ_{k<x} ln(r + k) for whole x. */
function logRising(r: number, x: number): number {
  if (!Number.isInteger(x) || x > 10_000) return lgamma(r + x) - lgamma(r);
  let sum = 0;
  for (let k = 0; k < x; k++) sum += Math.log(r + k);
  return sum;
}

/**
 * ln L for one customer (Fader, Hardie & Lee 2005), as a log-sum-exp of its two terms so it is
 * finite wherever the parameters are:
 * L = Γ(r+x)α^r/Γ(r) · [B(a, b+x)/B(a, b)·(α+T)^−(r+x) + 1{x>0}·B(a+1, b+x−1)/B(a, b)·(α+t_x)^−(r+x)].
 * The gamma and beta ratios are products over x terms and α^r/(α+T)^r is exp(−r·ln(1 + T/α)), so no
 * large logarithms cancel when the parameters are extreme (which would let the optimiser find false maxima).
 */
export function bgnbdCustomerLogLikelihood(
  { r, alpha, a, b }: BgnbdParams,
  x: number,
  tx: number,
  T: number,
): number {
  const common = logRising(r, x);
  const stillAlive = logBetaRatio(a, b, x) - r * Math.log1p(T / alpha) - x * Math.log(alpha + T);
  if (x === 0) return common + stillAlive;
  const droppedOut =
    Math.log(a / (a + b + x - 1)) +
    logBetaRatio(a, b, x - 1) -
    r * Math.log1p(tx / alpha) -
    x * Math.log(alpha + tx);
  return common + logSumExp(stillAlive, droppedOut);
}

/** The sample log-likelihood, each row weighted by its count. */
export function bgnbdLogLikelihood(params: BgnbdParams, rows: readonly RfmRow[]): number {
  let ll = 0;
  for (const row of rows)
    ll += (row.count ?? 1) * bgnbdCustomerLogLikelihood(params, row.frequency, row.recency, row.T);
  return ll;
}

/** Throws the error that names what is wrong with one row (1-based position, field). */
function explainBadRow(row: RfmRow, i: number): never {
  const where = (field: string) => ({ field: `rows[${i}].${field}` });
  if (!(Number.isInteger(row.frequency) && row.frequency >= 0)) {
    throw badInput(`frequency must be a whole number ≥ 0, not ${row.frequency}`, where('frequency'));
  }
  if (!(Number.isFinite(row.T) && row.T > 0))
    throw badInput(`T must be a number > 0, not ${row.T}`, where('T'));
  if (!(Number.isFinite(row.recency) && row.recency >= 0 && row.recency <= row.T)) {
    throw badInput(`recency must lie in [0, T] (T = ${row.T}), not ${row.recency}`, where('recency'));
  }
  throw badInput(`recency must be 0 when frequency is 0, not ${row.recency}`, where('recency'));
}

/** Checks rows for what the model cannot take, naming the customer's position (1-based) and field. */
export function checkRfmRows(rows: readonly RfmRow[], minimum = 10): void {
  if (rows.length < minimum) {
    throw badInput(
      `too few customers to fit: ${rows.length}, at least ${minimum} are needed`,
      { field: 'rows' },
      'give more customers',
    );
  }
  // A plain loop: this runs over every customer of samples in the millions.
  let repeatBuyers = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as RfmRow;
    const { frequency, recency, T } = row;
    const valid =
      Number.isInteger(frequency) &&
      frequency >= 0 &&
      Number.isFinite(T) &&
      T > 0 &&
      Number.isFinite(recency) &&
      recency >= 0 &&
      recency <= T &&
      (frequency > 0 || recency === 0);
    if (!valid) explainBadRow(row, i);
    if (frequency > 0) repeatBuyers++;
  }
  if (repeatBuyers === 0) {
    throw badInput(
      'no customer made a repeat purchase',
      { field: 'frequency' },
      'the model needs some repeat buyers',
    );
  }
}

export type BgnbdFit = FittedParameters<keyof BgnbdParams> & { customers: number; distinctRows: number };

/** Above this many distinct rows the fit takes its starting point from a subsample (fitLarge). */
const LARGE = 20_000;
/** Customers in that subsample: the size of CDNOW, where the multi-start search takes about a second. */
const SUBSAMPLE = 2_500;

/** Maximum-likelihood r, α, a, b; identical (x, t_x, T) rows are evaluated once, weighted by their count. */
export function fitBgnbd(rows: readonly RfmRow[], opts: FitOptions = {}): BgnbdFit {
  checkRfmRows(rows);
  const grouped = groupRfm(rows);
  const customers = grouped.reduce((s, g) => s + g.count, 0);
  if (opts.starts === undefined && grouped.length > LARGE) {
    return { ...fitLarge(grouped), customers, distinctRows: grouped.length };
  }
  const meanT = grouped.reduce((s, g) => s + g.T * g.count, 0) / customers;
  const cols = rfmColumns(grouped);
  const fit = fitPositive(
    ['r', 'alpha', 'a', 'b'],
    (params) => bgnbdColumnsLogLikelihood(params, cols),
    opts.starts ?? [[1, Math.max(meanT, 1e-3), 1, 1]],
    { onlyTheseStarts: opts.starts !== undefined },
  );
  return { ...fit, customers, distinctRows: grouped.length };
}

/** Every k-th customer (rows expanded by their counts), grouped again: a systematic subsample. */
function subsample(grouped: readonly Required<RfmRow>[], size: number): Required<RfmRow>[] {
  const total = grouped.reduce((s, g) => s + g.count, 0);
  const step = Math.max(1, total / size);
  const out: Required<RfmRow>[] = [];
  let before = 0;
  for (const g of grouped) {
    const taken = Math.floor((before + g.count) / step) - Math.floor(before / step);
    if (taken > 0) out.push({ ...g, count: taken });
    before += g.count;
  }
  return out;
}

/** The Hessian of f by central differences of its gradient (step 1e-4), symmetrised. */
function hessianOf(f: ObjectiveWithGradient, u: readonly number[]): number[][] {
  const n = u.length;
  const hessian = u.map(() => new Array<number>(n).fill(0));
  const h = 1e-4;
  for (let j = 0; j < n; j++) {
    const up = new Array<number>(n).fill(0);
    const down = new Array<number>(n).fill(0);
    f(
      u.map((v, i) => (i === j ? v + h : v)),
      up,
    );
    f(
      u.map((v, i) => (i === j ? v - h : v)),
      down,
    );
    for (let i = 0; i < n; i++) {
      const d = ((up[i] as number) - (down[i] as number)) / (2 * h);
      (hessian[i] as number[])[j] = ((hessian[i] as number[])[j] as number) + d / 2;
      (hessian[j] as number[])[i] = ((hessian[j] as number[])[i] as number) + d / 2;
    }
  }
  return hessian;
}

/**
 * A large sample: the multi-start search (Nelder–Mead and BFGS from a spread of starts, with restarts) runs
 * on a systematic subsample only to find the basin; BFGS with the analytic gradient then climbs the whole
 * sample's likelihood from there, and the standard errors come from the Hessian of −LL in ln θ by central
 * differences of that gradient. The estimate is the whole sample's maximum (its gradient is checked), not
 * the subsample's.
 */
function fitLarge(grouped: readonly Required<RfmRow>[]): FittedParameters<keyof BgnbdParams> {
  const names = ['r', 'alpha', 'a', 'b'] as const;
  const small = subsample(grouped, SUBSAMPLE);
  const start = small.some((g) => g.frequency > 0) ? fitBgnbd(small).params : { r: 1, alpha: 1, a: 1, b: 1 };
  const cols = rfmColumns(grouped);
  const negative: ObjectiveWithGradient = (u, gradient) => {
    const ll = bgnbdColumnsLogLikelihood(u.map(Math.exp), cols, gradient);
    for (let i = 0; i < gradient.length; i++) gradient[i] = -(gradient[i] as number);
    return Number.isFinite(ll) ? -ll : Number.POSITIVE_INFINITY;
  };
  const u0 = names.map((k) => Math.log(start[k]));
  // Started with the inverse of the Hessian at the subsample's optimum, BFGS takes Newton-sized steps.
  const best = bfgsWithGradient(negative, u0, {
    maxIter: 500,
    gradTol: 1e-9,
    inverseHessian: invert(hessianOf(negative, u0)),
  });
  const hessian = hessianOf(negative, best.x);
  const cov = invert(hessian);
  const variances = names.map((_, i) => (cov ? ((cov[i] as number[])[i] as number) : Number.NaN));
  const ok = variances.every((v) => Number.isFinite(v) && v > 0);
  const params = {} as Record<keyof BgnbdParams, number>;
  const standardErrors = {} as Record<keyof BgnbdParams, number | null>;
  names.forEach((name, i) => {
    params[name] = Math.exp(best.x[i] as number);
    standardErrors[name] = ok ? params[name] * Math.sqrt(variances[i] as number) : null;
  });
  return { params, standardErrors, logLikelihood: -best.value, converged: best.converged && ok };
}

/** The expectations divide by a − 1; at a = 1 exactly they are the limit, reached from a hair away. */
const nudgeFromOne = (a: number) => (Math.abs(a - 1) < 1e-7 ? 1 + 1e-7 : a);

/**
 * E[X(t)]: expected purchases of a new customer in (0, t]:
 * (a + b − 1)/(a − 1) · [1 − (α/(α + t))^r · ₂F₁(r, b; a + b − 1; t/(α + t))].
 */
export function bgnbdExpectedPurchasesNew({ r, alpha, a: aFitted, b }: BgnbdParams, t: number): number {
  if (t <= 0) return 0;
  const a = nudgeFromOne(aFitted);
  const z = t / (alpha + t);
  return ((a + b - 1) / (a - 1)) * (1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1, z));
}

/** P(alive | x, t_x, T) = 1 / (1 + 1{x>0}·a/(b + x − 1)·((α + T)/(α + t_x))^(r+x)). */
export function bgnbdProbabilityAlive(
  { r, alpha, a, b }: BgnbdParams,
  x: number,
  tx: number,
  T: number,
): number {
  if (x === 0) return 1;
  const logOdds = Math.log(a / (b + x - 1)) + (r + x) * Math.log((alpha + T) / (alpha + tx));
  return 1 / (1 + Math.exp(logOdds));
}

/**
 * E[Y(t) | x, t_x, T]: expected purchases in (T, T + t] of a customer with that history:
 * (a + b + x − 1)/(a − 1) · [1 − ((α + T)/(α + T + t))^(r+x) · ₂F₁(r + x, b + x; a + b + x − 1; t/(α + T + t))]
 * · P(alive).
 */
export function bgnbdExpectedPurchases(
  params: BgnbdParams,
  t: number,
  x: number,
  tx: number,
  T: number,
): number {
  if (t <= 0) return 0;
  const { r, alpha, b } = params;
  const a = nudgeFromOne(params.a);
  const z = t / (alpha + T + t);
  const bracket = 1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp2f1(r + x, b + x, a + b + x - 1, z);
  return ((a + b + x - 1) / (a - 1)) * bracket * bgnbdProbabilityAlive(params, x, tx, T);
}
