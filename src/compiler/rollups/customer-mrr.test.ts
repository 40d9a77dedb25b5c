import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withSmallWarehouse } from '../../../test/support/small-warehouse.ts';
import type { Engine } from '../../warehouse/engine.ts';
import { computeKpis } from '../compute.ts';
import { periodsBetween } from '../periods.ts';
import { RunRollups } from './run-rollups.ts';

// One rule for "subscribed in P": a cancellation effective exactly at P's start leaves the customer in P.
//   c0 pays 100 from 2025-01-05 and cancels effective 2025-03-01T00:00:00Z; it creates a report at that
//     very instant (an engagement event, in March).
//   c1–c5 pay 50 from 2025-01-05 on; c1 logs in on Mar 20 (not an engagement event).
// March: MRR(c0, Mar 1) is the latest change effective strictly before Mar 1 = 100, so c0 is in churn's S
// and churns in March: churn = 1/6. The same c0 is subscribed in March, so engagement rate = 1/6 (c0
// engaged, c1–c5 not); reading it as "subscribed after Mar 1" gave 0/5.
// February: all six pay throughout and nobody engages → churn 0/6, engagement 0/6.
const DATA = {
  customers: `customer_id,signed_up_at
    c0,2025-01-05T00:00:00Z
    c1,2025-01-05T00:00:00Z
    c2,2025-01-05T00:00:00Z
    c3,2025-01-05T00:00:00Z
    c4,2025-01-05T00:00:00Z
    c5,2025-01-05T00:00:00Z`,
  subscription_changes: `customer_id,effective_at,mrr
    c0,2025-01-05T00:00:00Z,100
    c0,2025-03-01T00:00:00Z,0
    c1,2025-01-05T00:00:00Z,50
    c2,2025-01-05T00:00:00Z,50
    c3,2025-01-05T00:00:00Z,50
    c4,2025-01-05T00:00:00Z,50
    c5,2025-01-05T00:00:00Z,50`,
  events: `event_id,user_id,customer_id,occurred_at,name
    e1,u0,c0,2025-03-01T00:00:00Z,create_report
    e2,u1,c1,2025-03-20T00:00:00Z,login`,
};

const REQUEST = {
  kpis: ['customer_churn_rate', 'engagement_rate'],
  from: '2025-02-01',
  to: '2025-03-31',
  grain: 'month' as const,
};

/** [numerator, denominator] per `kpi|YYYY-MM`. */
function byMonth(rows: Awaited<ReturnType<typeof computeKpis>>): Record<string, [unknown, unknown]> {
  return Object.fromEntries(
    rows.map((r) => [`${r.kpi}|${r.period_start.slice(0, 7)}`, [r.numerator, r.denominator]]),
  );
}

/** The catalog's KPIs on rollups built for the run (not the ones the load keeps). */
function onOwnRollups(db: Engine) {
  return db.session(async (session) => {
    const rollups = new RunRollups(session, 'all', { useStored: false });
    try {
      return await computeKpis(session, REQUEST, rollups);
    } finally {
      await rollups.drop();
    }
  });
}

test('a cancellation effective exactly at a period start: subscribed in it, as in churn’s start set', async () => {
  const seen = await withSmallWarehouse(DATA, async (db) => {
    const subscribed = await db.session(async (session) => {
      const rollups = new RunRollups(session, 'all', { useStored: false });
      try {
        const table = await rollups.subscribed(periodsBetween('2025-03-01', '2025-03-31', 'month'));
        const rows = await session.query(`SELECT customer_id FROM ${table} ORDER BY customer_id`);
        return rows.map((r) => String(r.customer_id));
      } finally {
        await rollups.drop();
      }
    });
    // The load keeps monthly subscribed accounts and customer MRR: the kept tables and a run's own agree.
    return {
      subscribed,
      kept: byMonth(await computeKpis(db, REQUEST)),
      own: byMonth(await onOwnRollups(db)),
    };
  });
  assert.deepEqual(seen.subscribed, ['c0', 'c1', 'c2', 'c3', 'c4', 'c5']);
  const expected = {
    'customer_churn_rate|2025-02': [0, 6],
    'customer_churn_rate|2025-03': [1, 6],
    'engagement_rate|2025-02': [0, 6],
    'engagement_rate|2025-03': [1, 6],
  };
  assert.deepEqual(seen.kept, expected);
  assert.deepEqual(seen.own, expected);
});
