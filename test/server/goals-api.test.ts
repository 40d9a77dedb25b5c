// Targets, the KPI tree and alerts over real HTTP: the numbers equal the CLI's (`tenure tree --json`,
// `tenure check --json`); editors change targets and parameters, which land in the project file (comments
// kept), the histories and every later answer; viewers cannot; bad and hostile input is refused with a 4xx
// naming the field, and changes nothing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { loadProjectFile } from '../../src/catalog/project-file.ts';
import { ingest } from '../../src/ingest/ingest.ts';
import { startServer } from '../../src/server/serve.ts';
import { createToken } from '../../src/server/tokens.ts';
import { generateCompany } from '../../src/synth/generate.ts';
import { DuckDBEngine } from '../../src/warehouse/duckdb/duckdb-engine.ts';
import { CLI } from '../support/cli.ts';
import { sameNumbers } from '../support/kpi-assert.ts';

const dir = mkdtempSync(join(tmpdir(), 'tenure-goals-api-'));
const db = join(dir, 'tenure.duckdb');
const project = join(dir, 'tenure.yaml');
const PROJECT = `# the review team's file
version: 1
targets:
  - kpi: customer_churn_rate
    pragmatic: 0.0001 # deliberately out of reach
    owner: Ben
  - kpi: net_revenue_retention
    pragmatic: 0.5
    aspirational: 1.1
    owner: Ana
`;
let engine: DuckDBEngine;
let server: { app: FastifyInstance; url: string };
let cliTree: Record<string, unknown>;
let cliCheck: { targets: Record<string, unknown>[]; alerts: { key: string }[] };
let tokens: { viewer: string; editor: string };

function tenure(...args: string[]) {
  const run = spawnSync(process.execPath, [...CLI, ...args], {
    encoding: 'utf8',
  });
  return { status: run.status, json: run.stdout ? JSON.parse(run.stdout) : undefined, stderr: run.stderr };
}

before(async () => {
  await generateCompany({ customers: 500, months: 8, seed: 12, out: join(dir, 'company') });
  const loader = await DuckDBEngine.open(db);
  await ingest(loader, { dataDir: join(dir, 'company') });
  await loader.close();
  writeFileSync(project, PROJECT);
  const tree = tenure('tree', '--db', db, '--project', project, '--json');
  assert.equal(tree.status, 0, tree.stderr);
  cliTree = tree.json;
  // Exit 1: the churn target is off track. Its alert is stored in the warehouse.
  const check = tenure('check', '--db', db, '--project', project, '--no-data-quality', '--json');
  assert.equal(check.status, 1, check.stderr);
  cliCheck = check.json;
  engine = await DuckDBEngine.open(db);
  tokens = {
    viewer: (await createToken(engine, 'viewer')).token,
    editor: (await createToken(engine, 'editor')).token,
  };
  server = await startServer({
    engine,
    catalog: await loadProjectFile(project),
    projectFile: project,
    host: '127.0.0.1',
    port: 0,
    requireTokens: true,
  });
});

