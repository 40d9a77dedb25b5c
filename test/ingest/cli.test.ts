// The ingest and quarantine commands as a user runs them: exit codes, one-line errors on stderr, the
// --json shapes, and the TENURE_PROGRESS=lines progress lines.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { DuckDBEngine } from '../../src/warehouse/duckdb/duckdb-engine.ts';
import { CLI } from '../support/cli.ts';
import { fixture, REPO_ROOT, tableExists, withTempDir } from './helpers.ts';

interface Result {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function tenure(args: string[], env: Record<string, string> = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...CLI, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, TENURE_PROGRESS: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Checks stderr is one line `tenure: PLACE: message — hint` with no stack trace. */
function assertOneLineError(r: Result, place: RegExp): void {
  assert.equal(r.code, 2, `exit code 2 for bad input; stderr: ${r.stderr}`);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^tenure: [^\n]+\n$/, `exactly one line on stderr, got:\n${r.stderr}`);
  assert.match(r.stderr, place);
  assert.match(r.stderr, / — \S/, 'the message ends with a hint');
  assert.doesNotMatch(r.stderr, /\bat .+:\d+:\d+|TenureError|Error:/, 'no stack trace');
}

describe('tenure ingest (command line)', { concurrency: 2 }, () => {
  test('a 0-byte customers.csv: exit 2, one line naming the file, nothing loaded', async () => {
    await withTempDir(async (dir) => {
      const db = join(dir, 'tenure.duckdb');
      const r = await tenure(['ingest', '--data', fixture('zero-byte-customers'), '--db', db, '--json']);
      assertOneLineError(r, /^tenure: customers\.csv: the file is empty \(0 bytes\) — /);
      const engine = await DuckDBEngine.open(db);
      try {
        assert.equal(await tableExists(engine, 'tenure_loads'), false, 'the refused load created nothing');
      } finally {
        await engine.close();
      }
    });
  });

  test('a missing header column: exit 2, one line naming file, line and column', async () => {
    await withTempDir(async (dir) => {
      const r = await tenure([
        'ingest',
        '--data',
        fixture('missing-header-orders'),
        '--db',
        join(dir, 't.duckdb'),
      ]);
      assertOneLineError(r, /^tenure: orders\.csv, line 1, column amount: required column amount missing/);
    });
  });

  test('--json prints {load_id, tables: {NAME: {read, loaded, quarantined, duplicates}}, ignored, rollups, seconds}', async () => {
    await withTempDir(async (dir) => {
      const r = await tenure([
        'ingest',
        '--data',
        fixture('header-only'),
        '--db',
        join(dir, 't.duckdb'),
        '--json',
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
      const out = JSON.parse(r.stdout) as Record<string, unknown>;
      assert.deepEqual(Object.keys(out), ['load_id', 'tables', 'ignored', 'rollups', 'seconds']);
      assert.equal(out.load_id, 1);
      assert.deepEqual(out.ignored, ['notes.txt']);
      // The rollups the shipped catalog reads, kept after the load: activity, user days, sessions, the key
      // action's first uses and the events of the funnel's later steps. No monthly tables (active users,
      // subscribed accounts, customer MRR): the folder has no events or subscription changes, so no months.
      assert.deepEqual(
        (out.rollups as string[]).map((k) => k.split(' ')[0]),
        ['activity', 'user_days', 'sessions', 'first_uses', 'named_events'],
      );
      assert.equal(typeof out.seconds, 'number');
      assert.deepEqual(out.tables, {
        customers: { read: 3, loaded: 3, quarantined: 0, duplicates: 0 },
        events: { read: 0, loaded: 0, quarantined: 0, duplicates: 0 },
        orders: { read: 0, loaded: 0, quarantined: 0, duplicates: 0 },
        checkins: { read: 0, loaded: 0, quarantined: 0, duplicates: 0 },
      });
    });
  });

  test('TENURE_PROGRESS=lines: stage lines per file on stderr, stdout stays pure JSON', async () => {
    await withTempDir(async (dir) => {
      const db = join(dir, 't.duckdb');
      const r = await tenure(['ingest', '--data', fixture('crlf'), '--db', db, '--json'], {
        TENURE_PROGRESS: 'lines',
      });
      assert.equal(r.code, 0, r.stderr);
      const lines = r.stderr.trimEnd().split('\n');
      for (const line of lines)
        assert.match(line, /^tenure: (customers\.csv|events\.jsonl|orders\.csv): [a-z ]+$/);
      for (const file of ['customers.csv', 'events.jsonl', 'orders.csv']) {
        assert.ok(
          lines.some((l) => l.startsWith(`tenure: ${file}: `) && l.endsWith('publishing')),
          `${file} reaches publishing`,
        );
      }
      assert.ok(
        lines.some((l) => /validating/.test(l)),
        'a validating stage is shown',
      );
      const out = JSON.parse(r.stdout) as { tables: Record<string, unknown> };
      assert.deepEqual(out.tables.orders, { read: 3, loaded: 2, quarantined: 1, duplicates: 0 });
    });
  });

  test('tenure quarantine --json lists the refused row with file, line, column, value and reason', async () => {
    await withTempDir(async (dir) => {
      const db = join(dir, 't.duckdb');
      const loaded = await tenure(['ingest', '--data', fixture('crlf'), '--db', db, '--json']);
      assert.equal(loaded.code, 0, loaded.stderr);
      const r = await tenure(['quarantine', '--db', db, '--json']);
      assert.equal(r.code, 0, r.stderr);
      const rows = JSON.parse(r.stdout) as Record<string, unknown>[];
      assert.equal(rows.length, 1);
      const [row] = rows;
      assert.ok(row);
      assert.deepEqual(Object.keys(row).sort(), [
        'column_name',
        'file',
        'line',
        'load_id',
        'raw',
        'reason',
        'reason_code',
        'table_name',
        'value',
      ]);
      assert.equal(row.load_id, 1);
      assert.equal(row.table_name, 'orders');
      assert.match(String(row.file), /crlf[/\\]orders\.csv$/);
      assert.equal(row.line, 4);
      assert.equal(row.column_name, 'amount');
      assert.equal(row.value, '-1');
      assert.equal(row.reason_code, 'negative');
      assert.match(String(row.reason), /below the smallest allowed value/);
    });
  });

  test('a folder without customers into a new warehouse: exit 2, one line naming the folder', async () => {
    await withTempDir(async (dir) => {
      const folder = fixture('no-customers');
      const r = await tenure(['ingest', '--data', folder, '--db', join(dir, 't.duckdb')]);
      assertOneLineError(r, /no customers file in/);
      assert.ok(r.stderr.startsWith(`tenure: ${folder}: `), r.stderr);
    });
  });
  test('a folder named orders.csv: exit 2 and one line naming it (it was exit 70 with a stack trace)', async () => {
    await withTempDir(async (dir) => {
      const data = join(dir, 'data');
      await mkdir(join(data, 'orders.csv'), { recursive: true });
      await writeFile(join(data, 'customers.csv'), 'customer_id,signed_up_at\nc1,2024-01-05\n');
      const r = await tenure(['ingest', '--data', data, '--db', join(dir, 't.duckdb')]);
      assertOneLineError(r, /^tenure: orders\.csv: this is a folder, not a file — /);
    });
  });

  test('customers.csv linked to /etc/passwd: exit 2, and nothing of the file is shown', async () => {
    await withTempDir(async (dir) => {
      const data = join(dir, 'data');
      await mkdir(data);
      await symlink('/etc/passwd', join(data, 'customers.csv'));
      const r = await tenure(['ingest', '--data', data, '--db', join(dir, 't.duckdb')]);
      assertOneLineError(r, /^tenure: customers\.csv: the file is a link to a file outside the data folder/);
      assert.doesNotMatch(r.stderr, /root|bash|passwd/);
    });
  });
});
