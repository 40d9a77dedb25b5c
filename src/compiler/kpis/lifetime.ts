// Lifetime KPIs (KPI-DEFAULTS.md): customer lifetime value, average customer lifespan, LTV to CAC and CLV of
// referred customers. All stand on one monthly series per segment and referral status over the trailing
// 12 months ending at p_end, computed in the warehouse with the customer-MRR rollup:
//   ARPA(m) = MRR at the month's end / customers with MRR > 0 then, averaged over the month-ends that have any;
//   churn(m) = churned / #S, averaged over the months with #S > 0;
//   gross margin = 1 − cost to serve / revenue over the window (revenue = ∫ MRR dt / 30.4375 days + orders)
//     when the costs table has rows, else the `grossMargin` parameter.
// Only complete calendar months count: the window is the 12 months before the start of the month holding
// p_end (= p_end itself for month, quarter and year periods); a month ending after asOf is left out.
// Fewer than 12 months with #S > 0 (data too short, or not yet observed) → flagged `censored`.

import { type KpiResult, noDataResult, type ResultContext, ratioResult } from '../../results/kpi-result.ts';
import type { Engine, Row } from '../../warehouse/engine.ts';
import { SqlParams } from '../../warehouse/sql-builder.ts';
import { tableHasRows } from '../../warehouse/table-checks.ts';
import {
  type PeriodSegmentTables,
  periodSegmentJoin,
  REFERRED_SQL,
  segmentSql,
  segmentsAt,
} from '../dimensions.ts';
import type { FamilyRequest } from '../family-request.ts';
import { type Period, periodStart, periodsBetween } from '../periods.ts';
import { customerMrrCtes, FIRST_PAID_SQL } from '../rollups/customer-mrr.ts';
import { withRollups } from '../rollups/run-rollups.ts';
import { periodDaysSql, periodsValues, secondsBetween } from '../sql-time.ts';

export interface LifetimeParams {
  /** Gross margin used when the costs table is empty. */
  readonly grossMargin: number;
  /** Length of the trailing window, in months. */
  readonly trailingMonths: number;
}

export const DEFAULT_LIFETIME_PARAMS: LifetimeParams = { grossMargin: 1.0, trailingMonths: 12 };

export const LIFETIME_KPIS = [
  'customer_lifetime_value',
  'average_customer_lifespan',
  'ltv_to_cac_ratio',
  'cltv_referred_users',
] as const;

/** The extra row reported with `cltv_referred_users`. */
export const CLTV_REFERRED_RATIO = 'cltv_referred_users.ratio_to_non_referred';

export type LifetimeRequest = FamilyRequest<LifetimeParams>;

/** Monthly sums and counts of one segment and referral group. */
interface Month {
  customers_start: number;
  customers_churned: number;
  customers_end: number;
  end_mrr: number;
  revenue: number;
  account_cost: number;
}
const MEASURES: (keyof Month)[] = [
  'customers_start',
  'customers_churned',
  'customers_end',
  'end_mrr',
  'revenue',
  'account_cost',
];
const emptyMonth = (): Month => Object.fromEntries(MEASURES.map((m) => [m, 0])) as unknown as Month;

type Group = 'referred' | 'not_referred';

/**
 * Per month, segment and referral status: #S, churned, customers and MRR at the month's end, revenue
 * (∫ MRR dt over the month / 30.4375 days, plus orders) and per-account cost to serve.
 */
