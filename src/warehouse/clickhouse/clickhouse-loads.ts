// All-or-nothing loads without transactions. ClickHouse cannot commit rows of several tables at once, so a
// load is made visible in one step instead:
//   1. begin: take a load id never given before (beyond every id in tenure_load_starts and tenure_loads)
//      and record it in tenure_load_starts; a second load that took the same id at the same moment is
//      seen there, and both stop before writing anything;
//   2. write: every row of the load is inserted into the stored tables tagged with that id (in batches; on
//      a cluster each insert returns once every shard holds its rows) — invisible, as every query reads the
//      views, which show the rows of published loads only (clickhouse-tables.ts);
//   3. publish: one single-row INSERT into tenure_loads, which ClickHouse writes atomically.
// A load killed before step 3 leaves rows no query sees; the next load removes them (an ALTER … DELETE
// mutation per table, waited for) and notes their id in tenure_loads_abandoned so that is done once.
import { TenureError } from '../../errors/tenure-error.ts';
import type { ClickHouseEngine } from './clickhouse-engine.ts';
import { inlineValue } from './clickhouse-escape.ts';
import { tablesHoldingLoads } from './clickhouse-tables.ts';

const ids = (rows: readonly { id: unknown }[]) => rows.map((r) => Number(r.id));

/** The ids of published loads, in order. */
export async function publishedLoadIds(engine: ClickHouseEngine): Promise<number[]> {
  return ids(await engine.query<{ id: number }>('SELECT load_id AS id FROM tenure_loads ORDER BY load_id'));
}

/** Takes the next load id and records that it is taken; refuses when another load took it too. */
export async function beginLoad(engine: ClickHouseEngine, started: Date, source: string): Promise<number> {
  const [row] = await engine.query<{ id: number }>(
    `SELECT toInt64(greatest(
       (SELECT ifNull(max(load_id), 0) FROM tenure_load_starts),
       (SELECT ifNull(max(load_id), 0) FROM tenure_loads)) + 1) AS id`,
  );
  const id = Number(row?.id ?? 1);
  await engine.run('INSERT INTO tenure_load_starts VALUES ($1, $2, $3)', [id, wholeSecond(started), source]);
  const [taken] = await engine.query<{ n: number }>(
    'SELECT count() AS n FROM tenure_load_starts WHERE load_id = $1',
    [id],
  );
  if (Number(taken?.n) !== 1) {
    throw new TenureError(
      'engine_failure',
      `another load into ${engine.location} began at the same moment as this one`,
      {
        hint: 'run the load again once the other one has finished: nothing of this one was written',
      },
    );
  }
  return id;
}

/**
 * Removes the rows of loads that began but were never published (killed, or stopped by an error) and
 * waits until ClickHouse has removed them. Returns their ids.
 */
export async function removeAbandonedLoads(engine: ClickHouseEngine, except: number): Promise<number[]> {
  const abandoned = ids(
    await engine.query<{ id: number }>(
      `SELECT load_id AS id FROM tenure_load_starts
       WHERE load_id != $1 AND load_id NOT IN (SELECT load_id FROM tenure_loads)
         AND load_id NOT IN (SELECT load_id FROM tenure_loads_abandoned)
       ORDER BY load_id`,
      [except],
    ),
  );
  if (abandoned.length === 0) return [];
  for (const t of tablesHoldingLoads(engine)) {
    const sql = `ALTER TABLE \`${t.table}\` DELETE WHERE has(${inlineValue(abandoned)}, \`${t.loadColumn}\`)`;
    if (t.everyNode) await engine.runOnEveryNode(sql);
    else await engine.run(sql);
  }
  await waitForMutations(engine);
  const now = wholeSecond(new Date());
  for (const id of abandoned)
    await engine.run('INSERT INTO tenure_loads_abandoned VALUES ($1, $2)', [id, now]);
  return abandoned;
}

/** Waits until no mutation of this database is pending on any node. */
async function waitForMutations(engine: ClickHouseEngine): Promise<void> {
  const connections = new Set([...engine.nodes.map((n) => n.connection)]);
  const targets = [undefined, ...connections];
  for (const connection of targets) {
    for (;;) {
      const sql =
        'SELECT count() AS n FROM system.mutations WHERE database = currentDatabase() AND is_done = 0';
      const [row] = connection
        ? await engine.queryOn<{ n: number }>(connection, sql)
        : await engine.query<{ n: number }>(sql);
      if (Number(row?.n) === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Publishes the load: from this single-row insert on, every query sees all of its rows. */
export async function publishLoad(
  engine: ClickHouseEngine,
  id: number,
  started: Date,
  source: string,
): Promise<void> {
  await engine.run('INSERT INTO tenure_loads VALUES ($1, $2, $3, $4)', [
    id,
    wholeSecond(started),
    wholeSecond(new Date()),
    source,
  ]);
}

/** DateTime holds whole seconds: bookkeeping times are cut to the second. */
export function wholeSecond(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 1000) * 1000);
}
