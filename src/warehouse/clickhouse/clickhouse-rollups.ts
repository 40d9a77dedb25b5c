// The rollup ClickHouse keeps after each load: user days over every event, the scan that dominates at
// scale. One row per user and UTC day with the day's events, its first event and the days since the
// user's previous active day (null on the first), the columns and meaning of the compiler's
// `RunRollups.userDays([])` (src/compiler/rollups/run-rollups.ts), listed under its key with the same
// fingerprint, so a catalog run reads this table. The compiler's SQL runs on current ClickHouse servers too;
// this spelling exists for what it cannot do: build on every shard in place, and run on 18.16.
//
// On a cluster each shard aggregates its own customers' events into a table of its own, in place: events
// are sharded by customer and a user's events name one customer, so a user's days never span two shards
// and no row moves between servers. A Distributed table reads the shards' tables together.
// Servers with window functions number the gaps with lagInFrame; older ones (18.16) sort each user's days
// into an array and take differences of neighbours.

import { LOAD_ID_COLUMN } from '../canonical-ddl.ts';
import { rollupFingerprint } from '../rollup-fingerprint.ts';
import type { ChConnection } from './clickhouse-connection.ts';
import type { ClickHouseEngine } from './clickhouse-engine.ts';
import { inlineValue } from './clickhouse-escape.ts';
import { publishedLoadIds, wholeSecond } from './clickhouse-loads.ts';
import { currentDatabase, localTable, storedTable } from './clickhouse-tables.ts';

/** The key the rollup is listed under (the compiler's ROLLUP_KEYS.userDays([])). */
export const USER_DAYS_KEY = 'user_days []';
const ROLLUPS_TABLE = 'tenure_rollups';

const COLUMNS = `user_key String, customer_id Nullable(String), day Date, events UInt64,
  first_at %TIME%, gap Nullable(Int32)`;

/**
 * Per user and UTC day from `events` (the rows of published loads): user_key, account, day, events,
 * first_at. (Aliases must not repeat a column's name: 18.16 would read `customer_id` in GROUP BY as the alias.)
 */
function dailySql(events: string, loads: readonly number[]): string {
  return `SELECT ifNull(user_id, ifNull(customer_id, '')) AS user_key, min(customer_id) AS account,
      toDate(occurred_at) AS day, count() AS events, min(occurred_at) AS first_at
    FROM ${events} WHERE has(${inlineValue(loads)}, _load_id)
    GROUP BY user_key, day`;
}

/** The user-day rows with their gaps, by the engine's means. */
export function userDaysSql(engine: ClickHouseEngine, events: string, loads: readonly number[]): string {
  const daily = dailySql(events, loads);
  if (engine.capabilities.windowFunctions) {
    return `SELECT user_key, account AS customer_id, day, events, first_at,
        toInt32(day - lagInFrame(toNullable(day)) OVER (PARTITION BY user_key ORDER BY day
          ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)) AS gap
      FROM (${daily})`;
  }
  // Each day's previous day is taken into an array of its own before the ARRAY JOIN: reading days[i - 1]
  // after it would copy a user's whole array onto each of its rows (memory growing with days squared).
  return `SELECT user_key, tupleElement(d, 2) AS customer_id, tupleElement(d, 1) AS day,
      tupleElement(d, 3) AS events, tupleElement(d, 4) AS first_at,
      if(i = 1, NULL, toInt32(tupleElement(d, 1) - p)) AS gap
    FROM (
      SELECT user_key, arraySort(groupArray((day, account, events, first_at))) AS days,
        arrayPopBack(arrayPushFront(arrayMap(x -> tupleElement(x, 1), days), toDate('1970-01-01'))) AS previous
      FROM (${daily}) GROUP BY user_key)
    ARRAY JOIN days AS d, previous AS p, arrayEnumerate(days) AS i`;
}

/**
 * What the rollup was built from, written as the compiler writes it (rollup-fingerprint.ts): so a catalog
 * run on ClickHouse reads this kept table instead of building its own user days.
 */
async function eventsFingerprint(engine: ClickHouseEngine): Promise<{ text: string; loads: number[] }> {
  const loads = await publishedLoadIds(engine);
  const [row] = await engine.query<{ n: number; last: number | null }>(
    `SELECT count() AS n, max(${LOAD_ID_COLUMN}) AS last FROM events`,
  );
  const events = { table: 'events', count: Number(row?.n ?? 0), lastLoad: row?.last ?? null };
  return { text: rollupFingerprint([events]), loads };
}