function monthlySql(
  months: readonly Period[],
  by: string | undefined,
  customerMrr: string | undefined,
  segments: PeriodSegmentTables,
  params: SqlParams,
): string {
  const seg = segmentSql(by, params);
  // A breakdown by a period dimension places each customer in each month by its state in that month.
  const inMonth = (customerId: string, period: string) =>
    periodSegmentJoin(by, customerId, segmentsAt(period, segments));
  // A boolean on every engine (ClickHouse gives a bare predicate as the integer 0 or 1).
  const referred = params.dialect.cast(REFERRED_SQL, 'boolean');
  return `WITH ${customerMrrCtes(months, params, customerMrr)},
  period_days AS (${periodDaysSql(params.dialect, months)}),
  rollup AS (
    SELECT m.period_start, ${seg} AS segment, ${referred} AS referred,
      count(CASE WHEN m.s > 0 THEN 1 END) AS customers_start,
      count(CASE WHEN m.s > 0 AND m.e = 0 THEN 1 END) AS customers_churned,
      count(CASE WHEN m.e > 0 THEN 1 END) AS customers_end,
      sum(m.e) AS end_mrr, 0 AS revenue, 0 AS account_cost
    FROM customer_mrr m JOIN customers cu ON cu.customer_id = m.customer_id
    ${inMonth('m.customer_id', 'm.period_start')}
    GROUP BY 1, 2, 3),
  mrr_revenue AS (
    SELECT p.period_start, ${seg} AS segment, ${referred} AS referred,
      0 AS customers_start, 0 AS customers_churned, 0 AS customers_end, 0 AS end_mrr,
      sum(x.mrr * ${secondsBetween(
        params.dialect,
        'LEAST(coalesce(x.next_at, p.period_end), p.period_end)',
        'GREATEST(x.effective_at, p.period_start)',
      )}) / 2629800.0 AS revenue,
      0 AS account_cost
    FROM periods p
    JOIN mrr_spans x ON x.effective_at < p.period_end AND (x.next_at IS NULL OR x.next_at > p.period_start)
    JOIN customers cu ON cu.customer_id = x.customer_id
    ${inMonth('x.customer_id', 'p.period_start')}
    WHERE x.mrr > 0
    GROUP BY 1, 2, 3),
  order_revenue AS (
    SELECT p.period_start, ${seg} AS segment, ${referred} AS referred,
      0 AS customers_start, 0 AS customers_churned, 0 AS customers_end, 0 AS end_mrr,
      sum(o.amount) AS revenue, 0 AS account_cost
    FROM orders o JOIN periods p ON o.ordered_at >= p.period_start AND o.ordered_at < p.period_end
    JOIN customers cu ON cu.customer_id = o.customer_id
    ${inMonth('o.customer_id', 'p.period_start')}
    GROUP BY 1, 2, 3),
  account_costs AS (
    SELECT p.period_start, ${seg} AS segment, ${referred} AS referred,
      0 AS customers_start, 0 AS customers_churned, 0 AS customers_end, 0 AS end_mrr, 0 AS revenue,
      sum(c.amount) AS account_cost
    FROM costs c
    JOIN period_days p ON p.day = c.period_start
    JOIN customers cu ON cu.customer_id = c.customer_id
    ${inMonth('c.customer_id', 'p.period_start')}
    GROUP BY 1, 2, 3)
  SELECT * FROM rollup UNION ALL SELECT * FROM mrr_revenue UNION ALL SELECT * FROM order_revenue
  UNION ALL SELECT * FROM account_costs`;
}

/** Costs given per segment (no customer_id), per month and the segment value they name. */
function segmentCostsSql(months: readonly Period[], params: SqlParams): string {
  return `WITH periods AS (${periodsValues(months, params)}),
  period_days AS (${periodDaysSql(params.dialect, months)})
  SELECT p.period_start, c.segment, sum(c.amount) AS amount FROM costs c
  JOIN period_days p ON p.day = c.period_start
  WHERE c.customer_id IS NULL GROUP BY 1, 2`;
}

/** New customers (first MRR > 0 in P) per requested period and segment. */
function newCustomersSql(
  periods: readonly Period[],
  by: string | undefined,
  segments: PeriodSegmentTables,
  params: SqlParams,
): string {
  return `WITH periods AS (${periodsValues(periods, params)}),
  first_paid AS (${FIRST_PAID_SQL})
  SELECT p.period_start, ${segmentSql(by, params)} AS segment, count(*) AS new_customers
  FROM first_paid f JOIN customers cu ON cu.customer_id = f.customer_id
  JOIN periods p ON f.first_paid_at >= p.period_start AND f.first_paid_at < p.period_end
  ${periodSegmentJoin(by, 'f.customer_id', segmentsAt('p.period_start', segments))}
  GROUP BY 1, 2`;
}

/** Acquisition spend whose period_start lies in P, per requested period and channel. */
function spendSql(periods: readonly Period[], params: SqlParams): string {
  return `WITH periods AS (${periodsValues(periods, params)})
  SELECT p.period_start, s.channel, sum(s.amount) AS amount FROM acquisition_spend s
  JOIN periods p ON s.period_start >= p.start_day AND s.period_start < p.end_day
  GROUP BY 1, 2`;
}

const iso = (d: Date) => d.toISOString();
const addMonths = (d: Date, n: number) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1));

/** The trailing window of a period: `months` complete calendar months ending at the month holding p_end. */
export function trailingWindow(p: Period, months: number): { start: string; end: string } {
  const end = periodStart(new Date(p.end), 'month');
  return { start: iso(addMonths(end, -months)), end: iso(end) };
}

/** The CLV ingredients of one period, segment and group. */
export interface Clv {
  readonly arpa: number;
  /** null when the costs table has rows but the group had no revenue. */
  readonly margin: number | null;
  /** Average monthly churn rate; null when no month had customers at its start. */
  readonly churn: number | null;
  /** Average #S over the months used. */
  readonly n: number;
  /** Fewer than the full window of months with #S > 0. */
  readonly censored: boolean;
}

