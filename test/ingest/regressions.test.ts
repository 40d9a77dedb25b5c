// Regressions: ingestion bugs found while building the bad-input corpus, each pinned by the behaviour the
// contract (src/schema/tables.ts, src/ingest/problems.ts) asks for. The fixtures are the bug-* folders
// under test/fixtures/bad/.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { TenureError } from '../../src/errors/tenure-error.ts';
import { counts, fixture, load, ok, quarantined, snapshot, withWarehouse } from './helpers.ts';

describe('ingest regressions', () => {
  test('an integer with a fraction (NPS 7.5) is refused as bad_integer, not rounded to 8', async () => {
    await withWarehouse(async (db) => {
      const report = await load(db, fixture('bug-fractional-integer'));
      assert.deepEqual(await db.query('SELECT response_id, score FROM feedback ORDER BY response_id'), [
        { response_id: 'f1', score: 7 },
      ]);
      assert.deepEqual(counts(report).feedback, { read: 2, loaded: 1, quarantined: 1, duplicates: 0 });
      assert.deepEqual(await quarantined(db), [
        { table: 'feedback', line: 3, column: 'score', value: '7.5', code: 'bad_integer' },
      ]);
    });
  });

  test('the end of a running contract and the expiry of an open offer may lie in the future', async () => {
    await withWarehouse(async (db) => {
      const report = await load(db, fixture('bug-future-term-end'));
      assert.deepEqual(await quarantined(db), []);
      assert.deepEqual(counts(report), { customers: ok(3), contracts: ok(1), promotions: ok(1) });
    });
  });

  test('invalid JSON in attributes is refused even when the file has extra columns to fold in', async () => {
    await withWarehouse(async (db) => {
      const report = await load(db, fixture('bug-bad-json-with-extra-column'));
      assert.deepEqual(counts(report).customers, { read: 2, loaded: 1, quarantined: 1, duplicates: 0 });
      assert.deepEqual(await quarantined(db), [
        { table: 'customers', line: 3, column: 'attributes', value: '{not json}', code: 'bad_json' },
      ]);
      assert.deepEqual(await db.query(`SELECT customer_id, attributes FROM customers`), [
        { customer_id: 'c1', attributes: '{"tier":"gold","region":"EU"}' },
      ]);
    });
  });

  test("timestamps spelled '-infinity', 'epoch' or 'infinity' are not ISO 8601: bad_timestamp", async () => {
    await withWarehouse(async (db) => {
      const report = await load(db, fixture('bug-non-iso-timestamp'));
      assert.deepEqual(
        (await quarantined(db)).map((q) => [q.line, q.column, q.value, q.code]),
        [
          [3, 'ordered_at', '-infinity', 'bad_timestamp'],
          [4, 'ordered_at', 'epoch', 'bad_timestamp'],
          [5, 'ordered_at', 'infinity', 'bad_timestamp'],
        ],
      );
      assert.deepEqual(counts(report).orders, { read: 4, loaded: 1, quarantined: 3, duplicates: 0 });
      // What a stored -infinity does downstream: reading the table back fails.
      await db.query('SELECT * FROM orders');
    });
  });

  test('a blank line before a refused line does not scramble the line numbers of later rows', async () => {
    await withWarehouse(async (db) => {
      const folder = fixture('bug-blank-line');
      await load(db, folder);
      const lines = (await readFile(`${folder}/orders.csv`, 'utf8')).split('\n');
      const q = await quarantined(db);
      assert.deepEqual(
        q.map((r) => [r.line, r.code]),
        [
          [4, 'extra_fields'],
          [5, 'negative'],
        ],
      );
      // Each reported line is the file's line that holds the refused record.
      assert.match(lines[3] ?? '', /^o2,/);
      assert.match(lines[4] ?? '', /^o3,/);
    });
  });

  test('a customers.csv with only its header, into an empty warehouse, is "no customers at all"', async () => {
    await withWarehouse(async (db) => {
      const before = await snapshot(db);
      await assert.rejects(load(db, fixture('bug-header-only-customers')), (err: unknown) => {
        assert.ok(err instanceof TenureError);
        assert.equal(err.code, 'bad_input');
        assert.match(err.message, /customers/);
        return true;
      });
      assert.deepEqual(await snapshot(db), before);
    });
  });

  test('a row loaded by this load is not also counted as a duplicate (read = loaded + quarantined + duplicates)', async () => {
    await withWarehouse(async (db) => {
      await load(db, fixture('conflict-existing/first'));
      // `load` asserts the invariant for every table; orders.csv here has one new row (o3).
      const report = await load(db, fixture('conflict-existing/second'));
      assert.deepEqual(counts(report).orders, { read: 3, loaded: 1, quarantined: 1, duplicates: 1 });
    });
  });

  test('the raw row of a conflict or unknown reference is the text of the file, like every other refusal', async () => {
    await withWarehouse(async (db) => {
      await load(db, fixture('unknown-reference'));
      const [row] = await db.query<{ raw: string }>(
        `SELECT raw FROM tenure_quarantine WHERE table_name = 'orders' AND line = 3`,
      );
      assert.deepEqual(JSON.parse(row?.raw ?? 'null'), {
        order_id: 'o2',
        customer_id: 'c9',
        ordered_at: '2024-04-02T10:00:00Z',
        amount: '5.00',
        currency: 'USD',
      });
    });
  });

  test('line-level NDJSON problems (not JSON, not a track call) have no column (NULL, like extra_fields)', async () => {
    await withWarehouse(async (db) => {
      await load(db, fixture('segment-ndjson'));
      const lineLevel = (await quarantined(db)).filter((q) => q.code !== 'no_customer');
      assert.deepEqual(
        lineLevel.map((q) => [q.line, q.column]),
        [
          [4, null],
          [5, null],
          [9, null],
        ],
      );
    });
  });
});
