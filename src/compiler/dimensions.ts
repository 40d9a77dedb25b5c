// Breakdown dimensions: named SQL expressions over the customers table (alias `cu`), any top-level key of
// the customers' attributes as `attributes.KEY`, and the period dimensions `lifecycle` and `rfm`, whose value
// depends on the period as well as the customer (segments.ts): read from the run's table of period segments
// for the query's periods (alias `seg_<name>`), joined on the row's customer and period start. Only the names
// below reach SQL as text; an attribute's key is a bound value. A request names a dimension, never an
// expression.
import { badInput, TenureError } from '../errors/tenure-error.ts';
import type { Engine } from '../warehouse/engine.ts';
import { SqlParams } from '../warehouse/sql-builder.ts';
import { NO_SEGMENT, PERIOD_SEGMENT_VALUES } from './segments.ts';

export const YEAR_MONTH = (ts: string) =>
  `CAST(CAST(EXTRACT(YEAR FROM ${ts}) AS INTEGER) AS VARCHAR) || '-' || lpad(CAST(CAST(EXTRACT(MONTH FROM ${ts}) AS INTEGER) AS VARCHAR), 2, '0')`;

/** Whether a customer counts as referred: a referrer is named, or it came through the referral channel. */
export const REFERRED_SQL = `(cu.referred_by IS NOT NULL OR lower(coalesce(cu.channel, '')) = 'referral')`;

export const DIMENSIONS = {
  plan: `coalesce(cu.plan, '(none)')`,
  channel: `coalesce(cu.channel, '(none)')`,
  country: `coalesce(cu.country, '(none)')`,
  referred: `CASE WHEN ${REFERRED_SQL} THEN 'referred' ELSE 'not referred' END`,
  signup_cohort: YEAR_MONTH('cu.signed_up_at'),
} as const;
export type Dimension = keyof typeof DIMENSIONS;

/**
 * Breakdowns by a customer's state in the period: its lifecycle stage and its RFM group at the period's end
 * (customer segmentation, segments.ts); '(none)' for a customer with no stage or score then.
 */
export const PERIOD_DIMENSIONS = ['lifecycle', 'rfm'] as const;
export type PeriodDimension = (typeof PERIOD_DIMENSIONS)[number];

/** Every named breakdown: the customers' own dimensions, then the period dimensions. */
export const BREAKDOWNS: readonly string[] = [...Object.keys(DIMENSIONS), ...PERIOD_DIMENSIONS];

const isPeriodDimension = (part: string): part is PeriodDimension =>
  (PERIOD_DIMENSIONS as readonly string[]).includes(part);

/** The period dimensions a breakdown names (a crossed one may name several), each once. */
export function periodDimensionsOf(by: string | undefined): PeriodDimension[] {
  if (by === undefined) return [];
  return PERIOD_DIMENSIONS.filter((d) => by.split(CROSS).includes(d));
}

/** The run's tables of period segments (RunRollups.segmentTables), by dimension. */
export type PeriodSegmentTables = Readonly<Partial<Record<PeriodDimension, string>>>;

/** Where a query's rows find their period segments: the rows' period start, and the run's tables. */
export interface SegmentsAt {
  readonly period: string;
  readonly tables: PeriodSegmentTables;
}

/** The period segments of rows whose period starts at `period` (a SQL expression). */
export const segmentsAt = (period: string, tables: PeriodSegmentTables): SegmentsAt => ({ period, tables });

/** The prefix naming a key of the customers' attributes as a breakdown. */
export const ATTRIBUTE_PREFIX = 'attributes.';

/**
 * Joins the dimensions of a crossed breakdown (the compiler's own: filters are computed as a breakdown by
 * the filtered dimensions, then one segment is kept). A control character, so no typed name holds it.
 */
export const CROSS = '\u001f';

/**
 * Checks a breakdown's name; a bad one is the user's mistake, reported with the choices. The period
 * dimensions (lifecycle, rfm) only where the work places each customer in periods and joins their tables
 * (`periods: true`: KPIs and the views over periods); elsewhere (signup cohorts, survival) they are refused.
 */
