// DuckDB's memory limit and spill folder as Tenure sets them, on real DuckDB files: the default from the
// machine's memory, the overrides (environment and options), spilling where it was told, and a bad size refused.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { after, afterEach, test } from 'node:test';
import { TenureError } from '../../errors/tenure-error.ts';
import { DuckDBEngine } from './duckdb-engine.ts';
import { defaultMemoryLimit, duckdbMemorySettings } from './duckdb-memory.ts';

const dir = mkdtempSync(join(tmpdir(), 'tenure-memory-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  delete process.env.TENURE_MEMORY_LIMIT;
  delete process.env.TENURE_SPILL_DIR;
});

const UNITS: Record<string, number> = { KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30, TiB: 2 ** 40 };

/** DuckDB's own reading of its settings: the limit in bytes (it prints '2.9 GiB') and the spill folder. */
async function settingsOf(engine: DuckDBEngine): Promise<{ limitBytes: number; spill: string }> {
  const [row] = await engine.query<{ m: string; t: string }>(
    `SELECT current_setting('memory_limit') AS m, current_setting('temp_directory') AS t`,
  );
  const [, amount, unit] = /^([\d.]+) (\w+)$/.exec(row?.m ?? '') ?? [];
  return { limitBytes: Number(amount) * (UNITS[unit ?? ''] ?? Number.NaN), spill: row?.t ?? '' };
}

/** A temporary table of about 100 MB (2M rows of a 32-character hash and a number): more than 64 MiB. */
async function fillBeyond(engine: DuckDBEngine): Promise<void> {
  await engine.run(
    'CREATE TEMP TABLE big AS SELECT range AS i, md5(CAST(range AS VARCHAR)) AS h FROM range(2000000)',
  );
}

test('the default is a tenth of the machine, at least 1 GiB', () => {
  // 24 GiB / 10 = 2457.6 MiB, floored; 8 GiB / 10 = 819 MiB, below the floor of 1024 MiB; 64 GiB / 10 = 6553.6 MiB.
  assert.equal(defaultMemoryLimit(24 * 2 ** 30), '2457MiB');
  assert.equal(defaultMemoryLimit(8 * 2 ** 30), '1024MiB');
  assert.equal(defaultMemoryLimit(64 * 2 ** 30), '6553MiB');
});

test('a warehouse file opens with the default limit and spills beside itself', async () => {
  const file = join(dir, 'default.duckdb');
  const engine = await DuckDBEngine.open(file);
  try {
    const { limitBytes, spill } = await settingsOf(engine);
    const expected = Math.max(2 ** 30, totalmem() / 10);
    // DuckDB prints the limit with one decimal ('2.9 GiB'): within 5% of what was set.
    assert.ok(Math.abs(limitBytes - expected) / expected < 0.05, `${limitBytes} vs ${expected}`);
    assert.equal(spill, `${file}.tmp`);
    assert.equal(engine.memory.spillDirectory, `${file}.tmp`);
    const [allocator] = await engine.query<{ on: boolean }>(
      `SELECT current_setting('allocator_background_threads') AS on`,
    );
    assert.equal(allocator?.on, true);
  } finally {
    await engine.close();
  }
});

test('TENURE_MEMORY_LIMIT and TENURE_SPILL_DIR: DuckDB keeps to the limit and spills into the folder', async () => {
  const spillRoot = join(dir, 'spill-here');
  process.env.TENURE_MEMORY_LIMIT = '64MiB';
  process.env.TENURE_SPILL_DIR = spillRoot;
  const engine = await DuckDBEngine.open(join(dir, 'override.duckdb'));
  const spill = engine.memory.spillDirectory;
  try {
    const settings = await settingsOf(engine);
    assert.equal(settings.limitBytes, 64 * 2 ** 20);
    assert.equal(settings.spill, spill);
    assert.equal(dirname(spill), spillRoot);
    await fillBeyond(engine);
    const files = await engine.query<{ path: string; size: number }>(
      'SELECT path, size FROM duckdb_temporary_files()',
    );
    assert.ok(files.length > 0, 'a table beyond the limit is spilled');
    for (const f of files) {
      assert.ok(f.path.startsWith(`${spill}/`), f.path);
      assert.ok(existsSync(f.path), f.path);
    }
    const [used] = await engine.query<{ bytes: number }>(
      'SELECT sum(memory_usage_bytes) AS bytes FROM duckdb_memory()',
    );
    assert.ok(Number(used?.bytes) <= 64 * 2 ** 20, `${used?.bytes} bytes held in memory`);
  } finally {
    await engine.close();
  }
  // DuckDB removes the folder it made when the warehouse closes.
  assert.equal(existsSync(spill), false);
});

test('options given to open win over the environment', async () => {
  process.env.TENURE_MEMORY_LIMIT = '64MiB';
  const engine = await DuckDBEngine.open(join(dir, 'options.duckdb'), {
    memoryLimit: '1.5GiB',
    spillDir: join(dir, 'given'),
  });
  try {
    const settings = await settingsOf(engine);
    assert.equal(settings.limitBytes, 1.5 * 2 ** 30);
    assert.equal(dirname(settings.spill), join(dir, 'given'));
  } finally {
    await engine.close();
  }
});

test('in-memory warehouses spill into folders of their own in the temporary folder', async () => {
  process.env.TENURE_MEMORY_LIMIT = '64MiB';
  const one = await DuckDBEngine.open(':memory:');
  const two = await DuckDBEngine.open(':memory:');
  try {
    assert.equal(dirname(one.memory.spillDirectory), tmpdir());
    assert.notEqual(one.memory.spillDirectory, two.memory.spillDirectory);
    await fillBeyond(one);
    const [row] = await one.query<{ n: number }>('SELECT count(*) AS n FROM big');
    assert.equal(Number(row?.n), 2_000_000);
    assert.equal(existsSync(one.memory.spillDirectory), true);
  } finally {
    await one.close();
    await two.close();
  }
  assert.equal(existsSync(one.memory.spillDirectory), false);
});

test('a size that is not one is refused as bad config, naming where it came from', async () => {
  process.env.TENURE_MEMORY_LIMIT = 'lots';
  await assert.rejects(DuckDBEngine.open(join(dir, 'refused.duckdb')), (err: unknown) => {
    assert.ok(err instanceof TenureError);
    assert.equal(err.code, 'bad_config');
    assert.match(err.message, /TENURE_MEMORY_LIMIT is "lots", not a size/);
    assert.match(err.hint, /4GB or 3GiB/);
    return true;
  });
  assert.equal(existsSync(join(dir, 'refused.duckdb')), false);
  assert.throws(() => duckdbMemorySettings('x.duckdb', { memoryLimit: '80%' }), /memory limit is "80%"/);
});
