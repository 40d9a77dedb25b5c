// When the model looks at customers: training snapshots and held-out snapshots at month starts (UTC), and
// the scoring snapshot. A snapshot's label window [t, t + horizon) must end by the data's end, and every
// training window must end by the first held-out snapshot, so nothing the held-out months reveal reaches
// training. Snapshots are UTC day numbers (days since 1970-01-01).
import { badInput } from '../errors/tenure-error.ts';

const DAY_MS = 86_400_000;

export interface Snapshots {
  training: number[];
  heldOut: number[];
  /** The instant scored: the UTC midnight starting the day of as_of. */
  scoring: number;
}

export const dayToIso = (day: number) => new Date(day * DAY_MS).toISOString();

/** Month starts from the first on or after `fromMs` to the last on or before `toMs`, as day numbers. */
function monthStarts(fromMs: number, toMs: number): number[] {
  const from = new Date(fromMs);
  const y = from.getUTCFullYear();
  let m = from.getUTCMonth(); // Date.UTC carries months past 11 into the following years
  if (Date.UTC(y, m, 1) < fromMs) m++;
  const out: number[] = [];
  for (let t = Date.UTC(y, m, 1); t <= toMs; t = Date.UTC(y, ++m, 1)) out.push(t / DAY_MS);
  return out;
}

export function chooseSnapshots(opts: {
  /** The first subscription change (ISO 8601). */
  dataStart: string;
  /** The data's end: label windows must close by then (ISO 8601). */
  asOf: string;
  /** The scoring snapshot (a UTC midnight, ISO 8601). */
  scoreAt: string;
  horizonDays: number;
  trainingMonths: number;
  heldOutMonths: number;
}): Snapshots {
  const start = Date.parse(opts.dataStart);
  const end = Date.parse(opts.asOf);
  const horizon = opts.horizonDays * DAY_MS;
  // Features look back up to 180 days, but a month of history is enough to be paying and to be judged.
  const labelled = monthStarts(start + DAY_MS, end - horizon);
  const heldOut = labelled.slice(-opts.heldOutMonths);
  const firstHeldOut = heldOut[0];
  const training =
    firstHeldOut === undefined
      ? []
      : labelled.filter((d) => d * DAY_MS + horizon <= firstHeldOut * DAY_MS).slice(-opts.trainingMonths);
  if (training.length === 0 || heldOut.length < opts.heldOutMonths)
    throw badInput(
      `the subscription history runs from ${opts.dataStart.slice(0, 10)} to ${opts.asOf.slice(0, 10)}: too short for ${opts.heldOutMonths} held-out month(s) and at least one training month before them, each followed by a ${opts.horizonDays}-day horizon`,
      { field: 'subscription_changes' },
      'load a longer history, shorten --horizon-days, or set --as-of later',
    );
  return { training, heldOut, scoring: Math.floor(Date.parse(opts.scoreAt) / DAY_MS) };
}
