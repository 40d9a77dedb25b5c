// What a caller may ask of the generator, its defaults, and the checks that turn a bad request into an
// error the user can act on.
import { badInput } from '../errors/tenure-error.ts';
import { parseDate } from './time.ts';

export const SYNTH_FORMATS = ['csv', 'parquet'] as const;
export type SynthFormat = (typeof SYNTH_FORMATS)[number];

export interface GenerateOptions {
  /** Number of accounts that sign up over the window (default 2000). */
  customers?: number;
  /** Length of the window in months (default 24). */
  months?: number;
  /** Seed of every random draw (default 1); the same options give the same bytes. */
  seed?: number;
  /** Folder to write NAME.csv / NAME.parquet and truth.json into. */
  out: string;
  format?: SynthFormat;
  /** Exclusive end of the window, YYYY-MM-DD (default 2026-01-01); the data spans [end − months, end). */
  end?: string;
  /** Called now and then with the number of customers done. */
  onProgress?: (done: number, total: number) => void;
}

export interface ResolvedOptions {
  customers: number;
  months: number;
  seed: number;
  out: string;
  format: SynthFormat;
  end: string;
  endDay: number;
}

export const DEFAULTS = { customers: 2000, months: 24, seed: 1, format: 'csv', end: '2026-01-01' } as const;

const MAX_CUSTOMERS = 20_000_000;
const MAX_MONTHS = 240;

function wholeNumber(value: unknown, field: string, min: number, max: number): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    throw badInput(
      `${field} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`,
      { field },
      `pass e.g. --${field} ${min === 0 ? 1 : min}`,
    );
  }
  return n;
}

export function resolveOptions(options: GenerateOptions): ResolvedOptions {
  const customers = wholeNumber(options.customers ?? DEFAULTS.customers, 'customers', 1, MAX_CUSTOMERS);
  const months = wholeNumber(options.months ?? DEFAULTS.months, 'months', 1, MAX_MONTHS);
  const seed = wholeNumber(options.seed ?? DEFAULTS.seed, 'seed', 0, 2 ** 32 - 1);
  const format = options.format ?? DEFAULTS.format;
  if (!(SYNTH_FORMATS as readonly string[]).includes(format)) {
    throw badInput(`format must be csv or parquet, got ${JSON.stringify(format)}`, { field: 'format' }, '');
  }
  const end = options.end ?? DEFAULTS.end;
  const endDay = parseDate(end);
  if (endDay === undefined || end < '1971-01-01' || end > '2100-01-01') {
    throw badInput(
      `end must be a date YYYY-MM-DD between 1971 and 2100, got ${JSON.stringify(end)}`,
      { field: 'end' },
      'pass e.g. --end 2026-01-01',
    );
  }
  if (typeof options.out !== 'string' || options.out.trim() === '') {
    throw badInput('an output folder is required', { field: 'out' }, 'pass --out DIR');
  }
  return { customers, months, seed, out: options.out, format, end, endDay };
}
