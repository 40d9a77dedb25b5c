// The one way a value becomes ClickHouse SQL text, for servers that cannot bind parameters (18.16 has no
// `{name:Type}` query parameters). Strict: strings, finite numbers that are exact, integers within Int64,
// valid dates and instants, booleans, null and arrays of these. Anything else is refused, never guessed.
// Engines that can bind still bind strings (clickhouse-engine.ts); the rest is inlined through here.
import { TenureError } from '../../errors/tenure-error.ts';

/** A calendar date (no time, no zone), written `YYYY-MM-DD`. */
export interface CalendarDate {
  readonly kind: 'date';
  readonly value: string;
}

export type InlineValue =
  | string
  | number
  | bigint
  | boolean
  | null
  | Date
  | CalendarDate
  | readonly InlineValue[];

export const calendarDate = (value: string): CalendarDate => ({ kind: 'date', value });

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Control characters and the two that end or escape a literal, as ClickHouse reads them back. */
const ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  "'": "\\'",
  '\0': '\\0',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

function refuse(what: string, why: string): never {
  throw new TenureError('internal', `ClickHouse: cannot write ${what} into SQL text: ${why}`, {
    hint: 'only strings, finite numbers, integers within Int64, dates, instants, booleans, null and arrays of these are written',
  });
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A string literal: backslash and quote escaped, every control character as an escape. */
export function stringLiteral(text: string): string {
  if (LONE_SURROGATE.test(text))
    refuse('a string', 'it holds a lone UTF-16 surrogate, which is no character');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is escaped
  const body = text.replace(/[\\'\u0000-\u001f\u007f]/g, (c) => {
    const known = ESCAPES[c];
    if (known) return known;
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
  return `'${body}'`;
}

function numberLiteral(n: number): string {
  if (!Number.isFinite(n)) refuse(String(n), 'only finite numbers are written');
  if (Number.isInteger(n) && !Number.isSafeInteger(n)) {
    refuse(String(n), 'an integer beyond ±2^53 is not exact as a JavaScript number; pass a bigint');
  }
  // Negative zero prints as 0; every other finite number prints back exactly (shortest round-trip form).
  return Object.is(n, -0) ? '0' : String(n);
}

function bigintLiteral(n: bigint): string {
  if (n < INT64_MIN || n > INT64_MAX) refuse(String(n), 'it lies outside Int64');
  return String(n);
}

/** 'YYYY-MM-DD hh:mm:ss[.fff]' in UTC, for toDateTime/toDateTime64. */
function instantLiteral(d: Date, subSeconds: boolean): string {
  const ms = d.getTime();
  if (Number.isNaN(ms)) refuse('an invalid Date', 'it names no instant');
  const iso = d.toISOString();
  if (!/^\d{4}-/.test(iso)) refuse(iso, 'the year lies outside 0000–9999');
  const text = `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
  if (ms % 1000 === 0) return `toDateTime(${stringLiteral(text)}, 'UTC')`;
  if (!subSeconds) {
    refuse(iso, 'it has a fraction of a second and this server has no DateTime64');
  }
  return `toDateTime64(${stringLiteral(`${text}.${iso.slice(20, 23)}`)}, 3, 'UTC')`;
}

function dateLiteral(d: CalendarDate): string {
  const m = /^(\d{4})-(\d\d)-(\d\d)$/.exec(d.value);
  const parsed = new Date(`${d.value}T00:00:00Z`);
  if (!m || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== d.value) {
    refuse(JSON.stringify(d.value), 'a date is YYYY-MM-DD and a real calendar day');
  }
  return `toDate(${stringLiteral(d.value)})`;
}

export interface EscapeOptions {
  /** Whether instants with a fraction of a second can be written (DateTime64). */
  readonly subSeconds: boolean;
}

/** `value` as ClickHouse SQL text that reads back as exactly that value, or a refusal. */
export function inlineValue(value: unknown, opts: EscapeOptions = { subSeconds: false }): string {
  if (value === null) return 'NULL';
  switch (typeof value) {
    case 'string':
      return stringLiteral(value);
    case 'number':
      return numberLiteral(value);
    case 'bigint':
      return bigintLiteral(value);
    case 'boolean':
      // 18.16 has no Bool type: booleans are stored and compared as UInt8.
      return value ? '1' : '0';
    case 'object': {
      if (value instanceof Date) return instantLiteral(value, opts.subSeconds);
      if (Array.isArray(value)) return `[${value.map((v) => inlineValue(v, opts)).join(', ')}]`;
      const tagged = value as Partial<CalendarDate>;
      if (tagged.kind === 'date' && typeof tagged.value === 'string' && Object.keys(value).length === 2) {
        return dateLiteral(tagged as CalendarDate);
      }
      return refuse('an object', 'objects have no SQL literal here');
    }
    default:
      return refuse(`a value of type ${typeof value}`, 'it has no SQL literal');
  }
}
