// Product-usage KPIs: DAU/WAU, DAU/MAU (stickiness), WAU/MAU, session frequency, meaningful session
// frequency and engagement rate (KPI-DEFAULTS.md). The warehouse returns per-period sums and counts.
// A column read through a join is named in the SELECT (`x.day AS day`): ClickHouse names a bare `x.day`
// "x.day" when another table of the join has a `day`, and the readers of the rows would not find it.

import { type KpiResult, type ResultContext, ratioResult } from '../../results/kpi-result.ts';
import type { Engine, Row } from '../../warehouse/engine.ts';
import { SqlParams } from '../../warehouse/sql-builder.ts';
import { tableHasRows } from '../../warehouse/table-checks.ts';
import {
  type PeriodSegmentTables,
  periodDimensionsOf,
  segmentJoin,
  segmentSql,
  segmentsAt,
} from '../dimensions.ts';
import { eventFilter } from '../event-filter.ts';
import type { FamilyRequest } from '../family-request.ts';
import { assemble } from '../result-grid.ts';
import { withRollups } from '../rollups/run-rollups.ts';
import { dayBounds, instantParam, periodDaysSql, periodsValues } from '../sql-time.ts';

export interface UsageParams {
  /** Events that make a user active (empty: every event). */
  readonly activeEvents: readonly string[];
  readonly sessionGapMinutes: number;
  readonly keyActions: readonly string[];
  readonly minKeyActions: number;
  readonly engagementEvents: readonly string[];
  readonly minEvents: number;
}

export const DEFAULT_USAGE_PARAMS: UsageParams = {
  activeEvents: [],
  sessionGapMinutes: 30,
  keyActions: ['create_report', 'share_dashboard', 'export_data'],
  minKeyActions: 2,
  engagementEvents: [
    'create_report',
    'share_dashboard',
    'export_data',
    'use_reports',
    'use_dashboards',
    'use_alerts',
    'use_api',
  ],
  minEvents: 1,
};

export type UsageRequest = FamilyRequest<UsageParams>;

export const USAGE_KPIS = [
  'dau_wau_ratio',
  'stickiness_ratio',
  'wau_mau_ratio',
  'session_frequency',
  'meaningful_session_frequency',
  'engagement_rate',
] as const;

const WINDOW_KPIS = ['dau_wau_ratio', 'stickiness_ratio', 'wau_mau_ratio'];
const SESSION_KPIS = ['session_frequency', 'meaningful_session_frequency'];

/**
 * Per period and segment: the users active in it (the denominator of the session KPIs), from the run's
 * period users: counted once per period first, then given their account's segment (a distinct count over
 * few large groups is the slow way).
 */
function activeUsersSql(req: UsageRequest, t: UsageTables, params: SqlParams): string {
  return `SELECT x.period_start AS period_start, ${segmentSql(req.by, params)} AS segment, sum(x.users) AS users
  FROM ${t.periodAccounts} x ${segmentJoin(req.by, 'x.customer_id', segmentsAt('x.period_start', t.segments))}
  GROUP BY 1, 2`;
}

/** The run's rollups the usage queries read. */
interface UsageTables {
  readonly userDays: string;
  readonly periodAccounts: string;
  /** The period segments the breakdown reads. */
  readonly segments: PeriodSegmentTables;
}

/**
 * Per period and segment: sums of DAU, WAU and MAU over the days whose window is observed, and active users.
 * DAU/WAU/MAU of a day count the users active within the last 1/7/30 days. An active day a of a user covers
 * the days [a, a + w); g days after the user's previous active day, the days it adds to the user's cover are
 * [a + max(0, w − g), a + w). A day's count is then the running sum of +1 at each such start and −1 at each
 * end: a running sum over the calendar of the user days' marks (each with its gap, from the rollup).
 * A breakdown by a period dimension (lifecycle, rfm) counts each period's days by the segments of that
 * period: every user day is taken once for each period whose days it can cover (the period's 29 days before
 * and its own), with the segment of its account in that period, and the running sums run per period
 * (`seg_period`). A cover from a day the period does not take ends before the period starts.
 */
