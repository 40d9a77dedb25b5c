// Commerce KPIs: repeat purchases, promotion redemption, loyalty participation, content ROI, revenue growth
// and customer profitability (KPI-DEFAULTS.md). The warehouse returns sums and counts per period and
// segment; the ratios are taken here, keeping numerators and denominators.
//
// Choices where KPI-DEFAULTS.md leaves room:
// - revenue(P) = order revenue in P + Σ over MRR spans of mrr × (days of the span inside P) / 30.4375. A span
//   is [effective_at, next change's effective_at) and is cut at `asOf`: revenue not yet earned is not counted
//   (an incomplete period carries `incomplete_period`). revenue_growth's n = customers with revenue in P−1.
// - redemption_rate: an offer counts as redeemed when redeemed_at ≤ asOf. An offer whose expiry lies after
//   asOf (or that was issued after asOf) is still open: left out of the numerator and the denominator alike,
//   redeemed already or not, and the result flagged `censored` (counting open offers only once redeemed
//   would lift every recent rate). An offer without an expiry has no window: it counts, as not redeemed
//   until it is.
// - loyalty_participation_rate: active in P = paying in P (subscribed in P by the one rule of
//   customer-mrr.ts `subscribedSpanSql`, or an order in P) or an `active_events` event in P; members with an
//   earn or redeem activity in P count as active too, so the numerator is always part of the denominator.
// - content_roi: revenue = content_revenue rows whose period_start lies in P (any piece); cost = cost of the
//   pieces published in P. Content belongs to no customer: it is reported for the segment 'all' only.
// - customer_profitability: costs rows whose period_start lies in P. Under a breakdown, a per-account cost goes
//   to its account's segment, a per-segment cost (no customer_id) to the segment named in `costs.segment`.
//   The per-customer figure is an extra row `customer_profitability.profit_per_customer` = total / customers
//   with revenue in P. No costs data: no_data (the cost to serve is unknown, not zero).
//   The lifetime view, `customer_profitability.lifetime_profit`: over the customers acquired by
//   T = min(p_end, asOf) (acquired = first paying: the first order or the first MRR > 0), Σ their revenue
//   earned up to T (orders + ∫ MRR dt / 30.4375 days) − their own cost to serve (costs rows with their
//   customer_id whose period_start lies before p_end) − their acquisition cost; n = those customers. A
//   customer's acquisition cost: each acquisition_spend row is shared equally among the customers of its
//   channel acquired within its dates (spend in dates without such a customer is no one's). Per-segment
//   costs belong to no customer and stay out of the lifetime view. No costs or no acquisition spend: no_data.

import {
  amountResult,
  type KpiResult,
  noDataResult,
  type ResultContext,
  ratioResult,
} from '../../results/kpi-result.ts';
import type { Engine, Row } from '../../warehouse/engine.ts';
import { SqlParams } from '../../warehouse/sql-builder.ts';
import { tableHasRows } from '../../warehouse/table-checks.ts';
import {
  type PeriodSegmentTables,
  periodSegmentJoin,
  segmentJoin,
  segmentSql,
  segmentsAt,
} from '../dimensions.ts';
import type { FamilyRequest } from '../family-request.ts';
import { DAYS_PER_MONTH, type Period } from '../periods.ts';
import { previousPeriod, withPreviousPeriods } from '../previous-period.ts';
import { mrrSpansSql } from '../rollups/customer-mrr.ts';
import { type RunRollups, withRollups } from '../rollups/run-rollups.ts';
import { instantText, latestOf } from '../rollups/session-reach.ts';
import { instantParam, periodDaysSql, periodsValues, secondsBetween } from '../sql-time.ts';

export interface CommerceParams {
  /** Events that make a customer active for loyalty participation (empty: every event). */
  readonly activeEvents: readonly string[];
}

export const DEFAULT_COMMERCE_PARAMS: CommerceParams = { activeEvents: [] };

export type CommerceRequest = FamilyRequest<CommerceParams>;

export const COMMERCE_KPIS = [
  'repeat_purchase_rate',
  'redemption_rate',
  'loyalty_participation_rate',
  'content_roi',
  'revenue_growth',
  'customer_profitability',
] as const;

const inPeriod = (column: string) => `${column} >= p.period_start AND ${column} < p.period_end`;

/** A loyalty activity row `la` that makes its member a participant. */
const PARTICIPATES = "la.kind IN ('earn', 'redeem')";

