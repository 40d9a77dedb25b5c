// The canonical tables on ClickHouse, made from the schema specs:
//   <table>_stored   every row ever written, tagged with its load (`_load_id`). On one server a MergeTree
//                    table; on a cluster a Distributed table over `<table>_local`, a MergeTree table on
//                    every shard, sharded by a hash of customer_id so that each customer's rows (and the
//                    work on them) stay on one shard.
//   <table>          a view of the rows of published loads only: what every query reads. A load is
//                    published by one single-row INSERT into tenure_loads (clickhouse-loads.ts).
// Sorting keys serve the rollups: customer first, then time, then the rest of the row's key.
// Bookkeeping (tenure_loads, tenure_load_starts, …) lives on the server the URL names.
import {
  type ColumnKind,
  type ColumnSpec,
  TABLE_NAMES,
  type TableName,
  tableSpec,
} from '../../schema/tables.ts';
import { LOAD_ID_COLUMN, SYSTEM_TABLES } from '../canonical-ddl.ts';
import { columnTypeFor } from './clickhouse-dialect.ts';
import type { ClickHouseEngine } from './clickhouse-engine.ts';

/** The table every row of a load goes to; its view of published rows keeps the plain name. */
export const storedTable = (table: string) => `${table}_stored`;
/** A shard's own table on a cluster. */
export const localTable = (table: string) => `${table}_local`;

/** Bookkeeping tables whose rows belong to a load and are seen only once it is published. */
export const LOAD_TAGGED_SYSTEM_TABLES = ['tenure_load_files', 'tenure_quarantine'] as const;

const q = (name: string) => `\`${name}\``;

function columnDdl(c: ColumnSpec, engine: ClickHouseEngine): string {
  const type = columnTypeFor(c.kind, engine.capabilities);
  return `${q(c.name)} ${c.required ? type : `Nullable(${type})`}`;
}

/** A sorting-key term: nullable columns cannot be in a key on older servers, so they are wrapped. */
function keyTerm(c: ColumnSpec): string {
  if (c.required) return q(c.name);
  const empty = c.kind === 'timestamp' ? 'toDateTime(0)' : c.kind === 'date' ? 'toDate(0)' : "''";
  return c.kind === 'id' || c.kind === 'text' || c.kind === 'timestamp' || c.kind === 'date'
    ? `ifNull(${q(c.name)}, ${empty})`
    : `ifNull(toString(${q(c.name)}), '')`;
}

/** customer_id, then the table's first instant or date, then the rest of its key. */
export function sortingKey(table: TableName): string[] {
  const spec = tableSpec(table);
  const byName = new Map(spec.columns.map((c) => [c.name, c]));
  const chosen: ColumnSpec[] = [];
  const add = (c: ColumnSpec | undefined) => {
    if (c && !chosen.includes(c)) chosen.push(c);
  };
  add(byName.get('customer_id'));
  add(spec.columns.find((c) => c.kind === 'timestamp' || c.kind === 'date'));
  for (const k of spec.key) add(byName.get(k));
  return chosen.map(keyTerm);
}

/** What decides a row's shard: its customer, else its first key column. */
export function shardingKey(table: TableName): string {
  const spec = tableSpec(table);
  const column =
    spec.columns.find((c) => c.name === 'customer_id') ?? spec.columns.find((c) => c.name === spec.key[0]);
  if (!column) return 'rand()';
  return `sipHash64(${column.required ? q(column.name) : `ifNull(${q(column.name)}, '')`})`;
}

/** Column definitions of a canonical table with its load id. */
function canonicalColumnsDdl(table: TableName, engine: ClickHouseEngine): string {
  const cols = tableSpec(table).columns.map((c) => columnDdl(c, engine));
  cols.push(`${q(LOAD_ID_COLUMN)} Int64`);
  return cols.join(', ');
}

const SYSTEM_TYPES: Partial<Record<ColumnKind, string>> = {
  integer: 'Nullable(Int64)',
  text: 'Nullable(String)',
  timestamp: "Nullable(DateTime('UTC'))",
};

