// Activation KPIs: milestone completion, follow-up engagement after activation, activation-cohort
// retention (day N), the funnel drop-off rate and the time to exceed value (KPI-DEFAULTS.md). The warehouse
// returns counts (and medians, continuous percentiles) per period × segment; ratios are taken here.
//
// Choices where KPI-DEFAULTS.md leaves room (each is tested):
// - activation: an account's first occurrence of each milestone counts when it happens no later than
//   signed_up_at + activation_window_days (events before signup count as done at signup); activated_at is
//   the latest of those first occurrences. Accounts are customers; events are tied by customer_id.
// - milestone completion: an account signed up in P counts once signed_up_at + window ≤ as_of; the rest
//   are censored. Per-milestone rows share that denominator.
// - cohort retention: d0 = the UTC day of activated_at; a cohort enters for N once day d0+N has ended
//   (d0+N < the day of as_of). on_or_after: active on some day ≥ d0+N, before as_of. The plain id is the
//   first of `nDays` (default 7).
// - drop-off: per account, the first step-1 event in P starts the funnel; each next step is the earliest
//   event of that name strictly after the previous step and at most window_days after step 1. Accounts
//   whose window reaches past as_of are censored (left out of every step). `.per_step.step_<i>` (i ≥ 2) is
//   1 − reached(i)/reached(i−1).
// - sub-results are named as the catalog's `also` says: `.per_milestone.<milestone>`, `.per_day.d<N>`,
//   `.per_step.step_<i>`, `.share_reaching`.
// - time to exceed value: signals at or after signup. An account counts once its horizon is over
//   (signed_up_at + horizon_days ≤ as_of), whether it reached the signal or not: one whose horizon is open is
//   censored, left out of the share's numerator and denominator and of the median, even when it has already
//   reached it (counting early successes while dropping open failures would lift every recent share). The
//   median (fractional days) is over the accounts of closed horizons that reached it within them.
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
import {
  type PeriodSegmentTables,
  periodSegmentJoin,
  segmentJoin,
  segmentSql,
  segmentsAt,
} from '../dimensions.ts';
import { eventFilter } from '../event-filter.ts';
import type { FamilyRequest } from '../family-request.ts';
import { assemble } from '../result-grid.ts';
import { type RunRollups, withRollups } from '../rollups/run-rollups.ts';
import { instantParam, periodDaysSql, periodsValues, secondsBetween } from '../sql-time.ts';

export interface ActivationParams {
  readonly activationMilestones: readonly string[];
  readonly activationWindowDays: number;
  /** Events that count as follow-up engagement (empty: every event). */
  readonly engagementEvents: readonly string[];
  /** Days after activation in which follow-up engagement must come. */
  readonly days: number;
  /** Events that make an account active on a day (empty: every event). */
  readonly activeEvents: readonly string[];
  readonly nDays: readonly number[];
  readonly mode: 'on_day' | 'on_or_after';
  readonly funnelSteps: readonly string[];
  readonly windowDays: number;
  /** Events that signal value exceeded, besides a top CSAT and a high NPS. */
  readonly valueExceeded: readonly string[];
  readonly csatTop: number;
  readonly npsAtLeast: number;
  readonly horizonDays: number;
}

export const DEFAULT_ACTIVATION_PARAMS: ActivationParams = {
  activationMilestones: ['create_project', 'invite_teammate', 'connect_integration'],
  activationWindowDays: 14,
  engagementEvents: [
    'create_report',
    'share_dashboard',
    'export_data',
    'use_reports',
    'use_dashboards',
    'use_alerts',
    'use_api',
  ],
  days: 7,
  activeEvents: [],
  nDays: [7, 30],
  mode: 'on_day',
  funnelSteps: ['signup_started', 'workspace_created', 'first_project_created', 'teammate_invited'],
  windowDays: 7,
  valueExceeded: [],
  csatTop: 5,
  npsAtLeast: 9,
  horizonDays: 90,
};

