// The MRR waterfall's geometry: the bridge's bars in order (start, the five movements, end), each movement
// floating from the level before it to the level after, start and end standing on the axis; and an axis
// zoomed to where MRR moves, so a movement of 1% of MRR is a bar, not a sliver. Pure: the browser test
// checks the page against it and against the bridge.
import type { BridgeRow } from './headline.ts';

/** The bridge's columns in waterfall order, with the sign each adds to MRR (0: a level). */
export const BRIDGE_STEPS = [
  ['start_mrr', 'start', 0],
  ['new_mrr', 'new', 1],
  ['reactivation_mrr', 'reactivation', 1],
  ['expansion_mrr', 'expansion', 1],
  ['contraction_mrr', 'contraction', -1],
  ['churn_mrr', 'churn', -1],
  ['end_mrr', 'end', 0],
] as const;

export interface Waterfall {
  /** [from, to] per step: a level from 0, a movement from the level before it. */
  bars: [number, number][];
  axis: { min: number; max: number };
}

/** A round step for an axis spanning `span`: 1, 2 or 5 times a power of ten. */
function niceStep(span: number): number {
  if (!(span > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(span / 5));
  return [1, 2, 5, 10].map((m) => m * power).find((s) => span / s <= 8) ?? 10 * power;
}

export function waterfall(row: BridgeRow): Waterfall {
  let level = 0;
  const bars = BRIDGE_STEPS.map(([key, , sign]): [number, number] => {
    const amount = Number(row[key]);
    if (sign === 0) {
      level = amount;
      return [0, amount];
    }
    const from = level;
    level += sign * amount;
    return [from, level];
  });
  // Every level MRR passes through; the axis shows them with a margin, from a round number.
  const levels = bars.flatMap(([from, to], i) => (BRIDGE_STEPS[i]?.[2] === 0 ? [to] : [from, to]));
  const low = Math.min(...levels);
  const high = Math.max(...levels);
  const margin = Math.max((high - low) * 0.25, high * 0.005, 1);
  const step = niceStep(high - low + 2 * margin);
  const min = Math.max(0, Math.floor((low - margin) / step) * step);
  const max = Math.ceil((high + margin) / step) * step;
  return { bars, axis: { min, max } };
}
