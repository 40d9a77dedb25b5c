// Work many KPIs share, built once per compute run as temporary tables instead of once per query:
//   activity      events per user, UTC day and event name (one pass over the events table);
//   user days     the days each user did one of a set of active events (any event: its own pass);
//   period accounts  the accounts active in each period of a run, with their users (from user days);
//   sessions      one row per session for a gap and a set of key actions;
//   first uses    each user's first and second event of a name (time to the first repeat);
//   named events  the events of a few names with their exact times (funnel steps, value signals);
//   customer MRR  each customer's MRR at the start and end of each period (from subscription_changes);
//   subscribed    the accounts subscribed in each period (customer-mrr.ts `subscribedSpanSql`);
//   period segments  each customer's lifecycle stage or RFM group in each period (segments.ts), for
//                 customer segmentation and breakdowns by them.
// A family asks for a table and gets its name; asking again returns the same table. A table the warehouse
// keeps (stored-rollups.ts: built after each load, still current) is used as it is; any other is built on
// the run's session (Engine.session) as a temporary table and dropped when the run ends. Plain SQL for
// DuckDB and PostgreSQL.
// A run made knowing which event names its KPIs read builds activity over those names only: the most
// frequent events (page views, logins) are often named by no KPI and only count as "any event", which user
// days answer.
import type { Engine } from '../../warehouse/engine.ts';
import { SqlParams } from '../../warehouse/sql-builder.ts';
import { type PeriodDimension, type PeriodSegmentTables, periodDimensionsOf } from '../dimensions.ts';
import { eventFilter } from '../event-filter.ts';
import { nextPeriodStart, type Period, periodStart, periodsBetween } from '../periods.ts';
import {
  byDistinctStart,
  DEFAULT_RFM_WINDOW_DAYS,
  lifecycleSegmentsSql,
  type RfmOptions,
  rfmSegmentsSql,
} from '../segments.ts';
import { instantParam, periodDaysSql, periodsValues, secondsBetween } from '../sql-time.ts';
import { customerMrrCtes, mrrSpansSql, subscribedSpanSql } from './customer-mrr.ts';
import { type StoredRollup, storedRollups } from './stored-rollups.ts';
import { type KeptWeeks, weekRowsSql, wordAggregates } from './week-masks.ts';

export interface SessionParams {
  readonly sessionGapMinutes: number;
  readonly keyActions: readonly string[];
}

export interface RollupOptions {
  /** Use the rollups the warehouse keeps when they are current (default true). */
  readonly useStored?: boolean;
  /** Build lasting tables named with this prefix instead of temporary ones (stored-rollups.ts). */
  readonly persistAs?: string;
  /**
   * Tables read instead of the canonical ones: some rows of events or of subscription_changes (an
   * incremental update of the kept rollups, incremental-rollups.ts, builds its rows from them).
   */
  readonly sources?: { readonly events?: string; readonly subscriptionChanges?: string };
}

/** A rollup table a run built, under the key it was asked by. */
export interface BuiltRollup {
  readonly key: string;
  readonly table: string;
}

let runs = 0;

export class RunRollups {
  private readonly tables = new Map<string, Promise<string>>();
  private readonly built: BuiltRollup[] = [];
  private readonly prefix: string;
  private readonly expected: readonly string[] | undefined;
  private stored: Promise<readonly StoredRollup[]> | undefined;
  private readonly mrrTables: { pairs: ReadonlySet<string>; last: string; table: Promise<string> }[] = [];
  private readonly events: string;
  private readonly changes: string;

  /**
   * `activityEvents`: every event name the run will ask activity rows of (`activityEventsFor`), or 'all'
   * when some query reads every event's. Activity is built over those names only; an ask outside them gets
   * a full table, so a declaration can make a run slower, never wrong.
   */
  constructor(
    private readonly engine: Engine,
    activityEvents: readonly string[] | 'all' = 'all',
    private readonly options: RollupOptions = {},
  ) {
    this.expected = activityEvents === 'all' ? undefined : [...new Set(activityEvents)].sort();
    this.prefix = options.persistAs ?? `tenure_rollup_${process.pid}_${++runs}`;
    this.events = options.sources?.events ?? 'events';
    this.changes = options.sources?.subscriptionChanges ?? 'subscription_changes';
  }