export type ActivationRequest = FamilyRequest<ActivationParams>;

export const ACTIVATION_KPIS = [
  'activation_milestone_completion',
  'activated_follow_up_engagement_rate',
  'activation_cohort_retention',
  'drop_off_rate',
  'time_to_exceed_value',
] as const;

/** `ts` plus a bound number of days. */
const plusDays = (params: SqlParams, ts: string, days: number) =>
  params.dialect.addInterval(ts, params.bind(days), 'day');
const unique = (xs: readonly string[]) => [...new Set(xs)];

/**
 * `(customer_id, name, done_at)`: each account's first event of each milestone within its activation window.
 * The first of a day's events of a name is the first_at of its activity row, so the first in the window is
 * the least first_at inside it.
 */
function milestoneFirstsSql(req: ActivationRequest, activity: string, params: SqlParams): string {
  const milestones = unique(req.params.activationMilestones);
  const names = milestones.length ? milestones.map((m) => params.bind(m)).join(', ') : 'NULL';
  // The window's end once per account, not once per activity row.
  return `SELECT cu.customer_id AS customer_id, a.name AS name, min(a.first_at) AS done_at
    FROM (SELECT c.customer_id, ${plusDays(params, 'c.signed_up_at', req.params.activationWindowDays)} AS window_end
      FROM customers c WHERE ${signedUpWithin(req, 'c', params)}) cu
    JOIN ${activity} a ON a.customer_id = cu.customer_id
    WHERE a.name IN (${names}) AND a.first_at <= cu.window_end
    GROUP BY 1, 2`;
}

/** `(customer_id, signed_up_at, activated_at)`: activated when every milestone is done (from `firsts`). */
function activatedSql(req: ActivationRequest, firsts: string, params: SqlParams): string {
  const k = unique(req.params.activationMilestones).length;
  return `SELECT cu.customer_id AS customer_id, cu.signed_up_at AS signed_up_at, CASE
      WHEN ${k} = 0 THEN cu.signed_up_at
      WHEN count(m.name) = ${k} THEN max(m.done_at) END AS activated_at
    FROM customers cu LEFT JOIN ${firsts} m ON m.customer_id = cu.customer_id
    WHERE ${signedUpWithin(req, 'cu', params)}
    GROUP BY 1, 2`;
}

/**
 * The accounts a request's periods can hold, as a condition on `customers` row `c`: those signed up in a
 * period, and those activated in one (within the window after signing up), so signed up from the first
 * period's start less the window to the last period's end. Every account when there are no periods (an
 * experiment's units).
 */
function signedUpWithin(req: ActivationRequest, c: string, params: SqlParams): string {
  const bounds = signupBounds(req);
  if (!bounds) return 'TRUE';
  return `${c}.signed_up_at >= ${instantParam(params, bounds.from)} AND ${c}.signed_up_at < ${instantParam(params, bounds.to)}`;
}

function signupBounds(req: ActivationRequest): { from: string; to: string } | undefined {
  if (req.periods.length === 0) return undefined;
  const starts = req.periods.map((p) => Date.parse(p.start));
  const ends = req.periods.map((p) => Date.parse(p.end));
  const from = Math.min(...starts) - req.params.activationWindowDays * 86_400_000;
  return { from: new Date(from).toISOString(), to: new Date(Math.max(...ends)).toISOString() };
}

/**
 * The run's tables of milestone firsts and activation times for these parameters, built once and read by
 * the milestone, follow-up and cohort-retention queries (each adds its own periods and segments).
 */
export async function activationTables(
  rollups: RunRollups,
  req: ActivationRequest,
  activity: string,
): Promise<ActivationTables> {
  const key = JSON.stringify([
    activity,
    unique(req.params.activationMilestones),
    req.params.activationWindowDays,
    signupBounds(req),
  ]);
  const firsts = await rollups.shared(
    `milestone_firsts ${key}`,
    (p) => `/* milestone_firsts */ ${milestoneFirstsSql(req, activity, p)}`,
  );
  const activated = await rollups.shared(
    `activated ${key}`,
    (p) => `/* activated */ ${activatedSql(req, firsts, p)}`,
  );
  return { firsts, activated };
}

