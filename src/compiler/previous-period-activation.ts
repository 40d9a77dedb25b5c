// The period before a reporting period, for KPIs that compare P with P−1 (retained feature users).
import { GRAINS, type Grain, nextPeriodStart, type Period, periodStart } from './periods.ts';

/** The grain whose period starting at `p.start` ends exactly at `p.end`, if any. */
export function inferGrain(p: Period): Grain | undefined {
  const start = new Date(p.start);
  return GRAINS.find(
    (g) =>
      periodStart(start, g).getTime() === start.getTime() &&
      nextPeriodStart(start, g).getTime() === Date.parse(p.end),
  );
}

/**
 * P−1: the period of the same grain just before `p` (the grain given, else inferred from `p`); a period of no
 * known grain gets the span of the same length ending at its start.
 */
export function previousPeriod(p: Period, grain?: Grain): Period {
  const g = grain ?? inferGrain(p);
  const start = new Date(p.start);
  if (g === undefined) {
    const length = Date.parse(p.end) - start.getTime();
    return { start: new Date(start.getTime() - length).toISOString(), end: start.toISOString() };
  }
  const before = periodStart(new Date(start.getTime() - 1), g);
  return { start: before.toISOString(), end: nextPeriodStart(before, g).toISOString() };
}
