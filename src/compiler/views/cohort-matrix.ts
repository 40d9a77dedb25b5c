// Signup cohorts: the customers who signed up in each of the range's periods (week, month, quarter or
// year), by age in periods since — conversion from signup (the share that has paid by the end of each
// age: the funnel from signup to paying), the share paying and the MRR kept at the end of each age, the
// revenue earned so far and the realised lifetime value per customer. Cohorts that signed up before the
// range are not shown cut on the left. A cell enters only once its period is over (never as a loss before
// it is observed); averages across cohorts are weighted by cohort size and skip cohorts that have not
// reached that age. Retention of paying customers (100% at the start) is paying-cohorts.ts.
import type { Engine } from '../../warehouse/engine.ts';
import { SqlParams } from '../../warehouse/sql-builder.ts';
import { checkBreakdown, segmentSql } from '../dimensions.ts';
import { DAYS_PER_MONTH, type Grain, type Period, periodsBetween } from '../periods.ts';
import { customerMrrCtes } from '../rollups/customer-mrr.ts';
import { secondsBetween } from '../sql-time.ts';
import {
  averageByAge,
  type CohortGrain,
  checkCohortGrain,
  cohortLabel,
  numberedSql,
  share,
} from './cohort-periods.ts';

export interface CohortCell {
  age: number;
  /** Customers of the cohort whose first payment came before the end of the period of this age. */
  converted: number;
  /** converted / size: conversion from signup by this age. */
  conversion: number | null;
  /** Customers of the cohort paying (MRR > 0) at the end of the period of this age. */
  customers: number;
  retention: number | null;
  mrr: number;
  /** Revenue earned by the cohort through the end of this age: ∫ MRR dt / 30.4375 days, plus orders. */
  cumulative_revenue: number;
  /** Cumulative revenue per customer of the cohort. */
  realised_ltv: number | null;
}

export interface Cohort {
  /** The cohort's period as a label at the grain (2025-03, 2025-Q1, the week's Monday). */
  cohort: string;
  cohort_start: string;
  segment: string;
  size: number;
  cells: CohortCell[];
}

export interface CohortAverage {
  segment: string;
  age: number;
  /** Σ paying / Σ size over the cohorts that have reached this age. */
  retention: number | null;
  /** Σ converted / Σ size over the same cohorts. */
  conversion: number | null;
  cohorts: number;
  size: number;
  customers: number;
  converted: number;
}

export interface CohortMatrix {
  grain: CohortGrain;
  cohorts: Cohort[];
  average: CohortAverage[];
}

