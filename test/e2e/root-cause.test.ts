// Root cause on a generated company: the rate and mix effects add up to the total change for every
// dimension, and when one segment's churn is raised on purpose, that segment is ranked first.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { rootCause } from '../../src/analysis/root-cause.ts';
import { DIMENSIONS } from '../../src/compiler/dimensions.ts';
import { ingest } from '../../src/ingest/ingest.ts';
import { generateCompany } from '../../src/synth/generate.ts';
import { DuckDBEngine } from '../../src/warehouse/duckdb/duckdb-engine.ts';
import { CLI } from '../support/cli.ts';

let dir: string;
let db: DuckDBEngine;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tenure-why-'));
  await generateCompany({
    customers: 4000,
    months: 12,
    seed: 13,
    end: '2025-01-01',
    out: join(dir, 'company'),
  });
  db = await DuckDBEngine.open(join(dir, 'tenure.duckdb'));
  await ingest(db, { dataDir: join(dir, 'company') });
});

after(async () => {
  await db?.close();
  await rm(dir, { recursive: true, force: true });
});

const AS_OF = '2025-01-01T00:00:00.000Z';

test('rate and mix effects add up to the total change, for every dimension', async () => {
  for (const kpi of ['customer_churn_rate', 'net_revenue_retention', 'mrr']) {
    const why = await rootCause(db, {
      kpi,
      grain: 'month',
      from: '2024-06-01',
      to: '2024-07-01',
      asOf: AS_OF,
    });
    assert.ok(why.change !== null, kpi);
    assert.deepEqual(
      why.dimensions.map((d) => d.dimension),
      Object.keys(DIMENSIONS),
    );
    for (const d of why.dimensions) {
      assert.equal(d.kind, kpi === 'mrr' ? 'sum' : 'ratio', `${kpi} by ${d.dimension}`);
      assert.ok(
        Math.abs((d.explained ?? Number.NaN) - why.change) < 1e-9 * Math.max(1, Math.abs(why.change)),
        `${kpi} by ${d.dimension}: ${d.explained} vs ${why.change}`,
      );
    }
  }
});

test('a segment whose churn was raised on purpose is ranked first', async () => {
  // August 2024: 40% of the partner channel's paying customers cancel on August 15 (a deterministic pick).
  const raised = await db.run(
    `INSERT INTO subscription_changes (customer_id, effective_at, mrr, reason)
     SELECT s.customer_id, TIMESTAMPTZ '2024-08-15 00:00:00+00', 0, 'cancel'
     FROM (SELECT customer_id, arg_max(mrr, effective_at) AS mrr FROM subscription_changes
           WHERE effective_at < TIMESTAMPTZ '2024-08-01 00:00:00+00' GROUP BY 1) s
     JOIN customers cu ON cu.customer_id = s.customer_id
     WHERE s.mrr > 0 AND cu.channel = 'partner' AND hash(s.customer_id) % 10 < 4
       AND NOT EXISTS (SELECT 1 FROM subscription_changes x WHERE x.customer_id = s.customer_id
         AND x.effective_at >= TIMESTAMPTZ '2024-08-01 00:00:00+00')`,
  );
  assert.ok(raised > 20, `only ${raised} cancellations injected`);
  const why = await rootCause(db, {
    kpi: 'customer_churn_rate',
    grain: 'month',
    from: '2024-07-01',
    to: '2024-08-01',
    asOf: AS_OF,
  });
  assert.ok((why.change ?? 0) > 0, 'churn rose');
  const first = why.top[0];
  assert.ok(first, 'a top contribution');
  assert.deepEqual([first.dimension, first.segment], ['channel', 'partner']);
  // Its own rate moved: the rate effect dominates the mix effect.
  assert.ok(Math.abs(first.rate_effect) > Math.abs(first.mix_effect));
});

test('`tenure why` refuses a bad grain and an unknown KPI with a message, not a stack trace', () => {
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [...CLI, 'why', ...args], { encoding: 'utf8' });
  const grain = run(
    'customer_churn_rate',
    '--from',
    '2024-07-01',
    '--to',
    '2024-08-01',
    '--grain',
    'fortnight',
  );
  assert.equal(grain.status, 2);
  assert.match(grain.stderr, /--grain.*no grain 'fortnight'.*choose one of day/);
  const unknown = run(
    'no_such_kpi',
    '--from',
    '2024-07-01',
    '--to',
    '2024-08-01',
    '--db',
    join(dir, 'none.duckdb'),
  );
  assert.notEqual(unknown.status, 0);
  assert.doesNotMatch(unknown.stderr, /\n\s+at /);
});
