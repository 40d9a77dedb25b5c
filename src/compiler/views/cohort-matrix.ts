// Signup-cohort retention matrices, for customers and for revenue: each cohort (the month of signup) by
// age in months, with the share still paying and the MRR kept at the end of each month of age, the revenue
// earned so far and the realised lifetime value per customer. A cell enters only once its month is over
// (never as a loss before it is observed); averages across cohorts are weighted by cohort size and skip
// cohorts that have not reached that age, and empty cohorts.
import type { Engine } from '../../warehouse/engine.ts';
import { SqlParams } from '../../warehouse/sql-builder.ts';
import { segmentSql } from '../dimensions.ts';
import { type Period, periodsBetween } from '../periods.ts';
import { customerMrrCtes } from '../rollups/customer-mrr.ts';
import { monthIndex, secondsBetween } from '../sql-time.ts';

export interface CohortCell {
  age: number;
  /** Customers of the cohort paying (MRR > 0) at the end of the month of this age. */
  customers: number;
  retention: number | null;
  mrr: number;
  /** Revenue earned by the cohort through the end of this age: ∫ MRR dt / 30.4375 days, plus orders. */
  cumulative_revenue: number;
  /** Cumulative revenue per customer of the cohort. */
  realised_ltv: number | null;
}

export interface Cohort {
  cohort: string;
  segment: string;
  size: number;
  cells: CohortCell[];
}

export interface CohortAverage {
  segment: string;
  age: number;
  /** Σ paying / Σ size over the cohorts that have reached this age. */
  retention: number | null;
  cohorts: number;
  customers: number;
}

export interface CohortMatrix {
  cohorts: Cohort[];
  average: CohortAverage[];
}

const DAYS_PER_MONTH = 30.4375;

function matrixSql(
  periods: readonly Period[],
  by: string | undefined,
  asOf: string,
  params: SqlParams,
): string {
  const observedUntil = params.bind(asOf);
  return `WITH ${customerMrrCtes(periods, params)},
  cohorts AS (
    SELECT cu.customer_id, ${segmentSql(by, params)} AS segment, ${monthIndex('cu.signed_up_at')} AS cohort_month,
      CAST(CAST(EXTRACT(YEAR FROM cu.signed_up_at) AS INTEGER) AS VARCHAR) || '-' ||
        lpad(CAST(CAST(EXTRACT(MONTH FROM cu.signed_up_at) AS INTEGER) AS VARCHAR), 2, '0') AS cohort
    FROM customers cu),
  sizes AS (SELECT segment, cohort, count(*) AS size FROM cohorts GROUP BY 1, 2),
  earned AS (
    -- MRR earned inside each month: each span of the change log times its overlap with the month.
    SELECT p.period_start, m.customer_id,
      sum(m.mrr * ${secondsBetween(
        'LEAST(coalesce(m.next_at, p.period_end), p.period_end)',
        'GREATEST(m.effective_at, p.period_start)',
      )}
        / 86400.0 / ${DAYS_PER_MONTH}) AS revenue
    FROM periods p JOIN mrr_spans m
      ON m.effective_at < p.period_end AND coalesce(m.next_at, p.period_end) > p.period_start
    GROUP BY 1, 2),
  ordered AS (
    SELECT p.period_start, o.customer_id, sum(o.amount) AS revenue FROM orders o
    JOIN periods p ON o.ordered_at >= p.period_start AND o.ordered_at < p.period_end GROUP BY 1, 2),
  cells AS (
    SELECT c.segment, c.cohort, ${monthIndex('p.period_start')} - c.cohort_month AS age,
      count(CASE WHEN m.e > 0 THEN 1 END) AS customers, coalesce(sum(m.e), 0) AS mrr,
      coalesce(sum(er.revenue), 0) + coalesce(sum(od.revenue), 0) AS revenue
    FROM periods p JOIN cohorts c ON ${monthIndex('p.period_start')} >= c.cohort_month
    LEFT JOIN customer_mrr m ON m.period_start = p.period_start AND m.customer_id = c.customer_id
    LEFT JOIN earned er ON er.period_start = p.period_start AND er.customer_id = c.customer_id
    LEFT JOIN ordered od ON od.period_start = p.period_start AND od.customer_id = c.customer_id
    WHERE p.period_end <= CAST(${observedUntil} AS TIMESTAMPTZ)
    GROUP BY 1, 2, 3)
  SELECT x.segment, x.cohort, s.size, x.age, x.customers, x.mrr,
    sum(x.revenue) OVER (PARTITION BY x.segment, x.cohort ORDER BY x.age ROWS UNBOUNDED PRECEDING) AS cumulative_revenue
  FROM cells x JOIN sizes s ON s.segment = x.segment AND s.cohort = x.cohort
  ORDER BY x.segment, x.cohort, x.age`;
}

/** The matrix over the months from `from` to `to` (YYYY-MM-DD), cells observed by `asOf`. */
export async function cohortMatrix(
  engine: Engine,
  req: { from: string; to: string; by?: string; asOf: string },
): Promise<CohortMatrix> {
  const periods = periodsBetween(req.from, req.to, 'month');
  const params = new SqlParams(engine.dialect);
  const rows = await engine.query(matrixSql(periods, req.by, req.asOf, params), params.values);
  const cohorts = new Map<string, Cohort>();
  for (const r of rows) {
    const key = `${String(r.segment)}|${String(r.cohort)}`;
    const size = Number(r.size);
    const cohort = cohorts.get(key) ?? {
      cohort: String(r.cohort),
      segment: String(r.segment),
      size,
      cells: [],
    };
    const customers = Number(r.customers);
    const revenue = Number(r.cumulative_revenue);
    cohort.cells.push({
      age: Number(r.age),
      customers,
      retention: size > 0 ? customers / size : null,
      mrr: Number(r.mrr),
      cumulative_revenue: revenue,
      realised_ltv: size > 0 ? revenue / size : null,
    });
    cohorts.set(key, cohort);
  }
  const list = [...cohorts.values()];
  const averages = new Map<string, CohortAverage>();
  for (const c of list) {
    if (c.size === 0) continue;
    for (const cell of c.cells) {
      const key = `${c.segment}|${cell.age}`;
      const a = averages.get(key) ?? {
        segment: c.segment,
        age: cell.age,
        retention: null,
        cohorts: 0,
        customers: 0,
      };
      a.cohorts += 1;
      a.customers += cell.customers;
      averages.set(key, a);
    }
  }
  // Size-weighted: Σ paying / Σ sizes of the cohorts observed at that age.
  for (const a of averages.values()) {
    const sizes = list
      .filter((c) => c.segment === a.segment && c.cells.some((cell) => cell.age === a.age))
      .reduce((sum, c) => sum + c.size, 0);
    a.retention = sizes > 0 ? a.customers / sizes : null;
  }
  return {
    cohorts: list,
    average: [...averages.values()].sort((x, y) => x.segment.localeCompare(y.segment) || x.age - y.age),
  };
}
