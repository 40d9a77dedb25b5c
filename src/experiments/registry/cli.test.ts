// `tenure experiment register|amend|decide|list|show` as a user runs them on a hand-made plan file: the
// registration and its hash, the same file again (nothing recorded), a changed file refused until amended
// with a reason, an unknown KPI named with its line and column (exit 2), decisions, the list and the show.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CLI } from '../../../test/support/cli.ts';
import { loadWarehouse } from '../../ingest/load-warehouse.ts';
import { DuckDBEngine } from '../../warehouse/duckdb/duckdb-engine.ts';

const dir = mkdtempSync(join(tmpdir(), 'tenure-registry-cli-'));
const db = join(dir, 'tenure.duckdb');
const plan = join(dir, 'plan.yaml');
after(() => rmSync(dir, { recursive: true, force: true }));

/** `tenure ARGS` as a user runs it: a child process (capturing this process's stdout would hide the test runner's own lines). */
async function tenure(...args: string[]) {
  const run = spawnSync(process.execPath, [...CLI, ...args], {
    cwd: join(import.meta.dirname, '..', '..', '..'),
    encoding: 'utf8',
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const PLAN = `# A hand-made plan
id: trial_nudge
name: Trial nudge
hypothesis: A day-3 nudge raises 30-day activation by 10%
owner: Ana
primary:
  kpi: activation_milestone_completion
guardrails:
  - outcome: { kind: churned_within, days: 30 }
variants:
  - { name: control, weight: 0.5 }
  - { name: nudge, weight: 0.5 }
minimum_detectable_effect: { value: 0.1 }
planned_sample_size: 4000
planned_end: 2026-03-01
`;

before(async () => {
  const data = join(dir, 'data');
  mkdirSync(data);
  writeFileSync(join(data, 'customers.csv'), 'customer_id,signed_up_at\nA,2025-01-01T00:00:00Z\n');
  const engine = await DuckDBEngine.open(db);
  try {
    await loadWarehouse(engine, { dataDir: data, now: new Date('2026-01-01T00:00:00Z') });
  } finally {
    await engine.close();
  }
  writeFileSync(plan, PLAN);
});

test('register, again (nothing), changed (refused), amend with a reason, decide, list, show', async () => {
  const first = await tenure('experiment', 'register', '--file', plan, '--db', db, '--json');
  assert.equal(first.status, 0, first.stderr);
  const registered = JSON.parse(first.stdout);
  assert.equal(registered.action, 'registered');
  assert.match(registered.hash, /^[0-9a-f]{64}$/);
  assert.ok(registered.defaults.some((d: { field: string }) => d.field === 'alpha'));

  const again = await tenure('experiment', 'register', '--file', plan, '--db', db);
  assert.equal(again.status, 0);
  assert.match(again.stdout, /the plan is version 1 as registered; nothing recorded/);

  writeFileSync(plan, PLAN.replace('planned_sample_size: 4000', 'planned_sample_size: 6000'));
  const changed = await tenure('experiment', 'register', '--file', plan, '--db', db);
  assert.equal(changed.status, 2);
  assert.match(
    changed.stderr,
    /differs in 1 field: planned_sample_size .*`tenure experiment amend trial_nudge/,
  );
  const noReason = await tenure(
    'experiment',
    'amend',
    'trial_nudge',
    '--file',
    plan,
    '--reason',
    ' ',
    '--db',
    db,
  );
  assert.equal(noReason.status, 2);
  assert.match(noReason.stderr, /--reason is required/);
  const amended = await tenure(
    'experiment',
    'amend',
    'trial_nudge',
    '--file',
    plan,
    '--reason',
    'Traffic higher than planned',
    '--db',
    db,
  );
  assert.equal(amended.status, 0, amended.stderr);
  assert.match(amended.stdout, /amended trial_nudge: version 2\n/);
  assert.match(amended.stdout, /planned_sample_size: 4000 → 6000/);

  const bad = await tenure(
    'experiment',
    'decide',
    'trial_nudge',
    '--decision',
    'maybe',
    '--learning',
    'x',
    '--db',
    db,
  );
  assert.equal(bad.status, 2);
  const decided = await tenure(
    'experiment',
    'decide',
    'trial_nudge',
    '--decision',
    'stop',
    '--learning',
    'No lift: the nudge came too late',
    '--no-analysis',
    '--db',
    db,
  );
  assert.equal(decided.status, 0, decided.stderr);

  const list = await tenure('experiment', 'list', '--db', db, '--json');
  assert.deepEqual(JSON.parse(list.stdout).experiments, [
    {
      id: 'trial_nudge',
      name: 'Trial nudge',
      owner: 'Ana',
      status: 'decided',
      registered_after_start: false,
      amendments: 1,
      decision: 'stop',
      plan_source: 'file',
      started_at: null,
      ended_at: null,
      units: 0,
      problems: 0,
    },
  ]);
  const table = await tenure('experiment', 'list', '--db', db);
  assert.match(table.stdout, /trial_nudge\s+Trial nudge\s+Ana\s+decided\s+no\s+1\s+stop/);

  const shown = await tenure('experiment', 'show', 'trial_nudge', '--db', db);
  assert.equal(shown.status, 0, shown.stderr);
  for (const line of [
    'plan        version 2, sha256 ',
    '  2  ',
    'reason: Traffic higher than planned',
    'planned_sample_size: 4000 → 6000',
    'learning: No lift: the nudge came too late',
  ])
    assert.ok(shown.stdout.includes(line), `${line}\n${shown.stdout}`);
  const missing = await tenure('experiment', 'show', 'nope', '--db', db);
  assert.equal(missing.status, 3);
});

test('a plan naming an unknown KPI is refused with its line and column, nothing recorded', async () => {
  const file = join(dir, 'bad.yaml');
  writeFileSync(
    file,
    PLAN.replace('id: trial_nudge', 'id: other').replace('activation_milestone_completion', 'activation'),
  );
  const run = await tenure('experiment', 'register', '--file', file, '--db', db);
  assert.equal(run.status, 2);
  assert.match(
    run.stderr,
    /bad\.yaml: 1 problem in the experiment plan:\n {2}line 7, column 8: primary\.kpi: no KPI 'activation' in the catalog/,
  );
  const list = await tenure('experiment', 'list', '--db', db, '--json');
  assert.deepEqual(
    JSON.parse(list.stdout).experiments.map((e: { id: string }) => e.id),
    ['trial_nudge'],
  );
});
