import assert from 'node:assert/strict';
import { test } from 'node:test';
import { close } from '../../../test/support/kpi-assert.ts';
import { withSmallWarehouse } from '../../../test/support/small-warehouse.ts';
import type { KpiResult } from '../../results/kpi-result.ts';
import { periodsBetween } from '../periods.ts';
import {
  ACTIVATION_KPIS,
  type ActivationParams,
  computeActivationKpis,
  DEFAULT_ACTIVATION_PARAMS,
} from './activation.ts';

// January 2024. Milestones: create_project (cp), invite_teammate (it), connect_integration (ci); window 14 days.
//   A signs up exactly at the period start (Jan 1 00:00Z): cp Jan 2, it Jan 3, ci Jan 5 12:00 → activated Jan 5 12:00.
//     use_reports Jan 12 12:00 (exactly activated_at + 7 days), login Feb 6.
//   B signs up Jan 10: cp Jan 11, it Jan 30 (past Jan 24, the window's end) → not activated.
//   C signs up 2024-02-01T01:00+02:00 = Jan 31 23:00Z (in January): all milestones Feb 1; window ends Feb 14 23:00.
//   D signs up Dec 31 23:59:59Z (December): cp Jan 1, it Jan 2, ci Jan 3 00:00 → activated Jan 3 00:00.
//     login Jan 4, use_api Jan 10 00:00:01 (1 s past its 7 days), login Feb 2.
//   E signs up Jan 25: cp Jan 26, it Jan 28, ci Jan 31 12:00 → activated Jan 31 12:00. use_dashboards Feb 2.
// Funnel (signup_started → workspace_created → first_project_created → teammate_invited, 7 days); F–K signed
// up in 2023:
//   F: ss Jan 1 00:00Z, wc Jan 1 01:00, fp Jan 2, ti Jan 8 00:00 (exactly 7 days) → reaches 4.
//   G: ss Jan 10, fp Jan 11 (before wc), wc Jan 12 → reaches 2.   H: ss Jan 15, wc Jan 23 (8 days) → reaches 1.
//   I: ss Jan 31 12:00, wc Feb 1, fp Feb 2, ti Feb 3 → reaches 4 (its window ends Feb 7 12:00).
//   J: ss 2023-12-31T23:00-02:00 = Jan 1 01:00Z (January) → reaches 1.   K: ss Feb 5 (February).
const DATA = {
  customers: `customer_id,signed_up_at
    A,2024-01-01T00:00:00Z
    B,2024-01-10T00:00:00Z
    C,2024-02-01T01:00:00+02:00
    D,2023-12-31T23:59:59Z
    E,2024-01-25T00:00:00Z
    F,2023-06-01T00:00:00Z
    G,2023-06-01T00:00:00Z
    H,2023-06-01T00:00:00Z
    I,2023-06-01T00:00:00Z
    J,2023-06-01T00:00:00Z
    K,2023-06-01T00:00:00Z`,
  events: `event_id,user_id,customer_id,occurred_at,name
    a1,ua,A,2024-01-02T00:00:00Z,create_project
    a2,ua,A,2024-01-03T00:00:00Z,invite_teammate
    a3,ua,A,2024-01-05T12:00:00Z,connect_integration
    a4,ua,A,2024-01-12T12:00:00Z,use_reports
    a5,ua,A,2024-02-06T09:00:00Z,login
    b1,ub,B,2024-01-11T00:00:00Z,create_project
    b2,ub,B,2024-01-30T00:00:00Z,invite_teammate
    c1,uc,C,2024-02-01T02:00:00Z,create_project
    c2,uc,C,2024-02-01T03:00:00Z,invite_teammate
    c3,uc,C,2024-02-01T04:00:00Z,connect_integration
    d1,ud,D,2024-01-01T00:00:00Z,create_project
    d2,ud,D,2024-01-02T00:00:00Z,invite_teammate
    d3,ud,D,2024-01-03T00:00:00Z,connect_integration
    d4,ud,D,2024-01-04T00:00:00Z,login
    d5,ud,D,2024-01-10T00:00:01Z,use_api
    d6,ud,D,2024-02-02T08:00:00Z,login
    e1,ue,E,2024-01-26T00:00:00Z,create_project
    e2,ue,E,2024-01-28T00:00:00Z,invite_teammate
    e3,ue,E,2024-01-31T12:00:00Z,connect_integration
    e4,ue,E,2024-02-02T00:00:00Z,use_dashboards
    f1,uf,F,2024-01-01T00:00:00Z,signup_started
    f2,uf,F,2024-01-01T01:00:00Z,workspace_created
    f3,uf,F,2024-01-02T00:00:00Z,first_project_created
    f4,uf,F,2024-01-08T00:00:00Z,teammate_invited
    g1,ug,G,2024-01-10T00:00:00Z,signup_started
    g2,ug,G,2024-01-11T00:00:00Z,first_project_created
    g3,ug,G,2024-01-12T00:00:00Z,workspace_created
    h1,uh,H,2024-01-15T00:00:00Z,signup_started
    h2,uh,H,2024-01-23T00:00:00Z,workspace_created
    i1,ui,I,2024-01-31T12:00:00Z,signup_started
    i2,ui,I,2024-02-01T00:00:00Z,workspace_created
    i3,ui,I,2024-02-02T00:00:00Z,first_project_created
    i4,ui,I,2024-02-03T00:00:00Z,teammate_invited
    j1,uj,J,2023-12-31T23:00:00-02:00,signup_started
    k1,uk,K,2024-02-05T00:00:00Z,signup_started`,
  // Time to exceed value, for the January signups A, B, C, E (D signed up in December):
  //   A: NPS 10 on 2023-12-01 (before signup: ignored), CSAT 5 on Jan 3 → 2 days.
  //   B: CSAT 4 on Jan 12 (not the top), NPS 9 on Jan 20 12:00 → 10.5 days.
  //   E: NPS 8 on Feb 1 (not ≥ 9), NPS 10 on Jun 1 (past Jan 25 + 90 days = Apr 24) → not reached.
  //   C: nothing. D: CSAT 5 on Jan 2 (not in the cohort).
  feedback: `response_id,customer_id,answered_at,kind,score
    r1,A,2023-12-01T00:00:00Z,nps,10
    r2,A,2024-01-03T00:00:00Z,csat,5
    r3,B,2024-01-12T00:00:00Z,csat,4
    r4,B,2024-01-20T12:00:00Z,nps,9
    r5,E,2024-02-01T00:00:00Z,nps,8
    r6,E,2024-06-01T00:00:00Z,nps,10
    r7,D,2024-01-02T00:00:00Z,csat,5`,
};