  /**
   * `(user_key, customer_id, day, name, events, first_at, last_at)`: events per user (user_id, else the
   * customer), UTC day and name, with the first and last time of the day's events of that name. A user
   * belongs to one account: its customer_id is carried (the least, should its events name several), not
   * grouped by, which saves hashing a fourth text key over every event.
   * `names`: the event names the caller reads (it still filters by them); omitted, every event's rows.
   */
  async activity(names?: readonly string[]): Promise<string> {
    const kept = (await this.storedTables()).find(
      (r) =>
        r.activityEvents &&
        (r.activityEvents.length === 0 || names?.every((n) => r.activityEvents?.includes(n))),
    );
    if (kept) return kept.table;
    const expected = this.expected;
    const within = expected !== undefined && names?.every((n) => expected.includes(n));
    const picked = within ? expected : [];
    return this.table(activityKey(picked), (params) => {
      const where = picked.length ? `WHERE ${eventFilter('e', picked, params)} ` : '';
      return `/* activity */ SELECT coalesce(e.user_id, e.customer_id) AS user_key,
        min(e.customer_id) AS customer_id, ${params.dialect.utcDay('e.occurred_at')} AS day, e.name, count(*) AS events,
        min(e.occurred_at) AS first_at, max(e.occurred_at) AS last_at
      FROM ${this.events} e ${where}GROUP BY 1, 3, 4`;
    });
  }

  /**
   * `(user_key, customer_id, day, events, first_at, gap)`: the days a user did one of `activeEvents` (empty:
   * any event), with how many of them, the first, and the days since the user's previous such day (null on
   * the first). Any event: one pass over events (as cheap as regrouping activity, and activity may hold only
   * some names); else regrouped from activity.
   */
  async userDays(activeEvents: readonly string[]): Promise<string> {
    const names = [...new Set(activeEvents)].sort();
    const source = names.length ? await this.activity(names) : undefined;
    return this.table(userDaysKey(names), (params) => {
      const days = source
        ? `SELECT a.user_key, min(a.customer_id) AS customer_id, a.day, CAST(sum(a.events) AS BIGINT) AS events,
            min(a.first_at) AS first_at
          FROM ${source} a WHERE ${eventFilter('a', names, params)} GROUP BY a.user_key, a.day`
        : `SELECT coalesce(e.user_id, e.customer_id) AS user_key, min(e.customer_id) AS customer_id,
            ${params.dialect.utcDay('e.occurred_at')} AS day, count(*) AS events, min(e.occurred_at) AS first_at
          FROM ${this.events} e GROUP BY 1, 3`;
      return `/* user_days */ SELECT d.*,
          ${params.dialect.cast(`d.day - ${params.dialect.lag('d.day')} OVER (PARTITION BY d.user_key ORDER BY d.day)`, 'integer')} AS gap
        FROM (${days}) d`;
    });
  }

  /**
   * `(period_start, customer_id, users, events)`: the accounts whose users were active in each period (user
   * days of `activeEvents`), with how many users and their events. A user counts once per period, for the
   * least account of its days in it. Read by the usage, engagement and commerce queries that count active
   * users or accounts per period: a row per account, not per user, meets the segment join.
   */
  async periodAccounts(periods: readonly Period[], activeEvents: readonly string[]): Promise<string> {
    // A kept monthly table answers any calendar months: outside the data's months there are no users.
    const kept = await this.keptMonthly(MONTHLY_KEYS.periodAccounts(ANY_MONTHS, activeEvents));
    if (kept && periods.every(isCalendarMonth)) return this.keptMonths(kept, periods);
    const userDays = await this.userDays(activeEvents);
    const key = `period_accounts ${JSON.stringify(periods.map((p) => [p.start, p.end]))} ${userDays}`;
    return this.table(key, (params) => periodAccountsSql(periods, userDays, params));
  }

