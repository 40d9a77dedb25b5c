// What each customer adds to the numerator and the denominator of the results computed from the MRR state
// (s and e, a customer's MRR at the period's start and end) and of the MRR bridge's movements: the same
// sums revenue.ts and views/mrr-bridge.ts take, written per customer row, so the rows behind a result add
// up to its numerator and denominator exactly (explain-rows.test.ts checks them against computeKpis, the
// bridge and the paying cohorts).
// SQL over `m` (a customer_mrr row: s, e, first_paid_at, period_start), `g` (the downgrade in the period,
// when `downgrades`) and `cu` (the customer).

/** A result's numerator and denominator per customer row, and the unit each sums in. */
export interface RowContribution {
  readonly numerator: string;
  /** null for an amount (MRR, expansion revenue, a bridge movement): it has no denominator. */
  readonly denominator: string | null;
  readonly numeratorUnit: 'count' | 'currency';
  readonly denominatorUnit?: 'count' | 'currency';
  /** Only referred customers count (the referral KPIs). */
  readonly referredOnly?: boolean;
  /** Reads `g`, the customers who downgraded (MRR lowered but not to 0) during the period. */
  readonly downgrades?: boolean;
  /** `s` is MRR a calendar year before the period's end instead of at its start (the trailing 12 months). */
  readonly year?: boolean;
  /**
   * A cell of the cohorts of first payments: only the cohort's members (first paid in the period), `e` their
   * MRR at the end of the cell's age and `fm.starting_mrr` their MRR at their first payment.
   */
  readonly cohort?: 'logo' | 'revenue';
}

const when = (condition: string, then: string) => `CASE WHEN ${condition} THEN ${then} ELSE 0 END`;
const PAYING_AT_START = 'm.s > 0';
const PAYING_AT_END = 'm.e > 0';
const CHURNED = 'm.s > 0 AND m.e = 0';
const EXPANDED = 'm.s > 0 AND m.e > m.s';
const NEW = 'm.s = 0 AND m.e > 0 AND m.first_paid_at >= m.period_start';
const REACTIVATED = 'm.s = 0 AND m.e > 0 AND m.first_paid_at < m.period_start';

/** Customers as counts: numerator and denominator both count customers. */
const share = (numerator: string, denominator: string, extra: Partial<RowContribution> = {}) => ({
  numerator: when(numerator, '1'),
  denominator: when(denominator, '1'),
  numeratorUnit: 'count' as const,
  denominatorUnit: 'count' as const,
  ...extra,
});
/** Money over the MRR paying customers had at the period's start. */
const ofStartMrr = (numerator: string) => ({
  numerator,
  denominator: when(PAYING_AT_START, 'm.s'),
  numeratorUnit: 'currency' as const,
  denominatorUnit: 'currency' as const,
});
const amount = (condition: string, value: string) => ({
  numerator: when(condition, value),
  denominator: null,
  numeratorUnit: 'currency' as const,
});

const churn = share(CHURNED, PAYING_AT_START);
// Retained: paying at the start and at the end (#E − new − reactivated is exactly these customers).
const retention = share(`${PAYING_AT_START} AND ${PAYING_AT_END}`, PAYING_AT_START);

/** Every KPI result (and sub-result) of the MRR state whose rows can be listed. */
export const KPI_ROWS: Readonly<Record<string, RowContribution>> = {
  mrr: amount(PAYING_AT_END, 'm.e'),
  'mrr.arpa': {
    numerator: when(PAYING_AT_END, 'm.e'),
    denominator: when(PAYING_AT_END, '1'),
    numeratorUnit: 'currency',
    denominatorUnit: 'count',
  },
  customer_churn_rate: churn,
  customer_retention_rate: retention,
  // Lost to churn and contraction: s − e wherever MRR fell (e < s implies s > 0).
  revenue_churn_rate: ofStartMrr(when('m.e < m.s', 'm.s - m.e')),
  // Churn + contraction − expansion: s − e over every customer paying at the start.
  net_revenue_churn: ofStartMrr(when(PAYING_AT_START, 'm.s - m.e')),
  // Start + expansion − contraction − churn: what those customers pay at the end.
  net_revenue_retention: ofStartMrr(when(PAYING_AT_START, 'm.e')),
  // Over the customers paying a year before the period's end: their MRR at its end over their MRR then.
  'net_revenue_retention.nrr_12m': { ...ofStartMrr(when(PAYING_AT_START, 'm.e')), year: true },
  // Gross: each customer's MRR kept, at most what it paid at the start (expansion left out).
  'net_revenue_retention.grr': ofStartMrr(when(PAYING_AT_START, 'least(m.s, m.e)')),
  'net_revenue_retention.grr_12m': { ...ofStartMrr(when(PAYING_AT_START, 'least(m.s, m.e)')), year: true },
  expansion_revenue: amount(EXPANDED, 'm.e - m.s'),
  expansion_revenue_growth_rate: ofStartMrr(when(EXPANDED, 'm.e - m.s')),
  customer_downgrade_rate: share(`${PAYING_AT_START} AND g.customer_id IS NOT NULL`, PAYING_AT_START, {
    downgrades: true,
  }),
  referral_retention_rate: { ...retention, referredOnly: true },
  referral_churn_rate: { ...churn, referredOnly: true },
};

/** The MRR bridge's bars (views/mrr-bridge.ts), each an amount whose rows are the customers moving it. */
export const BRIDGE_ROWS: Readonly<Record<string, RowContribution>> = {
  'mrr_bridge.start_mrr': amount(PAYING_AT_START, 'm.s'),
  'mrr_bridge.new_mrr': amount(NEW, 'm.e'),
  'mrr_bridge.reactivation_mrr': amount(REACTIVATED, 'm.e'),
  'mrr_bridge.expansion_mrr': amount(EXPANDED, 'm.e - m.s'),
  'mrr_bridge.contraction_mrr': amount('m.e > 0 AND m.e < m.s', 'm.s - m.e'),
  'mrr_bridge.churn_mrr': amount(CHURNED, 'm.s'),
  'mrr_bridge.end_mrr': amount(PAYING_AT_END, 'm.e'),
};

/**
 * A cell of the cohorts of first payments (views/paying-cohorts.ts): logo retention counts the members paying
 * at the end of the cell's age (at age 0 all of them, explainRows' rule), revenue retention sums their MRR
 * then over their MRR at their first payment.
 */
export const COHORT_ROWS: Readonly<Record<string, RowContribution>> = {
  'paying_cohorts.retention': { ...share(PAYING_AT_END, 'TRUE'), cohort: 'logo' },
  'paying_cohorts.revenue_retention': {
    numerator: 'm.e',
    denominator: 'fm.starting_mrr',
    numeratorUnit: 'currency',
    denominatorUnit: 'currency',
    cohort: 'revenue',
  },
};

/**
 * A customer's movement over the period, named as the bridge names it (flat: paying the same, or not
 * paying at either end).
 */
export const MOVEMENT_SQL = `CASE WHEN ${NEW} THEN 'new' WHEN ${REACTIVATED} THEN 'reactivation'
    WHEN ${EXPANDED} THEN 'expansion' WHEN m.e > 0 AND m.e < m.s THEN 'contraction'
    WHEN ${CHURNED} THEN 'churn' ELSE 'flat' END`;
