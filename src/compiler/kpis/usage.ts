// Product-usage KPIs: DAU/WAU, DAU/MAU (stickiness), WAU/MAU, session frequency, meaningful session
// frequency and engagement rate (KPI-DEFAULTS.md). The warehouse returns per-period sums and counts.
import { type KpiResult, type ResultContext, ratioResult } from '../../results/kpi-result.ts';
import type { Engine, Row } from '../../warehouse/engine.ts';
import { SqlParams } from '../../warehouse/sql-builder.ts';
import { segmentSql } from '../dimensions.ts';
import type { FamilyRequest } from '../family-request.ts';
import { assemble } from '../result-grid.ts';
import { activeDaysCtes, eventFilter } from '../rollups/active-days.ts';
import { periodsValues } from '../rollups/customer-mrr.ts';
import { sessionsCtes } from '../rollups/sessions.ts';

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

/** Per period and segment: the users active in it (the denominator of the session KPIs). */
function activeUsersSql(req: UsageRequest, params: SqlParams): string {
  return `WITH ${activeDaysCtes(req.periods, { activeEvents: req.params.activeEvents, by: req.by }, params)}
  SELECT p.period_start, u.segment, count(DISTINCT u.user_key) AS users FROM user_days u
  JOIN periods p ON u.day >= CAST(p.period_start AS DATE) AND u.day < CAST(p.period_end AS DATE)
  GROUP BY 1, 2`;
}

/** Per period and segment: sums of DAU/WAU/MAU over the days whose window is observed, and active users. */
function windowsSql(req: UsageRequest, params: SqlParams): string {
  const asOf = params.bind(req.asOf);
  return `WITH ${activeDaysCtes(req.periods, { activeEvents: req.params.activeEvents, by: req.by }, params)},
  active_users AS (
    SELECT p.period_start, u.segment, count(DISTINCT u.user_key) AS users FROM user_days u
    JOIN periods p ON u.day >= CAST(p.period_start AS DATE) AND u.day < CAST(p.period_end AS DATE)
    GROUP BY 1, 2),
  windows AS (
    SELECT p.period_start, a.segment,
      sum(CASE WHEN a.day >= ds.first_day + 6 THEN a.dau END) AS dau_w7,
      sum(CASE WHEN a.day >= ds.first_day + 6 THEN a.wau END) AS wau_w7,
      count(CASE WHEN a.day >= ds.first_day + 6 THEN 1 END) AS days_w7,
      sum(CASE WHEN a.day >= ds.first_day + 29 THEN a.dau END) AS dau_w30,
      sum(CASE WHEN a.day >= ds.first_day + 29 THEN a.wau END) AS wau_w30,
      sum(CASE WHEN a.day >= ds.first_day + 29 THEN a.mau END) AS mau_w30,
      count(CASE WHEN a.day >= ds.first_day + 29 THEN 1 END) AS days_w30
    FROM daily_active a CROSS JOIN data_start ds
    JOIN periods p ON a.day >= CAST(p.period_start AS DATE) AND a.day < CAST(p.period_end AS DATE)
    WHERE a.day < CAST(CAST(${asOf} AS TIMESTAMPTZ) AS DATE)
    GROUP BY 1, 2)
  SELECT w.*, coalesce(u.users, 0) AS users FROM windows w
  LEFT JOIN active_users u ON u.period_start = w.period_start AND u.segment = w.segment`;
}

/** Per period and segment: sessions starting in it, and those with enough distinct key actions. */
function sessionsSql(req: UsageRequest, params: SqlParams): string {
  return `WITH periods AS (${periodsValues(req.periods, params)}),
  ${sessionsCtes(req.params, params)}
  SELECT p.period_start, ${segmentSql(req.by)} AS segment, count(*) AS sessions,
    count(CASE WHEN s.key_actions >= ${params.bind(req.params.minKeyActions)} THEN 1 END) AS meaningful
  FROM sessions s JOIN customers cu ON cu.customer_id = s.customer_id
  JOIN periods p ON s.started_at >= p.period_start AND s.started_at < p.period_end
  GROUP BY 1, 2`;
}

/**
 * Per period and segment: accounts subscribed at any time in it (MRR > 0 at its start or from a change
 * inside it; every signed-up account when there is no subscription data), and those among them with at
 * least `minEvents` engagement events in it.
 */
function engagementSql(req: UsageRequest, hasSubscriptions: boolean, params: SqlParams): string {
  const subscribed = hasSubscriptions
    ? `SELECT DISTINCT p.period_start, m.customer_id FROM periods p
       JOIN (SELECT customer_id, effective_at, mrr,
               lead(effective_at) OVER (PARTITION BY customer_id ORDER BY effective_at) AS next_at
             FROM subscription_changes) m
         ON m.mrr > 0 AND m.effective_at < p.period_end AND (m.next_at IS NULL OR m.next_at > p.period_start)`
    : `SELECT p.period_start, cu.customer_id FROM periods p JOIN customers cu ON cu.signed_up_at < p.period_end`;
  return `WITH periods AS (${periodsValues(req.periods, params)}),
  subscribed AS (${subscribed}),
  engaged AS (
    SELECT p.period_start, e.customer_id FROM events e
    JOIN periods p ON e.occurred_at >= p.period_start AND e.occurred_at < p.period_end
    WHERE ${eventFilter('e', req.params.engagementEvents, params)}
    GROUP BY 1, 2 HAVING count(*) >= ${params.bind(req.params.minEvents)})
  SELECT s.period_start, ${segmentSql(req.by)} AS segment, count(*) AS accounts, count(g.customer_id) AS engaged
  FROM subscribed s JOIN customers cu ON cu.customer_id = s.customer_id
  LEFT JOIN engaged g ON g.period_start = s.period_start AND g.customer_id = s.customer_id
  GROUP BY 1, 2`;
}

const key = (r: Row) => `${String(r.period_start)}|${String(r.segment)}`;
const num = (r: Row | undefined, k: string) => Number(r?.[k] ?? 0);

async function tableHasRows(engine: Engine, table: string): Promise<boolean> {
  return (await engine.query(`SELECT 1 AS one FROM ${table} LIMIT 1`)).length > 0;
}

export async function computeUsageKpis(engine: Engine, req: UsageRequest): Promise<KpiResult[]> {
  const wanted = req.kpis.filter((k) => (USAGE_KPIS as readonly string[]).includes(k));
  if (wanted.length === 0) return [];
  const hasEvents = await tableHasRows(engine, 'events');
  const run = async (build: (p: SqlParams) => string) => {
    const params = new SqlParams(engine.dialect);
    return new Map((await engine.query(build(params), params.values)).map((r) => [key(r), r]));
  };
  // Only the queries the requested KPIs need: each reads the whole events table.
  const wants = (ids: readonly string[]) => hasEvents && wanted.some((k) => ids.includes(k));
  const none = new Map<string, Row>();
  const windows = wants(WINDOW_KPIS)
    ? await run((p) => windowsSql(req, p))
    : wants(SESSION_KPIS)
      ? await run((p) => activeUsersSql(req, p))
      : none;
  const sessions = wants(SESSION_KPIS) ? await run((p) => sessionsSql(req, p)) : none;
  const subscriptions = wants(['engagement_rate']) && (await tableHasRows(engine, 'subscription_changes'));
  const engagement = wants(['engagement_rate'])
    ? await run((p) => engagementSql(req, subscriptions, p))
    : none;
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