  /**
   * `(user_key, customer_id, started_at, ended_at, day, events, key_actions, key_action_events)`: one row
   * per session. A session given by the source (session_id) wins; a user's other events are cut into
   * sessions at gaps longer than `sessionGapMinutes`. `day` is the UTC day the session started;
   * `key_actions` counts the distinct key actions done in it.
   */
  sessions(p: SessionParams): Promise<string> {
    const keys = [...new Set(p.keyActions)].sort();
    return this.table(sessionsKey(p), (params) => {
      const gap = params.bind(p.sessionGapMinutes);
      const isKey = eventFilter('ev', keys, params);
      // Distinct key actions as a sum of one flag per action: cheaper than count(DISTINCT) per session.
      const distinctKeys = keys.length
        ? keys.map((k) => `max(CASE WHEN ev.name = ${params.bind(k)} THEN 1 ELSE 0 END)`).join(' + ')
        : 'count(DISTINCT ev.name)';
      const measures = `min(ev.customer_id) AS customer_id, min(ev.occurred_at) AS started_at,
        max(ev.occurred_at) AS ended_at, count(*) AS events, ${distinctKeys} AS key_actions,
        count(CASE WHEN ${isKey} THEN 1 END) AS key_action_events`;
      return `/* sessions */ WITH given AS (
        SELECT coalesce(ev.user_id, ev.customer_id) AS user_key, ev.session_id, ${measures}
        FROM ${this.events} ev WHERE ev.session_id IS NOT NULL
        GROUP BY coalesce(ev.user_id, ev.customer_id), ev.session_id),
      gaps AS (
        SELECT coalesce(e.user_id, e.customer_id) AS user_key, e.customer_id, e.occurred_at, e.name,
          CASE WHEN ${secondsBetween(params.dialect, 'e.occurred_at', `${params.dialect.lag('e.occurred_at')} OVER w`)} <= 60 * ${gap} THEN 0 ELSE 1 END
            AS starts
        FROM ${this.events} e WHERE e.session_id IS NULL
        WINDOW w AS (PARTITION BY coalesce(e.user_id, e.customer_id) ORDER BY e.occurred_at)),
      numbered AS (
        SELECT g.*, sum(g.starts) OVER (PARTITION BY g.user_key ORDER BY g.occurred_at ROWS UNBOUNDED PRECEDING)
          AS session_no
        FROM gaps g),
      derived AS (
        SELECT ev.user_key, ${params.dialect.cast('NULL', 'text')} AS session_id, ${measures}
        FROM numbered ev GROUP BY ev.user_key, ev.session_no),
      all_sessions AS (SELECT * FROM given UNION ALL SELECT * FROM derived)
      SELECT s.*, ${params.dialect.utcDay('s.started_at')} AS day FROM all_sessions s`;
    });
  }

  /**
   * customer_mrr (customer-mrr.ts) for at least these periods: each customer's MRR at their starts and ends,
   * read by the revenue, lifecycle, lifetime and feedback queries alike (each keeps its own periods' rows).
   * A table built for more periods serves when it ends with the same period, which holds the rows of
   * customers whose history starts after it.
   */
  async customerMrr(periods: readonly Period[]): Promise<string> {
    const pairs = periods.map((p) => `${p.start}/${p.end}`);
    const latest = [...periods].sort((a, b) => a.end.localeCompare(b.end)).at(-1);
    const last = latest ? `${latest.start}/${latest.end}` : '';
    const built = this.mrrTables.find((t) => t.last === last && pairs.every((x) => t.pairs.has(x)));
    if (built) return built.table;
    const kept = await this.keptMonthly(MONTHLY_KEYS.customerMrr(ANY_MONTHS));
    const table =
      kept && latest && withinMonths(kept, periods)
        ? this.keptCustomerMrr(kept, periods, latest)
        : this.table(
            `customer_mrr ${JSON.stringify(pairs)}`,
            (params) =>
              `/* customer_mrr */ WITH ${customerMrrCtes(periods, params, undefined, this.changes)}
              SELECT * FROM customer_mrr`,
          );
    this.mrrTables.push({ pairs: new Set(pairs), last, table });
    return table;
  }

