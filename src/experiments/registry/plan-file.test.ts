// Plan files: the example parses; problems name their line and column (an unknown KPI by name, with the
// closest ids); every problem is reported at once; the JSON Schema editors use is the committed one; the
// hash ignores key order and spelled-out defaults; the diff names each changed field.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CATALOG } from '../../catalog/catalog.ts';
import type { TenureError } from '../../errors/tenure-error.ts';
import { defaultOutcomeForKpi } from '../outcomes/spec.ts';
import { PlanProblemsError } from './check.ts';
import { diffPlans } from './diff.ts';
import { planHash } from './hash.ts';
import { plannedOutcomes } from './plan.ts';
import { parsePlanFile, readPlanFile } from './plan-file.ts';
import { PLAN_SCHEMA_FILE, planSchemaText } from './write-schema.ts';

const ctx = { definitions: CATALOG };
const EXAMPLE = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  'examples',
  'experiments',
  'onboarding-checklist.yaml',
);

/** A small plan by hand; each test changes a line of it. */
const PLAN = `id: pricing_page
name: Pricing page copy
hypothesis: Clearer plan names raise 30-day activation
owner: Ana
primary:
  kpi: activation_milestone_completion
variants:
  - {name: control, weight: 0.5}
  - {name: clearer, weight: 0.5}
`;

function problemsOf(text: string): PlanProblemsError {
  try {
    parsePlanFile(text, 'plan.yaml', ctx);
  } catch (err) {
    assert.ok(err instanceof PlanProblemsError, String(err));
    return err;
  }
  assert.fail('the plan was accepted');
}

test('the example plan reads, with its outcomes resolved and nothing defaulted it gave', async () => {
  const { plan, defaults } = await readPlanFile(EXAMPLE, ctx);
  assert.equal(plan.id, 'onboarding_checklist');
  assert.deepEqual(defaults, []);
  const outcomes = plannedOutcomes(plan, defaultOutcomeForKpi);
  assert.deepEqual(
    outcomes.map((o) => [o.role, o.name, o.spec.cuped ?? false, o.must_not ?? null]),
    [
      ['primary', 'churned_within:90', true, null],
      // A survival outcome takes no CUPED covariate from the plan.
      ['secondary', 'time_to_churn:365:tau180', false, null],
      ['secondary', 'activated_within:30', true, null],
      ['secondary', 'retained_day:30', true, null],
      ['guardrail', 'mrr_after:90', true, 'decrease'],
    ],
  );
});

test('a plan naming an unknown KPI is refused with its line, column and the closest ids', () => {
  const err = problemsOf(PLAN.replace('activation_milestone_completion', 'activation_milestones'));
  assert.equal(err.code, 'bad_config');
  assert.deepEqual(
    err.problems.map((p) => [p.line, p.column]),
    [[6, 8]],
  );
  assert.match(err.message, /line 6, column 8: primary\.kpi: no KPI 'activation_milestones' in the catalog/);
  assert.match(err.message, /did you mean activation_milestone_completion/);
  assert.equal(err.where.file, 'plan.yaml');
});

test('every problem of a plan is reported at once, in file order', () => {
  const text = `${PLAN.replace('weight: 0.5}\n  - {name: clearer, weight: 0.5}', 'weight: 0.5}\n  - {name: clearer, weight: 0.3}')}segments: [plan, favourite_colour]
guardrails:
  - kpi: no_such_kpi
`;
  const err = problemsOf(text);
  assert.deepEqual(
    err.problems.map((p) => [p.line, p.path.join('.')]),
    [
      [8, 'variants'],
      [10, 'segments.1'],
      [12, 'guardrails.0.kpi'],
    ],
  );
  assert.match(err.message, /the weights sum to 0\.8, not 1/);
  assert.match(err.message, /cannot break down by 'favourite_colour'/);
});

