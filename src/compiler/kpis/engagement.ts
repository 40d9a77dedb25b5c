// Engagement metrics (a family), the customer engagement score (engagement-score.ts), and customer
// segmentation by lifecycle stage and RFM group (KPI-DEFAULTS.md; segments.ts defines both). Extra outputs of
// a KPI are result rows whose id extends the KPI's: `kpi.part`, or `kpi.group.item` for a group of them
// (`customer_segmentation.lifecycle.new`, `customer_segmentation.rfm.champions`).
// A column read through a join is named in the SELECT (`x.day AS day`): ClickHouse names a bare `x.day`
// "x.day" when another table of the join has a `day`, and the readers of the rows would not find it.
import {
  amountResult,
  type KpiResult,
  type ResultContext,
  ratioResult,
  subResult,
} from '../../results/kpi-result.ts';
import type { Engine, Row } from '../../warehouse/engine.ts';
import { SqlParams } from '../../warehouse/sql-builder.ts';
import { tableHasRows } from '../../warehouse/table-checks.ts';
import { type PeriodSegmentTables, segmentJoin, segmentSql, segmentsAt } from '../dimensions.ts';
import type { FamilyRequest } from '../family-request.ts';
import { assemble } from '../result-grid.ts';
import { type RunRollups, type SessionParams, withRollups } from '../rollups/run-rollups.ts';
import { DEFAULT_RFM_WINDOW_DAYS, LIFECYCLE_STATES, RFM_GROUPS } from '../segments.ts';
import { periodDaysSql, periodsValues, secondsBetween } from '../sql-time.ts';
import { type ScoreParams, type ScoreScale, scoreScale, scoreSql } from './engagement-score.ts';

export interface EngagementParams extends SessionParams, ScoreParams {
  /** Events that make a user active (empty: every event). */
  readonly activeEvents: readonly string[];
  /** Days before T in which RFM counts active days and revenue (customer segmentation). */
  readonly rfmWindowDays: number;
}

export const DEFAULT_ENGAGEMENT_PARAMS: EngagementParams = {
  activeEvents: [],
  sessionGapMinutes: 30,
  keyActions: ['create_report', 'share_dashboard', 'export_data'],
  keyActionWeights: {},
  keyActionCaps: {},
  rfmWindowDays: DEFAULT_RFM_WINDOW_DAYS,
};

export const ENGAGEMENT_KPIS = [
  'engagement_metrics',
  'customer_engagement_score',
  'customer_segmentation',
] as const;
export { LIFECYCLE_STATES } from '../segments.ts';

export type EngagementRequest = FamilyRequest<EngagementParams>;

/** Per period and segment: active users, their events, and the sessions starting in the period. */
function metricsSql(req: EngagementRequest, t: Tables, params: SqlParams): string {
  return `WITH periods AS (${periodsValues(req.periods, params)}),
  period_days AS (${periodDaysSql(params.dialect, req.periods)}),
  -- Users and their events per period and account first (the run's period accounts), then the account's
  -- segment: cheaper than a distinct count.
  activity AS (
    SELECT u.period_start AS period_start, ${segmentSql(req.by, params)} AS segment, sum(u.users) AS users,
      sum(u.events) AS events
    FROM ${t.periodAccounts} u ${segmentJoin(req.by, 'u.customer_id', segmentsAt('u.period_start', t.segments))}
    GROUP BY 1, 2),
  session_totals AS (
    SELECT pd.period_start AS period_start, ${segmentSql(req.by, params)} AS segment, count(*) AS sessions,
      sum(${secondsBetween(params.dialect, 's.ended_at', 's.started_at')}) / 60.0 AS session_minutes,
      sum(s.key_action_events) AS key_action_events
    FROM ${t.sessions} s JOIN period_days pd ON pd.day = s.day
    ${segmentJoin(req.by, 's.customer_id', segmentsAt('pd.period_start', t.segments))}
    GROUP BY 1, 2)
  SELECT coalesce(a.period_start, t.period_start) AS period_start, coalesce(a.segment, t.segment) AS segment,
    coalesce(a.users, 0) AS users, coalesce(a.events, 0) AS events, coalesce(t.sessions, 0) AS sessions,
    coalesce(t.session_minutes, 0) AS session_minutes, coalesce(t.key_action_events, 0) AS key_action_events
  FROM activity a FULL JOIN session_totals t ON t.period_start = a.period_start AND t.segment = a.segment`;
}