function clvOf(
  months: readonly Month[],
  segmentCost: number,
  segmentRevenue: number,
  hasCosts: boolean,
  params: LifetimeParams,
): Clv {
  const churnMonths = months.filter((m) => m.customers_start > 0);
  const arpaMonths = months.filter((m) => m.customers_end > 0);
  const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
  const churn =
    churnMonths.length === 0 ? null : mean(churnMonths.map((m) => m.customers_churned / m.customers_start));
  const arpa = mean(arpaMonths.map((m) => m.end_mrr / m.customers_end));
  let margin: number | null = params.grossMargin;
  if (hasCosts) {
    const revenue = months.reduce((a, m) => a + m.revenue, 0);
    const cost = months.reduce((a, m) => a + m.account_cost, 0);
    // Segment-level costs are shared by the segment's groups in proportion to their revenue.
    const shared = segmentRevenue > 0 ? segmentCost / segmentRevenue : 0;
    margin = revenue > 0 ? 1 - cost / revenue - shared : null;
  }
  return {
    arpa,
    margin,
    churn,
    n: Math.round(mean(churnMonths.map((m) => m.customers_start))),
    censored: churnMonths.length < params.trailingMonths,
  };
}

const withFlag = (r: KpiResult, censored: boolean): KpiResult =>
  censored && !r.flags.includes('censored') ? { ...r, flags: [...r.flags, 'censored'] } : r;

/** CLV = ARPA × margin / churn; a zero (or unknown) churn or margin gives null with zero_denominator. */
export function clvResult(ctx: ResultContext, c: Clv): KpiResult {
  if (c.margin === null) {
    const r = ratioResult(ctx, 0, 0, c.n);
    return withFlag({ ...r, numerator: null, denominator: c.churn }, c.censored);
  }
  return withFlag(ratioResult(ctx, c.arpa * c.margin, c.churn ?? 0, c.n), c.censored);
}

const clvValue = (c: Clv): number | null =>
  c.margin === null || !c.churn ? null : (c.arpa * c.margin) / c.churn;

async function query(engine: Engine, build: (p: SqlParams) => string): Promise<Row[]> {
  const params = new SqlParams(engine.dialect);
  return engine.query(build(params), params.values);
}

export function computeLifetimeKpis(engine: Engine, req: LifetimeRequest): Promise<KpiResult[]> {
  return withRollups(engine, req.rollups, (session, rollups) => lifetimeKpis(session, { ...req, rollups }));
}

