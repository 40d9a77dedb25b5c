// Retention cohorts as revenue analysts read them (ChartMogul, Baremetrics): a cohort is the customers whose
// first payment (first subscription change with MRR > 0) fell in one of the range's periods. Logo retention
// starts at 100% (every member paid in the cohort's period) and at age k ≥ 1 is the share of the cohort
// paying (MRR > 0) at the end of the k-th period after its first. Revenue retention at age k is the
// cohort's MRR at the end of that period as a share of its starting MRR (each member's MRR at its first
// payment): net revenue retention by cohort, above 100% when expansion outweighs churn; at age 0 it already
// shows what changed within the first period. Both read the same moment, the end of each period. Cells
// enter once their period is over; averages are weighted by size (customers, starting MRR) over the
// cohorts that have reached each age.
import type { Engine } from '../../warehouse/engine.ts';
import { SqlParams } from '../../warehouse/sql-builder.ts';
import { segmentSql } from '../dimensions.ts';
import type { Grain } from '../periods.ts';
import { periodsBetween } from '../periods.ts';
import { FIRST_PAID_SQL, mrrSpansSql, STARTING_MRR_CTE, spanHoldsAtSql } from '../rollups/customer-mrr.ts';
import {
  averageByAge,
  type CohortGrain,
  checkCohortGrain,
  cohortLabel,
  numberedPeriodsCtes,
  share,
} from './cohort-periods.ts';

export interface PayingCohortCell {
  age: number;
  /** Members paying at the end of the period of this age; at age 0 all of them (they paid in it). */
  customers: number;
  /** customers / size: 1 at age 0. */
  retention: number | null;
  /** The members' MRR at the end of the period of this age. */
  mrr: number;
  /** mrr / starting_mrr: net revenue retention of the cohort. */
  revenue_retention: number | null;
}

export interface PayingCohort {
  /** The cohort's period as a label at the grain (2025-03, 2025-Q1, the week's Monday). */
  cohort: string;
  cohort_start: string;
  segment: string;
  size: number;
  /** Σ of each member's MRR at its first payment. */
  starting_mrr: number;
  cells: PayingCohortCell[];
}

export interface PayingCohortAverage {
  segment: string;
  age: number;
  /** Cohorts that have reached this age, and their customers and starting MRR. */
  cohorts: number;
  size: number;
  starting_mrr: number;
  customers: number;
  mrr: number;
  retention: number | null;
  revenue_retention: number | null;
}

export interface PayingCohorts {
  grain: CohortGrain;
  cohorts: PayingCohort[];
  average: PayingCohortAverage[];
}

function payingCohortsSql(by: string | undefined, params: SqlParams, numbered: string): string {
  return `WITH ${numbered},
  mrr_spans AS (${mrrSpansSql(params.dialect)}),
  first_paid AS (${FIRST_PAID_SQL}),
  ${STARTING_MRR_CTE},
  members AS (
    SELECT f.customer_id AS customer_id, n.idx AS cohort_idx, n.period_start AS cohort_start, ${segmentSql(by, params)} AS segment,
      st.starting_mrr AS starting_mrr
    FROM first_paid f
    JOIN numbered n ON f.first_paid_at >= n.period_start AND f.first_paid_at < n.period_end
    JOIN starting st ON st.customer_id = f.customer_id
    JOIN customers cu ON cu.customer_id = f.customer_id),
  -- Each member in each period from its cohort's on.
  ages AS (
    SELECT m.customer_id, m.segment, m.cohort_start, n.idx, n.period_start, n.period_end,
      n.idx - m.cohort_idx AS age
    FROM members m JOIN numbered n ON n.idx >= m.cohort_idx),
  mrr_at_end AS (
    SELECT a.customer_id AS customer_id, a.idx AS idx, s.mrr AS mrr FROM ages a
    JOIN mrr_spans s ON s.customer_id = a.customer_id AND ${spanHoldsAtSql('s', 'a.period_end')}),
  sizes AS (
    SELECT segment, cohort_start, count(*) AS size, sum(starting_mrr) AS starting_mrr FROM members
    GROUP BY 1, 2)
  SELECT a.segment, a.cohort_start, z.size, z.starting_mrr, a.age,
    count(CASE WHEN a.age = 0 OR e.mrr > 0 THEN 1 END) AS customers, coalesce(sum(e.mrr), 0) AS mrr
  FROM ages a
  JOIN sizes z ON z.segment = a.segment AND z.cohort_start = a.cohort_start
  LEFT JOIN mrr_at_end e ON e.customer_id = a.customer_id AND e.idx = a.idx
  GROUP BY a.segment, a.cohort_start, z.size, z.starting_mrr, a.age
  ORDER BY a.segment, a.cohort_start, a.age`;
}

/** Cohorts of first payments over the range's periods at `grain`, cells observed by `asOf`. */
export async function payingCohorts(
  engine: Engine,
  req: { from: string; to: string; grain: Grain; by?: string; asOf: string },
): Promise<PayingCohorts> {
  const grain = checkCohortGrain(req.grain);
  const params = new SqlParams(engine.dialect);
  const numbered = numberedPeriodsCtes(
    periodsBetween(req.from, req.to, grain),
    params.bind(req.asOf),
    params,
  );
  const rows = await engine.query(payingCohortsSql(req.by, params, numbered), params.values);
  const cohorts = new Map<string, PayingCohort>();
  for (const r of rows) {
    const start = new Date(String(r.cohort_start)).toISOString();
    const key = `${String(r.segment)}\u0000${start}`;
    const size = Number(r.size);
    const startingMrr = Number(r.starting_mrr);
    const cohort = cohorts.get(key) ?? {
      cohort: cohortLabel(start, grain),
      cohort_start: start,
      segment: String(r.segment),
      size,
      starting_mrr: startingMrr,
      cells: [],
    };
    const customers = Number(r.customers);
    const mrr = Number(r.mrr);
    cohort.cells.push({
      age: Number(r.age),
      customers,
      retention: share(customers, size),
      mrr,
      revenue_retention: share(mrr, startingMrr),
    });
    cohorts.set(key, cohort);
  }
  const list = [...cohorts.values()];
  const average = averageByAge(list, {
    size: (c) => c.size,
    starting_mrr: (c) => c.starting_mrr,
    customers: (_, cell) => (cell as PayingCohortCell).customers,
    mrr: (_, cell) => (cell as PayingCohortCell).mrr,
  }).map((a) => ({
    segment: a.segment,
    age: a.age,
    cohorts: a.cohorts,
    ...a.sums,
    retention: share(a.sums.customers, a.sums.size),
    revenue_retention: share(a.sums.mrr, a.sums.starting_mrr),
  }));
  return { grain, cohorts: list, average };
}
