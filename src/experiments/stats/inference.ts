// From an effect and its standard error to a decision: Welch's t interval and p-value for a fixed horizon;
// the asymptotic confidence sequence of Waudby-Smith et al. (2024, "Time-uniform central limit theory and
// asymptotic confidence sequences", Annals of Statistics; arXiv 2103.06476), valid however often it is
// looked at; and a Gaussian posterior on the effect with the chance to win and the expected loss.
import {
  normalCdf,
  normalDensity,
  normalQuantile,
  studentTQuantile,
  studentTTwoSided,
} from '../../models/distributions.ts';
import type { EffectMoments } from './effect.ts';

export interface IntervalResult {
  ci: [number, number];
  pValue: number;
}

/** Welch's two-sided t interval and p-value. */
export function welchTest(m: EffectMoments, alpha: number): IntervalResult {
  const half = studentTQuantile(1 - alpha / 2, m.df) * m.standardError;
  return {
    ci: [m.effect - half, m.effect + half],
    pValue: studentTTwoSided(m.effect / m.standardError, m.df),
  };
}

/**
 * ρ of the normal mixture tuned so the boundary is tightest at n = N* units (the paper's eq. 161, as
 * GrowthBook sets it): ρ² = (−2 ln α + ln(1 − 2 ln α)) / N*.
 */
export function sequentialRho(alpha: number, tuning: number): number {
  const l = -2 * Math.log(alpha);
  return Math.sqrt((l + Math.log(l + 1)) / tuning);
}

/**
 * The two-sided asymptotic confidence sequence at n units: effect ± σ̂·√(2(nρ² + 1)/(n²ρ²) · ln(√(nρ² + 1)/α))
 * with σ̂² = n·SE² (eq. 9), and the always-valid p-value min(1, 1/E) from the mixture e-value
 * E = exp(ρ²·n·z²/(2(nρ² + 1)))/√(nρ² + 1), z = effect/SE (eq. 155). Its α holds under continuous monitoring.
 */
export function sequentialTest(m: EffectMoments, alpha: number, tuning: number): IntervalResult {
  const rho2 = sequentialRho(alpha, tuning) ** 2;
  const n = m.n;
  const spread = n * rho2 + 1;
  const sigma = m.standardError * Math.sqrt(n);
  const half = sigma * Math.sqrt(((2 * spread) / (n * n * rho2)) * Math.log(Math.sqrt(spread) / alpha));
  const z = m.effect / m.standardError;
  const logE = (rho2 * n * z * z) / (2 * spread) - 0.5 * Math.log(spread);
  return { ci: [m.effect - half, m.effect + half], pValue: Math.min(1, Math.exp(-logE)) };
}

/** A Gaussian prior on the effect; variance null is flat (improper), and the posterior is the likelihood. */
export interface GaussianPrior {
  mean: number;
  variance: number | null;
}

export interface BayesianResult {
  /** Posterior mean and standard deviation of the effect. */
  mean: number;
  sd: number;
  /** The central (1 − α) credible interval. */
  ci: [number, number];
  /** P(the treatment is better than the control). */
  chanceToWin: number;
  /** Expected loss of choosing [the control, the treatment]: E[max(δ, 0)] and E[max(−δ, 0)], better-signed. */
  risk: [number, number];
}

/**
 * Normal–normal update of the effect (the data's likelihood N(effect, SE²)), as GrowthBook's effect model:
 * a prior given on the lift is scaled by |control| when the difference is absolute (done by the caller).
 * Expected losses use E[max(δ, 0)] = μΦ(μ/σ) + σφ(μ/σ).
 */
export function bayesianEffect(
  m: Pick<EffectMoments, 'effect' | 'standardError'>,
  prior: GaussianPrior,
  alpha: number,
  higherIsBetter = true,
): BayesianResult {
  const dataPrecision = 1 / m.standardError ** 2;
  const priorPrecision = prior.variance === null ? 0 : 1 / prior.variance;
  const precision = dataPrecision + priorPrecision;
  const mean = (m.effect * dataPrecision + prior.mean * priorPrecision) / precision;
  const sd = Math.sqrt(1 / precision);
  const z = normalQuantile(1 - alpha / 2);
  const ratio = mean / sd;
  const gain = mean * normalCdf(ratio) + sd * normalDensity(ratio);
  const loss = -mean * normalCdf(-ratio) + sd * normalDensity(ratio);
  return {
    mean,
    sd,
    ci: [mean - z * sd, mean + z * sd],
    chanceToWin: higherIsBetter ? normalCdf(ratio) : normalCdf(-ratio),
    risk: higherIsBetter ? [gain, loss] : [loss, gain],
  };
}
