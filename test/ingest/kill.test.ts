// Atomicity under SIGKILL: the ingest command, killed while validating and again while publishing a large
// events.csv (1.5 million rows), leaves the warehouse exactly as it was (same rows, same hashes, no new
// load recorded), and the file still opens and takes the same load to the end.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { TABLE_NAMES } from '../../src/schema/tables.ts';
import { DuckDBEngine } from '../../src/warehouse/duckdb/duckdb-engine.ts';
import { CLI } from '../support/cli.ts';
import { fixture, load, REPO_ROOT, tableExists, withTempDir } from './helpers.ts';

const CUSTOMERS = 2_000;
const EVENTS = 1_500_000;
const CHUNK = 50_000;
const EVENT_NAMES = ['login', 'report_created', 'dashboard_shared', 'export', 'invite_sent'];

/** Writes a big but valid data folder with plain string building, chunk by chunk. */
async function writeBigFolder(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const customers: string[] = ['customer_id,signed_up_at,plan,channel,country'];
  for (let i = 0; i < CUSTOMERS; i++) {
    const day = String(1 + (i % 28)).padStart(2, '0');
    customers.push(`b${i},2024-01-${day}T09:00:00Z,${i % 3 === 0 ? 'pro' : 'basic'},organic,US`);
  }
  await writeAll(join(dir, 'customers.csv'), [`${customers.join('\n')}\n`]);
  // One event a second from 2024-02-01T00:00:00Z; times of day are made once (no Date per row).
  const pad = (n: number) => String(n).padStart(2, '0');
  const timesOfDay = Array.from(
    { length: 86_400 },
    (_, s) => `${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`,
  );
  function* chunks(): Generator<string> {
    yield 'event_id,customer_id,occurred_at,name\n';
    for (let start = 0; start < EVENTS; start += CHUNK) {
      let text = '';
      for (let i = start; i < Math.min(start + CHUNK, EVENTS); i++) {
        const at = `2024-02-${pad(1 + Math.floor(i / 86_400))}T${timesOfDay[i % 86_400]}Z`;
        text += `ev${i},b${i % CUSTOMERS},${at},${EVENT_NAMES[i % EVENT_NAMES.length]}\n`;
      }
      yield text;
    }
  }
  await writeAll(join(dir, 'events.csv'), chunks());
}

async function writeAll(path: string, parts: Iterable<string>): Promise<void> {
  const out = createWriteStream(path);
  for (const part of parts) {
    if (!out.write(part)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

type Snap = Record<string, { rows: string; hash: string }>;

/** Row count and a content hash of every table, canonical and bookkeeping. */
async function snapshotHashes(db: DuckDBEngine): Promise<Snap> {
  const snap: Snap = {};
  for (const name of [...TABLE_NAMES, 'tenure_loads', 'tenure_load_files', 'tenure_quarantine']) {
    if (!(await tableExists(db, name))) continue;
    const [row] = await db.query(
      `SELECT count(*)::VARCHAR AS n, coalesce(sum(hash(t)), 0)::VARCHAR AS h FROM "${name}" t`,
    );
    snap[name] = { rows: String(row?.n), hash: String(row?.h) };
  }
  return snap;
}

interface Run {
  readonly child: ChildProcess;
  readonly stderr: () => string;
  readonly stdout: () => string;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function runCli(args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, [...CLI, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  return { child, stderr: () => stderr, stdout: () => stdout, exit };
}

/** Runs the ingest command on `big` and SIGKILLs it as soon as stderr matches `when`; returns the match. */
async function killWhen(big: string, dbFile: string, when: RegExp): Promise<string> {
  const run = runCli(['ingest', '--data', big, '--db', dbFile], { TENURE_PROGRESS: 'lines' });
  let killedAt = '';
  await new Promise<void>((resolve, reject) => {
    run.child.stderr?.on('data', () => {
      const m = run.stderr().match(when);
      if (m && !killedAt) {
        killedAt = m[0];
        run.child.kill('SIGKILL');
        resolve();
      }
    });
    run.exit.then(({ code }) => {
      if (!killedAt) reject(new Error(`ingest ended (exit ${code}) before ${when} showed:\n${run.stderr()}`));
    });
  });
  const { signal } = await run.exit;
  assert.equal(signal, 'SIGKILL', `killed at "${killedAt}"`);
  assert.match(run.stderr(), /tenure: customers\.csv: /, 'customers.csv was worked on before events.csv');
  return killedAt;
}

// The stage lines the ingest command prints with TENURE_PROGRESS=lines once events.csv is being worked on:
// validating (printed as 'validating' or 'reading and validating'), then checking keys, then publishing.
const KILL_POINTS: readonly RegExp[] = [
  /tenure: events\.csv: (?:[a-z ]*validating|checking keys and references)/,
  /tenure: events\.csv: publishing/,
];

test('a load killed with SIGKILL while working on events.csv leaves the warehouse as it was', {
  timeout: 120_000,
}, async (t) => {
  await withTempDir(async (dir) => {
    const big = join(dir, 'big');
    const dbFile = join(dir, 'tenure.duckdb');
    await writeBigFolder(big);

    // A first, small load so the warehouse is not empty.
    let db = await DuckDBEngine.open(dbFile);
    await load(db, fixture('crlf'));
    const before = await snapshotHashes(db);
    await db.close();
    assert.equal(before.tenure_loads?.rows, '1');
    assert.equal(before.customers?.rows, '3');

    for (const when of KILL_POINTS) {
      const killedAt = await killWhen(big, dbFile, when);
      t.diagnostic(`killed at "${killedAt}"`);
      db = await DuckDBEngine.open(dbFile);
      try {
        assert.deepEqual(
          await snapshotHashes(db),
          before,
          `every table is as it was (killed at "${killedAt}")`,
        );
        const loads = await db.query('SELECT load_id FROM tenure_loads ORDER BY load_id');
        assert.deepEqual(loads, [{ load_id: 1 }], 'the killed load left no row in tenure_loads');
      } finally {
        await db.close();
      }
    }

    // The file is not corrupted: the same load, run to the end, succeeds.
    const again = runCli(['ingest', '--data', big, '--db', dbFile, '--json']);
    const { code } = await again.exit;
    assert.equal(code, 0, again.stderr());
    const report = JSON.parse(again.stdout()) as {
      load_id: number;
      tables: Record<string, { read: number; loaded: number; quarantined: number; duplicates: number }>;
    };
    assert.equal(report.load_id, 2);
    // (duplicates is left out here: see the counting bug in bugs.test.ts; this test is about atomicity.)
    const loaded = Object.fromEntries(
      Object.entries(report.tables).map(([name, r]) => [name, [r.read, r.loaded, r.quarantined]]),
    );
    assert.deepEqual(loaded, { customers: [CUSTOMERS, CUSTOMERS, 0], events: [EVENTS, EVENTS, 0] });

    db = await DuckDBEngine.open(dbFile);
    try {
      const after = await snapshotHashes(db);
      assert.equal(after.customers?.rows, String(3 + CUSTOMERS));
      assert.equal(after.events?.rows, String(2 + EVENTS));
      assert.equal(
        after.orders?.hash,
        before.orders?.hash,
        'tables the big load did not touch are unchanged',
      );
      assert.equal(after.tenure_loads?.rows, '2');
    } finally {
      await db.close();
    }
  });
});
