// The review period of `tenure report --period P`: a month written YYYY-MM or a quarter written YYYY-Qn,
// with the period before it (what the review compares with).
import { nextPeriodStart, periodStart } from '../compiler/periods.ts';
import { badInput } from '../errors/tenure-error.ts';

export interface PeriodBounds {
  /** 2025-11 or 2025-Q3. */
  readonly label: string;
  /** Inclusive start and exclusive end, ISO 8601 UTC. */
  readonly start: string;
  readonly end: string;
}

export interface ReviewPeriod extends PeriodBounds {
  readonly grain: 'month' | 'quarter';
  readonly previous: PeriodBounds;
}

const labelOf = (start: Date, grain: 'month' | 'quarter') => {
  const y = start.getUTCFullYear();
  const m = start.getUTCMonth();
  return grain === 'month' ? `${y}-${String(m + 1).padStart(2, '0')}` : `${y}-Q${m / 3 + 1}`;
};

const bounds = (start: Date, grain: 'month' | 'quarter'): PeriodBounds => ({
  label: labelOf(start, grain),
  start: start.toISOString(),
  end: nextPeriodStart(start, grain).toISOString(),
});

/** Parses P; anything else is a bad_input naming --period and both formats. */
export function parseReviewPeriod(text: string): ReviewPeriod {
  const month = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(text);
  const quarter = /^(\d{4})-Q([1-4])$/i.exec(text);
  if (!month && !quarter) {
    throw badInput(
      `--period must be a month written YYYY-MM (e.g. 2025-11) or a quarter written YYYY-Qn (e.g. 2025-Q3), not '${text}'`,
      { field: '--period' },
      'give e.g. --period 2025-11 or --period 2025-Q3',
    );
  }
  const grain = month ? 'month' : 'quarter';
  const start = month
    ? new Date(Date.UTC(Number(month[1]), Number(month[2]) - 1, 1))
    : new Date(Date.UTC(Number(quarter?.[1]), (Number(quarter?.[2]) - 1) * 3, 1));
  const previousStart = periodStart(new Date(start.getTime() - 1), grain);
  return { ...bounds(start, grain), grain, previous: bounds(previousStart, grain) };
}
