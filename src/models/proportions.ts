// Intervals for proportions and their differences, from counts: Wilson's score interval for one proportion
// and Newcombe's hybrid score interval for the difference of two independent ones (Newcombe 1998, "Interval
// estimation for the difference between independent proportions: comparison of eleven methods", Statistics
// in Medicine 17, method 10). Both stay inside [0, 1] (or [−1, 1]) and behave with zero or all successes,
// where the Wald interval p ± z·SE collapses to a point.
import { normalQuantile } from './special-functions.ts';

export interface ProportionInterval {
  /** successes / n */
  estimate: number;
  lower: number;
  upper: number;
}

const zFor = (level: number) => normalQuantile(1 - (1 - level) / 2);

/** Wilson's score interval for successes out of n; null when n is 0 (no proportion to estimate). */
export function wilsonInterval(successes: number, n: number, level = 0.95): ProportionInterval | null {
  if (n <= 0) return null;
  const p = successes / n;
  const z = zFor(level);
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { estimate: p, lower: Math.max(0, centre - half), upper: Math.min(1, centre + half) };
}

/**
 * p1 − p2 with Newcombe's hybrid score interval: each side's distance from the difference combines the two
 * Wilson intervals' distances on the sides that move it that way. Null when either group is empty.
 */
export function newcombeDifference(
  successes1: number,
  n1: number,
  successes2: number,
  n2: number,
  level = 0.95,
): ProportionInterval | null {
  const a = wilsonInterval(successes1, n1, level);
  const b = wilsonInterval(successes2, n2, level);
  if (a === null || b === null) return null;
  const d = a.estimate - b.estimate;
  return {
    estimate: d,
    lower: d - Math.hypot(a.estimate - a.lower, b.upper - b.estimate),
    upper: d + Math.hypot(a.upper - a.estimate, b.estimate - b.lower),
  };
}
