// A generated company loaded with `tenure ingest` into two real ClickHouse 18.16 servers forming a
// two-shard cluster (one cluster start for the file): customers spread over both shards, each on exactly
// one, with its events beside it; read = loaded + quarantined + duplicates; the user-days rollup built by
// each shard from its own customers equals DuckDB's row for row. The same company into chDB. A load killed
// with SIGKILL while writing its events leaves no visible row and the next load removes what it wrote.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { computeKpis } from '../../src/compiler/compute.ts';
import { RunRollups } from '../../src/compiler/rollups/run-rollups.ts';
import { TenureError } from '../../src/errors/tenure-error.ts';
import { ingest } from '../../src/ingest/ingest.ts';
import { TABLE_NAMES } from '../../src/schema/tables.ts';
import { generateCompany } from '../../src/synth/generate.ts';
import { ClickHouseEngine } from '../../src/warehouse/clickhouse/clickhouse-engine.ts';
import { localTable } from '../../src/warehouse/clickhouse/clickhouse-tables.ts';
import { DuckDBEngine } from '../../src/warehouse/duckdb/duckdb-engine.ts';
import type { Row } from '../../src/warehouse/engine.ts';
import { REPO_ROOT } from '../ingest/helpers.ts';
import { CLI } from '../support/cli.ts';
import {
  type ClickHouseCluster,
  clickhouseUnavailable,
  startClickHouseCluster,
} from '../support/clickhouse-cluster.ts';

const unavailable = clickhouseUnavailable();
if (unavailable && process.env.CI) {
  test('a ClickHouse server is available for the ClickHouse cluster tests', () => assert.fail(unavailable));
}
const skip = unavailable ? `skipped: ${unavailable}` : false;

interface Counts {
  read: number;
  loaded: number;
  quarantined: number;
  duplicates: number;
}

interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `tenure ingest --json` as a user runs it; `killWhen` SIGKILLs it as soon as stderr matches. */
async function tenureIngest(
  data: string,
  db: string,
  opts: { env?: Record<string, string>; killWhen?: RegExp } = {},
): Promise<Run> {
  const child = spawn(process.execPath, [...CLI, 'ingest', '--data', data, '--db', db, '--json'], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (opts.killWhen?.test(stderr) && child.exitCode === null) child.kill('SIGKILL');
  });
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  return { code, signal, stdout, stderr };
}

function loadCounts(run: Run): Record<string, Counts> {
  assert.equal(run.code, 0, run.stderr);
  return (JSON.parse(run.stdout) as { tables: Record<string, Counts> }).tables;
}

let cluster: ClickHouseCluster | undefined;
let dir = '';
let company = '';
let duck: DuckDBEngine | undefined;
/** DuckDB's rows of each table after loading the company, and its user days (RunRollups.userDays([])). */
let reference: { counts: Record<string, number>; userDays: Row[] } = { counts: {}, userDays: [] };

before(async () => {
  if (unavailable) return;
  cluster = await startClickHouseCluster();
  dir = await mkdtemp(join(tmpdir(), 'tenure-clickhouse-cluster-'));
  company = join(dir, 'company');
  await generateCompany({ customers: 120, months: 6, seed: 11, out: company, format: 'csv' });
  duck = await DuckDBEngine.open(':memory:');
  await ingest(duck, { dataDir: company });
  for (const t of TABLE_NAMES) {
    const [row] = await duck.query(`SELECT count(*) AS n FROM "${t}"`);
    reference.counts[t] = Number(row?.n);
  }
  const rollups = new RunRollups(duck, 'all', { useStored: false });
  const table = await rollups.userDays([]);
  reference = {
    counts: reference.counts,
    userDays: await duck.query(
      `SELECT user_key, customer_id, CAST(day AS VARCHAR) AS day, events, first_at, gap FROM ${table}
       ORDER BY user_key, day`,
    ),
  };
});

