import assert from 'node:assert/strict';
import { test } from 'node:test';
import { close } from '../../../test/support/kpi-assert.ts';
import { withSmallWarehouse } from '../../../test/support/small-warehouse.ts';
import type { KpiResult } from '../../results/kpi-result.ts';
import { type Grain, periodsBetween } from '../periods.ts';
import { previousPeriod } from '../previous-period.ts';
import { computeFeatureKpis, DEFAULT_FEATURE_PARAMS, FEATURE_KPIS, type FeatureParams } from './features.ts';

// January 2024 ends Thu Feb 1; the 4 complete ISO weeks before it: Jan 1–7, 8–14, 15–21, 22–28 (to Mon Jan 29).
//   u1: use_reports Jan 2, 9, 16 (3 weeks); use_api Jan 2, 9 (2 weeks); February: use_reports Feb 5.
//   u2: use_reports Jan 1 00:00Z (the first instant), Jan 22, 2024-01-28T23:30-01:00 = Jan 29 00:30Z (past the
//       weeks) → 2 weeks; use_dashboards Jan 3, 10, 17, 24 (4 weeks); February: use_api Feb 2.
//   u3: login Jan 15 only.
//   u4: use_reports Jan 29, 30, 31 (after the weeks); February: use_reports Feb 1 00:00Z (the first instant).
//   u5: use_reports 2023-12-31T23:00-02:00 = Jan 1 01:00Z, Jan 8, 2024-01-14T23:00-01:00 = Jan 15 00:00Z → weeks
//       1, 2, 3.
const DATA = {
  customers: `customer_id,signed_up_at
    A,2023-06-01T00:00:00Z
    B,2023-06-01T00:00:00Z`,
  events: `event_id,user_id,customer_id,occurred_at,name
    e1,u1,A,2024-01-02T10:00:00Z,use_reports
    e2,u1,A,2024-01-09T10:00:00Z,use_reports
    e3,u1,A,2024-01-16T10:00:00Z,use_reports
    e4,u1,A,2024-01-02T11:00:00Z,use_api
    e5,u1,A,2024-01-09T11:00:00Z,use_api
    e6,u1,A,2024-02-05T10:00:00Z,use_reports
    e7,u2,A,2024-01-01T00:00:00Z,use_reports
    e8,u2,A,2024-01-22T10:00:00Z,use_reports
    e9,u2,A,2024-01-28T23:30:00-01:00,use_reports
    e10,u2,A,2024-01-03T10:00:00Z,use_dashboards
    e11,u2,A,2024-01-10T10:00:00Z,use_dashboards
    e12,u2,A,2024-01-17T10:00:00Z,use_dashboards
    e13,u2,A,2024-01-24T10:00:00Z,use_dashboards
    e14,u2,A,2024-02-02T10:00:00Z,use_api
    e15,u3,B,2024-01-15T10:00:00Z,login
    e16,u4,B,2024-01-29T10:00:00Z,use_reports
    e17,u4,B,2024-01-30T10:00:00Z,use_reports
    e18,u4,B,2024-01-31T10:00:00Z,use_reports
    e19,u4,B,2024-02-01T00:00:00Z,use_reports
    e20,u5,B,2023-12-31T23:00:00-02:00,use_reports
    e21,u5,B,2024-01-08T10:00:00Z,use_reports
    e22,u5,B,2024-01-14T23:00:00-01:00,use_reports`,
};

// Key action export_data, all users of account X:
//   r1 Jan 2 → Jan 9: 7 days.   r2 Jan 1 00:00Z (the first instant) → Jan 22: 21 days.
//   r3 2023-12-31T23:00-02:00 = Jan 1 01:00Z → Jan 8 00:00Z: 6 + 23/24 = 167/24 days.
//   r4 Jan 29 → Jan 30 (→ Jan 31): 1 day, but its horizon (to Feb 28) is open at as_of Feb 10 → censored.
//   r5 Jan 20 only: horizon to Feb 19, open at as_of Feb 10 → censored.   r6 Jan 2 only: horizon over → no repeat.
//   r7 Jan 3 → Feb 5: 33 days > 30 → no repeat.   r8 first use Dec 20 (not in January).
const REPEAT_DATA = {
  customers: `customer_id,signed_up_at
    X,2023-06-01T00:00:00Z`,
  events: `event_id,user_id,customer_id,occurred_at,name
    x1,r1,X,2024-01-02T00:00:00Z,export_data
    x2,r1,X,2024-01-09T00:00:00Z,export_data
    x3,r2,X,2024-01-01T00:00:00Z,export_data
    x4,r2,X,2024-01-22T00:00:00Z,export_data
    x5,r3,X,2023-12-31T23:00:00-02:00,export_data
    x6,r3,X,2024-01-08T00:00:00Z,export_data
    x7,r4,X,2024-01-29T00:00:00Z,export_data
    x8,r4,X,2024-01-30T00:00:00Z,export_data
    x9,r4,X,2024-01-31T00:00:00Z,export_data
    x10,r5,X,2024-01-20T00:00:00Z,export_data
    x11,r6,X,2024-01-02T00:00:00Z,export_data
    x12,r7,X,2024-01-03T00:00:00Z,export_data
    x13,r7,X,2024-02-05T00:00:00Z,export_data
    x14,r8,X,2023-12-20T00:00:00Z,export_data
    x15,r8,X,2024-01-05T00:00:00Z,export_data`,
};

