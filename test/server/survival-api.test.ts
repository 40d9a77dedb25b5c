// The survival endpoints over real HTTP on a generated company: /api/survival, /api/sbg and /api/hazards
// answer what the CLI prints for the same warehouse, appear in /openapi.json, refuse a bad breakdown with
// a 400 naming the field, need a token when tokens are required, and serve a repeat from the cache.
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

const dir = mkdtempSync(join(tmpdir(), 'tenure-survival-api-'));
const db = join(dir, 'tenure.duckdb');
let engine: DuckDBEngine;
let open: Served;
let locked: Served;
let viewer: string;
const cli: Record<string, unknown> = {};
let refusals: { status: number | null; stderr: string }[] = [];

function tenure(...args: string[]) {
  const run = spawnSync(process.execPath, [...CLI, ...args], {
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as unknown;
}

before(async () => {
  await generateCompany({ customers: 3000, months: 12, seed: 4, out: join(dir, 'company') });
  const loader = await DuckDBEngine.open(db);
  await ingest(loader, { dataDir: join(dir, 'company') });
  await loader.close();
  // The CLI's answers first: the file is the server's once it runs.
  cli.survival = tenure('survival', '--db', db, '--by', 'plan', '--json');
  cli.sbg = tenure('model', 'sbg', '--cohorts', '--db', db, '--json');
  cli.hazards = tenure('hazards', '--db', db, '--json');
  // Refusals too, before the server holds the file.
  const run = (...args: string[]) => spawnSync(process.execPath, [...CLI, ...args], { encoding: 'utf8' });
  refusals = [
    run('survival', '--db', db, '--by', 'favourite_colour'),
    run('survival', '--db', db, '--as-of', 'yesterday'),
    run('hazards', '--db', db, '--level', '2'),
    run('survival'),
  ];
  engine = await DuckDBEngine.open(db);
  viewer = (await createToken(engine, 'viewer', 'test viewer')).token;
  ({ open, locked } = await serveOpenAndLocked(engine));
});

after(async () => {
  await open?.app.close();
  await locked?.app.close();
  await engine?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('the endpoints answer what the CLI prints, and a repeat comes from the cache', async () => {
  const survival = await get(open.url, '/api/survival?by=plan');
  assert.equal(survival.status, 200);
  assert.equal(survival.cache, 'miss');
  assert.deepEqual(survival.body, cli.survival);
  assert.equal((survival.body.segments as unknown[]).length, 3);
  const again = await get(open.url, '/api/survival?by=plan');
  assert.equal(again.cache, 'hit');
  assert.deepEqual((await get(open.url, '/api/sbg')).body, cli.sbg);
  assert.deepEqual((await get(open.url, '/api/hazards')).body, cli.hazards);
});

test('OpenAPI lists them; bad parameters are refused naming the field; a viewer token suffices', async () => {
  const doc = await get(open.url, '/openapi.json');
  for (const p of ['/api/survival', '/api/sbg', '/api/hazards']) {
    assert.ok(Object.keys(doc.body.paths as object).includes(p), p);
  }
  const bad = await get(open.url, '/api/survival?by=favourite_colour');
  assert.equal(bad.status, 400);
  assert.match(JSON.stringify(bad.body), /by/);
  assert.equal((await get(open.url, '/api/sbg?discount=-1')).status, 400);
  assert.equal((await get(locked.url, '/api/survival')).status, 401);
  const allowed = await get(locked.url, '/api/survival', viewer);
  assert.equal(allowed.status, 200);
  assert.equal((allowed.body.segments as { segment: string }[])[0]?.segment, 'all');
});

test('the CLI refuses a bad breakdown, as-of or level with the option named and no stack trace', () => {
  const patterns = [
    /cannot break down by 'favourite_colour'/,
    /--as-of must be a day YYYY-MM-DD or a timestamp/,
    /--level must be a number ≥ 0.5 and ≤ 0.9999/,
    /give either --data DIR or --db FILE\|URL/,
  ];
  assert.equal(refusals.length, patterns.length);
  for (const [i, out] of refusals.entries()) {
    assert.equal(out.status, 2, out.stderr);
    assert.match(out.stderr, patterns[i] as RegExp);
    assert.doesNotMatch(out.stderr, /\n +at /);
  }
});
