// One convention for names in Tenure's JSON: every field is snake_case. Every CLI command that has --json is
// found in the commander program and run on a generated company (a command missing from the table below
// fails the test), then the server's every GET that /openapi.json documents (and the parameter change an
// editor PUTs) is requested; no answer may carry a name that is not snake_case (src/results/json-names.ts).
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Command } from 'commander';
import { loadProjectFile } from '../../src/catalog/project-file.ts';
import { buildProgram } from '../../src/cli/main.ts';
import { ingest } from '../../src/ingest/ingest.ts';
import { namesNotSnakeCase } from '../../src/results/json-names.ts';
import { type Serving, startServer } from '../../src/server/serve.ts';
import { generateCompany } from '../../src/synth/generate.ts';
import { DuckDBEngine } from '../../src/warehouse/duckdb/duckdb-engine.ts';
import { tenure } from '../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'tenure-json-names-'));
const company = join(dir, 'company');
const db = join(dir, 'tenure.duckdb');
const project = join(dir, 'tenure.yaml');
const durations = join(dir, 'durations.csv');
const cdnow = join(import.meta.dirname, '..', '..', 'examples', 'cdnow', 'cdnow_rfm.csv');
const AS_OF = '2025-07-01T00:00:00.000Z';
const range = ['--from', '2025-01-01', '--to', '2025-06-30'];
const plan = join(import.meta.dirname, '..', '..', 'examples', 'experiments', 'onboarding-checklist.yaml');

/** How each command with --json is run here: one or more argument lists (the command's words come first). */
const RUNS: Record<string, readonly (readonly string[])[]> = {
  generate: [['--customers', '20', '--months', '2', '--seed', '1', '--out', join(dir, 'tiny')]],
  ingest: [['--data', join(dir, 'tiny'), '--db', join(dir, 'tiny.duckdb')]],
  quarantine: [['--db', db]],
  catalog: [['--project', project]],
  'catalog show': [['customer_engagement_score', '--project', project]],
  compute: [['--db', db, '--kpi', 'all', ...range, '--by', 'plan']],
  'token create': [['--role', 'viewer', '--db', db]],
  'token list': [['--db', db]],
  why: [['customer_churn_rate', '--from', '2025-05-01', '--to', '2025-06-01', '--db', db]],
  tree: [['--db', db, '--project', project]],
  check: [['--db', db, '--project', project, '--as-of', AS_OF]],
  'alerts list': [['--db', db]],
  'model sbg': [
    ['--survivors', '1000,631,468,382,326,289,262,241'],
    ['--cohorts', '--db', db],
  ],
  'model bgnbd': [['--rfm', cdnow]],
  'model gammagamma': [['--rfm', cdnow, '--months', '12']],
  'model km': [['--durations', durations]],
  report: [['--db', db, '--period', '2025-06', '--out', join(dir, 'report'), '--project', project]],
  forecast: [['--db', db, '--kpi', 'mrr', '--horizon', '3']],
  impact: [
    ['customer_churn_rate', '--change', '-0.005', '--db', db],
    ['activation_milestone_completion', '--change', '0.05', '--db', db],
  ],
  risk: [['--db', db]],
  feedback: [['--db', db]],
  survival: [['--db', db, '--by', 'plan']],
  hazards: [['--db', db]],
  'experiment stats': [['--input', join(dir, 'arms.json')]],
  'experiment srm': [['--counts', '1000,1200', '--weights', '0.5,0.5']],
  'experiment adjust': [['--p', '0.01,0.04,0.03', '--method', 'bh']],
  'experiment register': [['--file', join(dir, 'plan.yaml'), '--db', db]],
  'experiment amend': [['onboarding_checklist', '--file', plan, '--reason', 'written in full', '--db', db]],
  'experiment decide': [
    ['onboarding_checklist', '--decision', 'iterate', '--learning', 'too few', '--db', db],
  ],
  'experiment analyze': [['onboarding_checklist', '--db', db]],
  'experiment list': [['--db', db]],
  'experiment show': [['onboarding_checklist', '--db', db]],
};

/** The commands (`model sbg`) whose options include --json. */
function jsonCommands(parent: Command, prefix: readonly string[] = []): string[] {
  return parent.commands.flatMap((c) => {
    const path = [...prefix, c.name()];
    const own = c.options.some((o) => o.long === '--json') ? [path.join(' ')] : [];
    return [...own, ...jsonCommands(c, path)];
  });
}

let serving: Serving | undefined;
let engine: DuckDBEngine | undefined;
const cliOutputs = new Map<string, unknown>();