/** Per period and segment: customers with ≥ 1 and with ≥ 2 orders in it. */
function repeatSql(req: CommerceRequest, segments: PeriodSegmentTables, params: SqlParams): string {
  return `WITH periods AS (${periodsValues(req.periods, params)}),
  per_customer AS (
    SELECT p.period_start, o.customer_id, count(*) AS orders FROM orders o
    JOIN periods p ON ${inPeriod('o.ordered_at')}
    GROUP BY 1, 2)
  SELECT c.period_start, ${segmentSql(req.by, params)} AS segment, count(*) AS buyers,
    count(CASE WHEN c.orders >= 2 THEN 1 END) AS repeaters
  FROM per_customer c JOIN customers cu ON cu.customer_id = c.customer_id
  ${periodSegmentJoin(req.by, 'c.customer_id', segmentsAt('c.period_start', segments))}
  GROUP BY 1, 2`;
}

/** Per period and segment: offers issued in it that are closed, those redeemed, and those still open. */
function redemptionSql(req: CommerceRequest, segments: PeriodSegmentTables, params: SqlParams): string {
  const asOf = instantParam(params, req.asOf);
  const redeemed = `(pr.redeemed_at IS NOT NULL AND pr.redeemed_at <= ${asOf})`;
  const open = `(pr.expires_at > ${asOf} OR pr.issued_at > ${asOf})`;
  return `WITH periods AS (${periodsValues(req.periods, params)})
  SELECT p.period_start, ${segmentSql(req.by, params)} AS segment,
    count(CASE WHEN ${open} THEN NULL ELSE 1 END) AS issued,
    count(CASE WHEN ${open} THEN NULL WHEN ${redeemed} THEN 1 END) AS redeemed,
    count(CASE WHEN ${open} THEN 1 END) AS still_open
  FROM promotions pr JOIN periods p ON ${inPeriod('pr.issued_at')}
  JOIN customers cu ON cu.customer_id = pr.customer_id
  ${periodSegmentJoin(req.by, 'pr.customer_id', segmentsAt('p.period_start', segments))}
  GROUP BY 1, 2`;
}

/**
 * Per period and segment: customers active in it, and loyalty members with an earn or redeem in it.
 * `active`: a run's tables of (period_start, customer_id) — its subscribed accounts and its period accounts
 * for the active events; `orders`: whether customers with an order in the period count as paying.
 */
function loyaltySql(
  req: CommerceRequest,
  active: readonly string[],
  orders: boolean,
  segments: PeriodSegmentTables,
  params: SqlParams,
): string {
  const sources = [
    ...active.map((t) => `SELECT a.period_start, a.customer_id FROM ${t} a`),
    ...(orders
      ? [`SELECT p.period_start, o.customer_id FROM orders o JOIN periods p ON ${inPeriod('o.ordered_at')}`]
      : []),
    'SELECT period_start, customer_id FROM participants',
  ];
  return `WITH periods AS (${periodsValues(req.periods, params)}),
  period_days AS (${periodDaysSql(params.dialect, req.periods)}),
  participants AS (
    SELECT DISTINCT p.period_start AS period_start, la.customer_id AS customer_id FROM loyalty_activity la
    JOIN loyalty_members lm ON lm.customer_id = la.customer_id
    JOIN periods p ON ${inPeriod('la.occurred_at')}
    WHERE ${PARTICIPATES}),
  active AS (${sources.join(' UNION ')})
  SELECT a.period_start, ${segmentSql(req.by, params)} AS segment, count(*) AS active,
    count(pt.customer_id) AS participants
  FROM active a JOIN customers cu ON cu.customer_id = a.customer_id
  ${periodSegmentJoin(req.by, 'a.customer_id', segmentsAt('a.period_start', segments))}
  LEFT JOIN participants pt ON pt.period_start = a.period_start AND pt.customer_id = a.customer_id
  GROUP BY 1, 2`;
}

/** Per period: cost of content published in it, pieces published, and revenue attributed in it. */
function contentSql(req: CommerceRequest, params: SqlParams): string {
  return `WITH periods AS (${periodsValues(req.periods, params)}),
  period_days AS (${periodDaysSql(params.dialect, req.periods)}),
  spent AS (
    SELECT p.period_start, sum(c.cost) AS cost, count(*) AS pieces FROM content c
    JOIN periods p ON ${inPeriod('c.published_at')}
    GROUP BY 1),
  earned AS (
    SELECT p.period_start AS period_start, sum(r.amount) AS revenue FROM content_revenue r
    JOIN period_days p ON p.day = r.period_start
    GROUP BY 1)
  SELECT p.period_start, 'all' AS segment, coalesce(s.cost, 0) AS cost, coalesce(s.pieces, 0) AS pieces,
    coalesce(e.revenue, 0) AS revenue
  FROM periods p LEFT JOIN spent s ON s.period_start = p.period_start
  LEFT JOIN earned e ON e.period_start = p.period_start`;
}

