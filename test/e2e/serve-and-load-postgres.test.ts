// A daily load while the dashboard stays up, on PostgreSQL: the server holds no lock, so `tenure ingest`
// (a process of its own) loads beside it and the API answers with the new data once it reads the
// warehouse's version again (at most a second later); a load through the server (POST /api/loads) is
// answered at once.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { CATALOG } from '../../src/catalog/catalog.ts';
import { loadWarehouse } from '../../src/ingest/load-warehouse.ts';
import { type Serving, startServer } from '../../src/server/serve.ts';
import { PostgresEngine } from '../../src/warehouse/postgres/postgres-engine.ts';
import { CLI } from '../support/cli.ts';
import { type PostgresServer, postgresUnavailable, startPostgres } from '../support/postgres-server.ts';

const unavailable = postgresUnavailable();
if (unavailable && process.env.CI) {
  test('a PostgreSQL server is available for the PostgreSQL tests', () => assert.fail(unavailable));
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MRR = '/api/kpis?ids=mrr&from=2025-01-01&to=2025-02-28&as_of=2025-03-01';

// Three customers paying 100, 200 and 300 from January (MRR 600). The first daily batch: c4 pays 50 from
// Feb 3 and c1 goes from 100 to 150 on Feb 15 (February: 700). The second: c2 cancels on Feb 20 (500).
const FILES: Record<string, string> = {
  'base/customers.csv': `customer_id,signed_up_at
c1,2025-01-05T00:00:00Z
c2,2025-01-10T00:00:00Z
c3,2025-01-20T00:00:00Z
`,
  'base/subscription_changes.csv': `customer_id,effective_at,mrr
c1,2025-01-05T00:00:00Z,100
c2,2025-01-10T00:00:00Z,200
c3,2025-01-20T00:00:00Z,300
`,
  'day1/customers.csv': `customer_id,signed_up_at
c4,2025-02-03T00:00:00Z
`,
  'day1/subscription_changes.csv': `customer_id,effective_at,mrr
c4,2025-02-03T00:00:00Z,50
c1,2025-02-15T00:00:00Z,150
`,
  'day2/subscription_changes.csv': `customer_id,effective_at,mrr
c2,2025-02-20T00:00:00Z,0
`,
};

describe('loading into PostgreSQL while the server runs', { skip: unavailable }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'tenure-serve-load-pg-'));
  let pg: PostgresServer;
  let url: string;
  let engine: PostgresEngine;
  let server: Serving;

  before(async () => {
    for (const [name, text] of Object.entries(FILES)) {
      mkdirSync(join(dir, name, '..'), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    pg = await startPostgres();
    url = await pg.createDatabase('serve_and_load');
    engine = await PostgresEngine.open(url);
    await loadWarehouse(engine, { dataDir: join(dir, 'base') });
    const catalog = { definitions: CATALOG, applied: [], custom: [] };
    server = await startServer({ engine, catalog, host: '127.0.0.1', port: 0 });
  });

  after(async () => {
    await server?.app.close();
    await engine?.close();
    await pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const february = async () => {
    const body = (await (await fetch(`${server.url}${MRR}`)).json()) as { results: { value: number }[] };
    return body.results[1]?.value;
  };

  test('`tenure ingest` in another process: the API shows the load once it reads the version again', async () => {
    assert.equal(await february(), 600);
    const load = spawnSync(process.execPath, [...CLI, 'ingest', '--data', join(dir, 'day1'), '--db', url], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    assert.equal(load.status, 0, load.stderr);
    assert.doesNotMatch(load.stderr, /through/);
    // The server reads PostgreSQL's version at most once a second: ask until it has (or fail after 30 s).
    let seen = await february();
    for (let i = 0; i < 60 && seen !== 700; i++) {
      await sleep(500);
      seen = await february();
    }
    assert.equal(seen, 700);
  });

  test('a load through the server is answered at once', async () => {
    const res = await fetch(`${server.url}/api/loads`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ data_dir: join(dir, 'day2') }),
    });
    const body = (await res.json()) as { load_id: number; tables: Record<string, { loaded: number }> };
    assert.equal(res.status, 200, JSON.stringify(body));
    assert.equal(body.load_id, 3);
    assert.equal(body.tables.subscription_changes?.loaded, 1);
    assert.equal(await february(), 500);
  });
});
