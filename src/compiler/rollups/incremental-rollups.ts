// Kept rollups brought up to date with the rows a load appended, instead of rebuilt from whole tables.
// A load only appends rows, each tagged with its load id; a kept rollup's fingerprint names the rows it was
// built from (their count and the last load among them), so the rows it lacks are exactly those of later
// loads, provided the table still holds its old rows unchanged (checked: as many rows up to that load as
// the fingerprint says, and no row without a load id). Each kind is then updated where those rows reach:
//   activity, user days   merged: the new rows grouped as the rollup groups them and combined with the kept
//                         rows of the same keys (sums, least and greatest); a user's gaps are recomputed
//                         from the first day the load touched;
//   sessions              the sessions a new event can join or split (its given session; for derived ones,
//                         the user's sessions ending within the gap before its first new event, and all
//                         after) rebuilt from those users' events since then;
//   first uses            the load's first two uses per user merged with the kept two (users whose new
//                         use ties with their kept first, by instant, rebuilt from their events);
//   named events          the new events appended;
//   period accounts       the calendar months the new events fall in, from the updated user days;
//   week masks            the users with new days or features, from the updated user days or activity;
//   customer MRR, subscribed accounts  the customers with new subscription changes, from all their changes.
// A rollup of an older shape, a table whose old rows changed, months or weeks that moved (a load reaching a
// new month) or a kind without an update are rebuilt instead (stored-rollups.ts); so is everything when
// the user asks (`tenure ingest --rebuild`). Tests compare both with one whole load.
import { TenureError } from '../../errors/tenure-error.ts';
import { LOAD_ID_COLUMN } from '../../warehouse/canonical-ddl.ts';
import type { Engine } from '../../warehouse/engine.ts';
import { parseFingerprint, type SourceRows } from '../../warehouse/rollup-fingerprint.ts';
import { SqlParams } from '../../warehouse/sql-builder.ts';
import { type Period, periodsBetween } from '../periods.ts';
import { instantParam, secondsBetween } from '../sql-time.ts';
import {
  dayBefore,
  MONTHLY_KEYS,
  periodAccountsSql,
  RunRollups,
  type SessionParams,
  WEEK_KEYS,
  weekMasksSql,
} from './run-rollups.ts';
import { instantText, recordSessionReach } from './session-reach.ts';

/** A kept table as tenure_rollups lists it. */
export interface KeptTable {
  readonly key: string;
  readonly table: string;
  readonly fingerprint: string;
}

export type SourceTable = 'events' | 'subscription_changes';

/** The source table each kind of kept rollup reads: the events unless named. */
export const sourceOf = (key: string): SourceTable =>
  ['customer_mrr', 'subscribed'].includes(kindOf(key)) ? 'subscription_changes' : 'events';

const kindOf = (key: string) => key.split(' ')[0] ?? '';

/**
 * Brings the kept tables in `stale` up to date with the rows loaded since they were built, in the
 * transaction `tx`; `current` are the kept tables already current (read by updates that build on them:
 * period accounts and user weeks on user days, feature weeks on activity). `now` is each source table's
 * rows now. Returns the keys updated; the others are left for a rebuild.
 */
export async function updateKeptRollups(
  tx: Engine,
  stale: readonly KeptTable[],
  current: readonly KeptTable[],
  now: Partial<Record<SourceTable, SourceRows>>,
  activityEvents: readonly string[] | 'all',
): Promise<string[]> {
  const since = await appendedSince(tx, stale, now);
  const updatable = stale.filter((k) => since.has(k.key));
  if (updatable.length === 0) return [];
  const update = new Updates(tx, activityEvents, since, [...current]);
  try {
    // In dependency order: user days and activity before what is built on them.
    const order = ['activity', 'user_days', 'sessions', 'first_uses', 'named_events', 'period_accounts'];
    const rank = (k: KeptTable) => {
      const i = order.indexOf(kindOf(k.key));
      return i < 0 ? order.length : i;
    };
    const done: string[] = [];
    for (const k of [...updatable].sort((a, b) => rank(a) - rank(b))) {
      if (await update.apply(k)) done.push(k.key);
    }
    return done;
  } finally {
    await update.drop();
  }
}

/**
 * For each stale table whose source only gained rows since it was built: the load id its rows end at.
 * The rows after it are the ones to add; a table whose old rows changed, or of an older shape, is left out.
 */
