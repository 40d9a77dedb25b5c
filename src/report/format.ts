// How the review prints numbers, shared by the Markdown and HTML renderers: ratios as percentages and
// their changes in percentage points, amounts with thousands separators, durations with their unit.
import type { Goal, Status } from '../goals/targets.ts';
import type { PeriodBounds } from './period.ts';
import type { ReviewKpi, Unit } from './review.ts';

const grouped = (v: number, digits: number) =>
  v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export function formatValue(value: number | null, unit: Unit): string {
  if (value === null) return '–';
  switch (unit) {
    case 'ratio':
      return `${(100 * value).toFixed(1)}%`;
    case 'currency':
      return grouped(value, Math.abs(value) >= 1000 ? 0 : 2);
    case 'count':
      return grouped(value, Number.isInteger(value) ? 0 : 1);
    case 'days':
    case 'months':
      return `${grouped(value, 1)} ${unit}`;
    case 'points':
    case 'score':
      return grouped(value, 2);
  }
}

const signed = (text: string, v: number) => (v > 0 ? `+${text}` : text);

/** The change, and the relative change in brackets: ratios move by percentage points. */
export function formatChange(change: number | null, relative: number | null, unit: Unit): string {
  if (change === null) return '–';
  const abs =
    unit === 'ratio'
      ? `${signed((100 * change).toFixed(1), change)} pp`
      : signed(formatValue(change, unit), change);
  return relative === null ? abs : `${abs} (${signed((100 * relative).toFixed(1), relative)}%)`;
}

export function formatGoal(goal: Goal | null, unit: Unit): string {
  if (goal === null) return '–';
  return Array.isArray(goal)
    ? `${formatValue(goal[0], unit)} – ${formatValue(goal[1], unit)}`
    : formatValue(goal, unit);
}

export const STATUS_LABEL: Record<Status, string> = {
  on_track: 'on track',
  at_risk: 'at risk',
  off_track: 'off track',
  no_data: 'no data',
};

export const REASON_LABEL = {
  off_track: 'off track',
  at_risk: 'at risk',
  largest_move: 'one of the largest moves',
} as const;

/** A decomposition effect in the KPI's unit (a ratio's effects in percentage points). */
export const formatEffect = (v: number, unit: Unit) =>
  unit === 'ratio' ? `${signed((100 * v).toFixed(2), v)} pp` : signed(formatValue(v, unit), v);

/**
 * When a target is judged on other periods than the review's (a monthly target in a quarterly review, a
 * rolling window), what it was judged on: "1.8% over 2025-06-01 to 2025-06-30"; else nothing.
 */
export function judgedNote(k: ReviewKpi, period: PeriodBounds): string {
  if (k.judged.period_start === period.start && k.judged.period_end === period.end) return '';
  const last = new Date(Date.parse(k.judged.period_end) - 86_400_000).toISOString().slice(0, 10);
  return `judged on ${formatValue(k.judged.value, k.unit)} over ${k.judged.period_start.slice(0, 10)} to ${last}`;
}
