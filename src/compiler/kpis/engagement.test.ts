import assert from 'node:assert/strict';
import { test } from 'node:test';
import { close, find } from '../../../test/support/kpi-assert.ts';
import { withSmallWarehouse } from '../../../test/support/small-warehouse.ts';
import type { KpiResult } from '../../results/kpi-result.ts';
import { periodsBetween } from '../periods.ts';
import { computeEngagementKpis, DEFAULT_ENGAGEMENT_PARAMS, type EngagementParams } from './engagement.ts';
import { referenceMonths } from './engagement-score.ts';

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
  close(m.get('engagement_metrics.sessions_per_active_user')?.value, 4 / 2); // 2 sessions each
  close(m.get('engagement_metrics.mean_session_minutes')?.value, (40 + 0 + 0 + 0) / 4);
  close(m.get('engagement_metrics.key_actions_per_session')?.value, (3 + 0 + 1 + 1) / 4);
});

// The engagement score's company: A, B, C pay from December 2023; D from April 2024. Key actions
// use_reports (weight 1), use_api (weight 3) and use_alerts (weight 1, cap 4 set in the project): Σ w = 5.
// The first event is on Dec 20, so December is not complete: the reference months are January–March.
//   use_reports per month   Jan  Feb  Mar  Apr        use_api: A 1 in January, B 1 in April
//     A                       4    2    3    3         use_alerts: A 4 in April
//     B                       1    0    1    4
//     C                       0    0    0    0
//     D (not subscribed yet)  -    5    -    1         (D's February is before its subscription)
const SCORE_PARAMS: EngagementParams = {
  ...DEFAULT_ENGAGEMENT_PARAMS,
  keyActions: ['use_reports', 'use_api', 'use_alerts'],
  keyActionWeights: { use_api: 3 },
  keyActionCaps: { use_alerts: 4 },
};
const USES: [customer: string, day: string, name: string, times: number][] = [
  ['A', '2023-12-20', 'login', 1],
  ['A', '2024-01-05', 'use_reports', 4],
  ['A', '2024-01-06', 'use_api', 1],
  ['B', '2024-01-09', 'use_reports', 1],
  ['A', '2024-02-05', 'use_reports', 2],
  ['D', '2024-02-07', 'use_reports', 5],
  ['A', '2024-03-05', 'use_reports', 3],
  ['B', '2024-03-09', 'use_reports', 1],
  ['A', '2024-04-05', 'use_reports', 3],
  ['A', '2024-04-06', 'use_alerts', 4],
  ['B', '2024-04-09', 'use_reports', 4],
  ['B', '2024-04-10', 'use_api', 1],
  ['D', '2024-04-11', 'use_reports', 1],
];
const SCORE_DATA = {
  customers: CUSTOMERS,
  subscription_changes: `customer_id,effective_at,mrr
    A,2023-12-01T00:00:00Z,100
    B,2023-12-01T00:00:00Z,50
    C,2023-12-01T00:00:00Z,30
    D,2024-04-01T00:00:00Z,20`,
  events: [
    'event_id,user_id,customer_id,occurred_at,name',
    ...USES.flatMap(([c, day, name, times]) =>
      Array.from({ length: times }, (_, i) => {
        const at = `${day}T10:${String(i).padStart(2, '0')}:00Z`;
        return `${c}-${day}-${name}-${i},${c.toLowerCase()}1,${c},${at},${name}`;
      }),
    ),
  ].join('\n'),
};

async function scores(
  months: [string, string],
  asOf: string,
  params: Partial<EngagementParams> = {},
): Promise<KpiResult[]> {
  return withSmallWarehouse(SCORE_DATA, (db) =>
    computeEngagementKpis(db, {
      kpis: ['customer_engagement_score'],
      periods: periodsBetween(months[0], months[1], 'month'),
      asOf,
      minSample: 1,
      params: { ...SCORE_PARAMS, ...params },
    }),
  );
}

/** 100 · w · min(1, ln(1 + n) / ln(1 + cap)) / Σ w, Σ w = 5: one action's part of an account's score. */
const part = (n: number, cap: number, w = 1) =>
  (100 * w * Math.min(1, Math.log(1 + n) / Math.log(1 + cap))) / 5;