async function lifetimeKpis(engine: Engine, req: LifetimeRequest): Promise<KpiResult[]> {
  const wanted = req.kpis.filter((k) => (LIFETIME_KPIS as readonly string[]).includes(k));
  if (wanted.length === 0 || req.periods.length === 0) return [];
  const hasSubscriptions = await tableHasRows(engine, 'subscription_changes');
  const hasCosts = await tableHasRows(engine, 'costs');
  const hasSpend = await tableHasRows(engine, 'acquisition_spend');
  const P = req.params;

  // Every month any requested period's window needs, computed once.
  const windows = req.periods.map((p) => trailingWindow(p, P.trailingMonths));
  const first = windows.map((w) => w.start).sort()[0] as string;
  const last = windows.map((w) => w.end).sort()[windows.length - 1] as string;
  const months = periodsBetween(
    first.slice(0, 10),
    iso(new Date(Date.parse(last) - 1)).slice(0, 10),
    'month',
  );

  // (month|segment|group) → sums; (month|segment value) → segment-level cost.
  const monthly = new Map<string, Month>();
  const segmentCosts = new Map<string, number>();
  const newCustomers = new Map<string, number>();
  const spend = new Map<string, number>();
  const segments = new Set<string>(req.by === undefined ? ['all'] : []);
  if (hasSubscriptions) {
    const customerMrr = await req.rollups?.customerMrr(months);
    const monthSegments = (await req.rollups?.segmentTables(req.by, months, req)) ?? {};
    for (const row of await query(engine, (p) => monthlySql(months, req.by, customerMrr, monthSegments, p))) {
      const segment = String(row.segment);
      segments.add(segment);
      const k = `${String(row.period_start)}|${segment}|${row.referred === true ? 'referred' : 'not_referred'}`;
      if (!monthly.has(k)) monthly.set(k, emptyMonth());
      const m = monthly.get(k) as Month;
      for (const x of MEASURES) m[x] += Number(row[x] ?? 0);
    }
    if (hasCosts) {
      for (const row of await query(engine, (p) => segmentCostsSql(months, p))) {
        const k = `${String(row.period_start)}|${req.by === undefined ? 'all' : String(row.segment)}`;
        segmentCosts.set(k, (segmentCosts.get(k) ?? 0) + Number(row.amount ?? 0));
      }
    }
    if (wanted.includes('ltv_to_cac_ratio')) {
      const segments = (await req.rollups?.segmentTables(req.by, req.periods, req)) ?? {};
      for (const row of await query(engine, (p) => newCustomersSql(req.periods, req.by, segments, p))) {
        newCustomers.set(`${String(row.period_start)}|${String(row.segment)}`, Number(row.new_customers));
      }
      for (const row of await query(engine, (p) => spendSql(req.periods, p))) {
        const k = `${String(row.period_start)}|${String(row.channel)}`;
        spend.set(k, (spend.get(k) ?? 0) + Number(row.amount ?? 0));
      }
    }
  }

  /** The CLV ingredients over `groups` of a segment, for a period's window. */
  const clv = (i: number, segment: string, groups: readonly Group[]): Clv => {
    const w = windows[i] as { start: string; end: string };
    const used = months.filter((m) => m.start >= w.start && m.end <= w.end && m.end <= req.asOf);
    const series = used.map((m) => {
      const sum = emptyMonth();
      for (const g of groups) {
        const part = monthly.get(`${m.start}|${segment}|${g}`);
        if (part) for (const x of MEASURES) sum[x] += part[x];
      }
      return sum;
    });
    let segmentRevenue = 0;
    let segmentCost = 0;
    for (const m of used) {
      segmentCost += segmentCosts.get(`${m.start}|${segment}`) ?? 0;
      for (const g of ['referred', 'not_referred'] as const) {
        segmentRevenue += monthly.get(`${m.start}|${segment}|${g}`)?.revenue ?? 0;
      }
    }
    return clvOf(series, segmentCost, segmentRevenue, hasCosts, P);
  };
  const everyone: Group[] = ['referred', 'not_referred'];

  const results: KpiResult[] = [];
  for (const kpi of wanted) {
    for (const segment of [...segments].sort()) {
      req.periods.forEach((p, i) => {
        const ctx: ResultContext = {
          kpi,
          period_start: p.start,
          period_end: p.end,
          segment,
          asOf: req.asOf,
          minSample: req.minSample,
        };
        if (!hasSubscriptions || (kpi === 'ltv_to_cac_ratio' && !hasSpend)) {
          results.push(noDataResult(ctx));
          if (kpi === 'cltv_referred_users') results.push(noDataResult({ ...ctx, kpi: CLTV_REFERRED_RATIO }));
          return;
        }
        switch (kpi) {
          case 'customer_lifetime_value':
            results.push(clvResult(ctx, clv(i, segment, everyone)));
            break;
          case 'average_customer_lifespan': {
            const c = clv(i, segment, everyone);
            results.push(withFlag(ratioResult(ctx, 1, c.churn ?? 0, c.n), c.censored));
            break;
          }
          case 'ltv_to_cac_ratio': {
            const c = clv(i, segment, everyone);
            const cac = cacOf(p.start, segment, req.by, newCustomers, spend);
            const value = clvValue(c);
            const r = ratioResult(ctx, value ?? 0, cac ?? 0, c.n);
            const unknown = { ...r, value: null, numerator: null, flags: zeroDenominator(r.flags) };
            results.push(withFlag(value === null ? unknown : r, c.censored));
            break;
          }
          case 'cltv_referred_users': {
            const referred = clv(i, segment, ['referred']);
            const other = clv(i, segment, ['not_referred']);
            results.push(clvResult(ctx, referred));
            const a = clvValue(referred);
            const b = clvValue(other);
            const ratioCtx = { ...ctx, kpi: CLTV_REFERRED_RATIO };
            const r = ratioResult(ratioCtx, a ?? 0, b ?? 0, referred.n);
            results.push(
              withFlag(
                a === null ? { ...r, value: null, numerator: null, flags: zeroDenominator(r.flags) } : r,
                referred.censored || other.censored,
              ),
            );
            break;
          }
        }
      });
    }
  }
  return results;
}

const zeroDenominator = (flags: KpiResult['flags']): KpiResult['flags'] =>
  flags.includes('zero_denominator') ? flags : [...flags, 'zero_denominator'];

/**
 * CAC of a period and segment: spend / new customers. Broken down by channel, a channel's own spend over its
 * new customers; without a breakdown, or by another dimension, the blended CAC (all spend / all new
 * customers: spend shared out in proportion to new customers). null when there were no new customers.
 */
function cacOf(
  start: string,
  segment: string,
  by: string | undefined,
  newCustomers: Map<string, number>,
  spend: Map<string, number>,
): number | null {
  const sumOver = (m: Map<string, number>) =>
    [...m].filter(([k]) => k.startsWith(`${start}|`)).reduce((a, [, v]) => a + v, 0);
  const [cost, count] =
    by === 'channel'
      ? [spend.get(`${start}|${segment}`) ?? 0, newCustomers.get(`${start}|${segment}`) ?? 0]
      : [sumOver(spend), sumOver(newCustomers)];
  return count === 0 ? null : cost / count;
}
