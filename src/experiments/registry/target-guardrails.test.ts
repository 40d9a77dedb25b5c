// An experiment that serves a target and names no guardrails takes the target's, in the plan's words.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CATALOG } from '../../catalog/catalog.ts';
import { TargetSchema } from '../../goals/targets.ts';
import { defaultsTaken, PlanSchema } from './plan.ts';
import { inheritTargetGuardrails } from './target-guardrails.ts';

const given = (extra: Record<string, unknown>) => ({
  id: 'checklist',
  name: 'Checklist',
  hypothesis: 'A checklist activates more accounts',
  owner: 'Ana',
  primary: { kpi: 'activation_milestone_completion' },
  variants: [
    { name: 'control', weight: 0.5 },
    { name: 'treatment', weight: 0.5 },
  ],
  ...extra,
});
const inherit = (raw: Record<string, unknown>, targets: unknown[]) =>
  inheritTargetGuardrails(PlanSchema.parse(raw), defaultsTaken(raw), {
    definitions: CATALOG,
    targets: targets.map((t) => TargetSchema.parse(t)),
  });

test("a plan serving a target takes the target's own guardrails, rise/fall as increase/decrease", () => {
  const raw = given({ target: { kpi: 'activation_milestone_completion' } });
  const { plan, defaults } = inherit(raw, [
    {
      kpi: 'activation_milestone_completion',
      pragmatic: 0.5,
      owner: 'Ana',
      guardrails: [{ kpi: 'mrr', must_not: 'fall', tolerance: 0.02 }],
    },
  ]);
  assert.deepEqual(plan.guardrails, [
    { kpi: 'mrr', must_not: 'decrease', tolerance: { value: 0.02, kind: 'relative' } },
  ]);
  const taken = defaults.find((d) => d.field === 'guardrails');
  assert.deepEqual(taken?.value, plan.guardrails);
  assert.match(taken?.source ?? '', /named by the target on activation_milestone_completion/);
});

test('without guardrails of its own the target lends the proposed ones (activation: later retention)', () => {
  const raw = given({ target: { kpi: 'activation_milestone_completion' } });
  const { plan, defaults } = inherit(raw, [
    { kpi: 'activation_milestone_completion', pragmatic: 0.5, owner: 'Ana' },
  ]);
  // The gaming pattern (activation_cohort_retention must not fall) at the default 5% tolerance.
  assert.deepEqual(plan.guardrails, [
    {
      kpi: 'activation_cohort_retention',
      must_not: 'decrease',
      tolerance: { value: 0.05, kind: 'relative' },
    },
  ]);
  assert.match(defaults.find((d) => d.field === 'guardrails')?.source ?? '', /^proposed for the target/);
});

test("a plan's own guardrails, no target, or a target not in tenure.yaml: nothing is taken", () => {
  const target = { kpi: 'activation_milestone_completion', pragmatic: 0.5, owner: 'Ana' };
  const own = given({
    target: { kpi: 'activation_milestone_completion' },
    guardrails: [{ kpi: 'mrr' }],
  });
  assert.deepEqual(
    inherit(own, [target]).plan.guardrails.map((g) => g.kpi),
    ['mrr'],
  );
  assert.deepEqual(inherit(given({}), [target]).plan.guardrails, []);
  assert.deepEqual(inherit(given({ target: { kpi: 'customer_churn_rate' } }), [target]).plan.guardrails, []);
});
