import assert from 'node:assert/strict';
import { test } from 'node:test';
import { close, find, triple } from '../../../test/support/kpi-assert.ts';
import { withSmallWarehouse } from '../../../test/support/small-warehouse.ts';
import { periodsBetween } from '../periods.ts';
import { computeFeedbackKpis, DEFAULT_FEEDBACK_PARAMS, FEEDBACK_KPIS } from './feedback.ts';

// Eight accounts, all MRR 100. A pro since 2023-01-01; B since 2023-06-01, cancels Mar 15; C since exactly
// 2024-01-01; D since 2023-03-01, cancels Mar 20; E since 2023-06-01; F since 2023-04-01 00:00; G since
// 2023-06-01, cancels Mar 10; H since 2022-01-01. All but A are basic.
// NPS: A's user u1 answers 3 (Feb 2) then 10 (Feb 20), user u2 8 (Feb 5); B 5 exactly at Feb 1 00:00;
// C 9 at Mar 1 01:00 +02:00 = Feb 29 23:00 UTC; D 2 exactly at Mar 1 00:00; H 4 on Jan 10.
// CSAT: A 5, B 4, C 3 and 2 in February; E 5 at Dec 2 00:00, F 5 at Dec 1 23:59:59.
// Check-ins: A Feb 10; B Feb 29 20:00 −05:00 = Mar 1 01:00 UTC (not before March); D Jan 15.
const DATA = {
  customers: `customer_id,signed_up_at,plan
    A,2022-01-01T00:00:00Z,pro
    B,2022-01-01T00:00:00Z,basic
    C,2022-01-01T00:00:00Z,basic
    D,2022-01-01T00:00:00Z,basic
    E,2022-01-01T00:00:00Z,basic
    F,2022-01-01T00:00:00Z,basic
    G,2022-01-01T00:00:00Z,basic
    H,2022-01-01T00:00:00Z,basic`,
  subscription_changes: `customer_id,effective_at,mrr
    A,2023-01-01T00:00:00Z,100
    B,2023-06-01T00:00:00Z,100
    B,2024-03-15T00:00:00Z,0
    C,2024-01-01T00:00:00Z,100
    D,2023-03-01T00:00:00Z,100
    D,2024-03-20T00:00:00Z,0
    E,2023-06-01T00:00:00Z,100
    F,2023-04-01T00:00:00Z,100
    G,2023-06-01T00:00:00Z,100
    G,2024-03-10T00:00:00Z,0
    H,2022-01-01T00:00:00Z,100`,
  feedback: `response_id,customer_id,user_id,answered_at,kind,score
    r1,A,u1,2024-02-02T10:00:00Z,nps,3
    r2,A,u1,2024-02-20T10:00:00Z,nps,10
    r3,A,u2,2024-02-05T10:00:00Z,nps,8
    r4,B,,2024-02-01T00:00:00Z,nps,5
    r5,C,,2024-03-01T01:00:00+02:00,nps,9
    r6,D,,2024-03-01T00:00:00Z,nps,2
    r7,H,,2024-01-10T00:00:00Z,nps,4
    c1,A,u1,2024-02-03T00:00:00Z,csat,5
    c2,B,,2024-02-04T00:00:00Z,csat,4
    c3,C,,2024-02-05T00:00:00Z,csat,3
    c4,C,,2024-02-06T00:00:00Z,csat,2
    c5,E,,2023-12-02T00:00:00Z,csat,5
    c6,F,,2023-12-01T23:59:59Z,csat,5`,
  checkins: `checkin_id,customer_id,occurred_at
    k1,A,2024-02-10T00:00:00Z
    k2,B,2024-02-29T20:00:00-05:00
    k3,D,2024-01-15T00:00:00Z`,
};

const PERIODS = periodsBetween('2024-01-01', '2024-03-31', 'month');
const JAN = '2024-01-01T00:00:00.000Z';
const FEB = '2024-02-01T00:00:00.000Z';
const MAR = '2024-03-01T00:00:00.000Z';

