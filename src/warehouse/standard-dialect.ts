// The spellings DuckDB and PostgreSQL share (SQL-standard where the standard has one). Each of those two
// dialects spreads these and overrides what it spells otherwise; ClickHouse spells nearly all on its own.
import type { ColumnKind } from '../schema/tables.ts';
import { ALL_CAPABILITIES } from './capabilities.ts';
import type { Dialect } from './engine.ts';

type Shared = Omit<Dialect, 'name' | 'engineLabel' | 'bitCount' | 'jsonText' | 'columnType'>;

export function standardSpellings(columnType: (kind: ColumnKind) => string): Shared {
  const epoch = (ts: string) => `EXTRACT(EPOCH FROM ${ts})`;
  const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
  return {
    upgradeHint: 'this engine has every feature Tenure asks for; report the message as a bug',
    capabilities: ALL_CAPABILITIES,
    quoteIdentifier: quote,
    placeholder: (n) => `$${n}`,
    cast: (expr, kind) => `CAST(${expr} AS ${columnType(kind)})`,
    bitOr: (expr) => `bit_or(${expr})`,
    chr: (code) => `chr(${code})`,
    lag: (expr) => `lag(${expr})`,
    lead: (expr) => `lead(${expr})`,
    bitAnd: (a, b) => `(${a} & ${b})`,
    shiftLeft: (value, bits) => `(${value} << (${bits}))`,
    // Epoch arithmetic, not a cast: DuckDB sends time-zone-aware work on TIMESTAMPTZ (casts to DATE,
    // date_trunc) through ICU, which costs more than a whole pass over the events table. Every period
    // starts at a UTC midnight (compiler/periods.ts), so UTC day numbers place an instant exactly.
    utcDay: (ts) => `(DATE '1970-01-01' + CAST(floor(${epoch(ts)} / 86400) AS INTEGER))`,
    epochSeconds: epoch,
    addInterval: (ts, n, unit) => `(${ts} + INTERVAL '1 ${unit}' * (${n}))`,
    series: (from, to, alias) => `generate_series(${from}, ${to}) AS ${alias}(i)`,
    percentileCont: (fraction, expr) => `percentile_cont(${fraction}) WITHIN GROUP (ORDER BY ${expr})`,
    createTableAs: (name, select, { temporary }) =>
      `CREATE ${temporary ? 'TEMP ' : ''}TABLE ${name} AS ${select}`,
    createTableIfMissing: (name, columns) =>
      `CREATE TABLE IF NOT EXISTS ${name} (${columns.map(([c, kind]) => `${quote(c)} ${columnType(kind)}`).join(', ')})`,
    tableNamesSql: `SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
    columnNamesSql: `SELECT column_name AS name FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
  };
}
