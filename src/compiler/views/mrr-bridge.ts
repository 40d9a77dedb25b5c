// The MRR bridge per period: start + new + reactivation + expansion − contraction − churn = end, with each
// customer's movement classified net over the period (so the bridge balances exactly). Filters keep one
// slice of the customers (plan = pro…), as a KPI series filters: the bridge of that slice balances too.

import type { Engine } from '../../warehouse/engine.ts';
import { SqlParams } from '../../warehouse/sql-builder.ts';
import { segmentSql } from '../dimensions.ts';
import { checkCustomerFilters, type SegmentFilter } from '../filters.ts';
import type { Period } from '../periods.ts';
import { customerMrrCtes } from '../rollups/customer-mrr.ts';

export interface MrrBridgeRow {
  period_start: string;
  period_end: string;
  start_mrr: number;
  new_mrr: number;
  reactivation_mrr: number;
  expansion_mrr: number;
  contraction_mrr: number;
  churn_mrr: number;
  end_mrr: number;
  /** #S and #E: customers with MRR > 0 at the start and at the end. */
  customers_start: number;
  customers_end: number;
  customers_new: number;
  customers_reactivated: number;
  customers_churned: number;
}

const MEASURES = [
  'start_mrr',
  'new_mrr',
  'reactivation_mrr',
  'expansion_mrr',
  'contraction_mrr',
  'churn_mrr',
  'end_mrr',
  'customers_start',
  'customers_end',
  'customers_new',
  'customers_reactivated',
  'customers_churned',
] as const;

/** The customers of the filtered slice: a join and a condition on the customers' own dimensions. */
function sliceSql(filters: readonly SegmentFilter[], params: SqlParams): string {
  if (filters.length === 0) return '';
  const where = filters.map((f) => `${segmentSql(f.by, params)} = ${params.bind(f.value)}`);
  return `JOIN customers cu ON cu.customer_id = customer_mrr.customer_id WHERE ${where.join(' AND ')}`;
}

/** SQL of the bridge; a customer is new or reactivated depending on whether it ever paid before. */
export function mrrBridgeSql(
  periods: readonly Period[],
  params: SqlParams,
  filters: readonly SegmentFilter[] = [],
): string {
  const ctes = customerMrrCtes(periods, params);
  return `WITH ${ctes}
  SELECT period_start, period_end,
    sum(s) AS start_mrr,
    sum(CASE WHEN s = 0 AND e > 0 AND first_paid_at >= period_start THEN e ELSE 0 END) AS new_mrr,
    sum(CASE WHEN s = 0 AND e > 0 AND first_paid_at < period_start THEN e ELSE 0 END) AS reactivation_mrr,
    sum(CASE WHEN s > 0 AND e > s THEN e - s ELSE 0 END) AS expansion_mrr,
    sum(CASE WHEN e > 0 AND e < s THEN s - e ELSE 0 END) AS contraction_mrr,
    sum(CASE WHEN s > 0 AND e = 0 THEN s ELSE 0 END) AS churn_mrr,
    sum(e) AS end_mrr,
    count(CASE WHEN s > 0 THEN 1 END) AS customers_start,
    count(CASE WHEN e > 0 THEN 1 END) AS customers_end,
    count(CASE WHEN s = 0 AND e > 0 AND first_paid_at >= period_start THEN 1 END) AS customers_new,
    count(CASE WHEN s = 0 AND e > 0 AND first_paid_at < period_start THEN 1 END) AS customers_reactivated,
    count(CASE WHEN s > 0 AND e = 0 THEN 1 END) AS customers_churned
  FROM customer_mrr ${sliceSql(filters, params)}
  GROUP BY period_start, period_end ORDER BY period_start`;
}

export async function mrrBridge(
  engine: Engine,
  periods: readonly Period[],
  filters: readonly SegmentFilter[] = [],
): Promise<MrrBridgeRow[]> {
  checkCustomerFilters(filters, 'the MRR bridge');
  const params = new SqlParams(engine.dialect);
  const rows = await engine.query(mrrBridgeSql(periods, params, filters), params.values);
  const byStart = new Map(rows.map((r) => [String(r.period_start), r]));
  // Every period gets a row, an empty one too (no subscriptions at all gives no grouped rows).
  return periods.map((p) => {
    const r = byStart.get(p.start);
    const row = { period_start: p.start, period_end: p.end } as MrrBridgeRow;
    for (const m of MEASURES) row[m] = Number(r?.[m] ?? 0);
    return row;
  });
}
