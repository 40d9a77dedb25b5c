// How the review prints numbers: the shared formats of src/results/format.ts in the project's currency
// (`ReviewReport.currency`), and the change the review's columns show: the difference with the relative
// change in brackets (+1.0 pt (+25.0%)).
import { statusText } from '../goals/guardrails.ts';
import { worthText } from '../goals/impact-baseline.ts';
import { benchmarkNote, type Status } from '../goals/targets.ts';
import {
  type FormatOptions,
  formatDelta,
  formatRelative,
  formatValue,
  type Unit,
} from '../results/format.ts';
import type { PeriodBounds } from './period.ts';
import type { ReviewKpi } from './review.ts';

export { formatEffect, formatGoal, formatValue } from '../results/format.ts';

/** The change in the KPI's unit (rates by points), and the relative change in brackets. */
export function formatChange(
  change: number | null,
  relative: number | null,
  unit: Unit,
  money: FormatOptions,
): string {
  if (change === null) return formatValue(null, unit);
  const abs = formatDelta(change, unit, money);
  return relative === null ? abs : `${abs} (${formatRelative(relative)})`;
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

/**
 * When a target is judged on other periods than the review's (a monthly target in a quarterly review, a
 * rolling window), what it was judged on: "1.8% over 2025-06-01 to 2025-06-30"; else nothing.
 */
/** The status in words, with a broken guardrail ("met, guardrail broken"). */
export const reviewStatus = (k: ReviewKpi): string => statusText(k.status, k.guardrails);

/** The guardrails a KPI broke: "Customer Downgrade Rate rose 10.0% → 30.0%". */
export function brokenGuardrails(k: ReviewKpi, money: FormatOptions): string {
  return k.guardrails
    .filter((g) => g.status === 'broken')
    .map(
      (g) =>
        `${g.name} ${g.must_not === 'rise' ? 'rose' : 'fell'} ${formatValue(g.before, g.unit as Unit, money)} → ${formatValue(g.value, g.unit as Unit, money)}`,
    )
    .join('; ');
}

/** What meeting a target not met is worth: "meeting it is worth +$13,190 MRR in 12 months", or ''. */
export const reviewWorth = (k: ReviewKpi, money: FormatOptions): string => worthText(k.worth, money);

/** The target's benchmark and where the target sits against it (benchmarkNote), or ''. */
export const benchmarkText = (k: ReviewKpi, money: FormatOptions): string =>
  k.benchmark ? benchmarkNote(k.benchmark, k.pragmatic, k.unit, k.higher_is_better, money) : '';

/** A rolling-forecast target's pragmatic value, where it came from: the forecast, when made, its band. */
export const forecastText = (k: ReviewKpi, money: FormatOptions): string =>
  k.forecast
    ? `the pragmatic target is its forecast made with the data to ${k.forecast.made_at.slice(0, 10)}, ${k.forecast.horizon} month${k.forecast.horizon === 1 ? '' : 's'} ahead (${Math.round(k.forecast.band * 100)}% band ${formatValue(k.forecast.lower, k.unit, money)}–${formatValue(k.forecast.upper, k.unit, money)})`
    : '';

export function judgedNote(k: ReviewKpi, period: PeriodBounds, money: FormatOptions): string {
  if (k.judged.period_start === period.start && k.judged.period_end === period.end) return '';
  const last = new Date(Date.parse(k.judged.period_end) - 86_400_000).toISOString().slice(0, 10);
  return `judged on ${formatValue(k.judged.value, k.unit, money)} over ${k.judged.period_start.slice(0, 10)} to ${last}`;
}
