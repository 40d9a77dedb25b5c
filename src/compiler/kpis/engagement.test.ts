import assert from 'node:assert/strict';
import { test } from 'node:test';
import { close } from '../../../test/support/kpi-assert.ts';
import { withSmallWarehouse } from '../../../test/support/small-warehouse.ts';
import type { KpiResult } from '../../results/kpi-result.ts';
import { periodsBetween } from '../periods.ts';
import { computeEngagementKpis, DEFAULT_ENGAGEMENT_PARAMS } from './engagement.ts';

// The key actions of this dataset.
const PARAMS = {
  ...DEFAULT_ENGAGEMENT_PARAMS,
  keyActions: ['use_reports', 'use_dashboards', 'use_alerts', 'use_api'],
};

const JANUARY = periodsBetween('2024-01-01', '2024-01-31', 'month');
const CUSTOMERS = `customer_id,signed_up_at
  A,2023-06-01T00:00:00Z
  B,2023-06-01T00:00:00Z
  C,2023-06-01T00:00:00Z
  D,2023-06-01T00:00:00Z
  E,2023-06-01T00:00:00Z
  F,2023-06-01T00:00:00Z
  G,2023-06-01T00:00:00Z`;

// A, B, C subscribed since December. In January:
//   a1 (A): Jan 2 use_reports 10:00, use_reports 10:10, use_api 10:40 (gaps ≤ 30 min: one 40-minute session
//   with 3 key-action events); Jan 3 login 10:00 (a second session of 0 minutes, no key action).
//   b1 (B): Jan 5 use_dashboards 09:00 and 09:50 (a 50-minute gap: two sessions, 1 key-action event each).
//   C: no events.
const ACTIVITY = {
  customers: CUSTOMERS,
  subscription_changes: `customer_id,effective_at,mrr
    A,2023-12-01T00:00:00Z,100
    B,2023-12-01T00:00:00Z,50
    C,2023-12-01T00:00:00Z,30`,
  events: `event_id,user_id,customer_id,occurred_at,name
    e1,a1,A,2024-01-02T10:00:00Z,use_reports
    e2,a1,A,2024-01-02T10:10:00Z,use_reports
    e3,a1,A,2024-01-02T10:40:00Z,use_api
    e4,a1,A,2024-01-03T10:00:00Z,login
    e5,b1,B,2024-01-05T09:00:00Z,use_dashboards
    e6,b1,B,2024-01-05T09:50:00Z,use_dashboards`,
};

async function january(data: Record<string, string>, kpi: string): Promise<Map<string, KpiResult>> {
  const rows = await withSmallWarehouse(data, (db) =>
    computeEngagementKpis(db, {
      kpis: [kpi],
      periods: JANUARY,
      asOf: '2026-01-01T00:00:00.000Z',
      minSample: 1,
      params: PARAMS,
    }),
  );
  return new Map(rows.map((r) => [r.kpi, r]));
}

test('engagement metrics: events, sessions, session minutes and key actions per session', async () => {
  const m = await january(ACTIVITY, 'engagement_metrics');
  close(m.get('engagement_metrics')?.value, 6 / 2); // 6 events over 2 active users (a1, b1)
  close(m.get('engagement_metrics.sessions_per_user')?.value, 4 / 2); // 2 sessions each
  close(m.get('engagement_metrics.mean_session_minutes')?.value, (40 + 0 + 0 + 0) / 4);
  close(m.get('engagement_metrics.key_actions_per_session')?.value, (3 + 0 + 1 + 1) / 4);
});

test('engagement score: percentile ranks of Σ ln(1 + count) among subscribed accounts', async () => {
  const m = await january(ACTIVITY, 'customer_engagement_score');
  // Raw: A = ln(1+2) + ln(1+1) ≈ 1.79 (reports ×2, api ×1); B = ln(1+2) ≈ 1.10 (dashboards ×2); C = 0.
  // Percent ranks ×100: C 0, B 50, A 100 → mean 50; one account in each band.
  close(m.get('customer_engagement_score')?.value, 50);
  close(m.get('customer_engagement_score.share_low')?.value, 1 / 3);
  close(m.get('customer_engagement_score.share_mid')?.value, 1 / 3);
  close(m.get('customer_engagement_score.share_high')?.value, 1 / 3);
});

test('lifecycle at the end of January: new, retained, resurrected, churned, dormant', async () => {
  const m = await january(
    {
      customers: CUSTOMERS,
      // A, B, C paying throughout (retained); D first pays Jan 10 (new); E paid Nov, cancelled Dec (dormant);
      // F cancels Jan 20 (churned); G paid Oct, cancelled Nov, back Jan 15 (resurrected).
      subscription_changes: `customer_id,effective_at,mrr
        A,2023-12-01T00:00:00Z,100
        B,2023-12-01T00:00:00Z,50
        C,2023-12-01T00:00:00Z,30
        D,2024-01-10T00:00:00Z,20
        E,2023-11-01T00:00:00Z,10
        E,2023-12-01T00:00:00Z,0
        F,2023-12-01T00:00:00Z,40
        F,2024-01-20T00:00:00Z,0
        G,2023-10-01T00:00:00Z,60
        G,2023-11-01T00:00:00Z,0
        G,2024-01-15T00:00:00Z,60`,
    },
    'customer_segmentation',
  );
  assert.equal(m.get('customer_segmentation')?.value, 7);
  const shares = ['new', 'retained', 'resurrected', 'churned', 'dormant'].map(
    (s) => m.get(`customer_segmentation.${s}`)?.numerator,
  );
  assert.deepEqual(shares, [1, 3, 1, 1, 1]);
});

test('no events: engagement metrics report no data', async () => {
  const m = await january({ customers: CUSTOMERS }, 'engagement_metrics');
  assert.deepEqual(m.get('engagement_metrics')?.flags, ['no_data']);
});