before(async () => {
  await generateCompany({ customers: 600, months: 18, seed: 3, end: '2025-07-01', out: company });
  const loader = await DuckDBEngine.open(db);
  await ingest(loader, { dataDir: company });
  await loader.close();
  copyFileSync(join(import.meta.dirname, '..', '..', 'examples', 'sample-company.tenure.yaml'), project);
  writeFileSync(durations, 'duration,event,group\n6,1,a\n7,0,a\n10,1,a\n3,1,b\n5,1,b\n9,0,b\n');
  const arm = (name: string, sum: number) => ({ name, n: 1000, sum, sum_squares: sum });
  writeFileSync(
    join(dir, 'arms.json'),
    JSON.stringify({ metric: 'proportion', arms: [arm('control', 410), arm('b', 450)] }),
  );
  writeFileSync(
    join(dir, 'plan.yaml'),
    'id: pricing_page\nname: Pricing page\nhypothesis: Clearer names\nowner: Ana\nprimary: {kpi: activation_milestone_completion}\nvariants: [{name: control, weight: 0.5}, {name: clearer, weight: 0.5}]\n',
  );
  // The CLI first: the warehouse file is the server's once it runs.
  for (const [command, runs] of Object.entries(RUNS)) {
    for (const args of runs) {
      const run = tenure(...command.split(' '), ...args, '--json');
      // `check` exits 1 when a target needs attention; its JSON is printed all the same.
      assert.ok(run.status === 0 || (command === 'check' && run.status === 1), `${command}: ${run.stderr}`);
      cliOutputs.set(`${command} ${args.join(' ')}`, JSON.parse(run.stdout));
    }
  }
  engine = await DuckDBEngine.open(db);
  serving = await startServer({
    engine,
    catalog: await loadProjectFile(project),
    projectFile: project,
    host: '127.0.0.1',
    port: 0,
  });
});

after(async () => {
  await serving?.warmed;
  await serving?.app.close();
  await engine?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('every command with --json is run here', async () => {
  assert.deepEqual(jsonCommands(await buildProgram()).sort(), Object.keys(RUNS).sort());
});

test('every CLI --json output names its fields in snake_case', () => {
  assert.equal(cliOutputs.size, Object.values(RUNS).flat().length);
  for (const [run, output] of cliOutputs) assert.deepEqual(namesNotSnakeCase(output), [], run);
});

/** A value for each parameter the documented GETs take. */
const PARAMS: Record<string, string> = {
  id: 'mrr',
  ids: 'all',
  from: '2025-01-01',
  to: '2025-06-30',
  by: 'plan',
  period: '2025-06-01',
  result: 'customer_churn_rate',
  change: '-0.005',
};

test('every GET in /openapi.json, and an editor’s parameter change, answers in snake_case', async () => {
  const base = serving?.url ?? '';
  const doc = (await (await fetch(`${base}/openapi.json`)).json()) as {
    paths: Record<
      string,
      Record<string, { parameters?: { name: string; in: string; required?: boolean }[] }>
    >;
  };
  const gets = Object.entries(doc.paths).filter(([, methods]) => methods.get);
  assert.ok(gets.length >= 20, `${gets.length} documented GETs`);
  for (const [path, methods] of gets) {
    const query = new URLSearchParams();
    let url = path;
    for (const p of methods.get?.parameters ?? []) {
      const value = PARAMS[p.name];
      // An experiment's id is the generated company's (a KPI id elsewhere).
      // A KPI's impact is priced for the KPIs of the MRR bridge and activation (not MRR itself).
      const id =
        path.startsWith('/api/experiments') && p.name === 'id'
          ? 'onboarding_checklist'
          : path.endsWith('/impact') && p.name === 'id'
            ? 'customer_churn_rate'
            : value;
      if (p.in === 'path') url = url.replace(`{${p.name}}`, id ?? '');
      else if (p.in === 'query' && value !== undefined && (p.required || p.name === 'by'))
        query.set(p.name, value);
    }
    const res = await fetch(`${base}${url}${query.size ? `?${query}` : ''}`);
    const body = (await res.json()) as unknown;
    assert.equal(res.status, 200, `${url}: ${JSON.stringify(body)}`);
    assert.deepEqual(namesNotSnakeCase(body), [], url);
  }
  const put = await fetch(`${base}/api/kpis/customer_engagement_score/parameters`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ params: { key_action_weights: { exportData: 2 } } }),
  });
  const changed = (await put.json()) as {
    definition: { higher_is_better: boolean; params: { key_action_weights: { default: unknown } } };
  };
  assert.equal(put.status, 200, JSON.stringify(changed));
  assert.deepEqual(namesNotSnakeCase(changed), []);
  assert.equal(changed.definition.higher_is_better, true);
  // An event name is the user's: kept as written.
  assert.deepEqual(changed.definition.params.key_action_weights.default, { exportData: 2 });
});
