// Marketing KPIs: the return on content, promotions redeemed, and loyalty programme participation.
import type { KpiDefinition } from '../definition.ts';
import { activeEvents, EVENT_LOG, MRR_LOG, reads } from './shared.ts';

export const MARKETING_KPIS: KpiDefinition[] = [
  {
    id: 'content_roi',
    name: 'Content ROI',
    description:
      'Revenue attributed to content in the period, less what that content cost, per unit of cost: above zero the content paid for itself.',
    activity: 'retention_campaigns',
    kind: 'lagging',
    unit: 'ratio',
    higherIsBetter: true,
    formula: '(attributed revenue − cost) / cost of content in P',
    params: {},
    lineage: [
      reads('content', 'content_id', 'published_at', 'cost'),
      reads('content_revenue', 'content_id', 'period_start', 'amount'),
    ],
    version: 1,
    computation: 'content',
  },
  {
    id: 'redemption_rate',
    name: 'Redemption Rate',
    description: 'Of the offers issued in the period, the share that were redeemed.',
    activity: 'retention_strategies',
    kind: 'leading',
    unit: 'ratio',
    higherIsBetter: true,
    formula: 'promotions issued in P and redeemed / promotions issued in P',
    params: {},
    lineage: [reads('promotions', 'promotion_id', 'customer_id', 'issued_at', 'redeemed_at')],
    version: 1,
    computation: 'promotion',
  },
  {
    id: 'loyalty_participation_rate',
    name: 'Loyalty Participation Rate',
    description:
      'Loyalty members who earned or redeemed points in the period, as a share of the customers active in it (paying at some time in the period, or with a product event).',
    activity: 'retention_strategies',
    kind: 'leading',
    unit: 'ratio',
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
    version: 1,
    computation: 'loyalty_program',
  },
];
