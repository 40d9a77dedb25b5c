// The rows behind a result: the customers who make up its numerator or its denominator in one period (the
// customers who churned in November, those paying at its start), each with what it adds, its MRR at the
// period's start and end, its movement, plan, channel, country and tenure. The warehouse filters, sums,
// sorts and pages; only one page of rows (and the totals) reaches JavaScript. `tenure explain` shows the
// SQL and a sample of the tables a KPI reads; this lists the units its numbers are sums over.
import type { Catalog } from '../../catalog/catalog.ts';
import { getDefinition } from '../../catalog/catalog.ts';
import { badInput } from '../../errors/tenure-error.ts';
import type { Engine, Row } from '../../warehouse/engine.ts';
import { SqlParams } from '../../warehouse/sql-builder.ts';
import { dataAsOf } from '../as-of.ts';
import { REFERRED_SQL, segmentSql } from '../dimensions.ts';
import { checkCustomerFilters, type SegmentFilter } from '../filters.ts';
import { downgradedCtes } from '../kpis/revenue.ts';
import { type Grain, nextPeriodStart, type Period, parseDay, periodStart, yearBefore } from '../periods.ts';
import { customerMrrCtes, STARTING_MRR_CTE } from '../rollups/customer-mrr.ts';
import { instantParam } from '../sql-time.ts';
import { checkCohortGrain } from '../views/cohort-periods.ts';
import { BRIDGE_ROWS, COHORT_ROWS, KPI_ROWS, MOVEMENT_SQL, type RowContribution } from './revenue-rows.ts';

export const SIDES = ['numerator', 'denominator'] as const;
export type Side = (typeof SIDES)[number];
/** contribution: largest first; mrr: the larger of start and end MRR, largest first; tenure: longest first. */
export const ROW_SORTS = ['contribution', 'mrr', 'tenure', 'customer_id'] as const;
export type RowSort = (typeof ROW_SORTS)[number];
/** The most rows one request may list (a CSV download included); `total` still counts them all. */
export const MAX_ROWS = 10_000;

export interface RowsRequest {
  /** A KPI id, a sub-result (`mrr.arpa`) or a bar of the MRR bridge (`mrr_bridge.churn_mrr`). */
  readonly result: string;
  readonly side: Side;
  readonly grain: Grain;
  /** A day (YYYY-MM-DD) in the period; default: the last complete period before the data's end. */
  readonly period?: string;
  /** Only the customers in every one of these segments (plan:pro…), as a KPI series filters. */
  readonly filters?: readonly SegmentFilter[];
  readonly sort?: RowSort;
  /** A cohort cell's age: periods of `grain` after the cohort's (`period`). */
  readonly age?: number;
  readonly limit: number;
  readonly offset: number;
  readonly catalog: Catalog;
}

export interface CustomerRow {
  customer_id: string;
  /** What this customer adds to the side asked for (1 for a count, money for a sum). */
  contribution: number;
  mrr_start: number;
  mrr_end: number;
  movement: string;
  plan: string | null;
  channel: string | null;
  country: string | null;
  signed_up_at: string | null;
  first_paid_at: string | null;
  /** Whole months from the first payment to the period's end. */
  tenure_months: number | null;
}

export interface RowsAnswer {
  result: string;
  name: string;
  side: Side;
  /** The unit of `contribution` and of the side's total: count (customers) or currency. */
  unit: 'count' | 'currency';
  numerator_unit: 'count' | 'currency';
  denominator_unit: 'count' | 'currency' | null;
  grain: Grain;
  period_start: string;
  period_end: string;
  as_of: string;
  /** The period ends after the data does: the numbers may still move. */
  incomplete: boolean;
  /** A cohort cell's age (null for other results); its customers' MRR is read at `cell_end`. */
  age: number | null;
  cell_end: string | null;
  filter: SegmentFilter[];
  /** The result's value from these rows: numerator / denominator, or the numerator of an amount. */
  value: number | null;
  numerator: number;
  denominator: number | null;
  /** Customers adding something to the numerator, and to the denominator. */
  numerator_rows: number;
  denominator_rows: number | null;
  /** Rows on the side asked for (the list's length without limit and offset). */
  total: number;
  limit: number;
  offset: number;
  rows: CustomerRow[];
}

