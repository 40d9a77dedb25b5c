// GET /api/kpis/:id/forecast over real HTTP on a generated company: the answer equals `tenure forecast
// --json` for the same KPI and horizon, a repeat is served from the cache, it is in /openapi.json, a
// viewer may read it, and bad input is a 400 naming the field.
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

const dir = mkdtempSync(join(tmpdir(), 'tenure-forecast-api-'));
const db = join(dir, 'tenure.duckdb');
let engine: DuckDBEngine;
let open: Served;
let locked: Served;
let viewer: string;
let cliAnswer: unknown;

before(async () => {
  await generateCompany({ customers: 1500, months: 12, seed: 4, out: join(dir, 'company') });
  const loader = await DuckDBEngine.open(db);
  await ingest(loader, { dataDir: join(dir, 'company') });
  await loader.close();
  const run = spawnSync(
    process.execPath,
    [...CLI, 'forecast', '--db', db, '--kpi', 'mrr', '--horizon', '3', '--json'],
    { encoding: 'utf8' },
  );
  assert.equal(run.status, 0, run.stderr);
  cliAnswer = JSON.parse(run.stdout);
  engine = await DuckDBEngine.open(db);
  viewer = (await createToken(engine, 'viewer', 'forecast viewer')).token;
  ({ open, locked } = await serveOpenAndLocked(engine));
});

after(async () => {
  await open?.app.close();
  await locked?.app.close();
  await engine?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('the forecast equals the CLI’s, is cached, and is listed in the OpenAPI document', async () => {
  const first = await get(open.url, '/api/kpis/mrr/forecast?horizon=3');
  assert.equal(first.status, 200);
  assert.equal(first.cache, 'miss');
  assert.deepEqual(first.body, cliAnswer);
  const rows = first.body.forecast as Record<string, number>[];
  assert.equal(rows.length, 3);
  for (const r of rows) {
    assert.ok(
      (r.lower_95 as number) <= (r.lower_80 as number) && (r.upper_80 as number) <= (r.upper_95 as number),
    );
  }
  const again = await get(open.url, '/api/kpis/mrr/forecast?horizon=3');
  assert.equal(again.cache, 'hit');
  assert.deepEqual(again.body, first.body);
  const doc = await get(open.url, '/openapi.json');
  assert.ok(Object.keys(doc.body.paths as object).includes('/api/kpis/{id}/forecast'));
});

test('a viewer may read a forecast; without a token it is refused', async () => {
  assert.equal((await get(locked.url, '/api/kpis/mrr/forecast?horizon=3', viewer)).status, 200);
  assert.equal((await get(locked.url, '/api/kpis/mrr/forecast?horizon=3')).status, 401);
});

test('bad input is a 400 that names the field', async () => {
  for (const [path, field] of [
    ['/api/kpis/mrr/forecast?horizon=0', 'querystring.horizon'],
    ['/api/kpis/mrr/forecast?horizon=99', 'querystring.horizon'],
    ['/api/kpis/mrr/forecast?grain=week', 'grain'],
    ['/api/kpis/engagement_rate/forecast', 'kpi'],
    ['/api/kpis/mrr/forecast?extra=1', 'querystring.extra'],
  ] as const) {
    const { status, body } = await get(open.url, path);
    assert.equal(status, 400, path);
    const error = body.error as { field?: string; message: string };
    assert.ok(error.field === field || error.message.includes(field), `${path}: ${JSON.stringify(error)}`);
  }
  assert.equal((await get(open.url, '/api/kpis/no_such_kpi/forecast')).status, 404);
});