async function run(
  asOf: string,
  from = '2024-01-01',
  to = '2024-01-31',
  data: Record<string, string> = DATA,
  params: ActivationParams = DEFAULT_ACTIVATION_PARAMS,
): Promise<Map<string, KpiResult>> {
  const rows = await withSmallWarehouse(data, (db) =>
    computeActivationKpis(db, {
      kpis: [...ACTIVATION_KPIS],
      periods: periodsBetween(from, to, 'month'),
      asOf,
      minSample: 1,
      params,
    }),
  );
  return new Map(rows.map((r) => [r.kpi, r]));
}

const ratio = (r: KpiResult | undefined) => [r?.value, r?.numerator, r?.denominator];

test('milestone completion: A and E activated among A, B, E; C (window open) censored; per-milestone rates', async () => {
  const rows = await run('2024-02-10T00:00:00.000Z');
  // January signups: A, B, C, E (D is Dec 31 23:59:59Z; C is Jan 31 23:00Z after its +02:00 offset).
  // C's window ends Feb 14 23:00 > as_of Feb 10 → censored although it completed everything on Feb 1.
  // Eligible A, B, E; activated A, E → 2/3.
  const r = rows.get('activation_milestone_completion');
  assert.deepEqual(ratio(r), [2 / 3, 2, 3]);
  assert.ok(r?.flags.includes('censored'));
  // create_project: A, B, E → 3/3; invite_teammate: A, E (B's is 6 days late) → 2/3; connect_integration: A, E → 2/3.
  assert.deepEqual(
    ratio(rows.get('activation_milestone_completion.per_milestone.create_project')),
    [1, 3, 3],
  );
  assert.deepEqual(ratio(rows.get('activation_milestone_completion.per_milestone.invite_teammate')), [
    2 / 3,
    2,
    3,
  ]);
  assert.deepEqual(ratio(rows.get('activation_milestone_completion.per_milestone.connect_integration')), [
    2 / 3,
    2,
    3,
  ]);
});

