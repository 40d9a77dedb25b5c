// How PostgreSQL spells what differs between engines.
import type { ColumnKind } from '../../schema/tables.ts';
import type { Dialect } from '../engine.ts';

const COLUMN_TYPES: Record<ColumnKind, string> = {
  id: 'text',
  text: 'text',
  timestamp: 'timestamptz',
  date: 'date',
  money: 'numeric(18,4)',
  integer: 'bigint',
  boolean: 'boolean',
  // `json`, not `jsonb`: jsonb rewrites the text (spaces, key order, repeated keys), so a row delivered
  // again would hash differently from the stored one (a false conflict) and differ from DuckDB's copy.
  // Queries that need jsonb operators cast (`col::jsonb`).
  json: 'json',
};

export const postgresDialect: Dialect = {
  name: 'postgres',
  quoteIdentifier: (name) => `"${name.replaceAll('"', '""')}"`,
  placeholder: (n) => `$${n}`,
  columnType: (kind) => COLUMN_TYPES[kind],
  supportsWindowFunctions: true,
  jsonText: (json, key) => `(${json} ->> CAST(${key} AS TEXT))`,
  bitCount: (expr) => `bit_count(CAST(${expr} AS bit(64)))`,
};
