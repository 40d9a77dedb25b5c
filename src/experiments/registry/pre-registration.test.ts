// Plans from the experiments table: the generator's pre_registration loads through the plan's schema with
// every default it took reported; a column holding a whole plan passes through; a bad column or an unknown
// KPI is a problem on the record, never a crash.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CATALOG } from '../../catalog/catalog.ts';
import { PARAMS } from '../../synth/truth.ts';
import { type ExperimentRow, loadPreRegistration } from './pre-registration.ts';

const ctx = { definitions: CATALOG };
const e = PARAMS.experiment;

/** The row src/synth/marketing.ts writes. */
const ROW: ExperimentRow = {
  experiment_id: e.experiment_id,
  name: e.name,
  hypothesis: e.hypothesis,
  primary_kpi: e.primary_kpi,
  pre_registered_at: '2024-06-24T00:00:00.000Z',
  started_at: '2024-07-01T00:00:00.000Z',
  ended_at: '2025-01-01T00:00:00.000Z',
  pre_registration: JSON.stringify(e.pre_registration),
};

test("the generated company's pre_registration loads, each default it took reported", () => {
  const loaded = loadPreRegistration(ROW, ctx);
  assert.deepEqual(loaded.problems, []);
  assert.deepEqual(loaded.ignored, []);
  const plan = loaded.plan;
  assert.ok(plan);
  assert.equal(plan.id, 'onboarding_checklist');
  assert.equal(plan.primary.kpi, 'customer_churn_rate');
  assert.deepEqual(plan.minimum_detectable_effect, { value: 0.2, kind: 'relative' });
  assert.equal(plan.alpha, 0.05);
  assert.equal(plan.power, 0.8);
  assert.deepEqual(plan.variants, [
    { name: 'control', weight: 0.5 },
    { name: 'treatment', weight: 0.5 },
  ]);
  assert.equal(plan.planned_end, '2025-01-01');
  assert.equal(plan.owner, '(unassigned)');
  const filled = Object.fromEntries(loaded.defaults.map((d) => [d.field, d.source]));
  assert.deepEqual(filled, {
    name: 'experiments.name',
    hypothesis: 'experiments.hypothesis',
    owner: 'default',
    'primary.kpi': 'pre_registration.metric',
    'variants[].weight': 'equal weights',
    planned_end: 'experiments.ended_at',
    secondary: 'default',
    guardrails: 'default',
    analysis: 'default',
    cuped: 'default',
    multiple_testing: 'default',
    segments: 'default',
  });
});

test('a whole plan in the column passes through; unknown keys are reported as ignored', () => {
  const loaded = loadPreRegistration(
    {
      ...ROW,
      pre_registration: JSON.stringify({
        owner: 'Growth',
        primary: { outcome: { kind: 'churned_within', days: 60 } },
        variants: [
          { name: 'control', weight: 0.4 },
          { name: 'treatment', weight: 0.6 },
        ],
        analysis: { method: 'sequential', tuning: 800 },
        favourite_colour: 'teal',
      }),
    },
    ctx,
  );
  assert.deepEqual(loaded.problems, []);
  assert.deepEqual(loaded.ignored, ['favourite_colour']);
  assert.equal(loaded.plan?.owner, 'Growth');
  assert.deepEqual(loaded.plan?.analysis, { method: 'sequential', tuning: 800 });
  assert.equal(loaded.plan?.variants[1]?.weight, 0.6);
});

test('no variants in the column: those the assignments hold, with equal weights', () => {
  const loaded = loadPreRegistration({ ...ROW, pre_registration: '{"metric": "customer_churn_rate"}' }, ctx, [
    'control',
    'a',
    'b',
  ]);
  assert.deepEqual(
    loaded.plan?.variants.map((v) => [v.name, v.weight]),
    [
      ['control', 1 / 3],
      ['a', 1 / 3],
      ['b', 1 / 3],
    ],
  );
  assert.equal(
    loaded.defaults.find((d) => d.field === 'variants')?.source,
    'the variants in assignments, equal weights',
  );
});

test('a column that is not a JSON object, or names an unknown KPI, is a problem on the record', () => {
  const bad = loadPreRegistration({ ...ROW, pre_registration: '{"metric": ' }, ctx);
  assert.equal(bad.plan, undefined);
  assert.match(bad.problems[0]?.message ?? '', /is not valid JSON/);
  const unknown = loadPreRegistration({ ...ROW, pre_registration: '{"metric": "churn"}' }, ctx);
  assert.equal(unknown.plan, undefined);
  assert.match(unknown.problems[0]?.message ?? '', /no KPI 'churn' in the catalog/);
  // Nothing but a primary_kpi column: still a plan, everything else defaulted.
  const bare = loadPreRegistration({ ...ROW, pre_registration: null }, ctx);
  assert.equal(bare.plan?.primary.kpi, 'customer_churn_rate');
});
