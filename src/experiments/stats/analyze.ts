// One metric of an experiment, from each arm's sufficient statistics to the comparison of every arm with
// the first (the control): the effect with its interval and p-value (fixed-horizon or sequential) or its
// posterior with the chance to win and the risk, each arm's value, and with CUPED θ, the variance reduction
// and the pre-period balance. A degenerate arm (no units, no variance, a zero denominator) yields flags and
// sentences on the result, never NaN and never an exception.
import { type CupedHealth, cupedHealth } from './cuped-health.ts';
import { type Difference, type EffectMoments, type EffectProblem, effectMoments } from './effect.ts';
import {
  type ArmEstimate,
  armEstimate,
  cupedTheta,
  divisorOf,
  type MetricKind,
  type MetricShape,
  metricShape,
} from './estimates.ts';
import { bayesianEffect, type GaussianPrior, sequentialTest, welchTest } from './inference.ts';
import { type ArmMoments, type ArmSums, armMoments, pooledSums } from './moments.ts';

export type Method = 'frequentist' | 'sequential' | 'bayesian';

export interface MetricStatsInput {
  kind: MetricKind;
  cuped: boolean;
  difference: Difference;
  alpha: number;
  method: Method;
  /** N*: the total sample size at which the sequential boundary is tightest. */
  sequentialTuning: number;
  /** On the lift (relative effect); scaled by |control| when the difference is absolute. */
  prior: GaussianPrior;
  higherIsBetter: boolean;
  arms: ArmSums[];
}

export type ArmFlag = 'no_units' | 'too_few_units' | 'zero_denominator' | 'zero_variance';
export type ComparisonFlag = ArmFlag | EffectProblem | 'cuped_not_applied' | 'pre_period_imbalance';

export interface ArmResult {
  name: string;
  n: number;
  /** The observed (unadjusted) mean, proportion or ratio; null when it does not exist. */
  value: number | null;
  /** CUPED only: value − θ·pre. */
  adjustedValue?: number | null;
  /** CUPED only: the pre-period mean, proportion or ratio. */
  preValue?: number | null;
  flags: ArmFlag[];
}

export interface Comparison {
  arm: string;
  baseline: string;
  effect: number | null;
  se: number | null;
  ci: [number, number] | null;
  df?: number | null;
  pValue?: number | null;
  chanceToWin?: number | null;
  risk?: [number, number] | null;
  cuped?: CupedHealth;
  flags: ComparisonFlag[];
  messages: string[];
}

export interface MetricStats {
  metric: MetricKind;
  difference: Difference;
  method: Method;
  alpha: number;
  cuped: boolean;
  theta?: number;
  arms: ArmResult[];
  comparisons: Comparison[];
}

interface PreparedArm {
  result: ArmResult;
  moments: ArmMoments;
  estimate: ArmEstimate | null;
  unadjusted: ArmEstimate | null;
}

function prepareArm(sums: ArmSums, moments: ArmMoments, shape: MetricShape, theta: number): PreparedArm {
  const estimate = sums.n > 0 ? armEstimate(moments, shape, theta) : null;
  const unadjusted = shape.pre && sums.n > 0 ? armEstimate(moments, shape, 0) : estimate;
  const flags: ArmFlag[] = [];
  if (sums.n === 0) flags.push('no_units');
  else if (!estimate) flags.push('zero_denominator');
  else if (sums.n < 2) flags.push('too_few_units');
  else if (!(estimate.varAdjusted > 0)) flags.push('zero_variance');
  const result: ArmResult = {
    name: sums.name,
    n: sums.n,
    value: estimate?.value ?? null,
    ...(shape.pre ? { adjustedValue: estimate?.adjusted ?? null, preValue: estimate?.pre ?? null } : {}),
    flags,
  };
  return { result, moments, estimate, unadjusted };
}

const SENTENCES: Record<ComparisonFlag, (arm: string) => string> = {
  no_units: (arm) => `arm '${arm}' has no units yet: there is nothing to compare`,
  too_few_units: (arm) => `arm '${arm}' has fewer than 2 units: its variance cannot be estimated`,
  zero_denominator: (arm) => `arm '${arm}' has a denominator summing to 0: its ratio does not exist`,
  zero_variance: (arm) =>
    `arm '${arm}' has no variance: every unit has the same value, so no interval exists`,
  zero_baseline: (arm) => `the control '${arm}' has value 0: a relative lift is undefined (ask for absolute)`,
  cuped_not_applied: () => 'the pre-period does not vary, so CUPED adjusted nothing (θ = 0)',
  pre_period_imbalance: (arm) =>
    `the pre-period means of '${arm}' and the control differ (p < 0.001): check the assignment`,
};

