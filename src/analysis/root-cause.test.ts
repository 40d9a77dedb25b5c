import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withSmallWarehouse } from '../../test/support/small-warehouse.ts';
import { parseProjectFile } from '../catalog/project-file.ts';
import { rootCause } from './root-cause.ts';

// Activation milestone completion counts each period's own signups: the milestone is `done` within 14 days.
//   January signups: A (pro, done), B (pro, not), C (starter, done), D (starter, not)      → 2/4 = 0.5
//   February signups: E (pro, done), F (starter, done), G (starter, not), H (team, done)  → 3/4 = 0.75
// Change = 0.25.
// By signup_cohort January holds only cohort 2024-01 and February only 2024-02: no segment on both sides,
// so the dimension is fixed by the period (a "mix effect" of cohorts would be meaningless).
// By plan (w = share of the period's signups, r = rate):
//   pro:     P w 2/4 r 1/2; Q w 1/4 r 1.  rate ½(0.5+0.25)(1−0.5) = 0.1875, mix ½(0.5+1)(0.25−0.5) = −0.1875,
//            contribution 0, excess 0 − ½(0.5+0.25)·0.25 = −0.09375
//   starter: P w 2/4 r 1/2; Q w 2/4 r 1/2. contribution 0, excess 0 − 0.5·0.25 = −0.125
//   team:    Q only, w 1/4 r 1 (its rate stands for both sides): rate 0, mix ½(1+1)(0.25−0) = 0.25,
//            excess 0.25 − ½(0+0.25)·0.25 = 0.21875 — the largest, but team exists in February only.
//   Σ contributions = 0.25 = the change.
// Ranked: only segments on both sides in the change's direction (+): pro and starter are negative, team
// is not on both sides, the one-segment dimensions explain nothing beyond their size: nothing is ranked.
const DATA = {
  customers: `customer_id,signed_up_at,plan
    A,2024-01-03T10:00:00Z,pro
    B,2024-01-04T10:00:00Z,pro
    C,2024-01-05T10:00:00Z,starter
    D,2024-01-06T10:00:00Z,starter
    E,2024-02-03T10:00:00Z,pro
    F,2024-02-04T10:00:00Z,starter
    G,2024-02-05T10:00:00Z,starter
    H,2024-02-06T10:00:00Z,team`,
  events: `event_id,customer_id,occurred_at,name
    a,A,2024-01-05T10:00:00Z,done
    b,B,2024-01-04T11:00:00Z,login
    c,C,2024-01-10T10:00:00Z,done
    d,D,2024-01-06T11:00:00Z,login
    e,E,2024-02-04T10:00:00Z,done
    f,F,2024-02-10T10:00:00Z,done
    g,G,2024-02-05T11:00:00Z,login
    h,H,2024-02-07T10:00:00Z,done
    z,A,2024-04-01T10:00:00Z,login`,
};

const CATALOG = parseProjectFile(
  'kpis:\n  activation_milestone_completion:\n    params: { activation_milestones: [done], activation_window_days: 14 }\n',
  'tenure.yaml',
).definitions;

test('a dimension the period determines is not split; only segments on both sides are ranked', async () => {
  const why = await withSmallWarehouse(DATA, (db) =>
    rootCause(db, {
      kpi: 'activation_milestone_completion',
      grain: 'month',
      from: '2024-01-01',
      to: '2024-02-01',
      dimensions: ['plan', 'signup_cohort'],
      catalog: CATALOG,
    }),
  );
  assert.equal(why.before?.value, 0.5);
  assert.equal(why.after?.value, 0.75);
  assert.equal(why.change, 0.25);

  const cohort = why.dimensions.find((d) => d.dimension === 'signup_cohort');
  assert.equal(cohort?.kind, 'fixed_by_period');
  assert.equal(cohort?.explained, null);

  const plan = why.dimensions.find((d) => d.dimension === 'plan');
  assert.equal(plan?.kind, 'ratio');
  assert.equal(plan?.explained, 0.25);
  const bySegment = Object.fromEntries(
    (plan?.segments ?? []).map((c) => [c.segment, [c.rate_effect, c.mix_effect, c.excess, c.on_both_sides]]),
  );
  assert.deepEqual(bySegment, {
    pro: [0.1875, -0.1875, -0.09375, true],
    starter: [0, 0, -0.125, true],
    team: [0, 0.25, 0.21875, false],
  });
  assert.deepEqual(why.top, []);
});
