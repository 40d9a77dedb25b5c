// User lifecycle per period, from activity: each user active in the period is new (first active ever in
// it), returning (also active in the period before) or resurrecting (not in the period before, but at some
// time earlier); a user active in the period before and not in this one is dormant. The counts add up:
// active(P) = new + returning + resurrecting, and active(P−1) = returning + dormant. The quick ratio
// (new + resurrecting) / dormant says whether the active base grows (> 1) or shrinks.
import type { Engine } from '../../warehouse/engine.ts';
import { SqlParams } from '../../warehouse/sql-builder.ts';
import { dataAsOf } from '../as-of.ts';
import { type PeriodSegmentTables, periodSegmentJoin, segmentSql, segmentsAt } from '../dimensions.ts';
import type { Grain, Period } from '../periods.ts';
import { previousPeriod, withPreviousPeriods } from '../previous-period.ts';
import { type RunRollups, withRollups } from '../rollups/run-rollups.ts';
import { dateParam, instantParam, periodDaysSql, periodsValues } from '../sql-time.ts';

export const LIFECYCLE_STATES = ['new', 'returning', 'resurrecting', 'dormant'] as const;

export interface LifecycleRequest {
  readonly periods: readonly Period[];
  readonly grain?: Grain;
  readonly by?: string;
  /** Events that make a user active (empty or absent: every event). */
  readonly activeEvents?: readonly string[];
  /** The data's end and RFM's window, for a breakdown by rfm (customer segmentation's defaults otherwise). */
  readonly asOf?: string;
  readonly rfmWindowDays?: number;
  readonly rollups?: RunRollups;
}

export interface LifecycleRow {
  readonly period_start: string;
  readonly period_end: string;
  readonly segment: string;
  readonly active: number;
  readonly new: number;
  readonly returning: number;
  readonly resurrecting: number;
  readonly dormant: number;
  /** (new + resurrecting) / dormant; null when no one went dormant. */
  readonly quick_ratio: number | null;
}

function lifecycleSql(
  req: LifecycleRequest,
  userDays: string,
  segments: PeriodSegmentTables,
  params: SqlParams,
): string {
  const all = withPreviousPeriods(req.periods, req.grain);
  const pairs = req.periods.map(
    (p) =>
      `(${instantParam(params, p.start)}, ${instantParam(params, previousPeriod(p, req.grain).start)}, ${dateParam(params, p.start)})`,
  );
  return `WITH periods AS (${periodsValues(all, params)}),
  period_days AS (${periodDaysSql(params.dialect, all)}),
  pairs AS (SELECT * FROM (VALUES ${pairs.join(', ')}) AS v(period_start, previous_start, start_day)),
  active AS (
    SELECT DISTINCT pd.period_start, u.user_key, u.customer_id FROM ${userDays} u
    JOIN period_days pd ON pd.day = u.day),
  firsts AS (SELECT user_key, min(day) AS first_day FROM ${userDays} GROUP BY 1),
  now_active AS (SELECT pr.period_start, a.user_key, a.customer_id FROM pairs pr JOIN active a ON a.period_start = pr.period_start),
  was_active AS (SELECT pr.period_start, a.user_key, a.customer_id FROM pairs pr JOIN active a ON a.period_start = pr.previous_start),
  states AS (
    SELECT coalesce(n.period_start, w.period_start) AS period_start, coalesce(n.user_key, w.user_key) AS user_key,
      coalesce(n.customer_id, w.customer_id) AS customer_id,
      CASE WHEN n.user_key IS NULL THEN 'dormant' WHEN w.user_key IS NOT NULL THEN 'returning'
        WHEN f.first_day >= pr.start_day THEN 'new' ELSE 'resurrecting' END AS state
    FROM now_active n FULL JOIN was_active w ON w.period_start = n.period_start AND w.user_key = n.user_key
    JOIN pairs pr ON pr.period_start = coalesce(n.period_start, w.period_start)
    JOIN firsts f ON f.user_key = coalesce(n.user_key, w.user_key))
  SELECT s.period_start, ${segmentSql(req.by, params)} AS segment,
    count(CASE WHEN s.state = 'new' THEN 1 END) AS new,
    count(CASE WHEN s.state = 'returning' THEN 1 END) AS returning,
    count(CASE WHEN s.state = 'resurrecting' THEN 1 END) AS resurrecting,
    count(CASE WHEN s.state = 'dormant' THEN 1 END) AS dormant
  FROM states s JOIN customers cu ON cu.customer_id = s.customer_id
  ${periodSegmentJoin(req.by, 's.customer_id', segmentsAt('s.period_start', segments))}
  GROUP BY 1, 2`;
}

/** Lifecycle counts per period and segment; a period or segment without users has no row. */
export function userLifecycle(engine: Engine, req: LifecycleRequest): Promise<LifecycleRow[]> {
  return withRollups(engine, req.rollups, async (session, rollups) => {
    const userDays = await rollups.userDays(req.activeEvents ?? []);
    const params = new SqlParams(session.dialect);
    const asOf = req.asOf ?? (await dataAsOf(session)) ?? new Date().toISOString();
    const segments = await rollups.segmentTables(req.by, req.periods, { ...req, asOf });
    const rows = await session.query(lifecycleSql(req, userDays, segments, params), params.values);
    const ends = new Map(req.periods.map((p) => [p.start, p.end]));
    return rows
      .map((r) => {
        const count = (k: string) => Number(r[k] ?? 0);
        const start = String(r.period_start);
        const grew = count('new') + count('resurrecting');
        return {
          period_start: start,
          period_end: ends.get(start) ?? start,
          segment: String(r.segment),
          active: grew + count('returning'),
          new: count('new'),
          returning: count('returning'),
          resurrecting: count('resurrecting'),
          dormant: count('dormant'),
          quick_ratio: count('dormant') > 0 ? grew / count('dormant') : null,
        };
      })
      .sort((a, b) => a.segment.localeCompare(b.segment) || a.period_start.localeCompare(b.period_start));
  });
}