async function run(
  from: string,
  to: string,
  asOf: string,
  opts: { data?: Record<string, string>; params?: FeatureParams; grain?: Grain } = {},
): Promise<Map<string, KpiResult>> {
  const rows = await withSmallWarehouse(opts.data ?? DATA, (db) =>
    computeFeatureKpis(db, {
      kpis: [...FEATURE_KPIS],
      periods: periodsBetween(from, to, 'month'),
      ...(opts.grain ? { grain: opts.grain } : {}),
      asOf,
      minSample: 1,
      // This dataset's repeated key action is use_reports.
      params: opts.params ?? { ...DEFAULT_FEATURE_PARAMS, keyAction: 'use_reports' },
    }),
  );
  return new Map(rows.map((r) => [r.kpi, r]));
}

const ratio = (r: KpiResult | undefined) => [r?.value, r?.numerator, r?.denominator];

test('feature adoption over the 4 complete weeks before Feb 1: reports 2/4, dashboards 1/4, mean 0.1875', async () => {
  const rows = await run('2024-01-01', '2024-01-31', '2024-03-01T00:00:00.000Z');
  // Active in the weeks: u1, u2, u3, u5 (u4 only after Jan 29) → 4.
  // use_reports in ≥ 3 weeks: u1 (1, 2, 3), u5 (1, 2, 3 after offsets); u2 has 2 → 2/4.
  // use_dashboards: u2 (4 weeks) → 1/4. use_alerts 0/4, use_api 0/4 (u1 in 2 weeks).
  assert.deepEqual(ratio(rows.get('feature_adoption_rate.per_feature.use_reports')), [2 / 4, 2, 4]);
  assert.deepEqual(ratio(rows.get('feature_adoption_rate.per_feature.use_dashboards')), [1 / 4, 1, 4]);
  assert.deepEqual(ratio(rows.get('feature_adoption_rate.per_feature.use_alerts')), [0, 0, 4]);
  assert.deepEqual(ratio(rows.get('feature_adoption_rate.per_feature.use_api')), [0, 0, 4]);
  // Mean over features: (2 + 1 + 0 + 0) / 4 = 0.75 adopters over 4 active users = 0.1875.
  assert.deepEqual(ratio(rows.get('feature_adoption_rate')), [0.1875, 0.75, 4]);
});

test('feature adoption among users active by named events: dashboards 1/2, reports 0/2, mean 0.125', async () => {
  const params = { ...DEFAULT_FEATURE_PARAMS, activeEvents: ['login', 'use_dashboards'] };
  const rows = await run('2024-01-01', '2024-01-31', '2024-03-01T00:00:00.000Z', { params });
  // Active in the weeks by login or use_dashboards: u2 (dashboards Jan 3–24), u3 (login Jan 15) → 2.
  // use_reports in ≥ 3 weeks: u1 and u5, neither active → 0/2; use_dashboards: u2 (4 weeks) → 1/2.
  assert.deepEqual(ratio(rows.get('feature_adoption_rate.per_feature.use_reports')), [0, 0, 2]);
  assert.deepEqual(ratio(rows.get('feature_adoption_rate.per_feature.use_dashboards')), [1 / 2, 1, 2]);
  // Mean over the 4 features: (0 + 1 + 0 + 0) / 4 = 0.25 adopters over 2 active users = 0.125.
  assert.deepEqual(ratio(rows.get('feature_adoption_rate')), [0.125, 0.25, 2]);
});

test('feature adoption over five years of months (weeks past the masks) counts January as one month does', async () => {
  for (const activeEvents of [[], ['login', 'use_dashboards']]) {
    const params = { ...DEFAULT_FEATURE_PARAMS, activeEvents };
    const one = await run('2024-01-01', '2024-01-31', '2024-03-01T00:00:00.000Z', { params });
    // 61 months: 265 weeks from the first window, past 4 words of 62 weeks.
    const many = await run('2019-01-01', '2024-01-31', '2024-03-01T00:00:00.000Z', { params });
    for (const [kpi, r] of one) {
      if (!kpi.startsWith('feature_adoption_rate')) continue;
      assert.deepEqual(ratio(many.get(kpi)), ratio(r), kpi);
    }
  }
});

