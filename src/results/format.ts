// How Tenure writes a number in text, by the catalog's unit. The dashboard (cards, charts' axes and
// tooltips, tables), alerts, the review report and the CLI's text output all call these, so a value reads
// the same everywhere: a rate 3.2% moving +0.4 pt, a ratio 69.9×, money $179,021.90 in the project's
// currency. JSON stays numeric; these are for text only. Imports nothing, so the dashboard bundles it as it
// is (web/src/format.ts re-exports it) and the catalog takes its units from here.

/**
 * The catalog's units. rate: a fraction shown as a percentage (shares, rates, growth, ROI: 0.032 is 3.2%);
 * ratio: a multiple (LTV to CAC 69.9×); currency: an amount of the project's money; count: things or
 * things per unit; days, months: durations; points: a difference of percentages or a −100…100 score read
 * in points (NPS, check-in impact); score: an index without a unit.
 */
export const UNITS = ['rate', 'ratio', 'currency', 'count', 'days', 'months', 'points', 'score'] as const;
export type Unit = (typeof UNITS)[number];

/** The money of a project without a `currency:` setting. */
export const DEFAULT_CURRENCY = 'USD';
/** What a missing value (no data, a zero denominator) prints as in a table or on a card. */
export const NO_VALUE = '—';

export interface FormatOptions {
  /** ISO 4217 code of the project's money (tenure.yaml `currency:`); USD when absent. */
  readonly currency?: string;
  /** Short forms for chart axes: $1.2M, 12K, 3%. */
  readonly compact?: boolean;
  /** Decimals instead of the unit's own (a rate's effects in a decomposition read better with 2). */
  readonly digits?: number;
  /** What null prints as: '—' unless told ('no data' reads better inside a sentence). */
  readonly missing?: string;
}

const formats = new Map<string, Intl.NumberFormat>();

/** Intl number formats are costly to build and a table formats thousands of cells: one per options. */
function numberFormat(options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = JSON.stringify(options);
  let format = formats.get(key);
  if (format === undefined) {
    format = new Intl.NumberFormat('en-US', options);
    formats.set(key, format);
  }
  return format;
}

/** A difference shows its sign (+0.4 pt); a value only a minus. Neither signs what rounds to zero (-0.00). */
const sign = (signed: boolean): Intl.NumberFormatOptions => ({
  signDisplay: signed ? 'exceptZero' : 'negative',
});

const fixed = (digits: number, signed = false): Intl.NumberFormatOptions => ({
  minimumFractionDigits: digits,
  maximumFractionDigits: digits,
  ...sign(signed),
});

/** Axes: at most one decimal, none when the tick is whole (3%, 3.5%). */
const short = (signed: boolean): Intl.NumberFormatOptions => ({
  minimumFractionDigits: 0,
  maximumFractionDigits: 1,
  ...sign(signed),
});

const SUFFIX: Partial<Record<string, string>> = {
  rate: '%',
  ratio: '×',
  days: ' days',
  months: ' months',
  points: ' pt',
};

const isNumber = (v: number | null | undefined): v is number =>
  v !== null && v !== undefined && Number.isFinite(v);

function money(value: number, opts: FormatOptions, signed: boolean): string {
  const currency = opts.currency ?? DEFAULT_CURRENCY;
  if (opts.compact)
    return numberFormat({ style: 'currency', currency, notation: 'compact', ...short(signed) }).format(value);
  const digits = opts.digits === undefined ? {} : fixed(opts.digits);
  return numberFormat({ style: 'currency', currency, ...digits, ...sign(signed) }).format(value);
}

function amount(value: number, opts: FormatOptions, signed: boolean): string {
  if (opts.compact) return numberFormat({ notation: 'compact', ...short(signed) }).format(value);
  const digits = opts.digits ?? (Number.isInteger(value) ? 0 : 2);
  return numberFormat(fixed(digits, signed)).format(value);
}

/**
 * A number in a unit, signed or not; the unit's scale (×100 for rates) is applied here. Binary noise is
 * dropped first (12 significant digits), so a difference such as 0.0265 − 0.025 = 0.01499999… rounds as the
 * 0.015 it is.
 */
function inUnit(raw: number, unit: string, opts: FormatOptions, signed: boolean): string {
  const value = Number(raw.toPrecision(12));
  switch (unit) {
    case 'currency':
      return money(value, opts, signed);
    case 'count':
      return amount(value, opts, signed);
    case 'rate':
    case 'ratio':
    case 'days':
    case 'months':
    case 'points':
    case 'score': {
      const scaled = unit === 'rate' ? Number((100 * value).toPrecision(12)) : value;
      const options = opts.compact ? short(signed) : fixed(opts.digits ?? 1, signed);
      // A rate's difference is in percentage points, not a percentage of it.
      const suffix = signed && unit === 'rate' ? ' pt' : (SUFFIX[unit] ?? '');
      return `${numberFormat(options).format(scaled)}${suffix}`;
    }
    default:
      return signed ? amount(value, opts, true) : formatNumber(value);
  }
}

/**
 * A KPI's value as a card, a table cell, an alert or a report shows it: 3.2%, 69.9×, $179,021.90, 1,204,
 * 3.5 days, 41.0 pt, 62.4. Null (no data, a zero denominator) is '—' unless `missing` says otherwise.
 * An unknown unit prints as a plain number.
 */
