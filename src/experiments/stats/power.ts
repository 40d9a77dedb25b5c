// Power and sample size from a KPI's baseline mean and per-unit variance, as GrowthBook plans them: the lift
// (relative effect) is tested two-sided with the delta method's variance σ²/(n_t·μ²) + σ²·μ_t²/(n_c·μ⁴),
// μ_t = μ(1 + lift), both arms sharing σ²; power = 1 − Φ(z − lift/SE) + Φ(−z − lift/SE). A sequential
// analysis widens the SE to its boundary's half-width over z (a lower bound on its power: one look). The
// duration is the days the arrival rate needs to bring the sample.
import { badInput } from '../../errors/tenure-error.ts';
import { normalCdf, normalQuantile } from '../../models/distributions.ts';
import { sequentialRho } from './inference.ts';

export interface PowerPlan {
  /** The KPI's baseline: mean (a proportion's rate) and per-unit variance (p(1 − p) if left out for a rate). */
  baselineMean: number;
  baselineVariance: number;
  /** The relative effect to detect (0.05 = +5%). */
  lift: number;
  alpha: number;
  method: 'frequentist' | 'sequential';
  /** N* of the sequential boundary. */
  sequentialTuning: number;
}

function checkPlan(plan: PowerPlan): void {
  const bad = (field: string, what: string) => {
    throw badInput(`${field} must be ${what}`, { field });
  };
  if (!(Number.isFinite(plan.baselineMean) && plan.baselineMean !== 0))
    bad('baseline_mean', 'a number other than 0');
  if (!(Number.isFinite(plan.baselineVariance) && plan.baselineVariance > 0))
    bad('baseline_variance', 'a number > 0');
  if (!(Number.isFinite(plan.lift) && plan.lift !== 0))
    bad('lift', 'a relative effect other than 0 (0.05 = +5%)');
  if (!(plan.alpha > 0 && plan.alpha < 1)) bad('alpha', 'between 0 and 1');
  if (plan.method === 'sequential' && !(plan.sequentialTuning > 0)) bad('sequential_tuning', 'a number > 0');
}

/** The lift's standard error with nControl and nTreatment units (sequential: the boundary's, over z). */
export function liftStandardError(plan: PowerPlan, nControl: number, nTreatment: number): number {
  const mu = plan.baselineMean;
  const muT = mu * (1 + plan.lift);
  const v = plan.baselineVariance;
  const se = Math.sqrt(v / (nTreatment * mu * mu) + (v * muT * muT) / (nControl * mu ** 4));
  if (plan.method === 'frequentist') return se;
  const n = nControl + nTreatment;
  const rho2 = sequentialRho(plan.alpha, plan.sequentialTuning) ** 2;
  const spread = n * rho2 + 1;
  const half =
    se * Math.sqrt(n) * Math.sqrt(((2 * spread) / (n * n * rho2)) * Math.log(Math.sqrt(spread) / plan.alpha));
  return half / normalQuantile(1 - plan.alpha / 2);
}

/** The chance a two-sided test at α declares the lift, with these arm sizes. */
export function power(plan: PowerPlan, nControl: number, nTreatment: number): number {
  checkPlan(plan);
  const z = normalQuantile(1 - plan.alpha / 2);
  const standardised = plan.lift / liftStandardError(plan, nControl, nTreatment);
  return 1 - normalCdf(z - standardised) + normalCdf(-z - standardised);
}

export interface SampleSize {
  /** Units over all arms. */
  total: number;
  /** Units per arm, in the order of the weights. */
  perArm: number[];
  /** The power reached at that size. */
  power: number;
  /** Days to enrol them at the arrival rate; null without one. */
  days: number | null;
}

/**
 * The smallest total sample whose power reaches `target` for every arm against the control (the first
 * weight), given the planned weights; the arm with the smallest weight decides.
 */
export function sampleSize(
  plan: PowerPlan,
  target: number,
  weights: readonly number[] = [1, 1],
  arrivalsPerDay: number | null = null,
): SampleSize {
  checkPlan(plan);
  if (!(target > plan.alpha && target < 1))
    throw badInput(`power must be between alpha (${plan.alpha}) and 1, not ${target}`, { field: 'power' });
  if (weights.length < 2 || weights.some((w) => !(Number.isFinite(w) && w > 0)))
    throw badInput('give a weight > 0 for the control and each variant', { field: 'weights' });
  if (arrivalsPerDay !== null && !(arrivalsPerDay > 0))
    throw badInput(`arrivals per day must be > 0, not ${arrivalsPerDay}`, { field: 'arrivals_per_day' });
  const sum = weights.reduce((s, w) => s + w, 0);
  const shares = weights.map((w) => w / sum);
  const control = shares[0] as number;
  const smallest = Math.min(...shares.slice(1));
  const powerAt = (total: number) => power(plan, control * total, smallest * total);
  let high = 4;
  while (powerAt(high) < target) {
    high *= 2;
    if (high > 1e15)
      throw badInput('no sample size reaches that power: is the lift too small?', { field: 'lift' });
  }
  let low = high / 2;
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (powerAt(mid) >= target) high = mid;
    else low = mid;
  }
  const perArm = shares.map((s) => Math.ceil(s * high));
  return {
    total: high,
    perArm,
    power: powerAt(high),
    days: arrivalsPerDay === null ? null : Math.ceil(high / arrivalsPerDay),
  };
}
