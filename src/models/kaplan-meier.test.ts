// Kaplan–Meier and the log-rank test on the remission times of Freireich et al. (1963), "The effect of
// 6-mercaptopurine on the duration of steroid-induced remissions in acute leukemia", Blood 21: 699–716, as
// tabulated in Kleinbaum & Klein (2012), "Survival analysis: a self-learning text", 3rd ed., ch. 2: the 6-MP
// group's S(t) = 0.857, 0.807, 0.753, 0.690, 0.627, 0.538, 0.448 at t = 6, 7, 10, 13, 16, 22, 23, and the
// log-rank statistic 16.79 on 1 df. Greenwood errors and log-scale intervals as R's survival::survfit prints
// them for the same data (std.err 0.0764 … 0.1346; 95% CI at t = 23: 0.249 to 0.807).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  countByTime,
  kaplanMeier,
  kaplanMeierFromCounts,
  type Observation,
  restrictedMean,
  survivalAt,
} from './kaplan-meier.ts';
import { logRankFromCounts, logRankTest } from './log-rank.ts';
import { seededRng } from './test-samplers.ts';

const close = (actual: number, expected: number, tol: number, what = '') =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what} ${actual} is not within ${tol} of ${expected}`);

const PLACEBO: Observation[] = [1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23].map(
  (d) => ({
    duration: d,
    event: true,
  }),
);
const SIX_MP: Observation[] = '6 6 6 6+ 7 9+ 10 10+ 11+ 13 16 17+ 19+ 20+ 22 23 25+ 32+ 32+ 34+ 35+'
  .split(' ')
  .map((s) => ({ duration: Number.parseFloat(s), event: !s.endsWith('+') }));

test('Kaplan–Meier reproduces the published 6-MP survival with Greenwood errors', () => {
  const km = kaplanMeier(SIX_MP, { scale: 'log' });
  const published: [number, number, number][] = [
    [6, 0.857, 0.0764],
    [7, 0.807, 0.0869],
    [10, 0.753, 0.0963],
    [13, 0.69, 0.1068],
    [16, 0.627, 0.1141],
    [22, 0.538, 0.1282],
    [23, 0.448, 0.1346],
  ];
  for (const [t, s, se] of published) {
    const step = km.steps.find((x) => x.time === t);
    assert.ok(step, `no step at ${t}`);
    close(step.survival, s, 0.0005, `S(${t})`);
    close(step.standardError, se, 0.00005, `SE(${t})`);
  }
  const last = km.steps.find((x) => x.time === 23);
  close(last?.lower ?? 0, 0.249, 0.0005, 'lower');
  close(last?.upper ?? 0, 0.807, 0.0005, 'upper');
  assert.equal(km.median, 23);
  assert.equal(km.events, 9);
  assert.equal(survivalAt(km, 5.9), 1);
  close(survivalAt(km, 8), 0.807, 0.0005);
  // By hand: S(6) = 18/21; Greenwood SE = S·√(3/(21·18)) = 0.0764.
  close(km.steps[0]?.survival ?? 0, 18 / 21, 1e-15);
});

test('log-log intervals stay inside [0, 1] and contain the estimate', () => {
  const km = kaplanMeier(SIX_MP);
  for (const s of km.steps) {
    assert.ok(
      s.lower >= 0 && s.upper <= 1 && s.lower <= s.survival && s.survival <= s.upper,
      JSON.stringify(s),
    );
  }
});

test('the log-rank test of 6-MP against placebo gives 16.79 on 1 df', () => {
  const lr = logRankTest(
    new Map([
      ['6-MP', SIX_MP],
      ['placebo', PLACEBO],
    ]),
  );
  close(lr.chiSquare, 16.79, 0.005, 'chi-square');
  assert.equal(lr.df, 1);
  assert.ok(lr.pValue < 1e-4 && lr.pValue > 1e-5);
  // Observed 9 and 21 events; expected 19.25 and 10.75 (Kleinbaum & Klein, ch. 2).
  close(lr.groups[0]?.expected ?? 0, 19.25, 0.005);
  close(lr.groups[1]?.expected ?? 0, 10.75, 0.005);
  assert.equal(lr.groups[0]?.observed, 9);
});

test('with three groups the test has 2 df; identical groups give a statistic near 0', () => {
  const lr = logRankTest(
    new Map([
      ['a', SIX_MP],
      ['b', PLACEBO],
      ['c', SIX_MP],
    ]),
  );
  assert.equal(lr.df, 2);
  assert.ok(lr.chiSquare > 16);
  const same = logRankTest(
    new Map([
      ['a', SIX_MP],
      ['b', SIX_MP],
    ]),
  );
  close(same.chiSquare, 0, 1e-12);
  close(same.pValue, 1, 1e-12);
});

test('RMST is the area under the curve to the horizon', () => {
  // Placebo to 23 (everyone has the event): the mean of the durations, 182/21 = 8.667.
  const placebo = restrictedMean(kaplanMeier(PLACEBO), 23);
  close(placebo.rmst, 182 / 21, 1e-12);
  // 6-MP to 10, by hand: 6·1 + 1·(18/21) + 3·0.8067 = 9.2773.
  const early = restrictedMean(kaplanMeier(SIX_MP), 10);
  close(early.rmst, 6 + 18 / 21 + 3 * (18 / 21) * (16 / 17), 1e-12);
  const full = restrictedMean(kaplanMeier(SIX_MP), 35);
  close(full.rmst, 23.287, 0.0005, 'RMST to 35');
  assert.ok(full.standardError > 0);
});

test('bad input is refused', () => {
  assert.throws(() => kaplanMeier([]), /no durations/);
  assert.throws(() => kaplanMeier([{ duration: -1, event: true }]), /not a number ≥ 0/);
  assert.throws(() => logRankTest(new Map([['a', SIX_MP]])), /at least 2 groups/);
  const censored = SIX_MP.map((o) => ({ ...o, event: false }));
  assert.throws(
    () =>
      logRankTest(
        new Map([
          ['a', censored],
          ['b', censored],
        ]),
      ),
    /no events in any group/,
  );
});

test('on simulated exponential lifetimes with censoring, the 95% intervals cover the true survival', () => {
  // Lifetimes ~ Exp(mean 10), censored at Exp(mean 20) or at 30: true S(t) = e^(−t/10).
  const rng = seededRng(21);
  const observations: Observation[] = Array.from({ length: 2000 }, () => {
    const life = -10 * Math.log(1 - rng.float());
    const censor = Math.min(30, -20 * Math.log(1 - rng.float()));
    return { duration: Math.min(life, censor), event: life <= censor };
  });
  const km = kaplanMeier(observations);
  let covered = 0;
  const checks = [2, 5, 10, 15, 20];
  for (const t of checks) {
    const step = [...km.steps].reverse().find((s) => s.time <= t) as (typeof km.steps)[number];
    if (step.lower <= Math.exp(-t / 10) && Math.exp(-t / 10) <= step.upper) covered++;
  }
  assert.ok(covered >= checks.length - 1, `${covered} of ${checks.length} covered`);
  // RMST to 20 against ∫₀²⁰ e^(−t/10) dt = 10(1 − e^(−2)) = 8.647, within 3 standard errors.
  const r = restrictedMean(km, 20);
  assert.ok(
    Math.abs(r.rmst - 10 * (1 - Math.exp(-2))) < 3 * r.standardError,
    `${r.rmst} ± ${r.standardError}`,
  );
});

test('counts per time give the same curve and log-rank test as the observations they summarise', () => {
  // 6-MP as the warehouse would hand it over: one row per (time, events, censored), unordered, with time
  // 6 split over two rows (3 events; 1 censored) — the curve must still be 18/21 at 6.
  const counts = countByTime(SIX_MP).reverse();
  const six = counts.findIndex((c) => c.time === 6);
  counts.splice(six, 1, { time: 6, events: 3, censored: 0 }, { time: 6, events: 0, censored: 1 });
  const fromCounts = kaplanMeierFromCounts(counts, { scale: 'log' });
  assert.deepEqual(fromCounts, kaplanMeier(SIX_MP, { scale: 'log' }));
  close(fromCounts.steps[0]?.survival ?? 0, 18 / 21, 1e-15);
  const lr = logRankFromCounts(
    new Map([
      ['6-MP', counts],
      ['placebo', countByTime(PLACEBO)],
    ]),
  );
  // Kleinbaum & Klein's 16.79 again, and the group sizes 21 and 21.
  close(lr.chiSquare, 16.79, 0.005, 'chi-square');
  assert.deepEqual(
    lr.groups.map((g) => g.n),
    [21, 21],
  );
  assert.throws(
    () => kaplanMeierFromCounts([{ time: 1, events: 1.5, censored: 0 }]),
    /counts\[0\]\.events is not a whole number/,
  );
  assert.throws(() => kaplanMeierFromCounts([{ time: 1, events: 0, censored: 0 }]), /no counts/);
});