/**
 * Per period, segment and kind ('lifecycle' or 'rfm'): the customers in each stage or group at p_end
 * (`part`), from the run's tables of period segments (customers with none are in no row).
 */
function segmentationSql(req: EngagementRequest, t: Tables, params: SqlParams): string {
  const kinds = [
    ['lifecycle', t.lifecycle],
    ['rfm', t.rfm],
  ] as const;
  return kinds
    .map(
      ([kind, table]) => `SELECT x.period_start AS period_start, ${segmentSql(req.by, params)} AS segment,
    '${kind}' AS kind, x.segment AS part, count(*) AS customers
  FROM ${table} x ${segmentJoin(req.by, 'x.customer_id', segmentsAt('x.period_start', t.segments))}
  GROUP BY 1, 2, 3, 4`,
    )
    .join('\n  UNION ALL\n  ');
}

const num = (r: Row | undefined, k: string) => Number(r?.[k] ?? 0);

/** The run's rollups a query reads (built only when a query needs them). */
interface Tables {
  readonly periodAccounts: string;
  readonly sessions: string;
  readonly lifecycle: string;
  readonly rfm: string;
  /** The period segments the breakdown reads. */
  readonly segments: PeriodSegmentTables;
}

export function computeEngagementKpis(engine: Engine, req: EngagementRequest): Promise<KpiResult[]> {
  return withRollups(engine, req.rollups, (session, rollups) => engagementKpis(session, rollups, req));
}

/** Engagement metrics' or segmentation's rows per period and segment (and kind and part). */
async function familyQuery(
  engine: Engine,
  rollups: RunRollups,
  req: EngagementRequest,
  kpi: string,
): Promise<Row[]> {
  const metrics = kpi === 'engagement_metrics';
  const rfm = { asOf: req.asOf, windowDays: req.params.rfmWindowDays };
  const tables: Tables = {
    periodAccounts: metrics ? await rollups.periodAccounts(req.periods, req.params.activeEvents) : '',
    sessions: metrics ? await rollups.sessions(req.params) : '',
    lifecycle: metrics ? '' : await rollups.periodSegments('lifecycle', req.periods, rfm),
    rfm: metrics ? '' : await rollups.periodSegments('rfm', req.periods, rfm),
    segments: await rollups.segmentTables(req.by, req.periods, req),
  };
  const params = new SqlParams(engine.dialect);
  const sql = (metrics ? metricsSql : segmentationSql)(req, tables, params);
  return engine.query(sql, params.values);
}

/** The engagement score's scale and rows; no rows when there is nothing to score against or with. */
async function scoreQuery(
  engine: Engine,
  rollups: RunRollups,
  req: EngagementRequest,
): Promise<{ scale: ScoreScale | undefined; rows: Row[] }> {
  const scale = await scoreScale(engine, rollups, req);
  if (!scale || scale.totalWeight <= 0) return { scale, rows: [] };
  const tables = {
    activity: await rollups.activity(scale.actions.map((a) => a.name)),
    subscribed: await rollups.subscribed(req.periods),
    segments: await rollups.segmentTables(req.by, req.periods, req),
  };
  const params = new SqlParams(engine.dialect);
  return { scale, rows: await engine.query(scoreSql(req, scale, tables, params), params.values) };
}

