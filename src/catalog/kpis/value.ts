// Lifetime value and its relatives (lifespan, LTV to CAC), and the KPIs restricted to referred customers.
// The simple formula (ARPA × margin / churn over a trailing year) is the default; fitted models are separate.
import type { KpiDefinition } from '../definition.ts';
import { COSTS, grossMargin, MRR_LOG, REFERRALS, reads } from './shared.ts';

export const VALUE_KPIS: KpiDefinition[] = [
  {
    id: 'customer_lifetime_value',
    name: 'Customer Lifetime Value',
    description:
      'What an average paying account is expected to bring in gross profit before it leaves: revenue per account times margin, divided by the monthly churn rate, both taken over the last twelve months.',
    activity: 'retention_strategies',
    kind: 'lagging',
    unit: 'currency',
    higherIsBetter: true,
    formula:
      'ARPA × gross margin / monthly customer churn rate, both averaged over the trailing 12 months; margin from costs data, else `gross_margin` (1.0). Model-based CLV is a separate, fitted result',
    params: { gross_margin: grossMargin },
    lineage: [MRR_LOG, COSTS],
    version: 1,
    computation: 'ltv',
  },
  {
    id: 'average_customer_lifespan',
    name: 'Average Customer Lifespan',
    description:
      'How many months a paying account is expected to stay, read as the inverse of the average monthly churn rate over the last twelve months.',
    activity: 'retention_programs',
    kind: 'lagging',
    unit: 'months',
    higherIsBetter: true,
    formula:
      '1 / average monthly churn rate over the trailing 12 months, in months (a Kaplan–Meier restricted mean is the model-based twin)',
    params: {},
    lineage: [MRR_LOG],
    version: 1,
    computation: 'ltv',
  },
  {
    id: 'ltv_to_cac_ratio',
    name: 'LTV to CAC Ratio',
    description:
      'Lifetime value divided by what it cost to win a customer in the period (acquisition spend over new customers); can be broken down by acquisition channel.',
    activity: 'customer_value_expansion',
    kind: 'lagging',
    unit: 'ratio',
    higherIsBetter: true,
    formula:
      'CLV / CAC, CAC = acquisition spend in P / new customers in P (per channel when broken down by channel)',
    params: { gross_margin: grossMargin },
    lineage: [
      MRR_LOG,
      COSTS,
      reads('customers', 'customer_id', 'channel'),
      reads('acquisition_spend', 'channel', 'period_start', 'period_end', 'amount'),
    ],
    version: 1,
    computation: 'ltv',
  },
  {
    id: 'cltv_referred_users',
    name: 'CLTV for Referred Users',
    description:
      'Lifetime value computed only over customers who came through a referral, with its ratio to the value of customers who did not, to judge referral as a source.',
    activity: 'retention_modeling',
    kind: 'lagging',
    unit: 'currency',
    higherIsBetter: true,
    formula:
      'CLV restricted to referred customers (referred_by set or channel = referral); also reported: its ratio to non-referred CLV',
    params: { gross_margin: grossMargin },
    lineage: [MRR_LOG, COSTS, REFERRALS],
    population: 'referred',
    version: 1,
    computation: 'ltv',
    also: ['ratio_to_non_referred'],
  },
  {
    id: 'referral_retention_rate',
    name: 'Referral Retention Rate',
    description:
      'Customer retention rate counted only over referred customers: of those paying at the start of the period, the share still paying at its end.',
    activity: 'retention_optimization',
    kind: 'lagging',
    unit: 'rate',
    higherIsBetter: true,
    formula: 'Customer Retention Rate restricted to referred customers',
    params: {},
    lineage: [MRR_LOG, REFERRALS],
    grainSensitive: true,
    population: 'referred',
    version: 1,
    computation: 'mrr_state',
  },
  {
    id: 'referral_churn_rate',
    name: 'Referral Churn Rate',
    description:
      'Customer churn rate counted only over referred customers: of those paying at the start of the period, the share paying nothing at its end.',
    // The seed lists it under "Retention Strategy", a second spelling of "Retention Strategies": one activity.
    activity: 'retention_strategies',
    kind: 'lagging',
    unit: 'rate',
    higherIsBetter: false,
    formula: 'Customer Churn Rate restricted to referred customers',
    params: {},
    lineage: [MRR_LOG, REFERRALS],
    grainSensitive: true,
    population: 'referred',
    version: 1,
    computation: 'mrr_state',
  },
];