test('feature adoption whose weeks reach past as_of is null and censored', async () => {
  // February ends Fri Mar 1: weeks end Mon Feb 26 > as_of Feb 20.
  const r = (await run('2024-02-01', '2024-02-29', '2024-02-20T00:00:00.000Z')).get('feature_adoption_rate');
  assert.equal(r?.value, null);
  assert.ok(r?.flags.includes('censored'));
});

test('feature adoption whose weeks begin before the data’s first day is null and censored', async () => {
  // The data begins Wed Jan 10 2024. January's weeks (Jan 1–28) begin Jan 1, before it: Jan 1–9 are not
  // observed, so January is null and censored — though v1 read u1 (use_reports Jan 10, 16, 23: 3 weeks) as
  // 1/1. February ends Fri Mar 1: its weeks Jan 29–Feb 25 are all observed. Active: u1 (use_reports Jan 30,
  // Feb 6, Feb 13 → 3 weeks, adopted) and u2 (login Feb 20) → reports 1/2, mean (1 + 0 + 0 + 0) / 4 = 0.25
  // adopters over 2 = 0.125.
  const data = {
    customers: `customer_id,signed_up_at
      A,2024-01-10T00:00:00Z`,
    events: `event_id,user_id,customer_id,occurred_at,name
      f1,u1,A,2024-01-10T10:00:00Z,use_reports
      f2,u1,A,2024-01-16T10:00:00Z,use_reports
      f3,u1,A,2024-01-23T10:00:00Z,use_reports
      f4,u1,A,2024-01-30T10:00:00Z,use_reports
      f5,u1,A,2024-02-06T10:00:00Z,use_reports
      f6,u1,A,2024-02-13T10:00:00Z,use_reports
      f7,u2,A,2024-02-20T10:00:00Z,login`,
  };
  const rows = await withSmallWarehouse(data, (db) =>
    computeFeatureKpis(db, {
      kpis: ['feature_adoption_rate'],
      periods: periodsBetween('2024-01-01', '2024-02-29', 'month'),
      asOf: '2024-03-10T00:00:00.000Z',
      minSample: 1,
      params: DEFAULT_FEATURE_PARAMS,
    }),
  );
  const at = (kpi: string, month: string) =>
    rows.find((r) => r.kpi === kpi && r.period_start.startsWith(month));
  for (const kpi of ['feature_adoption_rate', 'feature_adoption_rate.per_feature.use_reports']) {
    const january = at(kpi, '2024-01');
    assert.equal(january?.value, null, kpi);
    assert.ok(january?.flags.includes('censored'), kpi);
  }
  assert.deepEqual(ratio(at('feature_adoption_rate.per_feature.use_reports', '2024-02')), [1 / 2, 1, 2]);
  const february = at('feature_adoption_rate', '2024-02');
  assert.deepEqual(ratio(february), [0.125, 0.25, 2]);
  assert.ok(!february?.flags.includes('censored'));
});

test('retained feature users: January users using the feature again in February', async () => {
  for (const grain of [undefined, 'month'] as const) {
    const rows = await run('2024-02-01', '2024-02-29', '2024-03-10T00:00:00.000Z', grain ? { grain } : {});
    // use_reports in January: u1, u2, u4, u5 (4); again in February: u1 (Feb 5), u4 (Feb 1 00:00Z) → 2/4.
    // use_dashboards: u2 → 0/1 (u2 used use_api in February). use_api: u1 → 0/1. use_alerts: 0/0 → null.
    assert.deepEqual(ratio(rows.get('retained_feature_users.per_feature.use_reports')), [2 / 4, 2, 4]);
    assert.deepEqual(ratio(rows.get('retained_feature_users.per_feature.use_dashboards')), [0, 0, 1]);
    assert.deepEqual(ratio(rows.get('retained_feature_users.per_feature.use_api')), [0, 0, 1]);
    const alerts = rows.get('retained_feature_users.per_feature.use_alerts');
    assert.equal(alerts?.value, null);
    assert.ok(alerts?.flags.includes('zero_denominator'));
    // Pooled user–feature pairs: (2 + 0 + 0 + 0) / (4 + 1 + 1 + 0) = 2/6.
    assert.deepEqual(ratio(rows.get('retained_feature_users')), [2 / 6, 2, 6]);
  }
});