function windowsSql(req: UsageRequest, t: UsageTables, params: SqlParams): string {
  const asOfDay = params.dialect.utcDay(instantParam(params, req.asOf));
  const perPeriod = periodDimensionsOf(req.by).length > 0;
  // A day 30 or more days before a period's start covers none of its days: its marks cancel before it.
  const covered = () => {
    const { from, to } = dayBounds(req.periods, params, 29);
    return `u.day >= ${from} AND u.day < ${to}`;
  };
  const days = perPeriod
    ? `SELECT c.period_start AS seg_period, u.day AS day, ${segmentSql(req.by, params)} AS segment, u.gap AS gap
    FROM ${t.userDays} u JOIN cover_days c ON c.day = u.day
    ${segmentJoin(req.by, 'u.customer_id', segmentsAt('c.period_start', t.segments))}`
    : `SELECT ${params.dialect.cast('NULL', 'timestamp')} AS seg_period, u.day AS day, ${segmentSql(req.by, params)} AS segment, u.gap AS gap
    FROM ${t.userDays} u ${segmentJoin(req.by, 'u.customer_id')}
    WHERE ${covered()}`;
  const longest = Math.max(
    1,
    ...req.periods.map((p) => Math.ceil((Date.parse(p.end) - Date.parse(p.start)) / 86_400_000)),
  );
  return `WITH periods AS (${periodsValues(req.periods, params)}),
  period_days AS (${periodDaysSql(params.dialect, req.periods)}),
  cover_days AS (
    SELECT p.period_start AS period_start, p.start_day - 29 + CAST(g.i AS INTEGER) AS day FROM periods p
    CROSS JOIN ${params.dialect.series('0', String(longest + 28), 'g')} WHERE p.start_day - 29 + CAST(g.i AS INTEGER) < p.end_day),
  days AS (${days}),
  -- User-days with the same segment, day and gap (capped at 30) mark the same days: counted once each.
  day_gaps AS (
    SELECT seg_period, segment, day, CAST(least(coalesce(gap, 30), 30) AS INTEGER) AS g, CAST(count(*) AS BIGINT) AS n
    FROM days
    GROUP BY 1, 2, 3, 4),
  data_start AS (SELECT min(day) AS first_day FROM ${t.userDays}),
  segments AS (SELECT DISTINCT seg_period, segment FROM day_gaps),
  marks AS (
    SELECT seg_period, segment, day, n AS dau, 0 AS wau, 0 AS mau FROM day_gaps
    UNION ALL SELECT seg_period, segment, day + 1, -n, 0, 0 FROM day_gaps
    UNION ALL SELECT seg_period, segment, day + greatest(0, 7 - least(g, 7)), 0, n, 0 FROM day_gaps
    UNION ALL SELECT seg_period, segment, day + 7, 0, -n, 0 FROM day_gaps
    UNION ALL SELECT seg_period, segment, day + greatest(0, 30 - g), 0, 0, n FROM day_gaps
    UNION ALL SELECT seg_period, segment, day + 30, 0, 0, -n FROM day_gaps
    UNION ALL SELECT s.seg_period AS seg_period, s.segment AS segment, pd.day AS day, 0, 0, 0 FROM period_days pd
      ${perPeriod ? 'JOIN segments s ON s.seg_period = pd.period_start' : 'CROSS JOIN segments s'}),
  deltas AS (
    SELECT seg_period, segment, day, sum(dau) AS dau, sum(wau) AS wau, sum(mau) AS mau FROM marks
    GROUP BY 1, 2, 3),
  daily_active AS (
    SELECT seg_period, segment, day, sum(dau) OVER w AS dau, sum(wau) OVER w AS wau, sum(mau) OVER w AS mau
    FROM deltas WINDOW w AS (PARTITION BY seg_period, segment ORDER BY day ROWS UNBOUNDED PRECEDING)),
  active_users AS (${activeUsersSql(req, t, params)}),
  windows AS (
    SELECT pd.period_start AS period_start, a.segment AS segment,
      sum(CASE WHEN a.day >= ds.first_day + 6 THEN a.dau END) AS dau_w7,
      sum(CASE WHEN a.day >= ds.first_day + 6 THEN a.wau END) AS wau_w7,
      count(CASE WHEN a.day >= ds.first_day + 6 THEN 1 END) AS days_w7,
      sum(CASE WHEN a.day >= ds.first_day + 29 THEN a.dau END) AS dau_w30,
      sum(CASE WHEN a.day >= ds.first_day + 29 THEN a.wau END) AS wau_w30,
      sum(CASE WHEN a.day >= ds.first_day + 29 THEN a.mau END) AS mau_w30,
      count(CASE WHEN a.day >= ds.first_day + 29 THEN 1 END) AS days_w30
    FROM daily_active a CROSS JOIN data_start ds
    JOIN period_days pd ON pd.day = a.day${perPeriod ? ' AND pd.period_start = a.seg_period' : ''}
    WHERE a.day >= ds.first_day AND a.day < ${asOfDay}
    GROUP BY 1, 2)
  SELECT w.*, coalesce(u.users, 0) AS users FROM windows w
  LEFT JOIN active_users u ON u.period_start = w.period_start AND u.segment = w.segment`;
}

