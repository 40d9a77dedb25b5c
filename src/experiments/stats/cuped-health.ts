// Is CUPED doing its job? The variance it removed (1 − Var(adjusted effect)/Var(unadjusted effect)), and
// the pre-period balance: the arms' pre-period values compared by Welch's test, since randomisation makes
// them equal in expectation — a pre-period difference at p < 0.001 points at a broken assignment or a
// covariate measured after exposure, either of which would bias the adjusted effect.
import { studentTTwoSided } from '../../models/distributions.ts';
import { type Difference, type EffectMoments, effectMoments, welchDf } from './effect.ts';
import type { ArmEstimate } from './estimates.ts';

/** The balance test's threshold: a warning about the data, not a test of the treatment. */
export const BALANCE_ALPHA = 0.001;

export interface PreBalance {
  /** Treatment's pre-period value minus the control's. */
  difference: number;
  se: number;
  pValue: number;
}

export interface CupedHealth {
  theta: number;
  /** The same comparison without CUPED, on the same scale. */
  unadjustedEffect: number;
  unadjustedSe: number;
  /** 1 − (adjusted SE / unadjusted SE)²: the share of the effect's variance CUPED removed. */
  varianceReduction: number;
  /** Null when the pre-period does not vary in an arm. */
  balance: PreBalance | null;
}

export type CupedFlag = 'cuped_not_applied' | 'pre_period_imbalance';

export function preBalance(control: ArmEstimate, treatment: ArmEstimate): PreBalance | null {
  const vc = control.varPre ?? 0;
  const vt = treatment.varPre ?? 0;
  if (!(vc > 0 && vt > 0)) return null;
  const difference = (treatment.pre as number) - (control.pre as number);
  const se = Math.sqrt(vc / control.n + vt / treatment.n);
  return {
    difference,
    se,
    pValue: studentTTwoSided(difference / se, welchDf(vc, control.n, vt, treatment.n)),
  };
}

/** `control` and `treatment` at θ = 0; `adjusted` the comparison CUPED gave. */
export function cupedHealth(
  control: ArmEstimate,
  treatment: ArmEstimate,
  adjusted: EffectMoments,
  theta: number,
  difference: Difference,
  ratio: boolean,
): { health: CupedHealth | null; flags: CupedFlag[] } {
  const flags: CupedFlag[] = theta === 0 ? ['cuped_not_applied'] : [];
  const balance = preBalance(control, treatment);
  if (balance && balance.pValue < BALANCE_ALPHA) flags.push('pre_period_imbalance');
  const plain = effectMoments(control, treatment, difference, ratio);
  if (!plain.ok) return { health: null, flags };
  const se = plain.moments.standardError;
  return {
    health: {
      theta,
      unadjustedEffect: plain.moments.effect,
      unadjustedSe: se,
      varianceReduction: 1 - (adjusted.standardError / se) ** 2,
      balance,
    },
    flags,
  };
}
