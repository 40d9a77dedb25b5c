// Survival outcomes of an experiment: a Kaplan–Meier curve per arm by days since exposure, the log-rank test
// (both from src/models, fed the warehouse's events and censorings per day), and the restricted mean survival
// time to τ with Greenwood-type errors (src/models' restrictedMean), compared between arms as survRM2's rmst2
// does (Uno et al. 2014; Royston & Parmar 2013): the difference with SE √(se₁² + se₀²), a normal interval
// and p-value, and the ratio on the log scale.
import { badInput } from '../../errors/tenure-error.ts';
import { normalCdf, normalQuantile } from '../../models/distributions.ts';
import {
  type KaplanMeier,
  kaplanMeierFromCounts,
  type RestrictedMean,
  restrictedMean,
  type TimeCount,
} from '../../models/kaplan-meier.ts';
import { type LogRank, logRankFromCounts } from '../../models/log-rank.ts';

export interface RmstEstimate extends RestrictedMean {
  ci: [number, number];
}

export interface RmstComparison {
  arm: string;
  baseline: string;
  /** RMST(arm) − RMST(baseline), in the durations' unit (days). */
  difference: number;
  se: number;
  ci: [number, number];
  pValue: number;
  /** RMST(arm) / RMST(baseline), its interval from the log scale, and that test's p-value. */
  ratio: number;
  ratioCi: [number, number];
  ratioPValue: number;
}

const twoSided = (z: number) => 2 * normalCdf(-Math.abs(z));

/** RMST to τ with its normal interval. */
export function rmstEstimate(km: KaplanMeier, tau: number, alpha = 0.05): RmstEstimate {
  const r = restrictedMean(km, tau);
  const z = normalQuantile(1 - alpha / 2);
  return { ...r, ci: [r.rmst - z * r.standardError, r.rmst + z * r.standardError] };
}

/** The two-arm RMST contrast (treatment against control), each curve cut at the same τ. */
export function rmstDifference(
  control: KaplanMeier,
  treatment: KaplanMeier,
  tau: number,
  alpha = 0.05,
  names: [string, string] = ['control', 'treatment'],
): RmstComparison {
  const c = restrictedMean(control, tau);
  const t = restrictedMean(treatment, tau);
  const z = normalQuantile(1 - alpha / 2);
  const difference = t.rmst - c.rmst;
  const se = Math.hypot(t.standardError, c.standardError);
  const logRatio = Math.log(t.rmst / c.rmst);
  const logSe = Math.hypot(t.standardError / t.rmst, c.standardError / c.rmst);
  return {
    arm: names[1],
    baseline: names[0],
    difference,
    se,
    ci: [difference - z * se, difference + z * se],
    pValue: se > 0 ? twoSided(difference / se) : difference === 0 ? 1 : 0,
    ratio: Math.exp(logRatio),
    ratioCi: [Math.exp(logRatio - z * logSe), Math.exp(logRatio + z * logSe)],
    ratioPValue: logSe > 0 ? twoSided(logRatio / logSe) : logRatio === 0 ? 1 : 0,
  };
}

export interface SurvivalArm {
  name: string;
  /** Events (churns) and censorings per day since exposure. */
  counts: readonly TimeCount[];
}

export interface SurvivalComparison {
  tau: number;
  arms: { name: string; curve: KaplanMeier; rmst: RmstEstimate }[];
  logRank: LogRank;
  rmst: RmstComparison[];
}

/** The largest τ every arm's curve reaches: its last event or censoring time (survRM2's rule). */
export function largestTau(curves: readonly KaplanMeier[]): number {
  return Math.min(...curves.map((km) => km.steps[km.steps.length - 1]?.time ?? 0));
}

/** Every arm after the first against the first: curves, log-rank over all arms, RMST to τ. */
export function compareSurvival(arms: readonly SurvivalArm[], tau: number, alpha = 0.05): SurvivalComparison {
  if (arms.length < 2) throw badInput('give at least two arms: the control first', { field: 'arms' });
  const curves = arms.map((a) => kaplanMeierFromCounts(a.counts, { level: 1 - alpha }));
  const limit = largestTau(curves);
  if (!(Number.isFinite(tau) && tau > 0 && tau <= limit)) {
    throw badInput(
      `τ must be > 0 and at most ${limit}, the last time every arm is observed to, not ${tau}`,
      { field: 'tau' },
      'pick a horizon all arms have followed their units to',
    );
  }
  const logRank = logRankFromCounts(new Map(arms.map((a) => [a.name, a.counts])));
  const [control, ...others] = arms.map((a, i) => ({ name: a.name, curve: curves[i] as KaplanMeier }));
  const first = control as { name: string; curve: KaplanMeier };
  return {
    tau,
    arms: arms.map((a, i) => ({
      name: a.name,
      curve: curves[i] as KaplanMeier,
      rmst: rmstEstimate(curves[i] as KaplanMeier, tau, alpha),
    })),
    logRank,
    rmst: others.map((o) => rmstDifference(first.curve, o.curve, tau, alpha, [first.name, o.name])),
  };
}
