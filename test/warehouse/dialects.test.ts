// One invariant suite over every registered engine's dialect: each spelling the dialect owns gives the same
// answer on DuckDB, PostgreSQL (a real server) and ClickHouse (chDB), worked out by hand. A new engine is
// one more line in ENGINES below (and its registry entry).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ClickHouseEngine } from '../../src/warehouse/clickhouse/clickhouse-engine.ts';
import { DuckDBEngine } from '../../src/warehouse/duckdb/duckdb-engine.ts';
import type { Engine } from '../../src/warehouse/engine.ts';
import { ENGINES as REGISTERED } from '../../src/warehouse/registry.ts';
import { SqlParams } from '../../src/warehouse/sql-builder.ts';
import { tableExists, tableNames } from '../../src/warehouse/table-checks.ts';
import { type PostgresServer, postgresUnavailable, startPostgres } from '../support/postgres-server.ts';

const unavailable = postgresUnavailable();
if (unavailable && process.env.CI) throw new Error(`PostgreSQL is required in CI: ${unavailable}`);

let pgServer: PostgresServer | undefined;
const ENGINES: readonly { name: string; skip?: string; open: () => Promise<Engine> }[] = [
  { name: 'duckdb', open: () => DuckDBEngine.open(':memory:') },
  {
    name: 'postgres',
    skip: unavailable,
    open: async () => {
      pgServer ??= await startPostgres();
      const { PostgresEngine } = await import('../../src/warehouse/postgres/postgres-engine.ts');
      return PostgresEngine.open(await pgServer.createDatabase(`dialects_${process.pid}`));
    },
  },
  { name: 'clickhouse', open: () => ClickHouseEngine.open('chdb://:memory:') },
];

test('every registered engine is in the suite', () => {
  assert.deepEqual(
    ENGINES.map((e) => e.name),
    REGISTERED.map((e) => e.name),
  );
});

after(async () => {
  await pgServer?.stop();
});

