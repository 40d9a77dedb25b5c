// Revenue and subscription KPIs, all from one aggregate per period and segment over the customer-MRR
// rollup: the warehouse returns sums and counts; the ratios are taken here, with their numerators and
// denominators kept (KPI-DEFAULTS.md gives each formula).
// Sub-results, named as the catalog's `also` says:
// - `mrr.arpa`: MRR at p_end / customers paying then (#E); null with zero_denominator when none pays.
// - `net_revenue_retention.nrr_12m`: over the customers paying twelve months before p_end (the same
//   instant a calendar year earlier, 29 February falling on the 28th), their MRR at p_end / their MRR then;
//   n = those customers. A year that reaches back before the data has no such customers: null.
// - `net_revenue_retention.grr`: gross revenue retention, (Σ s − contraction − churn) / Σ s: what the
//   customers paying at the start still pay, each counted at most at its starting MRR (expansion left out).
// - `net_revenue_retention.grr_12m`: the same over the customers paying twelve months before p_end: Σ
//   min(MRR then, MRR at p_end) / Σ MRR then.
import {
  amountResult,
  type KpiResult,
  type ResultContext,
  ratioResult,
  subResult,
} from '../../results/kpi-result.ts';
import type { Dialect, Engine, Row } from '../../warehouse/engine.ts';
import { SqlParams } from '../../warehouse/sql-builder.ts';
import {
  type PeriodSegmentTables,
  periodSegmentJoin,
  REFERRED_SQL,
  segmentSql,
  segmentsAt,
} from '../dimensions.ts';
import type { FamilyRequest } from '../family-request.ts';
import { type Grain, type Period, yearBefore } from '../periods.ts';
import { previousPeriod } from '../previous-period.ts';
import { customerMrrCtes } from '../rollups/customer-mrr.ts';
import { type RunRollups, withRollups } from '../rollups/run-rollups.ts';
import { instantParam } from '../sql-time.ts';

/** Sums and counts of one period, segment and referral status. */
interface Aggregate {
  start_mrr: number;
  end_mrr: number;
  new_mrr: number;
  reactivation_mrr: number;
  expansion_mrr: number;
  contraction_mrr: number;
  churn_mrr: number;
  customers_start: number;
  customers_end: number;
  customers_new: number;
  customers_reactivated: number;
  customers_churned: number;
  customers_downgraded: number;
}
const MEASURES: (keyof Aggregate)[] = [
  'start_mrr',
  'end_mrr',
  'new_mrr',
  'reactivation_mrr',
  'expansion_mrr',
  'contraction_mrr',
  'churn_mrr',
  'customers_start',
  'customers_end',
  'customers_new',
  'customers_reactivated',
  'customers_churned',
  'customers_downgraded',
];

/** Customers paying twelve months before a period's end: their MRR then (base) and at the period's end. */
interface YearAgo {
  base: number;
  kept: number;
  /** Σ min(MRR then, MRR at the period's end): kept without expansion. */
  grossKept: number;
  customers: number;
}

/** A KPI's main row, and any extra rows (`kpi.part`) reported beside it. */
type Formula = (
  a: Aggregate,
  ctx: ResultContext,
  previous: Aggregate | undefined,
  yearAgo: YearAgo,
) => KpiResult | KpiResult[];

const churnRate: Formula = (a, ctx) =>
  ratioResult(ctx, a.customers_churned, a.customers_start, a.customers_start);
const retentionRate: Formula = (a, ctx) =>
  ratioResult(
    ctx,
    a.customers_end - a.customers_new - a.customers_reactivated,
    a.customers_start,
    a.customers_start,
  );

export const REVENUE_FORMULAS: Record<string, { formula: Formula; referredOnly?: boolean }> = {
  mrr: {
    formula: (a, ctx) => [
      amountResult(ctx, a.end_mrr, a.customers_end),
      ratioResult(subResult(ctx, 'arpa'), a.end_mrr, a.customers_end, a.customers_end),
    ],
  },
  customer_churn_rate: { formula: churnRate },
  customer_retention_rate: { formula: retentionRate },
  revenue_churn_rate: {
    formula: (a, ctx) => ratioResult(ctx, a.churn_mrr + a.contraction_mrr, a.start_mrr, a.customers_start),
  },
  net_revenue_churn: {
    formula: (a, ctx) =>
      ratioResult(ctx, a.churn_mrr + a.contraction_mrr - a.expansion_mrr, a.start_mrr, a.customers_start),
  },
  net_revenue_retention: {
    formula: (a, ctx, _, year) => [
      ratioResult(
        ctx,
        a.start_mrr + a.expansion_mrr - a.contraction_mrr - a.churn_mrr,
        a.start_mrr,
        a.customers_start,
      ),
      ratioResult(subResult(ctx, 'nrr_12m'), year.kept, year.base, year.customers),
      ratioResult(
        subResult(ctx, 'grr'),
        a.start_mrr - a.contraction_mrr - a.churn_mrr,
        a.start_mrr,
        a.customers_start,
      ),
      ratioResult(subResult(ctx, 'grr_12m'), year.grossKept, year.base, year.customers),
    ],
  },
  expansion_revenue: { formula: (a, ctx) => amountResult(ctx, a.expansion_mrr, a.customers_start) },
  // Expansion over MRR at the start; `.change` is the period-over-period change in expansion (version 1's
  // value), undefined after a period without expansion.
  expansion_revenue_growth_rate: {
    formula: (a, ctx, prev) => {
      const before = prev?.expansion_mrr ?? 0;
      return [
        ratioResult(ctx, a.expansion_mrr, a.start_mrr, a.customers_start),
        ratioResult(subResult(ctx, 'change'), a.expansion_mrr - before, before, a.customers_start),
      ];
    },
  },
  customer_downgrade_rate: {
    formula: (a, ctx) => ratioResult(ctx, a.customers_downgraded, a.customers_start, a.customers_start),
  },
  referral_retention_rate: { formula: retentionRate, referredOnly: true },
  referral_churn_rate: { formula: churnRate, referredOnly: true },
};