export interface ActivationTables {
  readonly firsts: string;
  readonly activated: string;
}

/**
 * CTEs `periods`, `milestone_firsts(customer_id, name, done_at)`, `activation_times`, and
 * `activation(customer_id, signed_up_at, activated_at)`; from the run's tables when given. A reader gives
 * each account its segment once it has placed it in a period (`periodSegment`).
 */
export function activationCtes(
  req: ActivationRequest,
  activity: string,
  params: SqlParams,
  built?: ActivationTables,
): string {
  return `periods AS (${periodsValues(req.periods, params)}),
  milestone_firsts AS (${built ? `SELECT * FROM ${built.firsts}` : milestoneFirstsSql(req, activity, params)}),
  activation_times AS (${built ? `SELECT * FROM ${built.activated}` : activatedSql(req, 'milestone_firsts', params)}),
  activation AS (SELECT x.customer_id, x.signed_up_at, x.activated_at FROM activation_times x)`;
}

/**
 * The segment of the account `a.customer_id` in the period `p.period_start` (after `FROM activation a JOIN
 * periods p …`): the SQL of the segment, and the joins that follow the period's.
 */
export function periodSegment(
  req: { readonly by?: string },
  segments: PeriodSegmentTables,
  params: SqlParams,
): { sql: string; join: string } {
  return {
    sql: segmentSql(req.by, params),
    join: segmentJoin(req.by, 'a.customer_id', segmentsAt('p.period_start', segments)),
  };
}

/** Rows (period_start, segment, part, eligible, censored, hits); part '' is the whole, else a milestone. */
function milestonesSql(
  req: ActivationRequest,
  built: ActivationTables,
  segments: PeriodSegmentTables,
  params: SqlParams,
): string {
  const ctes = activationCtes(req, '', params, built);
  const segment = periodSegment(req, segments, params);
  const closed = `${plusDays(params, 'a.signed_up_at', req.params.activationWindowDays)} <= ${instantParam(params, req.asOf)}`;
  return `WITH ${ctes},
  cohort AS (
    SELECT p.period_start AS period_start, ${segment.sql} AS segment, a.customer_id AS customer_id,
      a.activated_at AS activated_at, CASE WHEN ${closed} THEN 1 ELSE 0 END AS closed
    FROM activation a JOIN periods p ON a.signed_up_at >= p.period_start AND a.signed_up_at < p.period_end
    ${segment.join})
  SELECT c.period_start AS period_start, c.segment AS segment, '' AS part, sum(c.closed) AS eligible,
    count(*) - sum(c.closed) AS censored,
    count(CASE WHEN c.closed = 1 AND c.activated_at IS NOT NULL THEN 1 END) AS hits
  FROM cohort c GROUP BY 1, 2, 3
  UNION ALL
  SELECT c.period_start, c.segment, m.name, 0, 0, count(*)
  FROM cohort c JOIN milestone_firsts m ON m.customer_id = c.customer_id WHERE c.closed = 1
  GROUP BY 1, 2, 3`;
}

