import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CATALOG } from './catalog.ts';
import { ConfigProblemsError } from './problems.ts';
import { parseProjectFile } from './project-file.ts';

/** The problems a project file is refused with, as `line path: message — hint`. */
function refusals(text: string): string[] {
  try {
    parseProjectFile(text, 'tenure.yaml');
  } catch (err) {
    assert.ok(err instanceof ConfigProblemsError, String(err));
    return err.problems.map((p) => `${p.line} ${p.path.join('.')}: ${p.message} — ${p.hint}`);
  }
  assert.fail('the project file was accepted');
}

const head = (id: string, type: string) => `  ${id}:
    name: ${id}
    description: a metric
    type: ${type}
    higher_is_better: true`;

test('a metric is read into a KPI definition the compiler dispatches on', () => {
  const { definitions, custom } = parseProjectFile(
    `metrics:
${head('trial_integrations', 'conversion')}
    customers: signed_up
    from: { table: customers }
    to: { table: events, where: { name: [connect_integration, use_api] } }
    within_days: 7
`,
    'tenure.yaml',
  );
  const def = definitions.find((d) => d.id === 'trial_integrations');
  assert.deepEqual(custom, ['trial_integrations']);
  assert.equal(definitions.length, CATALOG.length + 1);
  assert.equal(def?.computation, 'project_metric');
  assert.equal(def?.unit, 'rate');
  assert.equal(def?.kind, 'leading');
  assert.equal(def?.version, 1);
  assert.deepEqual(def?.metric, {
    type: 'conversion',
    customers: 'signed_up',
    subject: 'customer',
    from: { table: 'customers' },
    to: { table: 'events', where: { name: ['connect_integration', 'use_api'] } },
    within_days: 7,
  });
  assert.deepEqual(def?.lineage, [
    { table: 'customers', columns: ['customer_id', 'signed_up_at'] },
    { table: 'events', columns: ['customer_id', 'name', 'occurred_at'] },
  ]);
  assert.match(def?.formula ?? '', /within 7 days/);
});

test('a metric naming an unknown table, column or metric, or mistyped, is refused at its line with what to write', () => {
  const problems = refusals(`metrics:
${head('tickets', 'simple')}
    measure: { table: ticket, agg: count }
${head('order_value', 'simple')}
    measure: { table: orders, agg: sum, column: amont }
${head('name_sum', 'simple')}
    measure: { table: events, agg: sum, column: name }
${head('promoters', 'simple')}
    measure: { table: feedback, agg: count, where: { score: high, kind: { gt: nps } } }
${head('per_account', 'derived')}
    unit: currency
    expr: order_value / paying_acounts + tickts
${head('mrr', 'simple')}
    measure: { table: customers, agg: count, time: none }
${head('orders_by_user', 'conversion')}
    subject: user
    from: { table: orders }
    to: { table: events }
    within_days: 3
${head('both_windows', 'cumulative')}
    window_days: 7
    to_date: month
    measure: { table: events, agg: count }
  no_direction:
    name: x
    description: y
    type: simple
    measure: { table: events, agg: count }
${head('ratio_expr', 'derived')}
    unit: rate
    expr: tickets ** 2
`);
  const expect = [
    /^7 metrics\.tickets\.measure\.table: no table 'ticket' — known tables: customers, users/,
    /^13 metrics\.order_value\.measure\.column: orders has no column 'amont' — did you mean amount\?/,
    /^19 metrics\.name_sum\.measure\.column: sum needs a number, and events\.name is text — use count_distinct/,
    /^25 metrics\.promoters\.measure\.where\.score: "high" does not fit feedback\.score \(integer\) — write a number/,
    /^25 metrics\.promoters\.measure\.where\.kind\.gt: feedback\.kind is text: it has no order to compare with gt — use eq, ne, in or not_in/,
    /^32 metrics\.per_account\.expr: no metric or KPI 'paying_acounts' — run `tenure catalog` for KPI ids/,
    /^32 metrics\.per_account\.expr: no metric or KPI 'tickts' — did you mean tickets\?/,
    /^34 metrics\.mrr: 'mrr' is already a KPI id/,
    /^45 metrics\.orders_by_user\.from\.table: orders has no user_id, so it cannot mark a user's step — use subject: customer/,
    /^53 metrics\.both_windows\.window_days: give exactly one of window_days/,
    /^57 metrics\.no_direction\.higher_is_better: is required/,
    /^67 metrics\.ratio_expr\.expr: '\*\*' is not one of \+ - \* \//,
  ];
  assert.equal(problems.length, expect.length, problems.join('\n'));
  for (const pattern of expect)
    assert.ok(
      problems.some((p) => pattern.test(p)),
      `${pattern} among:\n${problems.join('\n')}`,
    );
});

test('derived metrics that refer to each other in a cycle are refused, naming the cycle', () => {
  const problems = refusals(`metrics:
${head('a_metric', 'derived')}
    unit: count
    expr: b_metric + 1
${head('b_metric', 'derived')}
    unit: count
    expr: a_metric * 2
${head('c_metric', 'derived')}
    unit: count
    expr: mrr / 2
`);
  assert.deepEqual(problems, [
    '8 metrics.a_metric.expr: derived metrics refer to each other in a cycle: a_metric → b_metric → a_metric — break the cycle: one of them must be computed from measures',
  ]);
});
