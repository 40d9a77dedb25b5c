// The random draws the forecast's simulation needs, on the seeded streams of src/synth/random.ts so that a
// forecast with the same seed prints the same intervals.
import { Rng } from '../synth/random.ts';

/** A seeded generator for one forecast (stream 11: no other part of Tenure draws from it). */
export function forecastRng(seed: number): Rng {
  return Rng.stream(seed, 11, 0);
}

/**
 * Binomial(n, p). Exact by inversion when the rarer outcome is expected fewer than 25 times (the search
 * walks that many steps); otherwise the normal approximation, rounded and clamped, whose error at that size
 * is far below the sampling spread it stands for.
 */
export function binomialDraw(rng: Rng, n: number, p: number): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - binomialDraw(rng, n, 1 - p);
  const mean = n * p;
  if (mean >= 25) {
    const x = Math.round(mean + Math.sqrt(mean * (1 - p)) * rng.normal());
    return Math.min(n, Math.max(0, x));
  }
  // Inversion: walk the pmf P(k+1) = P(k)·(n − k)/(k + 1)·p/(1 − p) until the cumulative passes u.
  const u = rng.float();
  let k = 0;
  let pk = (1 - p) ** n;
  let cdf = pk;
  while (u > cdf && k < n) {
    pk *= ((n - k) / (k + 1)) * (p / (1 - p));
    k++;
    cdf += pk;
  }
  return k;
}

/** A draw from the bivariate normal with mean `mean` and covariance `cov` (Cholesky of the 2×2). */
export function normal2Draw(
  rng: Rng,
  mean: readonly [number, number],
  cov: readonly [readonly [number, number], readonly [number, number]],
): [number, number] {
  const l11 = Math.sqrt(Math.max(0, cov[0][0]));
  const l21 = l11 > 0 ? cov[1][0] / l11 : 0;
  const l22 = Math.sqrt(Math.max(0, cov[1][1] - l21 * l21));
  const z1 = rng.normal();
  const z2 = rng.normal();
  return [mean[0] + l11 * z1, mean[1] + l21 * z1 + l22 * z2];
}

/**
 * A count with mean λ and variance φ·λ (φ ≥ 1): Poisson when φ = 1, else Poisson of a log-normally
 * scaled mean whose variance (φ − 1)·λ supplies the over-dispersion (a stand-in for the gamma mixing of
 * the negative binomial, with the same first two moments).
 */
export function overdispersedCountDraw(rng: Rng, lambda: number, phi: number): number {
  if (!(lambda > 0)) return 0;
  if (phi <= 1) return rng.poisson(lambda);
  const sigma = Math.sqrt(Math.log(1 + (phi - 1) / lambda));
  return rng.poisson(rng.lognormal(lambda, sigma));
}

/** The q-quantile of sorted values (linear interpolation between order statistics, type 7). */
export function quantileOfSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return (sorted[lo] as number) + (h - lo) * ((sorted[hi] as number) - (sorted[lo] as number));
}
