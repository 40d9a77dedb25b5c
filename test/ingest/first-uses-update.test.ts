// A load merges its first uses of the repeat action (create_report) with the kept first and second use of
// each user, instead of reading every such event again; the result equals a rebuild from the whole events.
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { rollupAsksFor } from '../../src/compiler/compute.ts';
import { instantText } from '../../src/compiler/rollups/session-reach.ts';
import { STORED_ROLLUPS_TABLE, storeRollups } from '../../src/compiler/rollups/stored-rollups.ts';
import { loadWarehouse } from '../../src/ingest/load-warehouse.ts';
import { DuckDBEngine } from '../../src/warehouse/duckdb/duckdb-engine.ts';

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tenure-first-uses-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const EVENTS = 'event_id,user_id,customer_id,occurred_at,name';

async function load(db: DuckDBEngine, name: string, files: Record<string, string[]>) {
  const out = join(dir, name);
  await mkdir(out, { recursive: true });
  for (const [table, lines] of Object.entries(files)) {
    await writeFile(join(out, `${table}.csv`), `${lines.join('\n')}\n`);
  }
  return loadWarehouse(db, { dataDir: out });
}

/** The kept first uses of create_report: user → [customer, first, second]. */
async function firstUses(db: DuckDBEngine): Promise<Record<string, [string, string, string | null]>> {
  const [kept] = await db.query<{ table_name: string }>(
    `SELECT table_name FROM ${STORED_ROLLUPS_TABLE} WHERE key = 'first_uses "create_report"'`,
  );
  assert.ok(kept, 'the first uses of create_report are kept');
  const rows = await db.query<{
    user_key: string;
    customer_id: string;
    first_at: string;
    second_at: string | null;
  }>(`SELECT user_key, customer_id, first_at, second_at FROM ${kept.table_name} ORDER BY user_key`);
  // "DD HH:MM" of each instant, in UTC.
  const at = (t: unknown) => instantText(t).slice(8, 16).replace('T', ' ');
  return Object.fromEntries(
    rows.map((r) => [
      r.user_key,
      [r.customer_id, at(r.first_at), r.second_at === null ? null : at(r.second_at)],
    ]),
  );
}

test('first uses: a load’s uses merged with the kept two equal a rebuild, ties at the first instant included', async () => {
  const db = await DuckDBEngine.open(join(dir, 'w.duckdb'));
  try {
    await load(db, 'first', {
      customers: ['customer_id,signed_up_at', 'a,2025-01-01T00:00:00Z', 'b,2025-01-01T00:00:00Z'],
      events: [
        EVENTS,
        'e10,u1,a,2025-01-10T10:00:00Z,create_report',
        'e11,u1,a,2025-01-12T10:00:00Z,create_report',
        'e20,u2,a,2025-01-10T10:00:00Z,create_report',
        'e30,u3,a,2025-01-10T10:00:00Z,create_report',
        'e40,u4,a,2025-01-10T10:00:00Z,create_report',
        'e41,u4,a,2025-01-20T10:00:00Z,create_report',
        'e50,u5,a,2025-01-05T10:00:00Z,login',
      ],
    });
    const report = await load(db, 'second', {
      events: [
        EVENTS,
        // u1: earlier than both kept uses: first 08th (its account b), second the kept first, 10th.
        'e12,u1,b,2025-01-08T10:00:00Z,create_report',
        // u2 had one use: a later one becomes its second (11th).
        'e21,u2,b,2025-01-11T10:00:00Z,create_report',
        // u3: at the very instant of its kept first, with a smaller event id (e03 < e30): first by id, so
        // the account is b's; the second is the same instant.
        'e03,u3,b,2025-01-10T10:00:00Z,create_report',
        // u4: between its kept first (10th) and second (20th): the second becomes the 15th.
        'e42,u4,b,2025-01-15T10:00:00Z,create_report',
        // u5: its first use of the action, and its second a day later.
        'e51,u5,b,2025-01-06T10:00:00Z,create_report',
        'e52,u5,b,2025-01-07T10:00:00Z,create_report',
      ],
    });
    assert.ok(report.rollups.updated?.includes('first_uses "create_report"'), 'updated, not rebuilt');
    // The load's writes, rollups included, are in the file: no write-ahead log is left for the next commit.
    assert.equal(existsSync(`${db.location}.wal`) ? statSync(`${db.location}.wal`).size : 0, 0);
    const updated = await firstUses(db);
    assert.deepEqual(updated, {
      u1: ['b', '08 10:00', '10 10:00'],
      u2: ['a', '10 10:00', '11 10:00'],
      u3: ['b', '10 10:00', '10 10:00'],
      u4: ['a', '10 10:00', '15 10:00'],
      u5: ['b', '06 10:00', '07 10:00'],
    });
    await storeRollups(db, rollupAsksFor('all'), { rebuild: true });
    assert.deepEqual(await firstUses(db), updated, 'a rebuild from the whole events agrees');
  } finally {
    await db.close();
  }
});
