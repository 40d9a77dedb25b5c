// The time controls' arithmetic: presets beside the date inputs (last 3, 6 or 12 complete months, year to
// date, last year), the range before a range (to compare with), and the same period a year earlier. Pure, so
// the browser tests compute the URLs and periods the pages must show.
import { type Grain, nextPeriodStart, periodStart } from '../../src/compiler/periods.ts';

export const PRESETS = [
  { id: 'last_3_months', label: 'Last 3 months' },
  { id: 'last_6_months', label: 'Last 6 months' },
  { id: 'last_12_months', label: 'Last 12 months' },
  { id: 'year_to_date', label: 'Year to date' },
  { id: 'last_year', label: 'Last year' },
] as const;
export type Preset = (typeof PRESETS)[number]['id'];

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * The dates of a preset, given the data's end: the last N complete months before the month holding it;
 * from January 1 of its year to its day; the calendar year before it.
 */
export function presetRange(preset: Preset, asOf: string): { from: string; to: string } {
  const end = new Date(asOf);
  const y = end.getUTCFullYear();
  const m = end.getUTCMonth();
  const months = (n: number) => ({
    from: day(Date.UTC(y, m - n, 1)),
    to: day(Date.UTC(y, m, 1) - 86_400_000),
  });
  switch (preset) {
    case 'last_3_months':
      return months(3);
    case 'last_6_months':
      return months(6);
    case 'last_12_months':
      return months(12);
    case 'year_to_date':
      return { from: day(Date.UTC(y, 0, 1)), to: day(end.getTime()) };
    case 'last_year':
      return { from: day(Date.UTC(y - 1, 0, 1)), to: day(Date.UTC(y, 0, 1) - 86_400_000) };
  }
}

/** The preset whose dates these are, if any (the button shown as chosen). */
export function presetOf(range: { from: string; to: string }, asOf: string): Preset | undefined {
  return PRESETS.find((p) => {
    const r = presetRange(p.id, asOf);
    return r.from === range.from && r.to === range.to;
  })?.id;
}

/** How many periods of `grain` the range spans. */
function periodCount(from: string, to: string, grain: Grain): number {
  let n = 0;
  const last = new Date(`${to}T00:00:00Z`);
  for (let s = periodStart(new Date(`${from}T00:00:00Z`), grain); s <= last; s = nextPeriodStart(s, grain))
    n++;
  return n;
}

/** The range of as many periods immediately before this one (what "compare with the previous period" shows). */
export function previousRange(range: { from: string; to: string; grain: string }): {
  from: string;
  to: string;
} {
  const grain = range.grain as Grain;
  const first = periodStart(new Date(`${range.from}T00:00:00Z`), grain);
  let start = first;
  for (let i = periodCount(range.from, range.to, grain); i > 0; i--)
    start = periodStart(new Date(start.getTime() - 1), grain);
  return { from: day(start.getTime()), to: day(first.getTime() - 86_400_000) };
}

export { yearAgoStart } from '../../src/server/default-range.ts';
