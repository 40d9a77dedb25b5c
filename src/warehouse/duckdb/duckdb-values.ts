// Converts DuckDB result values into the engine-neutral SqlValue shape.
import {
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBListValue,
  type DuckDBResultReader,
  DuckDBStructValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  type DuckDBValue,
} from '@duckdb/node-api';
import type { Row, SqlValue } from '../engine.ts';

const MICROS_PER_MS = 1000n;

// JavaScript dates reach ±8.64e15 ms; DuckDB's infinite timestamps lie beyond.
const MAX_MS = 8_640_000_000_000_000n;

function isoFromMicros(micros: bigint): string {
  const ms = micros / MICROS_PER_MS;
  if (ms > MAX_MS) return 'infinity';
  if (ms < -MAX_MS) return '-infinity';
  return new Date(Number(ms)).toISOString();
}

export function toSqlValue(v: DuckDBValue): SqlValue {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'bigint') {
    return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER)
      ? Number(v)
      : String(v);
  }
  if (v instanceof DuckDBTimestampTZValue || v instanceof DuckDBTimestampValue)
    return isoFromMicros(v.micros);
  if (v instanceof DuckDBDateValue) return v.toString();
  if (v instanceof DuckDBDecimalValue) return v.toDouble();
  if (v instanceof DuckDBListValue) return v.items.map(toSqlValue);
  if (v instanceof DuckDBStructValue) {
    const out: Record<string, SqlValue> = {};
    for (const [k, item] of Object.entries(v.entries)) out[k] = toSqlValue(item);
    return out;
  }
  return String(v);
}

export function readerRows(reader: DuckDBResultReader): Row[] {
  const names = reader.columnNames();
  return reader.getRows().map((values) => {
    const row: Row = {};
    values.forEach((value, i) => {
      row[names[i] ?? `column${i}`] = toSqlValue(value);
    });
    return row;
  });
}
