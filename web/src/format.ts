// How the dashboard writes numbers: the shared formats of src/results/format.ts (by the catalog's unit, in
// the project's currency), and the labels only the dashboard needs. Pure (no DOM), so the browser tests
// format the API's values with the same functions and compare text.

export {
  changeTone,
  type FormatOptions,
  formatAxis,
  formatChange,
  formatDelta,
  formatGoal,
  formatNumber,
  formatPercent,
  formatRelative,
  formatTerm,
  formatValue,
  NO_VALUE,
} from '../../src/results/format.ts';

/** A period start (ISO instant) as its label at a grain: 2025-03, 2025-03-10, 2025-Q1, 2025. */
export function periodLabel(start: string, grain: string): string {
  const day = start.slice(0, 10);
  if (grain === 'month') return day.slice(0, 7);
  if (grain === 'quarter') return `${day.slice(0, 4)}-Q${Math.floor((Number(day.slice(5, 7)) - 1) / 3) + 1}`;
  if (grain === 'year') return day.slice(0, 4);
  return day;
}

const STATUS_LABEL: Record<string, string> = {
  on_track: 'on track',
  at_risk: 'at risk',
  off_track: 'off track',
  no_data: 'no data',
};

/** A target status in words ('' for none). */
export const statusLabel = (s: string | null | undefined) => (s ? (STATUS_LABEL[s] ?? s) : '');
