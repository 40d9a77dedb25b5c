// The worth of a KPI's move on a hand-made base, worked out by hand through the identities.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TenureError } from '../errors/tenure-error.ts';
import { type ImpactBaseline, kpiImpact } from './impact.ts';

// MRR 10,000 on 100 customers; a month: expansion 2%, contraction 1%, churn 3% of start MRR (net 0.98);
// inflow 500 MRR and 5 customers; logo churn 4%; a churned customer pays 0.75× the mean; LTV 2,500.
const BASE: ImpactBaseline = {
  as_of: '2025-07-01T00:00:00.000Z',
  from: '2025-01-01T00:00:00.000Z',
  to: '2025-07-01T00:00:00.000Z',
  months: 6,
  mrr: 10_000,
  customers: 100,
  expansion_rate: 0.02,
  contraction_rate: 0.01,
  churn_rate: 0.03,
  net_rate_standard_error: 0,
  t_quantile: 2,
  inflow_mrr: 500,
  inflow_customers: 5,
  logo_churn_rate: 0.04,
  churner_mrr_ratio: 0.75,
  ltv: 2_500,
  activation: null,
};

const close = (actual: number | undefined, expected: number, what: string) =>
  assert.ok(Math.abs((actual ?? Number.NaN) - expected) < 1e-9, `${what}: ${actual} ≠ ${expected}`);

test('monthly NRR +1 point over 2 months: MRR, NRR and LTV by the identities', () => {
  const i = kpiImpact(BASE, 'net_revenue_retention', 0.01, 2);
  // Without: 10,000 × 0.98 + 500 = 10,300; 10,300 × 0.98 + 500 = 10,594.
  // With:    10,000 × 0.99 + 500 = 10,400; 10,400 × 0.99 + 500 = 10,796: +202.
  close(i.mrr.baseline, 10_594, 'MRR without');
  close(i.mrr.scenario, 10_796, 'MRR with');
  close(i.mrr.change, 202, 'MRR change');
  // NRR = 1 + e − d − c: 0.98 → 0.99, exactly the move.
  close(i.net_revenue_retention.change, 0.01, 'NRR change');
  // Customers do not move: 100 × 0.96 + 5 = 101; 101 × 0.96 + 5 = 101.96. LTV scales with ARPA (churn the
  // same): 2,500 × (10,796 − 10,594) / 101.96 / (10,000 / 100) = 2,500 × 202 / 10,196.
  close(i.customer_lifetime_value?.change, (2_500 * 202) / 10_196, 'LTV change');
  // No uncertainty in the base's net retention: the interval is the point.
  close(i.mrr.low, 202, 'low');
  close(i.mrr.high, 202, 'high');
  assert.equal(i.via, 'identity');
});

test("net retention's uncertainty gives the interval: the change at its mean ± t × standard error", () => {
  // t × se = 2 × 0.002 = 0.004: net 0.976/0.986 and 0.984/0.994.
  // −: 10,000 × 0.976 + 500 = 10,260 → × 0.976 + 500 = 10,513.76; with 10,360 → × 0.986 + 500 = 10,714.96.
  // +: 10,340 → × 0.984 + 500 = 10,674.56; with 10,440 → × 0.994 + 500 = 10,877.36.
  const i = kpiImpact({ ...BASE, net_rate_standard_error: 0.002 }, 'net_revenue_retention', 0.01, 2);
  close(i.mrr.change, 202, 'at the mean');
  close(i.mrr.low, 10_714.96 - 10_513.76, 'low'); // 201.2
  close(i.mrr.high, 10_877.36 - 10_674.56, 'high'); // 202.8
});

test('logo churn −1 point moves churn MRR by 0.75 points and LTV through churn and ARPA', () => {
  const i = kpiImpact(BASE, 'customer_churn_rate', -0.01, 2);
  // c: 0.03 − 0.01 × 0.75 = 0.0225, net 0.9875: 10,000 × 0.9875 + 500 = 10,375; × 0.9875 + 500 = 10,745.3125.
  close(i.mrr.scenario, 10_745.3125, 'MRR with');
  close(i.mrr.change, 151.3125, 'MRR change');
  close(i.net_revenue_retention.change, 0.0075, 'NRR change');
  // Customers at logo churn 3%: 100 × 0.97 + 5 = 102; × 0.97 + 5 = 103.94. LTV = 2,500 × ARPA ratio × c/c'.
  const ltv = 2_500 * (10_745.3125 / 103.94 / 100) * (0.04 / 0.03);
  const ltvBefore = 2_500 * (10_594 / 101.96 / 100);
  close(i.customer_lifetime_value?.scenario, ltv, 'LTV with');
  close(i.customer_lifetime_value?.change, ltv - ltvBefore, 'LTV change');
  // Retention +1 point is the same move.
  close(kpiImpact(BASE, 'customer_retention_rate', 0.01, 2).mrr.change, 151.3125, 'retention');
});

