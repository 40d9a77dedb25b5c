// Marketing KPIs: the return on content, promotions redeemed, and loyalty programme participation.
import type { KpiDefinition } from '../definition.ts';
import { activeEvents, EVENT_LOG, MRR_LOG, reads } from './shared.ts';

export const MARKETING_KPIS: KpiDefinition[] = [
  {
    id: 'content_roi',
    name: 'Content ROI',
    description:
      'Revenue attributed to content in the period (whenever the content was published), less the cost of the content published in the period, per unit of that cost: the period’s return on its content spend, above zero when the content earned more than the period spent on it.',
    activity: 'retention_campaigns',
    kind: 'lagging',
    unit: 'rate',
    higherIsBetter: true,
    formula: '(attributed revenue − cost) / cost of content in P',
    params: {},
    lineage: [
      reads('content', 'content_id', 'published_at', 'cost'),
      reads('content_revenue', 'content_id', 'period_start', 'amount'),
    ],
    version: 2,
    computation: 'content',
  },
  {
    id: 'redemption_rate',
    name: 'Redemption Rate',
    description:
      'Of the offers issued in the period, the share that were redeemed. An offer counts once it has expired (or has no expiry); one still open is censored, redeemed already or not.',
    activity: 'retention_strategies',
    kind: 'leading',
    unit: 'rate',
    higherIsBetter: true,
    formula: 'promotions issued in P and redeemed / promotions issued in P',
    params: {},
    lineage: [reads('promotions', 'promotion_id', 'customer_id', 'issued_at', 'redeemed_at', 'expires_at')],
    // 2: offers still open are left out even when already redeemed (v1 counted them).
    version: 2,
    computation: 'promotion',
  },
  {
    id: 'loyalty_participation_rate',
    name: 'Loyalty Participation Rate',
    description:
      'Loyalty members who earned or redeemed points in the period, as a share of the customers active in it: paying at some time in the period (a subscription or an order), or with a product event, or taking part in the programme.',
    activity: 'retention_strategies',
    kind: 'leading',
    unit: 'rate',
    higherIsBetter: true,
    formula: 'loyalty members with an earn or redeem activity in P / customers active in P',
    params: { active_events: activeEvents },
    lineage: [
      reads('loyalty_members', 'customer_id', 'joined_at'),
      reads('loyalty_activity', 'customer_id', 'occurred_at', 'kind'),
      MRR_LOG,
      EVENT_LOG,
    ],
    grainSensitive: true,
    version: 2,
    computation: 'loyalty_program',
  },
];
