// Rollups the warehouse keeps between runs. After each load, ingestion builds the ones the project's
// catalog reads (activity over its event names, user days for its active events, sessions for its gaps and
// key actions, first uses of its key action, the events of its funnel steps) as lasting tables, and lists
// them in tenure_rollups with the fingerprint of the events table they were built from. A run uses a kept
// rollup while the events table still has that fingerprint, and builds anything else for itself
// (run-rollups.ts). Every rollup reads the events table alone.

import { LOAD_ID_COLUMN } from '../../warehouse/canonical-ddl.ts';
import type { Engine } from '../../warehouse/engine.ts';
import { ROLLUP_KEYS, RunRollups, type SessionParams } from './run-rollups.ts';

export const STORED_ROLLUPS_TABLE = 'tenure_rollups';
const PREFIX = 'tenure_kept_rollup';
/** The rollups' shape: raised whenever a rollup's columns or meaning change, so older kept ones are not read. */
const FORMAT = 2;

/** A rollup the warehouse keeps; `activityEvents` for activity: the names it holds ([]: every name). */
export interface StoredRollup {
  readonly key: string;
  readonly table: string;
  readonly activityEvents?: readonly string[];
}

/** What a catalog's runs ask of the shared rollups (compute.ts `rollupAsksFor`). */
export interface RollupAsks {
  /** The event names activity must hold; 'all' for every name; none when no KPI reads activity. */
  readonly activity: readonly string[] | 'all';
  readonly userDays: readonly (readonly string[])[];
  readonly sessions: readonly SessionParams[];
  /** Event names whose first two uses per user are read. */
  readonly firstUses: readonly string[];
  /** Lists of event names whose every event is read with its time. */
  readonly namedEvents: readonly (readonly string[])[];
}

async function hasTable(engine: Engine, name: string): Promise<boolean> {
  const rows = await engine.query(
    `SELECT 1 AS one FROM information_schema.tables WHERE table_name = $1 AND table_schema = current_schema()`,
    [name],
  );
  return rows.length > 0;
}

/**
 * What identifies the events a rollup was built from: their count and the last load that added any (and
 * the rollups' format). A load changes it; so does a row written or removed by other means.
 */
async function eventsFingerprint(engine: Engine): Promise<string | undefined> {
  if (!(await hasTable(engine, 'events'))) return undefined;
  const [row] = await engine.query<{ n: number; last: number | null }>(
    `SELECT count(*) AS n, max(${LOAD_ID_COLUMN}) AS last FROM events`,
  );
  return `v${FORMAT}:${row?.n ?? 0}/${row?.last ?? ''}`;
}

/** The kept rollups still current for the events table; none when the warehouse keeps none. */
export async function storedRollups(engine: Engine): Promise<readonly StoredRollup[]> {
  if (!(await hasTable(engine, STORED_ROLLUPS_TABLE))) return [];
  const fingerprint = await eventsFingerprint(engine);
  const rows = await engine.query<{ key: string; table_name: string }>(
    `SELECT key, table_name FROM ${STORED_ROLLUPS_TABLE} WHERE fingerprint = $1`,
    [fingerprint ?? ''],
  );
  return rows.map((r) => {
    const names = r.key.startsWith('activity ') ? (JSON.parse(r.key.slice(9)) as string[]) : undefined;
    return { key: r.key, table: r.table_name, activityEvents: names };
  });
}

/** The keys of the rollups `asks` names. */
function keysOf(asks: RollupAsks): string[] {
  const activity =
    asks.activity === 'all' || asks.activity.length ? [ROLLUP_KEYS.activity(asks.activity)] : [];
  return [
    ...activity,
    ...asks.userDays.map(ROLLUP_KEYS.userDays),
    ...asks.sessions.map(ROLLUP_KEYS.sessions),
    ...asks.firstUses.map(ROLLUP_KEYS.firstUses),
    ...asks.namedEvents.map(ROLLUP_KEYS.namedEvents),
  ];
}

/**
 * Replaces the kept rollups with ones for `asks`, in one transaction: a run sees the old set or the new one.
 * When every rollup asked for is kept and current (a load that added no events), nothing is rebuilt.
 * Returns the keys kept, whether they were rebuilt, and the seconds it took.
 */
export async function storeRollups(
  engine: Engine,
  asks: RollupAsks,
): Promise<{ keys: string[]; rebuilt: boolean; seconds: number }> {
  const started = performance.now();
  const current = await storedRollups(engine);
  const wanted = keysOf(asks);
  if (current.length > 0 && wanted.every((k) => current.some((c) => c.key === k))) {
    const keys = current.map((c) => c.key);
    return { keys, rebuilt: false, seconds: (performance.now() - started) / 1000 };
  }
  const keys = await engine.transaction(async (tx) => {
    await tx.run(
      `CREATE TABLE IF NOT EXISTS ${STORED_ROLLUPS_TABLE} (key VARCHAR PRIMARY KEY, table_name VARCHAR NOT NULL,
        fingerprint VARCHAR NOT NULL, built_at TIMESTAMPTZ NOT NULL)`,
    );
    const old = await tx.query<{ table_name: string }>(`SELECT table_name FROM ${STORED_ROLLUPS_TABLE}`);
    for (const o of old) await tx.run(`DROP TABLE IF EXISTS ${o.table_name}`);
    await tx.run(`DELETE FROM ${STORED_ROLLUPS_TABLE}`);
    const fingerprint = await eventsFingerprint(tx);
    if (fingerprint === undefined) return [];
    const builder = new RunRollups(tx, asks.activity, { persistAs: PREFIX });
    if (asks.activity === 'all') await builder.activity();
    else if (asks.activity.length) await builder.activity(asks.activity);
    for (const names of asks.userDays) await builder.userDays(names);
    for (const p of asks.sessions) await builder.sessions(p);
    for (const name of asks.firstUses) await builder.firstUses(name);
    for (const names of asks.namedEvents) await builder.namedEvents(names);
    const built = await builder.builtTables();
    const now = new Date().toISOString();
    for (const b of built) {
      await tx.run(`INSERT INTO ${STORED_ROLLUPS_TABLE} VALUES ($1, $2, $3, CAST($4 AS TIMESTAMPTZ))`, [
        b.key,
        b.table,
        fingerprint,
        now,
      ]);
    }
    return built.map((b) => b.key);
  });
  return { keys, rebuilt: true, seconds: (performance.now() - started) / 1000 };
}
