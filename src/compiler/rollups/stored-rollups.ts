// Rollups the warehouse keeps between runs. After each load, ingestion builds the ones the project's
// catalog reads as lasting tables and lists them in tenure_rollups with the fingerprint of the tables they
// were built from:
//   from the events: activity over the catalog's event names, user days for its active events, sessions for
//     its gaps and key actions, first uses of its key action, the events of its funnel steps, the accounts
//     active in each calendar month (with their users), and each user's weeks of activity and of each feature as bit masks;
//   from the subscription changes: each customer's MRR at the bounds of each calendar month, and the
//     accounts subscribed in each.
// The monthly tables cover the months of the data (the first event or change to the last); a run at month
// grain reads them for any months they answer (run-rollups.ts). A run uses a kept rollup while the tables it
// reads still have its fingerprint, and builds anything else for itself. A load rebuilds only the kept
// rollups whose tables changed.

import { LOAD_ID_COLUMN } from '../../warehouse/canonical-ddl.ts';
import type { Engine } from '../../warehouse/engine.ts';
import { rollupFingerprint, type SourceRows } from '../../warehouse/rollup-fingerprint.ts';
import { tableExists } from '../../warehouse/table-checks.ts';
import { type Period, periodStart, periodsBetween } from '../periods.ts';
import { type SourceTable, sourceOf, updateKeptRollups } from './incremental-rollups.ts';
import {
  MONTHLY_KEYS,
  type MonthRange,
  ROLLUP_KEYS,
  RunRollups,
  type SessionParams,
  WEEK_KEYS,
} from './run-rollups.ts';
import { MAX_WEEK_WORDS, WORD_BITS } from './week-masks.ts';

export const STORED_ROLLUPS_TABLE = 'tenure_rollups';
const PREFIX = 'tenure_kept_rollup';

/** A rollup the warehouse keeps. */
export interface StoredRollup {
  readonly key: string;
  readonly table: string;
  /** For activity: the names it holds ([]: every name). */
  readonly activityEvents?: readonly string[];
  /** For a monthly table: the months it holds. */
  readonly months?: MonthRange;
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
  /** Lists of active events whose active accounts and users per month are read. */
  readonly periodAccounts: readonly (readonly string[])[];
  /** Whether the accounts subscribed in each month are read. */
  readonly subscribed: boolean;
  /** Whether customer MRR at month bounds is read. */
  readonly customerMrr: boolean;
  /** Lists of active events, and lists of features, whose weeks per user are read as masks (adoption). */
  readonly userWeeks: readonly (readonly string[])[];
  readonly featureWeeks: readonly (readonly string[])[];
}

type Source = SourceTable;

/**
 * What identifies the rows of each source table: their count and the last load that added any. A load
 * changes it; so does a row written or removed by other means. Missing: the table is not there.
 */
async function sourceFingerprints(engine: Engine): Promise<Partial<Record<Source, SourceRows>>> {
  const out: Partial<Record<Source, SourceRows>> = {};
  for (const table of ['events', 'subscription_changes'] as const) {
    if (!(await tableExists(engine, table))) continue;
    const [row] = await engine.query<{ n: number; last: number | null }>(
      `SELECT count(*) AS n, max(${LOAD_ID_COLUMN}) AS last FROM ${table}`,
    );
    out[table] = { table, count: Number(row?.n ?? 0), lastLoad: row?.last ?? null };
  }
  return out;
}

/** The fingerprint a rollup under `key` has when built now; undefined when a table it reads is missing. */
function fingerprintOf(key: string, sources: Partial<Record<Source, SourceRows>>): string | undefined {
  const rows = sources[sourceOf(key)];
  return rows ? rollupFingerprint([rows]) : undefined;
}

/** The kept rollups still current for the tables they read; none when the warehouse keeps none. */
export async function storedRollups(engine: Engine): Promise<readonly StoredRollup[]> {
  if (!(await tableExists(engine, STORED_ROLLUPS_TABLE))) return [];
  const sources = await sourceFingerprints(engine);
  const rows = await engine.query<{ key: string; table_name: string; fingerprint: string }>(
    `SELECT key, table_name, fingerprint FROM ${STORED_ROLLUPS_TABLE}`,
  );
  return rows
    .filter((r) => r.fingerprint === fingerprintOf(r.key, sources))
    .map((r) => {
      const names = r.key.startsWith('activity ') ? (JSON.parse(r.key.slice(9)) as string[]) : undefined;
      return { key: r.key, table: r.table_name, activityEvents: names, months: MONTHLY_KEYS.monthsOf(r.key) };
    });
}

