// How the dashboard writes numbers, by the catalog's unit. Pure (no DOM), so the browser tests format the
// API's values with the same functions and compare text.

export type Unit = 'currency' | 'ratio' | 'months' | 'count' | 'score' | 'days' | 'points' | string;

const grouped = (digits: number) =>
  new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const whole = grouped(0);
const two = grouped(2);
const one = grouped(1);

/** A KPI value as a card or a table cell shows it; null (no data, zero denominator) is an em dash. */
export function formatValue(value: number | null | undefined, unit: Unit): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  switch (unit) {
    case 'currency':
      return Math.abs(value) >= 1000 ? whole.format(value) : two.format(value);
    case 'ratio':
      return `${one.format(value * 100)}%`;
    case 'count':
      return Number.isInteger(value) ? whole.format(value) : two.format(value);
    case 'months':
    case 'days':
      return `${one.format(value)} ${unit}`;
    default:
      return two.format(value);
  }
}

/** A plain number (numerators, denominators, bridge amounts, row counts). */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return Number.isInteger(value) ? whole.format(value) : two.format(value);
}

/** A share 0..1 as a percentage with one decimal. */
export function formatShare(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return `${one.format(value * 100)}%`;
}

/**
 * The change from the previous period: points for ratios (a rate moving from 10% to 12% is +2.0 pt),
 * otherwise relative (+5.0%). Null when either side is missing or the relative base is zero.
 */
export function formatChange(current: number | null, previous: number | null, unit: Unit): string | null {
  if (current === null || previous === null) return null;
  if (unit === 'ratio') {
    const pt = (current - previous) * 100;
    return `${pt >= 0 ? '+' : '−'}${one.format(Math.abs(pt))} pt`;
  }
  if (previous === 0) return null;
  const pct = ((current - previous) / Math.abs(previous)) * 100;
  return `${pct >= 0 ? '+' : '−'}${one.format(Math.abs(pct))}%`;
}

/** A period start (ISO instant) as its label at a grain: 2025-03, 2025-03-10, 2025-Q1, 2025. */
export function periodLabel(start: string, grain: string): string {
  const day = start.slice(0, 10);
  if (grain === 'month') return day.slice(0, 7);
  if (grain === 'quarter') return `${day.slice(0, 4)}-Q${Math.floor((Number(day.slice(5, 7)) - 1) / 3) + 1}`;
  if (grain === 'year') return day.slice(0, 4);
  return day;
}

/** Identity terms: rates need four decimals, money reads best grouped. */
export const termText = (v: number | null) =>
  v === null ? '—' : Math.abs(v) < 10 ? v.toFixed(4) : formatNumber(v);

const STATUS_LABEL: Record<string, string> = {
  on_track: 'on track',
  at_risk: 'at risk',
  off_track: 'off track',
  no_data: 'no data',
};

/** A target status in words ('' for none). */
export const statusLabel = (s: string | null | undefined) => (s ? (STATUS_LABEL[s] ?? s) : '');

/** A target as written: a value, or low–high. */
export const goalText = (goal: number | [number, number] | undefined, unit: Unit) =>
  goal === undefined
    ? '—'
    : Array.isArray(goal)
      ? `${formatValue(goal[0], unit)}–${formatValue(goal[1], unit)}`
      : formatValue(goal, unit);