after(async () => {
  await duck?.close();
  await cluster?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const USER_DAYS_SQL = (table: string) =>
  `SELECT user_key, customer_id, toString(day) AS day, events, first_at, gap FROM ${table} ORDER BY user_key, day`;

test('tenure ingest into a two-shard cluster: customers spread over both shards, user days as DuckDB', {
  skip,
  timeout: 120_000,
}, async () => {
  const c = cluster as ClickHouseCluster;
  const url = await c.createDatabase('company');
  const counts = loadCounts(await tenureIngest(company, url));
  for (const [table, n] of Object.entries(counts)) {
    assert.equal(
      n.read,
      n.loaded + n.quarantined + n.duplicates,
      `${table}: read = loaded + quarantined + duplicates`,
    );
  }
  assert.equal(counts.customers?.loaded, 120);
  const engine = await ClickHouseEngine.open(url);
  try {
    assert.equal(engine.nodes.length, 2);
    // Every table holds what DuckDB holds, seen through the views of published loads.
    for (const t of TABLE_NAMES) {
      const [row] = await engine.query(`SELECT count() AS n FROM ${t}`);
      assert.equal(Number(row?.n), reference.counts[t], t);
    }
    // Each customer on exactly one shard, both shards used, each customer's events beside it.
    const shards: Set<string>[] = [];
    for (const node of engine.nodes) {
      const ids = await engine.queryOn<{ id: string }>(
        node.connection,
        `SELECT customer_id AS id FROM ${localTable('customers')}`,
      );
      const own = new Set(ids.map((r) => r.id));
      assert.ok(own.size > 0, `shard ${node.shard} holds customers`);
      const [events] = await engine.queryOn(
        node.connection,
        `SELECT count() AS n FROM ${localTable('events')}`,
      );
      assert.ok(Number(events?.n) > 0, `shard ${node.shard} holds events`);
      const foreign = await engine.queryOn<{ id: string }>(
        node.connection,
        `SELECT DISTINCT customer_id AS id FROM ${localTable('events')}`,
      );
      assert.deepEqual(
        foreign.filter((r) => !own.has(r.id)),
        [],
        `shard ${node.shard}: events of its own customers only`,
      );
      shards.push(own);
    }
    const [one, two] = shards as [Set<string>, Set<string>];
    assert.deepEqual(
      [...one].filter((id) => two.has(id)),
      [],
      'no customer on both shards',
    );
    assert.equal(one.size + two.size, 120);

    // The user-days rollup: built by each shard from its own events, equal to DuckDB's row for row.
    const [listed] = await engine.query<{ table_name: string }>(
      `SELECT argMax(table_name, build) AS table_name FROM tenure_rollups WHERE key = 'user_days []'`,
    );
    const table = String(listed?.table_name);
    assert.deepEqual(await engine.query(USER_DAYS_SQL(table)), reference.userDays);

    // The catalog's queries need CTEs and window functions, which 18.16 lacks: refused by name, before any
    // SQL runs, not answered with a syntax error.
    if (!engine.dialect.capabilities.commonTableExpressions) {
      await assert.rejects(
        computeKpis(engine, { kpis: ['mrr'], from: '2025-01-01', to: '2025-03-31', grain: 'month' }),
        (err: unknown) =>
          err instanceof TenureError &&
          /^ClickHouse 18\.16[\d.]* has no WITH name AS \(subquery\), which computing a KPI needs$/.test(
            err.message,
          ) &&
          /21\.9 or later \(or chDB\)/.test(err.hint ?? ''),
      );
    }
    assert.ok(reference.userDays.length > 1000, `${reference.userDays.length} user days compared`);
    for (const [i, node] of engine.nodes.entries()) {
      const rows = await engine.queryOn<{ id: string; n: number }>(
        node.connection,
        `SELECT customer_id AS id, count() AS n FROM ${localTable(table)} GROUP BY customer_id`,
      );
      assert.ok(rows.length > 0, `shard ${node.shard} aggregated its customers`);
      assert.ok(
        rows.every((r) => shards[i]?.has(r.id)),
        `shard ${node.shard} aggregated only its own customers`,
      );
    }
  } finally {
    await engine.close();
  }
});

test('tenure ingest of the same company into chDB: the same rows and user days', {
  skip,
  timeout: 120_000,
}, async () => {
  const url = `chdb://${join(dir, 'chdb')}`;
  const counts = loadCounts(await tenureIngest(company, url));
  for (const [table, n] of Object.entries(counts)) {
    assert.equal(n.read, n.loaded + n.quarantined + n.duplicates, table);
  }
  const engine = await ClickHouseEngine.open(url);
  try {
    for (const t of TABLE_NAMES) {
      const [row] = await engine.query(`SELECT count() AS n FROM ${t}`);
      assert.equal(Number(row?.n), reference.counts[t], t);
    }
    const [listed] = await engine.query<{ table_name: string }>(
      `SELECT argMax(table_name, build) AS table_name FROM tenure_rollups WHERE key = 'user_days []'`,
    );
    assert.deepEqual(await engine.query(USER_DAYS_SQL(String(listed?.table_name))), reference.userDays);
  } finally {
    await engine.close();
  }
});

const BIG_CUSTOMERS = 500;
const BIG_EVENTS = 60_000;

/** A valid folder with many events, written chunk by chunk. */
async function writeBigFolder(out: string): Promise<void> {
  await mkdir(out, { recursive: true });
  const customers = ['customer_id,signed_up_at'];
  for (let i = 0; i < BIG_CUSTOMERS; i++) customers.push(`k${i},2024-01-01T00:00:00Z`);
  await writeFile(join(out, 'customers.csv'), `${customers.join('\n')}\n`);
  const events = createWriteStream(join(out, 'events.csv'));
  events.write('event_id,customer_id,occurred_at,name\n');
  for (let i = 0; i < BIG_EVENTS; i++) {
    const second = String(i % 60).padStart(2, '0');
    const minute = String(Math.floor(i / 60) % 60).padStart(2, '0');
    const day = String(1 + (Math.floor(i / 3600) % 28)).padStart(2, '0');
    if (!events.write(`x${i},k${i % BIG_CUSTOMERS},2024-02-${day}T10:${minute}:${second}Z,login\n`)) {
      await once(events, 'drain');
    }
  }
  events.end();
  await once(events, 'finish');
}

/** Rows per table as every query sees them (published loads), and as stored (with abandoned rows). */
async function rowCounts(
  engine: ClickHouseEngine,
): Promise<{ visible: Record<string, number>; stored: Record<string, number> }> {
  const visible: Record<string, number> = {};
  const stored: Record<string, number> = {};
  for (const t of [...TABLE_NAMES, 'tenure_load_files', 'tenure_quarantine']) {
    visible[t] = Number((await engine.query(`SELECT count() AS n FROM ${t}`))[0]?.n);
    stored[t] = Number((await engine.query(`SELECT count() AS n FROM ${t}_stored`))[0]?.n);
  }
  return { visible, stored };
}

test('a load killed midway leaves no visible row; the next load removes what it wrote', {
  skip,
  timeout: 120_000,
}, async () => {
  const c = cluster as ClickHouseCluster;
  const url = await c.createDatabase('killed');
  const small = join(dir, 'small');
  await mkdir(small, { recursive: true });
  await writeFile(
    join(small, 'customers.csv'),
    'customer_id,signed_up_at\ns1,2024-01-01T00:00:00Z\ns2,2024-01-02T00:00:00Z\n',
  );
  loadCounts(await tenureIngest(small, url));
  const big = join(dir, 'big');
  await writeBigFolder(big);

  const engine = await ClickHouseEngine.open(url);
  try {
    const before = await rowCounts(engine);
    assert.equal(before.visible.customers, 2);
    // Events go over in batches of 5,000 rows; the load is killed once the first batch is on the shards.
    const killed = await tenureIngest(big, url, {
      env: { TENURE_PROGRESS: 'lines', TENURE_CLICKHOUSE_BATCH_ROWS: '5000' },
      killWhen: /events\.csv: written to ClickHouse: 5000 of/,
    });
    assert.equal(killed.signal, 'SIGKILL', `killed while writing events:\n${killed.stderr.slice(-500)}`);
    const during = await rowCounts(engine);
    assert.deepEqual(during.visible, before.visible, 'no query sees any row of the killed load');
    assert.ok(
      (during.stored.events ?? 0) >= 5000,
      `the killed load had written ${during.stored.events} events`,
    );
    assert.equal(during.stored.customers, 2 + BIG_CUSTOMERS, 'and all its customers');
    assert.deepEqual(await engine.query('SELECT load_id FROM tenure_loads ORDER BY load_id'), [
      { load_id: 1 },
    ]);

    // The same load again, to the end: its id is new (2 was taken by the killed one) and the killed rows go.
    const again = await tenureIngest(big, url);
    const counts = loadCounts(again);
    assert.deepEqual(
      [counts.customers?.loaded, counts.events?.loaded],
      [BIG_CUSTOMERS, BIG_EVENTS],
      'judged against the published rows only: nothing counted as a duplicate of the killed load',
    );
    assert.equal((JSON.parse(again.stdout) as { load_id: number }).load_id, 3);
    const afterwards = await rowCounts(engine);
    assert.deepEqual(afterwards.stored, afterwards.visible, 'no row of the killed load is left');
    assert.equal(afterwards.visible.customers, 2 + BIG_CUSTOMERS);
    assert.equal(afterwards.visible.events, BIG_EVENTS);
    assert.deepEqual(await engine.query('SELECT load_id FROM tenure_loads_abandoned'), [{ load_id: 2 }]);
  } finally {
    await engine.close();
  }
});
