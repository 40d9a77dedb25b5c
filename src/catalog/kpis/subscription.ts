// Subscription KPIs read from the MRR state of each customer at the period's start (s) and end (e), and the
// bridge that classifies each customer's net movement (new, reactivation, expansion, contraction, churn).
import type { KpiDefinition } from '../definition.ts';
import { MRR_LOG } from './shared.ts';

export const SUBSCRIPTION_KPIS: KpiDefinition[] = [
  {
    id: 'mrr',
    name: 'Monthly Recurring Revenue',
    description:
      'The recurring revenue in force at the end of the period, summed over customers. Average revenue per paying account (ARPA) is reported beside it.',
    activity: 'retention_strategies',
    kind: 'lagging',
    unit: 'currency',
    higherIsBetter: true,
    formula: 'Σ e over customers (MRR at p_end); also ARPA = MRR / #E',
    params: {},
    lineage: [MRR_LOG],
    version: 1,
    computation: 'mrr_state',
    also: ['arpa'],
  },
  {
    id: 'customer_churn_rate',
    name: 'Customer Churn Rate',
    description:
      'The share of customers paying at the start of the period who pay nothing at its end. Net over the period, so a customer who leaves and returns inside it has not churned.',
    activity: 'retention_strategies',
    kind: 'lagging',
    unit: 'rate',
    higherIsBetter: false,
    formula: '#{s>0, e=0} / #S',
    params: {},
    lineage: [MRR_LOG],
    grainSensitive: true,
    version: 1,
    computation: 'mrr_state',
  },
  {
    id: 'customer_retention_rate',
    name: 'Customer Retention Rate',
    description:
      'The share of customers paying at the start of the period who still pay at its end; customers won or won back during the period do not count.',
    activity: 'retention_strategies',
    kind: 'lagging',
    unit: 'rate',
    higherIsBetter: true,
    formula: '(#E − new − reactivated) / #S  (equals 1 − churn rate under net classification)',
    params: {},
    lineage: [MRR_LOG],
    grainSensitive: true,
    version: 1,
    computation: 'mrr_state',
  },
  {
    id: 'revenue_churn_rate',
    name: 'Revenue Churn Rate',
    description:
      'Recurring revenue lost in the period to cancellations and reductions, as a share of the revenue in force at its start (gross: expansion does not offset it).',
    activity: 'customer_value_expansion',
    kind: 'lagging',
    unit: 'rate',
    higherIsBetter: false,
    formula: '(churn MRR + contraction MRR) / Σ s',
    params: {},
    lineage: [MRR_LOG],
    grainSensitive: true,
    version: 1,
    computation: 'mrr_state',
  },
  {
    id: 'net_revenue_churn',
    name: 'Net Revenue Churn',
    description:
      'Recurring revenue lost to cancellations and reductions less the revenue gained from existing customers growing, relative to the revenue at the start. Negative when growth outweighs losses.',
    activity: 'retention_strategies',
    kind: 'lagging',
    unit: 'rate',
    higherIsBetter: false,
    formula: '(churn MRR + contraction MRR − expansion MRR) / Σ s (may be negative)',
    params: {},
    lineage: [MRR_LOG],
    grainSensitive: true,
    version: 1,
    computation: 'mrr_state',
  },
  {
    id: 'net_revenue_retention',
    name: 'Net Revenue Retention',
    description:
      'How much of the recurring revenue at the start of the period the same customers still bring at its end, growth included. A year-over-year variant over customers paying twelve months earlier is reported beside it, and gross revenue retention (the same without expansion), for the period and over twelve months.',
    activity: 'retention_strategies',
    kind: 'lagging',
    unit: 'rate',
    higherIsBetter: true,
    formula:
      '(Σ s + expansion − contraction − churn) / Σ s; also nrr_12m: Σ MRR now / Σ MRR 12 months ago over customers with MRR>0 12 months ago',
    params: {},
    lineage: [MRR_LOG],
    grainSensitive: true,
    // Still 1: the value is unchanged. Gross revenue retention is reported beside it: grr = (Σ s − contraction
    // − churn) / Σ s; grr_12m = Σ min(MRR 12 months ago, MRR now) / Σ MRR 12 months ago over the customers
    // paying then (the formula stays KPI-DEFAULTS.md's).
    version: 1,
    computation: 'mrr_state',
    also: ['nrr_12m', 'grr', 'grr_12m'],
  },
  {
    id: 'expansion_revenue',
    name: 'Expansion Revenue',
    description:
      'The increase in recurring revenue from customers who already paid at the start of the period and pay more at its end (upgrades, seats, add-ons).',
    activity: 'retention_strategies',
    kind: 'lagging',
    unit: 'currency',
    higherIsBetter: true,
    formula: 'expansion MRR in P',
    params: {},
    lineage: [MRR_LOG],
    grainSensitive: true,
    version: 1,
    computation: 'mrr_state',
  },
  {
    id: 'expansion_revenue_growth_rate',
    name: 'Expansion Revenue Growth Rate',
    description:
      'Expansion MRR in the period as a share of the recurring revenue in force at its start: how fast paying customers add to what they pay. The change in expansion from the previous period is reported beside it (undefined after a period with none).',
    activity: 'retention_strategies',
    kind: 'lagging',
    unit: 'rate',
    higherIsBetter: true,
    formula:
      "expansion MRR in P / Σ s (the rate at which existing customers' revenue grows through upsell, cross-sell and usage); also `change`: (expansion(P) − expansion(P−1)) / expansion(P−1)",
    params: {},
    lineage: [MRR_LOG],
    grainSensitive: true,
    // 2: expansion over MRR at the start (v1 was the period-over-period change, now the `change` part).
    version: 2,
    computation: 'mrr_state',
    also: ['change'],
  },
];