/** The revenue KPIs have no parameters of their own. */
export type RevenueRequest = Omit<FamilyRequest<object>, 'params' | 'grain'> & { readonly grain: Grain };

/**
 * CTEs ending in `downgraded(period_start, customer_id)`: the customers with a change in the period that
 * lowered MRR without ending it, over the CTE `periods` (customer-mrr.ts). The rows behind the downgrade
 * rate (drill/explain-rows.ts) read the same.
 */
export const downgradedCtes = (d: Dialect): string => `changes_with_previous AS (
    SELECT customer_id, effective_at, mrr,
      ${d.lag('mrr')} OVER (PARTITION BY customer_id ORDER BY effective_at) AS previous_mrr
    FROM subscription_changes),
  downgraded AS (
    SELECT DISTINCT p.period_start, d.customer_id FROM changes_with_previous d
    JOIN periods p ON d.effective_at >= p.period_start AND d.effective_at < p.period_end
    WHERE d.mrr > 0 AND d.mrr < d.previous_mrr)`;

function aggregateSql(
  periods: readonly Period[],
  by: string | undefined,
  customerMrr: string | undefined,
  segments: PeriodSegmentTables,
  params: SqlParams,
): string {
  return `WITH ${customerMrrCtes(periods, params, customerMrr)},
  ${downgradedCtes(params.dialect)}
  SELECT m.period_start, ${segmentSql(by, params)} AS segment,
    CASE WHEN ${REFERRED_SQL} THEN 1 ELSE 0 END AS referred,
    sum(m.s) AS start_mrr, sum(m.e) AS end_mrr,
    sum(CASE WHEN m.s = 0 AND m.e > 0 AND m.first_paid_at >= m.period_start THEN m.e ELSE 0 END) AS new_mrr,
    sum(CASE WHEN m.s = 0 AND m.e > 0 AND m.first_paid_at < m.period_start THEN m.e ELSE 0 END) AS reactivation_mrr,
    sum(CASE WHEN m.s > 0 AND m.e > m.s THEN m.e - m.s ELSE 0 END) AS expansion_mrr,
    sum(CASE WHEN m.e > 0 AND m.e < m.s THEN m.s - m.e ELSE 0 END) AS contraction_mrr,
    sum(CASE WHEN m.s > 0 AND m.e = 0 THEN m.s ELSE 0 END) AS churn_mrr,
    count(CASE WHEN m.s > 0 THEN 1 END) AS customers_start,
    count(CASE WHEN m.e > 0 THEN 1 END) AS customers_end,
    count(CASE WHEN m.s = 0 AND m.e > 0 AND m.first_paid_at >= m.period_start THEN 1 END) AS customers_new,
    count(CASE WHEN m.s = 0 AND m.e > 0 AND m.first_paid_at < m.period_start THEN 1 END) AS customers_reactivated,
    count(CASE WHEN m.s > 0 AND m.e = 0 THEN 1 END) AS customers_churned,
    count(CASE WHEN m.s > 0 AND g.customer_id IS NOT NULL THEN 1 END) AS customers_downgraded
  FROM customer_mrr m JOIN customers cu ON cu.customer_id = m.customer_id
  ${periodSegmentJoin(by, 'm.customer_id', segmentsAt('m.period_start', segments))}
  LEFT JOIN downgraded g ON g.period_start = m.period_start AND g.customer_id = m.customer_id
  GROUP BY 1, 2, 3`;
}

/** The year ending at each period's end, whose start MRR and end MRR nrr_12m compares. */
const yearsTo = (periods: readonly Period[]): Period[] =>
  periods.map((p) => ({ start: yearBefore(p.end), end: p.end }));