function blocked(control: PreparedArm, treatment: PreparedArm, flag: ComparisonFlag, effect: number | null) {
  const culprit = [treatment, control].find((a) => a.result.flags.length > 0) ?? control;
  const name = flag === 'zero_baseline' ? control.result.name : culprit.result.name;
  return { flags: [flag], messages: [SENTENCES[flag](name)], effect };
}

function infer(input: MetricStatsInput, m: EffectMoments, control: ArmEstimate) {
  if (input.method === 'frequentist') {
    const test = welchTest(m, input.alpha);
    return { ci: test.ci, df: m.df, pValue: test.pValue };
  }
  if (input.method === 'sequential') {
    const test = sequentialTest(m, input.alpha, input.sequentialTuning);
    return { ci: test.ci, pValue: test.pValue };
  }
  const scale = input.difference === 'absolute' ? Math.abs(control.value) : 1;
  const prior: GaussianPrior = {
    mean: input.prior.mean * scale,
    variance: input.prior.variance === null ? null : input.prior.variance * scale * scale,
  };
  const post = bayesianEffect(m, prior, input.alpha, input.higherIsBetter);
  return { effect: post.mean, se: post.sd, ci: post.ci, chanceToWin: post.chanceToWin, risk: post.risk };
}

function compare(
  input: MetricStatsInput,
  theta: number,
  control: PreparedArm,
  treatment: PreparedArm,
): Comparison {
  const head = { arm: treatment.result.name, baseline: control.result.name };
  const armFlag = [treatment, control].flatMap((a) => a.result.flags)[0];
  const c = control.estimate;
  const t = treatment.estimate;
  let problem: ReturnType<typeof blocked> | null = null;
  let outcome: ReturnType<typeof effectMoments> | null = null;
  if (armFlag && armFlag !== 'zero_variance') problem = blocked(control, treatment, armFlag, null);
  else if (c && t) {
    outcome = effectMoments(c, t, input.difference, input.kind === 'ratio');
    if (!outcome.ok) problem = blocked(control, treatment, outcome.problem, outcome.effect);
  }
  if (problem || !outcome?.ok || !c || !t) {
    const p = problem ?? blocked(control, treatment, 'zero_variance', null);
    return { ...head, effect: p.effect, se: null, ci: null, flags: p.flags, messages: p.messages };
  }
  const m = outcome.moments;
  const comparison: Comparison = {
    ...head,
    effect: m.effect,
    se: m.standardError,
    ...infer(input, m, c),
    flags: [],
    messages: [],
  };
  if (input.cuped && control.unadjusted && treatment.unadjusted) {
    const { health, flags } = cupedHealth(
      control.unadjusted,
      treatment.unadjusted,
      m,
      theta,
      input.difference,
      input.kind === 'ratio',
    );
    if (health) comparison.cuped = health;
    for (const flag of flags) {
      comparison.flags.push(flag);
      comparison.messages.push(SENTENCES[flag](treatment.result.name));
    }
  }
  return comparison;
}

/** Every arm after the first compared with the first. */
export function analyzeMetric(input: MetricStatsInput): MetricStats {
  const shape = metricShape(input.kind, input.cuped);
  const moments = input.arms.map((a) => armMoments(a, divisorOf(input.kind)));
  const theta = input.cuped ? cupedTheta(moments, shape, pooledSums(input.arms)) : 0;
  const arms = input.arms.map((a, i) => prepareArm(a, moments[i] as ArmMoments, shape, theta));
  const [control, ...treatments] = arms as [PreparedArm, ...PreparedArm[]];
  return {
    metric: input.kind,
    difference: input.difference,
    method: input.method,
    alpha: input.alpha,
    cuped: input.cuped,
    ...(input.cuped ? { theta } : {}),
    arms: arms.map((a) => a.result),
    comparisons: treatments.map((t) => compare(input, theta, control, t)),
  };
}
