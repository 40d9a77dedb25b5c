// A daily load while the dashboard stays up (issue 17 item 9), with real processes on a real DuckDB file:
// `tenure serve` holds the file, so `tenure ingest` and `tenure compute` on it go through that server (found
// by the note it leaves beside the file) and the API answers with the new data at once; with tokens
// required, only the note's key or an admin may load; a file held by any other process is refused naming
// that process and what to do, never in DuckDB's words.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CATALOG } from '../../src/catalog/catalog.ts';
import { loadProjectFile } from '../../src/catalog/project-file.ts';
import { computeThroughServer } from '../../src/cli/through-server.ts';
import type { TenureError } from '../../src/errors/tenure-error.ts';
import { loadWarehouse } from '../../src/ingest/load-warehouse.ts';
import { createToken, ensureTokenTable } from '../../src/server/tokens.ts';
import { DuckDBEngine } from '../../src/warehouse/duckdb/duckdb-engine.ts';
import { readServingNote, servingNotePath, writeServingNote } from '../../src/warehouse/serving-note.ts';
import { CLI } from '../support/cli.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tenure-serve-load-'));
const db = join(dir, 'acme.duckdb');
const base = join(dir, 'base');
const extra = join(dir, 'extra');
const project = join(dir, 'other.yaml');
const tokens: Record<string, string> = {};

// Three customers paying 100, 200 and 300 from January: MRR 600 at the end of January and of February.
// The daily batch: c4 starts paying 50 on Feb 3 and c1 upgrades from 100 to 150 on Feb 15, so February's
// MRR becomes 600 + 50 + 50 = 700 over 4 customers; January's stays 600.
const FILES: Record<string, string> = {
  'base/customers.csv': `customer_id,signed_up_at,plan,channel,country
c1,2025-01-05T00:00:00Z,starter,organic,US
c2,2025-01-10T00:00:00Z,pro,paid,DE
c3,2025-01-20T00:00:00Z,pro,organic,FR
`,
  'base/subscription_changes.csv': `customer_id,effective_at,mrr,plan,reason
c1,2025-01-05T00:00:00Z,100,starter,new
c2,2025-01-10T00:00:00Z,200,pro,new
c3,2025-01-20T00:00:00Z,300,pro,new
`,
  'extra/customers.csv': `customer_id,signed_up_at,plan,channel,country
c4,2025-02-03T00:00:00Z,starter,paid,US
`,
  'extra/subscription_changes.csv': `customer_id,effective_at,mrr,plan,reason
c4,2025-02-03T00:00:00Z,50,starter,new
c1,2025-02-15T00:00:00Z,150,starter,upgrade
`,
  // A project whose stickiness ratio differs from the shipped one; MRR's definition is the same.
  'other.yaml': `kpis:
  stickiness_ratio:
    params: { active_events: [opened_app] }
`,
};

const RANGE = ['--from', '2025-01-01', '--to', '2025-02-28', '--as-of', '2025-03-01'];
const MRR = '/api/kpis?ids=mrr&from=2025-01-01&to=2025-02-28&as_of=2025-03-01';

before(async () => {
  mkdirSync(base);
  mkdirSync(extra);
  for (const [name, text] of Object.entries(FILES)) writeFileSync(join(dir, name), text);
  const engine = await DuckDBEngine.open(db);
  try {
    await loadWarehouse(engine, { dataDir: base });
    await ensureTokenTable(engine);
    for (const role of ['viewer', 'editor', 'admin']) tokens[role] = (await createToken(engine, role)).token;
  } finally {
    await engine.close();
  }
});

after(() => rmSync(dir, { recursive: true, force: true }));

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function start(args: string[]): ChildProcess {
  return spawn(process.execPath, [...CLI, ...args], {
    cwd: dir,
    env: { ...process.env, TENURE_PROGRESS: '' },
  });
}

/** A `tenure` command run to its end. */
function tenure(...args: string[]): Promise<Ran> {
  const child = start(args);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d;
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d;
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

interface Serving {
  url: string;
  pid: number;
  /** Stops it with SIGINT, as Ctrl-C does; its exit code. */
  stop(): Promise<number | null>;
}

/** `tenure serve` on the warehouse, on a free port, once it says where it listens. */
async function serve(...args: string[]): Promise<Serving> {
  const child = start(['serve', '--db', db, '--port', '0', ...args]);
  let out = '';
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d;
      const found = /Tenure is serving .* on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (found?.[1]) resolve(found[1]);
    });
    void exited.then((code) => reject(new Error(`serve exited (${code}) before listening:\n${out}\n${err}`)));
  });
  return {
    url,
    pid: child.pid as number,
    stop: () => {
      child.kill('SIGINT');
      return exited;
    },
  };
}

