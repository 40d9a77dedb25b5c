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

/** The years Tenure computes with: any date outside them is refused before it reaches SQL. */
export const YEARS = { first: 1900, last: 2999 } as const;

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?([Zz]|[+-]\d{2}:\d{2}))?$/;

/** The instant `text` names (a calendar day, or RFC 3339 with an offset), or undefined when it names none. */
function instantOf(text: string): Date | undefined {
  const m = INSTANT_RE.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const day = new Date(Date.UTC(y, mo - 1, d));
  // A calendar day (no 2025-02-30), in the years Tenure computes with.
  if (y < YEARS.first || y > YEARS.last || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d)
    return undefined;
  if (m[4] === undefined) return day;
  const [h, mi, sec] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
  if (h > 23 || mi > 59 || sec > 59) return undefined;
  const zone = (m[8] ?? 'Z').toUpperCase();
  const offset =
    zone === 'Z'
      ? 0
      : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  if (Math.abs(offset) > 18 * 60) return undefined;
  const ms = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  return new Date(day.getTime() + ((h * 60 + mi - offset) * 60 + sec) * 1000 + ms);
}

/** Whether `text` is a calendar day written YYYY-MM-DD in the years Tenure computes with. */
export const isDay = (text: string): boolean => DAY_RE.test(text) && instantOf(text) !== undefined;

/** Whether `text` is a day or an RFC 3339 instant with an offset, in the years Tenure computes with. */
export const isInstant = (text: string): boolean => instantOf(text) !== undefined;

/** A day written YYYY-MM-DD (a real calendar day), as midnight UTC; anything else is refused naming `field`. */
export function parseDay(text: string, field: string): Date {
  const date = DAY_RE.test(text) ? instantOf(text) : undefined;
  if (date === undefined)
    throw badInput(
      `${field} must be a calendar day written YYYY-MM-DD, from ${YEARS.first} to ${YEARS.last}, not '${text}'`,
      { field },
    );
  return date;
}

/**
 * An instant given by a user (an as_of): a day YYYY-MM-DD (its midnight UTC) or an RFC 3339 timestamp with
 * its offset (2025-06-30T12:00:00Z, …+02:00), as ISO 8601 UTC. The one parser of every route and command.
 */
export function parseInstant(text: string, field: string): string {
  const date = instantOf(text);
  if (date === undefined)
    throw badInput(
      `${field} must be a day YYYY-MM-DD or a timestamp such as 2025-06-30T12:00:00Z (with Z or an offset), from ${YEARS.first} to ${YEARS.last}, not '${text.slice(0, 60)}'`,
      { field },
    );
  return date.toISOString();
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

/** The same instant a calendar year earlier (29 February falls on the 28th). */
export function yearBefore(iso: string): string {
  const t = new Date(iso);
  const y = t.getUTCFullYear() - 1;
  const m = t.getUTCMonth();
  const day = Math.min(t.getUTCDate(), new Date(Date.UTC(y, m + 1, 0)).getUTCDate());
  const ms = t.getTime() - Date.UTC(t.getUTCFullYear(), m, t.getUTCDate());
  return new Date(Date.UTC(y, m, day) + ms).toISOString();
}

/** Days in an average month (365.25 / 12): MRR earned over a span is MRR × days / 30.4375. */
export const DAYS_PER_MONTH = 30.4375;
