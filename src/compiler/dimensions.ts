// Breakdown dimensions: named SQL expressions over the customers table (alias `cu`). Only these names reach
// SQL; a request names a dimension, never an expression.
import { badInput } from '../errors/tenure-error.ts';

const YEAR_MONTH = (ts: string) =>
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

/** The SQL of a breakdown, or the constant 'all' without one. */
export function segmentSql(by: string | undefined): string {
  if (by === undefined) return `'all'`;
  if (!Object.hasOwn(DIMENSIONS, by)) {
    throw badInput(
      `cannot break down by '${by}'`,
      { field: 'by' },
      `choose one of ${Object.keys(DIMENSIONS).join(', ')}`,
    );
  }
  return DIMENSIONS[by as Dimension];
}
