// Distribution functions for tests on summaries: the standard normal CDF and Student's t CDF and quantile,
// taken from stdlib (@stdlib/stats-base-dists-*: ports of Cephes and Boost, checked against them), beside
// the normal quantile and the chi-square tail already written in special-functions.ts. Every statistic in
// Tenure that needs one of these imports it from here, so each exists once.
import normalCdfStdlib from '@stdlib/stats-base-dists-normal-cdf';
import tCdfStdlib from '@stdlib/stats-base-dists-t-cdf';
import tQuantileStdlib from '@stdlib/stats-base-dists-t-quantile';

export { chiSquareSurvival, normalQuantile } from './special-functions.ts';

/** Φ(x), the standard normal CDF. */
export function normalCdf(x: number): number {
  return normalCdfStdlib(x, 0, 1);
}

/** The standard normal density φ(x). */
export function normalDensity(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

/** P(T ≤ t) for Student's t with `df` degrees of freedom (df > 0, not necessarily whole). */
export function studentTCdf(t: number, df: number): number {
  return tCdfStdlib(t, df);
}

/** The two-sided p-value of a t statistic: P(|T| ≥ |t|), from the lower tail so small values keep their digits. */
export function studentTTwoSided(t: number, df: number): number {
  return Math.min(1, 2 * tCdfStdlib(-Math.abs(t), df));
}

/** The t quantile: the value below which Student's t with `df` degrees of freedom falls with probability p. */
export function studentTQuantile(p: number, df: number): number {
  return tQuantileStdlib(p, df);
}
