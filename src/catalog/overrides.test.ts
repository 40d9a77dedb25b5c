// A project's overrides and custom KPIs: valid ones are applied and recorded; every problem is collected
// into one bad_config error with its path (and, from a file, its line).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { applyOverrides, CATALOG, definitionHash, getDefinition } from './catalog.ts';
import { ConfigProblemsError } from './problems.ts';
import { parseProjectFile, projectFileSchema } from './project-file.ts';
import { SCHEMA_FILE, schemaText } from './write-schema.ts';

/** The problems of a ConfigProblemsError as `path: message` strings. */
function problemsOf(run: () => unknown): { path: string; message: string; hint: string; line?: number }[] {
  try {
    run();
  } catch (err) {
    assert.ok(err instanceof ConfigProblemsError, String(err));
    assert.equal(err.code, 'bad_config');
    return err.toJSON().problems;
  }
  assert.fail('expected a bad_config error');
}

const customKpi = {
  id: 'trial_conversion_rate',
  name: 'Trial Conversion Rate',
  description: 'Share of signups that start paying.',
  activity: 'retention_campaigns',
  kind: 'leading',
  unit: 'ratio',
  higherIsBetter: true,
  formula: 'accounts signed up in P with MRR > 0 within `days` (30) / accounts signed up in P',
  params: { days: { type: 'integer', default: 30, min: 1, description: 'Days to convert.' } },
  lineage: [{ table: 'customers', columns: ['customer_id', 'signed_up_at'] }],
  version: 1,
  computation: 'activation',
};

test('valid overrides change defaults, are recorded, change the hash, and leave CATALOG alone', () => {
  const before = definitionHash(getDefinition('customer_renewal_rate'));
  const resolved = applyOverrides(CATALOG, {
    kpis: {
      customer_renewal_rate: { params: { grace_days: 45 } },
      activation_cohort_retention: { params: { n_days: [1, 7, 30], mode: 'on_or_after' } },
      customer_lifetime_value: { params: { gross_margin: 0.8 } },
      customer_engagement_score: { params: { key_action_weights: { export_data: 2 } } },
    },
  });
  const renewal = getDefinition('customer_renewal_rate', resolved.definitions);
  assert.equal(renewal.params.grace_days?.default, 45);
  assert.notEqual(definitionHash(renewal), before);
  assert.equal(getDefinition('customer_renewal_rate').params.grace_days?.default, 30);
  assert.equal(definitionHash(getDefinition('customer_renewal_rate')), before);
  assert.deepEqual(
    getDefinition('activation_cohort_retention', resolved.definitions).params.n_days?.default,
    [1, 7, 30],
  );
  assert.deepEqual(resolved.applied, [
    { kpi: 'customer_renewal_rate', param: 'grace_days', from: 30, to: 45 },
    { kpi: 'activation_cohort_retention', param: 'n_days', from: [7, 30], to: [1, 7, 30] },
    { kpi: 'activation_cohort_retention', param: 'mode', from: 'on_day', to: 'on_or_after' },
    { kpi: 'customer_lifetime_value', param: 'gross_margin', from: 1, to: 0.8 },
    { kpi: 'customer_engagement_score', param: 'key_action_weights', from: {}, to: { export_data: 2 } },
  ]);
  assert.equal(resolved.definitions.length, 45);
});

test('unknown KPI, unknown parameter and wrong types are all reported at once, with paths', () => {
  const problems = problemsOf(() =>
    applyOverrides(CATALOG, {
      kpis: {
        customer_churn: { params: { window_days: 30 } },
        customer_renewal_rate: { params: { grace_day: 10 }, formula: 'x' },
        downgrade_to_churn_conversion_rate: { params: { window_days: '90' } },
        activation_cohort_retention: { params: { mode: 'sometimes', n_days: [7, 0] } },
        customer_lifetime_value: { params: { gross_margin: 1.5 } },
        drop_off_rate: { params: { steps: 'signup' } },
        customer_engagement_score: { params: { key_action_weights: { export_data: -1 } } },
      },
    }),
  );
  const byPath = new Map(problems.map((p) => [p.path, p]));
  assert.deepEqual(
    [...byPath.keys()],
    [
      'kpis.customer_churn',
      'kpis.customer_renewal_rate.formula',
      'kpis.customer_renewal_rate.params.grace_day',
      'kpis.downgrade_to_churn_conversion_rate.params.window_days',
      'kpis.activation_cohort_retention.params.mode',
      'kpis.activation_cohort_retention.params.n_days',
      'kpis.customer_lifetime_value.params.gross_margin',
      'kpis.drop_off_rate.params.steps',
      'kpis.customer_engagement_score.params.key_action_weights',
    ],
  );
  assert.match(
    byPath.get('kpis.customer_engagement_score.params.key_action_weights')?.message ?? '',
    /export_data must be ≥ 0, not -1/,
  );
  assert.match(byPath.get('kpis.customer_churn')?.hint ?? '', /did you mean .*customer_churn_rate/);
  assert.match(byPath.get('kpis.customer_renewal_rate.params.grace_day')?.hint ?? '', /grace_days/);
  assert.match(
    byPath.get('kpis.downgrade_to_churn_conversion_rate.params.window_days')?.message ?? '',
    /whole number, not "90"/,
  );
  assert.match(
    byPath.get('kpis.activation_cohort_retention.params.mode')?.message ?? '',
    /on_day, on_or_after/,
  );
  assert.match(byPath.get('kpis.activation_cohort_retention.params.n_days')?.message ?? '', /≥ 1/);
  assert.match(byPath.get('kpis.customer_lifetime_value.params.gross_margin')?.message ?? '', /≤ 1/);
  assert.match(byPath.get('kpis.drop_off_rate.params.steps')?.message ?? '', /list of strings/);
});