test('gross revenue churn splits between churn and contraction as they are now', () => {
  // −0.02: churn 3/4 of it (−0.015), contraction 1/4 (−0.005); net 0.98 + 0.02 = 1.00.
  // 10,000 × 1 + 500 = 10,500; + 500 = 11,000: +406 on 10,594.
  const i = kpiImpact(BASE, 'revenue_churn_rate', -0.02, 2);
  close(i.mrr.change, 11_000 - 10_594, 'MRR change');
  close(i.net_revenue_retention.change, 0.02, 'NRR change');
});

test('downgrades −1 point: contraction moves by what a downgrade gives up', () => {
  // A downgrade gives up half the mean customer's MRR: contraction −0.01 × 0.5 = −0.005, net 0.985.
  // 10,000 × 0.985 + 500 = 10,350; × 0.985 + 500 = 10,694.75: +100.75 on 10,594.
  const i = kpiImpact({ ...BASE, downgrade_mrr_ratio: 0.5 }, 'customer_downgrade_rate', -0.01, 2);
  close(i.mrr.change, 100.75, 'MRR change');
  close(i.net_revenue_retention.change, 0.005, 'NRR change');
  // Logo churn does not move: LTV follows ARPA only.
  close(i.customer_lifetime_value?.change, (2_500 * 100.75) / 10_196, 'LTV change');
});

test('activation: the hazard multiplier reaches new customers only, their share growing month by month', () => {
  // Activated accounts churn 0.6× as often; 40% of decisions are activated, so the others churn
  // 0.04 / (1 + 0.4 × (0.6 − 1)) = 0.04 / 0.84 a month. +10 points activated: logo churn of new customers
  // 0.1 × 0.04/0.84 × (0.6 − 1) lower, their churn MRR 0.75 × that.
  const activation = {
    multiplier: 0.6,
    lower: 0.5,
    upper: 0.72,
    activated_share: 0.4,
    hazard_not_activated: 0.04 / 0.84,
  };
  const i = kpiImpact({ ...BASE, activation }, 'activation_milestone_completion', 0.1, 2);
  // Month 1 reaches no one (MRR 10,300 either way); 5 customers joined, of 101: month 2's net rises by
  // 5/101 × 0.1 × 0.04/0.84 × 0.4 × 0.75, on 10,300.
  const perMonth = (m: number) => (5 / 101) * 0.1 * (0.04 / 0.84) * (1 - m) * 0.75;
  close(i.mrr.change, 10_300 * perMonth(0.6), 'MRR change');
  // The interval follows the multiplier's: 0.72 gives the least, 0.5 the most.
  close(i.mrr.low, 10_300 * perMonth(0.72), 'low');
  close(i.mrr.high, 10_300 * perMonth(0.5), 'high');
  assert.equal(i.via, 'model');
  assert.ok(i.chain[0]?.includes('0.60×'), i.chain[0]);
});

test('what cannot be priced is refused, naming the field', () => {
  const refused = (f: () => unknown, field: string) =>
    assert.throws(f, (e) => e instanceof TenureError && e.where.field === field);
  refused(() => kpiImpact(BASE, 'dau_wau_ratio', 0.01), 'kpi');
  refused(() => kpiImpact(BASE, 'customer_churn_rate', 5), 'change');
  refused(() => kpiImpact(BASE, 'customer_churn_rate', 0), 'change');
  refused(() => kpiImpact(BASE, 'customer_churn_rate', -0.05), 'change'); // churn below 0
  refused(() => kpiImpact(BASE, 'customer_churn_rate', 0.01, 0), 'horizon');
  refused(() => kpiImpact(BASE, 'activation_milestone_completion', 0.05), 'kpi'); // no fitted effect
  refused(() => kpiImpact(BASE, 'customer_downgrade_rate', -0.01), 'kpi'); // no downgrades to learn from
  // Contraction 1% − 0.05 × 0.5 < 0.
  refused(() => kpiImpact({ ...BASE, downgrade_mrr_ratio: 0.5 }, 'customer_downgrade_rate', -0.05), 'change');
});
