// How DuckDB spells what differs between engines: the standard spellings, and DuckDB's own for the rest.
import type { ColumnKind } from '../../schema/tables.ts';
import { ALL_CAPABILITIES } from '../capabilities.ts';
import type { Dialect } from '../engine.ts';
import { standardSpellings } from '../standard-dialect.ts';

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

const columnType = (kind: ColumnKind) => COLUMN_TYPES[kind];

export const duckdbDialect: Dialect = {
  ...standardSpellings(columnType),
  name: 'duckdb',
  engineLabel: 'DuckDB',
  // A DuckDB file is held by the one process that opened it.
  capabilities: { ...ALL_CAPABILITIES, singleProcess: true },
  columnType,
  jsonText: (json, key) => `(${json} ->> CAST(${key} AS VARCHAR))`,
  bitCount: (expr) => `bit_count(${expr})`,
};