function followUpSql(
  req: ActivationRequest,
  activity: string,
  built: ActivationTables,
  segments: PeriodSegmentTables,
  params: SqlParams,
): string {
  const ctes = activationCtes(req, activity, params, built);
  const segment = periodSegment(req, segments, params);
  const asOf = instantParam(params, req.asOf);
  return `WITH ${ctes},
  activated AS (
    SELECT p.period_start AS period_start, ${segment.sql} AS segment, a.customer_id AS customer_id,
      a.activated_at AS activated_at, ${plusDays(params, 'a.activated_at', req.params.days)} AS follow_end
    FROM activation a JOIN periods p ON a.activated_at >= p.period_start AND a.activated_at < p.period_end
    ${segment.join}),
  marked AS (SELECT a.*, CASE WHEN a.follow_end <= ${asOf} THEN 1 ELSE 0 END AS closed FROM activated a),
  -- An activity row (one UTC day) holds an event in (activated_at, follow_end] when its last event is after
  -- activated_at and its first is not after follow_end: the window is at least a day long (days ≥ 1), so
  -- no day's events can straddle it on both sides.
  engaged AS (
    SELECT DISTINCT a.period_start AS period_start, a.customer_id AS customer_id FROM marked a
    JOIN ${activity} x ON x.customer_id = a.customer_id AND x.last_at > a.activated_at
      AND x.first_at <= a.follow_end
    WHERE a.closed = 1 AND ${eventFilter('x', req.params.engagementEvents, params)})
  SELECT a.period_start AS period_start, a.segment AS segment, '' AS part, sum(a.closed) AS eligible,
    count(*) - sum(a.closed) AS censored, count(g.customer_id) AS hits
  FROM marked a LEFT JOIN engaged g ON g.period_start = a.period_start AND g.customer_id = a.customer_id
  GROUP BY 1, 2, 3`;
}

/** Rows per period, segment and N (part = 'd<N>'); active days come from the user-days rollup. */
function cohortRetentionSql(
  req: ActivationRequest,
  t: { activity: string; userDays: string; built: ActivationTables; segments: PeriodSegmentTables },
  params: SqlParams,
): string {
  const ctes = activationCtes(req, t.activity, params, t.built);
  const segment = periodSegment(req, t.segments, params);
  const asOf = instantParam(params, req.asOf);
  const offsets = unique(req.params.nDays.map(String)).map(
    (n) => `(CAST(${params.bind(Number(n))} AS INTEGER))`,
  );
  const isActive = `a.first_at < ${asOf}`;
  // On day N: the user-days of that very day, found by an equality join. On or after day N: the account's
  // last active day is on or after it.
  const returned =
    req.params.mode === 'on_or_after'
      ? `last_days AS (
    SELECT a.customer_id AS customer_id, max(a.day) AS last_day FROM ${t.userDays} a WHERE ${isActive} GROUP BY 1),
  returned AS (
    SELECT c.period_start AS period_start, c.customer_id AS customer_id, c.n AS n FROM cells c
    JOIN last_days d ON d.customer_id = c.customer_id AND d.last_day >= c.d0 + c.n
    WHERE c.observed = 1)`
      : `returned AS (
    SELECT DISTINCT c.period_start AS period_start, c.customer_id AS customer_id, c.n AS n FROM cells c
    JOIN ${t.userDays} a ON a.customer_id = c.customer_id AND a.day = c.d0 + c.n
    WHERE c.observed = 1 AND ${isActive})`;
  return `WITH ${ctes},
  offsets AS (SELECT * FROM (VALUES ${offsets.join(', ')}) AS v(n)),
  cells AS (
    SELECT p.period_start AS period_start, ${segment.sql} AS segment, a.customer_id AS customer_id,
      ${params.dialect.utcDay('a.activated_at')} AS d0, o.n AS n,
      CASE WHEN ${params.dialect.utcDay('a.activated_at')} + o.n < ${params.dialect.utcDay(asOf)} THEN 1 ELSE 0 END AS observed
    FROM activation a JOIN periods p ON a.activated_at >= p.period_start AND a.activated_at < p.period_end
    ${segment.join}
    CROSS JOIN offsets o),
  ${returned}
  SELECT c.period_start AS period_start, c.segment AS segment, 'd' || CAST(c.n AS VARCHAR) AS part,
    sum(c.observed) AS eligible,
    count(*) - sum(c.observed) AS censored, count(r.customer_id) AS hits
  FROM cells c LEFT JOIN returned r ON r.period_start = c.period_start AND r.customer_id = c.customer_id
    AND r.n = c.n
  GROUP BY 1, 2, 3`;
}

