// Reporting periods: [start, end) in UTC at a grain (day, ISO week from Monday, month, quarter, year).
import { badInput } from '../errors/tenure-error.ts';

export const GRAINS = ['day', 'week', 'month', 'quarter', 'year'] as const;
export type Grain = (typeof GRAINS)[number];

export interface Period {
  /** Inclusive start, ISO 8601 UTC. */
  readonly start: string;
  /** Exclusive end, ISO 8601 UTC. */
  readonly end: string;
}

const DAY_MS = 86_400_000;

export function parseDay(text: string, field: string): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const date = match
    ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])))
    : undefined;
  if (!date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== text) {
    throw badInput(`${field} must be a date written YYYY-MM-DD, not '${text}'`, { field });
  }
  return date;
}

/** The start of the period of `grain` that contains `d`. */
export function periodStart(d: Date, grain: Grain): Date {
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  switch (grain) {
    case 'day':
      return new Date(Date.UTC(y, m, d.getUTCDate()));
    case 'week': {
      const day = new Date(Date.UTC(y, m, d.getUTCDate()));
      const sinceMonday = (day.getUTCDay() + 6) % 7;
      return new Date(day.getTime() - sinceMonday * DAY_MS);
    }
    case 'month':
      return new Date(Date.UTC(y, m, 1));
    case 'quarter':
      return new Date(Date.UTC(y, m - (m % 3), 1));
    case 'year':
      return new Date(Date.UTC(y, 0, 1));
  }
}

/** The start of the period after the one starting at `start`. */
export function nextPeriodStart(start: Date, grain: Grain): Date {
  const y = start.getUTCFullYear();
  const m = start.getUTCMonth();
  switch (grain) {
    case 'day':
      return new Date(start.getTime() + DAY_MS);
    case 'week':
      return new Date(start.getTime() + 7 * DAY_MS);
    case 'month':
      return new Date(Date.UTC(y, m + 1, 1));
    case 'quarter':
      return new Date(Date.UTC(y, m + 3, 1));
    case 'year':
      return new Date(Date.UTC(y + 1, 0, 1));
  }
}

const MAX_PERIODS = 5000;

/**
 * The periods of `grain` that overlap [from, to]: the first is the one containing `from`, the last the one
 * containing `to` (both dates YYYY-MM-DD, `to` inclusive).
 */
export function periodsBetween(from: string, to: string, grain: Grain): Period[] {
  if (!(GRAINS as readonly string[]).includes(grain)) {
    throw badInput(`grain must be one of ${GRAINS.join(', ')}, not '${grain}'`, { field: 'grain' });
  }
  const first = parseDay(from, 'from');
  const last = parseDay(to, 'to');
  if (last < first) throw badInput(`to (${to}) is before from (${from})`, { field: 'to' });
  const periods: Period[] = [];
  for (let s = periodStart(first, grain); s <= last; s = nextPeriodStart(s, grain)) {
    periods.push({ start: s.toISOString(), end: nextPeriodStart(s, grain).toISOString() });
    if (periods.length > MAX_PERIODS) {
      throw badInput(
        `more than ${MAX_PERIODS} ${grain} periods between ${from} and ${to}`,
        { field: 'grain' },
        'choose a coarser grain or a shorter range',
      );
    }
  }
  return periods;
}
