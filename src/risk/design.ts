// From feature rows to the model's design matrix: transformed, one-hot and standardised columns, with
// everything learnt from the training rows (category levels, means imputed for missing answers, means and
// standard deviations) kept in a `Design` so scoring rows are encoded exactly as training rows were.

import { DAYS_PER_MONTH } from '../compiler/periods.ts';
import type { FeatureRow } from './features-sql.ts';

/** Levels of plan or channel beyond this many (by frequency) are pooled as 'other'. */
const MAX_LEVELS = 8;

/** A column of the design: its name, the driver group it belongs to, and its training mean and SD. */
export interface DesignColumn {
  name: string;
  group: string;
  mean: number;
  sd: number;
}

export interface Design {
  columns: DesignColumn[];
  /** Numeric columns left out because they were constant in training (no events, no answers, …). */
  constant: string[];
  /** Plan and channel levels seen in training, most frequent first; the first is the reference. */
  levels: { plan: string[]; channel: string[] };
  /** Means of the answered scores, put in for a missing answer (its indicator carries the missingness). */
  imputed: { nps: number; csat: number };
}

/** The numeric columns, before the one-hot columns of plan and channel. */
const NUMERIC = [
  'log_mrr',
  'log_tenure_months',
  'log_events_30d',
  'usage_trend',
  'active_days_30d',
  'log_key_actions_30d',
  'features_30d',
  'activated',
  'nps',
  'nps_missing',
  'csat',
  'csat_missing',
  'contractions_90d',
  'checked_in_90d',
] as const;

type Levels = Design['levels'];

/** Every candidate column's name: the numeric ones, then a 0/1 column per non-reference level. */
function candidateNames(levels: Levels): string[] {
  const oneHot = (factor: 'plan' | 'channel') =>
    [...levels[factor].slice(1), 'other'].map((l) => `${factor}:${l}`);
  return [...NUMERIC, ...oneHot('plan'), ...oneHot('channel')];
}

/** Writes a row's raw (unstandardised) candidate values into `out`, in candidateNames order. */
function rawValues(row: FeatureRow, design: Pick<Design, 'levels' | 'imputed'>, out: Float64Array): void {
  out[0] = Math.log(Math.max(row.mrr, 1e-6));
  out[1] = Math.log1p(Math.max(0, row.tenure_days) / DAYS_PER_MONTH);
  out[2] = Math.log1p(row.events_30d);
  out[3] = Math.log((1 + row.events_30d) / (1 + row.events_prev_30d));
  out[4] = row.active_days_30d;
  out[5] = Math.log1p(row.key_actions_30d);
  out[6] = row.features_30d;
  out[7] = row.activated;
  out[8] = row.nps ?? design.imputed.nps;
  out[9] = row.nps === null ? 1 : 0;
  out[10] = row.csat ?? design.imputed.csat;
  out[11] = row.csat === null ? 1 : 0;
  out[12] = row.contractions_90d;
  out[13] = row.checkins_90d > 0 ? 1 : 0;
  let at = NUMERIC.length;
  for (const factor of ['plan', 'channel'] as const) {
    const levels = design.levels[factor];
    const index = levels.indexOf(row[factor] ?? '');
    // Reference level (index 0): all zeros; a level not seen in training: 'other', the last column.
    const hot = index < 0 ? levels.length - 1 : index - 1;
    for (let l = 0; l < levels.length; l++) out[at + l] = l === hot ? 1 : 0;
    at += levels.length;
  }
}

/** The driver group of a column: one-hot columns and missing indicators join their variable. */
export function groupOf(column: string): string {
  if (column.startsWith('plan:')) return 'plan';
  if (column.startsWith('channel:')) return 'channel';
  if (column === 'nps_missing') return 'nps';
  if (column === 'csat_missing') return 'csat';
  // How much and how often: one driver, so "no events" and "no active days" are not named twice.
  if (column === 'log_events_30d' || column === 'active_days_30d') return 'usage_level';
  return column;
}

/** The tenure-only baseline uses this column alone. */
export const TENURE_COLUMN = 'log_tenure_months';

function levelsOf(rows: readonly FeatureRow[], key: 'plan' | 'channel'): string[] {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r[key] ?? '', (counts.get(r[key] ?? '') ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, MAX_LEVELS)
    .map(([l]) => l);
}

function meanOf(values: readonly (number | null)[]): number {
  let sum = 0;
  let n = 0;
  for (const v of values)
    if (v !== null) {
      sum += v;
      n++;
    }
  return n ? sum / n : 0;
}

/**
 * Learns the design from training rows. Columns constant in training (no feedback table, one plan) are
 * left out: they carry nothing and would make the information matrix singular.
 */
export function learnDesign(rows: readonly FeatureRow[], only?: readonly string[]): Design {
  const partial = {
    levels: { plan: levelsOf(rows, 'plan'), channel: levelsOf(rows, 'channel') },
    imputed: { nps: meanOf(rows.map((r) => r.nps)), csat: meanOf(rows.map((r) => r.csat)) },
  };
  const names = candidateNames(partial.levels);
  const sum = new Float64Array(names.length);
  const sumSq = new Float64Array(names.length);
  const raw = new Float64Array(names.length);
  // Sums of differences from the first row's values: a constant column then sums to exactly 0.
  const shift = new Float64Array(names.length);
  if (rows[0]) rawValues(rows[0], partial, shift);
  for (const r of rows) {
    rawValues(r, partial, raw);
    for (let j = 0; j < raw.length; j++) {
      const v = (raw[j] as number) - (shift[j] as number);
      sum[j] = (sum[j] as number) + v;
      sumSq[j] = (sumSq[j] as number) + v * v;
    }
  }
  const n = rows.length;
  const columns: DesignColumn[] = [];
  const constant: string[] = [];
  names.forEach((name, j) => {
    if (only && !only.includes(name)) return;
    const shifted = (sum[j] as number) / n;
    const sd = Math.sqrt(Math.max(0, (sumSq[j] as number) / n - shifted * shifted));
    const mean = shifted + (shift[j] as number);
    if (sd > 1e-9 * Math.max(1, Math.abs(mean))) columns.push({ name, group: groupOf(name), mean, sd });
    else if (!name.includes(':')) constant.push(name);
  });
  return { ...partial, columns, constant };
}

/** The standardised design matrix (row-major, one row per feature row). */
export function encodeRows(rows: readonly FeatureRow[], design: Design): Float64Array {
  const names = candidateNames(design.levels);
  const index = design.columns.map((c) => names.indexOf(c.name));
  const p = design.columns.length;
  const x = new Float64Array(rows.length * p);
  const raw = new Float64Array(names.length);
  rows.forEach((r, i) => {
    rawValues(r, design, raw);
    design.columns.forEach((c, j) => {
      x[i * p + j] = ((raw[index[j] as number] as number) - c.mean) / c.sd;
    });
  });
  return x;
}
