// The shifted-beta-geometric (sBG) model of contractual retention (Fader & Hardie 2007, "How to project
// customer retention", J. Interactive Marketing 21(1)): each customer renews each period with a constant
// probability 1 − θ, and θ varies across customers as Beta(α, β). Fitted by maximum likelihood to one
// cohort's survivors per period; DEL and DERL follow Fader & Hardie (2010), "Customer-base valuation in a
// contractual setting: the perils of ignoring heterogeneity", Marketing Science 29(1).

import { badInput } from '../errors/tenure-error.ts';
import { type FitOptions, type FittedParameters, fitPositive } from './fit.ts';
import { hyp2f1 } from './special-functions.ts';

export interface SbgParams {
  alpha: number;
  beta: number;
}

/** ln S(t) for t = 0 … n: S(t) = S(t−1)·(β + t − 1)/(α + β + t − 1), S(0) = 1. */
function logSurvivalUpTo({ alpha, beta }: SbgParams, n: number): number[] {
  const out = [0];
  for (let t = 1; t <= n; t++)
    out.push((out[t - 1] as number) + Math.log((beta + t - 1) / (alpha + beta + t - 1)));
  return out;
}

/** S(t) = P(T > t) = B(α, β + t)/B(α, β): the share of a cohort still there after t periods. */
export function sbgSurvival(params: SbgParams, t: number): number {
  return Math.exp(logSurvivalUpTo(params, t)[t] as number);
}

/** The retention rate of period t, r(t) = S(t)/S(t−1) = (β + t − 1)/(α + β + t − 1); it rises with t. */
export function sbgRetentionRate({ alpha, beta }: SbgParams, t: number): number {
  return (beta + t - 1) / (alpha + beta + t - 1);
}

/**
 * The log-likelihood of a cohort's survivors n₀ ≥ n₁ ≥ … ≥ n_k: (n_{t−1} − n_t) customers churn in period
 * t with probability P(T = t) = S(t−1)·α/(α + β + t − 1); n_k are still there (probability S(k)).
 */
export function sbgLogLikelihood(params: SbgParams, survivors: readonly number[]): number {
  const { alpha, beta } = params;
  const k = survivors.length - 1;
  const logS = logSurvivalUpTo(params, k);
  let ll = 0;
  for (let t = 1; t <= k; t++) {
    const lost = (survivors[t - 1] as number) - (survivors[t] as number);
    if (lost > 0) ll += lost * ((logS[t - 1] as number) + Math.log(alpha / (alpha + beta + t - 1)));
  }
  const stayed = survivors[k] as number;
  if (stayed > 0) ll += stayed * (logS[k] as number);
  return ll;
}

/** Checks a survivors series and says what is wrong with it, naming the option. */
export function checkSurvivors(survivors: readonly number[], field = 'survivors'): void {
  if (survivors.length < 3) {
    throw badInput(
      `${field} needs at least 3 values (the cohort's size, then survivors after each period), got ${survivors.length}`,
      { field },
      'give the cohort size followed by at least two periods, e.g. 1000,631,468',
    );
  }
  survivors.forEach((v, i) => {
    if (!Number.isFinite(v) || v < 0) {
      throw badInput(
        `${field} value ${i + 1} is not a count ≥ 0: ${v}`,
        { field },
        'give whole numbers of customers',
      );
    }
    if (i > 0 && v > (survivors[i - 1] as number)) {
      throw badInput(
        `${field} must not increase: value ${i + 1} (${v}) is above value ${i} (${survivors[i - 1]})`,
        { field },
        'give the number of the original cohort still there after each period, which can only fall',
      );
    }
  });
  const first = survivors[0] as number;
  const last = survivors[survivors.length - 1] as number;
  if (first === 0)
    throw badInput(`${field} starts at 0: the cohort is empty`, { field }, 'give the cohort size first');
  if (last === first) {
    throw badInput(
      `no customer churned in ${field}`,
      { field },
      'the model needs at least one churned customer',
    );
  }
  if ((survivors[1] as number) === 0) {
    throw badInput(
      `every customer churned in the first period of ${field}`,
      { field },
      'the model needs customers who stay at least one period',
    );
  }
}

