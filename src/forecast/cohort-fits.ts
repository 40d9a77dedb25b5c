// sBG retention curves for the forecast: one per paying-start cohort old enough to carry its own, and one
// pooled over every cohort (the cohorts share one (α, β), each contributing its survivors' likelihood) for
// the young cohorts and for the cohorts still to arrive. Each fit keeps the covariance of (ln α, ln β) from
// the observed information, which the simulation draws parameters from.
import { badInput } from '../errors/tenure-error.ts';
import { fitPositive } from '../models/fit.ts';
import { invert, numericalHessian } from '../models/hessian.ts';
import { checkSurvivors, type SbgParams, sbgLogLikelihood } from '../models/sbg.ts';
import type { Rng } from '../synth/random.ts';
import { normal2Draw } from './draws.ts';

export interface CurveFit {
  params: SbgParams;
  /** (ln α, ln β) at the optimum. */
  logMean: [number, number];
  /** Covariance of (ln α, ln β): the inverse observed information. */
  logCovariance: [[number, number], [number, number]];
  /** The log-likelihood the curve maximises, and its maximum: the simulation weighs its draws by it. */
  logLikelihood: (p: SbgParams) => number;
  maxLogLikelihood: number;
}

/** A cohort needs this many observed months after its first (periods of the sBG) to get its own curve. */
export const MIN_OWN_PERIODS = 6;

function fitCurve(logLikelihood: (p: SbgParams) => number): CurveFit | undefined {
  const ll = ([a, b]: readonly number[]) => logLikelihood({ alpha: a as number, beta: b as number });
  const fit = fitPositive(['alpha', 'beta'], ll, [[1, 1]]);
  if (!fit.converged) return undefined;
  const u: [number, number] = [Math.log(fit.params.alpha), Math.log(fit.params.beta)];
  const negLl = (v: readonly number[]) => -ll(v.map(Math.exp));
  const cov = invert(numericalHessian(negLl, u));
  if (!cov) return undefined;
  const c = cov as [[number, number], [number, number]];
  if (!(c[0][0] > 0 && c[1][1] > 0 && c[0][0] * c[1][1] > c[0][1] * c[1][0])) return undefined;
  return {
    params: fit.params,
    logMean: u,
    logCovariance: [[...c[0]], [...c[1]]],
    logLikelihood,
    maxLogLikelihood: fit.logLikelihood,
  };
}

/** One shared curve over cohorts' survivor series (each: size, then survivors after each month). */
export function fitPooledCurve(series: readonly (readonly number[])[]): CurveFit {
  const usable = series.filter((s) => s.length >= 2 && (s[0] as number) > 0);
  const churned = usable.some((s) => (s[s.length - 1] as number) < (s[0] as number));
  if (!churned) {
    throw badInput(
      'no paying customer churned in the months before --as-of, so there is no retention curve to project',
      { field: '--as-of' },
      'forecast from at least three months of paying history with some churn',
    );
  }
  const logLikelihood = (p: SbgParams) => usable.reduce((sum, s) => sum + sbgLogLikelihood(p, s), 0);
  return fitCurve(logLikelihood) ?? nearGeometricCurve(usable, logLikelihood);
}

/** α + β of the near-geometric curve: heterogeneity too small to matter over a forecast's months. */
const NEAR_GEOMETRIC_SIZE = 1e4;

/**
 * When the likelihood keeps rising towards ever larger (α, β) — every customer churning at about the same
 * rate, the geometric limit of the sBG — the optimiser finds no interior maximum. The curve is then the
 * near-geometric one with the pooled churn rate θ̂ = churned / months at risk and α + β = 10⁴; its
 * uncertainty is θ̂'s binomial one, carried to (ln α, ln β) by the delta method (a small ridge keeps the
 * covariance invertible).
 */
