// Adjusted p-values for many comparisons, as R's p.adjust: Holm (1979) controls the family-wise error rate,
// Benjamini & Hochberg (1995) the false discovery rate. The family is chosen in the experiment's plan:
// the arms within one metric, or every arm of every metric.
import { badInput } from '../../errors/tenure-error.ts';

export type Adjustment = 'holm' | 'bh';
export type AdjustmentScope = 'within_metric' | 'across_metrics';

function check(pValues: readonly number[]): void {
  pValues.forEach((p, i) => {
    if (!(Number.isFinite(p) && p >= 0 && p <= 1))
      throw badInput(`p-value ${i + 1} must be a number from 0 to 1, not ${p}`, { field: 'p' });
  });
}

/** Adjusted p-values in the input's order. */
export function adjustPValues(pValues: readonly number[], method: Adjustment): number[] {
  check(pValues);
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p, i }));
  const adjusted = new Array<number>(m).fill(0);
  if (method === 'holm') {
    // Ascending: (m − k)·p₍ₖ₎ for k = 0…m−1, made non-decreasing.
    order.sort((a, b) => a.p - b.p);
    let running = 0;
    order.forEach(({ p, i }, k) => {
      running = Math.max(running, Math.min(1, (m - k) * p));
      adjusted[i] = running;
    });
    return adjusted;
  }
  // Descending: m/rank·p₍ᵣₐₙₖ₎, made non-increasing from the largest p down.
  order.sort((a, b) => b.p - a.p);
  let running = 1;
  order.forEach(({ p, i }, k) => {
    running = Math.min(running, (m / (m - k)) * p);
    adjusted[i] = Math.min(1, running);
  });
  return adjusted;
}

export interface TestedComparison {
  metric: string;
  arm: string;
  pValue: number;
}

/** Each comparison's adjusted p-value, adjusting within each metric or over all of them at once. */
export function adjustComparisons(
  tests: readonly TestedComparison[],
  method: Adjustment,
  scope: AdjustmentScope,
): (TestedComparison & { adjustedPValue: number })[] {
  const families = new Map<string, number[]>();
  tests.forEach((t, i) => {
    const key = scope === 'within_metric' ? t.metric : '';
    families.set(key, [...(families.get(key) ?? []), i]);
  });
  const adjusted = new Array<number>(tests.length).fill(1);
  for (const members of families.values()) {
    const values = adjustPValues(
      members.map((i) => (tests[i] as TestedComparison).pValue),
      method,
    );
    members.forEach((i, k) => {
      adjusted[i] = values[k] as number;
    });
  }
  return tests.map((t, i) => ({ ...t, adjustedPValue: adjusted[i] as number }));
}
