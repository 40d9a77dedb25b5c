// How PostgreSQL spells what differs between engines: the standard spellings, and PostgreSQL's own for
// the rest.
import type { ColumnKind } from '../../schema/tables.ts';
import type { Dialect } from '../engine.ts';
import { standardSpellings } from '../standard-dialect.ts';

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

const columnType = (kind: ColumnKind) => COLUMN_TYPES[kind];

export const postgresDialect: Dialect = {
  ...standardSpellings(columnType),
  name: 'postgres',
  engineLabel: 'PostgreSQL',
  columnType,
  jsonText: (json, key) => `(${json} ->> CAST(${key} AS TEXT))`,
  bitCount: (expr) => `bit_count(CAST(${expr} AS bit(64)))`,
};
