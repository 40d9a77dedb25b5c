// The rate of new paying spells (new customers and customers coming back) a month: a Poisson regression of
// the recent monthly counts on time, log λ_i = b₀ + b₁·(i − ī), so a growing company's arrivals keep
// growing in the forecast. Over-dispersion φ = Pearson χ²/(n − 2) (at least 1) widens both the
// coefficients' covariance and the counts drawn from them (quasi-Poisson; McCullagh & Nelder 1989, §6.2).
import { badInput } from '../errors/tenure-error.ts';

export interface ArrivalTrend {
  /** log λ at the centre month ī (index into the counts given). */
  intercept: number;
  /** Monthly growth of log λ (0 when the trend was not fitted). */
  slope: number;
  /** The centre ī the intercept refers to (months counted from the first count). */
  centre: number;
  /** Covariance of (intercept, slope), already scaled by φ. */
  covariance: [[number, number], [number, number]];
  /** Over-dispersion φ ≥ 1: the variance of a month's count is φ·λ. */
  dispersion: number;
  /** How many months the trend was fitted on. */
  months: number;
}

/** λ of month `index` (0 = the first count given; the forecast uses indices past the last). */
export function arrivalRate(t: Pick<ArrivalTrend, 'intercept' | 'slope' | 'centre'>, index: number): number {
  return Math.exp(t.intercept + t.slope * (index - t.centre));
}

/**
 * Fits the trend to `counts` (one per month, oldest first) by Newton's method on the Poisson
 * log-likelihood. With fewer than `minForSlope` months the slope is fixed at 0 (a flat mean rate).
 */
export function fitArrivalTrend(counts: readonly number[], minForSlope = 6): ArrivalTrend {
  const n = counts.length;
  if (n === 0 || counts.some((c) => !(Number.isFinite(c) && c >= 0))) {
    throw badInput('the arrivals need at least one month of counts ≥ 0', { field: 'arrivals' });
  }
  const total = counts.reduce((s, c) => s + c, 0);
  if (total === 0) {
    throw badInput(
      'no paying customer started in the months the forecast learns from',
      { field: 'arrivals' },
      'forecast from data with new paying customers, or a later --as-of',
    );
  }
  const centre = (n - 1) / 2;
  const xs = counts.map((_, i) => i - centre);
  let b0 = Math.log(total / n);
  let b1 = 0;
  const withSlope = n >= minForSlope;
  if (withSlope) {
    for (let iter = 0; iter < 50; iter++) {
      // Score and information of the Poisson log-likelihood Σ c·η − e^η.
      let g0 = 0;
      let g1 = 0;
      let i00 = 0;
      let i01 = 0;
      let i11 = 0;
      xs.forEach((x, i) => {
        const mu = Math.exp(b0 + b1 * x);
        const r = (counts[i] as number) - mu;
        g0 += r;
        g1 += r * x;
        i00 += mu;
        i01 += mu * x;
        i11 += mu * x * x;
      });
      const det = i00 * i11 - i01 * i01;
      const d0 = (i11 * g0 - i01 * g1) / det;
      const d1 = (i00 * g1 - i01 * g0) / det;
      b0 += d0;
      b1 += d1;
      if (Math.abs(d0) + Math.abs(d1) < 1e-12) break;
    }
  }
  const mus = xs.map((x) => Math.exp(b0 + b1 * x));
  const df = n - (withSlope ? 2 : 1);
  const pearson = mus.reduce((s, mu, i) => s + ((counts[i] as number) - mu) ** 2 / mu, 0);
  const dispersion = df > 0 ? Math.max(1, pearson / df) : 1;
  let covariance: [[number, number], [number, number]];
  if (withSlope) {
    const i00 = mus.reduce((s, mu) => s + mu, 0);
    const i01 = mus.reduce((s, mu, i) => s + mu * (xs[i] as number), 0);
    const i11 = mus.reduce((s, mu, i) => s + mu * (xs[i] as number) ** 2, 0);
    const det = i00 * i11 - i01 * i01;
    covariance = [
      [(dispersion * i11) / det, (-dispersion * i01) / det],
      [(-dispersion * i01) / det, (dispersion * i00) / det],
    ];
  } else {
    covariance = [
      [dispersion / total, 0],
      [0, 0],
    ];
  }
  return { intercept: b0, slope: b1, centre, covariance, dispersion, months: n };
}