/**
 * Rows per period and segment: censored, reached_1 … reached_k (accounts whose window is over). `steps`:
 * the run's table of the events of steps 2…k (RunRollups.namedEvents); unused with one step.
 */
export function funnelSql(
  req: ActivationRequest,
  activity: string,
  steps: string,
  segments: PeriodSegmentTables,
  params: SqlParams,
): string {
  const names = req.params.funnelSteps;
  const windowEnd = (t1: string) => plusDays(params, t1, req.params.windowDays);
  const asOf = instantParam(params, req.asOf);
  const ctes = [
    `periods AS (${periodsValues(req.periods, params)})`,
    `period_days AS (${periodDaysSql(params.dialect, req.periods)})`,
    `starts AS (
    SELECT pd.period_start AS period_start, a.customer_id AS customer_id, min(a.first_at) AS t1
    FROM ${activity} a
    JOIN period_days pd ON pd.day = a.day
    WHERE a.name = ${params.bind(names[0] ?? '')} GROUP BY 1, 2)`,
    `reach_1 AS (SELECT period_start, customer_id, t1, t1 AS t FROM starts WHERE ${windowEnd('t1')} <= ${asOf})`,
  ];
  for (let i = 2; i <= names.length; i++) {
    ctes.push(`reach_${i} AS (
    SELECT s.period_start AS period_start, s.customer_id AS customer_id, s.t1 AS t1, min(e.occurred_at) AS t
    FROM reach_${i - 1} s
    JOIN ${steps} e ON e.customer_id = s.customer_id AND e.name = ${params.bind(names[i - 1] ?? '')}
      AND e.occurred_at > s.t AND e.occurred_at <= ${windowEnd('s.t1')}
    GROUP BY 1, 2, 3)`);
  }
  const counts = names.map((_, i) => `count(r${i + 1}.customer_id) AS reached_${i + 1}`);
  const joins = names.map(
    (_, i) =>
      `LEFT JOIN reach_${i + 1} r${i + 1} ON r${i + 1}.period_start = s.period_start AND r${i + 1}.customer_id = s.customer_id`,
  );
  return `WITH ${ctes.join(',\n  ')}
  SELECT s.period_start AS period_start, ${segmentSql(req.by, params)} AS segment,
    count(*) - count(r1.customer_id) AS censored,
    ${counts.join(', ')}
  FROM starts s ${segmentJoin(req.by, 's.customer_id', segmentsAt('s.period_start', segments))} ${joins.join(' ')}
  GROUP BY 1, 2`;
}

/** `signals`: the run's table of the value-exceeded events (RunRollups.namedEvents), when some are named. */
function exceedValueSql(
  req: ActivationRequest,
  signals: string | undefined,
  segments: PeriodSegmentTables,
  params: SqlParams,
): string {
  const horizonEnd = plusDays(params, 'c.signed_up_at', req.params.horizonDays);
  const asOf = instantParam(params, req.asOf);
  const events = signals ? `SELECT e.customer_id, e.occurred_at AS at FROM ${signals} e UNION ALL ` : '';
  const reachedDays = `CASE WHEN reached = 1 AND closed = 1
      THEN ${secondsBetween(params.dialect, 'first_at', 'signed_up_at')} / 86400.0 END`;
  return `WITH periods AS (${periodsValues(req.periods, params)}),
  signals AS (
    ${events}SELECT f.customer_id, f.answered_at AS at FROM feedback f
    WHERE (f.kind = 'csat' AND f.score >= ${params.bind(req.params.csatTop)})
      OR (f.kind = 'nps' AND f.score >= ${params.bind(req.params.npsAtLeast)})),
  cohort AS (
    SELECT p.period_start AS period_start, ${segmentSql(req.by, params)} AS segment, cu.customer_id AS customer_id,
      cu.signed_up_at AS signed_up_at, min(g.at) AS first_at
    FROM customers cu JOIN periods p ON cu.signed_up_at >= p.period_start AND cu.signed_up_at < p.period_end
    ${periodSegmentJoin(req.by, 'cu.customer_id', segmentsAt('p.period_start', segments))}
    LEFT JOIN signals g ON g.customer_id = cu.customer_id AND g.at >= cu.signed_up_at
    GROUP BY 1, 2, 3, 4),
  marked AS (
    SELECT c.*, CASE WHEN c.first_at <= ${horizonEnd} THEN 1 ELSE 0 END AS reached,
      CASE WHEN ${horizonEnd} <= ${asOf} THEN 1 ELSE 0 END AS closed
    FROM cohort c)
  SELECT period_start, segment, '' AS part, sum(reached * closed) AS hits, sum(1 - closed) AS censored,
    sum(closed) AS eligible,
    ${params.dialect.percentileCont('0.5', reachedDays)} AS median_days
  FROM marked GROUP BY 1, 2, 3`;
}