export function checkBreakdown(
  by: string | undefined,
  field = 'by',
  options: { periods?: boolean } = {},
): void {
  if (by === undefined) return;
  const periods = options.periods ?? false;
  const named = periods ? BREAKDOWNS : Object.keys(DIMENSIONS);
  for (const part of by.split(CROSS)) {
    if (Object.hasOwn(DIMENSIONS, part)) continue;
    if (periods && isPeriodDimension(part)) continue;
    if (part.startsWith(ATTRIBUTE_PREFIX) && part.length > ATTRIBUTE_PREFIX.length) continue;
    const why = isPeriodDimension(part)
      ? `'${part}' is a customer's state in a period, and this has no periods`
      : `cannot break down by '${part}'`;
    throw badInput(
      why,
      { field },
      `choose one of ${named.join(', ')}, or ${ATTRIBUTE_PREFIX}KEY for a key of the customers' attributes`,
    );
  }
}

/** The SQL of one dimension; an attribute's key is bound in `params`. */
function dimensionSql(by: string, params: SqlParams): string {
  if (Object.hasOwn(DIMENSIONS, by)) return DIMENSIONS[by as Dimension];
  if (isPeriodDimension(by)) return `coalesce(seg_${by}.segment, '${NO_SEGMENT}')`;
  const key = params.bind(by.slice(ATTRIBUTE_PREFIX.length));
  return `coalesce(${params.dialect.jsonText('cu.attributes', key)}, '(none)')`;
}

/**
 * The join that gives a row its customer's segment (as `cu`): none without a breakdown, where every row is
 * 'all' (ingestion lets no row name an unknown customer, so the join would drop nothing). Saves a hash join
 * over every activity row of a run without a breakdown.
 */
export function segmentJoin(by: string | undefined, customerId: string, at?: SegmentsAt): string {
  if (by === undefined) return '';
  return `JOIN customers cu ON cu.customer_id = ${customerId}${periodSegmentJoin(by, customerId, at)}`;
}

/**
 * The joins to the period segments a breakdown names (none for the customers' own dimensions), for a query
 * that joins the customers itself. A period dimension without its table is a compiler bug.
 */
export function periodSegmentJoin(by: string | undefined, customerId: string, at?: SegmentsAt): string {
  return periodDimensionsOf(by)
    .map((d) => {
      const table = at?.tables[d];
      if (!at || !table) throw new TenureError('internal', `no table of ${d} segments for this query`);
      return ` LEFT JOIN ${table} seg_${d} ON seg_${d}.customer_id = ${customerId} AND seg_${d}.period_start = ${at.period}`;
    })
    .join('');
}

/** The SQL of a breakdown, or the constant 'all' without one; a crossed one joins its parts with CROSS. */
export function segmentSql(by: string | undefined, params: SqlParams): string {
  // A period dimension's SQL needs its join, which `periodSegmentJoin` refuses to give without its table.
  checkBreakdown(by, 'by', { periods: true });
  if (by === undefined) return `'all'`;
  return by
    .split(CROSS)
    .map((part) => dimensionSql(part, params))
    .join(` || ${params.dialect.chr(31)} || `);
}

/** How many segments a breakdown has among the customers (1 without one). */
export async function segmentCount(engine: Engine, by: string | undefined): Promise<number> {
  if (by === undefined) return 1;
  checkBreakdown(by, 'by', { periods: true });
  // A period dimension's values are known; the customers' own are counted among them.
  const parts = by.split(CROSS);
  const known = parts.filter(isPeriodDimension).reduce((n, d) => n * PERIOD_SEGMENT_VALUES[d].length, 1);
  const own = parts.filter((p) => !isPeriodDimension(p));
  if (own.length === 0) return known;
  const params = new SqlParams(engine.dialect);
  const [row] = await engine.query<{ n: number }>(
    `SELECT count(DISTINCT ${segmentSql(own.join(CROSS), params)}) AS n FROM customers cu`,
    params.values,
  );
  return known * Math.max(1, Number(row?.n ?? 0));
}
