import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withSmallWarehouse } from '../../../test/support/small-warehouse.ts';
import type { Engine } from '../../warehouse/engine.ts';
import { activityEventsFor, computeKpis, rollupAsksFor } from '../compute.ts';
import { RunRollups } from './run-rollups.ts';
import { storedRollups, storeRollups } from './stored-rollups.ts';

// Three accounts over January–March 2024, with the events no default KPI names (login, view_page) beside
// milestones, key actions, a feature and the funnel's first step.
const DATA = {
  customers: `customer_id,signed_up_at,plan
    A,2024-01-02T09:00:00Z,starter
    B,2024-01-10T09:00:00Z,growth
    C,2024-02-01T09:00:00Z,starter`,
  subscription_changes: `customer_id,effective_at,mrr
    A,2024-01-02T09:00:00Z,100
    B,2024-01-10T09:00:00Z,50
    B,2024-03-01T00:00:00Z,0
    C,2024-02-01T09:00:00Z,80`,
  events: `event_id,user_id,customer_id,occurred_at,name,session_id
    e1,u1,A,2024-01-02T09:05:00Z,signup_started,
    e2,u1,A,2024-01-02T09:10:00Z,create_project,
    e3,u1,A,2024-01-03T10:00:00Z,invite_teammate,
    e4,u1,A,2024-01-04T10:00:00Z,connect_integration,
    e5,u1,A,2024-01-05T10:00:00Z,login,
    e6,u1,A,2024-01-05T10:01:00Z,create_report,
    e7,u1,A,2024-01-05T10:02:00Z,share_dashboard,
    e8,u1,A,2024-01-12T10:00:00Z,view_page,
    e9,u1,A,2024-01-19T10:00:00Z,use_reports,
    e10,u1,A,2024-01-26T10:00:00Z,use_reports,
    e11,u1,A,2024-02-02T10:00:00Z,use_reports,
    e12,u1,A,2024-02-09T10:00:00Z,login,
    e13,u2,A,2024-02-10T11:00:00Z,create_report,
    e14,u2,A,2024-02-10T11:05:00Z,create_report,
    e15,u3,B,2024-01-10T09:30:00Z,signup_started,
    e16,u3,B,2024-01-11T10:00:00Z,login,
    e17,u3,B,2024-01-18T10:00:00Z,view_page,
    e18,u3,B,2024-02-20T10:00:00Z,export_data,
    e19,,C,2024-02-01T10:00:00Z,login,
    e20,,C,2024-02-03T10:00:00Z,create_project,
    e21,,C,2024-03-05T10:00:00Z,use_reports,
    e22,,C,2024-03-06T10:00:00Z,view_page,`,
};

const REQUEST = { kpis: 'all' as const, from: '2024-01-01', to: '2024-03-31', grain: 'month' as const };

/** The catalog computed with rollups of its own that hold every event's activity (no names declared). */
function withFullActivity(db: Engine, by?: string) {
  return db.session(async (session) => {
    const rollups = new RunRollups(session, 'all', { useStored: false });
    try {
      return await computeKpis(session, { ...REQUEST, by }, rollups);
    } finally {
      await rollups.drop();
    }
  });
}

/** The kept rollups of DuckDB and PostgreSQL (storeRollups); ClickHouse keeps its own (clickhouse-rollups.ts). */
const NOT_ON_CLICKHOUSE = { clickhouse: false } as const;

test('the default catalog reads activity of eleven event names, none of them logins or page views', () => {
  // usage: the 7 engagement events; engagement: 3 key actions (among them); activation: 3 milestones, the
  // 7 engagement events and the funnel's first step; features: the 4 features (among the 7); commerce and
  // every active-events list: none (any event, through user days).
  assert.deepEqual(activityEventsFor('all'), [
    'connect_integration',
    'create_project',
    'create_report',
    'export_data',
    'invite_teammate',
    'share_dashboard',
    'signup_started',
    'use_alerts',
    'use_api',
    'use_dashboards',
    'use_reports',
  ]);
});