  /**
   * Customer MRR from the kept monthly table: as it is when the periods end with its last month (readers
   * keep their own periods' rows); else with one zero row in the last period for each customer whose
   * history starts after it (customerMrrCtes), which the kept table holds only in later months.
   */
  private keptCustomerMrr(kept: KeptMonthly, periods: readonly Period[], latest: Period): Promise<string> {
    if (Date.parse(latest.end) === Date.parse(kept.months.to)) return Promise.resolve(kept.table);
    return this.table(
      `customer_mrr kept ${JSON.stringify(periods.map((p) => p.start))}`,
      (params) => `/* customer_mrr */ WITH ${customerMrrCtes(periods, params, kept.table)}
      SELECT * FROM customer_mrr UNION ALL SELECT * FROM later`,
    );
  }

  /**
   * `(period_start, customer_id, segment, …)`: each customer's lifecycle stage or RFM group in each period
   * (segments.ts), customers with none left out. Periods sharing a start keep the first (a segment is found
   * by the row's period start). RFM reads `rfm` (its window and the data's end).
   */
  async periodSegments(
    dimension: PeriodDimension,
    periods: readonly Period[],
    rfm: RfmOptions,
  ): Promise<string> {
    const own = byDistinctStart(periods);
    const pairs = JSON.stringify(own.map((p) => [p.start, p.end]));
    if (dimension === 'lifecycle') {
      const customerMrr = await this.customerMrr(own);
      return this.table(`segments lifecycle ${pairs}`, (params) =>
        lifecycleSegmentsSql(own, customerMrr, params),
      );
    }
    const userDays = await this.userDays([]);
    return this.table(`segments rfm ${rfm.windowDays} ${rfm.asOf} ${pairs}`, (params) =>
      rfmSegmentsSql(own, userDays, rfm, params),
    );
  }

  /**
   * The period segments a breakdown reads (none when it names no period dimension), for a query over
   * `periods`: what `segmentJoin` joins.
   */
  async segmentTables(
    by: string | undefined,
    periods: readonly Period[],
    options: { asOf: string; rfmWindowDays?: number },
  ): Promise<PeriodSegmentTables> {
    const rfm = { asOf: options.asOf, windowDays: options.rfmWindowDays ?? DEFAULT_RFM_WINDOW_DAYS };
    const tables: Partial<Record<PeriodDimension, string>> = {};
    for (const d of periodDimensionsOf(by)) tables[d] = await this.periodSegments(d, periods, rfm);
    return tables;
  }

  /**
   * `(user_key, customer_id, first_at, second_at)`: each user's first and second event named `name` (by time,
   * ties by event_id; second_at null without one), with the account of the first.
   */
  firstUses(name: string): Promise<string> {
    const user = 'coalesce(e.user_id, e.customer_id)';
    return this.table(
      firstUsesKey(name),
      (params) => `/* first_uses */ WITH uses AS (
        SELECT ${user} AS user_key, e.customer_id, e.occurred_at,
          row_number() OVER (PARTITION BY ${user} ORDER BY e.occurred_at, e.event_id) AS rn
        FROM ${this.events} e WHERE e.name = ${params.bind(name)} AND ${user} IS NOT NULL)
      SELECT user_key, max(CASE WHEN rn = 1 THEN customer_id END) AS customer_id,
        max(CASE WHEN rn = 1 THEN occurred_at END) AS first_at, max(CASE WHEN rn = 2 THEN occurred_at END) AS second_at
      FROM uses WHERE rn <= 2 GROUP BY 1`,
    );
  }

  /**
   * `(customer_id, name, occurred_at)`: every event of these names (not empty), for queries that need each
   * event's exact time (funnel steps after the first, value signals): a small table instead of a scan of
   * every event.
   */
  namedEvents(names: readonly string[]): Promise<string> {
    const sorted = [...new Set(names)].sort();
    return this.table(
      namedEventsKey(sorted),
      (params) => `/* named_events */ SELECT e.customer_id, e.name, e.occurred_at FROM ${this.events} e
      WHERE ${eventFilter('e', sorted, params)}`,
    );
  }