async function run(
  kpis: string[],
  opts: { by?: string; asOf?: string; minSample?: number; data?: Record<string, string> } = {},
) {
  return withSmallWarehouse(opts.data ?? DATA, (db) =>
    computeFeedbackKpis(db, {
      kpis,
      periods: PERIODS,
      grain: 'month',
      by: opts.by,
      asOf: opts.asOf ?? '2026-01-01T00:00:00.000Z',
      minSample: opts.minSample ?? 1,
      params: DEFAULT_FEEDBACK_PARAMS,
    }),
  );
}

test('NPS: each respondent’s latest answer in the period, a user when given, else the account', async () => {
  const rows = await run(['net_promoter_score'], { by: undefined });
  // February: u1 latest 10 (promoter; the 3 is superseded), u2 8 (passive), B 5 at Feb 1 00:00 (detractor),
  // C 9 at Feb 29 23:00 UTC (promoter) → 100 × (2 − 1) / 4 = 25.
  const feb = find(rows, 'net_promoter_score', FEB);
  assert.deepEqual(triple(feb), [25, 100, 4]);
  assert.equal(find(rows, 'net_promoter_score.promoter_share', FEB).value, 0.5); // 2 / 4
  assert.equal(find(rows, 'net_promoter_score.detractor_share', FEB).value, 0.25); // 1 / 4
  // March: D's 2 exactly at Mar 1 00:00 → 100 × (0 − 1) / 1 = −100.
  assert.equal(find(rows, 'net_promoter_score', MAR).value, -100);

  const byPlan = await run(['net_promoter_score'], { by: 'plan' });
  // February pro (A): u1 10, u2 8 → 100 × 1 / 2 = 50; basic: B 5, C 9 → 100 × (1 − 1) / 2 = 0.
  assert.equal(find(byPlan, 'net_promoter_score', FEB, 'pro').value, 50);
  assert.equal(find(byPlan, 'net_promoter_score', FEB, 'basic').value, 0);
});

test('CSAT: answers at or above 4 over all answers in the period; no answers: null', async () => {
  const rows = await run(['customer_satisfaction_score']);
  // February answers 5, 4, 3, 2 (every answer counts, C's two included) → 2 / 4.
  assert.deepEqual(triple(find(rows, 'customer_satisfaction_score', FEB)), [0.5, 2, 4]);
  const jan = find(rows, 'customer_satisfaction_score', JAN); // none in January → 0 / 0
  assert.deepEqual(triple(jan), [null, 0, 0]);
  assert.ok(jan.flags.includes('zero_denominator'));
});

test('feedback retention score: with feedback in the 90 days before p_start against without', async () => {
  const rows = await run(['feedback_retention_score']);
  // March: S = {A..H} (all paying on Mar 1). Lookback [Dec 2 00:00, Mar 1 00:00): A, B, C (Feb answers),
  // E (Dec 2 00:00, on the boundary), H (Jan 10). Not: D (Mar 1 00:00 is in P), F (Dec 1 23:59:59), G.
  // With {A, B, C, E, H}: kept A, C, E, H (B cancels Mar 15) → 4/5. Without {D, F, G}: kept F → 1/3.
  assert.deepEqual(triple(find(rows, 'feedback_retention_score', MAR)), [0.8, 4, 5]);
  assert.deepEqual(triple(find(rows, 'feedback_retention_score.without_feedback_retention', MAR)), [
    1 / 3,
    1,
    3,
  ]);
  close(find(rows, 'feedback_retention_score.difference', MAR).value, 0.8 - 1 / 3);

  // As of Mar 18, MRR is read at Mar 18: D's cancellation on Mar 20 is not (yet) a loss.
  // Without {D, F, G}: kept D, F → 2/3; with: B cancelled Mar 15 → still 4/5.
  const early = await run(['feedback_retention_score'], { asOf: '2024-03-18T00:00:00.000Z' });
  const without = find(early, 'feedback_retention_score.without_feedback_retention', MAR);
  assert.deepEqual(triple(without), [2 / 3, 2, 3]);
  assert.ok(without.flags.includes('incomplete_period'));
  assert.deepEqual(triple(find(early, 'feedback_retention_score', MAR)), [0.8, 4, 5]);
});

