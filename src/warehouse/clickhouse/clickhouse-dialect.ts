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
  readonly capabilities: Capabilities;
}

export function clickhouseDialect(engine: {
  readonly name: string;
  readonly version: string;
  readonly capabilities: Capabilities;
}): ClickHouseDialect {
  const caps = engine.capabilities;
  return {
    name: 'clickhouse',
    capabilities: caps,
    quoteIdentifier: (name) => `\`${name.replaceAll('\\', '\\\\').replaceAll('`', '\\`')}\``,
    // Callers write $n as for every engine; the engine binds or inlines each (clickhouse-placeholders.ts).
    placeholder: (n) => `$${n}`,
    columnType: (kind) => columnTypeFor(kind, caps),
    supportsWindowFunctions: caps.windowFunctions,
    jsonText: (json, key) => {
      requireCapability(engine, 'jsonFunctions', 'reading a key of a JSON column');
      // As DuckDB's ->>: a string's text, any other value's JSON text, NULL for a JSON null or no key.
      const type = `JSONType(${json}, ${key})`;
      return `multiIf(${type} = 'String', JSONExtractString(${json}, ${key}), JSONHas(${json}, ${key}) AND ${type} != 'Null', JSONExtractRaw(${json}, ${key}), NULL)`;
    },
    bitCount: (expr) => `bitCount(${expr})`,
  };
}