/**
 * Per requested period and segment: the customers paying a year before its end, their MRR then and at its
 * end. `customerMrr`: customer_mrr over the years (`yearsTo`); `segments`: over periods that hold the
 * requested ones.
 */
function yearAgoSql(
  periods: readonly Period[],
  by: string | undefined,
  customerMrr: string | undefined,
  segments: PeriodSegmentTables,
  params: SqlParams,
): string {
  const years = yearsTo(periods);
  const ts = (iso: string) => instantParam(params, iso);
  const asked = periods.map((p, i) => `(${ts(years[i]?.start ?? p.start)}, ${ts(p.end)}, ${ts(p.start)})`);
  return `WITH ${customerMrrCtes(years, params, customerMrr)},
  asked AS (SELECT * FROM (VALUES ${asked.join(', ')}) AS v(year_start, year_end, period_start))
  SELECT a.period_start, ${segmentSql(by, params)} AS segment, sum(m.s) AS base, sum(m.e) AS kept,
    sum(least(m.s, m.e)) AS gross_kept, count(*) AS customers
  FROM customer_mrr m JOIN asked a ON a.year_start = m.period_start AND a.year_end = m.period_end
  JOIN customers cu ON cu.customer_id = m.customer_id
  ${periodSegmentJoin(by, 'm.customer_id', segmentsAt('a.period_start', segments))}
  WHERE m.s > 0
  GROUP BY 1, 2`;
}

const empty = (): Aggregate => Object.fromEntries(MEASURES.map((m) => [m, 0])) as unknown as Aggregate;

function add(into: Aggregate, row: Record<string, unknown>): void {
  for (const m of MEASURES) into[m] += Number(row[m] ?? 0);
}

export function computeRevenueKpis(engine: Engine, req: RevenueRequest): Promise<KpiResult[]> {
  return withRollups(engine, req.rollups, (session, rollups) => revenueKpis(session, rollups, req));
}

async function revenueKpis(engine: Engine, rollups: RunRollups, req: RevenueRequest): Promise<KpiResult[]> {
  // The period before the first requested one, for KPIs that compare with the previous period.
  const first = req.periods[0];
  const periods = first ? [previousPeriod(first, req.grain), ...req.periods] : [];
  const params = new SqlParams(engine.dialect);
  const customerMrr = await rollups.customerMrr(periods);
  const tables = await rollups.segmentTables(req.by, periods, req);
  const rows = await engine.query(aggregateSql(periods, req.by, customerMrr, tables, params), params.values);
  const yearAgo = new Map<string, Row>();
  if (req.kpis.includes('net_revenue_retention') && req.periods.length > 0) {
    const p = new SqlParams(engine.dialect);
    const years = await rollups.customerMrr(yearsTo(req.periods));
    for (const row of await engine.query(yearAgoSql(req.periods, req.by, years, tables, p), p.values))
      yearAgo.set(`${String(row.period_start)}|${String(row.segment)}`, row);
  }
  // (period start, segment) → aggregates over everyone, and over referred customers only.
  const all = new Map<string, Aggregate>();
  const referred = new Map<string, Aggregate>();
  const segments = new Set<string>(req.by === undefined ? ['all'] : []);
  for (const row of rows) {
    const key = `${String(row.period_start)}|${String(row.segment)}`;
    segments.add(String(row.segment));
    if (!all.has(key)) all.set(key, empty());
    add(all.get(key) as Aggregate, row);
    // 1 or 0, not a boolean: ClickHouse has no boolean results (a comparison gives UInt8).
    if (Number(row.referred) === 1) {
      if (!referred.has(key)) referred.set(key, empty());
      add(referred.get(key) as Aggregate, row);
    }
  }
  for (const key of yearAgo.keys()) segments.add(key.slice(key.indexOf('|') + 1));
  const results: KpiResult[] = [];
  for (const kpi of req.kpis) {
    const spec = REVENUE_FORMULAS[kpi];
    if (!spec) continue;
    const source = spec.referredOnly ? referred : all;
    for (const segment of [...segments].sort()) {
      req.periods.forEach((p, i) => {
        const previous = periods[i];
        const ctx = {
          kpi,
          period_start: p.start,
          period_end: p.end,
          segment,
          asOf: req.asOf,
          minSample: req.minSample,
        };
        const a = source.get(`${p.start}|${segment}`) ?? empty();
        const prev = previous ? source.get(`${previous.start}|${segment}`) : undefined;
        const y = yearAgo.get(`${p.start}|${segment}`);
        const year = {
          base: Number(y?.base ?? 0),
          kept: Number(y?.kept ?? 0),
          grossKept: Number(y?.gross_kept ?? 0),
          customers: Number(y?.customers ?? 0),
        };
        results.push(...[spec.formula(a, ctx, prev, year)].flat());
      });
    }
  }
  return results;
}