/**
 * Per period and segment: revenue = order revenue + MRR earned day by day (cut at asOf), and the customers
 * with revenue in it.
 */
function revenueSql(
  periods: readonly Period[],
  req: CommerceRequest,
  segments: PeriodSegmentTables,
  params: SqlParams,
): string {
  const asOf = instantParam(params, req.asOf);
  const days = `${secondsBetween(
    params.dialect,
    `least(coalesce(m.next_at, p.period_end), p.period_end, ${asOf})`,
    'greatest(m.effective_at, p.period_start)',
  )} / 86400.0`;
  return `WITH periods AS (${periodsValues(periods, params)}),
  mrr_spans AS (${mrrSpansSql(params.dialect)}),
  recurring AS (
    SELECT p.period_start, m.customer_id,
      CAST(sum(m.mrr * ${days}) AS DOUBLE PRECISION) / ${params.bind(DAYS_PER_MONTH)} AS amount
    FROM periods p JOIN mrr_spans m
      ON m.mrr > 0 AND m.effective_at < p.period_end AND (m.next_at IS NULL OR m.next_at > p.period_start)
      AND m.effective_at < ${asOf} AND p.period_start < ${asOf}
    GROUP BY 1, 2),
  one_off AS (
    SELECT p.period_start, o.customer_id, CAST(sum(o.amount) AS DOUBLE PRECISION) AS amount FROM orders o
    JOIN periods p ON ${inPeriod('o.ordered_at')}
    GROUP BY 1, 2),
  revenue AS (
    SELECT period_start, customer_id, sum(amount) AS amount
    FROM (SELECT * FROM recurring UNION ALL SELECT * FROM one_off) r
    GROUP BY 1, 2)
  SELECT r.period_start, ${segmentSql(req.by, params)} AS segment, sum(r.amount) AS revenue,
    count(CASE WHEN r.amount > 0 THEN 1 END) AS customers
  FROM revenue r JOIN customers cu ON cu.customer_id = r.customer_id
  ${periodSegmentJoin(req.by, 'r.customer_id', segmentsAt('r.period_start', segments))}
  GROUP BY 1, 2`;
}

/**
 * Per period and segment: the lifetime view of profitability (see the head of this file): the customers
 * acquired by T = min(p_end, asOf), and Σ their revenue to T − their cost to serve − their acquisition cost.
 */
