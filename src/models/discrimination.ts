// How well predicted probabilities separate and match outcomes on held-out rows: the area under the ROC
// curve (Mann–Whitney, ties counted half), the Brier score and a reliability table. Pure functions of two
// arrays of equal length: a probability (or any score) per row and its 0/1 outcome.
import { badInput } from '../errors/tenure-error.ts';

function checkPairs(scores: ArrayLike<number>, outcomes: ArrayLike<number>): { events: number } {
  if (scores.length !== outcomes.length)
    throw badInput(`${scores.length} scores but ${outcomes.length} outcomes`, { field: 'outcomes' });
  let events = 0;
  for (let i = 0; i < outcomes.length; i++) {
    const y = outcomes[i] as number;
    if (y !== 0 && y !== 1)
      throw badInput(`outcomes[${i}] must be 0 or 1, not ${y}`, { field: `outcomes[${i}]` });
    if (!Number.isFinite(scores[i] as number))
      throw badInput(`scores[${i}] is not a finite number`, { field: `scores[${i}]` });
    events += y;
  }
  return { events };
}

/**
 * P(score of a random positive > score of a random negative) + ½ P(tie): the Mann–Whitney U over
 * (positives × negatives), from mid-ranks so ties cost O(n log n), not O(n²).
 */
export function auc(scores: ArrayLike<number>, outcomes: ArrayLike<number>): number {
  const { events } = checkPairs(scores, outcomes);
  const n = scores.length;
  const negatives = n - events;
  if (events === 0 || negatives === 0)
    throw badInput(
      `the AUC needs rows of both outcomes; all ${n} are ${events === 0 ? 0 : 1}`,
      { field: 'outcomes' },
      'hold out more rows, or a period with both outcomes',
    );
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (scores[a] as number) - (scores[b] as number),
  );
  let rankSumPositives = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1] as number] === scores[order[i] as number]) j++;
    const midRank = (i + j) / 2 + 1; // ranks are 1-based; a tie shares the mean of its ranks
    for (let m = i; m <= j; m++) if (outcomes[order[m] as number] === 1) rankSumPositives += midRank;
    i = j + 1;
  }
  const u = rankSumPositives - (events * (events + 1)) / 2;
  return u / (events * negatives);
}

/** Mean squared difference between probability and outcome. */
export function brierScore(probabilities: ArrayLike<number>, outcomes: ArrayLike<number>): number {
  checkPairs(probabilities, outcomes);
  if (probabilities.length === 0) throw badInput('no rows to score', { field: 'outcomes' });
  let sum = 0;
  for (let i = 0; i < probabilities.length; i++) {
    const d = (probabilities[i] as number) - (outcomes[i] as number);
    sum += d * d;
  }
  return sum / probabilities.length;
}

export interface ReliabilityBin {
  /** Smallest and largest probability in the bin. */
  from: number;
  to: number;
  n: number;
  meanPredicted: number;
  observedRate: number;
}

/**
 * Rows sorted by probability and cut into `bins` groups of (nearly) equal size, each with its mean
 * prediction and observed rate. Equal counts rather than equal widths: churn within a month is rare, so
 * equal-width bins would put nearly every row in the first.
 */
export function reliabilityTable(
  probabilities: ArrayLike<number>,
  outcomes: ArrayLike<number>,
  bins = 10,
): ReliabilityBin[] {
  checkPairs(probabilities, outcomes);
  const n = probabilities.length;
  if (!Number.isInteger(bins) || bins < 1) throw badInput(`bins must be a whole number ≥ 1, not ${bins}`);
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (probabilities[a] as number) - (probabilities[b] as number),
  );
  const out: ReliabilityBin[] = [];
  for (let b = 0; b < bins; b++) {
    const start = Math.floor((b * n) / bins);
    const end = Math.floor(((b + 1) * n) / bins);
    if (end <= start) continue;
    let predicted = 0;
    let observed = 0;
    for (let m = start; m < end; m++) {
      const i = order[m] as number;
      predicted += probabilities[i] as number;
      observed += outcomes[i] as number;
    }
    out.push({
      from: probabilities[order[start] as number] as number,
      to: probabilities[order[end - 1] as number] as number,
      n: end - start,
      meanPredicted: predicted / (end - start),
      observedRate: observed / (end - start),
    });
  }
  return out;
}