after(async () => {
  await server?.app.close();
  await engine?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function call(method: string, path: string, token: string, body?: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers are read loosely here, checked by assertions
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

test('the tree and the targets equal the CLI', async () => {
  const tree = await call('GET', '/api/tree', tokens.viewer);
  assert.equal(tree.status, 200);
  sameNumbers(tree.body, cliTree);
  const badDay = await call('GET', '/api/tree?period=2025-02-30', tokens.viewer);
  assert.equal(badDay.status, 400);
  assert.equal(badDay.body.error.field, 'querystring.period');
  assert.match(badDay.body.error.message, /must be a calendar day written YYYY-MM-DD/);
  const churn = tree.body.nodes.find((n: { kpi: string }) => n.kpi === 'customer_churn_rate');
  assert.equal(churn.status, 'off_track');
  assert.equal(churn.owner, 'Ben');
  const targets = await call('GET', '/api/targets', tokens.viewer);
  assert.equal(targets.status, 200);
  sameNumbers(targets.body.targets, cliCheck.targets);
  assert.deepEqual(
    targets.body.targets.map((t: { status: string }) => t.status),
    ['off_track', 'on_track'],
  );
});

test('an editor replaces the targets: file (with its comment), history and answers follow; a viewer may not', async () => {
  const next = [
    { kpi: 'customer_churn_rate', pragmatic: 0.5, owner: 'Cleo', action_plan: ['call every detractor'] },
  ];
  const denied = await call('PUT', '/api/targets', tokens.viewer, { targets: next });
  assert.equal(denied.status, 403);
  const done = await call('PUT', '/api/targets', tokens.editor, { targets: next });
  assert.equal(done.status, 200, JSON.stringify(done.body));
  assert.equal(done.body.targets[0].owner, 'Cleo');
  const text = readFileSync(project, 'utf8');
  assert.match(text, /^# the review team's file/);
  assert.match(text, /owner: Cleo/);
  assert.doesNotMatch(text, /owner: Ana/);
  const targets = await call('GET', '/api/targets', tokens.viewer);
  assert.deepEqual(
    targets.body.targets.map((t: { status: string; target: { owner: string } }) => [
      t.target.owner,
      t.status,
    ]),
    [['Cleo', 'on_track']],
  );
  const tree = await call('GET', '/api/tree', tokens.viewer);
  assert.equal(tree.body.nodes.find((n: { kpi: string }) => n.kpi === 'customer_churn_rate').owner, 'Cleo');
  const history = await call('GET', '/api/targets/history', tokens.viewer);
  const churnVersions = history.body.history.filter((h: { target_key: string }) =>
    h.target_key.startsWith('customer_churn_rate|'),
  );
  assert.equal(churnVersions.length, 2, 'the old and the new version of the churn target');
});

test('bad targets are refused naming the field, and the file is left as it was', async () => {
  const before = readFileSync(project, 'utf8');
  const cases: [unknown, string][] = [
    [{ targets: [{ kpi: 'no_such_kpi', pragmatic: 1, owner: 'x' }] }, 'body.targets[0].kpi'],
    [{ targets: [{ kpi: 'mrr', pragmatic: [5, 1], owner: 'x' }] }, 'body.targets[0].pragmatic'],
    [
      { targets: [{ kpi: 'mrr', pragmatic: '1; DROP TABLE tenure_alerts; --', owner: 'x' }] },
      'body.targets.0',
    ],
    [{ targets: [{ kpi: 'mrr', owner: 'x' }] }, 'body.targets[0].pragmatic'],
    [{ targets: 'all' }, 'body.targets'],
  ];
  for (const [body, field] of cases) {
    const res = await call('PUT', '/api/targets', tokens.editor, body);
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.ok(String(res.body.error.field ?? '').startsWith(field), `${res.body.error.field} for ${field}`);
  }
  const malformed = await call('PUT', '/api/targets', tokens.editor, '{"targets": [');
  assert.equal(malformed.status, 400);
  assert.equal(readFileSync(project, 'utf8'), before);
  const alerts = await call('GET', '/api/alerts', tokens.viewer);
  assert.equal(alerts.status, 200, 'the alerts table is still there');
});

test("an editor changes a KPI's parameters: the definition and its change log follow", async () => {
  const id = 'activation_milestone_completion';
  const log = async () => (await call('GET', `/api/catalog/${id}`, tokens.viewer)).body.change_log.length;
  const logBefore = await log();
  const bad = await call('PUT', `/api/kpis/${id}/parameters`, tokens.editor, {
    params: { activation_window_days: 'seven' },
  });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.field, 'body.params.activation_window_days');
  const unknown = await call('PUT', `/api/kpis/${id}/parameters`, tokens.editor, { params: { no_such: 1 } });
  assert.equal(unknown.status, 400);
  assert.equal((await call('PUT', '/api/kpis/no_kpi/parameters', tokens.editor, { params: {} })).status, 404);
  assert.equal(
    (
      await call('PUT', `/api/kpis/${id}/parameters`, tokens.viewer, {
        params: { activation_window_days: 7 },
      })
    ).status,
    403,
  );
  const done = await call('PUT', `/api/kpis/${id}/parameters`, tokens.editor, {
    params: { activation_window_days: 7 },
  });
  assert.equal(done.status, 200, JSON.stringify(done.body));
  assert.equal(done.body.definition.params.activation_window_days.default, 7);
  const shown = await call('GET', `/api/catalog/${id}`, tokens.viewer);
  assert.deepEqual(shown.body.overridden, ['activation_window_days']);
  assert.equal(await log(), logBefore + 1);
  assert.match(readFileSync(project, 'utf8'), /activation_window_days: 7/);
});

test('alerts: listed, acknowledged and snoozed by editors only; unknown and hostile keys change nothing', async () => {
  const list = await call('GET', '/api/alerts', tokens.viewer);
  const keys = list.body.alerts.map((a: { key: string }) => a.key);
  assert.deepEqual(
    keys,
    cliCheck.alerts.map((a) => a.key),
  );
  const key = keys[0];
  assert.equal((await call('POST', '/api/alerts/acknowledge', tokens.viewer, { key })).status, 403);
  const ack = await call('POST', '/api/alerts/acknowledge', tokens.editor, { key });
  assert.equal(ack.status, 200);
  for (const hostile of ["x' OR '1'='1", '../../etc/passwd', 'k'.repeat(401)]) {
    const res = await call('POST', '/api/alerts/acknowledge', tokens.editor, { key: hostile });
    assert.ok(res.status === 404 || res.status === 400, `${hostile}: ${res.status}`);
  }
  const impossible = await call('POST', '/api/alerts/snooze', tokens.editor, { key, until: '2099-02-30' });
  assert.equal(impossible.status, 400);
  assert.equal(impossible.body.error.field, 'body.until');
  const past = await call('POST', '/api/alerts/snooze', tokens.editor, { key, until: '2001-01-01' });
  assert.equal(past.status, 400);
  assert.equal(past.body.error.field, 'body.until');
  const snooze = await call('POST', '/api/alerts/snooze', tokens.editor, { key, until: '2099-01-01' });
  assert.equal(snooze.status, 200);
  const after = await call('GET', '/api/alerts', tokens.viewer);
  assert.deepEqual(
    after.body.alerts.map((a: { key: string; state: string }) => [a.key, a.state]),
    [[key, 'snoozed']],
  );
});
