// Computations in the server run side by side (issue 19, item 4), on real warehouses:
// (a) two computations' SQL runs at the same time inside the engine — on DuckDB one statement reads a named
//     pipe that the other's statement writes, on PostgreSQL one waits for an advisory lock the other holds
//     until it sees that wait — so neither could finish were they run one after the other; and ten
//     concurrent requests have statements in flight on several connections at once, never more than the
//     bound;
// (b) a load's writes wait for the computation running and hold back one asked after them: the running one
//     reads the data before the load throughout, the one asked later reads all of it;
// (c) ten different uncached requests at once are answered with exactly the bodies they get one at a time.
// Every order is observed through the engines' own waits and the work's log, never through time.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  closeSync,
  constants,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CATALOG } from '../../src/catalog/catalog.ts';
import { computeKpis } from '../../src/compiler/compute.ts';
import { ingest } from '../../src/ingest/ingest.ts';
import { loadWarehouse } from '../../src/ingest/load-warehouse.ts';
import { DEFAULT_TIMEOUT_MS, ServerContext } from '../../src/server/context.ts';
import { startServer } from '../../src/server/serve.ts';
import { generateCompany } from '../../src/synth/generate.ts';
import { DuckDBEngine } from '../../src/warehouse/duckdb/duckdb-engine.ts';
import type { BindValue, BulkSource, Engine, Row } from '../../src/warehouse/engine.ts';
import { PostgresEngine } from '../../src/warehouse/postgres/postgres-engine.ts';
import { postgresUnavailable, startPostgres } from '../support/postgres-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'tenure-concurrent-reads-'));
const catalog = { definitions: CATALOG, applied: [], custom: [] };
const projectFile = join(dir, 'tenure.yaml');
/** A test whose computations were run one after the other would wait forever: it fails at this instead. */
const DEADLOCK = { timeout: 120_000 };

/** A promise and its resolve, to hold a piece of work until the test lets it go. */
function held(): { promise: Promise<void>; release: () => void } {
  let release: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { promise, release };
}

after(() => rmSync(dir, { recursive: true, force: true }));

describe('on DuckDB, two computations run at once', () => {
  const fifo = join(dir, 'between.csv');
  let engine: DuckDBEngine;

  before(async () => {
    engine = await DuckDBEngine.open(join(dir, 'empty.duckdb'));
    execFileSync('mkfifo', [fifo]);
  });

  after(async () => {
    // Had the writer never run, the reader would still wait in DuckDB: give it its line and let it finish.
    try {
      const fd = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
      writeSync(fd, 'answer\n0\n');
      closeSync(fd);
    } catch {
      // No reader left: nothing waits.
    }
    await engine.close();
  });

  test('one statement reads a named pipe while the other writes into it', DEADLOCK, async () => {
    const ctx = new ServerContext(engine, catalog, projectFile, DEFAULT_TIMEOUT_MS, 2);
    // Reading a pipe waits in DuckDB until a writer opens it, and COPY's writing waits until a reader does:
    // the reader can only answer 42 if the writer's statement ran while its own was running.
    const reading = ctx.compute((e) =>
      e.query<{ answer: number }>(
        `SELECT answer FROM read_csv($1, header = true, columns = {'answer': 'INTEGER'})`,
        [fifo],
      ),
    );
    const writing = ctx.compute((e) =>
      e.run(`COPY (SELECT 42 AS answer) TO '${fifo}' (FORMAT csv, HEADER true)`),
    );
    assert.deepEqual(ctx.computing, { readers: 2, writer: false, waiting: 0 });
    await writing;
    assert.deepEqual(await reading, [{ answer: 42 }]);
    assert.deepEqual(ctx.computing, { readers: 0, writer: false, waiting: 0 });
  });
});

const pgUnavailable = postgresUnavailable();
if (pgUnavailable && process.env.CI) {
  test('a PostgreSQL server is available for the PostgreSQL tests', () => assert.fail(pgUnavailable));
}

describe('on PostgreSQL, two computations run at once', { skip: pgUnavailable }, () => {
  test('one statement waits for a lock the other holds until it sees that wait', DEADLOCK, async () => {
    const server = await startPostgres();
    const engine = await PostgresEngine.open(await server.createDatabase('concurrent_reads'));
    try {
      const ctx = new ServerContext(engine, catalog, projectFile, DEFAULT_TIMEOUT_MS, 2);
      const locked = held();
      const holder = ctx.compute(async (e) => {
        await e.query('SELECT pg_advisory_lock(19)');
        locked.release();
        // Holds the lock until another session's statement waits for it inside PostgreSQL.
        await e.run(`DO $$ BEGIN
            WHILE NOT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objid = 19 AND NOT granted)
            LOOP PERFORM pg_sleep(0.01); END LOOP;
          END $$`);
        await e.query('SELECT pg_advisory_unlock(19)');
        return 'saw the other wait';
      });
      await locked.promise;
      const waiter = ctx.compute(async (e) => {
        await e.query('SELECT pg_advisory_lock(19)');
        await e.query('SELECT pg_advisory_unlock(19)');
        return 'got the lock';
      });
      assert.deepEqual(await Promise.all([holder, waiter]), ['saw the other wait', 'got the lock']);
    } finally {
      await engine.close();
      await server.stop();
    }
  });
});

