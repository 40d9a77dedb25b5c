// The data-quality checks on real warehouses: a generated company raises nothing; then, each on its own copy
// of that warehouse, a later file brings a day with 10× the events, a day whose session_id is empty, events
// that go on while the other tables stop (stale), and a file whose rows are 30% unreadable — and each raises
// exactly its own finding, through `tenure check` as data_quality alerts too. The same findings come out of
// PostgreSQL (where its server is installed).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ingest } from '../../src/ingest/ingest.ts';
import { ingestInto } from '../../src/ingest/publish-target.ts';
import { runDataQuality } from '../../src/quality/checks.ts';
import { DEFAULT_DATA_QUALITY } from '../../src/quality/config.ts';
import type { QualityFinding } from '../../src/quality/findings.ts';
import { generateCompany } from '../../src/synth/generate.ts';
import { DuckDBEngine } from '../../src/warehouse/duckdb/duckdb-engine.ts';
import { openWarehouse } from '../../src/warehouse/open.ts';
import { tenure } from '../support/cli.ts';
import { postgresUnavailable, startPostgres } from '../support/postgres-server.ts';
import { assertSameAcrossEngines } from '../support/small-warehouse.ts';

let dir: string;
let base: string;
const company = () => join(dir, 'company');

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tenure-quality-'));
  // The window ends 2025-07-01 (exclusive): 2025-06-30 is the last day with rows.
  await generateCompany({ customers: 1000, months: 12, seed: 7, end: '2025-07-01', out: company() });
  base = join(dir, 'base.duckdb');
  const engine = await DuckDBEngine.open(base);
  try {
    await ingest(engine, { dataDir: company() });
  } finally {
    await engine.close();
  }
});

after(() => rm(dir, { recursive: true, force: true }));

/**
 * A later delivery of events: the events of `fromDay` (and the `days − 1` days after it) shifted by
 * `shiftDays`, `copies` times over under new ids; `sessionId` and `occurredAt` replace those columns (DuckDB SQL
 * over `e`).
 */
async function laterEvents(
  name: string,
  opts: {
    fromDay: string;
    days?: number;
    shiftDays: number;
    copies?: number;
    sessionId?: string;
    occurredAt?: string;
  },
): Promise<string> {
  const folder = join(dir, name);
  await mkdir(folder);
  const engine = await DuckDBEngine.open(join(dir, `${name}-writer.duckdb`));
  try {
    // Times are written in UTC whatever the machine's zone.
    await engine.run("SET TimeZone = 'UTC'");
    const shifted = `strftime(e.occurred_at + INTERVAL ${opts.shiftDays} DAY, '%Y-%m-%dT%H:%M:%SZ')`;
    await engine.run(
      `COPY (
        SELECT e.event_id || '-${name}-' || CAST(c.i AS VARCHAR) AS event_id, e.user_id, e.customer_id,
          ${opts.occurredAt ?? shifted} AS occurred_at, e.name, ${opts.sessionId ?? 'e.session_id'} AS session_id,
          e.properties
        FROM (SELECT event_id, user_id, customer_id, CAST(occurred_at AS TIMESTAMPTZ) AS occurred_at, name,
                session_id, properties
              FROM read_csv('${join(company(), 'events.csv')}', header = true, all_varchar = true)) e,
          range(${opts.copies ?? 1}) c(i)
        WHERE e.occurred_at >= CAST('${opts.fromDay}' AS TIMESTAMPTZ)
          AND e.occurred_at < CAST('${opts.fromDay}' AS TIMESTAMPTZ) + INTERVAL ${opts.days ?? 1} DAY
      ) TO '${join(folder, 'events.csv')}' (HEADER)`,
    );
  } finally {
    await engine.close();
  }
  return folder;
}

/** A copy of the clean warehouse with `folder` loaded on top; its findings as of `asOf`. */
async function findingsAfter(name: string, folder: string | undefined, asOf: string) {
  const db = join(dir, `${name}.duckdb`);
  await copyFile(base, db);
  const engine = await DuckDBEngine.open(db);
  try {
    if (folder) await ingest(engine, { dataDir: folder });
    return { db, findings: await runDataQuality(engine, DEFAULT_DATA_QUALITY, { asOf }) };
  } finally {
    await engine.close();
  }
}

const what = (findings: readonly QualityFinding[]) =>
  findings.map((f) => `${f.check} ${f.table}${f.column && f.check === 'null_rate' ? `.${f.column}` : ''}`);

test('the clean generated company raises no data-quality finding', async () => {
  const { findings } = await findingsAfter('clean', undefined, '2025-07-01T00:00:00.000Z');
  assert.deepEqual(findings, []);
});

test('a day with 10× the events is a volume jump, named with its numbers', async () => {
  // 2025-06-24 and 2025-07-01 are both Tuesdays; ten copies of the one land on the other.
  const folder = await laterEvents('volume', { fromDay: '2025-06-24', shiftDays: 7, copies: 10 });
  const { findings } = await findingsAfter('volume', folder, '2025-07-02T00:00:00.000Z');
  assert.deepEqual(what(findings), ['volume events']);
  const [f] = findings;
  assert.equal(f?.day, '2025-07-01T00:00:00.000Z');
  assert.equal(f?.severity, 'critical', 'ten times the median');
  assert.match(
    f?.message ?? '',
    /^events had [\d,]+ rows on 2025-07-01 \(a Tuesday\), \d+\.\d× the median of the 8 Tuesdays before/,
  );
  assert.ok(Number(f?.numbers.rows) > 8 * Number(f?.numbers.median));
});