function matrixSql(
  periods: readonly Period[],
  by: string | undefined,
  asOf: string,
  params: SqlParams,
): string {
  return `WITH ${customerMrrCtes(periods, params)},
  ${numberedSql(params.bind(asOf), params.dialect)},
  members AS (
    SELECT cu.customer_id AS customer_id, ${segmentSql(by, params)} AS segment, n.idx AS cohort_idx,
      n.period_start AS cohort_start, f.first_paid_at AS first_paid_at
    FROM customers cu
    JOIN numbered n ON cu.signed_up_at >= n.period_start AND cu.signed_up_at < n.period_end
    LEFT JOIN first_paid f ON f.customer_id = cu.customer_id),
  sizes AS (SELECT segment, cohort_start, count(*) AS size FROM members GROUP BY 1, 2),
  earned AS (
    -- MRR earned inside each period: each span of the change log times its overlap with the period.
    SELECT p.period_start AS period_start, m.customer_id AS customer_id,
      sum(m.mrr * ${secondsBetween(
        params.dialect,
        'LEAST(coalesce(m.next_at, p.period_end), p.period_end)',
        'GREATEST(m.effective_at, p.period_start)',
      )}
        / 86400.0 / ${DAYS_PER_MONTH}) AS revenue
    FROM numbered p JOIN mrr_spans m
      ON m.effective_at < p.period_end AND coalesce(m.next_at, p.period_end) > p.period_start
    GROUP BY 1, 2),
  ordered AS (
    SELECT p.period_start AS period_start, o.customer_id AS customer_id, sum(o.amount) AS revenue FROM orders o
    JOIN numbered p ON o.ordered_at >= p.period_start AND o.ordered_at < p.period_end GROUP BY 1, 2),
  cells AS (
    SELECT m.segment AS segment, m.cohort_start AS cohort_start, n.idx - m.cohort_idx AS age,
      count(CASE WHEN c.e > 0 THEN 1 END) AS customers,
      count(CASE WHEN m.first_paid_at < n.period_end THEN 1 END) AS converted,
      coalesce(sum(c.e), 0) AS mrr,
      coalesce(sum(er.revenue), 0) + coalesce(sum(od.revenue), 0) AS revenue
    FROM members m JOIN numbered n ON n.idx >= m.cohort_idx
    LEFT JOIN customer_mrr c ON c.period_start = n.period_start AND c.customer_id = m.customer_id
    LEFT JOIN earned er ON er.period_start = n.period_start AND er.customer_id = m.customer_id
    LEFT JOIN ordered od ON od.period_start = n.period_start AND od.customer_id = m.customer_id
    GROUP BY 1, 2, 3)
  SELECT x.segment, x.cohort_start, s.size, x.age, x.customers, x.converted, x.mrr,
    sum(x.revenue) OVER (PARTITION BY x.segment, x.cohort_start ORDER BY x.age ROWS UNBOUNDED PRECEDING) AS cumulative_revenue
  FROM cells x JOIN sizes s ON s.segment = x.segment AND s.cohort_start = x.cohort_start
  ORDER BY x.segment, x.cohort_start, x.age`;
}

/**
 * The signup cohorts of the range's periods at `grain` (month when not given), from `from` to `to`
 * (YYYY-MM-DD), cells observed by `asOf`.
 */
export async function cohortMatrix(
  engine: Engine,
  req: { from: string; to: string; grain?: Grain; by?: string; asOf: string },
): Promise<CohortMatrix> {
  // A cohort is followed over many months: a customer's state in one of them (lifecycle, rfm) cannot split
  // it.
  checkBreakdown(req.by);
  const grain = checkCohortGrain(req.grain ?? 'month');
  const periods = periodsBetween(req.from, req.to, grain);
  const params = new SqlParams(engine.dialect);
  const rows = await engine.query(matrixSql(periods, req.by, req.asOf, params), params.values);
  const cohorts = new Map<string, Cohort>();
  for (const r of rows) {
    const start = new Date(String(r.cohort_start)).toISOString();
    const key = `${String(r.segment)}\u0000${start}`;
    const size = Number(r.size);
    const cohort = cohorts.get(key) ?? {
      cohort: cohortLabel(start, grain),
      cohort_start: start,
      segment: String(r.segment),
      size,
      cells: [],
    };
    const customers = Number(r.customers);
    const converted = Number(r.converted);
    const revenue = Number(r.cumulative_revenue);
    cohort.cells.push({
      age: Number(r.age),
      converted,
      conversion: share(converted, size),
      customers,
      retention: share(customers, size),
      mrr: Number(r.mrr),
      cumulative_revenue: revenue,
      realised_ltv: share(revenue, size),
    });
    cohorts.set(key, cohort);
  }
  const list = [...cohorts.values()];
  // Size-weighted: Σ over the cohorts observed at that age / Σ of their sizes.
  const average = averageByAge(list, {
    size: (c) => c.size,
    customers: (_, cell) => cell.customers,
    converted: (_, cell) => cell.converted,
  }).map((a) => ({
    segment: a.segment,
    age: a.age,
    retention: share(a.sums.customers, a.sums.size),
    conversion: share(a.sums.converted, a.sums.size),
    cohorts: a.cohorts,
    ...a.sums,
  }));
  return { grain, cohorts: list, average };
}