// Three customers paying 100, 200 and 300 from January: MRR 600 at the end of January and of February.
// The daily batch: c4 starts paying 50 on Feb 3 and c1 upgrades from 100 to 150 on Feb 15, so February's
// MRR becomes 600 + 50 + 50 = 700.
const FILES: Record<string, string> = {
  'base/customers.csv':
    'customer_id,signed_up_at\nc1,2025-01-05T00:00:00Z\nc2,2025-01-10T00:00:00Z\nc3,2025-01-20T00:00:00Z\n',
  'base/subscription_changes.csv':
    'customer_id,effective_at,mrr\nc1,2025-01-05T00:00:00Z,100\nc2,2025-01-10T00:00:00Z,200\nc3,2025-01-20T00:00:00Z,300\n',
  'extra/customers.csv': 'customer_id,signed_up_at\nc4,2025-02-03T00:00:00Z\n',
  'extra/subscription_changes.csv':
    'customer_id,effective_at,mrr\nc4,2025-02-03T00:00:00Z,50\nc1,2025-02-15T00:00:00Z,150\n',
};

/** February's MRR, computed as the API computes it. */
async function februaryMrr(engine: Engine): Promise<number | null> {
  const rows = await computeKpis(engine, {
    kpis: ['mrr'],
    grain: 'month',
    from: '2025-01-01',
    to: '2025-02-28',
    asOf: '2025-03-01T00:00:00Z',
    catalog: CATALOG,
  });
  return rows[1]?.value ?? null;
}

test('a load waits for the computation running and holds back the one asked after it', async () => {
  for (const sub of ['base', 'extra']) mkdirSync(join(dir, sub));
  for (const [name, text] of Object.entries(FILES)) writeFileSync(join(dir, name), text);
  const engine = await DuckDBEngine.open(join(dir, 'loading.duckdb'));
  try {
    await loadWarehouse(engine, { dataDir: join(dir, 'base') });
    const ctx = new ServerContext(engine, catalog, projectFile, DEFAULT_TIMEOUT_MS, 2);
    const log: string[] = [];
    const running = held();
    const goOn = held();
    const first = ctx.compute(async (e) => {
      log.push('first start');
      const before = await februaryMrr(e);
      running.release();
      await goOn.promise;
      // Read again once the load has asked to write: still all of the data before it.
      const again = await februaryMrr(e);
      log.push('first end');
      return [before, again];
    });
    await running.promise;

    const asked = held();
    const loading = ctx.load((e, turn) =>
      loadWarehouse(e, {
        dataDir: join(dir, 'extra'),
        catalog: CATALOG,
        turn: (write) => {
          asked.release();
          return turn(async () => {
            log.push('write start');
            try {
              return await write();
            } finally {
              log.push('write end');
            }
          });
        },
      }),
    );
    // The load has read and checked its files and asked to publish: it waits for the computation running.
    await asked.promise;
    assert.deepEqual(ctx.computing, { readers: 1, writer: false, waiting: 1 });
    const second = ctx.compute(async (e) => {
      log.push('second start');
      const value = await februaryMrr(e);
      log.push('second end');
      return value;
    });
    // A place is free, but the computation asked after the load's write waits for it.
    assert.deepEqual(ctx.computing, { readers: 1, writer: false, waiting: 2 });
    goOn.release();

    assert.deepEqual(await first, [600, 600]);
    assert.equal(await second, 700);
    const report = await loading;
    assert.equal(report.loadId, 2);
    // Publishing, then the second computation, then the kept rollups' rebuild (asked after it started).
    assert.deepEqual(log, [
      'first start',
      'first end',
      'write start',
      'write end',
      'second start',
      'second end',
      'write start',
      'write end',
    ]);
    assert.equal(await februaryMrr(engine), 700);
  } finally {
    await engine.close();
  }
});

/**
 * The engine with each computation's statements counted while they are in flight (sent to the engine and
 * not yet answered): `most` is the most computations that had one in flight at the same moment.
 */
class CountingEngine implements Engine {
  readonly dialect: Engine['dialect'];
  readonly location: string;
  most = 0;
  private readonly inFlight = new Map<number, number>();
  private computations = 0;

  constructor(private readonly inner: Engine) {
    this.dialect = inner.dialect;
    this.location = inner.location;
  }

  query<T extends Row = Row>(sql: string, params?: readonly BindValue[]): Promise<T[]> {
    return this.inner.query<T>(sql, params);
  }
  run(sql: string, params?: readonly BindValue[]): Promise<number> {
    return this.inner.run(sql, params);
  }
  transaction<T>(work: (tx: Engine) => Promise<T>): Promise<T> {
    return this.inner.transaction(work);
  }
  session<T>(work: (session: Engine) => Promise<T>): Promise<T> {
    return this.inner.session(work);
  }
  isolated<T>(work: (session: Engine) => Promise<T>, signal?: AbortSignal): Promise<T> {
    this.computations += 1;
    const id = this.computations;
    return this.inner.isolated((session) => work(this.counted(id, session)), signal);
  }
  bulkLoad(table: string, source: BulkSource): Promise<number> {
    return this.inner.bulkLoad(table, source);
  }
  close(): Promise<void> {
    return this.inner.close();
  }