function lifetimeSql(req: CommerceRequest, segments: PeriodSegmentTables, params: SqlParams): string {
  const asOf = instantParam(params, req.asOf);
  const earnedSeconds = secondsBetween(
    params.dialect,
    'least(coalesce(m.next_at, c.t), c.t)',
    'm.effective_at',
  );
  return `WITH periods AS (${periodsValues(req.periods, params)}),
  ends AS (SELECT period_start, end_day, least(period_end, ${asOf}) AS t FROM periods),
  mrr_spans AS (${mrrSpansSql(params.dialect)}),
  -- A customer is acquired when it first pays: its first order or its first MRR > 0.
  acquired AS (
    SELECT x.customer_id, min(x.paid_at) AS acquired_at FROM (
      SELECT customer_id, effective_at AS paid_at FROM subscription_changes WHERE mrr > 0
      UNION ALL SELECT customer_id, ordered_at FROM orders) x
    GROUP BY 1),
  acquired_by AS (
    SELECT a.customer_id AS customer_id, cu.channel AS channel, ${params.dialect.utcDay('a.acquired_at')} AS acquired_day,
      a.acquired_at AS acquired_at
    FROM acquired a JOIN customers cu ON cu.customer_id = a.customer_id),
  -- Each spend row shared equally among its channel's customers acquired within its dates.
  spend_shares AS (
    SELECT s.channel AS channel, s.period_start AS period_start, s.period_end AS period_end,
      CAST(s.amount AS DOUBLE PRECISION) / count(*) AS share
    FROM acquisition_spend s JOIN acquired_by a ON a.channel = s.channel
      AND a.acquired_day >= s.period_start AND a.acquired_day < s.period_end
    GROUP BY s.channel, s.period_start, s.period_end, s.amount),
  cac AS (
    SELECT a.customer_id AS customer_id, sum(h.share) AS amount FROM acquired_by a
    JOIN spend_shares h ON h.channel = a.channel AND a.acquired_day >= h.period_start
      AND a.acquired_day < h.period_end
    GROUP BY 1),
  -- Each period's cohort with the segment of each customer in it; every term is summed per period and
  -- segment (a few groups), not per customer and period (millions), and the sums are combined after.
  cohort AS (
    SELECT e.period_start AS period_start, e.end_day AS end_day, e.t AS t, a.customer_id AS customer_id,
      ${segmentSql(req.by, params)} AS segment
    FROM ends e JOIN acquired_by a ON a.acquired_at < e.t
    ${segmentJoin(req.by, 'a.customer_id', segmentsAt('e.period_start', segments))}),
  counted AS (SELECT period_start, segment, count(*) AS customers FROM cohort GROUP BY 1, 2),
  earned AS (
    SELECT c.period_start AS period_start, c.segment AS segment,
      CAST(sum(m.mrr * ${earnedSeconds}) AS DOUBLE PRECISION) / ${params.bind(86_400 * DAYS_PER_MONTH)} AS amount
    FROM cohort c JOIN mrr_spans m ON m.customer_id = c.customer_id AND m.mrr > 0 AND m.effective_at < c.t
    GROUP BY 1, 2),
  bought AS (
    SELECT c.period_start AS period_start, c.segment AS segment, CAST(sum(o.amount) AS DOUBLE PRECISION) AS amount
    FROM cohort c JOIN orders o ON o.customer_id = c.customer_id AND o.ordered_at < c.t
    GROUP BY 1, 2),
  served AS (
    SELECT c.period_start AS period_start, c.segment AS segment, CAST(sum(k.amount) AS DOUBLE PRECISION) AS amount
    FROM cohort c JOIN costs k ON k.customer_id = c.customer_id AND k.period_start < c.end_day
    GROUP BY 1, 2),
  charged AS (
    SELECT c.period_start AS period_start, c.segment AS segment, sum(q.amount) AS amount
    FROM cohort c JOIN cac q ON q.customer_id = c.customer_id
    GROUP BY 1, 2)
  SELECT n.period_start, n.segment,
    coalesce(e.amount, 0) + coalesce(b.amount, 0) - coalesce(v.amount, 0) - coalesce(q.amount, 0) AS profit,
    n.customers
  FROM counted n
  LEFT JOIN earned e ON e.period_start = n.period_start AND e.segment = n.segment
  LEFT JOIN bought b ON b.period_start = n.period_start AND b.segment = n.segment
  LEFT JOIN served v ON v.period_start = n.period_start AND v.segment = n.segment
  LEFT JOIN charged q ON q.period_start = n.period_start AND q.segment = n.segment`;
}

/** Per period and segment: cost to serve, from costs rows whose period_start lies in the period. */
function costSql(req: CommerceRequest, segments: PeriodSegmentTables, params: SqlParams): string {
  const segment =
    req.by === undefined
      ? `'all'`
      : `CASE WHEN c.customer_id IS NULL THEN coalesce(c.segment, '(unallocated)') ELSE ${segmentSql(req.by, params)} END`;
  return `WITH periods AS (${periodsValues(req.periods, params)}),
  period_days AS (${periodDaysSql(params.dialect, req.periods)})
  SELECT p.period_start, ${segment} AS segment, sum(c.amount) AS cost FROM costs c
  JOIN period_days p ON p.day = c.period_start
  LEFT JOIN customers cu ON cu.customer_id = c.customer_id
  ${periodSegmentJoin(req.by, 'c.customer_id', segmentsAt('p.period_start', segments))}
  GROUP BY 1, 2`;
}

/**
 * When the commerce KPIs without a reach in days settle, period by period (families.ts settlesAt; each
 * result also reads P's customers, subscriptions and orders, which settle at P's end):
 * - redemption_rate: once every offer issued in P has expired and been redeemed if it was. No later as_of
 *   changes which are open or redeemed, and a row for an offer issued in P lies in P.
 * - loyalty_participation_rate: at P's end, unless an account with an earn or redeem in P is not a member:
 *   its joining later, at any time, would count it in P (open).
 * - customer_profitability: once every acquisition spend row begun before P's end is over (a row's share
 *   waits on the customers acquired within its dates, and those acquired later lie after P's end).
 * A table without rows settles at P's end (the KPI is no data; kept results are set aside once an empty
 * table has rows, kept-results.ts).
 */