test('a run on the rollups a load keeps computes what full activity of its own computes', async () => {
  await withSmallWarehouse(DATA, async (db) => {
    for (const by of [undefined, 'plan']) {
      const declared = await computeKpis(db, { ...REQUEST, by });
      const full = await withFullActivity(db, by);
      assert.ok(declared.length > 0);
      assert.deepEqual(declared, full, `by ${by ?? '(none)'}`);
    }
    return null;
  });
});

test('activity over declared names holds only them; a name outside them gets the full table', async () => {
  const seen = await withSmallWarehouse(DATA, (db) =>
    db.session(async (session) => {
      const rollups = new RunRollups(session, ['create_report', 'use_reports'], { useStored: false });
      try {
        const names = async (table: string) =>
          (await session.query(`SELECT DISTINCT name FROM ${table} ORDER BY name`)).map((r) =>
            String(r.name),
          );
        const named = await rollups.activity(['create_report']);
        const full = await rollups.activity(['login']);
        return {
          named: await names(named),
          full: await names(full),
          again: (await rollups.activity(['use_reports'])) === named,
          everything: (await rollups.activity()) === full,
        };
      } finally {
        await rollups.drop();
      }
    }),
  );
  assert.deepEqual(seen.named, ['create_report', 'use_reports']);
  // Every name in DATA: signup_started, create_project, invite_teammate, connect_integration, login,
  // create_report, share_dashboard, view_page, use_reports, export_data — 10.
  assert.equal(seen.full.length, 10);
  assert.ok(seen.again, 'a second ask within the names reuses the table');
  assert.ok(seen.everything, 'every event is the full table');
});

test('a load keeps the catalog’s rollups; a run reads them, and stops when the events change', async () => {
  const seen = await withSmallWarehouse(
    DATA,
    (db) =>
      db.session(async (session) => {
        const kept = (await storedRollups(session)).map((r) => r.key.split(' ')[0]);
        const run = new RunRollups(session, activityEventsFor('all'));
        const before = await computeKpis(session, REQUEST, run);
        const builtOnKept = (await run.builtTables()).map((t) => t.key.split(' ')[0]);
        await run.drop();
        // A row written past ingestion: the kept rollups no longer describe the events, so none is used.
        await session.run(
          `INSERT INTO events (event_id, user_id, customer_id, occurred_at, name)
         VALUES ('e23', 'u3', 'B', CAST('2024-03-10T10:00:00Z' AS TIMESTAMPTZ), 'login')`,
        );
        const stale = (await storedRollups(session)).map((r) => r.key.split(' ')[0]);
        const after = await computeKpis(session, REQUEST);
        const own = await withFullActivity(session);
        return { kept, builtOnKept, stale, before, after, own };
      }),
    NOT_ON_CLICKHOUSE,
  );
  assert.deepEqual(seen.kept.sort(), [
    'activity',
    'customer_mrr',
    'feature_weeks',
    'first_uses',
    'named_events',
    'period_accounts',
    'sessions',
    'subscribed',
    'user_days',
    'user_weeks',
  ]);
  // Only customer MRR over the years before each period's end (NRR's nrr_12m), customer segmentation's
  // lifecycle and RFM tables, activation's own tables, and customer MRR for feedback, whose last period is
  // cut at as_of.
  assert.deepEqual(seen.builtOnKept, [
    'customer_mrr',
    'segments',
    'segments',
    'shared',
    'shared',
    'customer_mrr',
  ]);
  // The tables built from subscription changes alone stay current.
  assert.deepEqual(seen.stale.sort(), ['customer_mrr', 'subscribed']);
  assert.notDeepEqual(seen.after, seen.before, 'the written login counts (u3 active in March)');
  assert.deepEqual(seen.after, seen.own);
});

