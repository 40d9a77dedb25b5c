// SQL of the metric language (src/catalog/metric-schema.ts), written once for every engine through the
// dialect: a measure's aggregate per period window and segment; a conversion's and a retention's units per
// cohort period, split into closed windows (counted) and open ones (censored). Every value of a condition is
// bound; table and column names come from the data contract only (metric-language.ts checked them).
import { columnOf, DEFAULT_TIME, subjectColumn } from '../../catalog/metric-language.ts';
import type { Condition, CustomerSet, Measure, Step, Subject, Where } from '../../catalog/metric-schema.ts';
import type { TableName } from '../../schema/tables.ts';
import type { SqlParams } from '../../warehouse/sql-builder.ts';
import { type PeriodSegmentTables, segmentJoin, segmentSql, segmentsAt } from '../dimensions.ts';
import { eventFilter } from '../event-filter.ts';
import type { Period } from '../periods.ts';
import { dateParam, instantParam, periodsValues } from '../sql-time.ts';

/** A period and the rows' window it reports: the period itself, or a trailing or to-date window. */
export interface MetricWindow {
  readonly period: Period;
  readonly lo: string;
  readonly hi: string;
}

/** The run's tables a customer set reads (RunRollups.subscribed, .customerMrr), for the query's periods. */
export interface SetTables {
  readonly subscribed?: string;
  readonly customerMrr?: string;
}

/** What a metric query needs beyond its own spec. */
export interface MetricQuery {
  readonly by?: string;
  readonly asOf: string;
  readonly customers: CustomerSet;
  readonly segments: PeriodSegmentTables;
  readonly sets: SetTables;
}

const q = (table: string, column: string) => `${table}.${column}`;

/** A column of `table` (alias `alias`) as SQL: a JSON key as text, a date as an instant. */
function columnSql(params: SqlParams, table: TableName, alias: string, name: string): string {
  const spec = columnOf(table, name);
  const dot = name.indexOf('.');
  if (dot > 0) return params.dialect.jsonText(q(alias, name.slice(0, dot)), params.bind(name.slice(dot + 1)));
  return spec?.kind === 'date' ? params.dialect.cast(q(alias, name), 'timestamp') : q(alias, name);
}

/** The time that places a row (alias `alias`) of a measure or step. */
export const timeSql = (params: SqlParams, x: { table: string; time?: string }, alias: string) =>
  columnSql(params, x.table as TableName, alias, x.time ?? DEFAULT_TIME[x.table as TableName] ?? '');

/** A written value bound as the column's kind. */
function valueSql(params: SqlParams, table: TableName, name: string, value: unknown): string {
  const kind = columnOf(table, name)?.kind;
  if (kind === 'timestamp' || kind === 'date') return instantParam(params, String(value));
  if (kind === 'integer' || kind === 'money') return params.dialect.cast(params.bind(Number(value)), 'money');
  if (kind === 'boolean') return params.dialect.cast(params.bind(Boolean(value)), 'boolean');
  return params.bind(String(value));
}

const COMPARISONS: Readonly<Record<string, string>> = {
  eq: '=',
  ne: '<>',
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
};

/** One column's condition as SQL. */
function conditionSql(
  params: SqlParams,
  table: TableName,
  alias: string,
  name: string,
  c: Condition,
): string {
  const col = columnSql(params, table, alias, name);
  const v = (x: unknown) => valueSql(params, table, name, x);
  const list = (xs: readonly unknown[]) => xs.map(v).join(', ');
  if (Array.isArray(c)) return `${col} IN (${list(c)})`;
  if (typeof c !== 'object') return `${col} = ${v(c)}`;
  const parts: string[] = [];
  for (const [op, x] of Object.entries(c)) {
    if (x === undefined) continue;
    if (op === 'is_null') parts.push(`${col} IS ${x ? '' : 'NOT '}NULL`);
    else if (op === 'in') parts.push(`${col} IN (${list(x as unknown[])})`);
    else if (op === 'not_in') parts.push(`(${col} IS NULL OR ${col} NOT IN (${list(x as unknown[])}))`);
    else if (op === 'ne') parts.push(`(${col} IS NULL OR ${col} <> ${v(x)})`);
    else parts.push(`${col} ${COMPARISONS[op]} ${v(x)}`);
  }
  return parts.join(' AND ');
}

/** Every condition of a `where`, ANDed (TRUE without one). */
export function whereSql(params: SqlParams, table: string, alias: string, where: Where | undefined): string {
  const parts = Object.entries(where ?? {}).map(
    ([n, c]) => `(${conditionSql(params, table as TableName, alias, n, c)})`,
  );
  return parts.length ? parts.join(' AND ') : 'TRUE';
}

/**
 * The join keeping the rows of customers in the set in the row's period (`period` the SQL of its start,
 * `periodEnd` of its end), by `customerId`.
 */