/** Per period and segment: sessions starting in it, and those with enough distinct key actions. */
function sessionsSql(
  req: UsageRequest,
  sessions: string,
  segments: PeriodSegmentTables,
  params: SqlParams,
): string {
  return `WITH periods AS (${periodsValues(req.periods, params)}),
  period_days AS (${periodDaysSql(params.dialect, req.periods)})
  SELECT pd.period_start AS period_start, ${segmentSql(req.by, params)} AS segment, count(*) AS sessions,
    count(CASE WHEN s.key_actions >= ${params.bind(req.params.minKeyActions)} THEN 1 END) AS meaningful
  FROM ${sessions} s JOIN period_days pd ON pd.day = s.day
  ${segmentJoin(req.by, 's.customer_id', segmentsAt('pd.period_start', segments))}
  GROUP BY 1, 2`;
}

/**
 * Per period and segment: accounts subscribed in it (the run's `subscribed`: MRR > 0 at its start, a
 * cancellation effective exactly then included as in churn's S, or from a change inside it; every
 * signed-up account when there is no subscription data), and those among them with at least `minEvents`
 * engagement events in it.
 */
function engagementSql(
  req: UsageRequest,
  activity: string,
  subscribedTable: string | undefined,
  segments: PeriodSegmentTables,
  params: SqlParams,
): string {
  const subscribed = subscribedTable
    ? `SELECT * FROM ${subscribedTable}`
    : `SELECT p.period_start AS period_start, cu.customer_id AS customer_id FROM periods p JOIN customers cu ON cu.signed_up_at < p.period_end`;
  return `WITH periods AS (${periodsValues(req.periods, params)}),
  subscribed AS (${subscribed}),
  period_days AS (${periodDaysSql(params.dialect, req.periods)}),
  engaged AS (
    SELECT pd.period_start AS period_start, a.customer_id AS customer_id FROM ${activity} a JOIN period_days pd ON pd.day = a.day
    WHERE ${eventFilter('a', req.params.engagementEvents, params)}
    GROUP BY 1, 2 HAVING sum(a.events) >= ${params.bind(req.params.minEvents)})
  SELECT s.period_start AS period_start, ${segmentSql(req.by, params)} AS segment, count(*) AS accounts, count(g.customer_id) AS engaged
  FROM subscribed s ${segmentJoin(req.by, 's.customer_id', segmentsAt('s.period_start', segments))}
  LEFT JOIN engaged g ON g.period_start = s.period_start AND g.customer_id = s.customer_id
  GROUP BY 1, 2`;
}

const key = (r: Row) => `${String(r.period_start)}|${String(r.segment)}`;
const num = (r: Row | undefined, k: string) => Number(r?.[k] ?? 0);