export async function commerceSettlesAt(
  engine: Engine,
  kpi: string,
  periods: readonly Period[],
): Promise<Map<string, string | null>> {
  const latest = new Map(periods.map((p): [string, string | null] => [p.start, p.end]));
  const params = new SqlParams(engine.dialect);
  const query = async (table: string, sql: string) =>
    (await tableHasRows(engine, table)) ? engine.query(sql, params.values) : [];
  const periodsCte = `WITH periods AS (${periodsValues(periods, params)})`;
  let rows: Row[] = [];
  if (kpi === 'redemption_rate') {
    rows = await query(
      'promotions',
      `${periodsCte}
      SELECT p.period_start, max(pr.expires_at) AS a, max(pr.redeemed_at) AS b FROM promotions pr
      JOIN periods p ON ${inPeriod('pr.issued_at')}
      GROUP BY 1`,
    );
  } else if (kpi === 'loyalty_participation_rate' && (await tableHasRows(engine, 'loyalty_members'))) {
    rows = await query(
      'loyalty_activity',
      `${periodsCte}
      SELECT p.period_start, count(*) AS waiting FROM loyalty_activity la JOIN periods p ON ${inPeriod('la.occurred_at')}
      WHERE ${PARTICIPATES}
        AND NOT EXISTS (SELECT 1 FROM loyalty_members lm WHERE lm.customer_id = la.customer_id)
      GROUP BY 1`,
    );
  } else if (kpi === 'customer_profitability') {
    rows = await query(
      'acquisition_spend',
      `${periodsCte}
      SELECT p.period_start, max(s.period_end) AS a FROM acquisition_spend s JOIN periods p ON s.period_start < p.end_day
      GROUP BY 1`,
    );
  }
  for (const r of rows) {
    const start = instantText(r.period_start);
    const now = latest.get(start);
    if (now === undefined || now === null) continue;
    if (Number(r.waiting ?? 0) > 0) {
      latest.set(start, null);
      continue;
    }
    const later = [r.a, r.b].filter((t) => t !== null && t !== undefined).map(instantText);
    latest.set(start, later.reduce(latestOf, now));
  }
  return latest;
}

const key = (r: Row) => `${String(r.period_start)}|${String(r.segment)}`;
const num = (r: Row | undefined, k: string) => Number(r?.[k] ?? 0);

/** A result flagged `censored` (some units were left out because their outcome is not known yet). */
const censored = (r: KpiResult): KpiResult => ({ ...r, flags: [...r.flags, 'censored'] });

export function computeCommerceKpis(engine: Engine, req: CommerceRequest): Promise<KpiResult[]> {
  return withRollups(engine, req.rollups, (session, rollups) => commerceKpis(session, rollups, req));
}