/**
 * The calendar months of the data: from the month of the first event or subscription change to the month
 * of the last. None when there are neither.
 */
async function dataMonths(engine: Engine): Promise<Period[]> {
  const parts: string[] = [];
  if (await tableExists(engine, 'events'))
    parts.push('SELECT min(occurred_at) AS a, max(occurred_at) AS b FROM events');
  if (await tableExists(engine, 'subscription_changes')) {
    parts.push('SELECT min(effective_at) AS a, max(effective_at) AS b FROM subscription_changes');
  }
  if (parts.length === 0) return [];
  const [row] = await engine.query<{ a: string | null; b: string | null }>(
    `SELECT min(a) AS a, max(b) AS b FROM (${parts.join(' UNION ALL ')}) x`,
  );
  if (!row?.a || !row.b) return [];
  const day = (t: string) => new Date(t).toISOString().slice(0, 10);
  return periodsBetween(day(row.a), day(row.b), 'month');
}

/** A row of tenure_rollups: a kept table under its key. */
type Listed = { key: string; table_name: string; fingerprint: string };

/** Lists a kept table in tenure_rollups. */
function list(tx: Engine, key: string, table: string, fingerprint: string, now: string): Promise<number> {
  return tx.run(
    `INSERT INTO ${STORED_ROLLUPS_TABLE} VALUES ($1, $2, $3, ${tx.dialect.cast('$4', 'timestamp')})`,
    [key, table, fingerprint, now],
  );
}

/** Drops kept tables and their listing. */
async function unlist(tx: Engine, rows: readonly Listed[]): Promise<void> {
  for (const r of rows) {
    await tx.run(`DROP TABLE IF EXISTS ${r.table_name}`);
    await tx.run(`DELETE FROM ${STORED_ROLLUPS_TABLE} WHERE key = $1`, [r.key]);
  }
}

/** One kept rollup to build: its key and how the builder makes (or finds) it. */
interface Wanted {
  readonly key: string;
  readonly build: (builder: RunRollups) => Promise<string>;
}

function wantedRollups(asks: RollupAsks, months: readonly Period[]): Wanted[] {
  const wanted: Wanted[] = [];
  const add = (key: string, build: Wanted['build']) => wanted.push({ key, build });
  if (asks.activity === 'all') add(ROLLUP_KEYS.activity('all'), (b) => b.activity());
  else if (asks.activity.length)
    add(ROLLUP_KEYS.activity(asks.activity), (b) => b.activity(asks.activity as string[]));
  for (const names of asks.userDays) add(ROLLUP_KEYS.userDays(names), (b) => b.userDays(names));
  for (const p of asks.sessions) add(ROLLUP_KEYS.sessions(p), (b) => b.sessions(p));
  for (const name of asks.firstUses) add(ROLLUP_KEYS.firstUses(name), (b) => b.firstUses(name));
  for (const names of asks.namedEvents) add(ROLLUP_KEYS.namedEvents(names), (b) => b.namedEvents(names));
  const first = months[0];
  const last = months.at(-1);
  if (first && last) {
    const range = { from: first.start, to: last.end };
    for (const names of asks.periodAccounts) {
      add(MONTHLY_KEYS.periodAccounts(range, names), (b) => b.periodAccounts(months, names));
    }
    if (asks.subscribed) add(MONTHLY_KEYS.subscribed(range), (b) => b.subscribed(months));
    if (asks.customerMrr) add(MONTHLY_KEYS.customerMrr(range), (b) => b.customerMrr(months));
    // Week masks from the Monday on or before the data's first day, while they fit the words adoption reads.
    const origin = periodStart(new Date(first.start), 'week');
    const words = Math.ceil((Date.parse(last.end) - origin.getTime()) / (7 * 86_400_000 * WORD_BITS));
    if (words <= MAX_WEEK_WORDS) {
      const day = origin.toISOString().slice(0, 10);
      for (const names of asks.userWeeks)
        add(WEEK_KEYS.key('user', day, words, names), (b) => b.weekMasks('user', names, day, words));
      for (const names of asks.featureWeeks) {
        add(WEEK_KEYS.key('feature', day, words, names), (b) => b.weekMasks('feature', names, day, words));
      }
    }
  }
  return wanted;
}

/** How a load left the kept rollups. */
export interface StoredRollupsReport {
  /** The keys kept. */
  readonly keys: string[];
  /** Whether any table changed: built anew or updated with the rows the load added. */
  readonly rebuilt: boolean;
  /** The keys updated in place with the rows loads added since they were built (incremental-rollups.ts). */
  readonly updated: readonly string[];
  /** The keys built from the whole tables. */
  readonly built: readonly string[];
  readonly seconds: number;
}