function customerSetJoin(query: MetricQuery, customerId: string, period: string, periodEnd: string): string {
  switch (query.customers) {
    case 'all':
      return '';
    case 'signed_up':
      return `JOIN customers su ON su.customer_id = ${customerId} AND su.signed_up_at < ${periodEnd}`;
    case 'subscribed':
      return `JOIN ${query.sets.subscribed} cs ON cs.customer_id = ${customerId} AND cs.period_start = ${period}`;
    case 'paying':
      return `JOIN ${query.sets.customerMrr} cm ON cm.customer_id = ${customerId} AND cm.period_start = ${period}
        AND cm.period_end = ${periodEnd} AND cm.e > 0`;
  }
}

/** The aggregate of a measure over rows `r` (value `r.v`) and the units it stands on. */
function aggregateSql(params: SqlParams, agg: Measure['agg']): { value: string; n: string } {
  switch (agg) {
    case 'count':
      return { value: 'count(*)', n: 'count(*)' };
    case 'count_distinct':
      return { value: 'count(DISTINCT r.v)', n: 'count(DISTINCT r.v)' };
    case 'median':
      // Every engine interpolates a double; ClickHouse takes no decimal here.
      return {
        value: params.dialect.percentileCont('0.5', 'CAST(r.v AS DOUBLE PRECISION)'),
        n: 'count(r.v)',
      };
    default:
      return { value: `${agg}(r.v)`, n: 'count(r.v)' };
  }
}

/**
 * The event names a measure reads when the run's activity rollup answers it, else undefined: a count of
 * events, or of distinct accounts, placed by occurred_at, whose only condition names the events (one name, a
 * list, eq or in). Periods and their windows start at UTC midnights, so the rollup's UTC days place its rows
 * exactly.
 */
export function activityNames(measure: Measure): string[] | undefined {
  if (measure.table !== 'events' || (measure.time ?? 'occurred_at') !== 'occurred_at') return undefined;
  if (!(measure.agg === 'count' || (measure.agg === 'count_distinct' && measure.column === 'customer_id')))
    return undefined;
  const where = measure.where ?? {};
  const keys = Object.keys(where);
  if (keys.length !== 1 || keys[0] !== 'name') return undefined;
  const c = where.name;
  if (Array.isArray(c)) return c.map(String);
  if (typeof c !== 'object') return [String(c)];
  const ops = Object.entries(c ?? {}).filter(([, v]) => v !== undefined);
  if (ops.length !== 1) return undefined;
  const [op, v] = ops[0] ?? [];
  if (op === 'eq') return [String(v)];
  if (op === 'in' && Array.isArray(v)) return v.map(String);
  return undefined;
}

/**
 * Per period and segment: a measure's `value` and `n` over the rows in each period's window (every row of an
 * entity table with `time: none`), of the customers in the set. With `activity` (the run's activity rollup,
 * for a measure `activityNames` answers), its rows by UTC day instead of the events.
 */
export function measureSql(
  measure: Measure,
  windows: readonly MetricWindow[],
  query: MetricQuery,
  params: SqlParams,
  activity?: string,
): string {
  const table = measure.table as TableName;
  const rows = windows.map(
    (w) =>
      `(${instantParam(params, w.period.start)}, ${instantParam(params, w.period.end)}, ${instantParam(params, w.lo)}, ${instantParam(params, w.hi)}, ${dateParam(params, w.lo)}, ${dateParam(params, w.hi)})`,
  );
  const names = activity === undefined ? undefined : activityNames(measure);
  // From the rollup, each account's day first (its users and names summed), then the windows: far fewer
  // rows to place in overlapping windows than one per user, day and name.
  const days =
    names !== undefined
      ? `days AS (SELECT t.customer_id, t.day, sum(t.events) AS v FROM ${activity} t
    WHERE ${eventFilter('t', names, params)} GROUP BY 1, 2),`
      : '';
  const source =
    names !== undefined
      ? 'days t JOIN windows w ON t.day >= w.lo_day AND t.day < w.hi_day'
      : measure.time === 'none'
        ? `${table} t CROSS JOIN windows w`
        : `${table} t JOIN windows w ON ${timeSql(params, measure, 't')} >= w.lo AND ${timeSql(params, measure, 't')} < w.hi`;
  const where = names !== undefined ? 'TRUE' : whereSql(params, table, 't', measure.where);
  const value =
    names !== undefined
      ? measure.agg === 'count'
        ? 't.v'
        : 't.customer_id'
      : measure.column === undefined
        ? 'NULL'
        : columnSql(params, table, 't', measure.column);
  const agg =
    names !== undefined && measure.agg === 'count'
      ? { value: 'coalesce(sum(r.v), 0)', n: 'coalesce(sum(r.v), 0)' }
      : aggregateSql(params, measure.agg);
  return `WITH windows AS (SELECT * FROM (VALUES ${rows.join(', ')}) AS v(period_start, period_end, lo, hi, lo_day, hi_day)),
  ${days}
  picked AS (
    SELECT w.period_start AS period_start, t.customer_id AS customer_id, ${value} AS v
    FROM ${source}
    ${customerSetJoin(query, 't.customer_id', 'w.period_start', 'w.period_end')}
    WHERE ${where})
  SELECT r.period_start, ${segmentSql(query.by, params)} AS segment, ${agg.value} AS value, ${agg.n} AS n
  FROM picked r ${segmentJoin(query.by, 'r.customer_id', segmentsAt('r.period_start', query.segments))}
  GROUP BY 1, 2`;
}

