// Converts ClickHouse's JSON results into the engine-neutral SqlValue shape, the same DuckDB gives: 64-bit
// integers and decimals → number (beyond 2^53 an integer stays text, as DuckDB's converter does),
// DateTime/DateTime64 → ISO strings in UTC with milliseconds, Date → 'YYYY-MM-DD', Bool → boolean.
// A result's `meta` gives each column's type, so the value is read by its type, not guessed from its shape.
import type { Row, SqlValue } from '../engine.ts';

export interface ColumnMeta {
  readonly name: string;
  readonly type: string;
}

/** `Nullable(LowCardinality(String))` → `String`. */
export function baseType(type: string): string {
  const m = /^(?:Nullable|LowCardinality)\((.*)\)$/.exec(type);
  return m?.[1] ? baseType(m[1]) : type;
}

function integerValue(v: unknown): SqlValue {
  const n = typeof v === 'number' ? v : Number(v);
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  return Number.isSafeInteger(n) ? n : String(v);
}

function decimalValue(v: unknown): SqlValue {
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

/** 'YYYY-MM-DD hh:mm:ss[.ffffff]' (the column's zone is UTC: Tenure writes only DateTime('UTC')) → ISO. */
export function isoInstant(text: string): string {
  const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(\.\d+)?$/.exec(text);
  if (!m) return text;
  const fraction = (m[3] ?? '.000').slice(0, 4).padEnd(4, '0');
  const date = new Date(`${m[1]}T${m[2]}${fraction}Z`);
  return Number.isNaN(date.getTime()) ? text : date.toISOString();
}

/** The reader for one ClickHouse type, after Nullable and LowCardinality are taken off. */
function readerFor(type: string): (v: unknown) => SqlValue {
  if (/^U?Int(64|128|256)$/.test(type)) return integerValue;
  if (/^Decimal/.test(type)) return decimalValue;
  if (/^DateTime/.test(type)) return (v) => isoInstant(String(v));
  if (type === 'Bool') return (v) => v === true || v === 1 || v === 'true';
  const array = /^Array\((.*)\)$/.exec(type);
  if (array?.[1]) {
    const item = readerFor(baseType(array[1]));
    return (v) => (Array.isArray(v) ? v.map((x) => (x === null ? null : item(x))) : null);
  }
  return plainValue;
}

function plainValue(v: unknown): SqlValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map(plainValue);
  if (typeof v === 'object') {
    const out: Record<string, SqlValue> = {};
    for (const [k, item] of Object.entries(v)) out[k] = plainValue(item);
    return out;
  }
  return String(v);
}

/** Rows of a `FORMAT JSON` result, each value read by its column's type. */
export function plainRows(meta: readonly ColumnMeta[], data: readonly Record<string, unknown>[]): Row[] {
  const names = columnNames(meta.map((m) => m.name));
  const readers = meta.map((m, i) => [m.name, names[i] as string, readerFor(baseType(m.type))] as const);
  return data.map((r) => {
    const row: Row = {};
    for (const [name, as, read] of readers) {
      const v = r[name];
      row[as] = v === null || v === undefined ? null : read(v);
    }
    return row;
  });
}

/**
 * The names SQL gives a result's columns: ClickHouse names an unaliased `m.period_start` by the whole
 * expression, where SQL names it `period_start`. Tenure's own names never hold a dot, so a qualified name
 * loses its qualifier unless another column already has that name.
 */
function columnNames(names: readonly string[]): string[] {
  const plain = names.map((n) => /^[A-Za-z_][A-Za-z0-9_]*\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(n)?.[1] ?? n);
  return plain.map((p, i) =>
    plain.indexOf(p) === i && !names.some((n, j) => j !== i && n === p) ? p : (names[i] as string),
  );
}
