// The family of a project's own KPIs (computation `project_metric`): each definition's metric body compiled
// to SQL (metric-sql.ts) and its rows made results like every catalog KPI's — simple and cumulative metrics
// an amount (counts and sums are 0 over no rows; averages, extremes and medians no value, too few), ratios
// a share with a zero denominator flagged, conversions and retentions a share of closed windows with open
// ones censored. Derived metrics are arithmetic over other results (derived.ts), not a query.
import type { Measure, MetricBody } from '../../catalog/metric-schema.ts';
import { TenureError } from '../../errors/tenure-error.ts';
import { amountResult, type KpiResult, type ResultContext, ratioResult } from '../../results/kpi-result.ts';
import type { Engine, Row } from '../../warehouse/engine.ts';
import { SqlParams } from '../../warehouse/sql-builder.ts';
import { tableHasRows } from '../../warehouse/table-checks.ts';
import type { FamilyRequest } from '../family-request.ts';
import { type Period, periodStart } from '../periods.ts';
import { assemble } from '../result-grid.ts';
import { withRollups } from '../rollups/run-rollups.ts';
import {
  activityNames,
  conversionSql,
  type MetricQuery,
  type MetricWindow,
  measureSql,
  retentionSql,
  type SetTables,
} from './metric-sql.ts';

export interface ProjectMetricParams {
  /** The metric's body, as its definition holds it. */
  readonly metric: MetricBody | undefined;
}

export const DEFAULT_PROJECT_METRIC_PARAMS: ProjectMetricParams = { metric: undefined };

type Computed = Exclude<MetricBody, { type: 'derived' }>;

/** A metric's forward reach in days (kept-results.ts): its windows' length past the period's end. */
export function metricReachDays(body: MetricBody | undefined): number | undefined {
  switch (body?.type) {
    case 'simple':
    case 'ratio':
    case 'cumulative':
      return 0;
    case 'conversion':
      return body.within_days;
    case 'retention':
      return body.day + body.width_days;
    default:
      return undefined;
  }
}

/** The event names whose activity rows a metric's measures read from the run's activity rollup. */
export function metricActivityEvents(body: MetricBody | undefined): string[] {
  const measures =
    body?.type === 'simple' || body?.type === 'cumulative'
      ? [body.measure]
      : body?.type === 'ratio'
        ? [body.numerator, body.denominator]
        : [];
  return [...new Set(measures.flatMap((m) => activityNames(m) ?? []))].sort();
}

/** The run's rollups a metric's customer set reads. */
export const metricRollups = (body: MetricBody | undefined) => ({
  subscribed: body !== undefined && 'customers' in body && body.customers === 'subscribed',
  customerMrr: body !== undefined && 'customers' in body && body.customers === 'paying',
});

/** Each period's window of rows: the period, the trailing days to its end, or its month/quarter/year to date. */
export function metricWindows(body: Computed, periods: readonly Period[]): MetricWindow[] {
  return periods.map((period) => {
    if (body.type !== 'cumulative') return { period, lo: period.start, hi: period.end };
    const end = Date.parse(period.end);
    const lo =
      body.window_days !== undefined
        ? new Date(end - body.window_days * 86_400_000)
        : periodStart(new Date(end - 1), body.to_date ?? 'month');
    return { period, lo: lo.toISOString(), hi: period.end };
  });
}

/** The tables a body reads rows from: without rows in any of them, its results are no data. */
function tablesRead(body: Computed): string[] {
  switch (body.type) {
    case 'simple':
    case 'cumulative':
      return [body.measure.table];
    case 'ratio':
      return [body.numerator.table, body.denominator.table];
    case 'conversion':
      return [body.from.table, body.to.table];
    case 'retention':
      return [body.anchor.table, body.active.table];
  }
}

export function computeProjectMetrics(
  engine: Engine,
  req: FamilyRequest<ProjectMetricParams>,
): Promise<KpiResult[]> {
  return withRollups(engine, req.rollups, (session, rollups) => metricKpis(session, { ...req, rollups }));
}

const keyed = (rows: readonly Row[]) =>
  new Map(rows.map((r) => [`${String(r.period_start)}|${String(r.segment)}`, r]));

async function metricKpis(engine: Engine, req: FamilyRequest<ProjectMetricParams>): Promise<KpiResult[]> {
  const body = req.params.metric;
  if (body === undefined || body.type === 'derived')
    throw new TenureError('internal', `${req.kpis.join(', ')}: no metric body the family can compute`);
  const rollups = req.rollups;
  const sets: SetTables = {
    subscribed: body.customers === 'subscribed' ? await rollups?.subscribed(req.periods) : undefined,
    customerMrr: body.customers === 'paying' ? await rollups?.customerMrr(req.periods) : undefined,
  };
  const query: MetricQuery = {
    by: req.by,
    asOf: req.asOf,
    customers: body.customers,
    segments: (await rollups?.segmentTables(req.by, req.periods, req)) ?? {},
    sets,
  };
  let hasData = true;
  for (const table of new Set(tablesRead(body))) hasData &&= await tableHasRows(engine, table);
  const run = async (sql: (params: SqlParams) => string) => {
    if (!hasData) return new Map<string, Row>();
    const params = new SqlParams(engine.dialect);
    return keyed(await engine.query(sql(params), params.values));
  };
  const windows = metricWindows(body, req.periods);
  // An event count the run's activity rollup answers reads it (one row per user, day and name) instead of
  // the events.
  const measure = async (m: Measure) => {
    const names = activityNames(m);
    const activity = names && rollups ? await rollups.activity(names) : undefined;
    return run((params) => measureSql(m, windows, query, params, activity));
  };
  const sources =
    body.type === 'ratio'
      ? [await measure(body.numerator), await measure(body.denominator)]
      : body.type === 'conversion'
        ? [await run((params) => conversionSql(body, req.periods, query, params))]
        : body.type === 'retention'
          ? [await run((params) => retentionSql(body, req.periods, query, params))]
          : [await measure(body.measure)];
  const num = (row: Row | undefined, name: string) => Number(row?.[name] ?? 0);
  const build = (_kpi: string, ctx: ResultContext, key: string): KpiResult[] => {
    const [first, second] = sources.map((m) => m.get(key));
    switch (body.type) {
      case 'simple':
      case 'cumulative': {
        const blank = ['count', 'count_distinct', 'sum'].includes(body.measure.agg) ? 0 : Number.NaN;
        const value = first?.value === null || first === undefined ? blank : Number(first.value);
        return [amountResult(ctx, value, num(first, 'n'))];
      }
      case 'ratio': {
        // `per` scales the numerator, so that value = numerator / denominator holds as for every ratio.
        return [ratioResult(ctx, num(first, 'value') * body.per, num(second, 'value'), num(second, 'n'))];
      }
      default: {
        const base = num(first, 'base');
        const r = ratioResult(ctx, num(first, 'hits'), base, base);
        return [num(first, 'censored') > 0 ? { ...r, flags: [...r.flags, 'censored'] } : r];
      }
    }
  };
  return assemble(req, req.kpis, sources, () => hasData, build);
}
