// Sessions run on past the month they start in: a load whose rows all lie after January can still change
// a January session, and with it January's engagement metrics. Kept results of KPIs of sessions starting in
// a period are kept while no later load changed a session that started before the period's end
// (src/compiler/rollups/session-reach.ts).
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CATALOG } from '../../src/catalog/catalog.ts';
import { dataAsOf } from '../../src/compiler/as-of.ts';
import { computeKpis } from '../../src/compiler/compute.ts';
import { findKept } from '../../src/compiler/kept-results.ts';
import { periodsBetween } from '../../src/compiler/periods.ts';
import { loadWarehouse } from '../../src/ingest/load-warehouse.ts';
import { DuckDBEngine } from '../../src/warehouse/duckdb/duckdb-engine.ts';

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tenure-session-reach-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes a load's files (name → CSV lines) into a folder of their own. */
async function folder(name: string, files: Record<string, string[]>): Promise<string> {
  const out = join(dir, name);
  await mkdir(out, { recursive: true });
  for (const [table, lines] of Object.entries(files)) {
    await writeFile(join(out, `${table}.csv`), `${lines.join('\n')}\n`);
  }
  return out;
}

const EVENTS = 'event_id,user_id,customer_id,occurred_at,name';
const MONTHS = {
  kpis: ['engagement_metrics'],
  from: '2025-01-01',
  to: '2025-02-28',
  grain: 'month',
} as const;

/** January's mean session minutes, served from kept results or computed (`keep`). */
async function januaryMinutes(db: DuckDBEngine, keep: boolean): Promise<number | null> {
  const rows = await computeKpis(db, { ...MONTHS, keep });
  const r = rows.find(
    (x) => x.kpi === 'engagement_metrics.mean_session_minutes' && x.period_start.startsWith('2025-01'),
  );
  assert.ok(r, 'January has a mean session length');
  return r.value;
}

/** Whether January's engagement metrics are kept and still valid. */
async function januaryKept(db: DuckDBEngine): Promise<boolean> {
  const asOf = (await dataAsOf(db)) ?? '';
  const request = { catalog: CATALOG, grain: 'month', minSample: 30, asOf } as const;
  const found = await findKept(
    db,
    request,
    ['engagement_metrics'],
    periodsBetween('2025-01-01', '2025-01-31', 'month'),
  );
  return found.rows.get('engagement_metrics')?.has('2025-01-01T00:00:00.000Z') ?? false;
}

test('a load after January that extends a January session sets January’s kept engagement metrics aside', async () => {
  const db = await DuckDBEngine.open(join(dir, 'w.duckdb'));
  try {
    // u1's one January session: 23:50 to 23:55 on the 31st = 5 minutes. The March login moves the data's
    // end past February, so January has settled (its reach is 0) and is kept.
    await loadWarehouse(db, {
      dataDir: await folder('first', {
        customers: ['customer_id,signed_up_at', 'c1,2025-01-01T00:00:00Z'],
        subscription_changes: ['customer_id,effective_at,mrr', 'c1,2025-01-01T00:00:00Z,50'],
        events: [
          EVENTS,
          'e1,u1,c1,2025-01-31T23:50:00Z,login',
          'e2,u1,c1,2025-01-31T23:55:00Z,login',
          'e3,u1,c1,2025-03-10T10:00:00Z,login',
        ],
      }),
    });
    assert.equal(await januaryMinutes(db, true), 5);
    assert.ok(await januaryKept(db), 'January is kept once settled');

    // A login on February 1st at 00:20, 25 minutes after the last one: the January session now runs to
    // 00:20 = 30 minutes. Every row of the load lies after January's end, yet January changed.
    await loadWarehouse(db, {
      dataDir: await folder('second', { events: [EVENTS, 'e4,u1,c1,2025-02-01T00:20:00Z,login'] }),
    });
    assert.equal(await januaryKept(db), false, 'the load changed a session begun in January');
    assert.equal(await januaryMinutes(db, false), 30);
    assert.equal(await januaryMinutes(db, true), 30);
    assert.ok(await januaryKept(db), 'January is kept again');

    // A login in March starts a session of its own (months after the last): January stays kept. So does
    // a load without events.
    await loadWarehouse(db, {
      dataDir: await folder('third', { events: [EVENTS, 'e5,u1,c1,2025-03-20T09:00:00Z,login'] }),
    });
    assert.ok(await januaryKept(db), 'a session begun in March leaves January kept');
    await loadWarehouse(db, {
      dataDir: await folder('fourth', {
        subscription_changes: ['customer_id,effective_at,mrr', 'c1,2025-03-25T00:00:00Z,60'],
      }),
    });
    assert.ok(await januaryKept(db), 'a load without events changed no session');
    assert.equal(await januaryMinutes(db, true), 30);
  } finally {
    await db.close();
  }
});