function nearGeometricCurve(
  series: readonly (readonly number[])[],
  logLikelihood: (p: SbgParams) => number,
): CurveFit {
  let churned = 0;
  let exposure = 0;
  for (const s of series) {
    for (let t = 1; t < s.length; t++) {
      churned += (s[t - 1] as number) - (s[t] as number);
      exposure += s[t - 1] as number;
    }
  }
  const theta = churned / exposure;
  const params = { alpha: theta * NEAR_GEOMETRIC_SIZE, beta: (1 - theta) * NEAR_GEOMETRIC_SIZE };
  const v = (theta * (1 - theta)) / exposure;
  const ridge = 1e-6;
  const aa = v / theta ** 2 + ridge;
  const ab = -v / (theta * (1 - theta));
  const bb = v / (1 - theta) ** 2 + ridge;
  return {
    params,
    logMean: [Math.log(params.alpha), Math.log(params.beta)],
    logCovariance: [
      [aa, ab],
      [ab, bb],
    ],
    logLikelihood,
    maxLogLikelihood: logLikelihood(params),
  };
}

/** The cohort's own curve when it is old enough and fits; undefined sends it to the pooled curve. */
export function fitCohortCurve(series: readonly number[]): CurveFit | undefined {
  if (series.length < MIN_OWN_PERIODS + 1) return undefined;
  try {
    checkSurvivors(series);
  } catch {
    return undefined; // no churn yet, or everyone gone: the pooled curve speaks for it
  }
  return fitCurve((p) => sbgLogLikelihood(p, series));
}

/**
 * `count` draws of a curve's (α, β) from its likelihood, by sampling-importance-resampling (Rubin 1988):
 * candidates from the normal approximation on the log scale, weighted by likelihood / proposal density,
 * resampled. The normal approximation alone will not do: when the data barely tell heterogeneity apart
 * (α, β large, the curve near geometric) the likelihood is flat towards ever larger (α, β) and steep the
 * other way, and a symmetric normal there would send half its draws to strongly heterogeneous curves the
 * data rule out. Candidates are drawn with the covariance doubled so the proposal covers the likelihood's
 * tails; draws beyond e^±30 (meaningless for the model) are dropped.
 */
export function drawCurveParams(rng: Rng, fit: CurveFit, count: number): SbgParams[] {
  const candidates: SbgParams[] = [];
  const logWeights: number[] = [];
  const cov: [[number, number], [number, number]] = [
    [2 * fit.logCovariance[0][0], 2 * fit.logCovariance[0][1]],
    [2 * fit.logCovariance[1][0], 2 * fit.logCovariance[1][1]],
  ];
  const det = cov[0][0] * cov[1][1] - cov[0][1] * cov[1][0];
  for (let i = 0; i < 4 * count; i++) {
    const [la, lb] = normal2Draw(rng, fit.logMean, cov);
    if (Math.abs(la) > 30 || Math.abs(lb) > 30) continue;
    const p = { alpha: Math.exp(la), beta: Math.exp(lb) };
    const ll = fit.logLikelihood(p);
    if (!Number.isFinite(ll)) continue;
    const da = la - fit.logMean[0];
    const db = lb - fit.logMean[1];
    // −½·dᵀ·cov⁻¹·d, the proposal's log density up to a constant.
    const logQ = -0.5 * ((cov[1][1] * da * da - 2 * cov[0][1] * da * db + cov[0][0] * db * db) / det);
    candidates.push(p);
    logWeights.push(ll - fit.maxLogLikelihood - logQ);
  }
  if (candidates.length === 0) return Array.from({ length: count }, () => fit.params);
  const top = Math.max(...logWeights);
  const cumulative: number[] = [];
  let total = 0;
  for (const lw of logWeights) {
    total += Math.exp(lw - top);
    cumulative.push(total);
  }
  return Array.from({ length: count }, () => {
    const u = rng.float() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] as number) < u) lo = mid + 1;
      else hi = mid;
    }
    return candidates[lo] as SbgParams;
  });
}
