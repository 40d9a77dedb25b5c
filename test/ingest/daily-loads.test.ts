// Daily loads (issue 19): a company loaded in 30 daily slices, with late events and late subscription
// changes for earlier days mixed in, keeps rollups, and gives every KPI, identical to one whole load of the
// same files and identical to a rebuild from the whole tables (`tenure ingest --rebuild`), on DuckDB and on
// PostgreSQL.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CATALOG } from '../../src/catalog/catalog.ts';
import { dataAsOf } from '../../src/compiler/as-of.ts';
import { computeKpis, rollupAsksFor } from '../../src/compiler/compute.ts';
import { findKept } from '../../src/compiler/kept-results.ts';
import { periodsBetween } from '../../src/compiler/periods.ts';
import { RunRollups } from '../../src/compiler/rollups/run-rollups.ts';
import { STORED_ROLLUPS_TABLE, storeRollups } from '../../src/compiler/rollups/stored-rollups.ts';
import { loadWarehouse } from '../../src/ingest/load-warehouse.ts';
import type { KpiResult } from '../../src/results/kpi-result.ts';
import { generateCompany } from '../../src/synth/generate.ts';
import { DuckDBEngine } from '../../src/warehouse/duckdb/duckdb-engine.ts';
import type { Engine } from '../../src/warehouse/engine.ts';
import { openWarehouse } from '../../src/warehouse/open.ts';
import { type PostgresServer, postgresUnavailable, startPostgres } from '../support/postgres-server.ts';

const unavailable = postgresUnavailable();
if (unavailable && process.env.CI) throw new Error(`PostgreSQL is required in CI: ${unavailable}`);

const DAYS = 30;
/** The slices late rows arrive with; the others bring their day's rows only. */
const LATE = [10, 20] as const;
let dir = '';
let whole = '';
const slices: string[] = [];

/**
 * Splits the company's files (after taking the session ids off a third of the users' events, in the whole
 * company too): slice 0 holds every table, with the events and subscription changes before
 * the last 30 days except about 2% of the events and 5% of the changes held back; slice k holds day k's
 * events and changes, and slices 10 and 20 the held-back rows too (a hash of their id picks which), which
 * arrive late for earlier days.
 */
async function split(company: string, out: string): Promise<void> {
  const db = await DuckDBEngine.open(join(out, 'split.duckdb'));
  try {
    const read = (table: string) =>
      `read_csv('${join(company, `${table}.csv`)}', all_varchar = true, header = true)`;
    const [end] = await db.query<{ last: string }>(
      `SELECT CAST(max(CAST(occurred_at AS TIMESTAMPTZ)) AT TIME ZONE 'UTC' AS DATE)::VARCHAR AS last FROM ${read('events')}`,
    );
    const cut = `CAST('${end?.last}' AS DATE) - INTERVAL ${DAYS - 1} DAY`;
    const dayNo = (t: string) =>
      `date_diff('day', ${cut}, CAST(CAST(${t} AS TIMESTAMPTZ) AT TIME ZONE 'UTC' AS DATE)) + 1`;
    // Late rows: before the cut, held back by their hash (about 1 in `every`), delivered in slice 10 or 20.
    const sliceOf = (t: string, key: string, every: number) =>
      `CASE WHEN ${dayNo(t)} >= 1 THEN ${dayNo(t)} WHEN hash(${key}) % ${every} = 0 THEN ${LATE[0]} + (${LATE[1] - LATE[0]}) * (hash(${key} || 'x') % 2) ELSE 0 END`;
    // A third of the users' events come without a session id, so that their sessions are derived from gaps.
    await db.run(
      `CREATE TABLE ev AS SELECT * REPLACE (CASE WHEN hash(coalesce(user_id, customer_id)) % 3 = 0 THEN NULL
         ELSE session_id END AS session_id), ${sliceOf('occurred_at', 'event_id', 50)} AS slice
       FROM ${read('events')}`,
    );
    await db.run(`COPY (SELECT * EXCLUDE (slice) FROM ev) TO '${join(company, 'events.csv')}' (HEADER)`);
    await db.run(
      `CREATE TABLE sc AS SELECT *, ${sliceOf('effective_at', 'customer_id || effective_at', 20)} AS slice
       FROM ${read('subscription_changes')}`,
    );
    for (let k = 0; k <= DAYS; k++) {
      const folder = join(out, `slice-${k}`);
      await mkdir(folder, { recursive: true });
      slices.push(folder);
      if (k === 0) {
        const tables = await db.query<{ name: string }>(
          `SELECT regexp_extract(file, '([a-z_]+)\\.csv$', 1) AS name FROM glob('${company}/*.csv')`,
        );
        for (const { name } of tables) {
          if (name === 'events' || name === 'subscription_changes') continue;
          await db.run(`COPY (SELECT * FROM ${read(name)}) TO '${join(folder, `${name}.csv`)}' (HEADER)`);
        }
      }
      await db.run(
        `COPY (SELECT * EXCLUDE (slice) FROM ev WHERE slice = ${k}) TO '${join(folder, 'events.csv')}' (HEADER)`,
      );
      await db.run(
        `COPY (SELECT * EXCLUDE (slice) FROM sc WHERE slice = ${k}) TO '${join(folder, 'subscription_changes.csv')}' (HEADER)`,
      );
    }
  } finally {
    await db.close();
  }
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tenure-daily-'));
  whole = join(dir, 'company');
  await generateCompany({ customers: 120, months: 6, seed: 7, out: whole });
  await split(whole, dir);
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Every kept rollup's rows, by key, sorted. */
async function keptRows(db: Engine): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const listed = await db.query<{ key: string; table_name: string }>(
    `SELECT key, table_name FROM ${STORED_ROLLUPS_TABLE}`,
  );
  for (const r of listed) {
    const rows = await db.query(`SELECT * FROM ${r.table_name}`);
    out.set(
      r.key,
      rows.map((row) => JSON.stringify(row, (_, v) => (typeof v === 'bigint' ? Number(v) : v))).sort(),
    );
  }
  return out;
}

