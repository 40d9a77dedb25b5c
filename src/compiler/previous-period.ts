// The period just before a reporting period, for KPIs that compare a period with the one before it
// (expansion growth, revenue growth, retained feature users).
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

/** The periods and the period before each of them, without repeats, in time order. */
export function withPreviousPeriods(periods: readonly Period[], grain?: Grain): Period[] {
  const byStart = new Map<string, Period>();
  for (const p of periods) {
    const prev = previousPeriod(p, grain);
    if (!byStart.has(prev.start)) byStart.set(prev.start, prev);
    byStart.set(p.start, p);
  }
  return [...byStart.values()].sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
}
