// The effect of one arm against the control and its standard error by the delta method, with Welch–
// Satterthwaite degrees of freedom: the moments every inference (fixed-horizon, sequential, Bayesian) starts
// from. Absolute effect: a_t − a_c. Relative effect (lift): (a_t − a_c) / |v_c|, where a is the (CUPED-
// adjusted) value and v_c the control's unadjusted value, the base GrowthBook uses for relative lifts.
import type { ArmEstimate } from './estimates.ts';
import { quadratic } from './moments.ts';

export type Difference = 'relative' | 'absolute';

export interface EffectMoments {
  effect: number;
  standardError: number;
  /** Welch–Satterthwaite degrees of freedom from the arms' per-unit variances. */
  df: number;
  /** Units in the two arms together (the sequential boundary's n). */
  n: number;
}

export type EffectProblem = 'zero_variance' | 'zero_baseline';

export type EffectOutcome =
  | { ok: true; moments: EffectMoments }
  | { ok: false; problem: EffectProblem; effect: number | null };

/**
 * The control's gradient of a relative lift is −(∇a_c + L·∇v_c)/|v_c|, with L the lift the linearisation is
 * taken at. For ratios gbstats uses the adjusted lift; for means and proportions the unadjusted one
 * (v_t − v_c)/v_c. They differ by θ(p̄_c − p̄_t)/v_c, which randomisation makes O(1/√n); we follow gbstats in
 * each case so that its published results reproduce.
 */
function relativeVariance(c: ArmEstimate, t: ArmEstimate, lift: number, ratio: boolean): number {
  const base = Math.abs(c.value);
  const sign = Math.sign(c.value);
  const linearisedAt = ratio ? lift : (t.value - c.value) / c.value;
  const gradControl = c.gradAdjusted.map(
    (g, i) => -(g + linearisedAt * sign * (c.gradValue[i] as number)) / base,
  );
  const treatment = t.varAdjusted / (t.n * base * base);
  return treatment + quadratic(gradControl, c.cov, gradControl) / c.n;
}

export function welchDf(varC: number, nC: number, varT: number, nT: number): number {
  const a = varC / nC;
  const b = varT / nT;
  return (a + b) ** 2 / ((a * a) / (nC - 1) + (b * b) / (nT - 1));
}

/** The treatment's effect against the control; arms with fewer than 2 units must be refused before. */
export function effectMoments(
  control: ArmEstimate,
  treatment: ArmEstimate,
  difference: Difference,
  ratio: boolean,
): EffectOutcome {
  const absolute = treatment.adjusted - control.adjusted;
  if (difference === 'relative' && control.value === 0) {
    return { ok: false, problem: 'zero_baseline', effect: null };
  }
  const effect = difference === 'relative' ? absolute / Math.abs(control.value) : absolute;
  if (!(control.varAdjusted > 0 && treatment.varAdjusted > 0)) {
    return { ok: false, problem: 'zero_variance', effect };
  }
  const variance =
    difference === 'relative'
      ? relativeVariance(control, treatment, effect, ratio)
      : control.varAdjusted / control.n + treatment.varAdjusted / treatment.n;
  if (!(variance > 0)) return { ok: false, problem: 'zero_variance', effect };
  return {
    ok: true,
    moments: {
      effect,
      standardError: Math.sqrt(variance),
      df: welchDf(control.varAdjusted, control.n, treatment.varAdjusted, treatment.n),
      n: control.n + treatment.n,
    },
  };
}