async function api(
  url: string,
  path: string,
  init: { method?: string; token?: string; body?: unknown } = {},
) {
  const res = await fetch(`${url}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: the answers' shapes are asserted field by field below
  const body = (await res.json()) as any;
  return { status: res.status, cache: res.headers.get('x-tenure-cache'), body };
}

/** February's and January's MRR (and February's n) as the API serves them. */
async function mrr(url: string, token?: string) {
  const { body, cache } = await api(url, MRR, { token });
  const [jan, feb] = body.results as { value: number; n: number }[];
  return { jan: jan?.value, feb: feb?.value, n: feb?.n, cache };
}

test('a daily load while `tenure serve` holds the file goes through the server; the API and compute answer with it', async () => {
  const server = await serve();
  let stopped: number | null = null;
  try {
    assert.deepEqual(await mrr(server.url), { jan: 600, feb: 600, n: 3, cache: 'miss' });
    assert.equal((await mrr(server.url)).cache, 'hit');
    // The note beside the file names the server, for its user's eyes only.
    const written = JSON.parse(readFileSync(servingNotePath(db), 'utf8'));
    assert.equal(written.pid, server.pid);
    assert.equal(written.url, server.url);
    assert.equal(statSync(servingNotePath(db)).mode & 0o777, 0o600);

    const load = await tenure('ingest', '--data', extra, '--db', db);
    assert.equal(load.code, 0, load.stderr);
    assert.equal(load.stderr, `loading through \`tenure serve\` (PID ${server.pid}) at ${server.url}\n`);
    assert.match(load.stdout, /customers\s+1\s+1\s+0\s+0\n/);
    assert.match(load.stdout, /subscription_changes\s+2\s+2\s+0\s+0\n/);
    assert.match(load.stdout, /load 2 took/);
    // The new version is noticed: not the cached 600 but 700, computed again.
    assert.deepEqual(await mrr(server.url), { jan: 600, feb: 700, n: 4, cache: 'miss' });
    const health = await api(server.url, '/api/health/data');
    assert.deepEqual(
      health.body.loads.map((l: { load_id: number; rows_loaded: number }) => [l.load_id, l.rows_loaded]),
      [
        [2, 3],
        [1, 6],
      ],
    );

    // compute asks the server: the API's own rows.
    const computed = await tenure('compute', '--db', db, '--kpi', 'mrr', ...RANGE, '--json');
    assert.equal(computed.code, 0, computed.stderr);
    const served = await api(server.url, MRR);
    assert.deepEqual(JSON.parse(computed.stdout), served.body.results);
    assert.equal(JSON.parse(computed.stdout)[1].value, 700);

    // The same batch again is idempotent through the server too: every row a duplicate, nothing changes.
    const again = await tenure('ingest', '--data', extra, '--db', db, '--json');
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stderr, '');
    const summary = JSON.parse(again.stdout);
    assert.deepEqual(Object.keys(summary), ['load_id', 'tables', 'ignored', 'rollups', 'seconds']);
    assert.equal(summary.load_id, 3);
    assert.deepEqual(summary.tables, {
      customers: { read: 1, loaded: 0, quarantined: 0, duplicates: 1 },
      subscription_changes: { read: 2, loaded: 0, quarantined: 0, duplicates: 2 },
    });
    assert.equal((await mrr(server.url)).feb, 700);

    // What the server cannot compute as asked is refused with what to do (the command's own function,
    // here in this process, on the note the command reads).
    const note = readServingNote(db);
    assert.ok(note);
    const asked = { kpis: ['mrr', 'stickiness_ratio'], from: '2025-01-01', to: '2025-02-28', grain: 'month' };
    const other = (await loadProjectFile(project)).definitions;
    await assert.rejects(
      computeThroughServer(note, { ...asked, filters: [], minSample: 30, definitions: other }),
      (err: TenureError) =>
        err.code === 'bad_config' &&
        /computes stickiness_ratio with other definitions than this command's project file/.test(
          err.message,
        ) &&
        /give --project the file the server was started with/.test(err.hint),
    );
    await assert.rejects(
      computeThroughServer(note, { ...asked, filters: [], minSample: 5, definitions: CATALOG }),
      (err: TenureError) => err.code === 'busy' && err.hint.includes(`kill -INT ${server.pid}`),
    );
    const shipped = await computeThroughServer(note, {
      ...asked,
      filters: [],
      minSample: 30,
      definitions: CATALOG,
    });
    assert.deepEqual(
      shipped.filter((r) => r.kpi === 'mrr').map((r) => r.value),
      [600, 700],
    );
  } finally {
    stopped = await server.stop();
  }
  assert.equal(stopped, 0);
  // Stopped: the note is gone and the next load opens the file itself.
  assert.equal(existsSync(servingNotePath(db)), false);
  const direct = await tenure('ingest', '--data', extra, '--db', db);
  assert.equal(direct.code, 0, direct.stderr);
  assert.doesNotMatch(direct.stderr, /through/);
  assert.match(direct.stdout, /load 4 took/);
});

