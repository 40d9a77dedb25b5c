// ClickHouseEngine on chDB (the current engine, embedded) and on a real ClickHouse 18.16 server (Debian's,
// started here): the version read at connect time and capability flags that tell the truth (each probe
// query runs exactly where its flag says so), the escaper's text read back byte for byte by both engines,
// values shaped as DuckDB gives them, clear errors, and a hand-computed user-days rollup on both (window
// functions on chDB, sorted arrays on 18.16) after a real load.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TenureError } from '../../src/errors/tenure-error.ts';
import { ingestInto } from '../../src/ingest/publish-target.ts';
import type { Capability } from '../../src/warehouse/clickhouse/clickhouse-capabilities.ts';
import { ClickHouseEngine } from '../../src/warehouse/clickhouse/clickhouse-engine.ts';
import { calendarDate, inlineValue } from '../../src/warehouse/clickhouse/clickhouse-escape.ts';
import { buildUserDays } from '../../src/warehouse/clickhouse/clickhouse-rollups.ts';
import { openWarehouse } from '../../src/warehouse/open.ts';
import { NOW, withTempDir } from '../ingest/helpers.ts';
import {
  type ClickHouseCluster,
  clickhouseUnavailable,
  startClickHouseCluster,
} from '../support/clickhouse-cluster.ts';

const unavailable = clickhouseUnavailable();
if (unavailable && process.env.CI) {
  test('a ClickHouse server is available for the ClickHouse tests', () => assert.fail(unavailable));
}

/** A query that runs only with the capability. */
const PROBES: Record<Exclude<Capability, 'boundParameters'>, string> = {
  windowFunctions:
    'SELECT sum(number) OVER (ORDER BY number) AS s FROM (SELECT number FROM system.numbers LIMIT 3)',
  commonTableExpressions: 'WITH x AS (SELECT 1 AS a) SELECT a FROM x',
  dateTrunc: "SELECT date_trunc('month', toDate('2024-02-10')) AS m",
  multipleJoins:
    'SELECT a.x FROM (SELECT 1 AS x) a JOIN (SELECT 1 AS x) b ON a.x = b.x JOIN (SELECT 1 AS x) c ON a.x = c.x',
  dateTime64: "SELECT toDateTime64('2024-01-01 00:00:00.5', 3, 'UTC') AS t",
  jsonFunctions: `SELECT JSONExtractString('{"a":"b"}', 'a') AS v`,
  boolType: 'SELECT CAST(1 AS Bool) AS b',
};

const HOSTILE = [
  '',
  "it's",
  "\\'; DROP TABLE t; --",
  'back\\slash at the end\\',
  'quote \' and "double" and `tick`',
  'nul\0inside',
  'controls \b\f\n\r\t\u0001\u001f\u007f',
  'héllo 😀 中文 ﷽',
  '$1 {p1:String} ?',
];

async function succeeds(work: () => Promise<unknown>): Promise<boolean> {
  try {
    await work();
    return true;
  } catch (err) {
    assert.ok(err instanceof TenureError, String(err));
    return false;
  }
}

/** Both engines, named; the server one only where a server is installed. */
function engines(): { name: string; open: () => Promise<ClickHouseEngine> }[] {
  const list = [{ name: 'chDB', open: () => ClickHouseEngine.open('chdb://:memory:') }];
  if (!unavailable) {
    list.push({ name: 'ClickHouse 18.16', open: () => ClickHouseEngine.open(serverUrl()) });
  }
  return list;
}

let cluster: ClickHouseCluster | undefined;
let databases = 0;
const serverUrl = () => `${cluster?.nodes[0].url}`;

before(async () => {
  if (!unavailable) cluster = await startClickHouseCluster();
});
after(async () => {
  await cluster?.stop();
});

