// A customer's tenure, as the survival models read it: the first paying spell, from the first payment (the
// earliest subscription change with MRR > 0) to the first later change that takes MRR to 0 (the churn). A
// reactivation after that starts a new spell, which is not part of the customer's tenure. The duration is
// the number of whole months completed from the first payment to the churn, or to the data's end for a
// customer still paying (censored): a churn on the k-th monthly anniversary has duration k, one during
// the month after it too.
import type { Dialect } from '../../warehouse/engine.ts';
import type { SqlParams } from '../../warehouse/sql-builder.ts';
import { instantParam, monthIndex } from '../sql-time.ts';

/**
 * Whole months from `start` to `end` (two instants): the largest k with start + k months ≤
 * end, the day clamped to the month's length (as both engines add months), from the calendar months
 * between their UTC days less one when the anniversary in end's month is still to come. The arithmetic runs
 * on UTC dates and epoch seconds (the dialect's utcDay and epochSeconds): DuckDB sends the same on TIMESTAMPTZ through ICU, several
 * times slower at a million customers.
 */
export function wholeMonthsBetween(d: Dialect, start: string, end: string): string {
  const startDay = d.utcDay(start);
  const k = `(${monthIndex(d.utcDay(end))} - ${monthIndex(startDay)})`;
  const startEpoch = d.epochSeconds(start);
  const timeOfDay = `(${startEpoch} - 86400 * floor(${startEpoch} / 86400))`;
  const anniversary = `(${d.epochSeconds(d.addInterval(startDay, k, 'month'))} + ${timeOfDay})`;
  return `(${k} - CASE WHEN ${anniversary} > ${d.epochSeconds(end)} THEN 1 ELSE 0 END)`;
}

/**
 * CTEs `spell_starts`, `first_spells(customer_id, start_at, end_at, months, churned)`: every customer who
 * paid by `asOf` (bound), with the months of its first spell and whether it ended in a churn by then.
 */
export function firstSpellsCtes(asOf: string, params: SqlParams): string {
  const until = instantParam(params, asOf);
  return `spell_starts AS (
    SELECT customer_id, min(effective_at) AS start_at FROM subscription_changes
    WHERE mrr > 0 AND effective_at <= ${until} GROUP BY customer_id),
  spell_ends AS (
    SELECT s.customer_id, min(c.effective_at) AS end_at FROM spell_starts s
    JOIN subscription_changes c ON c.customer_id = s.customer_id AND c.effective_at > s.start_at
      AND c.mrr = 0 AND c.effective_at <= ${until}
    GROUP BY s.customer_id),
  first_spells AS (
    SELECT s.customer_id, s.start_at, e.end_at,
      ${wholeMonthsBetween(params.dialect, 's.start_at', `coalesce(e.end_at, ${until})`)} AS months,
      CASE WHEN e.end_at IS NULL THEN 0 ELSE 1 END AS churned
    FROM spell_starts s LEFT JOIN spell_ends e ON e.customer_id = s.customer_id)`;
}