test("a project's own KPI is refused when it loads: no family of the compiler computes it", () => {
  const [refused, ...others] = problemsOf(() =>
    applyOverrides(CATALOG, { custom_kpis: [customKpi], kpis: { customer_renewal_rate: {} } }),
  );
  assert.deepEqual(others, []);
  assert.equal(refused?.path, 'custom_kpis[0].id');
  assert.match(refused?.message ?? '', /'trial_conversion_rate' cannot be computed/);
  assert.match(refused?.hint ?? '', /under metrics: in the metric language/);

  // Refused whatever its shape; a shipped id or a list that is not one are told apart.
  const problems = problemsOf(() =>
    applyOverrides(CATALOG, {
      custom_kpis: [{ ...customKpi, computation: 'magic' }, { ...customKpi, id: 'mrr' }, { name: 'no id' }],
    }),
  );
  assert.deepEqual(
    problems.slice(0, 3).map((p) => [p.path, p.message]),
    [
      ['custom_kpis[0].id', refused?.message],
      ['custom_kpis[1].id', "'mrr' is already a KPI id"],
      ['custom_kpis[2].id', 'is required'],
    ],
  );
  assert.deepEqual(
    problemsOf(() => applyOverrides(CATALOG, { custom_kpis: { id: 'x' } })).map((p) => p.path),
    ['custom_kpis'],
  );
});

test('a custom KPI in a project file is refused with its file and line', () => {
  const text = [
    'kpis:',
    '  customer_renewal_rate:',
    '    params: {grace_days: 45}',
    'custom_kpis:',
    '  - name: Trial Conversion Rate',
    '    id: trial_conversion_rate',
    '    computation: activation',
  ].join('\n');
  try {
    parseProjectFile(text, 'tenure.yaml');
    assert.fail('expected a bad_config error');
  } catch (err) {
    assert.ok(err instanceof ConfigProblemsError, String(err));
    assert.equal(err.exitCode, 2);
    assert.equal(err.where.file, 'tenure.yaml');
    assert.deepEqual(
      err.problems.map((p) => [p.line, p.path]),
      [[6, ['custom_kpis', 0, 'id']]],
    );
    assert.match(
      err.message,
      /1 problem in the project file:\n {2}line 6: custom_kpis\[0\]\.id: 'trial_conversion_rate' cannot be computed/,
    );
  }
});

test('a project file: overrides applied; problems carry their line', () => {
  const good = parseProjectFile(
    'version: 1\nkpis:\n  customer_renewal_rate:\n    params:\n      grace_days: 60\n',
    'tenure.yaml',
  );
  assert.equal(getDefinition('customer_renewal_rate', good.definitions).params.grace_days?.default, 60);

  const text = [
    'kpis:',
    '  customer_churn_rate:',
    '    params:',
    '      window_days: 30',
    '  net_promoter_scor: {}',
    '  customer_satisfaction_score:',
    '    params: {satisfied_at: four}',
  ].join('\n');
  try {
    parseProjectFile(text, 'tenure.yaml');
    assert.fail('expected a bad_config error');
  } catch (err) {
    assert.ok(err instanceof ConfigProblemsError);
    assert.equal(err.where.file, 'tenure.yaml');
    const lines = err.problems.map((p) => p.line);
    assert.deepEqual(lines, [4, 5, 7]);
    assert.match(err.message, /3 problems/);
    assert.match(
      err.message,
      /line 4: kpis\.customer_churn_rate\.params\.window_days: customer_churn_rate has no/,
    );
  }
  assert.throws(() => parseProjectFile('kpis: [unclosed', 'tenure.yaml'), /not valid YAML/);
});

test('the committed tenure.schema.json equals the generated one (npx tsx src/catalog/write-schema.ts)', () => {
  assert.equal(readFileSync(SCHEMA_FILE, 'utf8'), schemaText());
  // The editor schema knows each KPI's parameters.
  const parsed = projectFileSchema().safeParse({
    kpis: { customer_renewal_rate: { params: { grace_days: 'x' } } },
  });
  assert.equal(parsed.success, false);
});