describe('connecting', () => {
  test('the version is read at connect time and every capability flag tells the truth', async () => {
    for (const { name, open } of engines()) {
      const engine = await open();
      try {
        if (name === 'chDB') assert.match(engine.version, /^2\d\./, 'chDB embeds a current ClickHouse');
        else assert.match(engine.version, /^18\.16\./);
        const caps = engine.capabilities;
        const expected = name === 'chDB';
        for (const [capability, sql] of Object.entries(PROBES) as [keyof typeof PROBES, string][]) {
          assert.equal(caps[capability], expected, `${name}: ${capability}`);
          assert.equal(await succeeds(() => engine.query(sql)), expected, `${name}: probe of ${capability}`);
        }
        assert.equal(caps.boundParameters, expected);
        const node = engine.nodes[0];
        assert.ok(node);
        const bound = () => node.connection.query('SELECT {p:String} AS v', { p: 'x' });
        assert.equal(
          await bound().then(
            () => true,
            () => false,
          ),
          expected,
          `${name}: bound parameters`,
        );
      } finally {
        await engine.close();
      }
    }
  });

  test('URLs are resolved through open.ts; unreachable servers and missing databases are told apart', async () => {
    const chdb = await openWarehouse('chdb://:memory:', { mustExist: false, purpose: 'load' });
    assert.equal(chdb.dialect.name, 'clickhouse');
    await chdb.close();
    // Loads and computations open; a command keeping Tenure's own records (updated in place) is refused
    // before any SQL runs, with where those records can live.
    const computing = await openWarehouse('chdb://:memory:', { mustExist: true, purpose: 'compute' });
    await computing.close();
    await assert.rejects(
      openWarehouse('chdb://:memory:', { mustExist: true }),
      (err) =>
        err instanceof TenureError &&
        err.code === 'bad_input' &&
        /^a ClickHouse warehouse takes loads and the catalog's computations \(`tenure ingest`, `tenure compute`\)/.test(
          err.message,
        ) &&
        /DuckDB or PostgreSQL/.test(err.hint),
    );
    await assert.rejects(
      openWarehouse('clickhouse://127.0.0.1:9/tenure', { mustExist: true, purpose: 'load' }),
      (err) => err instanceof TenureError && err.code === 'bad_input' && /cannot reach/.test(err.message),
    );
    if (unavailable) return;
    await assert.rejects(
      ClickHouseEngine.open(serverUrl().replace(/default$/, 'no_such_db')),
      (err) => err instanceof TenureError && err.code === 'bad_input' && /create the database/.test(err.hint),
    );
    await assert.rejects(
      ClickHouseEngine.open(`${serverUrl()}?cluster=nope`),
      (err) => err instanceof TenureError && /no cluster named nope/.test(err.message),
    );
  });
});

describe('values', () => {
  test('the escaper writes text both engines read back byte for byte', async () => {
    for (const { name, open } of engines()) {
      const engine = await open();
      try {
        for (const s of HOSTILE) {
          const [row] = await engine.query(`SELECT hex(${inlineValue(s)}) AS h, ${inlineValue(s)} AS v`);
          const expected = Buffer.from(s, 'utf8').toString('hex').toUpperCase();
          assert.equal(row?.h, expected, `${name}: ${JSON.stringify(s)}`);
          assert.equal(row?.v, s, `${name}: ${JSON.stringify(s)} as a value`);
          // Through a placeholder: bound on chDB, inlined on 18.16; the same bytes either way.
          const [bound] = await engine.query('SELECT hex($1) AS h', [s]);
          assert.equal(bound?.h, expected, `${name}: ${JSON.stringify(s)} through $1`);
        }
        const [row] = await engine.query(
          `SELECT ${inlineValue(9007199254740991)} AS safe, ${inlineValue(9223372036854775807n)} AS max64,
            ${inlineValue(-7.25)} AS neg, ${inlineValue(1e-7)} AS tiny, ${inlineValue(true)} AS yes,
            toString(${inlineValue(calendarDate('2024-02-29'))}) AS day,
            ${inlineValue(new Date('2024-01-05T10:00:00Z'))} AS at, ${inlineValue(null)} AS nothing,
            ${inlineValue([1, 2, 3])} AS list`,
        );
        assert.deepEqual(row, {
          safe: 9007199254740991,
          // Beyond 2^53 an integer stays text, as DuckDB's converter keeps it.
          max64: '9223372036854775807',
          neg: -7.25,
          tiny: 1e-7,
          yes: 1,
          day: '2024-02-29',
          at: '2024-01-05T10:00:00.000Z',
          nothing: null,
          list: [1, 2, 3],
        });
      } finally {
        await engine.close();
      }
    }
  });

  test('what ClickHouse cannot do is refused clearly: transactions, JSON keys on 18.16, bad SQL', async () => {
    for (const { name, open } of engines()) {
      const engine = await open();
      try {
        await assert.rejects(
          engine.transaction(async () => 1),
          (err) => err instanceof TenureError && /has no multi-table transactions/.test(err.message),
        );
        await assert.rejects(
          engine.query('SELECT no_such_column FROM system.one'),
          (err) =>
            err instanceof TenureError &&
            err.code === 'engine_failure' &&
            err.message.startsWith(engine.name),
        );
        if (name === 'chDB') {
          const [row] = await engine.query(
            `SELECT ${engine.dialect.jsonText('\'{"a": "x", "n": 2}\'', '$1')} AS a`,
            ['n'],
          );
          assert.deepEqual(row, { a: '2' }, "a number's JSON text, as DuckDB's ->> gives it");
        } else {
          assert.throws(
            () => engine.dialect.jsonText('properties', '$1'),
            (err) =>
              err instanceof TenureError &&
              err.message ===
                'ClickHouse 18.16.1 has no JSONExtract functions, which reading a key of a JSON column needs',
          );
        }
      } finally {
        await engine.close();
      }
    }
  });
});