/**
 * The CTEs `periods` and `cohort (period_start, period_end, unit, customer_id, at)`: each unit's first step
 * row ever, in the period holding it, of the customers in the set then.
 */
function cohortCtes(
  step: Step,
  subject: Subject,
  periods: readonly Period[],
  query: MetricQuery,
  params: SqlParams,
) {
  const unit = subjectColumn(subject);
  const at = timeSql(params, step, 't');
  return `periods AS (${periodsValues(periods, params)}),
  firsts AS (
    SELECT t.${unit} AS unit, min(t.customer_id) AS customer_id, min(${at}) AS at
    FROM ${step.table} t WHERE t.${unit} IS NOT NULL AND ${whereSql(params, step.table, 't', step.where)}
    GROUP BY t.${unit}),
  cohort AS (
    SELECT p.period_start AS period_start, p.period_end AS period_end, f.unit AS unit,
      f.customer_id AS customer_id, f.at AS at
    FROM firsts f JOIN periods p ON f.at >= p.period_start AND f.at < p.period_end
    ${customerSetJoin(query, 'f.customer_id', 'p.period_start', 'p.period_end')})`;
}

/** Per cohort period and segment: units whose window is closed (`base`), reached (`hits`), open (`censored`). */
function outcomeSelect(windowEnd: (at: string) => string, query: MetricQuery, params: SqlParams): string {
  const asOf = instantParam(params, query.asOf);
  const closed = `${windowEnd('c.at')} <= ${asOf}`;
  return `SELECT c.period_start, ${segmentSql(query.by, params)} AS segment,
    count(CASE WHEN ${closed} THEN 1 END) AS base,
    count(CASE WHEN ${closed} AND r.unit IS NOT NULL THEN 1 END) AS hits,
    count(CASE WHEN NOT (${closed}) THEN 1 END) AS censored
  FROM cohort c LEFT JOIN reached r ON r.period_start = c.period_start AND r.unit = c.unit
  ${segmentJoin(query.by, 'c.customer_id', segmentsAt('c.period_start', query.segments))}
  GROUP BY 1, 2`;
}

/** Units whose first `from` is in P, and those reaching `to` at or after it within `within_days`. */
export function conversionSql(
  spec: { subject: Subject; from: Step; to: Step; within_days: number },
  periods: readonly Period[],
  query: MetricQuery,
  params: SqlParams,
): string {
  const d = params.dialect;
  const days = params.bind(spec.within_days);
  const end = (at: string) => d.addInterval(at, days, 'day');
  const unit = subjectColumn(spec.subject);
  const at = timeSql(params, spec.to, 'g');
  return `WITH ${cohortCtes(spec.from, spec.subject, periods, query, params)},
  reached AS (
    SELECT DISTINCT c.period_start AS period_start, c.unit AS unit FROM cohort c
    JOIN ${spec.to.table} g ON g.${unit} = c.unit AND ${at} >= c.at AND ${at} <= ${end('c.at')}
    WHERE ${whereSql(params, spec.to.table, 'g', spec.to.where)})
  ${outcomeSelect(end, query, params)}`;
}

/** Units whose first anchor is in P, and those active on days day … day + width − 1 after its UTC day. */
export function retentionSql(
  spec: { subject: Subject; anchor: Step; active: Step; day: number; width_days: number },
  periods: readonly Period[],
  query: MetricQuery,
  params: SqlParams,
): string {
  const d = params.dialect;
  const dayStart = (at: string) => d.cast(d.utcDay(at), 'timestamp');
  const from = params.bind(spec.day);
  const to = params.bind(spec.day + spec.width_days);
  const lo = (at: string) => d.addInterval(dayStart(at), from, 'day');
  const hi = (at: string) => d.addInterval(dayStart(at), to, 'day');
  const unit = subjectColumn(spec.subject);
  const at = timeSql(params, spec.active, 'g');
  return `WITH ${cohortCtes(spec.anchor, spec.subject, periods, query, params)},
  reached AS (
    SELECT DISTINCT c.period_start AS period_start, c.unit AS unit FROM cohort c
    JOIN ${spec.active.table} g ON g.${unit} = c.unit AND ${at} >= ${lo('c.at')} AND ${at} < ${hi('c.at')}
    WHERE ${whereSql(params, spec.active.table, 'g', spec.active.where)})
  ${outcomeSelect(hi, query, params)}`;
}
