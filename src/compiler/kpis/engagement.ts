// Engagement metrics (a family), the customer engagement score, and customer segmentation by lifecycle
// (KPI-DEFAULTS.md). Extra outputs of a KPI are result rows whose id extends the KPI's: `kpi.part`.
import { amountResult, type KpiResult, type ResultContext, ratioResult } from '../../results/kpi-result.ts';
import type { Engine, Row } from '../../warehouse/engine.ts';
import { SqlParams } from '../../warehouse/sql-builder.ts';
import { segmentJoin, segmentSql } from '../dimensions.ts';
import { eventFilter } from '../event-filter.ts';
import type { FamilyRequest } from '../family-request.ts';
import { assemble } from '../result-grid.ts';
import { customerMrrCtes } from '../rollups/customer-mrr.ts';
import { type RunRollups, type SessionParams, withRollups } from '../rollups/run-rollups.ts';
import { periodDaysSql, periodsValues, secondsBetween } from '../sql-time.ts';

export interface EngagementParams extends SessionParams {
  /** Events that make a user active (empty: every event). */
  readonly activeEvents: readonly string[];
  /** Weight of each key action in the engagement score; missing ones weigh 1. */
  readonly keyActionWeights: Readonly<Record<string, number>>;
}

export const DEFAULT_ENGAGEMENT_PARAMS: EngagementParams = {
  activeEvents: [],
  sessionGapMinutes: 30,
  keyActions: ['create_report', 'share_dashboard', 'export_data'],
  keyActionWeights: {},
};

export const ENGAGEMENT_KPIS = [
  'engagement_metrics',
  'customer_engagement_score',
  'customer_segmentation',
] as const;
export const LIFECYCLE_STATES = ['new', 'retained', 'resurrected', 'churned', 'dormant'] as const;

export type EngagementRequest = FamilyRequest<EngagementParams>;

/** Per period and segment: active users, their events, and the sessions starting in the period. */
function metricsSql(req: EngagementRequest, t: Tables, params: SqlParams): string {
  return `WITH periods AS (${periodsValues(req.periods, params)}),
  period_days AS (${periodDaysSql(req.periods)}),
  -- Users and their events per period and account first (the run's period accounts), then the account's
  -- segment: cheaper than a distinct count.
  activity AS (
    SELECT u.period_start, ${segmentSql(req.by, params)} AS segment, sum(u.users) AS users, sum(u.events) AS events
    FROM ${t.periodAccounts} u ${segmentJoin(req.by, 'u.customer_id')}
    GROUP BY 1, 2),
  session_totals AS (
    SELECT pd.period_start, ${segmentSql(req.by, params)} AS segment, count(*) AS sessions,
      sum(${secondsBetween('s.ended_at', 's.started_at')}) / 60.0 AS session_minutes,
      sum(s.key_action_events) AS key_action_events
    FROM ${t.sessions} s ${segmentJoin(req.by, 's.customer_id')}
    JOIN period_days pd ON pd.day = s.day
    GROUP BY 1, 2)
  SELECT coalesce(a.period_start, t.period_start) AS period_start, coalesce(a.segment, t.segment) AS segment,
    coalesce(a.users, 0) AS users, coalesce(a.events, 0) AS events, coalesce(t.sessions, 0) AS sessions,
    coalesce(t.session_minutes, 0) AS session_minutes, coalesce(t.key_action_events, 0) AS key_action_events
  FROM activity a FULL JOIN session_totals t ON t.period_start = a.period_start AND t.segment = a.segment`;
}

/**
 * Per period, segment and account subscribed at any time in it: the account's score Σ w·ln(1 + count) over
 * key actions in the period, ranked 0–100 among those accounts (ties share a rank).
 */
function scoreSql(req: EngagementRequest, t: Tables, params: SqlParams): string {
  const weights = req.params.keyActions.map(
    (a) => `WHEN ${params.bind(a)} THEN ${params.bind(req.params.keyActionWeights[a] ?? 1)}`,
  );
  const weight = weights.length ? `CASE c.name ${weights.join(' ')} ELSE 0 END` : '1';
  return `WITH periods AS (${periodsValues(req.periods, params)}),
  subscribed AS (SELECT * FROM ${t.subscribed}),
  period_days AS (${periodDaysSql(req.periods)}),
  counts AS (
    SELECT pd.period_start, a.customer_id, a.name, sum(a.events) AS n FROM ${t.activity} a
    JOIN period_days pd ON pd.day = a.day
    WHERE ${eventFilter('a', req.params.keyActions, params)}
    GROUP BY 1, 2, 3),
  raw_scores AS (
    SELECT s.period_start, s.customer_id, coalesce(sum(${weight} * ln(1 + c.n)), 0) AS raw
    FROM subscribed s LEFT JOIN counts c ON c.period_start = s.period_start AND c.customer_id = s.customer_id
    GROUP BY 1, 2),
  -- Ranked on the score rounded to 9 decimals: engines sum floating logs in different orders, and equal
  -- scores must tie everywhere.
  ranked AS (
    SELECT period_start, customer_id,
      100 * percent_rank() OVER (PARTITION BY period_start ORDER BY CAST(raw AS DECIMAL(38, 9))) AS score
    FROM raw_scores)
  SELECT r.period_start, ${segmentSql(req.by, params)} AS segment, count(*) AS accounts, sum(r.score) AS score_sum,
    count(CASE WHEN r.score < 33 THEN 1 END) AS low, count(CASE WHEN r.score >= 67 THEN 1 END) AS high
  FROM ranked r ${segmentJoin(req.by, 'r.customer_id')} GROUP BY 1, 2`;
}