test('with tokens required, the note key loads and an admin token may; viewers and editors may not', async () => {
  const server = await serve('--require-tokens');
  try {
    const body = { data_dir: extra };
    assert.equal((await api(server.url, '/api/loads', { method: 'POST', body })).status, 401);
    for (const role of ['viewer', 'editor']) {
      const refused = await api(server.url, '/api/loads', { method: 'POST', body, token: tokens[role] });
      assert.equal(refused.status, 403, role);
      assert.match(refused.body.error.message, /needs the admin role/);
    }
    const relative = await api(server.url, '/api/loads', {
      method: 'POST',
      body: { data_dir: 'extra' },
      token: tokens.admin,
    });
    assert.equal(relative.status, 400);
    assert.equal(relative.body.error.field, 'body.data_dir');
    // A load refused for one of its files names the file in the message, as `tenure ingest` prints it.
    const holey = join(dir, 'holey');
    mkdirSync(join(holey, 'customers.csv'), { recursive: true });
    const folder = await api(server.url, '/api/loads', {
      method: 'POST',
      body: { data_dir: holey },
      token: tokens.admin,
    });
    assert.equal(folder.status, 400);
    assert.equal(folder.body.error.message, 'customers.csv: this is a folder, not a file');
    const admin = await api(server.url, '/api/loads', { method: 'POST', body, token: tokens.admin });
    assert.equal(admin.status, 200, JSON.stringify(admin.body));
    assert.equal(admin.body.load_id, 5);
    // The command line needs no token: the note's key acts as admin.
    const load = await tenure('ingest', '--data', extra, '--db', db, '--json');
    assert.equal(load.code, 0, load.stderr);
    assert.equal(JSON.parse(load.stdout).load_id, 6);
    const health = await api(server.url, '/api/health/data', { token: tokens.viewer });
    assert.deepEqual(
      health.body.loads.slice(0, 3).map((l: { load_id: number }) => l.load_id),
      [6, 5, 4],
    );
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

test('a file held by another process is refused naming it and what to do, never in DuckDB words', async () => {
  // A process that opens the file and keeps it, as a long command would; a note naming another live
  // process (this test) beside it is not taken for the holder's.
  const holder = spawn(
    process.execPath,
    [
      '-e',
      // (kept in a global: an instance no longer referenced is collected, and its lock released)
      "require('@duckdb/node-api').DuckDBInstance.create(process.argv[1]).then((i) => { globalThis.held = i; console.log('holding'); setInterval(() => {}, 1e6); })",
      db,
    ],
    { cwd: ROOT },
  );
  try {
    await new Promise<void>((resolve, reject) => {
      holder.stdout.on('data', (d: Buffer) => String(d).includes('holding') && resolve());
      holder.on('exit', (code) => reject(new Error(`the holder exited (${code})`)));
    });
    writeServingNote({
      pid: process.pid,
      url: 'http://127.0.0.1:9',
      host: '127.0.0.1:9',
      key: 'not-the-holder',
      db,
      started_at: new Date().toISOString(),
    });
    for (const args of [
      ['ingest', '--data', extra, '--db', db],
      ['compute', '--db', db, '--kpi', 'mrr', ...RANGE],
    ]) {
      const r = await tenure(...args);
      assert.equal(r.code, 6, `${args[0]}: ${r.stderr}`);
      assert.equal(
        r.stderr,
        `tenure: the warehouse ${db} is open in another process (PID ${holder.pid}, ${process.execPath}) — one process at a time may open it: wait for that process (a load or a command still running) to finish, or stop it (kill -INT ${holder.pid}), then run this again\n`,
      );
      assert.doesNotMatch(r.stderr, /IO Error|Conflicting lock|duckdb\.org/);
    }
    assert.equal(holder.exitCode, null, 'the holder kept the file to the end');
  } finally {
    holder.kill('SIGKILL');
    rmSync(servingNotePath(db), { force: true });
  }
});
