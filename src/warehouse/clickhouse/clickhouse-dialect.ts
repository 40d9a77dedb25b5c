// How ClickHouse spells what differs between engines. The spelling depends on the server (capabilities
// read at connect time), so each engine makes its own dialect.
import type { ColumnKind } from '../../schema/tables.ts';
import type { Dialect } from '../engine.ts';
import { type Capabilities, requireCapability } from './clickhouse-capabilities.ts';

/** A canonical column's storage type; `Nullable(…)` is added by the DDL for optional columns. */
export function columnTypeFor(kind: ColumnKind, caps: Capabilities): string {
  switch (kind) {
    case 'id':
    case 'text':
    case 'json':
      return 'String';
    case 'timestamp':
      // Without DateTime64 an instant is kept to the second; a load with finer times is refused.
      return caps.dateTime64 ? "DateTime64(6, 'UTC')" : "DateTime('UTC')";
    case 'date':
      return 'Date';
    case 'money':
      return 'Decimal(18, 4)';
    case 'integer':
      return 'Int64';
    case 'boolean':
      // 18.16 has no Bool: booleans are UInt8 there (0 or 1 in results).
      return caps.boolType ? 'Bool' : 'UInt8';
  }
}

export interface ClickHouseDialect extends Dialect {
  /** The server's own feature set, by version (clickhouse-capabilities.ts). */
  readonly serverCapabilities: Capabilities;
}

export function clickhouseDialect(engine: {
  readonly name: string;
  readonly version: string;
  readonly capabilities: Capabilities;
  /** chDB on a folder of this process's, or a server others may load too. */
  readonly embedded: boolean;
}): ClickHouseDialect {
  const caps = engine.capabilities;
  const columnType = (kind: ColumnKind) => columnTypeFor(kind, caps);
  const quote = (name: string) => `\`${name.replaceAll('\\', '\\\\').replaceAll('`', '\\`')}\``;
  const epochSeconds = (ts: string) =>
    caps.dateTime64
      ? `(toUnixTimestamp64Micro(toDateTime64(${ts}, 6, 'UTC')) / 1000000)`
      : `toUnixTimestamp(toDateTime(${ts}, 'UTC'))`;
  return {
    name: 'clickhouse',
    engineLabel: `${engine.name} ${engine.version}`,
    upgradeHint: 'use a ClickHouse server of version 21.9 or later (or chDB) for this',
    serverCapabilities: caps,
    capabilities: {
      windowFunctions: caps.windowFunctions,
      commonTableExpressions: caps.commonTableExpressions,
      multipleJoins: caps.multipleJoins,
      transactions: false,
      singleProcess: engine.embedded,
    },
    quoteIdentifier: quote,
    // Callers write $n as for every engine; the engine binds or inlines each (clickhouse-placeholders.ts).
    placeholder: (n) => `$${n}`,
    columnType,
    // Every cast is to a Nullable type: ClickHouse refuses NULL in a plain one, where SQL passes it through.
    cast: (expr, kind) => `CAST(${expr} AS Nullable(${columnType(kind)}))`,
    jsonText: (json, key) => {
      requireCapability(engine, 'jsonFunctions', 'reading a key of a JSON column');
      // As DuckDB's ->>: a string's text, any other value's JSON text, NULL for a JSON null or no key.
      const type = `JSONType(${json}, ${key})`;
      return `multiIf(${type} = 'String', JSONExtractString(${json}, ${key}), JSONHas(${json}, ${key}) AND ${type} != 'Null', JSONExtractRaw(${json}, ${key}), NULL)`;
    },
    bitCount: (expr) => `bitCount(${expr})`,
    bitOr: (expr) => `groupBitOr(${expr})`,
    chr: (code) => `char(${code})`,
    // ClickHouse's lag and lead give the type's default value (0, 1970-01-01) where there is no row; SQL's
    // give NULL, which a Nullable argument brings back.
    lag: (expr) => `lag(toNullable(${expr}))`,
    lead: (expr) => `lead(toNullable(${expr}))`,
    bitAnd: (a, b) => `bitAnd(${a}, ${b})`,
    shiftLeft: (value, bits) => `bitShiftLeft(${value}, ${bits})`,
    utcDay: (ts) => `toDate(${ts}, 'UTC')`,
    epochSeconds,
    addInterval: (ts, n, unit) => `(${ts} + ${unit === 'day' ? 'toIntervalDay' : 'toIntervalMonth'}(${n}))`,
    // numbers(n) counts from 0; its argument must be a constant, so a NULL bound (no rows) counts none.
    series: (from, to, alias) =>
      `(SELECT CAST(number AS Int64) + (${from}) AS i FROM numbers(toUInt64(greatest(0, ifNull(${to}, 0) - (${from}) + 1)))) AS ${alias}`,
    // quantileExactInclusive interpolates as percentile_cont does; over no rows it gives NaN, SQL NULL.
    percentileCont: (fraction, expr) =>
      `if(count(${expr}) = 0, NULL, quantileExactInclusive(${fraction})(${expr}))`,
    createTableAs: (name, select, { temporary }) =>
      temporary
        ? `CREATE TEMPORARY TABLE ${name} ENGINE = Memory AS ${select}`
        : `CREATE TABLE ${name} ENGINE = MergeTree ORDER BY tuple() AS ${select}`,
    createTableIfMissing: (name, columns) =>
      `CREATE TABLE IF NOT EXISTS ${name} (${columns.map(([c, kind]) => `${quote(c)} Nullable(${columnType(kind)})`).join(', ')}) ENGINE = MergeTree ORDER BY tuple()`,
    tableNamesSql: 'SELECT name FROM system.tables WHERE database = currentDatabase()',
    columnNamesSql:
      'SELECT name FROM system.columns WHERE database = currentDatabase() AND table = $1 ORDER BY position',
  };
}
