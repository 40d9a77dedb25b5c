// Values the contract must not bend: amounts finer than the stored precision, JSON that is valid but not
// an object, numbers in exponent form. Each case is a small folder written here.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { counts, load, quarantined, withWarehouse } from './helpers.ts';

const CUSTOMERS = 'customer_id,signed_up_at\nc1,2024-01-05T10:00:00Z\nc2,2024-02-10T09:30:00Z\n';

async function folder(dir: string, files: Record<string, string>): Promise<string> {
  const data = join(dir, 'data');
  await mkdir(data, { recursive: true });
  for (const [name, text] of Object.entries({ 'customers.csv': CUSTOMERS, ...files })) {
    await writeFile(join(data, name), text);
  }
  return data;
}

describe('ingest: values are stored as given or refused, never bent', () => {
  test('an amount with more than 4 decimals is refused as too_precise, not rounded; 4 decimals load exactly', async () => {
    await withWarehouse(async (db, dir) => {
      const data = await folder(dir, {
        'orders.csv':
          'order_id,customer_id,ordered_at,amount\no1,c1,2024-04-01,12.3456\no2,c1,2024-04-02,12.345678\no3,c2,2024-04-03,1e3\n',
      });
      const report = await load(db, data);
      // o1 loads; o2 (6 decimals) and o3 (exponent form) are refused: 3 read = 1 + 2 + 0.
      assert.deepEqual(counts(report).orders, { read: 3, loaded: 1, quarantined: 2, duplicates: 0 });
      assert.deepEqual(await db.query('SELECT order_id, amount FROM orders'), [
        { order_id: 'o1', amount: 12.3456 },
      ]);
      assert.deepEqual(
        (await quarantined(db)).map((q) => [q.line, q.column, q.value, q.code]),
        [
          [3, 'amount', '12.345678', 'too_precise'],
          [4, 'amount', '1e3', 'bad_number'],
        ],
      );
    });
  });

  test('attributes that are valid JSON but not an object (42, "x", [1]) are refused as bad_json', async () => {
    await withWarehouse(async (db, dir) => {
      const data = await folder(dir, {
        'customers.csv': `customer_id,signed_up_at,attributes\nc1,2024-01-05,"{""tier"":""gold""}"\nc2,2024-01-06,42\nc3,2024-01-07,"""x"""\nc4,2024-01-08,[1]\n`,
      });
      const report = await load(db, data);
      // c1 loads; c2, c3, c4 are refused: 4 read = 1 + 3 + 0.
      assert.deepEqual(counts(report).customers, { read: 4, loaded: 1, quarantined: 3, duplicates: 0 });
      assert.deepEqual(
        (await quarantined(db)).map((q) => [q.line, q.value, q.code]),
        [
          [3, '42', 'bad_json'],
          [4, '"x"', 'bad_json'],
          [5, '[1]', 'bad_json'],
        ],
      );
    });
  });

  test('a refused record after many good ones and a blank line keeps its line number', async () => {
    await withWarehouse(async (db, dir) => {
      // 5,000 good orders, a blank line (line 5002), then a bad one on line 5003.
      const good = Array.from({ length: 5000 }, (_, i) => `o${i},c1,2024-04-01T10:00:00Z,1.00`).join('\n');
      const data = await folder(dir, {
        'orders.csv': `order_id,customer_id,ordered_at,amount\n${good}\n\nbad,c1,2024-04-01T10:00:00Z,-1\n`,
      });
      const report = await load(db, data);
      assert.deepEqual(counts(report).orders, { read: 5001, loaded: 5000, quarantined: 1, duplicates: 0 });
      assert.deepEqual(
        (await quarantined(db)).map((q) => [q.line, q.code]),
        [[5003, 'negative']],
      );
    });
  });
});