test('follow-up engagement: A (boundary at +7 days, included) and E engaged; D only 1 s too late', async () => {
  const rows = await run('2024-02-10T00:00:00.000Z');
  // Activated in January: A (Jan 5 12:00), D (Jan 3), E (Jan 31 12:00); all windows end before Feb 10.
  // A: use_reports at exactly Jan 12 12:00 → in (a, a + 7d]. D: login is no engagement event, use_api is at
  // Jan 10 00:00:01 > Jan 10 00:00. E: use_dashboards Feb 2 ≤ Feb 7 12:00. → 2/3.
  const r = rows.get('activated_follow_up_engagement_rate');
  assert.deepEqual(ratio(r), [2 / 3, 2, 3]);
  assert.ok(!r?.flags.includes('censored'));
  // as_of Feb 5: E's window (to Feb 7 12:00) is open → censored, left out: A engaged, D not → 1/2.
  const early = (await run('2024-02-05T00:00:00.000Z')).get('activated_follow_up_engagement_rate');
  assert.deepEqual(ratio(early), [1 / 2, 1, 2]);
  assert.ok(early?.flags.includes('censored'));
});

test('activation cohort retention, on day N: d7 = 2/3, d30 = 1/2 with E censored', async () => {
  const rows = await run('2024-02-10T00:00:00.000Z');
  // d0: A Jan 5, D Jan 3, E Jan 31; as_of day Feb 10.
  // N = 7: A Jan 12 (active: use_reports), D Jan 10 (use_api 00:00:01), E Feb 7 (not active) → 2/3.
  // N = 30: A Feb 4 (not active; its login is Feb 6), D Feb 2 (login) → 1/2; E's Mar 1 not observed: censored.
  assert.deepEqual(ratio(rows.get('activation_cohort_retention.per_day.d7')), [2 / 3, 2, 3]);
  assert.deepEqual(ratio(rows.get('activation_cohort_retention')), [2 / 3, 2, 3]);
  const d30 = rows.get('activation_cohort_retention.per_day.d30');
  assert.deepEqual(ratio(d30), [1 / 2, 1, 2]);
  assert.ok(d30?.flags.includes('censored'));
});

test('activation cohort retention, on or after day N: d7 = 2/3, d30 = 2/2', async () => {
  const rows = await run('2024-02-10T00:00:00.000Z', '2024-01-01', '2024-01-31', DATA, {
    ...DEFAULT_ACTIVATION_PARAMS,
    mode: 'on_or_after',
  });
  // N = 7: A (Jan 12 on), D (Jan 10 on), E (nothing from Feb 7 to Feb 9) → 2/3.
  // N = 30: A (login Feb 6 ≥ Feb 4), D (Feb 2) → 2/2; E censored.
  assert.deepEqual(ratio(rows.get('activation_cohort_retention.per_day.d7')), [2 / 3, 2, 3]);
  assert.deepEqual(ratio(rows.get('activation_cohort_retention.per_day.d30')), [1, 2, 2]);
});

test('drop-off rate: 1 − 2/5 and per step; an open window is censored', async () => {
  const rows = await run('2024-02-10T00:00:00.000Z');
  // Starts in January: F (exactly Jan 1 00:00), G, H, I, J (offset -02:00 → Jan 1 01:00Z); K is February.
  // reached(1..4) = 5 (F G H I J), 3 (F G I), 2 (F I), 2 (F I; F's ti is exactly 7 days after its ss).
  assert.deepEqual(ratio(rows.get('drop_off_rate')), [3 / 5, 3, 5]);
  assert.deepEqual(ratio(rows.get('drop_off_rate.per_step.step_2')), [2 / 5, 2, 5]);
  assert.deepEqual(ratio(rows.get('drop_off_rate.per_step.step_3')), [1 / 3, 1, 3]);
  assert.deepEqual(ratio(rows.get('drop_off_rate.per_step.step_4')), [0, 0, 2]);
  // as_of Feb 5: I's window (to Feb 7 12:00) is open → left out: reached 4, 2, 1, 1 → 1 − 1/4.
  const early = (await run('2024-02-05T00:00:00.000Z')).get('drop_off_rate');
  assert.deepEqual(ratio(early), [3 / 4, 3, 4]);
  assert.ok(early?.flags.includes('censored'));
});