test('engagement score: each action against its fixed reference, the mean and the bands over subscribed accounts', async () => {
  const rows = await scores(['2024-01-01', '2024-04-30'], '2026-01-01T00:00:00Z');
  const at = (kpi: string, month: string) => find(rows, kpi, `2024-${month}-01T00:00:00.000Z`);
  // Caps from January–March over A, B, C (D is not subscribed then; its 5 February uses do not count):
  //   use_reports: 9 monthly counts 0 0 0 0 1 1 2 3 4; the 90th percentile sits at 0.9 × 8 = 7.2:
  //     3 + 0.2 × (4 − 3) = 3.2.
  //   use_api: 0 × 8 and 1: 0 + 0.2 × 1 = 0.2, raised to the floor 1.   use_alerts: 4 (the project's).
  // January (A, B, C): A = reports 4 ≥ 3.2 → 20, api 1 = cap → 3 × 20 = 60: 80 (high);
  //   B = 20 · ln 2 / ln 4.2 = 9.660 (low); C = 0 (low). Mean (80 + 9.660 + 0) / 3 = 29.887.
  close(at('customer_engagement_score', '01').value, (80 + part(1, 3.2) + 0) / 3);
  assert.deepEqual(
    ['share_low', 'share_mid', 'share_high'].map((s) => at(`customer_engagement_score.${s}`, '01').numerator),
    [2, 0, 1],
  );
  // February: A = 20 · ln 3 / ln 4.2 = 15.311, B = C = 0: mean 5.104, all low.
  close(at('customer_engagement_score', '02').value, part(2, 3.2) / 3);
  // March: A = 20 · ln 4 / ln 4.2 = 19.320, B = 9.660, C = 0: mean 9.660.
  close(at('customer_engagement_score', '03').value, (part(3, 3.2) + part(1, 3.2)) / 3);
  // April (A, B, C and now D): A = 19.320 + alerts 4 = cap → 20: 39.320 (mid); B = reports 4 → 20 +
  //   api 1 → 60: 80 (high); C = 0 (low); D = 9.660 (low). Mean (39.320 + 80 + 0 + 9.660) / 4 = 32.245.
  const april = at('customer_engagement_score', '04');
  close(april.value, (part(3, 3.2) + part(4, 4) + 80 + 0 + part(1, 3.2)) / 4);
  assert.equal(april.denominator, 4);
  assert.deepEqual(april.flags, []);
  close(at('customer_engagement_score.share_low', '04').value, 2 / 4);
  close(at('customer_engagement_score.share_mid', '04').value, 1 / 4);
  close(at('customer_engagement_score.share_high', '04').value, 1 / 4);
});

test('engagement score: while the reference months are not over, the scale is provisional (censored)', async () => {
  // as_of Feb 15: only January is complete. use_reports counts A 4, B 1, C 0 → 0.9 × 2 = 1.8:
  //   1 + 0.8 × (4 − 1) = 3.4; use_api 0, 0, 1 → 0.8, raised to 1. January: A = 20 + 60 = 80,
  //   B = 20 · ln 2 / ln 4.4 = 9.357, C = 0: mean 29.786.
  const rows = await scores(['2024-01-01', '2024-01-31'], '2024-02-15T00:00:00Z');
  const jan = find(rows, 'customer_engagement_score', '2024-01-01T00:00:00.000Z');
  close(jan.value, (80 + part(1, 3.4)) / 3);
  assert.deepEqual(jan.flags, ['censored']);
});

test('engagement score: no reference month over yet, only caps set in the project score', async () => {
  // as_of Jan 20: no complete month. With a cap to find in the data there is no score.
  const none = await scores(['2024-01-01', '2024-01-31'], '2024-01-20T00:00:00Z');
  const jan = find(none, 'customer_engagement_score', '2024-01-01T00:00:00.000Z');
  assert.equal(jan.value, null);
  assert.ok(jan.flags.includes('censored'));
  // Every cap set (reports 3, api 1, alerts 4): January so far: A = reports 4 ≥ 3 → 20, api 1 → 60: 80;
  //   B = 20 · ln 2 / ln 4 = 10; C = 0. Mean (80 + 10 + 0) / 3 = 30; the period is incomplete, not censored.
  const set = await scores(['2024-01-01', '2024-01-31'], '2024-01-20T00:00:00Z', {
    keyActionCaps: { use_reports: 3, use_api: 1, use_alerts: 4 },
  });
  const scored = find(set, 'customer_engagement_score', '2024-01-01T00:00:00.000Z');
  close(scored.value, 30);
  assert.deepEqual(scored.flags, ['incomplete_period']);
});

test('the reference months: the first three complete calendar months of events that are over by as_of', () => {
  const starts = (first: string, asOf: string) => {
    const r = referenceMonths(first, asOf);
    return [r.months.map((m) => m.start.slice(0, 7)), r.settled];
  };
  // A first event at a month's first instant makes that month complete.
  assert.deepEqual(starts('2024-01-01T00:00:00Z', '2025-01-01T00:00:00Z'), [
    ['2024-01', '2024-02', '2024-03'],
    true,
  ]);
  assert.deepEqual(starts('2024-01-01T00:00:01Z', '2025-01-01T00:00:00Z'), [
    ['2024-02', '2024-03', '2024-04'],
    true,
  ]);
  assert.deepEqual(starts('2024-01-15T00:00:00Z', '2024-04-01T00:00:00Z'), [['2024-02', '2024-03'], false]);
  assert.deepEqual(starts('2024-01-15T00:00:00Z', '2024-02-29T00:00:00Z'), [[], false]);
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
    (s) => m.get(`customer_segmentation.lifecycle.${s}`)?.numerator,
  );
  assert.deepEqual(shares, [1, 3, 1, 1, 1]);
});

test('no events: engagement metrics report no data', async () => {
  const m = await january({ customers: CUSTOMERS }, 'engagement_metrics');
  assert.deepEqual(m.get('engagement_metrics')?.flags, ['no_data']);
});
