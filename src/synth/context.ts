// The state shared by every step of one generation run: the window, the clock that formats time, id
// counters, and the few company-wide tallies (signups per channel and month) kept while customers stream by.
import type { ResolvedOptions } from './options.ts';
import { addMonths, Clock, DAY } from './time.ts';
import { CHANNELS, type Channel, PARAMS } from './truth.ts';

/** Running counters for ids that are unique across the whole company. */
export interface IdCounters {
  user: number;
  event: number;
  session: number;
  contract: number;
  checkin: number;
  order: number;
  response: number;
  promotion: number;
}

export class Context {
  readonly seed: number;
  readonly customers: number;
  readonly months: number;
  /** Window [start, end) in seconds since the epoch. */
  readonly start: number;
  readonly end: number;
  /** months + 1 boundaries: start, start + 1 month, …, end. */
  readonly monthStarts: readonly number[];
  readonly clock: Clock;
  /** The experiment's assignment window [experimentStart, experimentEnd); experimentEnd = end while it runs. */
  readonly experimentStart: number;
  readonly experimentEnd: number;
  readonly experimentEnded: boolean;
  readonly ids: IdCounters = {
    user: 0,
    event: 0,
    session: 0,
    contract: 0,
    checkin: 0,
    order: 0,
    response: 0,
    promotion: 0,
  };
  /** signups[channel index × months + month index]. */
  readonly signups: Float64Array;
  readonly realized = { paying: 0, activated: 0, treatment: 0, control: 0, reactivated: 0, annual: 0 };
  private readonly idWidth: number;

  constructor(options: ResolvedOptions) {
    this.seed = options.seed;
    this.customers = options.customers;
    this.months = options.months;
    this.end = options.endDay * DAY;
    this.start = addMonths(this.end, -options.months);
    this.monthStarts = Array.from({ length: options.months + 1 }, (_, k) => addMonths(this.start, k));
    // Contract terms and offers may end up to about a year after the window.
    this.clock = new Clock(Math.floor(this.start / DAY) - 40, options.endDay + 400);
    const exp = PARAMS.experiment;
    const startMonth = Math.floor(options.months * exp.start_fraction_of_window);
    this.experimentStart = addMonths(this.start, startMonth);
    const plannedEnd = addMonths(this.experimentStart, exp.duration_months);
    this.experimentEnded = plannedEnd < this.end;
    this.experimentEnd = Math.min(plannedEnd, this.end);
    this.signups = new Float64Array(CHANNELS.length * options.months);
    this.idWidth = Math.max(6, String(options.customers).length);
  }

  customerId(index: number): string {
    return `c${String(index + 1).padStart(this.idWidth, '0')}`;
  }

  /** Index of the window month holding `sec` (clamped to the window). */
  monthIndex(sec: number): number {
    const ms = this.monthStarts;
    let lo = 0;
    let hi = this.months - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((ms[mid] as number) <= sec) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  countSignup(channel: Channel, sec: number): void {
    const i = CHANNELS.indexOf(channel) * this.months + this.monthIndex(sec);
    this.signups[i] = (this.signups[i] ?? 0) + 1;
  }

  /** ISO 8601 text of a time in seconds. */
  ts(sec: number): string {
    return this.clock.timestamp(sec);
  }
}