test('check-in impact: retention with a check-in minus without, in points, with a 95% interval', async () => {
  const rows = await run(['check_in_impact_score']);
  // March: with a check-in in [Dec 2, Mar 1): A (Feb 10), D (Jan 15); B's is at Mar 1 01:00 UTC, inside P.
  // With {A, D}: kept A → 1/2. Without {B, C, E, F, G, H}: kept C, E, F, H → 4/6.
  // d = 1/2 − 2/3 = −1/6 → −16.67 points; se = √(0.5 × 0.5 / 2 + (2/3)(1/3) / 6) = √0.162037 = 0.402538;
  // interval 100 × (d ± 1.96 × se) = [−95.56, 62.23].
  const d = 0.5 - 2 / 3;
  const se = Math.sqrt((0.5 * 0.5) / 2 + ((2 / 3) * (1 / 3)) / 6);
  close(find(rows, 'check_in_impact_score', MAR).value, 100 * d);
  close(find(rows, 'check_in_impact_score.interval_low', MAR).value, 100 * (d - 1.959963984540054 * se));
  close(find(rows, 'check_in_impact_score.interval_high', MAR).value, 100 * (d + 1.959963984540054 * se));
  assert.deepEqual(triple(find(rows, 'check_in_impact_score.with_checkin_retention', MAR)), [0.5, 1, 2]);
  assert.deepEqual(triple(find(rows, 'check_in_impact_score.without_checkin_retention', MAR)), [4 / 6, 4, 6]);
  // January: no check-in in [Oct 3, Jan 1): the with-group is empty → null, zero_denominator.
  for (const id of [
    'check_in_impact_score',
    'check_in_impact_score.interval_low',
    'check_in_impact_score.interval_high',
  ]) {
    const jan = find(rows, id, JAN);
    assert.equal(jan.value, null);
    assert.ok(jan.flags.includes('zero_denominator'), id);
  }
  // Two accounts in the smaller group are too few when 5 are needed.
  assert.ok(
    find(await run(['check_in_impact_score'], { minSample: 5 }), 'check_in_impact_score', MAR).flags.includes(
      'too_few',
    ),
  );
});

test('customer loyalty: active at p_end, tenure ≥ 12 months, latest NPS not a detractor', async () => {
  const rows = await run(['customer_loyalty']);
  // March (p_end Apr 1): active A, C, E, F, H. Tenure ≥ 12 months: A, F (exactly Apr 1 2023 → Apr 1 2024),
  // H; not C, E. H's latest NPS is 4 (detractor); A's is u1's 10 (the earlier 3 is superseded) → {A, F} = 2/5.
  assert.deepEqual(triple(find(rows, 'customer_loyalty', MAR)), [0.4, 2, 5]);
  // February (p_end Mar 1): all 8 active. Tenure: A, D (exactly Mar 1 2023), H. D's answer at Mar 1 00:00
  // is not before p_end (no answer: not a detractor); H is a detractor → {A, D} = 2/8.
  assert.deepEqual(triple(find(rows, 'customer_loyalty', FEB)), [0.25, 2, 8]);
});

test('without feedback or check-ins: survey and touchpoint KPIs are no_data; loyalty still counts', async () => {
  const data = { customers: DATA.customers, subscription_changes: DATA.subscription_changes };
  const rows = await run([...FEEDBACK_KPIS], { data });
  for (const id of [
    'net_promoter_score',
    'net_promoter_score.promoter_share',
    'customer_satisfaction_score',
    'feedback_retention_score',
    'feedback_retention_score.difference',
    'check_in_impact_score',
    'check_in_impact_score.interval_high',
  ]) {
    assert.deepEqual(find(rows, id, MAR).flags, ['no_data'], id);
  }
  // March: active A, C, E, F, H; tenure A, F, H; no answers → none is a detractor → 3/5.
  assert.deepEqual(triple(find(rows, 'customer_loyalty', MAR)), [0.6, 3, 5]);
});