  /**
   * `(period_start, customer_id)`: the accounts subscribed in each period (MRR > 0 at its start, a
   * cancellation effective exactly then included, or from a change inside it: `subscribedSpanSql`), read by
   * engagement rate, the engagement score and loyalty participation alike.
   */
  async subscribed(periods: readonly Period[]): Promise<string> {
    const kept = await this.keptMonthly(MONTHLY_KEYS.subscribed(ANY_MONTHS));
    if (kept && withinMonths(kept, periods)) return this.keptMonths(kept, periods);
    const key = `subscribed ${JSON.stringify(periods.map((p) => [p.start, p.end]))}`;
    return this.table(
      key,
      (params) => `/* subscribed */ WITH periods AS (${periodsValues(periods, params)})
      SELECT DISTINCT p.period_start, m.customer_id FROM periods p JOIN (${mrrSpansSql(params.dialect, this.changes)}) m
        ON ${subscribedSpanSql('m', 'p.period_start', 'p.period_end')}`,
    );
  }

  /**
   * Like `subscribed`, but a kept table that holds these periods is returned as it is, with its other
   * months, instead of a copy: for a reader that keeps only its own periods' rows (engagement score's
   * reference months).
   */
  async subscribedIncluding(periods: readonly Period[]): Promise<string> {
    const kept = await this.keptMonthly(MONTHLY_KEYS.subscribed(ANY_MONTHS));
    if (kept && withinMonths(kept, periods)) return kept.table;
    return this.subscribed(periods);
  }

  /** The kept monthly table whose key matches `key` but for its months; undefined when none is current. */
  private async keptMonthly(key: string): Promise<KeptMonthly | undefined> {
    const same = MONTHLY_KEYS.withoutMonths(key);
    for (const r of await this.storedTables()) {
      if (r.months && MONTHLY_KEYS.withoutMonths(r.key) === same) return { table: r.table, months: r.months };
    }
    return undefined;
  }

  /**
   * The rows of a kept monthly table for these calendar months (months it does not hold have none): the
   * table itself when they are all of its months, else a copy of theirs.
   */
  private keptMonths(kept: KeptMonthly, periods: readonly Period[]): Promise<string> {
    const asked = new Set(periods.map((p) => Date.parse(p.start)));
    const all = periodsBetween(kept.months.from.slice(0, 10), dayBefore(kept.months.to), 'month');
    if (all.every((m) => asked.has(Date.parse(m.start)))) return Promise.resolve(kept.table);
    return this.table(`kept ${kept.table} ${JSON.stringify([...asked].sort())}`, (params) => {
      const starts = periods.map((p) => `(${instantParam(params, p.start)})`).join(', ');
      return `/* kept_months */ SELECT k.* FROM ${kept.table} k
        JOIN (SELECT DISTINCT * FROM (VALUES ${starts}) AS v(period_start)) m ON m.period_start = k.period_start`;
    });
  }

  /**
   * Week masks (week-masks.ts) the warehouse keeps: each user's weeks with one of `activeEvents` (kind
   * 'user'), or each user's weeks with each of `names` (kind 'feature': a kept table holding more names
   * serves). Undefined when none is current; adoption then groups user days and activity itself.
   */
  async keptWeeks(kind: WeekKind, names: readonly string[]): Promise<KeptWeeks | undefined> {
    const wanted = sortedNames(names);
    for (const r of await this.storedTables()) {
      const k = WEEK_KEYS.parse(r.key);
      if (!k || k.kind !== kind) continue;
      const fits =
        kind === 'user'
          ? JSON.stringify(k.names) === JSON.stringify(wanted)
          : wanted.every((n) => k.names.includes(n));
      if (fits) return { table: r.table, origin: k.origin, words: k.words };
    }
    return undefined;
  }

  /**
   * Builds the week masks `keptWeeks` reads, from `origin` over `words` words: `(user_key, customer_id, w0…)`
   * for users ('user', from user days of `names`), `(user_key, name, customer_id, w0…)` for features.
   */
  weekMasks(kind: WeekKind, names: readonly string[], origin: string, words: number): Promise<string> {
    return this.table(WEEK_KEYS.key(kind, origin, words, names), async (params) =>
      kind === 'user'
        ? weekMasksSql('user', await this.userDays(names), names, origin, words, params)
        : weekMasksSql('feature', await this.activity(names), names, origin, words, params),
    );
  }

