// How far back each load changed sessions. A session runs on past the end of the period it starts in for as
// long as its user keeps on (events at most the gap apart, or under one given session id at any time), so a
// load's rows can change a session that started long before the earliest of them. A KPI of the sessions
// starting in P (session frequency's meaningful sessions, engagement metrics) keeps P's result only while
// every later load changed no session starting before P's end (kept-results.ts).
//
// The kept sessions' update (incremental-rollups.ts) knows exactly which sessions a load changes or begins:
// it records the earliest start among them, per session gap. A load that added no events changed none
// (recorded with gap ANY_GAP and no instant). A load without a record (sessions rebuilt from the whole
// events, or none kept for that gap) changed sessions of unknown age: nothing kept before it is served.
import type { Engine } from '../../warehouse/engine.ts';

export const SESSION_REACH_TABLE = 'tenure_load_sessions';

/** Stands for every gap: a load that added no events changed no session of any gap. */
const ANY_GAP = -1;

/** An instant as the engine returned it, as the ISO text loads and kept results compare. */
export const instantText = (t: unknown): string => new Date(String(t)).toISOString();

/** The earlier of two instants in ISO text, null standing for none. */
export const earliestOf = (a: string | null, b: string | null): string | null =>
  a === null || (b !== null && b < a) ? b : a;

/** The later of two instants in ISO text (UTC ISO instants sort as text). */
export const latestOf = (a: string, b: string): string => (b > a ? b : a);

async function ensureTable(engine: Engine): Promise<void> {
  await engine.run(
    engine.dialect.createTableIfMissing(SESSION_REACH_TABLE, [
      ['load_id', 'integer'],
      ['gap_minutes', 'integer'],
      ['earliest_at', 'text'],
    ]),
  );
}

/**
 * Records that loads `loadIds` changed sessions of gap `gapMinutes` starting at `earliest` at the earliest
 * (null: none; gap undefined: a load without events, no session of any gap).
 */
export async function recordSessionReach(
  engine: Engine,
  loadIds: readonly number[],
  gapMinutes: number | undefined,
  earliest: string | null,
): Promise<void> {
  if (!engine.dialect.capabilities.transactions || loadIds.length === 0) return;
  await ensureTable(engine);
  const gap = gapMinutes ?? ANY_GAP;
  for (const id of loadIds) {
    await engine.run(`DELETE FROM ${SESSION_REACH_TABLE} WHERE load_id = $1 AND gap_minutes = $2`, [id, gap]);
    await engine.run(`INSERT INTO ${SESSION_REACH_TABLE} VALUES ($1, $2, $3)`, [id, gap, earliest]);
  }
}

/**
 * Per load, per gap: the earliest start of a session it changed (null: none). A load that added no events
 * is listed under every gap asked for with null; a load missing from the map for a gap is unknown.
 * `present`: the warehouse's tables (tableNames).
 */
export async function sessionReach(
  engine: Engine,
  gaps: readonly number[],
  present: ReadonlySet<string>,
): Promise<Map<number, Map<number, string | null>>> {
  const out = new Map<number, Map<number, string | null>>();
  if (gaps.length === 0 || !present.has(SESSION_REACH_TABLE)) return out;
  const rows = await engine.query<{ load_id: number; gap_minutes: number; earliest_at: string | null }>(
    `SELECT load_id, gap_minutes, earliest_at FROM ${SESSION_REACH_TABLE}`,
  );
  for (const r of rows) {
    const gap = Number(r.gap_minutes);
    const byGap = out.get(Number(r.load_id)) ?? new Map<number, string | null>();
    for (const g of gap === ANY_GAP ? gaps : [gap]) {
      const had = byGap.get(g);
      const at = r.earliest_at === null ? null : String(r.earliest_at);
      byGap.set(g, had === undefined ? at : earliestOf(had, at));
    }
    out.set(Number(r.load_id), byGap);
  }
  return out;
}