const RESULTS: Readonly<Record<string, RowContribution>> = { ...KPI_ROWS, ...BRIDGE_ROWS, ...COHORT_ROWS };

/** Every result whose rows can be listed. */
export const DRILLABLE: readonly string[] = Object.keys(RESULTS);

const BRIDGE_NAMES: Record<string, string> = {
  start_mrr: 'MRR at the start',
  new_mrr: 'new MRR',
  reactivation_mrr: 'reactivation MRR',
  expansion_mrr: 'expansion MRR',
  contraction_mrr: 'contraction MRR',
  churn_mrr: 'churned MRR',
  end_mrr: 'MRR at the end',
};
const PART_NAMES: Record<string, string> = {
  arpa: 'ARPA (MRR per paying account)',
  nrr_12m: 'trailing 12 months',
  grr: 'gross revenue retention',
  grr_12m: 'gross revenue retention, trailing 12 months',
};
const COHORT_NAMES: Record<string, string> = {
  retention: 'cohort logo retention',
  revenue_retention: 'cohort revenue retention',
};

function contributionOf(result: string): RowContribution {
  const found = RESULTS[result];
  if (found) return found;
  throw badInput(
    `the rows behind '${result}' cannot be listed yet`,
    { field: 'result' },
    `these results list their customers: ${DRILLABLE.join(', ')}`,
  );
}

function nameOf(result: string, catalog: Catalog): string {
  const [head = result, part] = result.split('.');
  if (head === 'mrr_bridge') return `MRR bridge: ${BRIDGE_NAMES[part ?? ''] ?? part}`;
  if (head === 'paying_cohorts') return `Paying cohorts: ${COHORT_NAMES[part ?? ''] ?? part}`;
  const kpi = getDefinition(head, catalog).name;
  return part === undefined ? kpi : `${kpi}: ${PART_NAMES[part] ?? part}`;
}

/** The period holding `day`, or the last complete one before the data's end. */
function periodOf(req: RowsRequest, asOf: string): Period {
  const start =
    req.period === undefined
      ? periodStart(new Date(periodStart(new Date(asOf), req.grain).getTime() - 1), req.grain)
      : periodStart(parseDay(req.period, 'period'), req.grain);
  return { start: start.toISOString(), end: nextPeriodStart(start, req.grain).toISOString() };
}

/** ORDER BY over table `t` whose contribution is the column `contribution`. */
const ORDER: Record<RowSort, (t: string, contribution: string) => string> = {
  contribution: (t, contribution) => `${t}.${contribution} DESC, ${t}.customer_id`,
  mrr: (t) => `greatest(${t}.s, ${t}.e) DESC, ${t}.customer_id`,
  tenure: (t) => `${t}.first_paid_at, ${t}.customer_id`,
  customer_id: (t) => `${t}.customer_id`,
};

/** A cohort member at its cell's end: still paying, or not. */
const COHORT_MOVEMENT = `CASE WHEN m.e > 0 THEN 'paying' ELSE 'stopped paying' END`;

/** The instants customer_mrr spans: the period, the year to its end, or a cohort to its cell's end. */
function spanOf(c: RowContribution, period: Period, cellEnd: string | null): Period {
  if (c.year) return { start: yearBefore(period.end), end: period.end };
  if (c.cohort && cellEnd) return { start: period.start, end: cellEnd };
  return period;
}