  /**
   * A table one family's queries share within the run (built once under `key`, dropped with the rest): for
   * work no other family reads, whose SQL stays with the family.
   */
  shared(key: string, body: (params: SqlParams) => string): Promise<string> {
    return this.table(`shared ${key}`, body);
  }

  /** The tables this run built (not the stored ones it used), with the keys they answer. */
  async builtTables(): Promise<readonly BuiltRollup[]> {
    await Promise.allSettled(this.tables.values());
    return [...this.built];
  }

  /** Drops every temporary table this run built. */
  async drop(): Promise<void> {
    await Promise.allSettled(this.tables.values());
    this.tables.clear();
    this.mrrTables.length = 0;
    const own = this.built.splice(0);
    if (this.options.persistAs) return;
    for (const b of own) await this.engine.run(`DROP TABLE IF EXISTS ${b.table}`);
  }

  private storedTables(): Promise<readonly StoredRollup[]> {
    if (this.options.useStored === false) return Promise.resolve([]);
    this.stored ??= storedRollups(this.engine);
    return this.stored;
  }

  private table(key: string, body: (params: SqlParams) => string | Promise<string>): Promise<string> {
    let table = this.tables.get(key);
    if (!table) {
      const name = `${this.prefix}_${this.tables.size + 1}`;
      table = (async () => {
        const kept = (await this.storedTables()).find((r) => r.key === key);
        if (kept) return kept.table;
        const params = new SqlParams(this.engine.dialect);
        const sql = await body(params);
        const temporary = !this.options.persistAs;
        await this.engine.run(this.engine.dialect.createTableAs(name, sql, { temporary }), params.values);
        this.built.push({ key, table: name });
        return name;
      })();
      this.tables.set(key, table);
    }
    return table;
  }
}

/**
 * The week masks of RunRollups.weekMasks from `source`: user days of the active events for users, activity
 * (holding `names`) for features.
 */
export function weekMasksSql(
  kind: WeekKind,
  source: string,
  names: readonly string[],
  origin: string,
  words: number,
  params: SqlParams,
): string {
  if (kind === 'user') {
    return `/* user_weeks */ SELECT u.user_key, min(u.customer_id) AS customer_id, ${wordAggregates(params.dialect, 'u', words)}
      FROM (${weekRowsSql(source, origin, words, params)}) u GROUP BY 1`;
  }
  return `/* feature_weeks */ SELECT u.user_key, u.name, min(u.customer_id) AS customer_id,
      ${wordAggregates(params.dialect, 'u', words)}
    FROM (${weekRowsSql(source, origin, words, params, eventFilter('x', sortedNames(names), params))}) u
    GROUP BY 1, 2`;
}

/**
 * `(period_start, customer_id, users, events)` of RunRollups.periodAccounts over a user-days table: a user
 * counts once per period, for the least account of its days in it.
 */
export function periodAccountsSql(periods: readonly Period[], userDays: string, params: SqlParams): string {
  return `/* period_accounts */ WITH periods AS (${periodsValues(periods, params)}),
      period_days AS (${periodDaysSql(params.dialect, periods)}),
      period_users AS (
        SELECT pd.period_start, u.user_key, min(u.customer_id) AS customer_id, sum(u.events) AS events
        FROM ${userDays} u JOIN period_days pd ON pd.day = u.day GROUP BY 1, 2)
      SELECT period_start, customer_id, count(*) AS users, CAST(sum(events) AS BIGINT) AS events
      FROM period_users GROUP BY 1, 2`;
}

/** The keys rollups are built, kept and found under: the kind and what it depends on (names sorted). */
const sortedNames = (names: readonly string[]) => [...new Set(names)].sort();
const activityKey = (names: readonly string[]) => `activity ${JSON.stringify(names)}`;
const userDaysKey = (names: readonly string[]) => `user_days ${JSON.stringify(sortedNames(names))}`;
const firstUsesKey = (name: string) => `first_uses ${JSON.stringify(name)}`;
const namedEventsKey = (names: readonly string[]) => `named_events ${JSON.stringify(sortedNames(names))}`;
const sessionsKey = (p: SessionParams) =>
  `sessions ${p.sessionGapMinutes} ${JSON.stringify(sortedNames(p.keyActions))}`;