/** Column definitions of a bookkeeping table: its load id is never null. */
function systemColumnsDdl(table: string): string {
  return (SYSTEM_TABLES[table] ?? [])
    .map(([c, t]) => `${q(c)} ${c === 'load_id' ? 'Int64' : SYSTEM_TYPES[t]}`)
    .join(', ');
}

/** The view of published rows: a row is seen once its load is in tenure_loads. */
function publishedView(table: string, loadColumn: string): string {
  return `CREATE VIEW IF NOT EXISTS ${q(table)} AS SELECT * FROM ${q(storedTable(table))}
    WHERE ${q(loadColumn)} GLOBAL IN (SELECT load_id FROM tenure_loads)`;
}

/**
 * Creates whatever is missing: on a cluster the local tables on every shard and the Distributed tables on
 * the server the URL names; on one server the stored tables; then the views and the bookkeeping.
 */
export async function ensureClickHouseTables(engine: ClickHouseEngine): Promise<void> {
  const db = await currentDatabase(engine);
  await engine.run(
    "CREATE TABLE IF NOT EXISTS tenure_loads (load_id Int64, started_at DateTime('UTC'), finished_at Nullable(DateTime('UTC')), source Nullable(String)) ENGINE = MergeTree() ORDER BY load_id",
  );
  // Every load id ever taken, published or not, so an abandoned load's id is never given again.
  await engine.run(
    "CREATE TABLE IF NOT EXISTS tenure_load_starts (load_id Int64, started_at DateTime('UTC'), source String) ENGINE = MergeTree() ORDER BY load_id",
  );
  // Abandoned loads whose rows were removed, so the removal is done once.
  await engine.run(
    "CREATE TABLE IF NOT EXISTS tenure_loads_abandoned (load_id Int64, cleaned_at DateTime('UTC')) ENGINE = MergeTree() ORDER BY load_id",
  );
  for (const table of LOAD_TAGGED_SYSTEM_TABLES) {
    await engine.run(
      `CREATE TABLE IF NOT EXISTS ${q(storedTable(table))} (${systemColumnsDdl(table)}) ENGINE = MergeTree() ORDER BY load_id`,
    );
    await engine.run(publishedView(table, 'load_id'));
  }
  for (const table of TABLE_NAMES) {
    const columns = canonicalColumnsDdl(table, engine);
    const mergeTree = `ENGINE = MergeTree() ORDER BY (${sortingKey(table).join(', ')})`;
    if (engine.cluster) {
      await engine.runOnEveryNode(
        `CREATE TABLE IF NOT EXISTS ${q(localTable(table))} (${columns}) ${mergeTree}`,
      );
      await engine.run(
        `CREATE TABLE IF NOT EXISTS ${q(storedTable(table))} (${columns}) ENGINE = Distributed(${engine.cluster}, ${db}, ${localTable(table)}, ${shardingKey(table)})`,
      );
    } else {
      await engine.run(`CREATE TABLE IF NOT EXISTS ${q(storedTable(table))} (${columns}) ${mergeTree}`);
    }
    await engine.run(publishedView(table, LOAD_ID_COLUMN));
  }
}

/** The tables holding rows of loads, as the server the URL names writes them: to remove a load's rows. */
export function tablesHoldingLoads(
  engine: ClickHouseEngine,
): { table: string; loadColumn: string; everyNode: boolean }[] {
  const out = LOAD_TAGGED_SYSTEM_TABLES.map((t) => ({
    table: storedTable(t),
    loadColumn: 'load_id',
    everyNode: false,
  }));
  for (const t of TABLE_NAMES) {
    out.push(
      engine.cluster
        ? { table: localTable(t), loadColumn: LOAD_ID_COLUMN, everyNode: true }
        : { table: storedTable(t), loadColumn: LOAD_ID_COLUMN, everyNode: false },
    );
  }
  return out;
}

export async function currentDatabase(engine: ClickHouseEngine): Promise<string> {
  const [row] = await engine.query<{ db: string }>('SELECT currentDatabase() AS db');
  return row?.db ?? 'default';
}