export async function computeUsageKpis(engine: Engine, req: UsageRequest): Promise<KpiResult[]> {
  const wanted = req.kpis.filter((k) => (USAGE_KPIS as readonly string[]).includes(k));
  if (wanted.length === 0) return [];
  const hasEvents = await tableHasRows(engine, 'events');
  // Only the queries the requested KPIs need, each over the run's rollups.
  const wants = (ids: readonly string[]) => hasEvents && wanted.some((k) => ids.includes(k));
  const [windows, sessions, engagement] = await withRollups(engine, req.rollups, async (session, rollups) => {
    const run = async (build: (p: SqlParams) => string) => {
      const params = new SqlParams(session.dialect);
      return new Map((await session.query(build(params), params.values)).map((r) => [key(r), r]));
    };
    const none = new Map<string, Row>();
    const segments = hasEvents ? await rollups.segmentTables(req.by, req.periods, req) : {};
    const tables: UsageTables = wants([...WINDOW_KPIS, ...SESSION_KPIS])
      ? {
          userDays: await rollups.userDays(req.params.activeEvents),
          periodAccounts: await rollups.periodAccounts(req.periods, req.params.activeEvents),
          segments,
        }
      : { userDays: '', periodAccounts: '', segments };
    const w = wants(WINDOW_KPIS)
      ? await run((p) => windowsSql(req, tables, p))
      : wants(SESSION_KPIS)
        ? await run((p) => activeUsersSql(req, tables, p))
        : none;
    const sessionTable = wants(SESSION_KPIS) ? await rollups.sessions(req.params) : '';
    const s = wants(SESSION_KPIS) ? await run((p) => sessionsSql(req, sessionTable, segments, p)) : none;
    const subscriptions = wants(['engagement_rate']) && (await tableHasRows(session, 'subscription_changes'));
    const subscribedTable = subscriptions ? await rollups.subscribed(req.periods) : undefined;
    const engagementEvents = req.params.engagementEvents.length ? req.params.engagementEvents : undefined;
    const activity = wants(['engagement_rate']) ? await rollups.activity(engagementEvents) : '';
    const g = wants(['engagement_rate'])
      ? await run((p) => engagementSql(req, activity, subscribedTable, segments, p))
      : none;
    return [w, s, g] as const;
  });
  return assemble(
    req,
    wanted,
    [windows, sessions, engagement],
    () => hasEvents,
    (kpi, ctx, k) => [usageResult(kpi, ctx, windows.get(k), sessions.get(k), engagement.get(k))],
  );
}

/** Ratio of means over the days whose window is observed; no such day: null, flagged censored. */
function windowRatio(
  ctx: ResultContext,
  w: Row | undefined,
  top: string,
  bottom: string,
  days: string,
): KpiResult {
  const d = num(w, days);
  const users = num(w, 'users');
  if (d === 0) {
    const r = ratioResult(ctx, 0, 0, users);
    return {
      ...r,
      numerator: null,
      denominator: null,
      flags: [...r.flags.filter((f) => f !== 'zero_denominator'), 'censored'],
    };
  }
  return ratioResult(ctx, num(w, top) / d, num(w, bottom) / d, users);
}

function usageResult(kpi: string, ctx: ResultContext, w?: Row, s?: Row, g?: Row): KpiResult {
  switch (kpi) {
    case 'dau_wau_ratio':
      return windowRatio(ctx, w, 'dau_w7', 'wau_w7', 'days_w7');
    case 'stickiness_ratio':
      return windowRatio(ctx, w, 'dau_w30', 'mau_w30', 'days_w30');
    case 'wau_mau_ratio':
      return windowRatio(ctx, w, 'wau_w30', 'mau_w30', 'days_w30');
    case 'session_frequency':
      return ratioResult(ctx, num(s, 'sessions'), num(w, 'users'), num(w, 'users'));
    case 'meaningful_session_frequency':
      return ratioResult(ctx, num(s, 'meaningful'), num(w, 'users'), num(w, 'users'));
    default:
      return ratioResult(ctx, num(g, 'engaged'), num(g, 'accounts'), num(g, 'accounts'));
  }
}
