// How DuckDB spells what differs between engines.
import type { ColumnKind } from '../../schema/tables.ts';
import type { Dialect } from '../engine.ts';

const COLUMN_TYPES: Record<ColumnKind, string> = {
  id: 'VARCHAR',
  text: 'VARCHAR',
  timestamp: 'TIMESTAMPTZ',
  date: 'DATE',
  money: 'DECIMAL(18,4)',
  integer: 'BIGINT',
  boolean: 'BOOLEAN',
  json: 'JSON',
};

export const duckdbDialect: Dialect = {
  name: 'duckdb',
  quoteIdentifier: (name) => `"${name.replaceAll('"', '""')}"`,
  placeholder: (n) => `$${n}`,
  columnType: (kind) => COLUMN_TYPES[kind],
  supportsWindowFunctions: true,
  jsonText: (json, key) => `(${json} ->> CAST(${key} AS VARCHAR))`,
  bitCount: (expr) => `bit_count(${expr})`,
};
