// The API as an attacker and a careless client would use it, over real HTTP on loopback (issue 14): every
// registered route × every kind of token × every spelling of its path (percent-encoded, absolute-form,
// trailing slash, double slash, another case) is answered by the role its route asks for, never by the text
// of the URL; every parameter of every route, given Infinity, NaN, 1e400, -1, an impossible date or a huge
// string, and every body nested 5,000 deep, gets a 4xx; the server stays up; editors cannot write what a
// load would refuse; a 500 shows no SQL and is logged with its request id; hosts not bound are refused.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { loadProjectFile } from '../../src/catalog/project-file.ts';
import { ingest } from '../../src/ingest/ingest.ts';
import type { RouteAccess } from '../../src/server/app.ts';
import { MAX_CELLS } from '../../src/server/budget.ts';
import { type Serving, startServer } from '../../src/server/serve.ts';
import { allows, createToken, listTokens, type Role } from '../../src/server/tokens.ts';
import { generateCompany } from '../../src/synth/generate.ts';
import { DuckDBEngine } from '../../src/warehouse/duckdb/duckdb-engine.ts';

const dir = mkdtempSync(join(tmpdir(), 'tenure-security-'));
const db = join(dir, 'tenure.duckdb');
const project = join(dir, 'tenure.yaml');
const PROJECT = `# the team's file
version: 1
targets:
  - kpi: customer_churn_rate
    pragmatic: 0.05
    owner: Ben
`;
let engine: DuckDBEngine;
let locked: Serving;
let open: Serving;
const logged: string[] = [];
let tokens: Record<Role, string>;

before(async () => {
  await generateCompany({ customers: 120, months: 5, seed: 21, out: join(dir, 'company') });
  engine = await DuckDBEngine.open(db);
  await ingest(engine, { dataDir: join(dir, 'company') });
  writeFileSync(project, PROJECT);
  tokens = {
    viewer: (await createToken(engine, 'viewer')).token,
    editor: (await createToken(engine, 'editor')).token,
    admin: (await createToken(engine, 'admin')).token,
  };
  const catalog = await loadProjectFile(project);
  // The walk sends hundreds of wrong tokens from one address: its limit of failed attempts is raised here
  // and tested on its own below.
  locked = await startServer({
    engine,
    catalog,
    projectFile: project,
    host: '127.0.0.1',
    port: 0,
    requireTokens: true,
    failedAuthLimit: 1_000_000,
  });
  const log = new Writable({
    write(chunk, _encoding, done) {
      logged.push(String(chunk));
      done();
    },
  });
  open = await startServer({
    engine,
    catalog,
    projectFile: project,
    host: '127.0.0.1',
    port: 0,
    logger: { level: 'error', stream: log },
  });
});

