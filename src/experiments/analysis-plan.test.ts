import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CATALOG } from '../catalog/catalog.ts';
import { type ExperimentInfo, planFromRegistry, planFromRow } from './analysis-plan.ts';
import { defaultOutcomeForKpi } from './outcomes/spec.ts';
import { PlanSchema } from './registry/plan.ts';
import type { ExperimentRecord } from './registry/registry.ts';

const plan = (weights: [number, number]) =>
  PlanSchema.parse({
    id: 'x',
    name: 'X',
    hypothesis: 'h',
    owner: 'o',
    primary: { kpi: 'customer_churn_rate' },
    guardrails: [{ kpi: 'mrr', tolerance: { value: 0.02 } }],
    variants: [
      { name: 'control', weight: weights[0] },
      { name: 'treatment', weight: weights[1] },
    ],
    analysis: { method: 'sequential', tuning: 3000 },
    cuped: { covariate: 'pre_exposure_outcome' },
  });

test("the registry's plan in force: outcomes, sequential N*, and a period per change of weights", () => {
  const version = (n: number, weights: [number, number], at: string | null) => ({
    version: n,
    plan: plan(weights),
    registered_at: at,
  });
  const record = {
    plan: plan([0.2, 0.8]),
    versions: [
      version(1, [0.5, 0.5], '2025-01-01T00:00:00Z'),
      version(2, [0.5, 0.5], '2025-01-10T00:00:00Z'), // an amendment that kept the weights
      version(3, [0.2, 0.8], '2025-02-01T00:00:00Z'),
    ],
  } as unknown as ExperimentRecord;
  const p = planFromRegistry(record);
  assert.ok(p);
  assert.equal(p.method, 'sequential');
  assert.equal(p.sequentialTuning, 3000);
  assert.deepEqual(p.weightPeriods, [
    { from: null, weights: [0.5, 0.5] },
    { from: '2025-02-01T00:00:00.000Z', weights: [0.2, 0.8] },
  ]);
  assert.deepEqual(
    p.outcomes.map((o) => [o.role, o.name, o.spec.cuped ?? false, o.must_not ?? null]),
    [
      ['primary', 'churned_within:90', true, null],
      ['guardrail', 'mrr_after:90', true, 'decrease'],
    ],
  );
});

const row = (pre: Record<string, unknown> | null, primaryKpi: string | null = null): ExperimentInfo => ({
  experimentId: 'x',
  name: null,
  hypothesis: null,
  primaryKpi,
  preRegisteredAt: null,
  startedAt: null,
  endedAt: null,
  preRegistration: pre,
});

test('the row alone: the generator’s pre_registration, weights and their changes, defaults said', () => {
  const r = planFromRow(
    row({
      metric: 'customer_churn_rate',
      variants: ['control', 'treatment'],
      weights: [0.5, 0.5],
      weight_changes: [{ at: '2025-03-01', weights: [0.3, 0.7] }],
    }),
    ['control', 'treatment'],
    CATALOG,
    defaultOutcomeForKpi,
  );
  assert.deepEqual(r.plan.weightPeriods, [
    { from: null, weights: [0.5, 0.5] },
    { from: '2025-03-01T00:00:00.000Z', weights: [0.3, 0.7] },
  ]);
  assert.deepEqual(r.notes, ['the plan gives no alpha: 0.05 is used']);
  assert.equal(r.plan.outcomes[0]?.name, 'churned_within:90');
});

test('the row alone: an unknown KPI and a KPI without a per-customer outcome are named, not measured', () => {
  const unknown = planFromRow(
    row(null, 'not_a_kpi'),
    ['treatment', 'control'],
    CATALOG,
    defaultOutcomeForKpi,
  );
  assert.deepEqual(unknown.unknownKpis, ['not_a_kpi']);
  assert.deepEqual(unknown.plan.outcomes, []);
  // Variants from the assignments, the control first.
  assert.deepEqual(
    unknown.plan.variants.map((v) => v.name),
    ['control', 'treatment'],
  );
  const without = planFromRow(row({ metric: 'net_promoter_score' }), [], CATALOG, defaultOutcomeForKpi);
  assert.deepEqual(without.kpisWithoutOutcome, ['net_promoter_score']);
});
