// Activation-cohort day-N retention: accounts grouped by when they activated (the cohort period), and for
// each N the share active on day N after activation ("on day N") or on any day from N on ("on or after
// day N"). Day 0 is the UTC day of activation. A cohort enters a day-N rate only once day N is over for
// every member (the last possible day 0 plus N has ended by as_of), never as a loss before it is observed;
// the average across cohorts is weighted by cohort size (Σ returned / Σ size) over the observed cohorts,
// and cohorts without members do not exist, so they cannot drag it down.
import type { Engine } from '../../warehouse/engine.ts';
import { SqlParams } from '../../warehouse/sql-builder.ts';
import type { PeriodSegmentTables } from '../dimensions.ts';
import { eventFilter } from '../event-filter.ts';
import {
  type ActivationParams,
  activationCtes,
  DEFAULT_ACTIVATION_PARAMS,
  periodSegment,
} from '../kpis/activation.ts';
import type { Period } from '../periods.ts';
import { type RunRollups, withRollups } from '../rollups/run-rollups.ts';
import { instantParam } from '../sql-time.ts';

export interface ActivationCohortRequest {
  /** The cohort periods: accounts activated inside each form its cohort. */
  readonly periods: readonly Period[];
  readonly nDays?: readonly number[];
  readonly mode?: 'on_day' | 'on_or_after';
  readonly by?: string;
  readonly asOf: string;
  /** Milestones, their window and the events that make an account active (catalog defaults otherwise). */
  readonly params?: Partial<
    Pick<ActivationParams, 'activationMilestones' | 'activationWindowDays' | 'activeEvents'>
  >;
  /** RFM's window, for a breakdown by rfm (customer segmentation's default otherwise). */
  readonly rfmWindowDays?: number;
  readonly rollups?: RunRollups;
}

export interface ActivationCohortCell {
  readonly n: number;
  /** Members active on day N (or from day N on). */
  readonly returned: number;
  /** returned / size once day N is observed for the whole cohort; null before. */
  readonly rate: number | null;
}

export interface ActivationCohort {
  readonly cohort_start: string;
  readonly cohort_end: string;
  readonly segment: string;
  readonly size: number;
  readonly cells: ActivationCohortCell[];
}

export interface ActivationCohortAverage {
  readonly segment: string;
  readonly n: number;
  /** Cohorts observed at day N, their members, and those who returned. */
  readonly cohorts: number;
  readonly customers: number;
  readonly returned: number;
  readonly rate: number | null;
}

export interface ActivationCohorts {
  readonly mode: 'on_day' | 'on_or_after';
  readonly cohorts: ActivationCohort[];
  readonly average: ActivationCohortAverage[];
}

const DAY_MS = 86_400_000;
const dayNumber = (iso: string) => Math.floor(Date.parse(iso) / DAY_MS);

function cohortSql(
  req: ActivationCohortRequest,
  nDays: readonly number[],
  activity: string,
  segments: PeriodSegmentTables,
  params: SqlParams,
): string {
  const p = { ...DEFAULT_ACTIVATION_PARAMS, ...req.params };
  const request = { kpis: [], periods: req.periods, by: req.by, asOf: req.asOf, minSample: 0, params: p };
  const asOf = instantParam(params, req.asOf);
  const offsets = nDays.map((n) => `(CAST(${params.bind(n)} AS INTEGER))`);
  const returned = req.mode === 'on_or_after' ? 'd.day >= m.d0 + o.n' : 'd.day = m.d0 + o.n';
  const segment = periodSegment(req, segments, params);
  return `WITH ${activationCtes(request, activity, params)},
  offsets AS (SELECT * FROM (VALUES ${offsets.join(', ')}) AS v(n)),
  members AS (
    SELECT p.period_start AS period_start, ${segment.sql} AS segment, a.customer_id AS customer_id,
      ${params.dialect.utcDay('a.activated_at')} AS d0
    FROM activation a JOIN periods p ON a.activated_at >= p.period_start AND a.activated_at < p.period_end
    ${segment.join}),
  active_days AS (
    SELECT a.customer_id AS customer_id, a.day AS day FROM ${activity} a
    WHERE a.first_at < ${asOf} AND ${eventFilter('a', p.activeEvents, params)}
    GROUP BY 1, 2),
  returned AS (
    SELECT DISTINCT m.period_start AS period_start, m.customer_id AS customer_id, o.n AS n
    FROM members m CROSS JOIN offsets o
    JOIN active_days d ON d.customer_id = m.customer_id AND ${returned})
  SELECT m.period_start, m.segment, o.n, count(*) AS size, count(r.customer_id) AS returned
  FROM members m CROSS JOIN offsets o
  LEFT JOIN returned r ON r.period_start = m.period_start AND r.customer_id = m.customer_id AND r.n = o.n
  GROUP BY 1, 2, 3`;
}

export function activationCohorts(engine: Engine, req: ActivationCohortRequest): Promise<ActivationCohorts> {
  const nDays = [...new Set(req.nDays ?? [1, 7, 14, 30])].sort((a, b) => a - b);
  const mode = req.mode ?? 'on_day';
  const asOfDay = dayNumber(req.asOf);
  return withRollups(engine, req.rollups, async (session, rollups) => {
    const activity = await rollups.activity();
    const params = new SqlParams(session.dialect);
    const segments = await rollups.segmentTables(req.by, req.periods, req);
    const rows = await session.query(
      cohortSql({ ...req, mode }, nDays, activity, segments, params),
      params.values,
    );
    const ends = new Map(req.periods.map((p) => [p.start, p.end]));
    const cohorts = new Map<string, ActivationCohort>();
    for (const r of rows) {
      const start = String(r.period_start);
      const end = ends.get(start) ?? start;
      const key = `${String(r.segment)}|${start}`;
      const cohort = cohorts.get(key) ?? {
        cohort_start: start,
        cohort_end: end,
        segment: String(r.segment),
        size: Number(r.size),
        cells: [],
      };
      const n = Number(r.n);
      // The last member's day 0 is the day before the cohort ends; its day N is over once day(as_of) > it.
      const observed = dayNumber(end) - 1 + n < asOfDay;
      const returned = Number(r.returned);
      cohort.cells.push({ n, returned, rate: observed ? returned / cohort.size : null });
      cohorts.set(key, cohort);
    }
    const list = [...cohorts.values()].sort(
      (a, b) => a.segment.localeCompare(b.segment) || a.cohort_start.localeCompare(b.cohort_start),
    );
    for (const c of list) c.cells.sort((a, b) => a.n - b.n);
    const average: ActivationCohortAverage[] = [];
    for (const segment of [...new Set(list.map((c) => c.segment))]) {
      for (const n of nDays) {
        const observed = list
          .filter((c) => c.segment === segment)
          .flatMap((c) =>
            c.cells.filter((cell) => cell.n === n && cell.rate !== null).map((cell) => ({ c, cell })),
          );
        const customers = observed.reduce((s, o) => s + o.c.size, 0);
        const returned = observed.reduce((s, o) => s + o.cell.returned, 0);
        average.push({
          segment,
          n,
          cohorts: observed.length,
          customers,
          returned,
          rate: customers > 0 ? returned / customers : null,
        });
      }
    }
    return { mode, cohorts: list, average };
  });
}