test('a day whose session_id is empty is a null-rate jump of that column', async () => {
  const folder = await laterEvents('nulls', { fromDay: '2025-06-24', shiftDays: 7, sessionId: 'NULL' });
  const { findings } = await findingsAfter('nulls', folder, '2025-07-02T00:00:00.000Z');
  assert.deepEqual(what(findings), ['null_rate events.session_id']);
  assert.equal(findings[0]?.numbers.share, 1);
  assert.equal(findings[0]?.numbers.baseline_share, 0, 'the generator sets every session_id');
  assert.match(
    findings[0]?.message ?? '',
    /^events\.session_id was empty in 100\.0% of [\d,]+ rows on 2025-07-01/,
  );
});

test('events go on for nine days while the other tables stop: the daily tables are stale', async () => {
  // Events of 2025-06-17…25 moved two weeks on (weekdays kept) cover 2025-07-01…09. As of 2025-07-10 the
  // customers' and loyalty activity's newest rows (2025-06-30) are 9+ days old, over their 7-day limit;
  // orders (14 days), subscription changes (35) and the monthly tables are within theirs.
  const folder = await laterEvents('stale', { fromDay: '2025-06-17', days: 9, shiftDays: 14 });
  const { findings } = await findingsAfter('stale', folder, '2025-07-10T00:00:00.000Z');
  assert.deepEqual(what(findings).sort(), ['freshness customers', 'freshness loyalty_activity']);
  const customers = findings.find((f) => f.table === 'customers');
  assert.equal(customers?.numbers.limit_days, 7);
  assert.ok(Number(customers?.numbers.age_days) > 9 && Number(customers?.numbers.age_days) < 10);
  assert.match(customers?.action ?? '', /data_quality\.freshness_days\.customers/);
});

const QUARANTINE_ASOF = '2025-07-02T00:00:00.000Z';

async function quarantineFolder() {
  // Three rows in ten (by a hash of the id) carry an unreadable time.
  return laterEvents('bad', {
    fromDay: '2025-06-24',
    shiftDays: 7,
    occurredAt: `CASE WHEN hash(e.event_id) % 10 < 3 THEN 'not a time' ELSE strftime(e.occurred_at + INTERVAL 7 DAY, '%Y-%m-%dT%H:%M:%SZ') END`,
  });
}

test('a load whose rows are 30% unreadable: quarantine growth with its reason, and a data_quality alert', async () => {
  const folder = await quarantineFolder();
  const { db, findings } = await findingsAfter('bad', folder, QUARANTINE_ASOF);
  assert.deepEqual(what(findings), ['quarantine events']);
  const f = findings[0];
  assert.equal(f?.load_id, 2);
  const share = Number(f?.numbers.share);
  assert.ok(share > 0.2 && share < 0.4, `about 3 rows in 10, got ${share}`);
  assert.match(
    f?.message ?? '',
    /^load 2 quarantined [\d,]+ of [\d,]+ events rows \(\d+\.\d%\), against 0\.0% in the 1 load\(s\) before; top reasons: bad_timestamp in occurred_at/,
  );

  const project = join(dir, 'quality.yaml');
  await writeFile(project, 'targets: []\n');
  const run = tenure('check', '--db', db, '--project', project, '--as-of', QUARANTINE_ASOF, '--json');
  assert.equal(run.status, 1, run.stderr);
  const out = JSON.parse(run.stdout) as { alerts: { kind: string; key: string; message: string }[] };
  assert.deepEqual(
    out.alerts.map((a) => [a.kind, a.key]),
    [['data_quality', 'data_quality|quarantine|events|load 2']],
  );
  assert.match(out.alerts[0]?.message ?? '', /tenure quarantine --table events/);
  const skipped = tenure(
    'check',
    '--db',
    db,
    '--project',
    project,
    '--as-of',
    QUARANTINE_ASOF,
    '--no-data-quality',
  );
  assert.equal(skipped.status, 0, skipped.stderr);
});

const pgMissing = postgresUnavailable();
test('PostgreSQL gives the same findings from the same loads', { skip: pgMissing }, async () => {
  const folder = existsSync(join(dir, 'bad')) ? join(dir, 'bad') : await quarantineFolder();
  if (!existsSync(join(dir, 'bad.duckdb'))) await findingsAfter('bad', folder, QUARANTINE_ASOF);
  const server = await startPostgres();
  try {
    const pg = await openWarehouse(await server.createDatabase('quality'), { mustExist: true });
    try {
      await ingestInto(pg, { dataDir: company() });
      await ingestInto(pg, { dataDir: folder });
      const onPg = await runDataQuality(pg, DEFAULT_DATA_QUALITY, { asOf: QUARANTINE_ASOF });
      const engine = await DuckDBEngine.open(join(dir, 'bad.duckdb'));
      try {
        assertSameAcrossEngines(
          onPg,
          await runDataQuality(engine, DEFAULT_DATA_QUALITY, { asOf: QUARANTINE_ASOF }),
        );
      } finally {
        await engine.close();
      }
      // And a stale table is found there too.
      const later = await runDataQuality(pg, DEFAULT_DATA_QUALITY, { asOf: '2025-07-20T00:00:00.000Z' });
      assert.ok(later.some((f) => f.check === 'freshness' && f.table === 'events'));
    } finally {
      await pg.close();
    }
  } finally {
    await server.stop();
  }
});
