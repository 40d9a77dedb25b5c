import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CATALOG } from '../catalog/catalog.ts';
import type { KpiResult } from '../results/kpi-result.ts';
import { ensureWarehouseTables } from '../warehouse/canonical-ddl.ts';
import { DuckDBEngine } from '../warehouse/duckdb/duckdb-engine.ts';
import { findKept, keepResults, reachDays, sessionGapOf } from './kept-results.ts';
import { periodsBetween } from './periods.ts';

const JANUARY = periodsBetween('2025-01-01', '2025-01-31', 'month');
const START = JANUARY[0]?.start ?? '';
const END = JANUARY[0]?.end ?? '';

const row = (kpi: string, flags: KpiResult['flags'] = []): KpiResult => ({
  kpi,
  period_start: START,
  period_end: END,
  segment: 'all',
  value: 0.5,
  numerator: 1,
  denominator: 2,
  n: 2,
  flags,
});

test('an engagement score against a provisional scale keeps none of its rows for the period; a final censored flag is kept', async () => {
  const db = await DuckDBEngine.open(':memory:');
  try {
    await ensureWarehouseTables(db);
    // As of mid-June every reach has passed, the score's too (124 days after 1 February: 5 June).
    const req = { catalog: CATALOG, grain: 'month', minSample: 1, asOf: '2025-06-15T00:00:00.000Z' } as const;
    const kpis = ['mrr', 'customer_engagement_score', 'customer_lifetime_value'];
    const { mark } = await findKept(db, req, kpis, JANUARY);
    await keepResults(db, req, mark, JANUARY, [
      row('mrr'),
      row('customer_engagement_score'),
      row('customer_engagement_score.share_low'),
      // One sub-result still open: the score's whole January is left to be computed again.
      row('customer_engagement_score.share_high', ['censored']),
      // Fewer trailing months than lifetime value asks: censored, and final (the months are before P's end).
      row('customer_lifetime_value', ['censored']),
    ]);
    const found = await findKept(db, req, kpis, JANUARY);
    assert.deepEqual([...found.rows.keys()].sort(), ['customer_lifetime_value', 'mrr']);
    assert.deepEqual(
      found.rows
        .get('mrr')
        ?.get(START)
        ?.map((r) => r.kpi),
      ['mrr'],
    );
  } finally {
    await db.close();
  }
});

test('the engagement score settles once its reference months can no longer move: 124 days, none with fixed caps', () => {
  assert.equal(reachDays(CATALOG, 'customer_engagement_score'), 124);
  // Every key action with a cap set in the project: the scale is fixed, the score reads P only.
  const fixed = CATALOG.map((d) =>
    d.id === 'customer_engagement_score'
      ? {
          ...d,
          params: {
            ...d.params,
            cap_e: {
              type: 'number_map' as const,
              description: 'set in the project',
              default: { create_report: 5, share_dashboard: 3, export_data: 2 },
            },
          },
        }
      : d,
  );
  assert.equal(reachDays(fixed, 'customer_engagement_score'), 0);
  // Engagement metrics: sessions starting in P, kept by their session gap rather than a reach in days.
  assert.equal(reachDays(CATALOG, 'engagement_metrics'), 0);
  assert.equal(sessionGapOf(CATALOG, 'engagement_metrics'), 30);
  assert.equal(sessionGapOf(CATALOG, 'customer_engagement_score'), undefined);
});

test('KPIs whose reach lies in the data settle when the data says: offers expired, spend rows over, reference months over; a non-member earning stays open', async () => {
  const db = await DuckDBEngine.open(':memory:');
  try {
    await ensureWarehouseTables(db);
    // Two offers issued in January: one expires 10 February unredeemed, one redeemed 20 January expires
    // 5 March. January's redemption rate settles on 5 March, the later of its expiries and redemptions.
    await db.run(`INSERT INTO promotions (promotion_id, customer_id, issued_at, redeemed_at, expires_at) VALUES
      ('p1', 'c1', TIMESTAMPTZ '2025-01-05 00:00:00+00', NULL, TIMESTAMPTZ '2025-02-10 00:00:00+00'),
      ('p2', 'c1', TIMESTAMPTZ '2025-01-06 00:00:00+00', TIMESTAMPTZ '2025-01-20 00:00:00+00', TIMESTAMPTZ '2025-03-05 00:00:00+00')`);
    // A spend row from 15 January to 15 February: its share waits on customers acquired up to 15 February.
    await db.run(`INSERT INTO acquisition_spend (channel, period_start, period_end, amount) VALUES
      ('ads', DATE '2025-01-15', DATE '2025-02-15', 100), ('ads', DATE '2025-02-15', DATE '2025-03-15', 100)`);
    // c2 earns in January without being a member: joining at any later time would count it in January.
    await db.run(
      `INSERT INTO loyalty_members (customer_id, joined_at) VALUES ('c1', TIMESTAMPTZ '2024-12-01 00:00:00+00')`,
    );
    await db.run(`INSERT INTO loyalty_activity (customer_id, occurred_at, kind) VALUES
      ('c1', TIMESTAMPTZ '2025-01-10 00:00:00+00', 'earn'), ('c2', TIMESTAMPTZ '2025-01-12 00:00:00+00', 'earn')`);
    // The first event on 10 December 2024: the reference months are January to March, over on 1 April.
    await db.run(`INSERT INTO events (event_id, user_id, customer_id, occurred_at, name) VALUES
      ('e1', 'u1', 'c1', TIMESTAMPTZ '2024-12-10 00:00:00+00', 'login')`);
    const kpis = [
      'mrr',
      'redemption_rate',
      'customer_profitability',
      'loyalty_participation_rate',
      'customer_engagement_score',
    ];
    const keptAt = async (asOf: string) => {
      const req = { catalog: CATALOG, grain: 'month', minSample: 1, asOf } as const;
      const { mark } = await findKept(db, req, kpis, JANUARY);
      await keepResults(
        db,
        req,
        mark,
        JANUARY,
        kpis.map((k) => row(k)),
      );
      const found = await findKept(db, req, kpis, JANUARY);
      return [...found.rows.keys()].sort();
    };
    // 1 March: past 15 February (profitability) and January's end (MRR); not past 5 March or 1 April.
    assert.deepEqual(await keptAt('2025-03-01T00:00:00.000Z'), ['customer_profitability', 'mrr']);
    // 15 April: redemption (5 March) and the score (1 April) too; loyalty stays open.
    assert.deepEqual(await keptAt('2025-04-15T00:00:00.000Z'), [
      'customer_engagement_score',
      'customer_profitability',
      'mrr',
      'redemption_rate',
    ]);
    const settles = await db.query<{ kpi: string; settles_at: string }>(
      'SELECT DISTINCT kpi, settles_at FROM tenure_kept_results ORDER BY kpi',
    );
    assert.deepEqual(
      settles.map((r) => `${r.kpi} ${r.settles_at}`),
      [
        'customer_engagement_score 2025-04-01T00:00:00.000Z',
        'customer_profitability 2025-02-15T00:00:00.000Z',
        'mrr 2025-02-01T00:00:00.000Z',
        'redemption_rate 2025-03-05T00:00:00.000Z',
      ],
    );
  } finally {
    await db.close();
  }
});
