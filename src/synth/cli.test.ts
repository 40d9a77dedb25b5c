// `tenure generate` end to end, as a user runs it: the summary, the JSON form, and errors a user can act on
// (a message and exit code 2, never a stack trace).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { tenure } from '../../test/support/cli.ts';
import { TABLE_NAMES } from '../schema/tables.ts';
import { withTempDirs } from './test-helpers.ts';

test('generate --json prints {out, tables, seconds} and writes every table', async () => {
  await withTempDirs(1, async ([dir]) => {
    const out = join(dir as string, 'company');
    const run = tenure(
      'generate',
      '--customers',
      '40',
      '--months',
      '3',
      '--seed',
      '2',
      '--out',
      out,
      '--json',
    );
    assert.equal(run.status, 0, run.stderr);
    const summary = JSON.parse(run.stdout) as {
      out: string;
      tables: Record<string, number>;
      seconds: number;
    };
    assert.equal(summary.out, out);
    assert.deepEqual(Object.keys(summary.tables), [...TABLE_NAMES]);
    assert.equal(summary.tables.customers, 40);
    assert.equal(typeof summary.seconds, 'number');
    for (const name of TABLE_NAMES) assert.ok(existsSync(join(out, `${name}.csv`)), name);
    assert.ok(existsSync(join(out, 'truth.json')));
  });
});

test('generate prints rows per table, seconds and rows/s', async () => {
  await withTempDirs(1, async ([dir]) => {
    const run = tenure('generate', '--customers', '20', '--months', '2', '--out', dir as string);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^events\s+\d+$/m);
    assert.match(run.stdout, /rows\/s/);
  });
});

test('bad numbers, dates and folders are reported as such, with exit code 2', async () => {
  await withTempDirs(1, async ([dir]) => {
    const file = join(dir as string, 'a-file');
    await writeFile(file, 'not a folder');
    const cases: Array<[string[], RegExp]> = [
      [['--customers', 'abc', '--out', dir as string], /--customers must be a whole number/],
      [['--months', '0', '--out', dir as string], /--months must be a whole number/],
      [['--seed', '-1', '--out', dir as string], /--seed must be a whole number/],
      [['--end', '2025-02-30', '--out', dir as string], /end must be a date/],
      [['--format', 'xlsx', '--out', dir as string], /--format must be csv or parquet/],
      [['--customers', '5'], /output folder is required/],
      [['--customers', '5', '--out', join(file, 'sub')], /cannot create the output folder/],
    ];
    for (const [args, message] of cases) {
      const run = tenure('generate', ...args);
      assert.equal(run.status, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
      assert.match(run.stderr, /^tenure: /m);
      assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
    }
  });
});
