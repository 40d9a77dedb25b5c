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