test('time to exceed value: median of 2 and 10.5 days; open horizons without the signal are censored', async () => {
  const rows = await run('2024-04-15T00:00:00.000Z');
  // Reached within 90 days: A (2 days), B (10.5 days) → median (2 + 10.5) / 2 = 6.25.
  // Not reached with the horizon still open at Apr 15: E (to Apr 24), C (to Apr 30) → censored.
  // Share = 2 reached / 2 (A, B) = 1.
  const r = rows.get('time_to_exceed_value');
  close(r?.value, 6.25);
  assert.equal(r?.n, 2);
  assert.ok(r?.flags.includes('censored'));
  assert.deepEqual(ratio(rows.get('time_to_exceed_value.share_reaching')), [1, 2, 2]);
  // as_of Jul 1: every horizon is over. E's NPS 10 on Jun 1 is past its horizon → not reached: 2/4.
  const late = await run('2024-07-01T00:00:00.000Z');
  assert.deepEqual(ratio(late.get('time_to_exceed_value.share_reaching')), [2 / 4, 2, 4]);
  assert.ok(!late.get('time_to_exceed_value')?.flags.includes('censored'));
});

test('an empty period: zero denominators are null and flagged; no events: no data', async () => {
  const rows = await run('2024-02-10T00:00:00.000Z', '2023-10-01', '2023-10-31');
  for (const kpi of ['activation_milestone_completion', 'drop_off_rate', 'time_to_exceed_value']) {
    const r = rows.get(kpi);
    assert.equal(r?.value, null, kpi);
    assert.ok(r?.flags.includes('zero_denominator'), kpi);
  }
  const none = await run('2024-02-10T00:00:00.000Z', '2024-01-01', '2024-01-31', {
    customers: DATA.customers,
  });
  for (const kpi of ACTIVATION_KPIS) assert.deepEqual(none.get(kpi)?.flags, ['no_data'], kpi);
});

test('a breakdown by signup cohort gives one row per segment and period', async () => {
  const rows = await withSmallWarehouse(DATA, (db) =>
    computeActivationKpis(db, {
      kpis: ['activation_milestone_completion'],
      periods: periodsBetween('2024-01-01', '2024-01-31', 'month'),
      by: 'signup_cohort',
      asOf: '2024-02-10T00:00:00.000Z',
      minSample: 1,
      params: DEFAULT_ACTIVATION_PARAMS,
    }),
  );
  const plain = rows.filter((r) => r.kpi === 'activation_milestone_completion');
  // Only the 2024-01 cohort (A, B, C, E) signed up in January, so it is the only segment with rows (as in
  // the other families, a segment without units in any period gets no row): 2/3 as without a breakdown.
  assert.deepEqual(
    plain.map((r) => [r.segment, r.value]),
    [['2024-01', 2 / 3]],
  );
});

test('time to exceed value: an account counts only once its horizon is over, reached or not', async () => {
  // c1 signs up Nov 1 2025 and answers CSAT 5 on Nov 5 (4 days); c2 signs up Nov 2 with no signal.
  // Horizons (90 days): c1 to Jan 30 2026, c2 to Jan 31 2026.
  const data = {
    customers: `customer_id,signed_up_at
      c1,2025-11-01T00:00:00Z
      c2,2025-11-02T00:00:00Z`,
    feedback: `response_id,customer_id,answered_at,kind,score
      f1,c1,2025-11-05T00:00:00Z,csat,5`,
  };
  const november = (asOf: string) =>
    withSmallWarehouse(data, (db) =>
      computeActivationKpis(db, {
        kpis: ['time_to_exceed_value'],
        periods: periodsBetween('2025-11-01', '2025-11-30', 'month'),
        asOf,
        minSample: 1,
        params: DEFAULT_ACTIVATION_PARAMS,
      }),
    ).then((rows) => new Map(rows.map((r) => [r.kpi, r])));
  // As of Dec 31 both horizons are open: no closed window, 0/0 and no median, both censored (c1's early
  // signal is not counted: counting it while leaving c2 out read 1/1).
  const open = await november('2025-12-31T00:00:00.000Z');
  const share = open.get('time_to_exceed_value.share_reaching');
  assert.deepEqual(ratio(share), [null, 0, 0]);
  assert.ok(share?.flags.includes('censored'));
  const median = open.get('time_to_exceed_value');
  assert.equal(median?.value, null);
  assert.ok(median?.flags.includes('censored'));
  // As of Feb 1 2026 both horizons are over: c1 reached it (4 days), c2 did not → 1/2, median 4.
  const closed = await november('2026-02-01T00:00:00.000Z');
  assert.deepEqual(ratio(closed.get('time_to_exceed_value.share_reaching')), [1 / 2, 1, 2]);
  close(closed.get('time_to_exceed_value')?.value, 4);
  assert.ok(!closed.get('time_to_exceed_value')?.flags.includes('censored'));
});