  /** `session` with its statements counted under computation `id`, in its sessions and transactions too. */
  private counted(id: number, session: Engine): Engine {
    const track = async <T>(statement: () => Promise<T>): Promise<T> => {
      this.inFlight.set(id, (this.inFlight.get(id) ?? 0) + 1);
      this.most = Math.max(this.most, [...this.inFlight.values()].filter((n) => n > 0).length);
      try {
        return await statement();
      } finally {
        this.inFlight.set(id, (this.inFlight.get(id) ?? 1) - 1);
      }
    };
    return {
      dialect: session.dialect,
      location: session.location,
      query: (sql, params) => track(() => session.query(sql, params)),
      run: (sql, params) => track(() => session.run(sql, params)),
      transaction: (work) => session.transaction((tx) => work(this.counted(id, tx))),
      session: (work) => session.session((s) => work(this.counted(id, s))),
      isolated: (work, signal) => session.isolated(work, signal),
      bulkLoad: (table, source) => session.bulkLoad(table, source),
      close: () => session.close(),
    };
  }
}

/**
 * Equal, numbers to a relative 1e-12: DuckDB sums floating values over its threads in whatever order they
 * finish (customer_engagement_score's sums differ in their 16th digit between two runs at once).
 */
function assertSameAnswer(actual: unknown, expected: unknown, path: string): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    const scale = Math.max(1, Math.abs(expected), Math.abs(actual));
    assert.ok(Math.abs(actual - expected) <= 1e-12 * scale, `${path}: ${actual} at once, ${expected} alone`);
    return;
  }
  if (expected !== null && actual !== null && typeof expected === 'object' && typeof actual === 'object') {
    assert.deepEqual(Object.keys(actual), Object.keys(expected), `${path}: keys`);
    for (const [key, value] of Object.entries(expected)) {
      assertSameAnswer((actual as Record<string, unknown>)[key], value, `${path}.${key}`);
    }
    return;
  }
  assert.deepEqual(actual, expected, path);
}

test('ten uncached requests at once overlap and answer what they answer one at a time', async () => {
  await generateCompany({ customers: 400, months: 6, seed: 19, out: join(dir, 'company') });
  const engine = await DuckDBEngine.open(join(dir, 'company.duckdb'));
  try {
    await ingest(engine, { dataDir: join(dir, 'company') });
    const range = 'from=2025-07-01&to=2025-11-30&grain=month';
    const paths = [
      `/api/kpis/mrr/series?${range}`,
      `/api/kpis/mrr/series?${range}&as_of=2025-12-15T00:00:00Z`,
      `/api/kpis?ids=customer_churn_rate,stickiness_ratio&${range}`,
      `/api/kpis/net_revenue_retention/series?${range}&by=plan`,
      `/api/kpis/mrr/series?${range}&filter=plan:starter`,
      `/api/kpis?ids=all&from=2025-10-01&to=2025-11-30&grain=month`,
      `/api/views/lifecycle?${range}`,
      '/api/views/signup-cohorts?from=2025-07-01&to=2025-11-30',
      '/api/segments?by=channel',
      '/api/tree?grain=month',
    ];
    const counting = new CountingEngine(engine);
    const serve = (e: Engine, parallel: number) =>
      startServer({ engine: e, catalog, projectFile, host: '127.0.0.1', port: 0, parallel });
    const together = await serve(counting, 3);
    const alone = await serve(engine, 1);
    const get = async (base: string, path: string) => {
      const res = await fetch(`${base}${path}`);
      return { status: res.status, cache: res.headers.get('x-tenure-cache'), body: await res.text() };
    };
    try {
      const atOnce = await Promise.all(paths.map((path) => get(together.url, path)));
      const oneByOne = [];
      for (const path of paths) oneByOne.push(await get(alone.url, path));
      for (const [i, path] of paths.entries()) {
        assert.equal(atOnce[i]?.status, 200, `${path}: ${atOnce[i]?.body}`);
        assert.equal(oneByOne[i]?.status, 200, `${path}: ${oneByOne[i]?.body}`);
        assert.notEqual(atOnce[i]?.cache, 'hit', path);
        assertSameAnswer(JSON.parse(atOnce[i]?.body ?? ''), JSON.parse(oneByOne[i]?.body ?? ''), path);
      }
      // Several computations had a statement in DuckDB at once, and never more than the bound.
      assert.ok(counting.most >= 2, `at most ${counting.most} computation had a statement in flight at once`);
      assert.ok(counting.most <= 3, `${counting.most} computations had a statement in flight at once`);
    } finally {
      await together.app.close();
      await alone.app.close();
    }
  } finally {
    await engine.close();
  }
});