for (const spec of ENGINES) {
  describe(`the ${spec.name} dialect`, { skip: spec.skip }, () => {
    let e: Engine;
    before(async () => {
      e = await spec.open();
    });
    after(async () => {
      await e?.close();
    });

    /** One value of a SELECT built with bound values. */
    const one = async (build: (p: SqlParams) => string) => {
      const p = new SqlParams(e.dialect);
      const [row] = await e.query(`SELECT ${build(p)} AS v`, p.values);
      return row?.v;
    };
    const instant = (p: SqlParams, iso: string) => e.dialect.cast(p.bind(iso), 'timestamp');

    test('instants and dates: UTC day, epoch seconds, days and calendar months added', async () => {
      const d = e.dialect;
      // 23:59:59.5 UTC on 1 March is still 1 March.
      assert.equal(await one((p) => d.utcDay(instant(p, '2025-03-01T23:59:59.500Z'))), '2025-03-01');
      // 2025-01-01 is 20,089 days after 1970-01-01: 20089 × 86400 = 1,735,689,600 s, plus 0.25 s.
      assert.equal(
        await one((p) => d.epochSeconds(instant(p, '2025-01-01T00:00:00.250Z'))),
        1_735_689_600.25,
      );
      // Back 3 days from 1 March 2025 (not a leap year): 26 February.
      assert.equal(
        await one((p) => d.addInterval(instant(p, '2025-03-01T12:00:00Z'), p.bind(-3), 'day')),
        '2025-02-26T12:00:00.000Z',
      );
      // A month after 31 January is the last day of February, the day clamped.
      assert.equal(
        await one((p) => d.addInterval(instant(p, '2025-01-31T08:00:00Z'), '1', 'month')),
        '2025-02-28T08:00:00.000Z',
      );
      assert.equal(await one((p) => d.cast(p.bind('2024-02-29'), 'date')), '2024-02-29');
    });

    test('typed NULLs of every kind', async () => {
      for (const kind of ['id', 'text', 'timestamp', 'date', 'money', 'integer', 'boolean'] as const) {
        assert.equal(await one(() => e.dialect.cast('NULL', kind)), null, kind);
      }
    });

    test('series: both ends included; none when the end is before the start or NULL', async () => {
      const series = async (from: string, to: string) =>
        (await e.query(`SELECT g.i AS i FROM ${e.dialect.series(from, to, 'g')} ORDER BY g.i`)).map((r) =>
          Number(r.i),
        );
      assert.deepEqual(await series('1', '3'), [1, 2, 3]);
      assert.deepEqual(await series('0', '-1'), []);
      assert.deepEqual(await series('1', `(SELECT max(x) FROM (SELECT 1 AS x) t WHERE x > 1)`), []);
    });

    test('distinct counts are exact (never an approximate count)', async () => {
      // 300,000 distinct values: an approximate distinct count (ClickHouse's uniq) would be off by hundreds.
      const [row] = await e.query(
        `SELECT count(DISTINCT g.i % 300000) AS n FROM ${e.dialect.series('1', '600000', 'g')}`,
      );
      assert.equal(Number(row?.n), 300_000);
    });

    test('percentile: interpolated as percentile_cont, NULL over no rows', async () => {
      const values = `(SELECT * FROM (VALUES (1), (2), (3), (4)) AS v(x))`;
      // The median of 1, 2, 3, 4 lies halfway between 2 and 3; the 0.9 quantile at 1 + 0.9 × 3 = 3.7.
      const [a] = await e.query(`SELECT ${e.dialect.percentileCont('0.5', 'x')} AS v FROM ${values} t`);
      assert.equal(Number(a?.v), 2.5);
      const [b] = await e.query(`SELECT ${e.dialect.percentileCont('0.9', 'x')} AS v FROM ${values} t`);
      assert.ok(Math.abs(Number(b?.v) - 3.7) < 1e-12, String(b?.v));
      const [c] = await e.query(
        `SELECT ${e.dialect.percentileCont('0.5', 'x')} AS v FROM ${values} t WHERE x > 9`,
      );
      assert.equal(c?.v, null);
    });

    test('bits: OR over a group, AND, a shift to bit 61, count of set bits', async () => {
      const d = e.dialect;
      const big = (sql: string) => `CAST(${sql} AS BIGINT)`;
      const values = `(SELECT * FROM (VALUES (${big('1')}), (${big('4')}), (${big('5')})) AS v(x))`;
      const [or] = await e.query(`SELECT ${d.bitOr('x')} AS v FROM ${values} t`);
      assert.equal(Number(or?.v), 5); // 001 | 100 | 101
      assert.equal(Number(await one(() => d.bitAnd(big('12'), big('10')))), 8); // 1100 & 1010
      // 2^61 = 2,305,843,009,213,693,952: beyond 2^53, so compared as text.
      assert.equal(
        String(await one(() => `CAST(${d.shiftLeft(big('1'), '61')} AS VARCHAR)`)),
        '2305843009213693952',
      );
      assert.equal(Number(await one(() => d.bitCount(big('11')))), 3); // 1011
    });

    test('lag and lead are NULL where there is no row', async () => {
      const values = `(SELECT * FROM (VALUES (1, 10), (2, 20), (3, 30)) AS v(k, x))`;
      const rows = await e.query(
        `SELECT k, ${e.dialect.lag('x')} OVER (ORDER BY k) AS prev, ${e.dialect.lead('x')} OVER (ORDER BY k) AS next
         FROM ${values} t ORDER BY k`,
      );
      assert.deepEqual(
        rows.map((r) => [
          Number(r.k),
          r.prev === null ? null : Number(r.prev),
          r.next === null ? null : Number(r.next),
        ]),
        [
          [1, null, 20],
          [2, 10, 30],
          [3, 20, null],
        ],
      );
    });

    test('a character by its code; a key of a JSON text', async () => {
      assert.equal(await one(() => `${e.dialect.chr(65)}`), 'A');
      const json = `CAST('{"plan": "pro", "seats": 3, "gone": null}' AS ${e.dialect.columnType('json')})`;
      assert.equal(await one((p) => e.dialect.jsonText(json, p.bind('plan'))), 'pro');
      assert.equal(await one((p) => e.dialect.jsonText(json, p.bind('seats'))), '3');
      assert.equal(await one((p) => e.dialect.jsonText(json, p.bind('gone'))), null);
      assert.equal(await one((p) => e.dialect.jsonText(json, p.bind('none'))), null);
    });

    test('tables: a bookkeeping table once, a table from a query, the schema lists both and their columns', async () => {
      const d = e.dialect;
      const columns = [
        ['name', 'text'],
        ['at', 'timestamp'],
        ['n', 'integer'],
      ] as const;
      await e.run(d.createTableIfMissing('dialect_book', columns));
      await e.run(d.createTableIfMissing('dialect_book', columns)); // a second time changes nothing
      await e.run(`INSERT INTO dialect_book VALUES ($1, ${d.cast('$2', 'timestamp')}, $3)`, [
        'a',
        '2025-01-01T00:00:00Z',
        7,
      ]);
      await e.run(d.createTableAs('dialect_kept', 'SELECT name, n FROM dialect_book', { temporary: false }));
      assert.deepEqual(await e.query('SELECT name, n FROM dialect_kept'), [{ name: 'a', n: 7 }]);
      assert.ok((await tableNames(e)).has('dialect_book'));
      assert.ok(await tableExists(e, 'dialect_kept'));
      assert.equal(await tableExists(e, 'dialect_none'), false);
      const listed = await e.query<{ name: string }>(d.columnNamesSql, ['dialect_book']);
      assert.deepEqual(
        listed.map((r) => r.name),
        ['name', 'at', 'n'],
      );
      // A temporary table lives in its session.
      await e.session(async (s) => {
        await s.run(s.dialect.createTableAs('dialect_temp', 'SELECT 1 AS one', { temporary: true }));
        assert.deepEqual(await s.query('SELECT one FROM dialect_temp'), [{ one: 1 }]);
      });
    });
  });
}
