// Breakdown dimensions: named SQL expressions over the customers table (alias `cu`), and any top-level key of
// the customers' attributes as `attributes.KEY`. Only the names below reach SQL as text; an attribute's key is
// a bound value. A request names a dimension, never an expression.
import { badInput } from '../errors/tenure-error.ts';
import type { Engine } from '../warehouse/engine.ts';
import { SqlParams } from '../warehouse/sql-builder.ts';

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

/** The prefix naming a key of the customers' attributes as a breakdown. */
export const ATTRIBUTE_PREFIX = 'attributes.';

/**
 * Joins the dimensions of a crossed breakdown (the compiler's own: filters are computed as a breakdown by
 * the filtered dimensions, then one segment is kept). A control character, so no typed name holds it.
 */
export const CROSS = '\u001f';

/** Checks a breakdown's name; a bad one is the user's mistake, reported with the choices. */
export function checkBreakdown(by: string | undefined, field = 'by'): void {
  if (by === undefined) return;
  for (const part of by.split(CROSS)) {
    if (Object.hasOwn(DIMENSIONS, part)) continue;
    if (part.startsWith(ATTRIBUTE_PREFIX) && part.length > ATTRIBUTE_PREFIX.length) continue;
    throw badInput(
      `cannot break down by '${part}'`,
      { field },
      `choose one of ${Object.keys(DIMENSIONS).join(', ')}, or ${ATTRIBUTE_PREFIX}KEY for a key of the customers' attributes`,
    );
  }
}

/** The SQL of one dimension; an attribute's key is bound in `params`. */
function dimensionSql(by: string, params: SqlParams): string {
  if (Object.hasOwn(DIMENSIONS, by)) return DIMENSIONS[by as Dimension];
  const key = params.bind(by.slice(ATTRIBUTE_PREFIX.length));
  return `coalesce(${params.dialect.jsonText('cu.attributes', key)}, '(none)')`;
}

/**
 * The join that gives a row its customer's segment (as `cu`): none without a breakdown, where every row is
 * 'all' (ingestion lets no row name an unknown customer, so the join would drop nothing). Saves a hash join
 * over every activity row of a run without a breakdown.
 */
export function segmentJoin(by: string | undefined, customerId: string): string {
  return by === undefined ? '' : `JOIN customers cu ON cu.customer_id = ${customerId}`;
}

/** The SQL of a breakdown, or the constant 'all' without one; a crossed one joins its parts with CROSS. */
export function segmentSql(by: string | undefined, params: SqlParams): string {
  checkBreakdown(by);
  if (by === undefined) return `'all'`;
  return by
    .split(CROSS)
    .map((part) => dimensionSql(part, params))
    .join(' || chr(31) || ');
}

/** How many segments a breakdown has among the customers (1 without one). */
export async function segmentCount(engine: Engine, by: string | undefined): Promise<number> {
  if (by === undefined) return 1;
  const params = new SqlParams(engine.dialect);
  const [row] = await engine.query<{ n: number }>(
    `SELECT count(DISTINCT ${segmentSql(by, params)}) AS n FROM customers cu`,
    params.values,
  );
  return Math.max(1, Number(row?.n ?? 0));
}
