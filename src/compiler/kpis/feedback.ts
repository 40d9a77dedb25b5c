// Feedback and customer-success KPIs: NPS, CSAT, how customers who gave feedback or had a check-in are
// retained against those who did not, and loyalty judged by tenure and sentiment (KPI-DEFAULTS.md). The
// warehouse returns counts per period and segment; the ratios and differences are taken here.
//
// Choices where KPI-DEFAULTS.md leaves room:
// - net_promoter_score: a respondent is the user (user_id) when set, else the account (customer_id); each
//   respondent's latest NPS answer in P counts (ties broken by response_id). Value in points:
//   numerator = 100 × (promoters − detractors), denominator = respondents. Extra rows
//   `net_promoter_score.promoter_share` and `.detractor_share` (fractions).
// - retention over P (feedback_retention_score, check_in_impact_score) is the customer retention rate of the
//   revenue KPIs: customers with MRR > 0 at p_start who still have MRR > 0 at p_end / customers with
//   MRR > 0 at p_start. A customer is "with feedback" / "with a check-in" when it has one in
//   [p_start − lookback_days, p_start).
// - feedback_retention_score: the value is the with-feedback rate (its counts as numerator/denominator);
//   extra rows `feedback_retention_score.without_feedback_retention` (rate) and `.difference` (with − without,
//   a fraction; null with zero_denominator when either group is empty).
// - check_in_impact_score: 100 × (rate with − rate without), in points; the 95% interval is the normal
//   approximation for a difference of two proportions, 100 × (d ± 1.96 × √(p₁(1−p₁)/n₁ + p₂(1−p₂)/n₂)), in
//   extra rows `check_in_impact_score.interval_low` / `.interval_high`; the two rates in
//   `.with_checkin_retention` / `.without_checkin_retention` (the catalog's `also` names).
//   `too_few` when either group is smaller than minSample. An association, not proof of cause.
// - a period that reaches past asOf is judged at asOf: MRR "at p_end" is read at min(p_end, asOf), so a
//   cancellation recorded after asOf is never counted as a loss (the result carries `incomplete_period`).
// - customer_loyalty: active at p_end = MRR > 0 at p_end; tenure = time since the first change with MRR > 0
//   (first_paid_at + min_tenure_months ≤ p_end); the latest NPS answer of any of the account's users before
//   p_end decides detractor (0–6); no answer counts as not a detractor.

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
import { type PeriodSegmentTables, segmentJoin, segmentSql, segmentsAt } from '../dimensions.ts';
import type { FamilyRequest } from '../family-request.ts';
import type { Period } from '../periods.ts';
import { customerMrrCtes } from '../rollups/customer-mrr.ts';
import { withRollups } from '../rollups/run-rollups.ts';
import { periodsValues } from '../sql-time.ts';

export interface FeedbackParams {
  /** Lowest CSAT answer (1–5) that counts as satisfied. */
  readonly satisfiedAt: number;
  /** Days before p_start in which feedback makes a customer "with feedback" (feedback_retention_score). */
  readonly feedbackLookbackDays: number;
  /** Days before p_start in which a check-in makes an account "with a check-in" (check_in_impact_score). */
  readonly checkInLookbackDays: number;
  /** Months since the first payment a customer must have to count as loyal. */
  readonly minTenureMonths: number;
}

export const DEFAULT_FEEDBACK_PARAMS: FeedbackParams = {
  satisfiedAt: 4,
  feedbackLookbackDays: 90,
  checkInLookbackDays: 90,
  minTenureMonths: 12,
};

/** NPS answers at or above this are promoters; at or below DETRACTOR_MAX, detractors. */
const PROMOTER_MIN = 9;
const DETRACTOR_MAX = 6;
/** Two-sided 95% normal quantile. */
const Z_95 = 1.959963984540054;

export type FeedbackRequest = FamilyRequest<FeedbackParams>;

export const FEEDBACK_KPIS = [
  'net_promoter_score',
  'customer_satisfaction_score',
  'feedback_retention_score',
  'check_in_impact_score',
  'customer_loyalty',
] as const;

/** The periods cut at asOf (a period wholly after asOf is left as it is): MRR at their end is observed. */
function observedPeriods(req: FeedbackRequest): Period[] {
  const asOf = Date.parse(req.asOf);
  return req.periods.map((p) =>
    Date.parse(p.end) > asOf && Date.parse(p.start) < asOf
      ? { start: p.start, end: new Date(asOf).toISOString() }
      : p,
  );
}

