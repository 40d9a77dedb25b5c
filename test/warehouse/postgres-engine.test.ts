// PostgresEngine against a real PostgreSQL server on loopback: values come back exactly as DuckDB gives
// them, transactions are all-or-nothing, bulk loads stream a file, and a folder ingested into PostgreSQL
// lands exactly as it does in DuckDB.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TenureError } from '../../src/errors/tenure-error.ts';
import { type IngestReport, ingest } from '../../src/ingest/ingest.ts';
import { ingestInto } from '../../src/ingest/publish-target.ts';
import { TABLE_NAMES } from '../../src/schema/tables.ts';
import { generateCompany } from '../../src/synth/generate.ts';
import { DuckDBEngine } from '../../src/warehouse/duckdb/duckdb-engine.ts';
import type { BindValue, Engine, Row } from '../../src/warehouse/engine.ts';
import { openWarehouse } from '../../src/warehouse/open.ts';
import { PostgresEngine } from '../../src/warehouse/postgres/postgres-engine.ts';
import { fixture, NOW, withTempDir } from '../ingest/helpers.ts';
import { type PostgresServer, postgresUnavailable, startPostgres } from '../support/postgres-server.ts';

const unavailable = postgresUnavailable();
if (unavailable && process.env.CI) {
  test('a PostgreSQL server is available for the PostgreSQL tests', () => assert.fail(unavailable));
}

/** One column per kind, so every dialect type is created, written and read back. */
const KINDS = ['id', 'text', 'timestamp', 'date', 'money', 'integer', 'boolean', 'json'] as const;
const VALUES: BindValue[][] = [
  [
    'a',
    'héllo, "world"',
    new Date('2024-01-05T10:00:00Z'),
    '2024-02-29',
    12.34,
    1234567890123,
    true,
    '{"b": 1,  "a": [1, 2]}',
  ],
  ['b', '', '2024-06-30T23:59:59.123+02:00', '1999-12-31', -0.0001, -7, false, '[]'],
  ['c', null, null, null, null, null, null, null],
];

async function fillKindsTable(engine: Engine): Promise<void> {
  const cols = KINDS.map((k) => `k_${k} ${engine.dialect.columnType(k)}`).join(', ');
  await engine.run(`CREATE TABLE kinds (${cols})`);
  const placeholders = KINDS.map((_, i) => engine.dialect.placeholder(i + 1)).join(', ');
  for (const row of VALUES) await engine.run(`INSERT INTO kinds VALUES (${placeholders})`, row);
}

const sortRows = (rows: Row[]) => rows.map((r) => JSON.stringify(r)).sort();

async function tableRows(engine: Engine, table: string): Promise<string[]> {
  return sortRows(await engine.query(`SELECT * FROM "${table}"`));
}

async function tableExists(engine: Engine, table: string): Promise<boolean> {
  const rows = await engine.query(
    `SELECT 1 AS one FROM information_schema.tables WHERE table_name = $1 AND table_type = 'BASE TABLE'`,
    [table],
  );
  return rows.length > 0;
}

/** Every canonical table's rows and the quarantine (file paths and load times aside), sorted. */
async function snapshot(engine: Engine): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of TABLE_NAMES)
    out[table] = (await tableExists(engine, table)) ? await tableRows(engine, table) : [];
  out.tenure_quarantine = sortRows(
    await engine.query(
      'SELECT load_id, table_name, line, column_name, value, reason_code, reason, raw FROM tenure_quarantine',
    ),
  );
  out.tenure_load_files = sortRows(
    await engine.query(
      'SELECT load_id, table_name, bytes, rows_read, rows_loaded, rows_quarantined, rows_duplicate FROM tenure_load_files',
    ),
  );
  return out;
}

const countsOf = (report: IngestReport) =>
  Object.fromEntries(Object.entries(report.tables).map(([t, { file: _file, ...counts }]) => [t, counts]));