async function commerceKpis(engine: Engine, rollups: RunRollups, req: CommerceRequest): Promise<KpiResult[]> {
  const wanted = req.kpis.filter((k) => (COMMERCE_KPIS as readonly string[]).includes(k));
  if (wanted.length === 0) return [];
  const has = async (table: string) => tableHasRows(engine, table);
  const run = async (build: (p: SqlParams) => string | Promise<string>) => {
    const params = new SqlParams(engine.dialect);
    return new Map((await engine.query(await build(params), params.values)).map((r) => [key(r), r]));
  };
  const none = new Map<string, Row>();
  const want = (...ids: string[]) => ids.some((id) => wanted.includes(id));

  const hasOrders = await has('orders');
  const hasSubscriptions = await has('subscription_changes');
  const hasPromotions = await has('promotions');
  const hasLoyalty = await has('loyalty_members');
  const hasContent = await has('content');
  const hasCosts = await has('costs');
  const hasSpend = await has('acquisition_spend');
  const hasEvents = await has('events');
  const hasRevenue = hasOrders || hasSubscriptions;

  const revenuePeriods = withPreviousPeriods(req.periods, req.grain);
  // The period segments a breakdown reads, over every period a query here reads.
  const tables = await rollups.segmentTables(req.by, revenuePeriods, req);
  const repeat =
    want('repeat_purchase_rate') && hasOrders ? await run((p) => repeatSql(req, tables, p)) : none;
  const redemption =
    want('redemption_rate') && hasPromotions ? await run((p) => redemptionSql(req, tables, p)) : none;
  const loyalty =
    want('loyalty_participation_rate') && hasLoyalty
      ? await run(async (p) =>
          loyaltySql(
            req,
            [
              ...(hasSubscriptions ? [await rollups.subscribed(req.periods)] : []),
              ...(hasEvents ? [await rollups.periodAccounts(req.periods, req.params.activeEvents)] : []),
            ],
            hasOrders,
            tables,
            p,
          ),
        )
      : none;
  const content = want('content_roi') && hasContent ? await run((p) => contentSql(req, p)) : none;
  const revenue =
    want('revenue_growth', 'customer_profitability') && hasRevenue
      ? await run((p) => revenueSql(revenuePeriods, req, tables, p))
      : none;
  const costs = want('customer_profitability') && hasCosts ? await run((p) => costSql(req, tables, p)) : none;
  const hasLifetime = hasRevenue && hasCosts && hasSpend;
  const lifetime =
    want('customer_profitability') && hasLifetime ? await run((p) => lifetimeSql(req, tables, p)) : none;

  const segments = new Set<string>(req.by === undefined ? ['all'] : []);
  for (const m of [repeat, redemption, loyalty, revenue, costs, lifetime])
    for (const k of m.keys()) segments.add(k.split('|')[1] ?? '');

  const results: KpiResult[] = [];
  for (const kpi of wanted) {
    const kpiSegments = kpi === 'content_roi' ? ['all'] : [...segments].sort();
    for (const segment of kpiSegments) {
      for (const p of req.periods) {
        const ctx = (id: string): ResultContext => ({
          kpi: id,
          period_start: p.start,
          period_end: p.end,
          segment,
          asOf: req.asOf,
          minSample: req.minSample,
        });
        const k = `${p.start}|${segment}`;
        switch (kpi) {
          case 'repeat_purchase_rate': {
            if (!hasOrders) {
              results.push(noDataResult(ctx(kpi)));
              break;
            }
            const r = repeat.get(k);
            results.push(ratioResult(ctx(kpi), num(r, 'repeaters'), num(r, 'buyers'), num(r, 'buyers')));
            break;
          }
          case 'redemption_rate': {
            if (!hasPromotions) {
              results.push(noDataResult(ctx(kpi)));
              break;
            }
            const r = redemption.get(k);
            const result = ratioResult(ctx(kpi), num(r, 'redeemed'), num(r, 'issued'), num(r, 'issued'));
            results.push(num(r, 'still_open') > 0 ? censored(result) : result);
            break;
          }
          case 'loyalty_participation_rate': {
            if (!hasLoyalty) {
              results.push(noDataResult(ctx(kpi)));
              break;
            }
            const r = loyalty.get(k);
            results.push(ratioResult(ctx(kpi), num(r, 'participants'), num(r, 'active'), num(r, 'active')));
            break;
          }
          case 'content_roi': {
            if (!hasContent) {
              results.push(noDataResult(ctx(kpi)));
              break;
            }
            const r = content.get(k);
            const cost = num(r, 'cost');
            results.push(ratioResult(ctx(kpi), num(r, 'revenue') - cost, cost, num(r, 'pieces')));
            break;
          }
          case 'revenue_growth': {
            if (!hasRevenue) {
              results.push(noDataResult(ctx(kpi)));
              break;
            }
            const now = revenue.get(k);
            const before = revenue.get(`${previousPeriod(p, req.grain).start}|${segment}`);
            const base = num(before, 'revenue');
            results.push(ratioResult(ctx(kpi), num(now, 'revenue') - base, base, num(before, 'customers')));
            break;
          }
          case 'customer_profitability': {
            const perCustomer = `${kpi}.profit_per_customer`;
            const lifetimeProfit = `${kpi}.lifetime_profit`;
            const lived = lifetime.get(k);
            const lifetimeRow = hasLifetime
              ? amountResult(ctx(lifetimeProfit), num(lived, 'profit'), num(lived, 'customers'))
              : noDataResult(ctx(lifetimeProfit));
            if (!hasRevenue || !hasCosts) {
              results.push(noDataResult(ctx(kpi)), noDataResult(ctx(perCustomer)), lifetimeRow);
              break;
            }
            const r = revenue.get(k);
            const profit = num(r, 'revenue') - num(costs.get(k), 'cost');
            const customers = num(r, 'customers');
            results.push(
              amountResult(ctx(kpi), profit, customers),
              ratioResult(ctx(perCustomer), profit, customers, customers),
              lifetimeRow,
            );
            break;
          }
        }
      }
    }
  }
  return results;
}