/** Per period and segment: NPS respondents (latest answer each), promoters, detractors; CSAT answers. */
function surveySql(req: FeedbackRequest, segments: PeriodSegmentTables, params: SqlParams): string {
  return `WITH periods AS (${periodsValues(req.periods, params)}),
  answers AS (
    SELECT p.period_start, f.customer_id, f.kind, f.score,
      row_number() OVER (
        PARTITION BY p.period_start, f.kind,
          CASE WHEN f.user_id IS NOT NULL THEN 'u:' || f.user_id ELSE 'c:' || f.customer_id END
        ORDER BY f.answered_at DESC, f.response_id DESC) AS recency
    FROM feedback f JOIN periods p ON f.answered_at >= p.period_start AND f.answered_at < p.period_end)
  SELECT a.period_start, ${segmentSql(req.by, params)} AS segment,
    count(CASE WHEN a.kind = 'nps' AND a.recency = 1 THEN 1 END) AS respondents,
    count(CASE WHEN a.kind = 'nps' AND a.recency = 1 AND a.score >= ${PROMOTER_MIN} THEN 1 END) AS promoters,
    count(CASE WHEN a.kind = 'nps' AND a.recency = 1 AND a.score <= ${DETRACTOR_MAX} THEN 1 END) AS detractors,
    count(CASE WHEN a.kind = 'csat' THEN 1 END) AS csat_answers,
    count(CASE WHEN a.kind = 'csat' AND a.score >= ${params.bind(req.params.satisfiedAt)} THEN 1 END) AS satisfied
  FROM answers a ${segmentJoin(req.by, 'a.customer_id', segmentsAt('a.period_start', segments))}
  GROUP BY 1, 2`;
}

/** The touchpoint tables, with their time columns (identifiers from this file only). */
const TOUCHPOINTS = {
  feedback: { table: 'feedback', at: 'answered_at' },
  checkins: { table: 'checkins', at: 'occurred_at' },
} as const;

/**
 * Per period and segment: customers with MRR > 0 at p_start, split by a touchpoint in the lookback before
 * p_start, and how many of each group still have MRR > 0 at p_end.
 */
function touchpointSql(
  req: FeedbackRequest,
  touchpoint: keyof typeof TOUCHPOINTS,
  lookbackDays: number,
  customerMrr: string | undefined,
  segments: PeriodSegmentTables,
  params: SqlParams,
): string {
  const { table, at } = TOUCHPOINTS[touchpoint];
  return `WITH ${customerMrrCtes(observedPeriods(req), params, customerMrr)},
  touched AS (
    SELECT DISTINCT p.period_start, t.customer_id FROM ${table} t
    JOIN periods p ON t.${at} >= ${params.dialect.addInterval('p.period_start', params.bind(-lookbackDays), 'day')}
      AND t.${at} < p.period_start)
  SELECT m.period_start, ${segmentSql(req.by, params)} AS segment,
    count(CASE WHEN t.customer_id IS NOT NULL THEN 1 END) AS with_start,
    count(CASE WHEN t.customer_id IS NOT NULL AND m.e > 0 THEN 1 END) AS with_kept,
    count(CASE WHEN t.customer_id IS NULL THEN 1 END) AS without_start,
    count(CASE WHEN t.customer_id IS NULL AND m.e > 0 THEN 1 END) AS without_kept
  FROM customer_mrr m ${segmentJoin(req.by, 'm.customer_id', segmentsAt('m.period_start', segments))}
  LEFT JOIN touched t ON t.period_start = m.period_start AND t.customer_id = m.customer_id
  WHERE m.s > 0
  GROUP BY 1, 2`;
}