async function engagementKpis(
  engine: Engine,
  rollups: RunRollups,
  req: EngagementRequest,
): Promise<KpiResult[]> {
  const wanted = req.kpis.filter((k) => (ENGAGEMENT_KPIS as readonly string[]).includes(k));
  const results: KpiResult[] = [];
  for (const kpi of wanted) {
    const score = kpi === 'customer_engagement_score';
    const available =
      kpi === 'customer_segmentation'
        ? (await tableHasRows(engine, 'subscription_changes')) ||
          (await tableHasRows(engine, 'events')) ||
          (await tableHasRows(engine, 'orders'))
        : (await tableHasRows(engine, kpi === 'engagement_metrics' ? 'events' : 'subscription_changes')) &&
          (!score || (await tableHasRows(engine, 'events')));
    let scale: ScoreScale | undefined;
    let rows: Row[] = [];
    if (available && score) ({ scale, rows } = await scoreQuery(engine, rollups, req));
    else if (available) rows = await familyQuery(engine, rollups, req, kpi);
    const byKey = new Map(rows.map((r) => [`${String(r.period_start)}|${String(r.segment)}`, r]));
    // Segmentation's rows: one per stage or group, keyed by their kind and part too.
    const parts = new Map(
      rows.map((r) => [`${String(r.period_start)}|${String(r.segment)}|${r.kind}|${r.part}`, r]),
    );
    results.push(
      ...assemble(
        req,
        [kpi],
        [byKey],
        () => available,
        (k, ctx, key) =>
          score
            ? scoreRows(ctx, byKey.get(key), scale)
            : k === 'customer_segmentation'
              ? segmentationRows(ctx, (kind, part) => num(parts.get(`${key}|${kind}|${part}`), 'customers'))
              : metricsRows(ctx, byKey.get(key)),
      ),
    );
  }
  return results;
}

/**
 * The score's mean and its bands' shares. Without a scale (a cap must come from reference months none of
 * which is over) nothing is scored: null, censored. With a provisional scale every row is censored.
 */
function scoreRows(ctx: ResultContext, r: Row | undefined, scale: ScoreScale | undefined): KpiResult[] {
  const accounts = num(r, 'accounts');
  const low = num(r, 'low');
  const high = num(r, 'high');
  const rows =
    scale && scale.totalWeight > 0
      ? [
          ratioResult(ctx, num(r, 'score_sum'), accounts, accounts),
          ratioResult(subResult(ctx, 'share_low'), low, accounts, accounts),
          ratioResult(subResult(ctx, 'share_mid'), accounts - low - high, accounts, accounts),
          ratioResult(subResult(ctx, 'share_high'), high, accounts, accounts),
        ]
      : [ctx, subResult(ctx, 'share_low'), subResult(ctx, 'share_mid'), subResult(ctx, 'share_high')].map(
          (c) =>
            // Σ w_e = 0: the score's denominator; no scale: an amount that is not there yet.
            scale
              ? ratioResult(c, 0, 0, accounts)
              : { ...amountResult(c, 0, 0), value: null, numerator: null },
        );
  if (scale && !scale.provisional) return rows;
  return rows.map((x) => ({ ...x, flags: [...x.flags, 'censored'] }));
}

/** Engagement metrics: events per active user, with the family's other members as `.part` rows. */
function metricsRows(ctx: ResultContext, r: Row | undefined): KpiResult[] {
  const users = num(r, 'users');
  const sessions = num(r, 'sessions');
  return [
    ratioResult(ctx, num(r, 'events'), users, users),
    ratioResult(subResult(ctx, 'sessions_per_active_user'), sessions, users, users),
    ratioResult(subResult(ctx, 'mean_session_minutes'), num(r, 'session_minutes'), sessions, sessions),
    ratioResult(subResult(ctx, 'key_actions_per_session'), num(r, 'key_action_events'), sessions, sessions),
  ];
}

/**
 * Customer segmentation: the customers with a lifecycle stage, and the share in each stage
 * (`.lifecycle.<stage>`) and in each RFM group among those scored (`.rfm.<group>`).
 */
function segmentationRows(ctx: ResultContext, count: (kind: string, part: string) => number): KpiResult[] {
  const staged = LIFECYCLE_STATES.reduce((sum, s) => sum + count('lifecycle', s), 0);
  const scored = RFM_GROUPS.reduce((sum, g) => sum + count('rfm', g), 0);
  return [
    amountResult(ctx, staged, staged),
    ...LIFECYCLE_STATES.map((s) =>
      ratioResult(subResult(ctx, `lifecycle.${s}`), count('lifecycle', s), staged, staged),
    ),
    ...RFM_GROUPS.map((g) => ratioResult(subResult(ctx, `rfm.${g}`), count('rfm', g), scored, scored)),
  ];
}
