// Parquet sources, written by DuckDB into the test's temp folder (no binary fixtures): bad values are
// quarantined with their 1-based row as the line, a missing required column refuses the file.
import assert from 'node:assert/strict';
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { TenureError } from '../../src/errors/tenure-error.ts';
import type { DuckDBEngine } from '../../src/warehouse/duckdb/duckdb-engine.ts';
import {
  counts,
  fixture,
  load,
  loadAgainChangesNothing,
  ok,
  quarantined,
  snapshot,
  withWarehouse,
} from './helpers.ts';

/** A data folder holding the corpus' customers.csv and the Parquet files made by `selects` (name → SELECT). */
async function parquetFolder(
  db: DuckDBEngine,
  dir: string,
  selects: Record<string, string>,
): Promise<string> {
  const folder = join(dir, 'data');
  await mkdir(folder, { recursive: true });
  await copyFile(join(fixture('bad-money'), 'customers.csv'), join(folder, 'customers.csv'));
  for (const [name, select] of Object.entries(selects)) {
    await db.run(
      `COPY (${select}) TO '${join(folder, `${name}.parquet`).replaceAll("'", "''")}' (FORMAT parquet)`,
    );
  }
  return folder;
}

const ORDERS = `SELECT * FROM (VALUES
    ('o1', 'c1', TIMESTAMPTZ '2024-04-01 10:00:00+00', '10.50', 'usd'),
    ('o2', 'c1', TIMESTAMPTZ '2024-04-02 10:00:00+00', '$12', 'USD'),
    ('o3', 'c2', TIMESTAMPTZ '2024-04-03 10:00:00+00', '-4', 'USD'),
    ('o4', 'c9', NULL, '4', 'USD')
  ) t("Order_ID", customer_id, ordered_at, amount, currency)`;

const FEEDBACK = `SELECT 'r1' AS response_id, 'c1' AS customer_id, TIMESTAMP '2024-04-01 00:00:00' AS answered_at,
    'nps' AS kind, 11::INTEGER AS score, 'a column beyond the contract' AS extra
  UNION ALL SELECT 'r2', 'c2', TIMESTAMP '2024-04-02 00:00:00', 'csat', 4, NULL`;

describe('ingest: Parquet files', () => {
  test('bad values in a Parquet file are quarantined with their row number as the line', async () => {
    await withWarehouse(async (db, dir) => {
      const folder = await parquetFolder(db, dir, { orders: ORDERS, feedback: FEEDBACK });
      const report = await load(db, folder);
      assert.deepEqual(counts(report), {
        customers: ok(3),
        orders: { read: 4, loaded: 1, quarantined: 3, duplicates: 0 },
        feedback: { read: 2, loaded: 1, quarantined: 1, duplicates: 0 },
      });
      assert.deepEqual(await quarantined(db), [
        { table: 'feedback', line: 1, column: 'score', value: '11', code: 'out_of_range' },
        { table: 'orders', line: 2, column: 'amount', value: '$12', code: 'bad_number' },
        { table: 'orders', line: 3, column: 'amount', value: '-4', code: 'negative' },
        { table: 'orders', line: 4, column: 'ordered_at', value: null, code: 'required' },
      ]);
      assert.deepEqual(await db.query('SELECT order_id, ordered_at, amount, currency FROM orders'), [
        { order_id: 'o1', ordered_at: '2024-04-01T10:00:00.000Z', amount: 10.5, currency: 'USD' },
      ]);
      assert.deepEqual(await db.query('SELECT response_id, answered_at, score FROM feedback'), [
        { response_id: 'r2', answered_at: '2024-04-02T00:00:00.000Z', score: 4 },
      ]);
      await loadAgainChangesNothing(db, folder);
    });
  });

  test('a Parquet file without a required column refuses the load and changes nothing', async () => {
    await withWarehouse(async (db, dir) => {
      await load(db, fixture('crlf'));
      const folder = await parquetFolder(db, dir, {
        orders: `SELECT 'o9' AS order_id, 'c1' AS customer_id, TIMESTAMPTZ '2024-04-01 10:00:00+00' AS ordered_at`,
      });
      const before = await snapshot(db);
      await assert.rejects(load(db, folder), (err: unknown) => {
        assert.ok(err instanceof TenureError);
        assert.equal(err.code, 'bad_input');
        assert.equal(err.where.file, 'orders.parquet');
        assert.equal(err.where.column, 'amount');
        return true;
      });
      assert.deepEqual(await snapshot(db), before);
    });
  });
});