function assertSameRollups(a: Map<string, string[]>, b: Map<string, string[]>, what: string): void {
  assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort(), `${what}: the same rollups are kept`);
  for (const [key, rows] of a) {
    const other = b.get(key) ?? [];
    assert.equal(rows.length, other.length, `${what}: ${key} rows`);
    assert.deepEqual(rows, other, `${what}: ${key}`);
  }
}

const same = (a: number | null, b: number | null) =>
  a === b || (a !== null && b !== null && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)));

const MONTHS = { kpis: 'all', from: '2025-07-01', to: '2025-12-31', grain: 'month' } as const;

/** The whole catalog over the data's months without a breakdown: kept results served unless `keep` is false. */
function monthly(db: Engine, keep: boolean): Promise<KpiResult[]> {
  return computeKpis(db, { ...MONTHS, keep });
}

/** The whole catalog, monthly over the data's months, without a breakdown and by plan. */
async function catalogResults(db: Engine): Promise<KpiResult[]> {
  const out: KpiResult[] = [];
  for (const by of [undefined, 'plan']) {
    const results = await db.session(async (session) => {
      const run = new RunRollups(session);
      try {
        return await computeKpis(session, { ...MONTHS, by }, run);
      } finally {
        await run.drop();
      }
    });
    out.push(...results);
  }
  return out;
}

function assertSameResults(a: KpiResult[], b: KpiResult[], what: string): void {
  assert.equal(a.length, b.length, `${what}: results`);
  const key = (r: KpiResult) => `${r.kpi}|${r.period_start}|${r.segment}`;
  const byKey = new Map(b.map((r) => [key(r), r]));
  for (const x of a) {
    const y = byKey.get(key(x));
    assert.ok(y, `${what}: no ${key(x)}`);
    assert.ok(same(x.value, y.value), `${what}: ${key(x)} ${x.value} vs ${y.value}`);
    assert.ok(same(x.numerator, y.numerator), `${what}: ${key(x)} numerator`);
    assert.ok(same(x.denominator, y.denominator), `${what}: ${key(x)} denominator`);
    assert.equal(x.n, y.n, `${what}: ${key(x)} n`);
    assert.deepEqual(x.flags, y.flags, `${what}: ${key(x)} flags`);
  }
}