function rowsSql(
  c: RowContribution,
  req: RowsRequest,
  period: Period,
  cellEnd: string | null,
  params: SqlParams,
): string {
  const ts = (iso: string) => instantParam(params, iso);
  const where = [
    ...(req.filters ?? []).map((f) => `${segmentSql(f.by, params)} = ${params.bind(f.value)}`),
    ...(c.referredOnly ? [REFERRED_SQL] : []),
    // A cohort's members first paid in its period.
    ...(c.cohort ? [`m.first_paid_at >= ${ts(period.start)} AND m.first_paid_at < ${ts(period.end)}`] : []),
  ];
  const order = ORDER[req.sort ?? 'contribution'];
  const ctes = customerMrrCtes([spanOf(c, period, cellEnd)], params);
  // At age 0 every member of a cohort is retained: they paid in its period.
  const numerator = c.cohort === 'logo' && req.age === 0 ? '1' : c.numerator;
  const extra = [
    ...(c.downgrades ? [downgradedCtes(params.dialect)] : []),
    ...(c.cohort === 'revenue' ? [STARTING_MRR_CTE] : []),
  ];
  return `WITH ${ctes}${extra.map((x) => `,\n  ${x}`).join('')},
  parts AS (
    SELECT m.customer_id AS customer_id, m.s AS s, m.e AS e, m.first_paid_at AS first_paid_at,
      ${c.cohort ? COHORT_MOVEMENT : MOVEMENT_SQL} AS movement,
      ${numerator} AS numerator_part, ${c.denominator ?? '0'} AS denominator_part
    FROM customer_mrr m JOIN customers cu ON cu.customer_id = m.customer_id
    ${c.downgrades ? 'LEFT JOIN downgraded g ON g.period_start = m.period_start AND g.customer_id = m.customer_id' : ''}
    ${c.cohort === 'revenue' ? 'JOIN starting fm ON fm.customer_id = m.customer_id' : ''}
    ${where.length ? `WHERE ${where.join(' AND ')}` : ''}),
  totals AS (
    SELECT count(CASE WHEN numerator_part <> 0 THEN 1 END) AS numerator_rows,
      coalesce(sum(numerator_part), 0) AS numerator,
      count(CASE WHEN denominator_part <> 0 THEN 1 END) AS denominator_rows,
      coalesce(sum(denominator_part), 0) AS denominator
    FROM parts),
  page AS (
    SELECT x.customer_id AS customer_id, x.s AS s, x.e AS e, x.first_paid_at AS first_paid_at,
      x.movement AS movement, x.${req.side}_part AS contribution, cu.plan AS plan, cu.channel AS channel,
      cu.country AS country, cu.signed_up_at AS signed_up_at
    FROM parts x JOIN customers cu ON cu.customer_id = x.customer_id
    WHERE x.${req.side}_part <> 0
    ORDER BY ${order('x', `${req.side}_part`)} LIMIT ${params.bind(req.limit)} OFFSET ${params.bind(req.offset)})
  SELECT t.numerator_rows, t.numerator, t.denominator_rows, t.denominator, pg.*
  FROM totals t LEFT JOIN page pg ON true
  ORDER BY ${order('pg', 'contribution')}`;
}