export type WeekKind = 'user' | 'feature';

/** The keys of kept week masks: the kind, the origin Monday, the words, the names. */
export const WEEK_KEYS = {
  key: (kind: WeekKind, origin: string, words: number, names: readonly string[]) =>
    `${kind}_weeks from ${origin} words ${words} ${JSON.stringify(sortedNames(names))}`,
  parse(key: string): { kind: WeekKind; origin: string; words: number; names: string[] } | undefined {
    const m = /^(user|feature)_weeks from (\S+) words (\d+) (.*)$/.exec(key);
    if (!m?.[1] || !m[2] || !m[3] || !m[4]) return undefined;
    return { kind: m[1] as WeekKind, origin: m[2], words: Number(m[3]), names: JSON.parse(m[4]) as string[] };
  },
} as const;

/** The months a kept monthly table holds: [from, to), ISO 8601 UTC, whole calendar months. */
export interface MonthRange {
  readonly from: string;
  readonly to: string;
}

interface KeptMonthly {
  readonly table: string;
  readonly months: MonthRange;
}

/** Stands for a kept monthly table's months in a key looked up by kind alone (keptMonthly). */
const ANY_MONTHS: MonthRange = { from: '', to: '' };

/**
 * The keys of the monthly tables a warehouse keeps (stored-rollups.ts): the kind, `months FROM/TO`, and what
 * else the table depends on.
 */
export const MONTHLY_KEYS = {
  periodAccounts: (m: MonthRange, names: readonly string[]) =>
    `period_accounts months ${m.from}/${m.to} ${JSON.stringify(sortedNames(names))}`,
  subscribed: (m: MonthRange) => `subscribed months ${m.from}/${m.to}`,
  customerMrr: (m: MonthRange) => `customer_mrr months ${m.from}/${m.to}`,
  /** The months in a monthly key; undefined for any other key. */
  monthsOf(key: string): MonthRange | undefined {
    const m = /^\w+ months ([^ /]+)\/([^ ]+)/.exec(key);
    return m?.[1] && m[2] ? { from: m[1], to: m[2] } : undefined;
  },
  /** The key without its months: what a kept table must match. */
  withoutMonths: (key: string) => key.replace(/ months [^ ]*/, ' months'),
} as const;

/** A period that is one whole UTC calendar month. */
function isCalendarMonth(p: Period): boolean {
  const start = new Date(p.start);
  return (
    periodStart(start, 'month').getTime() === start.getTime() &&
    nextPeriodStart(start, 'month').getTime() === Date.parse(p.end)
  );
}

/**
 * Periods a kept monthly table of state carried forward (MRR, subscriptions) answers: calendar months
 * ending by its last; months before its first hold no history.
 */
function withinMonths(kept: KeptMonthly, periods: readonly Period[]): boolean {
  return periods.every((p) => isCalendarMonth(p) && Date.parse(p.end) <= Date.parse(kept.months.to));
}

/** The UTC day before an ISO instant, YYYY-MM-DD. */
export const dayBefore = (iso: string) => new Date(Date.parse(iso) - 86_400_000).toISOString().slice(0, 10);

/** The key each kind of event rollup is kept under, for stored-rollups.ts. */
export const ROLLUP_KEYS = {
  activity: (names: readonly string[] | 'all') => activityKey(names === 'all' ? [] : sortedNames(names)),
  userDays: userDaysKey,
  sessions: sessionsKey,
  firstUses: firstUsesKey,
  namedEvents: namedEventsKey,
} as const;

/**
 * Runs `work` with the run's rollups, or, called outside a run (a family on its own), with rollups of its
 * own on one session, dropped after.
 */
export async function withRollups<T>(
  engine: Engine,
  rollups: RunRollups | undefined,
  work: (engine: Engine, rollups: RunRollups) => Promise<T>,
): Promise<T> {
  if (rollups) return work(engine, rollups);
  return engine.session(async (session) => {
    const own = new RunRollups(session);
    try {
      return await work(session, own);
    } finally {
      await own.drop();
    }
  });
}
