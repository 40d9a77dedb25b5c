// The experiment registry over real HTTP: the list equals `tenure experiment list --json`; viewers read,
// editors register, amend (with a reason, kept with its diff) and decide; a changed plan without a reason,
// an unknown KPI and a plan at another id are 400s naming the body's field and record nothing; every body is
// snake_case and every route is in /openapi.json.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parse } from 'yaml';
import { CATALOG } from '../../src/catalog/catalog.ts';
import { ingest } from '../../src/ingest/ingest.ts';
import { namesNotSnakeCase } from '../../src/results/json-names.ts';
import { type Serving, startServer } from '../../src/server/serve.ts';
import { createToken } from '../../src/server/tokens.ts';
import { generateCompany } from '../../src/synth/generate.ts';
import { DuckDBEngine } from '../../src/warehouse/duckdb/duckdb-engine.ts';
import { tenure } from '../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'tenure-experiments-api-'));
const db = join(dir, 'tenure.duckdb');
const EXAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'experiments', 'onboarding-checklist.yaml');
const example = parse(readFileSync(EXAMPLE, 'utf8')) as Record<string, unknown>;
let engine: DuckDBEngine;
let server: Serving;
let cliList: { experiments: Record<string, unknown>[] };
let tokens: { viewer: string; editor: string };

before(async () => {
  await generateCompany({ customers: 150, months: 6, seed: 5, out: join(dir, 'company') });
  const loader = await DuckDBEngine.open(db);
  await ingest(loader, { dataDir: join(dir, 'company') });
  await loader.close();
  const list = tenure('experiment', 'list', '--db', db, '--json');
  assert.equal(list.status, 0, list.stderr);
  cliList = JSON.parse(list.stdout);
  engine = await DuckDBEngine.open(db);
  tokens = {
    viewer: (await createToken(engine, 'viewer')).token,
    editor: (await createToken(engine, 'editor')).token,
  };
  const catalog = { definitions: CATALOG, applied: [], custom: [] };
  server = await startServer({ engine, catalog, host: '127.0.0.1', port: 0, requireTokens: true });
});

