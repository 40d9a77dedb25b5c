// Revenue KPIs beyond the MRR bridge: downgrades and what follows them, contract renewals, recognised revenue
// (orders plus recurring revenue earned) and what customers cost to serve.
import type { KpiDefinition } from '../definition.ts';
import { COSTS, integer, MRR_LOG, ORDERS, reads } from './shared.ts';

export const REVENUE_KPIS: KpiDefinition[] = [
  {
    id: 'customer_downgrade_rate',
    name: 'Customer Downgrade Rate',
    description:
      'The share of customers paying at the start of the period who reduced their recurring revenue at least once during it without cancelling.',
    activity: 'retention_forecasting',
    kind: 'leading',
    unit: 'rate',
    higherIsBetter: false,
    formula: 'customers in S with ≥1 downgrade event in P / #S',
    params: {},
    lineage: [MRR_LOG],
    grainSensitive: true,
    version: 1,
    computation: 'downgrade',
  },
  {
    id: 'downgrade_to_churn_conversion_rate',
    name: 'Downgrade to Churn Conversion Rate',
    description:
      'Of the customers whose first downgrade of the period happened, the share that stopped paying altogether within a fixed window after it. Downgrades too recent for the window to have closed are censored: left out of both counts, converted already or not.',
    activity: 'retention_forecasting',
    kind: 'leading',
    unit: 'rate',
    higherIsBetter: false,
    formula:
      'of customers whose first downgrade in P happened at t, share with MRR = 0 by t + `window_days` (90); downgrades whose window is not yet over are censored',
    params: { window_days: integer(90, 'Days after the downgrade within which a cancellation counts.') },
    lineage: [MRR_LOG],
    // 2: downgrades whose window is open are left out even when already converted (v1 counted them).
    version: 2,
    computation: 'downgrade_conversion',
  },
  {
    id: 'customer_renewal_rate',
    name: 'Customer Renewal Rate',
    description:
      'Of the contracts whose term ended in the period and whose grace period is over, the share followed by a new contract of the same customer soon after (or flagged renewed by billing). A contract still in its grace period is censored, renewed already or not.',
    activity: 'retention_strategies',
    kind: 'lagging',
    unit: 'rate',
    higherIsBetter: true,
    formula:
      'contracts ending in P renewed (a next contract of the same customer starting within `grace_days` (30) of the end, or marked renewed) / contracts ending in P whose grace has passed',
    params: {
      grace_days: integer(30, 'Days after a term ends within which the next contract must start.', 0),
    },
    lineage: [reads('contracts', 'contract_id', 'customer_id', 'start_at', 'end_at', 'renewed')],
    // 2: contracts still in grace are left out even when already renewed (v1 counted them).
    version: 2,
    computation: 'renewal',
  },
  {
    id: 'revenue_growth',
    name: 'Revenue Growth',
    description:
      'The relative change in revenue from the previous period, where revenue is one-off orders plus the recurring revenue earned day by day over the period.',
    activity: 'retention_strategies',
    kind: 'lagging',
    unit: 'rate',
    higherIsBetter: true,
    formula:
      '(revenue(P) − revenue(P−1)) / revenue(P−1); revenue(P) = order revenue in P + ∫ MRR dt over P / 30.4375 days',
    params: {},
    lineage: [ORDERS, MRR_LOG],
    version: 1,
    computation: 'recognized_revenue',
  },
  {
    id: 'customer_profitability',
    name: 'Customer Profitability',
    description:
      'Revenue earned in the period less the cost of serving the customers, in total and per customer. A lifetime view adds up, over every customer that has paid by the end of the period, its revenue and cost to serve so far less what it cost to acquire (its channel’s spend shared among the customers that channel won at the time).',
    activity: 'retention_strategies',
    kind: 'lagging',
    unit: 'currency',
    higherIsBetter: true,
    formula:
      "revenue(P) − cost to serve(P), total and per customer; lifetime view subtracts the customer's CAC",
    params: {},
    lineage: [
      ORDERS,
      MRR_LOG,
      COSTS,
      reads('customers', 'customer_id', 'channel'),
      reads('acquisition_spend', 'channel', 'period_start', 'period_end', 'amount'),
    ],
    grainSensitive: true,
    // 2: the lifetime view is computed (`lifetime_profit`), its acquisition cost allocated as the description
    // says; version 1 promised it without computing it.
    version: 2,
    computation: 'recognized_revenue',
    also: ['profit_per_customer', 'lifetime_profit'],
  },
];
