// File-level problems: the load throws TenureError ('bad_input', naming file, line and column) and the
// warehouse is left exactly as it was, whether it held data before or was empty.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Location, TenureError } from '../../src/errors/tenure-error.ts';
import type { DuckDBEngine } from '../../src/warehouse/duckdb/duckdb-engine.ts';
import { counts, fixture, load, ok, snapshot, tableExists, withWarehouse } from './helpers.ts';

/** Loads `folder` expecting a bad_input TenureError at `where`; checks nothing changed. */
async function expectRefused(
  db: DuckDBEngine,
  folder: string,
  where: Location,
  message: RegExp,
): Promise<void> {
  const before = await snapshot(db);
  await assert.rejects(load(db, folder), (err: unknown) => {
    assert.ok(err instanceof TenureError, `expected a TenureError, got ${String(err)}`);
    assert.equal(err.code, 'bad_input');
    assert.equal(err.exitCode, 2);
    assert.deepEqual(err.where, where);
    assert.match(err.message, message);
    assert.ok(err.hint.length > 0, 'a file-level error says what to do');
    return true;
  });
  assert.deepEqual(await snapshot(db), before, 'a refused load changes nothing');
}

interface FileCase {
  readonly folder: string;
  readonly what: string;
  readonly where: Location;
  readonly message: RegExp;
}

const CASES: readonly FileCase[] = [
  {
    folder: 'missing-header-customers',
    what: 'customers.csv without its required signed_up_at column',
    where: { file: 'customers.csv', line: 1, column: 'signed_up_at' },
    message: /required column signed_up_at missing from the header/,
  },
  {
    folder: 'missing-header-orders',
    what: 'orders.csv without amount (after a good customers.csv: that is rolled back too)',
    where: { file: 'orders.csv', line: 1, column: 'amount' },
    message: /required column amount missing/,
  },
  {
    folder: 'missing-header-events',
    what: 'events.csv without occurred_at',
    where: { file: 'events.csv', line: 1, column: 'occurred_at' },
    message: /required column occurred_at missing/,
  },
  {
    folder: 'duplicate-header',
    what: 'feedback.csv naming score twice (case-insensitively)',
    where: { file: 'feedback.csv', line: 1, column: 'score' },
    message: /score appears twice/,
  },
  {
    folder: 'bad-header-encoding',
    what: 'checkins.csv whose header is Latin-1, not UTF-8',
    where: { file: 'checkins.csv', line: 1 },
    message: /not UTF-8/,
  },
  {
    folder: 'zero-byte-orders',
    what: 'a 0-byte orders.csv',
    where: { file: 'orders.csv' },
    message: /empty \(0 bytes\)/,
  },
  {
    folder: 'zero-byte-ndjson',
    what: 'a 0-byte events.ndjson',
    where: { file: 'events.ndjson' },
    message: /empty \(0 bytes\)/,
  },
  {
    folder: 'zero-byte-customers',
    what: 'a 0-byte customers.csv',
    where: { file: 'customers.csv' },
    message: /empty \(0 bytes\)/,
  },
  {
    folder: 'unreadable-parquet',
    what: 'an orders.parquet that is not Parquet',
    where: { file: 'orders.parquet' },
    message: /Parquet/,
  },
];

describe('ingest: file-level problems refuse the whole load', () => {
  for (const k of CASES) {
    test(`${k.folder}: ${k.what}, into a warehouse that already holds a load`, async () => {
      await withWarehouse(async (db) => {
        await load(db, fixture('crlf'));
        await expectRefused(db, fixture(k.folder), k.where, k.message);
      });
    });
  }

  test('missing-header-orders into an empty warehouse: no table is even created', async () => {
    await withWarehouse(async (db) => {
      await expectRefused(
        db,
        fixture('missing-header-orders'),
        { file: 'orders.csv', line: 1, column: 'amount' },
        /amount/,
      );
      assert.equal(await tableExists(db, 'customers'), false);
      assert.equal(await tableExists(db, 'tenure_loads'), false);
    });
  });

  test('no-customers: a folder without customers into an empty warehouse is refused', async () => {
    await withWarehouse(async (db) => {
      const folder = fixture('no-customers');
      await expectRefused(db, folder, { file: folder }, /no customers file/);
    });
  });

  test('no-customers: the same folder is fine once the warehouse has customers', async () => {
    await withWarehouse(async (db) => {
      await load(db, fixture('crlf'));
      const report = await load(db, fixture('no-customers'));
      assert.deepEqual(counts(report), { orders: ok(1) });
    });
  });

  test('a missing data folder is refused as bad input', async () => {
    await withWarehouse(async (db, dir) => {
      await assert.rejects(load(db, `${dir}/no-such-folder`), (err: unknown) => {
        assert.ok(err instanceof TenureError);
        assert.equal(err.code, 'bad_input');
        return true;
      });
    });
  });

  test('after a refused load the same connection loads a good folder normally', async () => {
    await withWarehouse(async (db) => {
      await assert.rejects(load(db, fixture('missing-header-orders')), TenureError);
      const report = await load(db, fixture('crlf'));
      assert.equal(report.loadId, 1, 'the refused load used no load id');
      assert.deepEqual(counts(report), {
        customers: ok(3),
        events: ok(2),
        orders: { read: 3, loaded: 2, quarantined: 1, duplicates: 0 },
      });
    });
  });

  test('describe() gives one line naming file, line and column, and the hint', async () => {
    await withWarehouse(async (db) => {
      await assert.rejects(load(db, fixture('missing-header-orders')), (err: unknown) => {
        assert.ok(err instanceof TenureError);
        const text = err.describe();
        assert.doesNotMatch(text, /\n/);
        assert.match(
          text,
          /^orders\.csv, line 1, column amount: required column amount missing from the header — /,
        );
        return true;
      });
    });
  });
});
