import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeRows, learnDesign } from './design.ts';
import { topDrivers } from './drivers.ts';
import type { FeatureRow } from './features-sql.ts';

const row = (over: Partial<FeatureRow>): FeatureRow => ({
  snapshot_day: 20000,
  customer_id: 'c1',
  mrr: 100,
  plan: 'starter',
  channel: 'organic',
  tenure_days: 300,
  events_30d: 10,
  events_prev_30d: 10,
  active_days_30d: 5,
  key_actions_30d: 2,
  features_30d: 1,
  activated: 1,
  nps: null,
  csat: 4,
  contractions_90d: 0,
  checkins_90d: 0,
  churned: 0,
  ...over,
});

test('the design standardises with training means and SDs, imputes answers and one-hot encodes levels', () => {
  const rows = [
    row({ plan: 'starter', nps: 8, events_30d: 0 }),
    row({ plan: 'starter', nps: null, events_30d: 0 }),
    row({ plan: 'growth', nps: 4, events_30d: 0 }),
  ];
  const design = learnDesign(rows);
  // starter is the commonest plan, so the reference; growth gets a column. Constant columns drop out.
  assert.deepEqual(design.levels.plan, ['starter', 'growth']);
  assert.deepEqual(
    design.columns.map((c) => c.name),
    ['nps', 'nps_missing', 'plan:growth'],
  );
  // NPS: answered 8 and 4, so a missing answer counts as their mean 6. Values 8, 6, 4: mean 6,
  // population SD √((4 + 0 + 4) / 3) = 1.6329932.
  assert.equal(design.imputed.nps, 6);
  const nps = design.columns[0];
  assert.equal(nps?.mean, 6);
  assert.ok(Math.abs((nps?.sd ?? 0) - 1.6329932) < 1e-7);
  const x = encodeRows([row({ plan: 'growth', nps: 9 }), row({ plan: 'enterprise', nps: null })], design);
  // (9 − 6) / 1.6329932 = 1.8371173. plan:growth has mean 1/3 and SD √(1/3 − 1/9) = 0.4714045, so growth
  // is (1 − 1/3) / 0.4714045 = 1.4142136 = √2, and an unseen plan (enterprise, pooled as other) counts as 0:
  // (0 − 1/3) / 0.4714045 = −0.7071068 = −1/√2.
  const expected = [1.8371173, (0 - 1 / 3) / Math.sqrt(2 / 9), Math.SQRT2, 0, Math.SQRT2, -Math.SQRT1_2];
  x.forEach((v, i) => {
    if (i === 1 || i === 4) return; // the missing indicator's values are checked by the formula below
    assert.ok(Math.abs(v - (expected[i] as number)) < 1e-6, `x[${i}] = ${v}`);
  });
  // nps_missing: values 0, 1, 0 → mean 1/3, SD √(2/9); the second row is missing: (1 − 1/3) / √(2/9).
  assert.ok(Math.abs((x[4] as number) - (1 - 1 / 3) / Math.sqrt(2 / 9)) < 1e-12);
});

test('drivers add up the columns of one variable and name the largest that raise the risk', () => {
  const r = row({ events_30d: 4, events_prev_30d: 10, active_days_30d: 2, checkins_90d: 0, plan: 'starter' });
  const drivers = topDrivers(r, [
    { group: 'usage_trend', value: 0.5 },
    { group: 'plan', value: 0.3 },
    { group: 'plan', value: 0.1 },
    { group: 'checked_in_90d', value: 0.45 },
    { group: 'usage_level', value: 0.2 },
    { group: 'activated', value: -0.9 },
  ]);
  // usage_trend 0.5 > checked_in_90d 0.45 > plan 0.3 + 0.1 = 0.4 > usage_level 0.2; activated lowers it.
  // Usage went from 10 to 4 events: 4 / 10 − 1 = −60%.
  assert.deepEqual(
    drivers.map((d) => [d.feature, Number(d.contribution.toFixed(10)), d.text]),
    [
      ['usage_trend', 0.5, 'usage down 60% vs previous 30 days'],
      ['checked_in_90d', 0.45, 'no check-in in 90 days'],
      ['plan', 0.4, 'plan starter'],
    ],
  );
});
