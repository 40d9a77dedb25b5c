// Sample-ratio mismatch: are the arms' unit counts what the planned weights say? Pearson's χ² of the counts
// against their expected shares, k − 1 degrees of freedom per period of constant weights (R's chisq.test(x,
// p = w)); GrowthBook's threshold: warn at p < 0.001. When the weights changed during the run, each period is
// judged against its own weights (the statistics add up, and so do the degrees of freedom) and the result
// says so: pooling periods with different splits also biases the comparison of arms (Simpson's paradox).
import { badInput } from '../../errors/tenure-error.ts';
import { chiSquareSurvival } from '../../models/distributions.ts';

export const SRM_ALPHA = 0.001;

/** A stretch of the run with one set of planned weights. */
export interface SrmPeriod {
  counts: readonly number[];
  /** Planned weights, any positive scale (0.5, 0.5 or 1, 1). */
  weights: readonly number[];
}

export interface SrmResult {
  chiSquare: number;
  df: number;
  pValue: number;
  /** Expected units per arm over the run under the planned weights. */
  expected: number[];
  observed: number[];
  /** True at p < 0.001. */
  mismatch: boolean;
  weightsChanged: boolean;
  messages: string[];
}

function checkPeriod(period: SrmPeriod, at: string, arms: number): void {
  if (period.counts.length !== arms || period.weights.length !== arms) {
    throw badInput(
      `${at}: ${period.counts.length} counts and ${period.weights.length} weights; give one per arm`,
      {
        field: at,
      },
    );
  }
  period.counts.forEach((c, i) => {
    if (!(Number.isInteger(c) && c >= 0))
      throw badInput(`${at}.counts[${i}] must be a whole number ≥ 0, not ${c}`, { field: `${at}.counts` });
  });
  period.weights.forEach((w, i) => {
    if (!(Number.isFinite(w) && w > 0))
      throw badInput(`${at}.weights[${i}] must be a number > 0, not ${w}`, { field: `${at}.weights` });
  });
}

const sameShares = (a: readonly number[], b: readonly number[]) => {
  const ta = a.reduce((s, x) => s + x, 0);
  const tb = b.reduce((s, x) => s + x, 0);
  return a.every((x, i) => Math.abs(x / ta - (b[i] as number) / tb) < 1e-12);
};

/** The SRM check over one or more periods (in order), each with the weights planned for it. */
export function sampleRatioMismatch(periods: readonly SrmPeriod[]): SrmResult {
  const arms = periods[0]?.counts.length ?? 0;
  if (periods.length === 0 || arms < 2)
    throw badInput('give the counts and weights of at least two arms', { field: 'counts' });
  periods.forEach((p, i) => {
    checkPeriod(p, periods.length > 1 ? `periods[${i}]` : 'counts', arms);
  });
  const expected = new Array<number>(arms).fill(0);
  const observed = new Array<number>(arms).fill(0);
  let chiSquare = 0;
  let df = 0;
  for (const { counts, weights } of periods) {
    const total = counts.reduce((s, c) => s + c, 0);
    if (total === 0) continue;
    const weightSum = weights.reduce((s, w) => s + w, 0);
    counts.forEach((c, i) => {
      const e = ((weights[i] as number) / weightSum) * total;
      chiSquare += (c - e) ** 2 / e;
      expected[i] = (expected[i] as number) + e;
      observed[i] = (observed[i] as number) + c;
    });
    df += arms - 1;
  }
  const weightsChanged = periods.some((p) => !sameShares(p.weights, (periods[0] as SrmPeriod).weights));
  const pValue = df > 0 ? chiSquareSurvival(chiSquare, df) : 1;
  const mismatch = pValue < SRM_ALPHA;
  const messages: string[] = [];
  if (df === 0) messages.push('no units yet: nothing to check');
  if (mismatch) {
    messages.push(
      `sample-ratio mismatch: the arms' counts are unlikely under the planned weights (p = ${Number(pValue.toPrecision(2))} < ${SRM_ALPHA}); find why before trusting any effect (assignment, exposure logging, bots, redirects)`,
    );
  }
  if (weightsChanged) {
    messages.push(
      'the planned weights changed during the run: each period was checked against its own weights; results that pool the periods mix different splits, so analyse the last period alone or weight the periods',
    );
  }
  return { chiSquare, df, pValue, expected, observed, mismatch, weightsChanged, messages };
}