describe('PostgresEngine', { skip: unavailable }, () => {
  let server: PostgresServer;
  let databases = 0;
  const freshDatabase = () => server.createDatabase(`tenure_test_${++databases}`);
  const withPostgres = async <T>(work: (pg: PostgresEngine) => Promise<T>): Promise<T> => {
    const engine = await PostgresEngine.open(await freshDatabase());
    try {
      return await work(engine);
    } finally {
      await engine.close();
    }
  };

  before(async () => {
    server = await startPostgres();
  });
  after(async () => {
    await server?.stop();
  });

  test('returns every column kind exactly as DuckDB does', async () => {
    const duck = await DuckDBEngine.open(':memory:');
    try {
      await withPostgres(async (pg) => {
        await fillKindsTable(duck);
        await fillKindsTable(pg);
        const sql = 'SELECT * FROM kinds ORDER BY k_id';
        const expected = await duck.query(sql);
        assert.deepEqual(await pg.query(sql), expected);
        assert.deepEqual(expected[0], {
          k_id: 'a',
          k_text: 'héllo, "world"',
          k_timestamp: '2024-01-05T10:00:00.000Z',
          k_date: '2024-02-29',
          k_money: 12.34,
          k_integer: 1234567890123,
          k_boolean: true,
          k_json: '{"b": 1,  "a": [1, 2]}',
        });
        // 23:59:59.123 at +02:00 is 21:59:59.123 UTC.
        assert.equal(expected[1]?.k_timestamp, '2024-06-30T21:59:59.123Z');
        const agg = `SELECT count(*) AS n, sum(k_money) AS total, max(k_timestamp) AS latest,
                       count(*) FILTER (WHERE k_integer > $1) AS big FROM kinds`;
        assert.deepEqual(await pg.query(agg, [0]), await duck.query(agg, [0]));
        assert.equal((await pg.query(`SELECT current_setting('TimeZone') AS tz`))[0]?.tz, 'UTC');
      });
    } finally {
      await duck.close();
    }
  });

  test('run returns the rows changed; a transaction lands all or nothing, on one session', async () => {
    await withPostgres(async (pg) => {
      await pg.run('CREATE TABLE t (n bigint)');
      assert.equal(await pg.run('INSERT INTO t VALUES (1), (2), (3)'), 3);
      assert.equal(await pg.run('UPDATE t SET n = n + 10 WHERE n > $1', [1]), 2);
      await assert.rejects(
        pg.transaction(async (tx) => {
          await tx.run('INSERT INTO t VALUES (100)');
          await tx.run('SELECT no_such_column FROM t');
        }),
        (err: unknown) => err instanceof TenureError && err.code === 'engine_failure',
      );
      await assert.rejects(
        pg.transaction(async (tx) => {
          await tx.run('DELETE FROM t');
          throw new Error('changed my mind');
        }),
        /changed my mind/,
      );
      assert.deepEqual(await pg.query('SELECT n FROM t ORDER BY n'), [{ n: 1 }, { n: 12 }, { n: 13 }]);
      // A temporary table lives in one session: reading it back proves every statement shared the client.
      const seen = await pg.transaction(async (tx) => {
        await tx.run('CREATE TEMP TABLE mine (x int)');
        for (let i = 0; i < 8; i++) await tx.run('INSERT INTO mine VALUES ($1)', [i]);
        await tx.transaction(async (inner) => inner.run('INSERT INTO t VALUES (7)'));
        return tx.query('SELECT count(*) AS n FROM mine');
      });
      assert.deepEqual(seen, [{ n: 8 }]);
      assert.deepEqual(await pg.query('SELECT count(*) AS n FROM t'), [{ n: 4 }]);
    });
  });

  test('bulkLoad streams a CSV file into a table, inside or outside a transaction', async () => {
    await withTempDir(async (dir) => {
      await withPostgres(async (pg) => {
        await pg.run('CREATE TABLE b (id text, amount numeric(18,4), at timestamptz, note text)');
        const path = join(dir, 'b.csv');
        const lines = ['id,amount,at,note', 'x,1.5,2024-01-01 00:00:00+00,""', 'y,,2024-01-02T03:04:05Z,'];
        await writeFile(path, `${lines.join('\n')}\n`);
        assert.equal(await pg.bulkLoad('b', { path, format: 'csv' }), 2);
        await assert.rejects(
          pg.transaction(async (tx) => {
            assert.equal(await tx.bulkLoad('b', { path, format: 'csv' }), 2);
            throw new Error('undo');
          }),
          /undo/,
        );
        assert.deepEqual(await pg.query('SELECT * FROM b ORDER BY id'), [
          { id: 'x', amount: 1.5, at: '2024-01-01T00:00:00.000Z', note: '' },
          { id: 'y', amount: null, at: '2024-01-02T03:04:05.000Z', note: null },
        ]);
      });
    });
  });

  test('an unreachable server is bad input that names the URL without its password', async () => {
    const url = 'postgres://someone:s3cret-pw@127.0.0.1:1/nowhere';
    await assert.rejects(openWarehouse(url, { mustExist: false }), (err: unknown) => {
      assert.ok(err instanceof TenureError);
      assert.equal(err.code, 'bad_input');
      assert.match(err.message, /someone:\*\*\*@127\.0\.0\.1:1/);
      assert.doesNotMatch(`${err.message} ${err.hint}`, /s3cret/);
      return true;
    });
    await assert.rejects(PostgresEngine.open('postgres://'), /not a PostgreSQL URL/);
    const good = await freshDatabase();
    const engine = await PostgresEngine.open(good.replace('tenure@', 'tenure:pw@'));
    try {
      assert.equal(engine.location, good.replace('tenure@', 'tenure:***@'));
    } finally {
      await engine.close();
    }
  });

  test('a generated company ingests into PostgreSQL exactly as into DuckDB, and again changes nothing', async () => {
    await withTempDir(async (dir) => {
      const data = join(dir, 'company');
      await generateCompany({ customers: 200, months: 12, seed: 7, out: data, format: 'csv' });
      const duck = await DuckDBEngine.open(join(dir, 'tenure.duckdb'));
      try {
        await withPostgres(async (pg) => {
          const duckReport = await ingest(duck, { dataDir: data, now: NOW });
          const pgReport = await ingestInto(pg, { dataDir: data, now: NOW });
          assert.deepEqual(countsOf(pgReport), countsOf(duckReport));
          assert.ok((duckReport.tables.customers?.loaded ?? 0) === 200);
          const first = await snapshot(pg);
          assert.deepEqual(first, await snapshot(duck));
          const again = await ingestInto(pg, { dataDir: data, now: NOW });
          for (const [table, c] of Object.entries(again.tables)) {
            assert.equal(c.loaded, 0, `${table}: nothing new the second time`);
            assert.equal(c.duplicates + c.quarantined, c.read, `${table}: every row recognised`);
          }
          const second = await snapshot(pg);
          for (const table of TABLE_NAMES) assert.deepEqual(second[table], first[table], table);
          assert.deepEqual(second.tenure_quarantine, first.tenure_quarantine);
        });
      } finally {
        await duck.close();
      }
    });
  });

  // Each fixture is one or more folders loaded in turn (conflict-existing: a first load, then a second).
  const FIXTURE_LOADS: Record<string, string[]> = {
    'unknown-reference': [''],
    'bad-json': [''],
    'segment-ndjson': [''],
    'conflict-existing': ['first', 'second'],
  };
  for (const [name, loads] of Object.entries(FIXTURE_LOADS)) {
    test(`fixture ${name}: the same counts, rows and quarantine in PostgreSQL as in DuckDB`, async () => {
      await withTempDir(async (dir) => {
        const duck = await DuckDBEngine.open(join(dir, 'tenure.duckdb'));
        try {
          await withPostgres(async (pg) => {
            for (const sub of loads) {
              const folder = join(fixture(name), sub);
              const duckReport = await ingest(duck, { dataDir: folder, now: NOW });
              const pgReport = await ingestInto(pg, { dataDir: folder, now: NOW });
              assert.deepEqual(countsOf(pgReport), countsOf(duckReport), sub);
            }
            assert.deepEqual(await snapshot(pg), await snapshot(duck));
          });
        } finally {
          await duck.close();
        }
      });
    });
  }
});
