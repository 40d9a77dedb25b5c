// The HTTP API over real HTTP on loopback, on a generated company: every endpoint answers, its numbers
// equal the CLI's for the same query, bad and hostile input is refused with a 4xx naming the field and
// changes nothing, tokens give 401 and 403 where they must, and a repeated request is served from the cache.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ingest } from '../../src/ingest/ingest.ts';
import { createToken } from '../../src/server/tokens.ts';
import { generateCompany } from '../../src/synth/generate.ts';
import { DuckDBEngine } from '../../src/warehouse/duckdb/duckdb-engine.ts';
import { get, type Served, serveOpenAndLocked } from '../support/api-servers.ts';
import { CLI } from '../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'tenure-api-'));
const db = join(dir, 'tenure.duckdb');
const QUERY = { from: '2024-02-01', to: '2024-05-31', grain: 'month' } as const;
/** Months the generated company has data in (it ends at 2025-12-31). */
const RECENT = { from: '2025-09-01', to: '2025-11-30', grain: 'month' } as const;
let engine: DuckDBEngine;
let open: Served;
let locked: Served;
let cliRows: unknown[];
let cliByPlan: unknown[];
let cliStarter: unknown[];
let cliByRfm: unknown[];
let tokens: { viewer: string; admin: string };

function tenure(...args: string[]) {
  const run = spawnSync(process.execPath, [...CLI, ...args], {
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as unknown[];
}

before(async () => {
  await generateCompany({ customers: 400, months: 6, seed: 9, out: join(dir, 'company') });
  const loader = await DuckDBEngine.open(db);
  await ingest(loader, { dataDir: join(dir, 'company') });
  await loader.close();
  // The CLI's answer first: the file is the server's once it runs.
  const cli = [
    'compute',
    '--db',
    db,
    '--from',
    QUERY.from,
    '--to',
    QUERY.to,
    '--grain',
    QUERY.grain,
    '--json',
  ];
  cliRows = tenure(...cli, '--kpi', 'customer_churn_rate,mrr,stickiness_ratio');
  cliByPlan = tenure(...cli, '--kpi', 'net_revenue_retention', '--by', 'plan');
  cliStarter = tenure(...cli, '--kpi', 'net_revenue_retention', '--filter', 'plan=starter');
  cliByRfm = tenure(
    ...['compute', '--db', db, '--from', RECENT.from, '--to', RECENT.to, '--grain', RECENT.grain, '--json'],
    ...['--kpi', 'mrr,customer_segmentation', '--by', 'rfm'],
  );
  engine = await DuckDBEngine.open(db);
  tokens = {
    viewer: (await createToken(engine, 'viewer', 'test viewer')).token,
    admin: (await createToken(engine, 'admin')).token,
  };
  ({ open, locked } = await serveOpenAndLocked(engine));
});

after(async () => {
  await open?.app.close();
  await locked?.app.close();
  await engine?.close();
  rmSync(dir, { recursive: true, force: true });
});

const qs = (q: Record<string, string>) => new URLSearchParams(q).toString();

test('the OpenAPI document describes every endpoint', async () => {
  const { status, body } = await get(open.url, '/openapi.json');
  assert.equal(status, 200);
  assert.equal(body.openapi, '3.0.3');
  const paths = Object.keys(body.paths as object).sort();
  for (const p of [
    '/api/catalog',
    '/api/catalog/{id}',
    '/api/kpis',
    '/api/kpis/{id}/series',
    '/api/kpis/{id}/explain',
    '/api/views/mrr-bridge',
    '/api/views/signup-cohorts',
    '/api/views/paying-cohorts',
    '/api/views/activation-cohorts',
    '/api/views/lifecycle',
    '/api/views/funnel',
    '/api/health/data',
    '/api/tokens',
  ]) {
    assert.ok(paths.includes(p), `${p} in ${paths.join(', ')}`);
  }
});

test('KPI series equal the CLI’s rows for the same query, overall and by plan; the repeat is cached', async () => {
  const many = await get(
    open.url,
    `/api/kpis?${qs({ ...QUERY, ids: 'customer_churn_rate,mrr,stickiness_ratio' })}`,
  );
  assert.equal(many.status, 200);
  assert.deepEqual(many.body.results, cliRows);
  const one = await get(open.url, `/api/kpis/net_revenue_retention/series?${qs({ ...QUERY, by: 'plan' })}`);
  assert.deepEqual(one.body.results, cliByPlan);
  assert.equal(one.cache, 'miss');
  const again = await get(open.url, `/api/kpis/net_revenue_retention/series?${qs({ ...QUERY, by: 'plan' })}`);
  assert.equal(again.cache, 'hit');
  assert.deepEqual(again.body.results, cliByPlan);
});

test('a filter keeps one slice of the customers: the breakdown’s segment, and the CLI’s --filter', async () => {
  const path = `/api/kpis/net_revenue_retention/series?${qs({ ...QUERY, filter: 'plan:starter' })}`;
  const filtered = await get(open.url, path);
  assert.equal(filtered.status, 200);
  const starter = (cliByPlan as { segment: string }[])
    .filter((r) => r.segment === 'starter')
    .map((r) => ({ ...r, segment: 'all' }));
  assert.ok(starter.length > 0);
  assert.deepEqual(filtered.body.results, starter);
  assert.deepEqual(filtered.body.results, cliStarter);
  // A value nobody has is a slice with no data, not an error; a filter on the breakdown is refused.
  const empty = await get(open.url, `/api/kpis/mrr/series?${qs({ ...QUERY, filter: "plan:x' OR '1'='1" })}`);
  assert.equal(empty.status, 200);
  assert.ok((empty.body.results as { value: unknown }[]).every((r) => r.value === null));
  const twice = await get(
    open.url,
    `/api/kpis/mrr/series?${qs({ ...QUERY, by: 'plan', filter: 'plan:starter' })}`,
  );
  assert.equal(twice.status, 400);
  assert.equal((twice.body.error as { field: string }).field, 'filter');
});

test('breakdowns by lifecycle and rfm: the CLI’s rows, filters, views; refused where periods are not', async () => {
  const byRfm = await get(
    open.url,
    `/api/kpis?${qs({ ...RECENT, ids: 'mrr,customer_segmentation', by: 'rfm' })}`,
  );
  assert.equal(byRfm.status, 200);
  assert.deepEqual(byRfm.body.results, cliByRfm);
  assert.ok((cliByRfm as { segment: string }[]).some((r) => r.segment === 'champions'));
  const champions = await get(
    open.url,
    `/api/kpis/mrr/series?${qs({ ...RECENT, by: 'lifecycle', filter: 'rfm:champions' })}`,
  );
  assert.equal(champions.status, 200);
  const lifecycle = await get(open.url, `/api/views/lifecycle?${qs({ ...RECENT, by: 'rfm' })}`);
  assert.equal(lifecycle.status, 200);
  assert.ok((lifecycle.body.rows as { segment: string }[]).some((r) => r.segment === 'champions'));
  // Signup cohorts and survival follow customers across periods: no state of one period splits them.
  for (const path of [
    `/api/views/signup-cohorts?${qs({ from: QUERY.from, to: QUERY.to, by: 'lifecycle' })}`,
    `/api/survival?${qs({ by: 'rfm' })}`,
  ]) {
    const res = await get(open.url, path);
    assert.equal(res.status, 400, path);
    assert.equal((res.body.error as { field?: string }).field, 'querystring.by', path);
  }
});

test("segments: a customer dimension's values with their customers, most first; a period's state refused", async () => {
  const plans = await get(open.url, `/api/segments?${qs({ by: 'plan' })}`);
  assert.equal(plans.status, 200);
  const values = plans.body.values as { value: string; customers: number }[];
  const counted = await engine.query<{ plan: string; n: number }>(
    `SELECT coalesce(plan, '(none)') AS plan, count(*) AS n FROM customers GROUP BY 1`,
  );
  assert.deepEqual(
    [...values].sort((a, b) => a.value.localeCompare(b.value)),
    counted
      .map((r) => ({ value: r.plan, customers: Number(r.n) }))
      .sort((a, b) => a.value.localeCompare(b.value)),
  );
  assert.equal(
    values.reduce((s, v) => s + v.customers, 0),
    400,
  );
  assert.deepEqual(
    values.map((v) => v.customers),
    values.map((v) => v.customers).sort((a, b) => b - a),
  );
  assert.equal(plans.body.truncated, false);
  // lifecycle is a customer's stage in a period, not what the customer is.
  const lifecycle = await get(open.url, `/api/segments?${qs({ by: 'lifecycle' })}`);
  assert.equal(lifecycle.status, 400);
  assert.equal((lifecycle.body.error as { field?: string }).field, 'querystring.by');
});

test('catalog, one definition, explain, the views and data health answer with their shapes', async () => {
  const catalog = await get(open.url, '/api/catalog');
  assert.equal((catalog.body.kpis as unknown[]).length, 45);
  const def = await get(open.url, '/api/catalog/net_revenue_retention');
  assert.equal((def.body.definition as { id: string }).id, 'net_revenue_retention');
  assert.match(String(def.body.hash), /^[0-9a-f]{64}$/);
  const explain = await get(open.url, `/api/kpis/mrr/explain?${qs({ period: '2024-03-01', sample: '3' })}`);
  const statements = explain.body.statements as { sql: string }[];
  assert.ok(statements.some((s) => /subscription_changes/.test(s.sql)));
  assert.ok((explain.body.samples as { rows: unknown[] }[]).every((t) => t.rows.length <= 3));
  const bridge = await get(open.url, `/api/views/mrr-bridge?${qs(QUERY)}`);
  const rows = bridge.body.rows as { end_mrr: number; period_start: string }[];
  const mrr = (cliRows as { kpi: string; period_start: string; value: number }[]).filter(
    (r) => r.kpi === 'mrr',
  );
  assert.equal(rows.length, 4);
  for (const r of rows) {
    assert.ok(Math.abs((mrr.find((m) => m.period_start === r.period_start)?.value ?? -1) - r.end_mrr) < 1e-6);
  }
  for (const view of ['signup-cohorts', 'paying-cohorts', 'activation-cohorts', 'lifecycle', 'funnel']) {
    const v = await get(open.url, `/api/views/${view}?${qs(QUERY)}`);
    assert.equal(v.status, 200, `${view}: ${JSON.stringify(v.body)}`);
  }
  const health = await get(open.url, '/api/health/data');
  const tables = health.body.tables as { table_name: string; row_count: number }[];
  assert.equal(tables.find((t) => t.table_name === 'customers')?.row_count, 400);
});

test('bad and hostile parameters are refused with a 400 naming the field, and change nothing', async () => {
  const before = await get(open.url, '/api/health/data');
  const refused: [string, string][] = [
    [`/api/kpis/mrr/series?${qs({ ...QUERY, grain: 'fortnight' })}`, 'querystring.grain'],
    [
      `/api/kpis/mrr/series?${qs({ ...QUERY, from: "2024-01-01'; DROP TABLE customers; --" })}`,
      'querystring.from',
    ],
    [`/api/kpis/mrr/series?${qs({ ...QUERY, by: 'plan; DELETE FROM events' })}`, 'querystring.by'],
    [`/api/kpis/mrr/series?${qs({ ...QUERY, by: `attributes.${'x'.repeat(5000)}` })}`, 'querystring.by'],
    [`/api/kpis/mrr/series?${qs({ ...QUERY, as_of: '1 OR 1=1' })}`, 'querystring.as_of'],
    [`/api/kpis/mrr/series?${qs({ ...QUERY, extra: '1' })}`, 'querystring.extra'],
    [`/api/kpis/mrr/series?${qs({ from: QUERY.from })}`, 'querystring.to'],
    [`/api/kpis/mrr/explain?${qs({ sample: '100000000' })}`, 'querystring.sample'],
    [`/api/kpis/mrr/explain?${qs({ sample: 'NaN' })}`, 'querystring.sample'],
    [`/api/kpis?${qs({ ...QUERY, ids: 'mrr,../../etc/passwd' })}`, 'querystring.ids'],
    [`/api/kpis/MRR'--/series?${qs(QUERY)}`, 'params.id'],
    [`/api/kpis/mrr/series?${qs({ ...QUERY, filter: "plan:x' OR '1'='1,plan" })}`, 'querystring.filter'],
    [`/api/kpis/mrr/series?${qs({ ...QUERY, filter: 'cu.plan:starter' })}`, 'querystring.filter'],
    [`/api/kpis/mrr/series?${qs({ ...QUERY, filter: `plan:${'x'.repeat(2000)}` })}`, 'querystring.filter'],
  ];
  for (const [path, field] of refused) {
    const res = await get(open.url, path);
    assert.equal(res.status, 400, `${path}: ${JSON.stringify(res.body)}`);
    const error = res.body.error as { code: string; field?: string; message: string };
    assert.equal(error.code, 'bad_input');
    assert.equal(error.field, field, path);
  }
  // Semantically wrong though well formed: a range that ends before it starts, an unknown KPI.
  const backwards = await get(
    open.url,
    `/api/kpis/mrr/series?${qs({ ...QUERY, from: '2024-05-01', to: '2024-02-01' })}`,
  );
  assert.equal(backwards.status, 400);
  assert.equal((await get(open.url, `/api/kpis/no_such_kpi/series?${qs(QUERY)}`)).status, 404);
  assert.equal((await get(open.url, '/api/../../etc/passwd')).status, 404);
  // Malformed JSON and a body that is too large.
  const post = (body: string) =>
    fetch(`${open.url}/api/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
  assert.equal((await post('{"role": "viewer"')).status, 400);
  assert.equal((await post(JSON.stringify({ role: 'viewer', label: 'x'.repeat(200_000) }))).status, 413);
  assert.equal((await post(JSON.stringify({ role: 'root' }))).status, 400);
  const after = await get(open.url, '/api/health/data');
  assert.deepEqual(after.body.tables, before.body.tables);
});

test('tokens: none → 401, unknown → 401, a viewer reads but may not manage tokens (403), an admin may', async () => {
  const path = `/api/kpis/mrr/series?${qs(QUERY)}`;
  const none = await get(locked.url, path);
  assert.equal(none.status, 401);
  assert.equal((none.body.error as { code: string }).code, 'unauthorized');
  assert.equal((await get(locked.url, path, 'tnr_not_a_token')).status, 401);
  assert.equal((await get(locked.url, path, tokens.viewer)).status, 200);
  const forbidden = await get(locked.url, '/api/tokens', tokens.viewer);
  assert.equal(forbidden.status, 403);
  assert.equal((forbidden.body.error as { code: string }).code, 'forbidden');
  const listed = await get(locked.url, '/api/tokens', tokens.admin);
  assert.equal(listed.status, 200);
  const list = listed.body.tokens as { token_id: string; role: string }[];
  assert.deepEqual(list.map((t) => t.role).sort(), ['admin', 'viewer']);
  assert.ok(!JSON.stringify(listed.body).includes(tokens.viewer), 'secrets are never listed');
  const created = await fetch(`${locked.url}/api/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokens.admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ role: 'editor', label: 'ci' }),
  });
  assert.equal(created.status, 201);
  const token = ((await created.json()) as { token: string }).token;
  assert.equal((await get(locked.url, path, token)).status, 200);
});