after(async () => {
  await server?.app.close();
  await engine?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function call(method: string, path: string, token: string | undefined, body?: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown> & {
    error?: { code: string; message: string; field?: string };
  };
  assert.deepEqual(namesNotSnakeCase(json), [], `${method} ${path}`);
  return { status: res.status, body: json };
}

const BY_HAND = {
  name: 'Pricing page copy',
  hypothesis: 'Clearer plan names raise 30-day activation',
  owner: 'Ana',
  primary: { kpi: 'activation_milestone_completion' },
  variants: [
    { name: 'control', weight: 0.5 },
    { name: 'clearer', weight: 0.5 },
  ],
};

test("the list is the CLI's, with the generated company's pre-registered experiment", async () => {
  const a = await call('GET', '/api/experiments', tokens.viewer);
  assert.equal(a.status, 200);
  const experiments = a.body.experiments as Record<string, unknown>[];
  const pick = (r: Record<string, unknown>) => [
    r.id,
    r.name,
    r.owner,
    r.status,
    r.registered_after_start,
    r.amendments,
    r.decision,
  ];
  assert.deepEqual(experiments.map(pick), cliList.experiments.map(pick));
  assert.deepEqual(experiments.map(pick)[0], [
    'onboarding_checklist',
    'Onboarding checklist',
    '(unassigned)',
    'running',
    false,
    0,
    null,
  ]);
  assert.equal(experiments[0]?.plan_source, 'pre_registration');
  assert.equal((await call('GET', '/api/experiments', undefined)).status, 401);
});

test('viewers cannot write; editors amend a plan only with a reason, kept with its diff', async () => {
  const plan = { ...example };
  assert.equal(
    (await call('PUT', '/api/experiments/onboarding_checklist', tokens.viewer, { plan })).status,
    403,
  );
  const noReason = await call('PUT', '/api/experiments/onboarding_checklist', tokens.editor, { plan });
  assert.equal(noReason.status, 400, JSON.stringify(noReason.body));
  assert.equal(noReason.body.error?.field, 'body.plan');
  assert.match(
    noReason.body.error?.message ?? '',
    /already has a registered plan, version 1 \(the experiments table's pre_registration\)/,
  );
  const reason = 'The full plan: outcomes, guardrail and sequential analysis';
  const amended = await call('PUT', '/api/experiments/onboarding_checklist', tokens.editor, { plan, reason });
  assert.equal(amended.status, 200, JSON.stringify(amended.body));
  assert.equal(amended.body.action, 'amended');
  assert.equal(amended.body.version, 2);
  assert.equal(amended.body.after_start, true);
  const changes = amended.body.changes as { field: string; before: unknown; after: unknown }[];
  assert.deepEqual(
    changes.find((c) => c.field === 'analysis.method'),
    {
      field: 'analysis.method',
      before: 'fixed_horizon',
      after: 'sequential',
    },
  );
  const again = await call('PUT', '/api/experiments/onboarding_checklist', tokens.editor, { plan, reason });
  assert.equal(again.body.action, 'unchanged');
  const shown = await call('GET', '/api/experiments/onboarding_checklist', tokens.viewer);
  const versions = shown.body.versions as { version: number; reason: string | null; source: string }[];
  assert.deepEqual(
    versions.map((v) => [v.version, v.source, v.reason]),
    [
      [1, 'pre_registration', null],
      [2, 'api', reason],
    ],
  );
  assert.equal(shown.body.amendments, 1);
});

test('a new plan registers at its id; bad plans are 400s naming the field and record nothing', async () => {
  const unknownKpi = await call('PUT', '/api/experiments/pricing_page', tokens.editor, {
    plan: { ...BY_HAND, primary: { kpi: 'activation_rate' } },
  });
  assert.equal(unknownKpi.status, 400);
  assert.equal(unknownKpi.body.error?.field, 'body.plan.primary.kpi');
  assert.match(unknownKpi.body.error?.message ?? '', /no KPI 'activation_rate' in the catalog/);
  const elsewhere = await call('PUT', '/api/experiments/pricing_page', tokens.editor, {
    plan: { ...BY_HAND, id: 'other' },
  });
  assert.equal(elsewhere.status, 400);
  assert.equal(elsewhere.body.error?.field, 'body.plan.id');
  const shape = await call('PUT', '/api/experiments/pricing_page', tokens.editor, {
    plan: { ...BY_HAND, alpha: 'small' },
  });
  assert.equal(shape.status, 400);
  assert.equal((await call('GET', '/api/experiments/pricing_page', tokens.viewer)).status, 404);
  const ok = await call('PUT', '/api/experiments/pricing_page', tokens.editor, { plan: BY_HAND });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.deepEqual([ok.body.action, ok.body.version, ok.body.after_start], ['registered', 1, false]);
  const defaults = (ok.body.defaults as { field: string }[]).map((d) => d.field);
  assert.ok(defaults.includes('alpha') && defaults.includes('analysis'));
  const shown = await call('GET', '/api/experiments/pricing_page', tokens.viewer);
  assert.equal(shown.body.status, 'planned');
  assert.equal(shown.body.hash, ok.body.hash);
});

test('editors record decisions; a null result stays listed; bad decisions are refused', async () => {
  const body = {
    decision: 'stop',
    learning: 'No lift in activation; the copy was not the obstacle',
    result: 'null result',
  };
  assert.equal(
    (await call('POST', '/api/experiments/pricing_page/decision', tokens.viewer, body)).status,
    403,
  );
  const wrong = await call('POST', '/api/experiments/pricing_page/decision', tokens.editor, {
    ...body,
    decision: 'maybe',
  });
  assert.equal(wrong.status, 400);
  assert.equal(wrong.body.error?.field, 'body.decision');
  const empty = await call('POST', '/api/experiments/pricing_page/decision', tokens.editor, {
    ...body,
    learning: '',
  });
  assert.equal(empty.status, 400);
  const none = await call('POST', '/api/experiments/no_such/decision', tokens.editor, body);
  assert.equal(none.status, 404);
  const ok = await call('POST', '/api/experiments/pricing_page/decision', tokens.editor, body);
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.deepEqual(
    [ok.body.experiment_id, ok.body.decision, ok.body.plan_version],
    ['pricing_page', 'stop', 1],
  );
  const list = await call('GET', '/api/experiments', tokens.viewer);
  const row = (list.body.experiments as Record<string, unknown>[]).find((r) => r.id === 'pricing_page');
  assert.deepEqual([row?.status, row?.decision, row?.learning], ['decided', 'stop', body.learning]);
});

test("a decision without a result is recorded with the analysis's primary outcome in a sentence", async () => {
  const ok = await call('POST', '/api/experiments/onboarding_checklist/decision', tokens.editor, {
    decision: 'iterate',
    learning: 'Too few mature units yet',
  });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.match(String(ok.body.result), /^churned_within:90 on \d+ units: /);
  const shown = await call('GET', '/api/experiments/onboarding_checklist', tokens.viewer);
  assert.equal((shown.body.decision as { result: string }).result, ok.body.result);
});

test('the routes, their roles and bodies are in /openapi.json', async () => {
  const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as {
    paths: Record<
      string,
      Record<
        string,
        { requestBody?: { content: Record<string, { schema: { properties: Record<string, unknown> } }> } }
      >
    >;
  };
  assert.ok(doc.paths['/api/experiments']?.get);
  assert.ok(doc.paths['/api/experiments/{id}']?.get);
  const put = doc.paths['/api/experiments/{id}']?.put;
  const props = put?.requestBody?.content['application/json']?.schema.properties ?? {};
  assert.deepEqual(Object.keys(props).sort(), ['plan', 'reason']);
  assert.ok((props.plan as { properties: Record<string, unknown> }).properties.hypothesis);
  assert.ok(doc.paths['/api/experiments/{id}/decision']?.post);
  const roles = Object.fromEntries(
    server.app.tenureRoutes
      .filter((r) => r.url.startsWith('/api/experiments'))
      .flatMap((r) => [r.method].flat().map((m) => [`${m} ${r.url}`, r.config?.role ?? 'viewer'])),
  );
  assert.deepEqual(roles, {
    'GET /api/experiments': 'viewer',
    'HEAD /api/experiments': 'viewer',
    'GET /api/experiments/:id': 'viewer',
    'HEAD /api/experiments/:id': 'viewer',
    'GET /api/experiments/:id/results': 'viewer',
    'HEAD /api/experiments/:id/results': 'viewer',
    'PUT /api/experiments/:id': 'editor',
    'POST /api/experiments/:id/decision': 'editor',
  });
});