after(async () => {
  await locked?.app.close();
  await open?.app.close();
  await engine?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** One request with the path sent exactly as written (no normalisation, as `curl --path-as-is`). */
function send(
  base: string,
  method: string,
  path: string,
  opts: { token?: string; body?: string; host?: string } = {},
): Promise<Answer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        headers: {
          ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
          ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(opts.host ? { host: opts.host } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

const json = (a: Answer) =>
  JSON.parse(a.text) as { error?: { code: string; message: string; field?: string } };

/** A concrete path for a route: its parameters filled with values that exist. */
function concrete(url: string): string {
  return url
    .replace('/api/tokens/:id', '/api/tokens/000000000000')
    .replace(':id', 'customer_churn_rate')
    .replace('*', 'no-such-file.js');
}

/** The spellings of one path that a router might take for it, or not. */
function spellings(base: string, path: string): [name: string, path: string, same: boolean][] {
  const encoded = path.replace(/\/([a-z])/g, (_m, c: string) => `/%${c.charCodeAt(0).toString(16)}`);
  return [
    ['plain', path, true],
    ['percent-encoded', encoded, true],
    ['absolute-form', `${base}${path}`, true],
    ['trailing slash', `${path}/`, false],
    ['double slash', `/${path}`, false],
    ['upper case', path.toUpperCase(), false],
  ];
}

test('every route × token × spelling of its path is answered by the role its route asks for', async () => {
  const routes = locked.app.tenureRoutes.flatMap((r: RouteAccess) =>
    [r.method].flat().map((method) => ({ method, url: r.url, config: r.config ?? {} })),
  );
  // Every API route is behind a role; only the dashboard's files and the API's description are public.
  for (const r of routes) {
    if (r.url.startsWith('/api')) assert.notEqual(r.config.public, true, `${r.method} ${r.url} is public`);
    else assert.ok(r.config.public === true, `${r.method} ${r.url} is not marked public`);
  }
  assert.ok(routes.filter((r) => r.url.startsWith('/api')).length >= 25);
  const presented: [string, string | undefined, Role | undefined][] = [
    ['no token', undefined, undefined],
    ['a wrong token', 'tnr_wrong', undefined],
    ['viewer', tokens.viewer, 'viewer'],
    ['editor', tokens.editor, 'editor'],
    ['admin', tokens.admin, 'admin'],
  ];
  const yamlBefore = readFileSync(project, 'utf8');
  const tokensBefore = (await listTokens(engine)).length;
  let requests = 0;
  for (const r of routes) {
    if (r.config.public) continue;
    const needed = r.config.role ?? 'viewer';
    const body = ['POST', 'PUT', 'DELETE'].includes(r.method) && r.method !== 'DELETE' ? '{}' : undefined;
    for (const [who, token, role] of presented) {
      for (const [spelling, path, same] of spellings(locked.url, concrete(r.url))) {
        const a = await send(locked.url, r.method, path, { token, body });
        requests += 1;
        const what = `${r.method} ${path} with ${who} (${spelling}): ${a.status} ${a.text.slice(0, 160)}`;
        assert.ok(a.status < 500, what);
        const enough = role !== undefined && allows(role, needed);
        if (!same) {
          // Not this route (or another one: /api/catalog/ is /api/catalog/:id with an empty id): without
          // the role, a refusal or the not-found answer (@fastify/static answers 403 for a path it will not
          // serve); with it, whatever that other path answers.
          if (!enough) assert.ok([401, 403, 404].includes(a.status), what);
        } else if (!enough) {
          assert.equal(a.status, role === undefined ? 401 : 403, what);
        } else {
          assert.ok(![401, 403].includes(a.status), what);
        }
      }
    }
  }
  assert.ok(requests > 700, `only ${requests} requests`);
  // Nothing the walk sent without the role changed a thing: the editors' file, the tokens.
  assert.equal(readFileSync(project, 'utf8'), yamlBefore);
  assert.equal((await listTokens(engine)).length, tokensBefore);
});

test("the issue's own attacks: an admin token, the token list and a target's owner, without a token", async () => {
  const created = await send(locked.url, 'POST', '/%61pi/tokens', { body: '{"role":"admin"}' });
  assert.equal(created.status, 401, created.text);
  assert.equal((await send(locked.url, 'GET', '/%61pi/tokens')).status, 401);
  assert.equal((await send(locked.url, 'GET', '/ap%69/tokens')).status, 401);
  assert.equal((await send(locked.url, 'GET', `${locked.url}/api/tokens`)).status, 401);
  const before = readFileSync(project, 'utf8');
  const put = await send(locked.url, 'PUT', '/%61pi/targets', {
    body: JSON.stringify({ targets: [{ kpi: 'customer_churn_rate', pragmatic: 0.01, owner: 'attacker' }] }),
  });
  assert.equal(put.status, 401);
  assert.equal(readFileSync(project, 'utf8'), before);
});

/** Values no parameter should take. */
const HOSTILE = ['Infinity', '-Infinity', '-1', '1e400', 'NaN', '2025-02-30', '9999-12-31', 'x'.repeat(5000)];
/** Valid values for the parameters a route requires, so that only the fuzzed one is wrong. */
const VALID: Record<string, string> = {
  from: '2025-01-01',
  to: '2025-03-31',
  ids: 'mrr',
  result: 'customer_churn_rate',
  key: 'no-such-alert',
  role: 'viewer',
  until: '2999-01-01',
  targets: '[]',
  params: '{}',
};

interface OpenApiOperation {
  parameters?: { name: string; in: string; required?: boolean; schema: Record<string, unknown> }[];
  requestBody?: { content: { 'application/json': { schema: { properties?: Record<string, unknown> } } } };
}

/** Whether a hostile value could be a valid one for a parameter: a string with no shape to keep. */
const free = (schema: Record<string, unknown>) =>
  schema.type === 'string' && !schema.pattern && !schema.enum && !schema.format;

test('every parameter of every route, given hostile values, and every body 5,000 deep, get a 4xx', async () => {
  const doc = JSON.parse((await send(open.url, 'GET', '/openapi.json')).text) as {
    paths: Record<string, Record<string, OpenApiOperation>>;
  };
  const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
  let tried = 0;
  for (const [template, operations] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(operations)) {
      const params = op.parameters ?? [];
      const bodyProps = op.requestBody?.content['application/json'].schema.properties ?? {};
      const path = (values: Record<string, string>) =>
        template.replace(/\{(\w+)\}/g, (_m, name: string) =>
          encodeURIComponent(values[name] ?? (template.startsWith('/api/tokens') ? '000000000000' : 'mrr')),
        );
      const query = (values: Record<string, string>) => {
        const q = new URLSearchParams();
        for (const p of params.filter((p) => p.in === 'query')) {
          const v = values[p.name] ?? (p.required ? VALID[p.name] : undefined);
          if (v !== undefined) q.set(p.name, v);
        }
        const text = q.toString();
        return text ? `?${text}` : '';
      };
      const body = (values: Record<string, string>) => {
        if (!op.requestBody) return undefined;
        const fields = Object.keys(bodyProps).map((name) => {
          const v = values[name] ?? VALID[name];
          return v === undefined
            ? ''
            : `"${name}":${/^[[{]/.test(v) || name in values ? v : JSON.stringify(v)}`;
        });
        return `{${fields.filter(Boolean).join(',')}}`;
      };
      const fuzzed = [
        ...params.map((p) => ({ name: p.name, schema: p.schema })),
        ...Object.entries(bodyProps).map(([name, schema]) => ({
          name,
          schema: schema as Record<string, unknown>,
        })),
      ];
      for (const { name, schema } of fuzzed) {
        for (const hostile of HOSTILE) {
          if (free(schema) && hostile.length < 5000) continue;
          // In a body a value is JSON: numbers as they are written (1e400 is Infinity to JSON.parse).
          const inBody = name in bodyProps;
          const raw = inBody && !/^-?[\d.]|^[IN]/.test(hostile) ? JSON.stringify(hostile) : hostile;
          const values = { [name]: inBody ? raw : hostile };
          const url = `${path(values)}${query(values)}`;
          const a = await send(open.url, method.toUpperCase(), url, { body: body(values) });
          tried += 1;
          assert.ok(
            a.status >= 400 && a.status < 500,
            `${method} ${url.slice(0, 120)}: ${a.status} ${a.text.slice(0, 200)}`,
          );
        }
      }
      if (op.requestBody) {
        const a = await send(open.url, method.toUpperCase(), path({}), { body: deep });
        assert.equal(a.status, 400, `${method} ${template} with a deep body: ${a.text.slice(0, 200)}`);
        const nested = await send(open.url, method.toUpperCase(), path({}), {
          body: `{"params":${deep},"targets":[${deep}]}`,
        });
        assert.equal(nested.status, 400, `${method} ${template}: ${nested.text.slice(0, 200)}`);
        tried += 2;
      }
    }
  }
  assert.ok(tried > 150, `only ${tried} hostile requests`);
  // Still up, and answering.
  assert.equal((await send(open.url, 'GET', '/api/catalog')).status, 200);
});

test('the two requests that ended the process, and a number pasted into SQL, are now 400s', async () => {
  for (const q of ['periods=Infinity', 'periods=1e400', 'discount=Infinity']) {
    const a = await send(open.url, 'GET', `/api/sbg?${q}`);
    assert.equal(a.status, 400, a.text);
    assert.match(json(a).error?.field ?? '', /^querystring\./);
  }
  const explain = await send(open.url, 'GET', '/api/kpis/mrr/explain?sample=Infinity');
  assert.equal(explain.status, 400);
  assert.doesNotMatch(explain.text, /Binder|SELECT/);
  assert.equal((await send(open.url, 'GET', '/api/kpis/mrr/explain?sample=3')).status, 200);
});

test('impossible dates are 400s from one parser, on every route that takes a date', async () => {
  const cases = [
    '/api/kpis/mrr/series?from=2025-02-30&to=2025-03-31',
    '/api/kpis/mrr/series?from=2025-01-01&to=2025-03-31&as_of=2025-02-30',
    '/api/kpis/mrr/explain?period=9999-12-31',
    '/api/tree?period=9999-12-31',
    '/api/kpis/customer_churn_rate/forecast?as_of=2025-02-30',
    '/api/survival?as_of=2025-02-30',
    '/api/sbg?as_of=2025-02-30',
    '/api/hazards?as_of=2025-13-01',
    '/api/risk?as_of=2025-02-30T10:00:00Z',
    '/api/views/funnel?from=2025-01-01&to=2025-03-31&as_of=0000-01-01',
  ];
  for (const c of cases) {
    const a = await send(open.url, 'GET', c);
    assert.equal(a.status, 400, `${c}: ${a.text}`);
    assert.match(json(a).error?.message ?? '', /must be a (calendar day|day YYYY-MM-DD)/, c);
  }
  // A timestamp with an offset is still an as_of.
  const ok = await send(open.url, 'GET', '/api/survival?as_of=2025-12-01T12:00:00%2B02:00');
  assert.equal(ok.status, 200, ok.text);
});

test('a view applies each parameter it takes and refuses the rest, never echoing one it ignored', async () => {
  const range = 'from=2025-08-01&to=2025-12-31';
  const refused: [string, string][] = [
    ['mrr-bridge', 'by=plan'],
    ['mrr-bridge', 'as_of=2025-03-01'],
    ['signup-cohorts', 'filter=plan:starter'],
    ['signup-cohorts', 'grain=day'],
    ['paying-cohorts', 'grain=day'],
    ['paying-cohorts', 'filter=plan:starter'],
    ['activation-cohorts', 'filter=plan:starter'],
    ['lifecycle', 'filter=plan:starter'],
    ['lifecycle', 'as_of=2025-03-01'],
    ['funnel', 'filter=plan:starter'],
  ];
  for (const [view, extra] of refused) {
    const a = await send(open.url, 'GET', `/api/views/${view}?${range}&${extra}`);
    assert.equal(a.status, 400, `${view} ${extra}: ${a.text}`);
    assert.equal(json(a).error?.field, `querystring.${extra.split('=')[0]}`);
  }
  // A breakdown a view takes is applied: the signup cohorts by plan are the plans' cohorts.
  const all = JSON.parse((await send(open.url, 'GET', `/api/views/signup-cohorts?${range}`)).text);
  const byPlan = JSON.parse((await send(open.url, 'GET', `/api/views/signup-cohorts?${range}&by=plan`)).text);
  assert.notDeepEqual(byPlan.rows, all.rows);
  assert.equal(byPlan.by, 'plan');
  // A filter the bridge takes is applied: the starter plan's MRR is less than everyone's.
  const bridge = async (q: string) =>
    JSON.parse((await send(open.url, 'GET', `/api/views/mrr-bridge?${q}`)).text);
  const whole = await bridge(range);
  const starter = await bridge(`${range}&filter=plan:starter`);
  assert.equal(starter.filter, 'plan:starter');
  assert.ok(starter.rows.at(-1).end_mrr < whole.rows.at(-1).end_mrr);
});

test('an editor cannot write a target a load would refuse; reads keep working', async () => {
  const before = readFileSync(project, 'utf8');
  for (const segment of [
    { by: 'nonexistent_dim', value: 'x' },
    { by: 'attributes.', value: 'x' },
  ]) {
    const a = await send(locked.url, 'PUT', '/api/targets', {
      token: tokens.editor,
      body: JSON.stringify({
        targets: [{ kpi: 'customer_churn_rate', segment, pragmatic: 0.05, owner: 'Ben' }],
      }),
    });
    assert.equal(a.status, 400, a.text);
    assert.match(
      json(a).error?.field ?? '',
      /^body\.targets\[0\]\.segment\.by$|^body\.targets\.0\.segment\.by$/,
    );
  }
  const unknownKpi = await send(locked.url, 'PUT', '/api/targets', {
    token: tokens.editor,
    body: JSON.stringify({ targets: [{ kpi: 'no_such_kpi', pragmatic: 0.05, owner: 'Ben' }] }),
  });
  assert.equal(unknownKpi.status, 400);
  assert.equal(readFileSync(project, 'utf8'), before);
  assert.equal((await send(locked.url, 'GET', '/api/targets', { token: tokens.viewer })).status, 200);
});

test('a 500 shows neither SQL nor the engine, carries the request id, and is logged with it', async () => {
  // A table taken away behind the server's back: the only way left to make the engine fail.
  await engine.run('ALTER TABLE feedback RENAME TO feedback_gone');
  try {
    const a = await send(
      open.url,
      'GET',
      '/api/kpis/net_promoter_score/series?from=2025-08-01&to=2025-12-31',
    );
    assert.equal(a.status, 500, a.text);
    const body = JSON.parse(a.text) as { error: { code: string; message: string; request_id: string } };
    assert.equal(body.error.code, 'internal');
    assert.doesNotMatch(a.text, /SELECT|feedback|Catalog|DuckDB|Binder|at /);
    assert.ok(body.error.request_id);
    const line = logged.find((l) => l.includes(body.error.request_id));
    assert.ok(line, `no log line for ${body.error.request_id}: ${logged.join('')}`);
    assert.match(line, /feedback/);
  } finally {
    await engine.run('ALTER TABLE feedback_gone RENAME TO feedback');
  }
});

test('one request may not ask for more than the budget; a cheap one does not wait behind a computation', async () => {
  const heavy = await send(open.url, 'GET', '/api/kpis?ids=all&grain=day&from=2013-01-01&to=2025-12-31');
  assert.equal(heavy.status, 400, heavy.text);
  assert.match(json(heavy).error?.message ?? '', new RegExp(MAX_CELLS.toLocaleString('en-US')));
  // A computation in flight (uncached), then a cheap request: the cheap one is answered first.
  const order: string[] = [];
  const computation = send(
    open.url,
    'GET',
    '/api/kpis?ids=all&grain=week&from=2025-08-01&to=2025-12-31',
  ).then((a) => {
    order.push('computation');
    return a;
  });
  await new Promise((resolve) => setTimeout(resolve, 50));
  const cheap = await send(open.url, 'GET', '/api/alerts');
  order.push('cheap');
  assert.equal(cheap.status, 200);
  assert.equal((await computation).status, 200);
  assert.deepEqual(order, ['cheap', 'computation']);
});

test('a computation past its time limit is stopped with a 503, and the next one runs', async () => {
  const quick = await startServer({
    engine,
    catalog: await loadProjectFile(project),
    host: '127.0.0.1',
    port: 0,
    timeoutMs: 1,
  });
  try {
    const a = await send(quick.url, 'GET', '/api/kpis?ids=all&grain=month&from=2024-01-01&to=2025-06-30');
    assert.equal(a.status, 503, a.text);
    assert.equal(json(a).error?.code, 'timeout');
    assert.equal((await send(quick.url, 'GET', '/api/alerts')).status, 200);
  } finally {
    await quick.app.close();
  }
});

test('revoked tokens stop at once; failed attempts are limited per address', async () => {
  const limited = await startServer({
    engine,
    catalog: await loadProjectFile(project),
    host: '127.0.0.1',
    port: 0,
    requireTokens: true,
    failedAuthLimit: 5,
  });
  try {
    const spare = await createToken(engine, 'viewer');
    assert.equal((await send(limited.url, 'GET', '/api/catalog', { token: spare.token })).status, 200);
    const revoke = await send(limited.url, 'DELETE', `/api/tokens/${spare.token_id}`, {
      token: tokens.admin,
    });
    assert.equal(revoke.status, 200, revoke.text);
    assert.equal((await send(limited.url, 'GET', '/api/catalog', { token: spare.token })).status, 401);
    // Unknown tokens are not remembered: only the admin's and the viewer's below are.
    for (let i = 0; i < 3; i++) await send(limited.url, 'GET', '/api/catalog', { token: `tnr_guess${i}` });
    // 1 (the revoked one) + 3 guesses = 4 failures; the 5th is still answered, the 6th is refused for a minute.
    assert.equal((await send(limited.url, 'GET', '/api/catalog', { token: 'tnr_guess4' })).status, 401);
    const sixth = await send(limited.url, 'GET', '/api/catalog', { token: 'tnr_guess5' });
    assert.equal(sixth.status, 429, sixth.text);
    assert.equal((await send(limited.url, 'GET', '/api/catalog', { token: tokens.viewer })).status, 429);
  } finally {
    await limited.app.close();
  }
});

test('hosts the server was not bound for are refused; security headers; a bad URL in our error shape', async () => {
  const rebinding = await send(open.url, 'GET', '/api/tokens', { host: 'evil.example' });
  assert.equal(rebinding.status, 421, rebinding.text);
  assert.equal(json(rebinding).error?.code, 'wrong_host');
  const port = new URL(open.url).port;
  assert.equal((await send(open.url, 'GET', '/api/catalog', { host: `localhost:${port}` })).status, 200);
  const a = await send(open.url, 'GET', '/api/catalog');
  assert.equal(a.headers['x-content-type-options'], 'nosniff');
  assert.equal(a.headers['x-frame-options'], 'DENY');
  assert.equal(a.headers['referrer-policy'], 'no-referrer');
  assert.match(String(a.headers['content-security-policy']), /default-src 'self'.*frame-ancestors 'none'/);
  const bad = await send(open.url, 'GET', '/api/kpis/%E0%A4%A/series');
  assert.equal(bad.status, 400, bad.text);
  assert.equal(json(bad).error?.code, 'bad_input');
});