test('retained feature users by day: one bit per day while 62 fit, a pairing of days beyond; the same counts', async () => {
  const daily = (from: string, to: string) =>
    withSmallWarehouse(DATA, (db) =>
      computeFeatureKpis(db, {
        kpis: ['retained_feature_users'],
        periods: periodsBetween(from, to, 'day'),
        grain: 'day',
        asOf: '2024-04-01T00:00:00.000Z',
        minSample: 1,
        params: DEFAULT_FEATURE_PARAMS,
      }),
    );
  // 12 days (13 spans with the day before): bits; 91 days (92 spans): the pairing of days.
  const short = await daily('2024-01-25', '2024-02-05');
  const long = await daily('2024-01-01', '2024-03-31');
  const reports = (rows: KpiResult[], day: string) =>
    ratio(
      rows.find(
        (r) => r.kpi === 'retained_feature_users.per_feature.use_reports' && r.period_start.startsWith(day),
      ),
    );
  for (const rows of [short, long]) {
    // Jan 29: u2 (2024-01-28T23:30-01:00 = Jan 29 00:30Z) and u4; on Jan 30 only u4 again → 1/2.
    assert.deepEqual(reports(rows, '2024-01-30'), [1 / 2, 1, 2]);
    // Jan 30 → Jan 31: u4 → 1/1; Jan 31 → Feb 1 00:00Z: u4 → 1/1.
    assert.deepEqual(reports(rows, '2024-01-31'), [1, 1, 1]);
    assert.deepEqual(reports(rows, '2024-02-01'), [1, 1, 1]);
  }
  const inShort = new Set(short.map((r) => r.period_start));
  assert.deepEqual(
    long.filter((r) => inShort.has(r.period_start)),
    short,
  );
});

test('previous period: the same grain before, inferred when not given', () => {
  const [jan] = periodsBetween('2024-03-01', '2024-03-01', 'month');
  assert.deepEqual(previousPeriod(jan as { start: string; end: string }), {
    start: '2024-02-01T00:00:00.000Z',
    end: '2024-03-01T00:00:00.000Z',
  });
  const [week] = periodsBetween('2024-01-03', '2024-01-03', 'week');
  assert.equal(previousPeriod(week as { start: string; end: string }).start, '2023-12-25T00:00:00.000Z');
});

test('time to first repeat action: median of 167/24, 7, 21 days; share 3/5 with r4 and r5 censored', async () => {
  const rows = await run('2024-01-01', '2024-01-31', '2024-02-10T00:00:00.000Z', {
    data: REPEAT_DATA,
    params: { ...DEFAULT_FEATURE_PARAMS, keyAction: 'export_data' },
  });
  // Horizons over by Feb 10 (first use + 30 days ≤ Feb 10): r1 (Feb 1), r2 (Jan 31), r3 (Jan 31 01:00),
  // r6 (Feb 1), r7 (Feb 2). Open: r4 (Feb 28) and r5 (Feb 19); r8 is December's.
  // Repeaters among the closed: r1, r2, r3 → sorted days 167/24, 7, 21 → median 7. r4's repeat after 1 day
  // is left out with it: its horizon is open (counting it would read 4/6 and a median of 335/48).
  const r = rows.get('time_to_first_repeat_action');
  close(r?.value, 7);
  assert.equal(r?.n, 3);
  assert.ok(r?.flags.includes('censored'));
  // Share: 3 repeaters / 5 closed (r1, r2, r3, r6, r7) = 3/5.
  const share = rows.get('time_to_first_repeat_action.repeat_share');
  assert.deepEqual(ratio(share), [3 / 5, 3, 5]);
  assert.ok(share?.flags.includes('censored'));
  // As of Mar 1 every horizon is over: repeaters r1–r4 (1, 167/24, 7, 21 days → median (167/24 + 7) / 2 =
  // 335/48) of r1–r7 (r5 never repeats) → 4/7, nothing censored.
  const late = await run('2024-01-01', '2024-01-31', '2024-03-01T00:00:00.000Z', {
    data: REPEAT_DATA,
    params: { ...DEFAULT_FEATURE_PARAMS, keyAction: 'export_data' },
  });
  close(late.get('time_to_first_repeat_action')?.value, 335 / 48);
  const lateShare = late.get('time_to_first_repeat_action.repeat_share');
  assert.deepEqual(ratio(lateShare), [4 / 7, 4, 7]);
  assert.ok(!lateShare?.flags.includes('censored'));
});

test('an empty period: null with zero_denominator; no events: no data', async () => {
  const rows = await run('2023-10-01', '2023-10-31', '2024-03-01T00:00:00.000Z');
  for (const kpi of FEATURE_KPIS) {
    assert.equal(rows.get(kpi)?.value, null, kpi);
    assert.ok(rows.get(kpi)?.flags.includes('zero_denominator'), kpi);
  }
  const none = await run('2024-01-01', '2024-01-31', '2024-03-01T00:00:00.000Z', {
    data: { customers: DATA.customers },
  });
  for (const kpi of FEATURE_KPIS) assert.deepEqual(none.get(kpi)?.flags, ['no_data'], kpi);
});
