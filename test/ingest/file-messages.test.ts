// What a user is told about files the readers stumble on: each is a message naming file, line and what to
// do, or only the one bad line is quarantined; never a crash, a stack trace, or text of a file outside the
// data folder. Every case is a small folder written here.
import assert from 'node:assert/strict';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { type Location, TenureError } from '../../src/errors/tenure-error.ts';
import type { DuckDBEngine } from '../../src/warehouse/duckdb/duckdb-engine.ts';
import {
  counts,
  load,
  loadAgainChangesNothing,
  ok,
  quarantined,
  snapshot,
  withWarehouse,
} from './helpers.ts';

const CUSTOMERS = 'customer_id,signed_up_at\nc1,2024-01-05T10:00:00Z\n';
const ORDERS_HEADER = 'order_id,customer_id,ordered_at,amount';

async function folder(dir: string, files: Record<string, string | Buffer>): Promise<string> {
  const data = join(dir, 'data');
  await mkdir(data, { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(join(data, name), text);
  return data;
}

/** Loads `data` expecting a bad_input error at `where` whose message matches; nothing may change. */
async function expectRefused(db: DuckDBEngine, data: string, where: Location, message: RegExp) {
  const before = await snapshot(db);
  let error: TenureError | undefined;
  await assert.rejects(load(db, data), (err: unknown) => {
    assert.ok(err instanceof TenureError, `a TenureError, not ${String(err)}`);
    error = err;
    return true;
  });
  assert.ok(error);
  assert.equal(error.code, 'bad_input');
  assert.deepEqual(error.where, where);
  assert.match(error.message, message);
  assert.ok(error.hint.length > 0, 'says what to do');
  assert.deepEqual(await snapshot(db), before, 'a refused load changes nothing');
  return error;
}

const order = (id: string, amount: string) => `${id},c1,2024-04-01T10:00:00Z,${amount}`;

describe('ingest: messages about files', () => {
  test('a folder named orders.csv is refused by name, not read (it crashed with EISDIR)', async () => {
    await withWarehouse(async (db, dir) => {
      const data = await folder(dir, { 'customers.csv': CUSTOMERS });
      await mkdir(join(data, 'orders.csv'));
      await expectRefused(db, data, { file: 'orders.csv' }, /is a folder, not a file/);
    });
  });

  test('a stray CR LF blank line in an LF file: the message names the line (DuckDB named none)', async () => {
    await withWarehouse(async (db, dir) => {
      // Line 3 is an empty line ending in CR LF; every other line ends in LF.
      const data = await folder(dir, {
        'customers.csv': CUSTOMERS,
        'orders.csv': `${ORDERS_HEADER}\n${order('o1', '1')}\n\r\n${order('o2', '2')}\n`,
      });
      const err = await expectRefused(
        db,
        data,
        { file: 'orders.csv', line: 3 },
        /ends with CR LF while the lines before it end with LF/,
      );
      assert.match(err.hint, /same ending/);
    });
  });

  test('an LF blank line in a CR LF file, after a quoted value holding CR LF: the line is named', async () => {
    await withWarehouse(async (db, dir) => {
      // The CR LF inside the quotes (line 2–3) is part of a value; line 4 ends in a bare LF.
      const data = await folder(dir, {
        'customers.csv': `customer_id,signed_up_at,plan\r\nc1,2024-01-05,"a\r\nb"\r\n\nc2,2024-01-05,x\r\n`,
      });
      await expectRefused(
        db,
        data,
        { file: 'customers.csv', line: 4 },
        /ends with LF while .* end with CR LF/,
      );
    });
  });

  test('NDJSON: a line over 10 MB and a line that is not UTF-8 are quarantined with their line numbers, like CSV', async () => {
    await withWarehouse(async (db, dir) => {
      const line = (id: string, amount: string, extra = '') =>
        `{"order_id":"${id}","customer_id":"c1","ordered_at":"2024-04-01T10:00:00Z","amount":"${amount}"${extra}}`;
      const ndjson = Buffer.concat([
        Buffer.from(`${line('o1', '1')}\n${line('o2', '1', `,"note":"${'x'.repeat(10_100_000)}"`)}\n`),
        Buffer.from(`${line('o3', '1', ',"note":"caf')}`.slice(0, -1)),
        Buffer.from([0xe9]), // é in Latin-1: not UTF-8
        Buffer.from(`"}\n\n${line('o4', '-1')}\n${line('o5', '5')}\n`),
      ]);
      const data = await folder(dir, { 'customers.csv': CUSTOMERS, 'orders.ndjson': ndjson });
      const report = await load(db, data);
      // 5 records (the blank line 4 is not one) = 2 loaded + 3 quarantined.
      assert.deepEqual(counts(report).orders, { read: 5, loaded: 2, quarantined: 3, duplicates: 0 });
      assert.deepEqual(
        (await quarantined(db)).map((q) => [q.line, q.code]),
        [
          [2, 'line_too_long'],
          [3, 'bad_encoding'],
          [5, 'negative'],
        ],
      );
      const reasons = await db.query<{ reason: string }>(
        `SELECT reason FROM tenure_quarantine WHERE reason_code = 'line_too_long'`,
      );
      assert.match(reasons[0]?.reason ?? '', /longer than 10 MB/);
      await loadAgainChangesNothing(db, data);
    });
  });

  test('a CSV file with old Mac line ends (CR only) loads; refused rows keep their lines (it read as one header)', async () => {
    await withWarehouse(async (db, dir) => {
      // Line 3 is blank, line 4 has a field too many, line 5 a bad amount.
      const data = await folder(dir, {
        'customers.csv': CUSTOMERS,
        'orders.csv': [
          ORDERS_HEADER,
          order('o1', '1'),
          '',
          `${order('o2', '2')},x`,
          order('o3', 'abc'),
          order('o4', '4'),
          '',
        ].join('\r'),
      });
      const report = await load(db, data);
      assert.deepEqual(counts(report).orders, { read: 4, loaded: 2, quarantined: 2, duplicates: 0 });
      assert.deepEqual(
        (await quarantined(db)).map((q) => [q.line, q.code]),
        [
          [4, 'extra_fields'],
          [5, 'bad_number'],
        ],
      );
      assert.deepEqual(await db.query('SELECT order_id FROM orders ORDER BY order_id'), [
        { order_id: 'o1' },
        { order_id: 'o4' },
      ]);
    });
  });

  test('a link to a file outside the data folder is refused without reading it (its header was echoed)', async () => {
    await withWarehouse(async (db, dir) => {
      const outside = join(dir, 'secret.csv');
      await writeFile(outside, 'root:x:0:0:root:/root:/bin/bash\n');
      const data = await folder(dir, {});
      await symlink(outside, join(data, 'customers.csv'));
      const err = await expectRefused(
        db,
        data,
        { file: 'customers.csv' },
        /link to a file outside the data folder/,
      );
      assert.doesNotMatch(`${err.message} ${err.hint}`, /root|secret/);
    });
  });

  test('a link to a file inside the data folder is read; a dangling link is refused by name', async () => {
    await withWarehouse(async (db, dir) => {
      const data = await folder(dir, {});
      await mkdir(join(data, 'exports'));
      await writeFile(join(data, 'exports/customers-2024.csv'), CUSTOMERS);
      await symlink(join(data, 'exports/customers-2024.csv'), join(data, 'customers.csv'));
      assert.deepEqual(counts(await load(db, data)), { customers: ok(1) });
      await symlink(join(data, 'nowhere.csv'), join(data, 'orders.csv'));
      await expectRefused(db, data, { file: 'orders.csv' }, /link to a file that does not exist/);
    });
  });
});
