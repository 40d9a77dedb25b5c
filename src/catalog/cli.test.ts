// `tenure catalog` as a user runs it: the list, the JSON form with hashes, one definition, a project file's
// overrides, and errors a user can act on (a message and an exit code, never a stack trace).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { tenure } from '../../test/support/cli.ts';
import { CATALOG, definitionHash } from './catalog.ts';

const dir = mkdtempSync(join(tmpdir(), 'tenure-catalog-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('catalog --json prints all 45 definitions, each with its hash', () => {
  const run = tenure('catalog', '--json');
  assert.equal(run.status, 0, run.stderr);
  const defs = JSON.parse(run.stdout) as { id: string; hash: string; formula: string }[];
  assert.equal(defs.length, 45);
  for (const [i, def] of CATALOG.entries()) {
    assert.equal(defs[i]?.id, def.id);
    assert.equal(defs[i]?.hash, definitionHash(def));
  }
});

test('catalog lists id, activity, kind, unit and name; show prints one definition', () => {
  const list = tenure('catalog');
  assert.equal(list.status, 0, list.stderr);
  assert.match(list.stdout, /^id +activity +kind +unit +name/);
  assert.match(list.stdout, /loyalty_participation_rate +retention_strategies +leading +rate +Loyalty/);

  const show = tenure('catalog', 'show', 'downgrade_to_churn_conversion_rate');
  assert.equal(show.status, 0, show.stderr);
  for (const part of [
    'formula',
    'window_days (integer; min 1) = 90',
    'subscription_changes: customer_id',
    'version 2',
  ])
    assert.ok(show.stdout.includes(part), part);
  const def = CATALOG.find((d) => d.id === 'downgrade_to_churn_conversion_rate');
  assert.ok(def);
  assert.ok(show.stdout.includes(definitionHash(def)));
});

test('catalog show of an unknown id exits 3 and suggests close ids', () => {
  const run = tenure('catalog', 'show', 'stickiness');
  assert.equal(run.status, 3);
  assert.match(run.stderr, /no KPI 'stickiness'.*did you mean stickiness_ratio/);
  assert.doesNotMatch(run.stderr, /\n +at /);
});

test('--project applies overrides, and a bad project file exits 2 listing every problem', () => {
  const good = join(dir, 'good.yaml');
  writeFileSync(good, 'kpis:\n  customer_renewal_rate:\n    params:\n      grace_days: 45\n');
  const run = tenure('catalog', 'show', 'customer_renewal_rate', '--json', '--project', good);
  assert.equal(run.status, 0, run.stderr);
  const def = JSON.parse(run.stdout) as { params: { grace_days: { default: number } } };
  assert.equal(def.params.grace_days.default, 45);

  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'kpis:\n  churn: {}\n  customer_renewal_rate:\n    params:\n      grace_days: soon\n');
  const failed = tenure('catalog', '--project', bad);
  assert.equal(failed.status, 2);
  assert.match(failed.stderr, /2 problems/);
  assert.match(failed.stderr, /line 2: kpis\.churn: no KPI 'churn'/);
  assert.match(
    failed.stderr,
    /line 5: kpis\.customer_renewal_rate\.params\.grace_days: must be a whole number/,
  );

  const missing = tenure('catalog', '--project', join(dir, 'absent.yaml'));
  assert.equal(missing.status, 3);
  assert.match(missing.stderr, /cannot read project file/);
});

test("a project's own KPI stops `compute --kpi all` before any work: bad config (exit 2), not an internal error", () => {
  const project = join(dir, 'custom.yaml');
  writeFileSync(
    project,
    [
      'kpis:',
      '  customer_renewal_rate:',
      '    params: {grace_days: 45}',
      'custom_kpis:',
      '  - id: trial_conversion_rate',
      '    name: Trial Conversion Rate',
      '    computation: activation',
      '',
    ].join('\n'),
  );
  const run = tenure(
    'compute',
    '--kpi',
    'all',
    '--from',
    '2025-01-01',
    '--to',
    '2025-01-31',
    '--db',
    join(dir, 'absent.duckdb'),
    '--project',
    project,
  );
  assert.equal(run.status, 2, run.stderr);
  assert.match(run.stderr, /line 5: custom_kpis\[0\]\.id: 'trial_conversion_rate' cannot be computed/);
  assert.match(run.stderr, /write it under metrics: in the metric language/);
  assert.doesNotMatch(run.stderr, /no computation yet|unexpected failure|\n +at /);
});
