// Feedback and customer-success KPIs: survey scores, whether feedback and check-ins go with better retention,
// loyalty judged by tenure and sentiment, and the segments every KPI can be broken down by.
import type { KpiDefinition } from '../definition.ts';
import { EVENT_LOG, integer, lookbackDays, MRR_LOG, ORDERS, reads, SURVEY_ANSWERS } from './shared.ts';

export const FEEDBACK_KPIS: KpiDefinition[] = [
  {
    id: 'net_promoter_score',
    name: 'Net Promoter Score',
    description:
      'The percentage of respondents who would recommend the product (9–10) minus the percentage who would not (0–6), using each respondent’s latest answer of the period.',
    activity: 'retention_strategies',
    kind: 'leading',
    unit: 'points',
    higherIsBetter: true,
    formula:
      "% promoters (9–10) − % detractors (0–6) among respondents in P, each respondent's latest answer in P",
    params: {},
    lineage: [SURVEY_ANSWERS],
    version: 1,
    computation: 'survey',
    also: ['promoter_share', 'detractor_share'],
  },
  {
    id: 'customer_satisfaction_score',
    name: 'Customer Satisfaction Score',
    description:
      'The share of satisfaction answers in the period at or above the satisfied threshold (4 or 5 on a 1–5 scale by default).',
    activity: 'retention_strategies',
    kind: 'leading',
    unit: 'rate',
    higherIsBetter: true,
    formula: 'answers ≥ `satisfied_at` (4 on a 1–5 scale) / answers in P',
    params: { satisfied_at: integer(4, 'Lowest CSAT answer that counts as satisfied.', 1, 5) },
    lineage: [SURVEY_ANSWERS],
    version: 1,
    computation: 'survey',
    asMetric: {
      type: 'ratio',
      customers: 'all',
      numerator: { table: 'feedback', agg: 'count', where: { kind: 'csat', score: { gte: 4 } } },
      denominator: { table: 'feedback', agg: 'count', where: { kind: 'csat' } },
      per: 1,
    },
  },
  {
    id: 'feedback_retention_score',
    name: 'Customer Feedback Retention Score',
    description:
      'How well customers who recently gave feedback are retained over the period, compared with customers who gave none; both rates and their difference are reported.',
    activity: 'retention_programs',
    kind: 'leading',
    unit: 'rate',
    higherIsBetter: true,
    formula:
      'retention rate over P of customers who gave any feedback in the `lookback_days` (90) before p_start; the same for those who did not, and the difference, are reported',
    params: { lookback_days: lookbackDays },
    lineage: [MRR_LOG, reads('feedback', 'customer_id', 'answered_at')],
    grainSensitive: true,
    version: 1,
    computation: 'touchpoint_retention',
    also: ['without_feedback_retention', 'difference'],
  },
  {
    id: 'check_in_impact_score',
    name: 'Check-In Impact Score',
    description:
      'The retention advantage of accounts that had a customer-success check-in shortly before the period over those that did not, in percentage points with a 95% interval. An association, not proof of cause.',
    activity: 'retention_programs',
    kind: 'leading',
    unit: 'points',
    higherIsBetter: true,
    formula:
      'retention rate over P of accounts with a success check-in in the `lookback_days` (90) before p_start minus that of accounts without, in points, with a 95% interval',
    params: { lookback_days: lookbackDays },
    lineage: [MRR_LOG, reads('checkins', 'customer_id', 'occurred_at')],
    grainSensitive: true,
    version: 1,
    computation: 'touchpoint_retention',
    also: ['with_checkin_retention', 'without_checkin_retention', 'interval_low', 'interval_high'],
  },
  {
    id: 'customer_loyalty',
    name: 'Customer Loyalty',
    description:
      'The share of customers active at the end of the period who have stayed at least a year and whose latest NPS answer is not a detractor’s.',
    activity: 'retention_strategies',
    kind: 'lagging',
    unit: 'rate',
    higherIsBetter: true,
    formula:
      'active customers at p_end with tenure ≥ `min_tenure_months` (12) whose latest NPS answer is not a detractor / active customers at p_end',
    params: {
      min_tenure_months: integer(12, 'Months a customer must have been paying to count as loyal.', 0),
    },
    lineage: [MRR_LOG, SURVEY_ANSWERS],
    version: 1,
    computation: 'tenure_sentiment',
  },
  {
    id: 'customer_segmentation',
    name: 'Customer Segmentation',
    description:
      'Places every customer at the end of the period in a lifecycle stage, an RFM group (recency, frequency and monetary value over a recent window, each scored 1 to 5 against the other customers) and the data’s own attributes; the value is the count of customers with a lifecycle stage, reported with the share in each stage and each RFM group. Every KPI can be broken down by lifecycle, by rfm or by any of the attributes.',
    activity: 'retention_strategies',
    kind: 'lagging',
    unit: 'count',
    higherIsBetter: true,
    formula:
      "each customer's segments at p_end: lifecycle (new, retained, resurrected, dormant, churned), RFM score and name, and the data's own attributes (plan, channel, country); every KPI can be broken down by any of them",
    params: {
      rfm_window_days: integer(
        90,
        'Days before the period’s end in which RFM counts active days (frequency) and revenue (monetary).',
      ),
    },
    lineage: [
      reads('customers', 'customer_id', 'signed_up_at', 'plan', 'channel', 'country'),
      MRR_LOG,
      ORDERS,
      EVENT_LOG,
    ],
    // 2: RFM groups are produced (`rfm`, and breakdowns by lifecycle and rfm), scored over `rfm_window_days`;
    // version 1 promised them without computing them.
    version: 2,
    computation: 'segmentation',
    also: ['lifecycle', 'rfm'],
  },
];
