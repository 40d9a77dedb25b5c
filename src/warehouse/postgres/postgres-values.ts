// Converts PostgreSQL's text results into the engine-neutral SqlValue shape, the same DuckDB gives:
// bigint and numeric → number, timestamps → ISO strings, dates → 'YYYY-MM-DD', json → its text.
import pg from 'pg';
import type { Row, SqlValue } from '../engine.ts';

const OID = {
  int8: 20,
  numeric: 1700,
  date: 1082,
  timestamp: 1114,
  timestamptz: 1184,
  json: 114,
  jsonb: 3802,
} as const;

function integerValue(text: string): number | string {
  const n = Number(text);
  // Beyond 2^53 a number would silently change; DuckDB's converter keeps such values as text too.
  return Number.isSafeInteger(n) ? n : text;
}

function numericValue(text: string): number | null {
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

/** '2024-01-05 10:00:00.123456+00' (or '+05:30', or no offset for `timestamp`) → ISO 8601 in UTC. */
export function isoTimestamp(text: string): string {
  if (text === 'infinity' || text === '-infinity') return text;
  const m = /^(\d{4,}-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?)([+-]\d\d(?::?\d\d){0,2})?$/.exec(text);
  if (!m) return text;
  const offset = m[3] === undefined ? 'Z' : m[3].length === 3 ? `${m[3]}:00` : m[3].slice(0, 6);
  const date = new Date(`${m[1]}T${m[2]}${offset}`);
  return Number.isNaN(date.getTime()) ? text : date.toISOString();
}

/** Type parsers for a pool: applied to every result column by its type. */
export const postgresTypes = {
  getTypeParser(oid: number, format?: string): (text: string) => unknown {
    switch (oid) {
      case OID.int8:
        return integerValue;
      case OID.numeric:
        return numericValue;
      case OID.date:
      case OID.json:
      case OID.jsonb:
        return (text) => text;
      case OID.timestamp:
      case OID.timestamptz:
        return isoTimestamp;
      default:
        return format === 'binary'
          ? pg.types.getTypeParser(oid, 'binary')
          : pg.types.getTypeParser(oid, 'text');
    }
  },
};

function toSqlValue(v: unknown): SqlValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : String(v);
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(toSqlValue);
  if (Buffer.isBuffer(v)) return v.toString('base64');
  if (typeof v === 'object') {
    const out: Record<string, SqlValue> = {};
    for (const [k, item] of Object.entries(v)) out[k] = toSqlValue(item);
    return out;
  }
  return String(v);
}

export function plainRows(rows: readonly Record<string, unknown>[]): Row[] {
  return rows.map((r) => {
    const row: Row = {};
    for (const [k, v] of Object.entries(r)) row[k] = toSqlValue(v);
    return row;
  });
}
