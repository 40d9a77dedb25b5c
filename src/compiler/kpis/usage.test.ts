import assert from 'node:assert/strict';
import { test } from 'node:test';
import { close } from '../../../test/support/kpi-assert.ts';
import { withSmallWarehouse } from '../../../test/support/small-warehouse.ts';
import type { KpiResult } from '../../results/kpi-result.ts';
import { periodsBetween } from '../periods.ts';
import { computeUsageKpis, DEFAULT_USAGE_PARAMS, USAGE_KPIS } from './usage.ts';

// The key actions of this dataset; every event counts as engagement.
const PARAMS = {
  ...DEFAULT_USAGE_PARAMS,
  keyActions: ['use_reports', 'use_dashboards', 'use_alerts', 'use_api'],
  engagementEvents: [],
};

// January 2024, data starting January 1.
//   u1 (account A): one `login` at 10:00 every day, Jan 1–31: 31 sessions.
//   u2 (account B): Jan 1 use_reports 10:00, use_dashboards 10:20 (one session, 2 key actions), use_reports 11:00
//   (a 40-minute gap: a second session, 1 key action); Jan 15 use_alerts 10:00 and use_api 12:00, both with
//   session_id S1 (a given session wins over the 2-hour gap: one session, 2 key actions).
//   Subscriptions: A since 2023-12-01, B from Jan 20, C since 2023-06-01 (no events), D from Feb 1.
const u1 = Array.from(
  { length: 31 },
  (_, i) => `a${i},u1,A,2024-01-${String(i + 1).padStart(2, '0')}T10:00:00Z,login,`,
);
const DATA = {
  customers: `customer_id,signed_up_at
    A,2023-06-01T00:00:00Z
    B,2023-06-01T00:00:00Z
    C,2023-06-01T00:00:00Z
    D,2023-06-01T00:00:00Z`,
  subscription_changes: `customer_id,effective_at,mrr
    A,2023-12-01T00:00:00Z,100
    B,2024-01-20T00:00:00Z,50
    C,2023-06-01T00:00:00Z,30
    D,2024-02-01T00:00:00Z,40`,
  events: [
    'event_id,user_id,customer_id,occurred_at,name,session_id',
    ...u1,
    'b1,u2,B,2024-01-01T10:00:00Z,use_reports,',
    'b2,u2,B,2024-01-01T10:20:00Z,use_dashboards,',
    'b3,u2,B,2024-01-01T11:00:00Z,use_reports,',
    'b4,u2,B,2024-01-15T10:00:00Z,use_alerts,S1',
    'b5,u2,B,2024-01-15T12:00:00Z,use_api,S1',
  ].join('\n'),
};

async function january(): Promise<Map<string, KpiResult>> {
  const rows = await withSmallWarehouse(DATA, (db) =>
    computeUsageKpis(db, {
      kpis: [...USAGE_KPIS],
      periods: periodsBetween('2024-01-01', '2024-01-31', 'month'),
      asOf: '2026-01-01T00:00:00.000Z',
      minSample: 1,
      params: PARAMS,
    }),
  );
  return new Map(rows.map((r) => [r.kpi, r]));
}

test('DAU/WAU over the days whose 7-day window is observed (Jan 7–31)', async () => {
  const r = (await january()).get('dau_wau_ratio');
  // 25 days. ΣDAU = 25 (u1) + 1 (u2 on Jan 15) = 26. ΣWAU = 25 (u1) + 1 (u2's Jan 1 reaches Jan 7)
  // + 7 (u2's Jan 15 covers Jan 15–21) = 33. Ratio of means = 26/25 ÷ 33/25 = 26/33.
  close(r?.value, 26 / 33);
  close(r?.numerator, 26 / 25);
  close(r?.denominator, 33 / 25);
});

test('DAU/MAU and WAU/MAU over the days whose 30-day window is observed (Jan 30–31)', async () => {
  const rows = await january();
  // Jan 30, 31: DAU u1 → Σ 2; WAU u1 → Σ 2; MAU u1 + u2 (Jan 1 and 15 cover through Feb 13) → Σ 4.
  close(rows.get('stickiness_ratio')?.value, 2 / 4);
  close(rows.get('wau_mau_ratio')?.value, 2 / 4);
});

test('February alone reads only the days that can cover it, and counts as February among January’s', async () => {
  // No events in February (29 days). WAU: u1's Jan 31 covers Feb 1–6 → ΣWAU = 6. MAU: u1's days cover
  // through Mar 1 → all 29 days; u2's Jan 15 covers Jan 15–Feb 13 → 13 days; ΣMAU = 42. Feb 1 is covered
  // by u1's Jan 3 alone (its day after Jan 2 adds only Feb 1 to its 30-day cover), the earliest day read.
  // wau_mau = (6/29) / (42/29) = 1/7; DAU is 0 every day, so dau_wau and stickiness are 0.
  const february = (from: string) =>
    withSmallWarehouse(DATA, (db) =>
      computeUsageKpis(db, {
        kpis: ['wau_mau_ratio', 'stickiness_ratio'],
        periods: periodsBetween(from, '2024-02-29', 'month'),
        asOf: '2026-01-01T00:00:00.000Z',
        minSample: 1,
        params: PARAMS,
      }),
    );
  for (const rows of [await february('2024-02-01'), await february('2024-01-01')]) {
    const feb = rows.filter((r) => r.period_start.startsWith('2024-02'));
    const wauMau = feb.find((r) => r.kpi === 'wau_mau_ratio');
    close(wauMau?.value, 1 / 7);
    close(wauMau?.numerator, 6 / 29);
    close(wauMau?.denominator, 42 / 29);
    close(feb.find((r) => r.kpi === 'stickiness_ratio')?.value, 0);
  }
});

test('session frequency: 31 + 3 sessions over 2 active users; meaningful: 2 sessions with ≥ 2 key actions', async () => {
  const rows = await january();
  close(rows.get('session_frequency')?.value, 34 / 2);
  close(rows.get('meaningful_session_frequency')?.value, 2 / 2);
});

test('engagement rate: A and B engaged among A, B, C subscribed in January (D starts in February)', async () => {
  const r = (await january()).get('engagement_rate');
  assert.deepEqual([r?.value, r?.numerator, r?.denominator], [2 / 3, 2, 3]);
});

test('a period before the data has no observed window: null and censored; no events table: no data', async () => {
  const rows = await withSmallWarehouse(DATA, (db) =>
    computeUsageKpis(db, {
      kpis: ['dau_wau_ratio'],
      periods: periodsBetween('2024-01-01', '2024-01-05', 'day'),
      asOf: '2026-01-01T00:00:00.000Z',
      minSample: 1,
      params: PARAMS,
    }),
  );
  for (const r of rows) {
    assert.equal(r.value, null);
    assert.ok(r.flags.includes('censored'), r.period_start);
  }
  const none = await withSmallWarehouse({ customers: DATA.customers }, (db) =>
    computeUsageKpis(db, {
      kpis: ['stickiness_ratio'],
      periods: periodsBetween('2024-01-01', '2024-01-31', 'month'),
      asOf: '2026-01-01T00:00:00.000Z',
      minSample: 1,
      params: PARAMS,
    }),
  );
  assert.deepEqual(none[0]?.flags, ['no_data']);
});
