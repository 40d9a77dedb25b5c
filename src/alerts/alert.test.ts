// A target's alert against the sentence a person reads: the value and the target in the KPI's unit and the
// project's currency ("2.7% against 2.5%", not "0.0265 against 0.0250"), no data said in words.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TargetCheck } from '../goals/check.ts';
import { TargetSchema } from '../goals/targets.ts';
import { alertsFromChecks } from './alert.ts';

const check = (over: Partial<TargetCheck> & Pick<TargetCheck, 'target' | 'name' | 'unit'>): TargetCheck => ({
  segment: 'all',
  period_start: '2025-06-01T00:00:00.000Z',
  period_end: '2025-07-01T00:00:00.000Z',
  value: null,
  status: 'at_risk',
  ahead: false,
  shortfall: null,
  why: [],
  guardrails: [],
  higher_is_better: false,
  pragmatic: over.target.pragmatic ?? null,
  forecast: null,
  ...over,
});

test('alert messages write values in their unit', () => {
  const churn = check({
    target: TargetSchema.parse({ kpi: 'customer_churn_rate', pragmatic: 0.025, owner: 'Maya' }),
    name: 'Customer Churn Rate',
    unit: 'rate',
    value: 0.0265,
  });
  const mrr = check({
    target: TargetSchema.parse({ kpi: 'mrr', pragmatic: [150000, 200000], owner: 'Omar' }),
    name: 'MRR',
    unit: 'currency',
    value: 142500.5,
    status: 'off_track',
  });
  const ltv = check({
    target: TargetSchema.parse({ kpi: 'ltv_to_cac_ratio', pragmatic: 3, owner: 'Omar' }),
    name: 'LTV to CAC Ratio',
    unit: 'ratio',
  });
  const on = check({
    target: TargetSchema.parse({ kpi: 'mrr', pragmatic: 1, owner: 'Omar' }),
    name: 'MRR',
    unit: 'currency',
    value: 2,
    status: 'on_track',
  });
  const alerts = alertsFromChecks([churn, mrr, ltv, on], { currency: 'EUR' });
  assert.deepEqual(
    alerts.map((a) => [a.severity, a.message]),
    [
      ['warning', 'Customer Churn Rate is at risk: 2.7% against 2.5% (2025-06-01 to 2025-07-01)'],
      [
        'critical',
        'MRR is off track: €142,500.50 against €150,000.00–€200,000.00 (2025-06-01 to 2025-07-01)',
      ],
      ['warning', 'LTV to CAC Ratio is at risk: no data against 3.0× (2025-06-01 to 2025-07-01)'],
    ],
  );
  // Without a currency, dollars.
  assert.match(
    alertsFromChecks([mrr])[0]?.message ?? '',
    /: \$142,500\.50 against \$150,000\.00–\$200,000\.00 /,
  );
});

/** Downgrades rose from 10% to 30% while they must not rise: a broken (proposed) guardrail. */
const BROKEN_DOWNGRADES = {
  kpi: 'customer_downgrade_rate',
  name: 'Customer Downgrade Rate',
  unit: 'rate',
  must_not: 'rise',
  tolerance: 0.05,
  proposed: true,
  before: 0.1,
  value: 0.3,
  status: 'broken',
} as const;

test('a target met while a guardrail breaks raises its own alert, in words', () => {
  const [alert, ...others] = alertsFromChecks([
    check({
      target: TargetSchema.parse({ kpi: 'customer_churn_rate', pragmatic: 0.025, owner: 'Maya' }),
      name: 'Customer Churn Rate',
      unit: 'rate',
      value: 0.02,
      status: 'on_track',
      guardrails: [BROKEN_DOWNGRADES],
    }),
  ]);
  assert.deepEqual(others, []);
  assert.equal(alert?.severity, 'warning');
  assert.equal(
    alert?.key,
    'guardrail|customer_churn_rate|=all|2025-06-01T00:00:00.000Z|customer_downgrade_rate',
  );
  assert.equal(
    alert?.message,
    'Customer Churn Rate is met, guardrail broken: Customer Downgrade Rate rose from 10.0% to 30.0% (it must not rise; 2025-06-01 to 2025-07-01)',
  );
});

test('a target off its plan with a broken guardrail raises one alert, whose status names the guardrail', () => {
  const alerts = alertsFromChecks([
    check({
      target: TargetSchema.parse({ kpi: 'customer_churn_rate', pragmatic: 0.025, owner: 'Maya' }),
      name: 'Customer Churn Rate',
      unit: 'rate',
      value: 0.04,
      status: 'off_track',
      guardrails: [BROKEN_DOWNGRADES],
    }),
  ]);
  assert.deepEqual(
    alerts.map((a) => [a.severity, a.message]),
    [
      [
        'critical',
        'Customer Churn Rate is off track, guardrail broken: 4.0% against 2.5% (2025-06-01 to 2025-07-01)',
      ],
    ],
  );
});