async function appendedSince(
  tx: Engine,
  stale: readonly KeptTable[],
  now: Partial<Record<SourceTable, SourceRows>>,
): Promise<Map<string, number>> {
  const checked = new Map<string, boolean>();
  const out = new Map<string, number>();
  for (const k of stale) {
    const source = sourceOf(k.key);
    const old = parseFingerprint(k.fingerprint)?.find((s) => s.table === source);
    const current = now[source];
    if (!old || !current || old.lastLoad === null || current.lastLoad === null) continue;
    if (current.lastLoad <= old.lastLoad) continue;
    const id = `${source} ${old.count} ${old.lastLoad}`;
    if (!checked.has(id)) {
      const [row] = await tx.query<{ upto: number; after: number }>(
        `SELECT count(CASE WHEN ${LOAD_ID_COLUMN} <= $1 THEN 1 END) AS upto,
          count(CASE WHEN ${LOAD_ID_COLUMN} > $1 THEN 1 END) AS after FROM ${source}`,
        [old.lastLoad],
      );
      const upto = Number(row?.upto ?? -1);
      checked.set(id, upto === old.count && upto + Number(row?.after ?? 0) === current.count);
    }
    if (checked.get(id)) out.set(k.key, old.lastLoad);
  }
  return out;
}

let updates = 0;

/** The updates of one load: the new rows' tables, built once and shared by the kinds that read them. */
class Updates {
  private readonly deltas = new Map<number, Promise<RunRollups>>();
  private readonly newEvents = new Map<number, Promise<string>>();
  private readonly builders: RunRollups[] = [];
  private readonly temporary: string[] = [];
  private readonly prefix = `tenure_update_${process.pid}_${++updates}`;

  constructor(
    private readonly tx: Engine,
    private readonly activityEvents: readonly string[] | 'all',
    private readonly since: ReadonlyMap<string, number>,
    private readonly current: KeptTable[],
  ) {}

  /** Updates one kept table in place; false when it cannot be here (it is rebuilt). */
  async apply(k: KeptTable): Promise<boolean> {
    const kind = kindOf(k.key);
    const rest = k.key.slice(kind.length + 1);
    const after = this.since.get(k.key) ?? 0;
    let done = false;
    if (kind === 'activity') done = await this.activity(k.table, JSON.parse(rest) as string[], after);
    else if (kind === 'user_days') done = await this.userDays(k.table, JSON.parse(rest) as string[], after);
    else if (kind === 'sessions') {
      const m = /^(\d+) (.*)$/.exec(rest);
      if (m?.[1] && m[2]) {
        const p = { sessionGapMinutes: Number(m[1]), keyActions: JSON.parse(m[2]) as string[] };
        done = await this.sessions(k.table, p, after);
      }
    } else if (kind === 'first_uses') done = await this.firstUses(k.table, JSON.parse(rest) as string, after);
    else if (kind === 'named_events') {
      const rows = await (await this.delta(after)).namedEvents(JSON.parse(rest) as string[]);
      await this.tx.run(`INSERT INTO ${k.table} SELECT * FROM ${rows}`);
      done = true;
    } else if (kind === 'period_accounts') done = await this.periodAccounts(k, after);
    else if (kind === 'user_weeks' || kind === 'feature_weeks') done = await this.weeks(k, after);
    else if (kind === 'customer_mrr' || kind === 'subscribed') done = await this.byCustomer(k, after);
    if (done) this.current.push(k);
    return done;
  }

  /** Drops the tables the updates built. */
  async drop(): Promise<void> {
    for (const r of this.builders) await r.drop();
    for (const t of this.temporary) await this.tx.run(`DROP TABLE IF EXISTS ${t}`);
  }

  /** A temporary table of this update, dropped with the others. */
  private async temp(sql: (params: SqlParams) => string): Promise<string> {
    const name = `${this.prefix}_${this.temporary.length + 1}`;
    this.temporary.push(name);
    const params = new SqlParams(this.tx.dialect);
    const body = sql(params);
    await this.tx.run(this.tx.dialect.createTableAs(name, body, { temporary: true }), params.values);
    return name;
  }

  /** Rollups built as the kept ones are, over the rows of `sources` only. */
  private builder(sources: { events?: string; subscriptionChanges?: string }): RunRollups {
    const r = new RunRollups(this.tx, this.activityEvents, { useStored: false, sources });
    this.builders.push(r);
    return r;
  }