/** Loads the slices one by one into `daily` and the whole company into `once`, then compares them. */
async function compareDailyWithWhole(daily: Engine, once: Engine): Promise<void> {
  const updated = new Set<string>();
  for (const [k, folder] of slices.entries()) {
    const report = await loadWarehouse(daily, { dataDir: folder });
    if (k > 0) {
      assert.ok(report.rollups.rebuilt, `slice ${k} changed the rollups`);
      assert.deepEqual(report.rollups.built, [], `slice ${k} built nothing from the whole tables`);
      for (const key of report.rollups.updated ?? []) updated.add(key);
    }
    // Kept results: served for the periods they settle and kept anew after every load; every few loads,
    // and after each late one, equal to the catalog computed without them.
    const served = await monthly(daily, true);
    if (k % 4 === 0 || LATE.some((l) => k === l || k === l + 1)) {
      assertSameResults(served, await monthly(daily, false), `kept results after slice ${k}`);
    }
  }
  // By the end, July to November are kept for MRR (no window after the month) and activation's milestones
  // (14 days); December is not (it ends after the data). The engagement score's reference months (the first
  // three complete months of events, from July or August) are over by 1 November at the latest: each month
  // settles at its end or at theirs, before the data's end.
  // Commerce's settle when the data says: November's last offers (valid 21 or 30 days) have expired by the
  // data's end, each month's spend row ends with the month, and only members earn or redeem.
  const asOf = (await dataAsOf(daily)) ?? '';
  const request = { catalog: CATALOG, grain: 'month', minSample: 30, asOf } as const;
  const kept = await findKept(
    daily,
    request,
    [
      'mrr',
      'activation_milestone_completion',
      'customer_engagement_score',
      'engagement_metrics',
      'meaningful_session_frequency',
      'redemption_rate',
      'customer_profitability',
      'loyalty_participation_rate',
    ],
    periodsBetween(MONTHS.from, MONTHS.to, 'month'),
  );
  const months = (kpi: string) => [...(kept.rows.get(kpi)?.keys() ?? [])].map((s) => s.slice(0, 7)).sort();
  const closed = ['2025-07', '2025-08', '2025-09', '2025-10', '2025-11'];
  assert.deepEqual(months('mrr'), closed);
  assert.deepEqual(months('activation_milestone_completion'), closed);
  for (const kpi of [
    'customer_engagement_score',
    'redemption_rate',
    'customer_profitability',
    'loyalty_participation_rate',
  ]) {
    assert.deepEqual(months(kpi), closed, kpi);
  }
  // Sessions run on past their month: kept while no load changes one that started before its end (the
  // last loads change December's only).
  assert.deepEqual(months('engagement_metrics'), closed);
  assert.deepEqual(months('meaningful_session_frequency'), closed);
  // Every kind the shipped catalog keeps was updated in place by some slice.
  assert.equal(updated.size, 10, [...updated].join('; '));
  await loadWarehouse(once, { dataDir: whole });
  const wholeRows = await keptRows(once);
  assertSameRollups(await keptRows(daily), wholeRows, 'daily loads vs one load');
  const wholeResults = await catalogResults(once);
  assertSameResults(await catalogResults(daily), wholeResults, 'daily loads vs one load');
  const rebuilt = await storeRollups(daily, rollupAsksFor('all', CATALOG), { rebuild: true });
  assert.equal(rebuilt.built.length, 10);
  assertSameRollups(await keptRows(daily), wholeRows, 'rebuilt vs one load');
  assertSameResults(await catalogResults(daily), wholeResults, 'rebuilt vs one load');
}

test('DuckDB: 30 daily loads with late rows keep the rollups and KPIs of one whole load and of a rebuild', async () => {
  const daily = await DuckDBEngine.open(join(dir, 'daily.duckdb'));
  const once = await DuckDBEngine.open(join(dir, 'once.duckdb'));
  try {
    await compareDailyWithWhole(daily, once);
  } finally {
    await daily.close();
    await once.close();
  }
});

describe('PostgreSQL', { skip: unavailable }, () => {
  let server: PostgresServer;
  before(async () => {
    server = await startPostgres();
  });
  after(async () => {
    await server?.stop();
  });

  test('30 daily loads with late rows keep the rollups and KPIs of one whole load and of a rebuild', async () => {
    const daily = await openWarehouse(await server.createDatabase('daily'), {
      mustExist: false,
      purpose: 'load',
    });
    const once = await openWarehouse(await server.createDatabase('once'), {
      mustExist: false,
      purpose: 'load',
    });
    try {
      await compareDailyWithWhole(daily, once);
    } finally {
      await daily.close();
      await once.close();
    }
  });
});
