// The generator and ingestion agree on the contract: a generated company loads whole (nothing quarantined,
// every table), a second load of it changes nothing, and `tenure demo` (the main job) runs end to end.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { TABLE_NAMES } from '../../src/schema/tables.ts';
import { CLI } from '../support/cli.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// Resolved here, so the CLI can run from any working folder.

function tenure(args: string[], cwd = ROOT) {
  const run = spawnSync(process.execPath, [...CLI, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, TENURE_PROGRESS: '' },
  });
  assert.equal(run.status, 0, `tenure ${args.join(' ')} failed:\n${run.stderr}`);
  return run.stdout;
}

type Counts = { read: number; loaded: number; quarantined: number; duplicates: number };

describe('generate → ingest', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tenure-e2e-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const format of ['csv', 'parquet'] as const) {
    test(`a generated company (${format}) loads whole, and loading it again changes nothing`, () => {
      const data = join(dir, `company-${format}`);
      const db = join(dir, `${format}.duckdb`);
      const generated = JSON.parse(
        tenure([
          'generate',
          '--customers',
          '300',
          '--months',
          '12',
          '--seed',
          '5',
          '--out',
          data,
          '--format',
          format,
          '--json',
        ]),
      ) as { tables: Record<string, number> };
      const first = JSON.parse(tenure(['ingest', '--data', data, '--db', db, '--json'])) as {
        tables: Record<string, Counts>;
      };
      for (const name of TABLE_NAMES) {
        const rows = generated.tables[name] ?? 0;
        assert.ok(rows > 0, `${name} generated`);
        assert.deepEqual(
          first.tables[name],
          { read: rows, loaded: rows, quarantined: 0, duplicates: 0 },
          name,
        );
      }
      const second = JSON.parse(tenure(['ingest', '--data', data, '--db', db, '--json'])) as {
        tables: Record<string, Counts>;
      };
      for (const name of TABLE_NAMES) {
        const rows = generated.tables[name] ?? 0;
        assert.deepEqual(
          second.tables[name],
          { read: rows, loaded: 0, quarantined: 0, duplicates: rows },
          name,
        );
      }
      assert.equal(tenure(['quarantine', '--db', db]).trim(), 'no quarantined rows');
    });
  }

  test('tenure demo generates the sample company, loads it and prints what was loaded', () => {
    const out = tenure(['demo', '--customers', '200', '--no-serve'], dir);
    assert.match(out, /generating a sample company/);
    for (const name of TABLE_NAMES) assert.match(out, new RegExp(`^${name}\\s+\\d+\\s+\\d+\\s+0\\s+0$`, 'm'));
    // Run again: the sample is there, so nothing is generated and every row is a duplicate delivery.
    const again = tenure(['demo', '--customers', '200', '--no-serve'], dir);
    assert.doesNotMatch(again, /generating/);
    assert.match(again, /^customers\s+200\s+0\s+0\s+200$/m);
  });
});