  /** Rollups over the events loaded after load `after`. */
  private delta(after: number): Promise<RunRollups> {
    let r = this.deltas.get(after);
    if (!r) {
      r = this.eventsAfter(after).then((events) => this.builder({ events }));
      this.deltas.set(after, r);
    }
    return r;
  }

  /** The events loaded after load `after`, as a table. */
  private eventsAfter(after: number): Promise<string> {
    let t = this.newEvents.get(after);
    if (!t) {
      t = this.temp((p) => `SELECT * FROM events WHERE ${LOAD_ID_COLUMN} > ${p.bind(after)}`);
      this.newEvents.set(after, t);
    }
    return t;
  }

  /**
   * The first day of a table of new rows' days, as a date literal; undefined when it has none (the load's
   * events hold none of the names the rollup counts).
   */
  private async firstDay(fresh: string): Promise<string | undefined> {
    const [row] = await this.tx.query<{ day: string | null }>(
      `SELECT ${this.tx.dialect.cast('min(f.day)', 'text')} AS day FROM ${fresh} f`,
    );
    if (row?.day == null) return undefined;
    const day = String(row.day).slice(0, 10);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) {
      throw new TenureError('internal', `the load's new rows have no first day (${fresh}: ${row?.day})`);
    }
    return this.tx.dialect.cast(`'${day}'`, 'date');
  }

  /** The kept table current for `key` (updated in this pass, or current before it). */
  private keptTable(fits: (key: string) => boolean): string | undefined {
    return this.current.find((c) => fits(c.key))?.table;
  }

  /** Activity: the new rows' groups merged with the kept ones of the same user, day and name. */
  private async activity(table: string, names: readonly string[], after: number): Promise<boolean> {
    const fresh = await (await this.delta(after)).activity(names.length ? names : undefined);
    // Kept rows from the load's first day on are the only ones a new row can match: a cheap filter first.
    const from = await this.firstDay(fresh);
    if (from === undefined) return true;
    const match = 'd.user_key = k.user_key AND d.day = k.day AND d.name = k.name';
    const matched = `k.day >= ${from} AND EXISTS (SELECT 1 FROM ${fresh} d WHERE ${match})`;
    const merged = await this.temp(
      () => `SELECT x.user_key, min(x.customer_id) AS customer_id, x.day, x.name,
        CAST(sum(x.events) AS BIGINT) AS events, min(x.first_at) AS first_at, max(x.last_at) AS last_at
      FROM (SELECT k.user_key, k.customer_id, k.day, k.name, k.events, k.first_at, k.last_at FROM ${table} k
          WHERE ${matched}
        UNION ALL SELECT d.user_key, d.customer_id, d.day, d.name, d.events, d.first_at, d.last_at FROM ${fresh} d) x
      GROUP BY x.user_key, x.day, x.name`,
    );
    await this.replace(table, matched, merged, ACTIVITY_COLUMNS);
    return true;
  }

  /**
   * User days: the new days merged with the kept ones, and each touched user's gaps recomputed from the
   * first day the load touched (the day before it, kept, seeds the first gap).
   */
  private async userDays(table: string, names: readonly string[], after: number): Promise<boolean> {
    const fresh = await (await this.delta(after)).userDays(names);
    const touched = await this.temp(
      () => `SELECT d.user_key, min(d.day) AS since FROM ${fresh} d GROUP BY d.user_key`,
    );
    const d = this.tx.dialect;
    const first = await this.firstDay(fresh);
    if (first === undefined) return true;
    const redo = await this.temp(
      () => `WITH merged AS (
        SELECT x.user_key, min(x.customer_id) AS customer_id, x.day, CAST(sum(x.events) AS BIGINT) AS events,
          min(x.first_at) AS first_at
        FROM (SELECT k.user_key, k.customer_id, k.day, k.events, k.first_at FROM ${table} k
            JOIN ${touched} t ON t.user_key = k.user_key AND k.day >= t.since WHERE k.day >= ${first}
          UNION ALL SELECT f.user_key, f.customer_id, f.day, f.events, f.first_at FROM ${fresh} f) x
        GROUP BY x.user_key, x.day),
      seed AS (
        SELECT k.user_key, max(k.day) AS day FROM ${table} k
        JOIN ${touched} t ON t.user_key = k.user_key AND k.day < t.since GROUP BY k.user_key)
      SELECT m.user_key, m.customer_id, m.day, m.events, m.first_at,
        ${d.cast(`m.day - coalesce(${d.lag('m.day')} OVER (PARTITION BY m.user_key ORDER BY m.day), s.day)`, 'integer')} AS gap
      FROM merged m LEFT JOIN seed s ON s.user_key = m.user_key`,
    );
    // The kept rows replaced are those of the touched users from their first touched day: every one of them
    // is among the merged rows (an equality join, cheaper than the range).
    const where = `k.day >= ${first} AND EXISTS (SELECT 1 FROM ${redo} r WHERE r.user_key = k.user_key AND r.day = k.day)`;
    await this.replace(table, where, redo, USER_DAYS_COLUMNS);
    return true;
  }

  /**
   * Sessions: a new event with a session id changes that session; one without can join or split the
   * user's derived sessions ending within the gap before it and any after, so those are rebuilt from the
   * user's events since the first of them. Sessions the load begins (a new session id; a user's events
   * past the gap after the last kept session) take only new events; the events table is read only for
   * kept sessions the load changes.
   */
  private async sessions(table: string, p: SessionParams, after: number): Promise<boolean> {
    const events = await this.eventsAfter(after);
    const user = 'coalesce(e.user_id, e.customer_id)';
    // Given sessions the load touched; `kept`: 1 when the session holds earlier events.
    const given = await this.temp(
      () => `SELECT t.user_key, t.session_id,
          CASE WHEN EXISTS (SELECT 1 FROM ${table} k WHERE k.user_key = t.user_key AND k.session_id = t.session_id)
            THEN 1 ELSE 0 END AS kept
        FROM (SELECT DISTINCT ${user} AS user_key, e.session_id FROM ${events} e WHERE e.session_id IS NOT NULL) t`,
    );
    const firsts = await this.temp(
      () => `SELECT ${user} AS user_key, min(e.occurred_at) AS t FROM ${events} e WHERE e.session_id IS NULL
        GROUP BY 1`,
    );
    const d = this.tx.dialect;
    // Each user's derived sessions are rebuilt from `bound`; `kept`: 1 when kept sessions are among them.
    const bounds = await this.temp(
      (params) => `SELECT f.user_key,
        CASE WHEN min(k.started_at) < f.t THEN min(k.started_at) ELSE f.t END AS bound,
        CASE WHEN count(k.user_key) > 0 THEN 1 ELSE 0 END AS kept
      FROM ${firsts} f LEFT JOIN ${table} k ON k.user_key = f.user_key AND k.session_id IS NULL
        AND ${secondsBetween(d, 'f.t', 'k.ended_at')} <= 60 * ${params.bind(p.sessionGapMinutes)}
      GROUP BY f.user_key, f.t`,
    );
    const [reread] = await this.tx.query<{ n: number }>(
      `SELECT (SELECT count(*) FROM ${given} WHERE kept = 1) + (SELECT count(*) FROM ${bounds} WHERE kept = 1) AS n`,
    );
    const picked = (source: string, kept: 0 | 1) => `SELECT e.* FROM ${source} e
        LEFT JOIN ${given} g ON g.kept = ${kept} AND g.user_key = ${user} AND g.session_id = e.session_id
        LEFT JOIN ${bounds} b ON b.kept = ${kept} AND b.user_key = ${user} AND e.session_id IS NULL
          AND e.occurred_at >= b.bound
      WHERE g.user_key IS NOT NULL OR b.user_key IS NOT NULL`;
    const redoEvents = await this.temp(() =>
      Number(reread?.n ?? 0) > 0
        ? `${picked(events, 0)} UNION ALL ${picked('events', 1)}`
        : picked(events, 0),
    );
    const fresh = await this.builder({ events: redoEvents }).sessions(p);
    // Every session changed or begun is among the fresh ones, each from its first event: the earliest
    // start among them is how far back these loads reached (session-reach.ts).
    const [reach] = await this.tx.query<{ t: string | null }>(`SELECT min(started_at) AS t FROM ${fresh}`);
    const loads = await this.tx.query<{ id: number }>(
      `SELECT DISTINCT ${LOAD_ID_COLUMN} AS id FROM ${events}`,
    );
    await recordSessionReach(
      this.tx,
      loads.map((l) => Number(l.id)),
      p.sessionGapMinutes,
      reach?.t == null ? null : instantText(reach.t),
    );
    const where = `(k.session_id IS NOT NULL AND EXISTS (SELECT 1 FROM ${given} g
        WHERE g.kept = 1 AND g.user_key = k.user_key AND g.session_id = k.session_id))
      OR (k.session_id IS NULL AND EXISTS (SELECT 1 FROM ${bounds} b
        WHERE b.kept = 1 AND b.user_key = k.user_key AND k.started_at >= b.bound))`;
    await this.replace(table, Number(reread?.n ?? 0) > 0 ? where : 'FALSE', fresh);
    return true;
  }

  /**
   * First uses: the load's first two uses per user merged with the kept first and second (the two earliest
   * of the four). Which use comes first at the very same instant goes by event id, which the rollup does
   * not keep: users whose new use ties with their kept first are rebuilt from their events (rare).
   */
  private async firstUses(table: string, name: string, after: number): Promise<boolean> {
    const events = await this.eventsAfter(after);
    const user = 'coalesce(e.user_id, e.customer_id)';
    const news = await this.temp(
      (params) => `SELECT u.user_key, max(CASE WHEN u.rn = 1 THEN u.customer_id END) AS customer_id,
        max(CASE WHEN u.rn = 1 THEN u.occurred_at END) AS first_at,
        max(CASE WHEN u.rn = 2 THEN u.occurred_at END) AS second_at
      FROM (SELECT ${user} AS user_key, e.customer_id, e.occurred_at,
          row_number() OVER (PARTITION BY ${user} ORDER BY e.occurred_at, e.event_id) AS rn
        FROM ${events} e WHERE e.name = ${params.bind(name)} AND ${user} IS NOT NULL) u
      WHERE u.rn <= 2 GROUP BY u.user_key`,
    );
    const tied = await this.temp(
      () =>
        `SELECT n.user_key FROM ${news} n JOIN ${table} k ON k.user_key = n.user_key AND k.first_at = n.first_at`,
    );
    const earlier = 'k.user_key IS NULL OR n.first_at < k.first_at';
    const merged = await this.temp(
      () => `SELECT n.user_key,
        CASE WHEN ${earlier} THEN n.customer_id ELSE k.customer_id END AS customer_id,
        CASE WHEN ${earlier} THEN n.first_at ELSE k.first_at END AS first_at,
        CASE WHEN k.user_key IS NULL THEN n.second_at
          WHEN n.first_at < k.first_at THEN
            CASE WHEN n.second_at IS NOT NULL AND n.second_at < k.first_at THEN n.second_at ELSE k.first_at END
          ELSE CASE WHEN k.second_at IS NOT NULL AND k.second_at < n.first_at THEN k.second_at ELSE n.first_at END
        END AS second_at
      FROM ${news} n LEFT JOIN ${table} k ON k.user_key = n.user_key
      WHERE NOT EXISTS (SELECT 1 FROM ${tied} t WHERE t.user_key = n.user_key)`,
    );
    let rows = merged;
    const [ties] = await this.tx.query<{ n: number }>(`SELECT count(*) AS n FROM ${tied}`);
    if (Number(ties?.n ?? 0) > 0) {
      const redoEvents = await this.temp(
        (params) => `SELECT e.* FROM events e JOIN ${tied} t ON t.user_key = ${user}
          WHERE e.name = ${params.bind(name)}`,
      );
      const rebuilt = await this.builder({ events: redoEvents }).firstUses(name);
      rows = await this.temp(
        () => `SELECT ${FIRST_USES_COLUMNS.join(', ')} FROM ${merged}
          UNION ALL SELECT ${FIRST_USES_COLUMNS.join(', ')} FROM ${rebuilt}`,
      );
    }
    await this.replace(
      table,
      `EXISTS (SELECT 1 FROM ${news} n WHERE n.user_key = k.user_key)`,
      rows,
      FIRST_USES_COLUMNS,
    );
    return true;
  }

  /** Period accounts: the months with new events, from the user days (updated first). */
  private async periodAccounts(k: KeptTable, after: number): Promise<boolean> {
    const m = /^period_accounts months \S+ (.*)$/.exec(k.key);
    if (!m?.[1]) return false;
    const names = JSON.parse(m[1]) as string[];
    const userDays = this.keptTable((key) => key === `user_days ${JSON.stringify([...names].sort())}`);
    if (!userDays) return false;
    const fresh = await (await this.delta(after)).userDays(names);
    const months = await this.monthsOf(fresh);
    if (months.length === 0) return true;
    const params = new SqlParams(this.tx.dialect);
    const starts = months.map((p) => instantParam(params, p.start)).join(', ');
    await this.tx.run(`DELETE FROM ${k.table} WHERE period_start IN (${starts})`, params.values);
    const insert = new SqlParams(this.tx.dialect);
    const sql = periodAccountsSql(months, userDays, insert);
    await this.tx.run(`INSERT INTO ${k.table} SELECT * FROM (${sql}) x`, insert.values);
    return true;
  }

  /**
   * Week masks: new rows only set bits, so the masks of the new days (of features: of their new activity)
   * are ORed into the kept masks of the same users.
   */
  private async weeks(k: KeptTable, after: number): Promise<boolean> {
    const w = WEEK_KEYS.parse(k.key);
    if (!w) return false;
    const delta = await this.delta(after);
    const fresh = w.kind === 'user' ? await delta.userDays(w.names) : await delta.activity(w.names);
    const masks = await this.temp((params) =>
      weekMasksSql(w.kind, fresh, w.names, w.origin, w.words, params),
    );
    const keys = w.kind === 'user' ? ['user_key'] : ['user_key', 'name'];
    const words = Array.from({ length: w.words }, (_, j) => `w${j}`);
    const match = keys.map((c) => `m.${c} = k.${c}`).join(' AND ');
    const merged = await this.temp(
      () => `SELECT ${keys.map((c) => `x.${c}`).join(', ')}, min(x.customer_id) AS customer_id,
        ${words.map((c) => `${this.tx.dialect.bitOr(`x.${c}`)} AS ${c}`).join(', ')}
      FROM (SELECT k.* FROM ${k.table} k WHERE EXISTS (SELECT 1 FROM ${masks} m WHERE ${match})
        UNION ALL SELECT m.* FROM ${masks} m) x
      GROUP BY ${keys.map((c) => `x.${c}`).join(', ')}`,
    );
    await this.replace(k.table, `EXISTS (SELECT 1 FROM ${masks} m WHERE ${match})`, merged);
    return true;
  }

  /** Customer MRR and subscribed accounts: the customers with new changes, from all their changes. */
  private async byCustomer(k: KeptTable, after: number): Promise<boolean> {
    const range = MONTHLY_KEYS.monthsOf(k.key);
    if (!range) return false;
    const months = periodsBetween(range.from.slice(0, 10), dayBefore(range.to), 'month');
    const touched = await this.temp(
      (params) => `SELECT DISTINCT customer_id FROM subscription_changes
        WHERE ${LOAD_ID_COLUMN} > ${params.bind(after)}`,
    );
    const changes = await this.temp(
      () => `SELECT s.* FROM subscription_changes s JOIN ${touched} t ON t.customer_id = s.customer_id`,
    );
    const builder = this.builder({ subscriptionChanges: changes });
    const fresh =
      kindOf(k.key) === 'customer_mrr' ? await builder.customerMrr(months) : await builder.subscribed(months);
    await this.replace(
      k.table,
      `EXISTS (SELECT 1 FROM ${touched} t WHERE t.customer_id = k.customer_id)`,
      fresh,
    );
    return true;
  }

  /** The calendar months of the days `fresh` holds (a few hundred at most: the days a load touched). */
  private async monthsOf(fresh: string): Promise<Period[]> {
    const rows = await this.tx.query<{ day: string }>(
      `SELECT DISTINCT ${this.tx.dialect.cast('f.day', 'text')} AS day FROM ${fresh} f`,
    );
    const starts = new Set(rows.map((r) => `${r.day.slice(0, 7)}-01`));
    return [...starts].sort().flatMap((start) => periodsBetween(start, start, 'month'));
  }

  /** Replaces the kept rows `where` picks (alias k) with the rows of `rows`, in that column order. */
  private async replace(
    table: string,
    where: string,
    rows: string,
    columns?: readonly string[],
  ): Promise<void> {
    await this.tx.run(`DELETE FROM ${table} k WHERE ${where}`);
    const list = columns ? ` (${columns.join(', ')})` : '';
    await this.tx.run(
      `INSERT INTO ${table}${list} SELECT ${columns ? columns.join(', ') : '*'} FROM ${rows}`,
    );
  }
}

const ACTIVITY_COLUMNS = ['user_key', 'customer_id', 'day', 'name', 'events', 'first_at', 'last_at'];
const USER_DAYS_COLUMNS = ['user_key', 'customer_id', 'day', 'events', 'first_at', 'gap'];
const FIRST_USES_COLUMNS = ['user_key', 'customer_id', 'first_at', 'second_at'];
