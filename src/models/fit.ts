// Maximum likelihood for models whose parameters are all positive: the search runs over their logarithms
// (so every point is admissible) from several starts, and the result carries standard errors.

import { standardErrorsFromLog } from './hessian.ts';
import { minimize } from './optimize.ts';

export interface FittedParameters<Name extends string> {
  /** The estimates, by the papers' names. */
  params: Record<Name, number>;
  /** Standard errors from the observed information; null when it is not positive definite. */
  standardErrors: Record<Name, number | null>;
  logLikelihood: number;
  /** The optimiser stopped with a vanishing gradient and the information matrix is positive definite. */
  converged: boolean;
}

const LOG_BOUND = 30;

export interface FitOptions {
  /** Starting points on the natural scale; when given, the search starts from these alone. */
  starts?: readonly (readonly number[])[];
}

/** Starting points on the log scale: the given ones, plus a spread that reaches far from them. */
export function defaultStarts(n: number, given: readonly (readonly number[])[] = []): number[][] {
  const spread = [0, Math.log(0.1), Math.log(10)].map((v) => new Array<number>(n).fill(v));
  return [...given.map((s) => s.slice()), ...spread];
}

/**
 * Maximises `logLikelihood(params)` over positive parameters named `names`, starting from natural-scale
 * `starts` (and a default spread). The log-likelihood must return a finite number or −Infinity.
 */
export function fitPositive<Name extends string>(
  names: readonly Name[],
  logLikelihood: (params: readonly number[]) => number,
  starts: readonly (readonly number[])[] = [],
  opts: { onlyTheseStarts?: boolean } = {},
): FittedParameters<Name> {
  const negLogLikelihood = (u: readonly number[]) => {
    // Beyond e^±30 a parameter means nothing for these models, and rounding could fake a maximum there.
    if (u.some((v) => Math.abs(v) > LOG_BOUND)) return Number.POSITIVE_INFINITY;
    const ll = logLikelihood(u.map(Math.exp));
    return Number.isFinite(ll) ? -ll : Number.POSITIVE_INFINITY;
  };
  const given = starts.map((s) => s.map((v) => Math.log(v)));
  const logStarts = opts.onlyTheseStarts ? given : defaultStarts(names.length, given);
  const best = minimize(negLogLikelihood, logStarts);
  const { standardErrors, covarianceOk } = standardErrorsFromLog(negLogLikelihood, best.x);
  const params = {} as Record<Name, number>;
  const errors = {} as Record<Name, number | null>;
  names.forEach((name, i) => {
    params[name] = Math.exp(best.x[i] as number);
    errors[name] = standardErrors[i] ?? null;
  });
  return {
    params,
    standardErrors: errors,
    logLikelihood: -best.value,
    converged: best.converged && covarianceOk,
  };
}
