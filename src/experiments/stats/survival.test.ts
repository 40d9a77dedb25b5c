// Survival outcomes against survRM2's vignette (Uno et al., "survRM2: Comparing Restricted Mean Survival
// Time", CRAN): rmst2(time, status, arm, tau = 10) on rmst2.sample.data(), the 312 randomised patients of the
// Mayo Clinic PBC trial (survival::pbc rows 1–312; time in years = days/365.25; status 2 = death, transplant
// censored; arm 1 = D-penicillamine). Printed there: RMST (arm=1) 7.146, se 0.283, 6.592 to 7.701;
// RMST (arm=0) 7.283, se 0.295, 6.704 to 7.863; difference −0.137 (−0.939 to 0.665), p 0.738; ratio 0.981
// (0.878 to 1.096), p 0.738. The same data's log-rank test, survival::survdiff(Surv(time, status == 2) ~ trt):
// observed 65 and 60, expected 63.2 and 61.8, chi-square 0.1 on 1 df, p = 0.7. The data are in
// test/fixtures/experiments/pbc-randomised.csv (days, status, trt).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { countByTime, kaplanMeier, type Observation } from '../../models/kaplan-meier.ts';
import { compareSurvival, rmstDifference } from './survival.ts';

const close = (actual: number | undefined, expected: number, tol: number, what = '') =>
  assert.ok(
    actual !== undefined && Math.abs(actual - expected) <= tol,
    `${what} ${actual} is not within ${tol} of ${expected}`,
  );

function pbcArms(): { placebo: Observation[]; penicillamine: Observation[] } {
  const text = readFileSync(
    new URL('../../../test/fixtures/experiments/pbc-randomised.csv', import.meta.url),
    'utf8',
  );
  const arms = { placebo: [] as Observation[], penicillamine: [] as Observation[] };
  for (const line of text.trim().split('\n').slice(1)) {
    const [days, status, trt] = line.split(',').map(Number) as [number, number, number];
    (trt === 1 ? arms.penicillamine : arms.placebo).push({ duration: days / 365.25, event: status === 2 });
  }
  return arms;
}

test("RMST to 10 years on the PBC trial reproduces survRM2's vignette", () => {
  const { placebo, penicillamine } = pbcArms();
  assert.equal(placebo.length + penicillamine.length, 312);
  const result = compareSurvival(
    [
      { name: 'placebo', counts: countByTime(placebo) },
      { name: 'D-penicillamine', counts: countByTime(penicillamine) },
    ],
    10,
  );
  const [p0, p1] = result.arms;
  close(p1?.rmst.rmst, 7.146, 0.0005, 'RMST arm 1');
  close(p1?.rmst.standardError, 0.283, 0.0005, 'se arm 1');
  close(p1?.rmst.ci[0], 6.592, 0.0005);
  close(p1?.rmst.ci[1], 7.701, 0.0005);
  close(p0?.rmst.rmst, 7.283, 0.0005, 'RMST arm 0');
  close(p0?.rmst.standardError, 0.295, 0.0005, 'se arm 0');
  close(p0?.rmst.ci[0], 6.704, 0.0005);
  close(p0?.rmst.ci[1], 7.863, 0.0005);
  const d = result.rmst[0];
  close(d?.difference, -0.137, 0.0005, 'difference');
  close(d?.ci[0], -0.939, 0.0005);
  close(d?.ci[1], 0.665, 0.0005);
  close(d?.pValue, 0.738, 0.0005, 'p');
  close(d?.ratio, 0.981, 0.0005, 'ratio');
  close(d?.ratioCi[0], 0.878, 0.0005);
  close(d?.ratioCi[1], 1.096, 0.0005);
  close(d?.ratioPValue, 0.738, 0.0005);
  // More digits from rmst1's algorithm re-run in Python on the same file: 7.146492996298781 ± 0.2827748495633,
  // 7.28341576116826 ± 0.2954780922356, difference p = 0.737786087538581.
  close(p1?.rmst.rmst, 7.146492996298781, 1e-9);
  close(p1?.rmst.standardError, 0.2827748495633, 1e-9);
  close(d?.pValue, 0.737786087538581, 1e-9);
  // survdiff: O 60 / E 61.78 for placebo, chi-square 0.1017 on 1 df, p 0.750.
  const lr = result.logRank;
  assert.deepEqual(
    lr.groups.map((g) => [g.group, g.n, g.observed]),
    [
      ['placebo', 154, 60],
      ['D-penicillamine', 158, 65],
    ],
  );
  close(lr.groups[1]?.expected, 63.2, 0.05);
  close(lr.chiSquare, 0.1017, 0.00005);
  close(lr.pValue, 0.7498, 0.00005);
  assert.ok(result.arms[0]?.curve.steps.length);
});

test('a small RMST difference by hand', () => {
  // Control: events at 2 and 4 → S = 1 on [0, 2), ½ on [2, 4): RMST(4) = 2 + ½·2 = 3; Var = A(2)²·d/(n(n−d))
  // = 1²·1/(2·1) = ½ (the event at 4 leaves no one at risk and adds nothing).
  // Treatment: events at 1 and 3, censored at 5 → S = 1, ⅔ from 1, ⅓ from 3: RMST(4) = 1 + 2·⅔ + ⅓ = 8/3;
  // Var = (5/3)²·1/(3·2) + (1/3)²·1/(2·1) = 25/54 + 3/54 = 14/27.
  const control = kaplanMeier([
    { duration: 2, event: true },
    { duration: 4, event: true },
  ]);
  const treatment = kaplanMeier([
    { duration: 1, event: true },
    { duration: 3, event: true },
    { duration: 5, event: false },
  ]);
  const d = rmstDifference(control, treatment, 4);
  close(d.difference, 8 / 3 - 3, 1e-14);
  close(d.se, Math.sqrt(0.5 + 14 / 27), 1e-14);
  close(d.ci[1], -1 / 3 + 1.959963984540054 * Math.sqrt(55 / 54), 1e-8);
  close(d.ratio, 8 / 9, 1e-14);
});

test('τ beyond what every arm has followed is refused', () => {
  const arms = [
    { name: 'a', counts: [{ time: 30, events: 1, censored: 1 }] },
    { name: 'b', counts: [{ time: 20, events: 1, censored: 2 }] },
  ];
  assert.throws(() => compareSurvival(arms, 25), /at most 20/);
  assert.throws(() => compareSurvival(arms, 0), /τ must be > 0/);
  assert.equal(compareSurvival(arms, 20).rmst.length, 1);
});