/** Per period and segment: customers with a payment history by p_end, by lifecycle state at p_end. */
function lifecycleSql(req: EngagementRequest, t: Tables, params: SqlParams): string {
  return `WITH ${customerMrrCtes(req.periods, params, t.customerMrr)}
  SELECT m.period_start, ${segmentSql(req.by, params)} AS segment,
    count(CASE WHEN m.s = 0 AND m.e > 0 AND m.first_paid_at >= m.period_start THEN 1 END) AS new,
    count(CASE WHEN m.s > 0 AND m.e > 0 THEN 1 END) AS retained,
    count(CASE WHEN m.s = 0 AND m.e > 0 AND m.first_paid_at < m.period_start THEN 1 END) AS resurrected,
    count(CASE WHEN m.s > 0 AND m.e = 0 THEN 1 END) AS churned,
    count(CASE WHEN m.s = 0 AND m.e = 0 AND m.first_paid_at < m.period_start THEN 1 END) AS dormant
  FROM customer_mrr m ${segmentJoin(req.by, 'm.customer_id')}
  GROUP BY 1, 2`;
}

const num = (r: Row | undefined, k: string) => Number(r?.[k] ?? 0);

async function hasRows(engine: Engine, table: string): Promise<boolean> {
  return (await engine.query(`SELECT 1 AS one FROM ${table} LIMIT 1`)).length > 0;
}

/** The run's rollups a query reads (built only when a query needs them). */
interface Tables {
  readonly activity: string;
  readonly periodAccounts: string;
  readonly sessions: string;
  readonly customerMrr?: string;
  readonly subscribed?: string;
}
type Build = (req: EngagementRequest, t: Tables, params: SqlParams) => string;

export function computeEngagementKpis(engine: Engine, req: EngagementRequest): Promise<KpiResult[]> {
  return withRollups(engine, req.rollups, (session, rollups) => engagementKpis(session, rollups, req));
}

async function engagementKpis(
  engine: Engine,
  rollups: RunRollups,
  req: EngagementRequest,
): Promise<KpiResult[]> {
  const wanted = req.kpis.filter((k) => (ENGAGEMENT_KPIS as readonly string[]).includes(k));
  const results: KpiResult[] = [];
  for (const kpi of wanted) {
    const [build, table]: [Build, string] =
      kpi === 'engagement_metrics'
        ? [metricsSql, 'events']
        : kpi === 'customer_engagement_score'
          ? [scoreSql, 'subscription_changes']
          : [lifecycleSql, 'subscription_changes'];
    const available =
      (await hasRows(engine, table)) &&
      (kpi !== 'customer_engagement_score' || (await hasRows(engine, 'events')));
    const params = new SqlParams(engine.dialect);
    const keyActions = req.params.keyActions.length ? req.params.keyActions : undefined;
    const tables: Tables = {
      activity: available && kpi === 'customer_engagement_score' ? await rollups.activity(keyActions) : '',
      periodAccounts:
        available && kpi === 'engagement_metrics'
          ? await rollups.periodAccounts(req.periods, req.params.activeEvents)
          : '',
      sessions: available && kpi === 'engagement_metrics' ? await rollups.sessions(req.params) : '',
      customerMrr:
        available && kpi === 'customer_segmentation' ? await rollups.customerMrr(req.periods) : undefined,
      subscribed:
        available && kpi === 'customer_engagement_score' ? await rollups.subscribed(req.periods) : undefined,
    };
    const rows = available ? await engine.query(build(req, tables, params), params.values) : [];
    const byKey = new Map(rows.map((r) => [`${String(r.period_start)}|${String(r.segment)}`, r]));
    results.push(
      ...assemble(
        req,
        [kpi],
        [byKey],
        () => available,
        (k, ctx, key) => familyRows(k, ctx, byKey.get(key)),
      ),
    );
  }
  return results;
}

function familyRows(kpi: string, ctx: ResultContext, r: Row | undefined): KpiResult[] {
  const part = (name: string): ResultContext => ({ ...ctx, kpi: `${kpi}.${name}` });
  if (kpi === 'engagement_metrics') {
    const users = num(r, 'users');
    const sessions = num(r, 'sessions');
    return [
      ratioResult(ctx, num(r, 'events'), users, users),
      ratioResult(part('sessions_per_user'), sessions, users, users),
      ratioResult(part('mean_session_minutes'), num(r, 'session_minutes'), sessions, sessions),
      ratioResult(part('key_actions_per_session'), num(r, 'key_action_events'), sessions, sessions),
    ];
  }
  if (kpi === 'customer_engagement_score') {
    const accounts = num(r, 'accounts');
    const mid = accounts - num(r, 'low') - num(r, 'high');
    return [
      ratioResult(ctx, num(r, 'score_sum'), accounts, accounts),
      ratioResult(part('share_low'), num(r, 'low'), accounts, accounts),
      ratioResult(part('share_mid'), mid, accounts, accounts),
      ratioResult(part('share_high'), num(r, 'high'), accounts, accounts),
    ];
  }
  const total = LIFECYCLE_STATES.reduce((sum, s) => sum + num(r, s), 0);
  return [
    amountResult(ctx, total, total),
    ...LIFECYCLE_STATES.map((s) => ratioResult(part(s), num(r, s), total, total)),
  ];
}