// ---- shared result helpers (features.ts uses them too) ----

export const num = (r: Row | undefined, k: string) => Number(r?.[k] ?? 0);

/** Runs a query and indexes its rows by `period_start|segment|part` (part '' when the query has none). */
export async function runKeyed(
  engine: Engine,
  build: (p: SqlParams) => string | Promise<string>,
): Promise<Map<string, Row>> {
  const params = new SqlParams(engine.dialect);
  const rows = await engine.query(await build(params), params.values);
  return new Map(
    rows.map((r) => [`${String(r.period_start)}|${String(r.segment)}|${String(r.part ?? '')}`, r]),
  );
}

/** A ratio that carries `censored` when any unit was left out because its window is still open. */
export function censoredRatio(
  ctx: ResultContext,
  hits: number,
  eligible: number,
  censored: number,
): KpiResult {
  const r = ratioResult(ctx, hits, eligible, eligible);
  return censored > 0 ? { ...r, flags: [...r.flags, 'censored'] } : r;
}

/** A median in days over `n` units; null (flagged zero_denominator) when there is none. */
export function medianResult(
  ctx: ResultContext,
  median: number | null,
  n: number,
  censored: number,
): KpiResult {
  const r = amountResult(ctx, median ?? 0, n);
  const flags = [...r.flags];
  if (median === null || n === 0) flags.push('zero_denominator');
  if (censored > 0) flags.push('censored');
  return median === null || n === 0 ? { ...r, value: null, numerator: null, flags } : { ...r, flags };
}

export function computeActivationKpis(engine: Engine, req: ActivationRequest): Promise<KpiResult[]> {
  return withRollups(engine, req.rollups, (session, rollups) => activationKpis(session, rollups, req));
}

