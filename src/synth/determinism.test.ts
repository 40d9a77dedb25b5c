// Same options, same bytes: the generator depends on nothing but its options (no clock, no Math.random).
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { TABLE_NAMES } from '../schema/tables.ts';
import { generateCompany } from './generate.ts';
import { withTempDirs } from './test-helpers.ts';

async function assertSameFiles(a: string, b: string): Promise<void> {
  const files = (await readdir(a)).sort();
  assert.deepEqual((await readdir(b)).sort(), files);
  for (const file of files) {
    const same = (await readFile(join(a, file))).equals(await readFile(join(b, file)));
    assert.ok(same, `${file} differs between two runs with the same options`);
  }
}

test('the same options give byte-identical CSV files; another seed gives other bytes', async () => {
  await withTempDirs(3, async ([a, b, c]) => {
    const options = { customers: 300, months: 12, seed: 42 };
    await generateCompany({ ...options, out: a as string });
    await generateCompany({ ...options, out: b as string });
    await generateCompany({ ...options, seed: 43, out: c as string });
    assert.equal((await readdir(a as string)).length, TABLE_NAMES.length + 1);
    await assertSameFiles(a as string, b as string);
    for (const name of ['customers', 'subscription_changes', 'events']) {
      const first = await readFile(join(a as string, `${name}.csv`));
      const other = await readFile(join(c as string, `${name}.csv`));
      assert.ok(!first.equals(other), `${name}.csv is the same under another seed`);
    }
  });
});

test('the same options give byte-identical Parquet files, and no CSV is left beside them', async () => {
  await withTempDirs(2, async ([a, b]) => {
    const options = { customers: 150, months: 6, seed: 5, format: 'parquet' as const };
    const summary = await generateCompany({ ...options, out: a as string });
    await generateCompany({ ...options, out: b as string });
    const files = (await readdir(a as string)).sort();
    assert.deepEqual(files, [...TABLE_NAMES.map((n) => `${n}.parquet`), 'truth.json'].sort());
    assert.ok(summary.tables.events > 0);
    await assertSameFiles(a as string, b as string);
  });
});