test('a load that adds no events leaves the kept rollups as they are; one that adds some rebuilds them', async () => {
  const seen = await withSmallWarehouse(
    DATA,
    async (db) => {
      const asks = rollupAsksFor('all');
      const { keys, rebuilt } = await storeRollups(db, asks);
      const again = { keys, rebuilt };
      const tables = (await storedRollups(db)).map((r) => r.table).sort();
      await db.run(
        `INSERT INTO events (event_id, user_id, customer_id, occurred_at, name)
       VALUES ('e23', 'u3', 'B', CAST('2024-03-10T10:00:00Z' AS TIMESTAMPTZ), 'login')`,
      );
      const after = await storeRollups(db, asks);
      const now = await storedRollups(db);
      const same = now.filter((r) => tables.includes(r.table)).map((r) => r.key.split(' ')[0]);
      return { again, tables, after: { rebuilt: after.rebuilt }, current: now.length, same: same.sort() };
    },
    NOT_ON_CLICKHOUSE,
  );
  assert.equal(seen.again.rebuilt, false);
  // The ten kinds the shipped catalog reads: activity, user days, sessions, first uses, named events,
  // monthly period accounts, monthly subscribed accounts, customer MRR at month bounds, week masks of users
  // and of features.
  assert.equal(seen.again.keys.length, 10);
  assert.equal(seen.tables.length, 10);
  assert.equal(seen.after.rebuilt, true, 'a written event changes the fingerprint');
  assert.equal(seen.current, 10, 'the rebuilt set is current again');
  // Only the tables read from events were rebuilt: those from subscription changes are the same tables.
  assert.deepEqual(seen.same, ['customer_mrr', 'subscribed']);
});

test('kept monthly tables answer any calendar months as a run of its own does; other periods build their own', async () => {
  const requests = [
    { from: '2024-02-01', to: '2024-03-31', grain: 'month' as const }, // a copy of two kept months
    { from: '2024-01-01', to: '2024-01-31', grain: 'month' as const }, // C's history starts after January
    { from: '2023-11-01', to: '2024-05-31', grain: 'month' as const }, // past the kept months
    { from: '2024-01-01', to: '2024-03-31', grain: 'week' as const },
  ];
  const seen = await withSmallWarehouse(
    DATA,
    (db) =>
      db.session(async (session) => {
        const out = [];
        for (const r of requests) {
          for (const by of [undefined, 'plan']) {
            const run = new RunRollups(session, activityEventsFor('all'));
            const kept = await computeKpis(session, { ...r, kpis: 'all', by }, run);
            const built = (await run.builtTables()).map((t) => t.key.split(' ')[0]);
            await run.drop();
            const own = new RunRollups(session, 'all', { useStored: false });
            const mine = await computeKpis(session, { ...r, kpis: 'all', by }, own);
            await own.drop();
            out.push({
              same: JSON.stringify(kept) === JSON.stringify(mine),
              built: [...new Set(built)].sort(),
            });
          }
        }
        return out;
      }),
    NOT_ON_CLICKHOUSE,
  );
  for (const s of seen) assert.ok(s.same, 'kept and own rollups give the same results');
  // Two kept months: period accounts and subscribed accounts copied (kept_months); customer MRR as kept
  // (built only over the years before the periods' ends, for nrr_12m); segmentation's tables.
  assert.deepEqual(seen[0]?.built, ['customer_mrr', 'kept', 'segments', 'shared']);
  // January alone: customer MRR from the kept table with C's zero row in January.
  assert.ok(seen[2]?.built.includes('customer_mrr'));
  // Past the kept months: customer MRR and subscribed accounts are built; period accounts still kept.
  assert.deepEqual(seen[4]?.built, ['customer_mrr', 'segments', 'shared', 'subscribed']);
  // Weeks: built for the run.
  assert.ok(seen[6]?.built.includes('period_accounts'));
});