async function activationKpis(
  engine: Engine,
  rollups: RunRollups,
  req: ActivationRequest,
): Promise<KpiResult[]> {
  const wanted = req.kpis.filter((k) => (ACTIVATION_KPIS as readonly string[]).includes(k));
  if (wanted.length === 0) return [];
  const hasEvents = await tableHasRows(engine, 'events');
  const hasFeedback = await tableHasRows(engine, 'feedback');
  const none = new Map<string, Row>();
  const want = (k: string) => wanted.includes(k) && hasEvents;
  // Each query asks activity for the names it reads: milestones, follow-up events (none: every event), the
  // funnel's first step.
  const milestoneNames = unique(req.params.activationMilestones);
  const followUpNames = req.params.engagementEvents.length
    ? [...milestoneNames, ...req.params.engagementEvents]
    : undefined;
  const built = async () => activationTables(rollups, req, await rollups.activity(milestoneNames));
  const segments = hasEvents || hasFeedback ? await rollups.segmentTables(req.by, req.periods, req) : {};
  const milestones = want('activation_milestone_completion')
    ? await runKeyed(engine, async (p) => milestonesSql(req, await built(), segments, p))
    : none;
  const followUp = want('activated_follow_up_engagement_rate')
    ? await runKeyed(engine, async (p) =>
        followUpSql(req, await rollups.activity(followUpNames), await built(), segments, p),
      )
    : none;
  const retention = want('activation_cohort_retention')
    ? await runKeyed(engine, async (p) =>
        cohortRetentionSql(
          req,
          {
            activity: await rollups.activity(milestoneNames),
            userDays: await rollups.userDays(req.params.activeEvents),
            built: await built(),
            segments,
          },
          p,
        ),
      )
    : none;
  const funnel =
    want('drop_off_rate') && req.params.funnelSteps.length > 0
      ? await runKeyed(engine, async (p) =>
          funnelSql(
            req,
            await rollups.activity(req.params.funnelSteps.slice(0, 1)),
            req.params.funnelSteps.length > 1
              ? await rollups.namedEvents(req.params.funnelSteps.slice(1))
              : '',
            segments,
            p,
          ),
        )
      : none;
  const exceedData = hasFeedback || (hasEvents && req.params.valueExceeded.length > 0);
  const exceed =
    wanted.includes('time_to_exceed_value') && exceedData
      ? await runKeyed(engine, async (p) =>
          exceedValueSql(
            req,
            hasEvents && req.params.valueExceeded.length
              ? await rollups.namedEvents(req.params.valueExceeded)
              : undefined,
            segments,
            p,
          ),
        )
      : none;
  const hasData = (kpi: string) => (kpi === 'time_to_exceed_value' ? exceedData : hasEvents);
  const main = (m: Map<string, Row>, ctx: ResultContext, key: string) => {
    const r = m.get(`${key}|`);
    return censoredRatio(ctx, num(r, 'hits'), num(r, 'eligible'), num(r, 'censored'));
  };
  return assemble(
    req,
    wanted,
    [milestones, followUp, retention, funnel, exceed],
    hasData,
    (kpi, ctx, key) => {
      switch (kpi) {
        case 'activation_milestone_completion': {
          const whole = milestones.get(`${key}|`);
          const extra = unique(req.params.activationMilestones).map((m) =>
            censoredRatio(
              subResult(ctx, `per_milestone.${m}`),
              num(milestones.get(`${key}|${m}`), 'hits'),
              num(whole, 'eligible'),
              num(whole, 'censored'),
            ),
          );
          return [main(milestones, ctx, key), ...extra];
        }
        case 'activated_follow_up_engagement_rate':
          return [main(followUp, ctx, key)];
        case 'activation_cohort_retention': {
          const ns = unique(req.params.nDays.map(String));
          const at = (n: string, c: ResultContext) => {
            const r = retention.get(`${key}|d${n}`);
            return censoredRatio(c, num(r, 'hits'), num(r, 'eligible'), num(r, 'censored'));
          };
          return [at(ns[0] ?? '7', ctx), ...ns.map((n) => at(n, subResult(ctx, `per_day.d${n}`)))];
        }
        case 'drop_off_rate': {
          const r = funnel.get(`${key}|`);
          const reached = (i: number) => num(r, `reached_${i}`);
          const k = req.params.funnelSteps.length;
          const censored = num(r, 'censored');
          const rows = [censoredRatio(ctx, reached(1) - reached(k), reached(1), censored)];
          for (let i = 2; i <= k; i++)
            rows.push(
              censoredRatio(
                subResult(ctx, `per_step.step_${i}`),
                reached(i - 1) - reached(i),
                reached(i - 1),
                censored,
              ),
            );
          return rows;
        }
        default: {
          const r = exceed.get(`${key}|`);
          const median = r?.median_days == null ? null : Number(r.median_days);
          const censored = num(r, 'censored');
          return [
            medianResult(ctx, median, num(r, 'hits'), censored),
            censoredRatio(subResult(ctx, 'share_reaching'), num(r, 'hits'), num(r, 'eligible'), censored),
          ];
        }
      }
    },
  );
}