/**
 * Makes the kept rollups those `asks` names, in one transaction (a run sees the old set or the new one):
 * current ones stay, stale ones are updated with the rows added since they were built where they can be
 * (incremental-rollups.ts), the rest and unwanted ones are dropped, missing ones are built. `rebuild`: every
 * one is built from the whole tables (`tenure ingest --rebuild`). Returns the keys kept, which were updated
 * and which built, and the seconds taken.
 */
export async function storeRollups(
  engine: Engine,
  asks: RollupAsks,
  options: { readonly rebuild?: boolean } = {},
): Promise<StoredRollupsReport> {
  const started = performance.now();
  const took = () => (performance.now() - started) / 1000;
  const current = await storedRollups(engine);
  const wanted = wantedRollups(asks, await dataMonths(engine));
  if (!options.rebuild && current.length > 0 && wanted.every((w) => current.some((c) => c.key === w.key))) {
    return { keys: current.map((c) => c.key), rebuilt: false, updated: [], built: [], seconds: took() };
  }
  const updated: string[] = [];
  const built: string[] = [];
  const keys = await engine.transaction(async (tx) => {
    // One row per key: `list` inserts a key only after `unlist` has removed it, in this transaction.
    await tx.run(
      tx.dialect.createTableIfMissing(STORED_ROLLUPS_TABLE, [
        ['key', 'text'],
        ['table_name', 'text'],
        ['fingerprint', 'text'],
        ['built_at', 'timestamp'],
      ]),
    );
    const isWanted = (key: string) => wanted.some((w) => w.key === key);
    const keep = new Set(
      options.rebuild ? [] : (await storedRollups(tx)).filter((c) => isWanted(c.key)).map((c) => c.key),
    );
    const old = await tx.query<Listed>(`SELECT key, table_name, fingerprint FROM ${STORED_ROLLUPS_TABLE}`);
    const sources = await sourceFingerprints(tx);
    const now = new Date().toISOString();
    if (!options.rebuild) {
      const kept = (x: Listed) => ({ key: x.key, table: x.table_name, fingerprint: x.fingerprint });
      const stale = old.filter((x) => !keep.has(x.key) && isWanted(x.key)).map(kept);
      const fresh = old.filter((x) => keep.has(x.key)).map(kept);
      for (const key of await updateKeptRollups(tx, stale, fresh, sources, asks.activity)) {
        await tx.run(
          `UPDATE ${STORED_ROLLUPS_TABLE} SET fingerprint = $1, built_at = ${tx.dialect.cast('$2', 'timestamp')}
          WHERE key = $3`,
          [fingerprintOf(key, sources) ?? '', now, key],
        );
        keep.add(key);
        updated.push(key);
      }
    }
    await unlist(
      tx,
      old.filter((x) => !keep.has(x.key)),
    );
    // The builder reads the kept tables that stay (user days for monthly users); its tables are named by a
    // build number past theirs, so that names never meet.
    const build = 1 + Math.max(0, ...old.map((o) => Number(/_(\d+)_\d+$/.exec(o.table_name)?.[1] ?? 0)));
    const builder = new RunRollups(tx, asks.activity, { persistAs: `${PREFIX}_${build}` });
    for (const w of wanted) {
      const fingerprint = fingerprintOf(w.key, sources);
      if (keep.has(w.key) || fingerprint === undefined) continue;
      await list(tx, w.key, await w.build(builder), fingerprint, now);
      keep.add(w.key);
      built.push(w.key);
    }
    // A table built on the way to another (user days for monthly users) is kept under its own key too.
    const listed = new Set(
      (await tx.query<{ table_name: string }>(`SELECT table_name FROM ${STORED_ROLLUPS_TABLE}`)).map(
        (r) => r.table_name,
      ),
    );
    for (const b of await builder.builtTables()) {
      const fingerprint = fingerprintOf(b.key, sources);
      if (listed.has(b.table) || keep.has(b.key) || fingerprint === undefined) continue;
      await list(tx, b.key, b.table, fingerprint, now);
      keep.add(b.key);
    }
    return [...keep];
  });
  return { keys, rebuilt: true, updated, built, seconds: took() };
}

/** Drops every kept rollup and its listing (a whole rebuild follows at the next load). */
export async function dropStoredRollups(engine: Engine): Promise<void> {
  if (!(await tableExists(engine, STORED_ROLLUPS_TABLE))) return;
  await engine.transaction(async (tx) =>
    unlist(tx, await tx.query<Listed>(`SELECT key, table_name FROM ${STORED_ROLLUPS_TABLE}`)),
  );
}
