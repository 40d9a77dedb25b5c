// The warm-up: a server started with `warm` computes the overview's first request (the whole catalog over
// the default range, and the headline's numbers) in the background, so the browser's identical request is then a cache hit.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CATALOG } from '../../src/catalog/catalog.ts';
import { ingest } from '../../src/ingest/ingest.ts';
import { defaultRange, headlinePaths } from '../../src/server/default-range.ts';
import { type Serving, startServer } from '../../src/server/serve.ts';
import { generateCompany } from '../../src/synth/generate.ts';
import { DuckDBEngine } from '../../src/warehouse/duckdb/duckdb-engine.ts';

const dir = mkdtempSync(join(tmpdir(), 'tenure-warm-'));
let engine: DuckDBEngine | undefined;
let server: Serving | undefined;

after(async () => {
  await server?.app.close();
  await engine?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('after the warm-up, the overview request is answered from the cache', async () => {
  await generateCompany({ customers: 150, months: 6, seed: 4, out: join(dir, 'company') });
  engine = await DuckDBEngine.open(join(dir, 'tenure.duckdb'));
  await ingest(engine, { dataDir: join(dir, 'company') });
  const catalog = { definitions: CATALOG, applied: [], custom: [] };
  server = await startServer({ engine, catalog, host: '127.0.0.1', port: 0, warm: true });
  await server.warmed;
  const health = (await (await fetch(`${server.url}/api/health/data`)).json()) as { as_of: string };
  const range = defaultRange(health.as_of);
  const res = await fetch(`${server.url}/api/kpis?${new URLSearchParams({ ids: 'all', ...range })}`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('x-tenure-cache'), 'hit');
  // And the headline's two requests, exactly as the overview makes them.
  for (const path of Object.values(headlinePaths(range))) {
    const headline = await fetch(`${server.url}${path}`);
    assert.equal(headline.status, 200, path);
    assert.equal(headline.headers.get('x-tenure-cache'), 'hit', path);
  }
  // 12 complete months before the data's end, every month: from the first of a month to the last of one.
  assert.match(range.from, /-01$/);
  assert.equal(new Date(`${range.to}T00:00:00Z`).getUTCDate() >= 28, true);
});
