// Loading the same folder twice: the second load loads nothing new, keeps no refusal twice, and leaves
// every canonical table exactly as the first load left it. (Every folder of rows.test.ts is also loaded
// twice there; these are the multi-load cases.)
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { counts, fixture, load, loadAgainChangesNothing, ok, withWarehouse } from './helpers.ts';

describe('ingest: loading again changes nothing', () => {
  test('conflict-existing: first, second, second again, first again', async () => {
    await withWarehouse(async (db) => {
      await load(db, fixture('conflict-existing/first'));
      await load(db, fixture('conflict-existing/second'));
      const again = await loadAgainChangesNothing(db, fixture('conflict-existing/second'));
      assert.deepEqual(counts(again).orders, { read: 3, loaded: 0, quarantined: 1, duplicates: 2 });
      const first = await loadAgainChangesNothing(db, fixture('conflict-existing/first'));
      assert.deepEqual(counts(first), {
        customers: { read: 3, loaded: 0, quarantined: 0, duplicates: 3 },
        orders: { read: 2, loaded: 0, quarantined: 0, duplicates: 2 },
      });
    });
  });

  test('the same rows as CSV (CRLF) then as a different file of the same folder shape are duplicates', async () => {
    await withWarehouse(async (db) => {
      assert.deepEqual(counts(await load(db, fixture('crlf'))).customers, ok(3));
      // empty-required's customers.csv holds the same three customers with LF line endings.
      const report = await load(db, fixture('empty-required'));
      assert.deepEqual(counts(report).customers, { read: 3, loaded: 0, quarantined: 0, duplicates: 3 });
    });
  });
});