export type SbgFit = FittedParameters<keyof SbgParams>;

/** Maximum-likelihood α and β from a cohort's survivors per period (first value: the cohort's size). */
export function fitSbg(survivors: readonly number[], opts: FitOptions = {}): SbgFit {
  checkSurvivors(survivors);
  return fitPositive(
    ['alpha', 'beta'],
    ([alpha, beta]) => sbgLogLikelihood({ alpha: alpha as number, beta: beta as number }, survivors),
    opts.starts ?? [[1, 1]],
    { onlyTheseStarts: opts.starts !== undefined },
  );
}

/** E(T) = (α + β − 1)/(α − 1) periods; null when α ≤ 1, where the mean lifetime is infinite. */
export function sbgExpectedLifetime({ alpha, beta }: SbgParams): number | null {
  return alpha > 1 ? (alpha + beta - 1) / (alpha - 1) : null;
}

/** Σ_{t=0}^{h−1} S(t): the expected number of periods a new customer is active within the first h. */
export function sbgTruncatedLifetime(params: SbgParams, horizon: number): number {
  return logSurvivalUpTo(params, Math.max(0, horizon - 1)).reduce((sum, l) => sum + Math.exp(l), 0);
}

function checkDiscount(discount: number): void {
  if (!(discount > 0 && Number.isFinite(discount))) {
    throw badInput(
      `the discount rate must be a number > 0, not ${discount}`,
      { field: 'discount' },
      'e.g. 0.1 for 10% a period',
    );
  }
}

/**
 * DEL: the discounted expected lifetime of a new customer, Σ_{t≥1} S(t−1)/(1 + d)^{t−1}
 * = ₂F₁(1, β; α + β; 1/(1 + d)) (Fader & Hardie 2010), in periods' worth of payments.
 */
export function sbgDiscountedLifetime({ alpha, beta }: SbgParams, discount: number): number {
  checkDiscount(discount);
  return hyp2f1(1, beta, alpha + beta, 1 / (1 + discount));
}

/**
 * DERL for a customer who has made `renewals` renewals (n − 1 in the paper), evaluated just before the
 * next renewal decision: Σ_{t≥n} S(t)/S(n−1)/(1 + d)^{t−n}
 * = (β + n − 1)/(α + β + n − 1) · ₂F₁(1, β + n; α + β + n; 1/(1 + d)) (Fader & Hardie 2010).
 */
export function sbgDiscountedResidualLifetime(
  { alpha, beta }: SbgParams,
  discount: number,
  renewals: number,
): number {
  checkDiscount(discount);
  const n = renewals + 1;
  return (
    ((beta + n - 1) / (alpha + beta + n - 1)) * hyp2f1(1, beta + n, alpha + beta + n, 1 / (1 + discount))
  );
}

export interface SbgPeriod {
  period: number;
  survival: number;
  retentionRate: number;
  expectedSurvivors: number;
  /** The survivors given for this period, when it was observed. */
  observed: number | null;
}

/** Survival, retention rate and expected survivors for periods 1 … `periods` of a cohort of `size`. */
export function projectSbg(
  params: SbgParams,
  size: number,
  periods: number,
  observed: readonly number[] = [],
): SbgPeriod[] {
  const logS = logSurvivalUpTo(params, periods);
  return Array.from({ length: periods }, (_, i) => {
    const t = i + 1;
    const survival = Math.exp(logS[t] as number);
    return {
      period: t,
      survival,
      retentionRate: sbgRetentionRate(params, t),
      expectedSurvivors: size * survival,
      observed: observed[t] ?? null,
    };
  });
}