/** Whole calendar months from `from` to `to` (a month counts once its day of the month is reached). */
export function wholeMonths(from: string, to: string): number {
  const a = new Date(from);
  const b = new Date(to);
  const months = (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + b.getUTCMonth() - a.getUTCMonth();
  const reached =
    b.getUTCDate() * 86_400_000 + (b.getTime() % 86_400_000) >=
    a.getUTCDate() * 86_400_000 + (a.getTime() % 86_400_000);
  return Math.max(0, reached ? months : months - 1);
}

const text = (v: unknown) => (v === null || v === undefined ? null : String(v));

function customerRow(r: Row, period: Period): CustomerRow {
  const firstPaid = text(r.first_paid_at);
  return {
    customer_id: String(r.customer_id),
    contribution: Number(r.contribution),
    mrr_start: Number(r.s),
    mrr_end: Number(r.e),
    movement: String(r.movement),
    plan: text(r.plan),
    channel: text(r.channel),
    country: text(r.country),
    signed_up_at: text(r.signed_up_at),
    first_paid_at: firstPaid,
    tenure_months: firstPaid === null ? null : wholeMonths(firstPaid, period.end),
  };
}

function checkPaging(req: RowsRequest): void {
  if (!Number.isInteger(req.limit) || req.limit < 1 || req.limit > MAX_ROWS)
    throw badInput(`limit must be a whole number from 1 to ${MAX_ROWS}, not ${req.limit}`, {
      field: 'limit',
    });
  if (!Number.isInteger(req.offset) || req.offset < 0)
    throw badInput(`offset must be a whole number from 0, not ${req.offset}`, { field: 'offset' });
}

/** The end of a cohort cell's age: `age` periods after the cohort's; refused before the data reaches it. */
function cellEndOf(req: RowsRequest, period: Period, asOf: string): string {
  checkCohortGrain(req.grain);
  const age = req.age;
  if (age === undefined || !Number.isInteger(age) || age < 0 || age > 600)
    throw badInput('a cohort cell needs its age: a whole number of periods from 0 to 600', { field: 'age' });
  let end = new Date(period.end);
  for (let i = 0; i < age; i++) end = nextPeriodStart(end, req.grain);
  if (end.toISOString() > asOf)
    throw badInput(
      `the cohort of ${period.start.slice(0, 10)} has not reached age ${age} by the data's end (${asOf})`,
      { field: 'age' },
      'choose a younger age: a cell is shown once its period is over',
    );
  return end.toISOString();
}

export async function explainRows(engine: Engine, req: RowsRequest): Promise<RowsAnswer> {
  const c = contributionOf(req.result);
  const name = nameOf(req.result, req.catalog);
  if (req.side === 'denominator' && c.denominator === null)
    throw badInput(
      `${name} is an amount: it has no denominator`,
      { field: 'side' },
      'ask for side=numerator: its rows add up to the amount',
    );
  checkPaging(req);
  const filters = req.filters ?? [];
  checkCustomerFilters(filters, 'rows');
  const asOf = (await dataAsOf(engine)) ?? new Date().toISOString();
  const period = periodOf(req, asOf);
  if (period.start > asOf)
    throw badInput(
      `the period starting ${period.start.slice(0, 10)} begins after the data's end (${asOf}): nothing in it is observed`,
      { field: 'period' },
      'choose a period up to the data’s end',
    );
  const cellEnd = c.cohort ? cellEndOf(req, period, asOf) : null;
  const params = new SqlParams(engine.dialect);
  const rows = await engine.query(rowsSql(c, req, period, cellEnd, params), params.values);
  const head = rows[0] ?? {};
  const numerator = Number(head.numerator ?? 0);
  const denominator = c.denominator === null ? null : Number(head.denominator ?? 0);
  const numeratorRows = Number(head.numerator_rows ?? 0);
  const denominatorRows = c.denominator === null ? null : Number(head.denominator_rows ?? 0);
  return {
    result: req.result,
    name,
    side: req.side,
    unit: req.side === 'numerator' ? c.numeratorUnit : (c.denominatorUnit ?? 'count'),
    numerator_unit: c.numeratorUnit,
    denominator_unit: c.denominator === null ? null : (c.denominatorUnit ?? 'count'),
    grain: req.grain,
    period_start: period.start,
    period_end: period.end,
    as_of: asOf,
    incomplete: (cellEnd ?? period.end) > asOf,
    age: c.cohort ? (req.age ?? 0) : null,
    cell_end: cellEnd,
    filter: [...filters],
    value: denominator === null ? numerator : denominator === 0 ? null : numerator / denominator,
    numerator,
    denominator,
    numerator_rows: numeratorRows,
    denominator_rows: denominatorRows,
    total: req.side === 'numerator' ? numeratorRows : (denominatorRows ?? 0),
    limit: req.limit,
    offset: req.offset,
    rows: rows
      .filter((r) => r.customer_id !== null && r.customer_id !== undefined)
      .map((r) => customerRow(r, period)),
  };
}