/** Per period and segment: customers active at p_end, and those loyal (tenure and no detractor answer). */
function loyaltySql(
  req: FeedbackRequest,
  customerMrr: string | undefined,
  segments: PeriodSegmentTables,
  params: SqlParams,
): string {
  return `WITH ${customerMrrCtes(observedPeriods(req), params, customerMrr)},
  -- An answer is the account's latest before a period's end from its own time until its next answer's
  -- (ties in time: the later response), so each answer meets only the periods it is latest for.
  answers AS (
    SELECT f.customer_id, f.answered_at, f.score,
      ${params.dialect.lead('f.answered_at')} OVER (PARTITION BY f.customer_id ORDER BY f.answered_at, f.response_id) AS next_at
    FROM feedback f WHERE f.kind = 'nps'),
  latest_nps AS (
    SELECT p.period_start, a.customer_id, a.score, 1 AS recency FROM answers a
    JOIN periods p ON a.answered_at < p.period_end AND (a.next_at IS NULL OR a.next_at >= p.period_end))
  SELECT m.period_start, ${segmentSql(req.by, params)} AS segment, count(*) AS active,
    count(CASE WHEN ${params.dialect.addInterval('m.first_paid_at', params.bind(req.params.minTenureMonths), 'month')} <= m.period_end
      AND (l.score IS NULL OR l.score > ${DETRACTOR_MAX}) THEN 1 END) AS loyal
  FROM customer_mrr m ${segmentJoin(req.by, 'm.customer_id', segmentsAt('m.period_start', segments))}
  LEFT JOIN latest_nps l ON l.period_start = m.period_start AND l.customer_id = m.customer_id AND l.recency = 1
  WHERE m.e > 0
  GROUP BY 1, 2`;
}

const key = (r: Row) => `${String(r.period_start)}|${String(r.segment)}`;
const num = (r: Row | undefined, k: string) => Number(r?.[k] ?? 0);

/** A difference (or bound) that cannot be computed because a group is empty. */
function undefinedDifference(ctx: ResultContext, n: number): KpiResult {
  const r = amountResult(ctx, 0, n);
  return { ...r, value: null, numerator: null, flags: [...r.flags, 'zero_denominator'] };
}

/** An amount that also carries `too_few` when the smaller of two groups is below minSample. */
function differenceResult(ctx: ResultContext, value: number, n1: number, n2: number): KpiResult {
  const r = amountResult(ctx, value, n1 + n2);
  const tooFew = Math.min(n1, n2) < ctx.minSample && !r.flags.includes('too_few');
  return tooFew ? { ...r, flags: [...r.flags, 'too_few'] } : r;
}

/** The rows of a touchpoint KPI: with-group rate, without-group rate, difference and interval. */
function touchpointResults(kpi: string, ctx: (id: string) => ResultContext, r: Row | undefined): KpiResult[] {
  const n1 = num(r, 'with_start');
  const n2 = num(r, 'without_start');
  const withRate = ratioResult(ctx(kpi), num(r, 'with_kept'), n1, n1);
  if (kpi === 'feedback_retention_score') {
    const without = ratioResult(ctx(`${kpi}.without_feedback_retention`), num(r, 'without_kept'), n2, n2);
    const diffCtx = ctx(`${kpi}.difference`);
    const difference =
      withRate.value === null || without.value === null
        ? undefinedDifference(diffCtx, n1 + n2)
        : differenceResult(diffCtx, withRate.value - without.value, n1, n2);
    return [withRate, without, difference];
  }
  const withCheckin = { ...withRate, kpi: `${kpi}.with_checkin_retention` };
  const withoutCheckin = ratioResult(ctx(`${kpi}.without_checkin_retention`), num(r, 'without_kept'), n2, n2);
  const ids = [kpi, `${kpi}.interval_low`, `${kpi}.interval_high`];
  if (n1 === 0 || n2 === 0) {
    return [...ids.map((id) => undefinedDifference(ctx(id), n1 + n2)), withCheckin, withoutCheckin];
  }
  const p1 = num(r, 'with_kept') / n1;
  const p2 = num(r, 'without_kept') / n2;
  const d = p1 - p2;
  const half = Z_95 * Math.sqrt((p1 * (1 - p1)) / n1 + (p2 * (1 - p2)) / n2);
  return [
    differenceResult(ctx(kpi), 100 * d, n1, n2),
    differenceResult(ctx(`${kpi}.interval_low`), 100 * (d - half), n1, n2),
    differenceResult(ctx(`${kpi}.interval_high`), 100 * (d + half), n1, n2),
    withCheckin,
    withoutCheckin,
  ];
}

/** The result ids each KPI produces (its own and its extra rows). */
const EXTRA_ROWS: Record<string, readonly string[]> = {
  net_promoter_score: ['promoter_share', 'detractor_share'],
  feedback_retention_score: ['without_feedback_retention', 'difference'],
  check_in_impact_score: [
    'interval_low',
    'interval_high',
    'with_checkin_retention',
    'without_checkin_retention',
  ],
};

export function computeFeedbackKpis(engine: Engine, req: FeedbackRequest): Promise<KpiResult[]> {
  return withRollups(engine, req.rollups, (session, rollups) => feedbackKpis(session, { ...req, rollups }));
}

