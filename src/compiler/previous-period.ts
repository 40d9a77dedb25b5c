// The period just before a reporting period, for KPIs that compare a period with the one before it.
import { type Grain, nextPeriodStart, type Period, periodStart } from './periods.ts';

/**
 * The period of `grain` that ends where `period` starts. Without a grain, the span of the same length
 * ending at its start.
 */
export function previousPeriod(period: Period, grain?: Grain): Period {
  const startMs = Date.parse(period.start);
  if (grain === undefined) {
    const length = Date.parse(period.end) - startMs;
    return { start: new Date(startMs - length).toISOString(), end: period.start };
  }
  const before = periodStart(new Date(startMs - 1), grain);
  return { start: before.toISOString(), end: nextPeriodStart(before, grain).toISOString() };
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