interface Listed {
  readonly table_name: string;
  readonly fingerprint: string;
}

async function ensureListing(engine: ClickHouseEngine): Promise<void> {
  await engine.run(
    `CREATE TABLE IF NOT EXISTS ${ROLLUPS_TABLE} (key String, table_name String, fingerprint String,
      built_at DateTime('UTC'), build Int64) ENGINE = MergeTree() ORDER BY (key, build)`,
  );
}

/** The latest build listed under `key`, if any. */
async function latest(engine: ClickHouseEngine, key: string): Promise<Listed | undefined> {
  const [row] = await engine.query<{ table_name: string; fingerprint: string }>(
    `SELECT argMax(table_name, build) AS table_name, argMax(fingerprint, build) AS fingerprint, count() AS n
     FROM ${ROLLUPS_TABLE} WHERE key = $1 HAVING n > 0`,
    [key],
  );
  return row;
}

/**
 * Builds the user-days rollup unless the kept one is current: on a cluster, each shard from its own
 * events into its own table, read through a Distributed table; on one server, one table. The new table is
 * listed once complete and the one it replaces dropped after, so a reader sees the old or the new.
 */
export async function buildUserDays(
  engine: ClickHouseEngine,
): Promise<{ table: string; rebuilt: boolean; seconds: number }> {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  await ensureListing(engine);
  const before = await latest(engine, USER_DAYS_KEY);
  const fingerprint = await eventsFingerprint(engine);
  if (before && before.fingerprint === fingerprint.text) {
    return { table: before.table_name, rebuilt: false, seconds: seconds() };
  }
  const build = 1 + Number(/_(\d+)$/.exec(before?.table_name ?? '')?.[1] ?? 0);
  const table = `tenure_user_days_${build}`;
  const time = engine.capabilities.dateTime64 ? "DateTime64(6, 'UTC')" : "DateTime('UTC')";
  const columns = COLUMNS.replace('%TIME%', time);
  const mergeTree = 'ENGINE = MergeTree() ORDER BY (user_key, day)';
  const create = (name: string) => `CREATE TABLE ${name} (${columns}) ${mergeTree}`;
  const onNode = async (connection: ChConnection, sql: string) => engine.runOn(connection, sql);
  if (engine.cluster) {
    const local = localTable(table);
    for (const node of engine.nodes) {
      await onNode(node.connection, `DROP TABLE IF EXISTS ${local}`);
      await onNode(node.connection, create(local));
      // Each shard's own events, aggregated where they lie.
      await onNode(
        node.connection,
        `INSERT INTO ${local} ${userDaysSql(engine, localTable('events'), fingerprint.loads)}`,
      );
    }
    const db = await currentDatabase(engine);
    await engine.run(`DROP TABLE IF EXISTS ${table}`);
    await engine.run(
      `CREATE TABLE ${table} (${columns}) ENGINE = Distributed(${engine.cluster}, ${db}, ${local}, sipHash64(user_key))`,
    );
  } else {
    await engine.run(`DROP TABLE IF EXISTS ${table}`);
    await engine.run(create(table));
    await engine.run(`INSERT INTO ${table} ${userDaysSql(engine, storedTable('events'), fingerprint.loads)}`);
  }
  await engine.run(`INSERT INTO ${ROLLUPS_TABLE} VALUES ($1, $2, $3, $4, $5)`, [
    USER_DAYS_KEY,
    table,
    fingerprint.text,
    wholeSecond(new Date()),
    build,
  ]);
  if (before) await dropBuild(engine, before.table_name);
  return { table, rebuilt: true, seconds: seconds() };
}

async function dropBuild(engine: ClickHouseEngine, table: string): Promise<void> {
  await engine.run(`DROP TABLE IF EXISTS ${table}`);
  if (engine.cluster) await engine.runOnEveryNode(`DROP TABLE IF EXISTS ${localTable(table)}`);
}

/** What a load keeps on ClickHouse, in the shape `storeRollups` reports (load-warehouse.ts). */
export async function storeClickHouseRollups(
  engine: ClickHouseEngine,
): Promise<{ keys: string[]; rebuilt: boolean; seconds: number }> {
  const built = await buildUserDays(engine);
  return { keys: [USER_DAYS_KEY], rebuilt: built.rebuilt, seconds: built.seconds };
}