export function formatValue(
  value: number | null | undefined,
  unit: string,
  opts: FormatOptions = {},
): string {
  if (!isNumber(value)) return opts.missing ?? NO_VALUE;
  return inUnit(value, unit, opts, false);
}

/** A chart axis tick: short forms ($1.2M, 3.5%, 12K, 70×). */
export const formatAxis = (value: number, unit: string, opts: FormatOptions = {}): string =>
  formatValue(value, unit, { ...opts, compact: true });

/**
 * A difference in the unit, signed: a rate's in percentage points (+0.4 pt), money in money (-$1,234.50),
 * a ratio's in × (+5.6×). Zero (after rounding) has no sign.
 */
export function formatDelta(
  delta: number | null | undefined,
  unit: string,
  opts: FormatOptions = {},
): string {
  if (!isNumber(delta)) return opts.missing ?? NO_VALUE;
  return inUnit(delta, unit, opts, true);
}

/** A relative change, signed, in percent: 0.25 is +25.0%. */
export function formatRelative(relative: number | null | undefined, opts: FormatOptions = {}): string {
  if (!isNumber(relative)) return opts.missing ?? NO_VALUE;
  return `${numberFormat(fixed(opts.digits ?? 1, true)).format(100 * relative)}%`;
}

/** Units whose change reads as a difference; the others (money, counts, ratios) move by a share. */
const MOVES_BY_DIFFERENCE = new Set(['rate', 'points', 'score', 'days', 'months']);

/**
 * The change from the previous period as a card shows it: rates, points, scores and durations by their
 * difference (+0.4 pt, +1.2, +0.3 days); money, counts and ratios relative to the previous value
 * (+5.0%). Null when either side is missing or the relative base is zero.
 */
export function formatChange(
  current: number | null | undefined,
  previous: number | null | undefined,
  unit: string,
  opts: FormatOptions = {},
): string | null {
  if (!isNumber(current) || !isNumber(previous)) return null;
  if (MOVES_BY_DIFFERENCE.has(unit)) return formatDelta(current - previous, unit, opts);
  if (previous === 0) return null;
  return formatRelative((current - previous) / Math.abs(previous), opts);
}

/**
 * Whether a change reads as good or bad news: 'good' or 'bad' by the KPI's direction, '' when there is no
 * change to judge or when it is written as none (0.0 pt, 0.0%): a change too small to show is not painted.
 */
export function changeTone(
  current: number | null | undefined,
  previous: number | null | undefined,
  unit: string,
  higherIsBetter: boolean,
  opts: FormatOptions = {},
): 'good' | 'bad' | '' {
  const text = formatChange(current, previous, unit, opts);
  if (text === null || !/[1-9]/.test(text) || !isNumber(current) || !isNumber(previous)) return '';
  return current > previous === higherIsBetter ? 'good' : 'bad';
}

/** Rates with two decimals where parts must visibly add up to a whole (0.45% + 1.20%). */
const finer = (unit: string, opts: FormatOptions): FormatOptions =>
  unit === 'rate' && opts.digits === undefined ? { ...opts, digits: 2 } : opts;

/** A term of an exact decomposition (the KPI tree's identities), in the unit: 1.23%, $1,204.00. */
export const formatTerm = (value: number | null | undefined, unit: string, opts: FormatOptions = {}) =>
  formatValue(value, unit, finer(unit, opts));

/** An effect of a root-cause split (rate, mix, contribution), signed in the unit: +0.45 pt, -$120.00. */
export const formatEffect = (delta: number | null | undefined, unit: string, opts: FormatOptions = {}) =>
  formatDelta(delta, unit, finer(unit, opts));

/** A target as written in the project file: a value, or a range low–high. */
export function formatGoal(
  goal: number | readonly [number, number] | null | undefined,
  unit: string,
  opts: FormatOptions = {},
): string {
  if (goal === null || goal === undefined) return opts.missing ?? NO_VALUE;
  if (typeof goal === 'number') return formatValue(goal, unit, opts);
  return `${formatValue(goal[0], unit, opts)}–${formatValue(goal[1], unit, opts)}`;
}

/**
 * A number without a unit (numerators, denominators, a sub-result whose unit the catalog does not state,
 * row counts): whole numbers grouped (1,204), small ones with 4 decimals (0.4512), others with 2 (179,021.90).
 */
export function formatNumber(value: number | null | undefined, opts: FormatOptions = {}): string {
  if (!isNumber(value)) return opts.missing ?? NO_VALUE;
  const v = Number(value.toPrecision(12));
  if (Number.isInteger(v)) return numberFormat(fixed(0)).format(v);
  return numberFormat(fixed(opts.digits ?? (Math.abs(v) < 10 ? 4 : 2))).format(v);
}

/** A share 0…1 (a probability, a survival, a cohort's retention) as a percentage: 0.0265 is 2.7%. */
export const formatPercent = (share: number | null | undefined, opts: FormatOptions = {}): string =>
  formatValue(share, 'rate', opts);

/** Whether `code` is an ISO 4217 currency this runtime can print (EUR, GBP, JPY…). */
export function isCurrencyCode(code: string): boolean {
  if (!/^[A-Z]{3}$/.test(code)) return false;
  const supported = (Intl as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf;
  return supported === undefined || supported('currency').includes(code);
}