async function feedbackKpis(engine: Engine, req: FeedbackRequest): Promise<KpiResult[]> {
  const wanted = req.kpis.filter((k) => (FEEDBACK_KPIS as readonly string[]).includes(k));
  if (wanted.length === 0) return [];
  // The period segments a breakdown reads: by the periods' starts, which cutting at asOf keeps.
  const tables = (await req.rollups?.segmentTables(req.by, observedPeriods(req), req)) ?? {};
  const run = async (build: (p: SqlParams) => string | Promise<string>) => {
    const params = new SqlParams(engine.dialect);
    const sql = await build(params);
    return new Map((await engine.query(sql, params.values)).map((r) => [key(r), r]));
  };
  const none = new Map<string, Row>();
  const hasFeedback = await tableHasRows(engine, 'feedback');
  const hasCheckins = await tableHasRows(engine, 'checkins');
  const hasSubscriptions = await tableHasRows(engine, 'subscription_changes');
  // Which tables each KPI needs: without them, no_data.
  const available: Record<string, boolean> = {
    net_promoter_score: hasFeedback,
    customer_satisfaction_score: hasFeedback,
    feedback_retention_score: hasFeedback && hasSubscriptions,
    check_in_impact_score: hasCheckins && hasSubscriptions,
    customer_loyalty: hasSubscriptions,
  };
  const want = (id: string) => wanted.includes(id) && available[id] === true;

  const survey =
    want('net_promoter_score') || want('customer_satisfaction_score')
      ? await run((p) => surveySql(req, tables, p))
      : none;
  // The three queries over customer MRR share the run's table of it (none when called on its own).
  const mrr = () => req.rollups?.customerMrr(observedPeriods(req));
  const feedbackRetention = want('feedback_retention_score')
    ? await run(async (p) =>
        touchpointSql(req, 'feedback', req.params.feedbackLookbackDays, await mrr(), tables, p),
      )
    : none;
  const checkinRetention = want('check_in_impact_score')
    ? await run(async (p) =>
        touchpointSql(req, 'checkins', req.params.checkInLookbackDays, await mrr(), tables, p),
      )
    : none;
  const loyalty = want('customer_loyalty')
    ? await run(async (p) => loyaltySql(req, await mrr(), tables, p))
    : none;

  const segments = new Set<string>(req.by === undefined ? ['all'] : []);
  for (const m of [survey, feedbackRetention, checkinRetention, loyalty])
    for (const k of m.keys()) segments.add(k.split('|')[1] ?? '');

  const results: KpiResult[] = [];
  for (const kpi of wanted) {
    for (const segment of [...segments].sort()) {
      for (const p of req.periods) {
        const ctx = (id: string): ResultContext => ({
          kpi: id,
          period_start: p.start,
          period_end: p.end,
          segment,
          asOf: req.asOf,
          minSample: req.minSample,
        });
        if (!available[kpi]) {
          const ids = [kpi, ...(EXTRA_ROWS[kpi] ?? []).map((x) => `${kpi}.${x}`)];
          results.push(...ids.map((id) => noDataResult(ctx(id))));
          continue;
        }
        const k = `${p.start}|${segment}`;
        switch (kpi) {
          case 'net_promoter_score': {
            const r = survey.get(k);
            const n = num(r, 'respondents');
            const promoters = num(r, 'promoters');
            const detractors = num(r, 'detractors');
            results.push(
              ratioResult(ctx(kpi), 100 * (promoters - detractors), n, n),
              ratioResult(ctx(`${kpi}.promoter_share`), promoters, n, n),
              ratioResult(ctx(`${kpi}.detractor_share`), detractors, n, n),
            );
            break;
          }
          case 'customer_satisfaction_score': {
            const r = survey.get(k);
            const n = num(r, 'csat_answers');
            results.push(ratioResult(ctx(kpi), num(r, 'satisfied'), n, n));
            break;
          }
          case 'feedback_retention_score':
            results.push(...touchpointResults(kpi, ctx, feedbackRetention.get(k)));
            break;
          case 'check_in_impact_score':
            results.push(...touchpointResults(kpi, ctx, checkinRetention.get(k)));
            break;
          case 'customer_loyalty': {
            const r = loyalty.get(k);
            results.push(ratioResult(ctx(kpi), num(r, 'loyal'), num(r, 'active'), num(r, 'active')));
            break;
          }
        }
      }
    }
  }
  return results;
}