/** Six events of two accounts: u1 twice on Jan 1 and once on Jan 4; u2 on Jan 2 and 9; c2 itself on Jan 3. */
async function writeTinyFolder(dir: string, eventTimes = '2024-01-01T10:00:00Z'): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'customers.csv'),
    'customer_id,signed_up_at\nc1,2023-12-01T00:00:00Z\nc2,2023-12-02T00:00:00Z\n',
  );
  await writeFile(
    join(dir, 'events.csv'),
    [
      'event_id,user_id,customer_id,occurred_at,name',
      `e1,u1,c1,${eventTimes},login`,
      'e2,u1,c1,2024-01-01T09:00:00Z,report_created',
      'e3,u1,c1,2024-01-04T00:00:00Z,login',
      'e4,u2,c2,2024-01-02T23:59:59Z,login',
      'e5,,c2,2024-01-03T12:00:00Z,login',
      'e6,u2,c2,2024-01-09T00:00:01Z,login',
      '',
    ].join('\n'),
  );
}

// By hand: a user's key is user_id, else the customer; gap = days since the user's previous active day.
const TINY_USER_DAYS = [
  {
    user_key: 'c2',
    customer_id: 'c2',
    day: '2024-01-03',
    events: 1,
    first_at: '2024-01-03T12:00:00.000Z',
    gap: null,
  },
  {
    user_key: 'u1',
    customer_id: 'c1',
    day: '2024-01-01',
    events: 2,
    first_at: '2024-01-01T09:00:00.000Z',
    gap: null,
  },
  {
    user_key: 'u1',
    customer_id: 'c1',
    day: '2024-01-04',
    events: 1,
    first_at: '2024-01-04T00:00:00.000Z',
    gap: 3,
  },
  {
    user_key: 'u2',
    customer_id: 'c2',
    day: '2024-01-02',
    events: 1,
    first_at: '2024-01-02T23:59:59.000Z',
    gap: null,
  },
  {
    user_key: 'u2',
    customer_id: 'c2',
    day: '2024-01-09',
    events: 1,
    first_at: '2024-01-09T00:00:01.000Z',
    gap: 7,
  },
];

describe('a small load and its user days', () => {
  test('loaded, then rolled up per user and day exactly as worked out by hand, on both engines', async () => {
    await withTempDir(async (dir) => {
      const data = join(dir, 'tiny');
      await writeTinyFolder(data);
      for (const { name } of engines()) {
        const url =
          name === 'chDB'
            ? `chdb://${join(dir, 'chdb')}`
            : await (cluster as ClickHouseCluster).createDatabase(`tiny${++databases}`);
        // A single server here: the cluster's first node alone.
        const engine = await ClickHouseEngine.open(url.replace(/\?.*$/, ''));
        try {
          const report = await ingestInto(engine, { dataDir: data, now: NOW });
          assert.deepEqual(
            Object.fromEntries(Object.entries(report.tables).map(([t, c]) => [t, [c.read, c.loaded]])),
            { customers: [2, 2], events: [6, 6] },
          );
          const built = await buildUserDays(engine);
          assert.equal(built.rebuilt, true);
          const rows = await engine.query(
            `SELECT user_key, customer_id, toString(day) AS day, events, first_at, gap FROM ${built.table}
             ORDER BY user_key, day`,
          );
          assert.deepEqual(rows, TINY_USER_DAYS, name);
          const again = await buildUserDays(engine);
          assert.deepEqual(
            [again.rebuilt, again.table],
            [false, built.table],
            `${name}: no new events, kept`,
          );
        } finally {
          await engine.close();
        }
      }
    });
  });

  test('times with fractions of a second: kept by chDB, refused by 18.16 before anything is written', async () => {
    await withTempDir(async (dir) => {
      const data = join(dir, 'fractions');
      await writeTinyFolder(data, '2024-01-01T10:00:00.5Z');
      const chdb = await ClickHouseEngine.open(`chdb://${join(dir, 'chdb')}`);
      try {
        await ingestInto(chdb, { dataDir: data, now: NOW });
        const [row] = await chdb.query("SELECT occurred_at FROM events WHERE event_id = 'e1'");
        assert.deepEqual(row, { occurred_at: '2024-01-01T10:00:00.500Z' });
      } finally {
        await chdb.close();
      }
      if (unavailable) return;
      const server = await ClickHouseEngine.open(
        (await (cluster as ClickHouseCluster).createDatabase(`fractions${++databases}`)).replace(/\?.*$/, ''),
      );
      try {
        await assert.rejects(
          ingestInto(server, { dataDir: data, now: NOW }),
          (err) =>
            err instanceof TenureError &&
            err.code === 'bad_input' &&
            err.where.file === 'events.csv' &&
            err.where.column === 'occurred_at' &&
            /1 rows have times with fractions of a second, which ClickHouse 18\.16\.1 cannot keep/.test(
              err.message,
            ),
        );
        const [starts] = await server.query('SELECT count() AS n FROM tenure_load_starts');
        const [stored] = await server.query('SELECT count() AS n FROM events_stored');
        assert.deepEqual([starts?.n, stored?.n], [0, 0], 'no load begun, no row written');
      } finally {
        await server.close();
      }
    });
  });
});