test('shape problems name the field: unknown keys at the key, missing fields at their map, bad values', () => {
  const err = problemsOf(
    `${PLAN.replace('owner: Ana\n', '')}alpha: 2\nanalysis: {method: bayes}\nsurprise: yes\n`,
  );
  const found = err.problems.map((p) => `${p.line}:${p.path.join('.')}`);
  assert.ok(found.includes('1:owner'), found.join(' '));
  assert.ok(found.includes('9:alpha'), found.join(' '));
  assert.ok(
    found.some((f) => f.startsWith('10:analysis')),
    found.join(' '),
  );
  assert.ok(found.includes('11:surprise'), found.join(' '));
  assert.match(err.message, /unknown field 'surprise'/);
});

test('a KPI with no per-customer outcome needs one beside it; an outcome alone is enough', () => {
  const err = problemsOf(PLAN.replace('activation_milestone_completion', 'net_promoter_score'));
  assert.match(err.message, /'net_promoter_score' has no per-customer outcome/);
  const { plan } = parsePlanFile(
    PLAN.replace('kpi: activation_milestone_completion', 'outcome: {kind: sessions_per_unit, days: 14}'),
    'plan.yaml',
    ctx,
  );
  assert.equal(plan.primary.outcome?.kind, 'sessions_per_unit');
});

test('YAML that does not parse names its line; a plan that is not a map is refused', () => {
  assert.throws(
    () => parsePlanFile('id: x\nname: [unclosed\n', 'p.yaml', ctx),
    (err: TenureError) =>
      err.code === 'bad_config' && err.where.line !== undefined && /not valid YAML/.test(err.message),
  );
  assert.throws(() => parsePlanFile('- a\n- b\n', 'p.yaml', ctx), /an experiment plan is a map/);
});

test('defaults a plan leaves out are filled in and listed', () => {
  const { plan, defaults } = parsePlanFile(PLAN, 'plan.yaml', ctx);
  assert.equal(plan.alpha, 0.05);
  assert.equal(plan.analysis.method, 'fixed_horizon');
  assert.deepEqual(
    defaults.map((d) => d.field),
    [
      'unit',
      'secondary',
      'guardrails',
      'alpha',
      'power',
      'analysis',
      'cuped',
      'multiple_testing',
      'segments',
    ],
  );
});

test('the hash ignores key order and defaults written out; any change of meaning changes it', () => {
  const a = parsePlanFile(PLAN, 'a.yaml', ctx).plan;
  const b = parsePlanFile(
    `owner: Ana\nalpha: 0.05\nname: Pricing page copy\n${PLAN.replace('owner: Ana\n', '').replace('name: Pricing page copy\n', '')}`,
    'b.yaml',
    ctx,
  ).plan;
  assert.equal(planHash(a), planHash(b));
  const c = parsePlanFile(`${PLAN}alpha: 0.01\n`, 'c.yaml', ctx).plan;
  assert.notEqual(planHash(a), planHash(c));
  assert.match(planHash(a), /^[0-9a-f]{64}$/);
});

test('the diff names each changed field with its value before and after', () => {
  const a = parsePlanFile(PLAN, 'a.yaml', ctx).plan;
  const b = parsePlanFile(
    `${PLAN.replace('weight: 0.5}\n  - {name: clearer, weight: 0.5}', 'weight: 0.4}\n  - {name: clearer, weight: 0.6}')}analysis: {method: sequential}\nsegments: [plan]\n`,
    'b.yaml',
    ctx,
  ).plan;
  assert.deepEqual(diffPlans(a, b), [
    { field: 'analysis.method', before: 'fixed_horizon', after: 'sequential' },
    { field: 'analysis.tuning', before: null, after: 5000 },
    { field: 'segments[0]', before: null, after: 'plan' },
    { field: 'variants[0].weight', before: 0.5, after: 0.4 },
    { field: 'variants[1].weight', before: 0.5, after: 0.6 },
  ]);
  assert.deepEqual(diffPlans(a, a), []);
});

test('the committed experiment-plan.schema.json equals the generated one (npx tsx src/experiments/registry/write-schema.ts)', () => {
  assert.equal(readFileSync(PLAN_SCHEMA_FILE, 'utf8'), planSchemaText());
  const schema = JSON.parse(planSchemaText()) as { required: string[]; $defs: Record<string, unknown> };
  assert.deepEqual(schema.required.sort(), ['hypothesis', 'id', 'name', 'owner', 'primary', 'variants']);
  assert.ok(schema.$defs.outcome);
});
