// The log-binomial discrete-time hazard model: a saturated design against its closed form, aliased
// columns left out, and recovery of known hazards from seeded draws.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitDiscreteHazard, type HazardCell } from './discrete-hazard.ts';
import { seededRng } from './test-samplers.ts';

const close = (actual: number, expected: number, tol: number, what = '') =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what} ${actual} is not within ${tol} of ${expected}`);

const cell = (covariates: Record<string, string>, atRisk: number, events: number): HazardCell => ({
  covariates,
  atRisk,
  events,
});

test('a saturated design gives the crude hazards, their ratio and the delta-method error', () => {
  // Untreated: 50 churns in 1000 decisions (h = 0.05); treated: 24 in 800 (h = 0.03). The MLE of a
  // saturated model is the crude rates: base 0.05, multiplier 0.03/0.05 = 0.6. Var(ln ĥ) = (1 − h)/(n·h),
  // so SE(ln 0.6) = √(0.95/50 + 0.97/24) = √0.0594167 = 0.243756; the 95% interval is
  // 0.6·e^(±1.959964·0.243756) = 0.6·e^(±0.477755) = 0.37210 to 0.96747.
  const fit = fitDiscreteHazard(
    [cell({ plan: 'a', treated: 'no' }, 1000, 50), cell({ plan: 'a', treated: 'yes' }, 800, 24)],
    { stratum: 'plan', factors: [{ name: 'treated', reference: 'no' }] },
  );
  assert.ok(fit.converged);
  close(fit.baseHazards[0]?.estimate ?? 0, 0.05, 1e-9, 'base');
  const m = fit.multipliers[0];
  assert.equal(m?.term, 'treated=yes');
  close(m?.estimate ?? 0, 0.6, 1e-9, 'multiplier');
  close(m?.logStandardError ?? 0, 0.243756, 1e-6, 'SE');
  close(m?.lower ?? 0, 0.3721, 1e-5, 'lower');
  close(m?.upper ?? 0, 0.96747, 1e-5, 'upper');
  // ln L = 50·ln 0.05 + 950·ln 0.95 + 24·ln 0.03 + 776·ln 0.97:
  // 50·(−2.995732) + 950·(−0.051293) = −149.7866 − 48.7286 = −198.5152; 24·(−3.506558) + 776·(−0.030459)
  // = −84.1574 − 23.6362 = −107.7936; total −306.3088.
  close(fit.logLikelihood, -306.3088, 0.001, 'log-likelihood');
  assert.equal(fit.decisions, 1800);
  assert.equal(fit.events, 74);
});

test('a covariate that names the same decisions as another is aliased and left out', () => {
  // `channel=referral` and `referred=yes` hold the same cells: only the first in order is estimated.
  const cells = [
    cell({ plan: 'a', referred: 'no', channel: 'organic' }, 1000, 50),
    cell({ plan: 'a', referred: 'yes', channel: 'referral' }, 500, 15),
    cell({ plan: 'a', referred: 'no', channel: 'paid' }, 700, 42),
  ];
  const fit = fitDiscreteHazard(cells, {
    stratum: 'plan',
    factors: [
      { name: 'referred', reference: 'no' },
      { name: 'channel', reference: 'organic' },
    ],
  });
  assert.deepEqual(fit.aliased, ['channel=referral']);
  // Saturated again: referred 0.03/0.05 = 0.6, paid 0.06/0.05 = 1.2.
  close(fit.multipliers.find((m) => m.term === 'referred=yes')?.estimate ?? 0, 0.6, 1e-9);
  close(fit.multipliers.find((m) => m.term === 'channel=paid')?.estimate ?? 0, 1.2, 1e-9);
});

test('hazards drawn from known base rates and multipliers are recovered within 99% intervals', () => {
  // 3 strata × 2 binary factors, 20,000 decisions per cell, churn drawn with h = base × m1^a × m2^b.
  const rng = seededRng(7);
  const base: Record<string, number> = { s: 0.05, g: 0.03, e: 0.015 };
  const m1 = 0.6;
  const m2 = 1.3;
  const cells: HazardCell[] = [];
  for (const [plan, h0] of Object.entries(base)) {
    for (const a of [0, 1]) {
      for (const b of [0, 1]) {
        const h = h0 * m1 ** a * m2 ** b;
        let events = 0;
        for (let i = 0; i < 20_000; i++) if (rng.float() < h) events++;
        cells.push(cell({ plan, a: String(a), b: String(b) }, 20_000, events));
      }
    }
  }
  const fit = fitDiscreteHazard(cells, {
    stratum: 'plan',
    factors: [
      { name: 'a', reference: '0' },
      { name: 'b', reference: '0' },
    ],
    level: 0.99,
  });
  assert.ok(fit.converged);
  const truth: Record<string, number> = {
    'plan=s': 0.05,
    'plan=g': 0.03,
    'plan=e': 0.015,
    'a=1': m1,
    'b=1': m2,
  };
  for (const e of [...fit.baseHazards, ...fit.multipliers]) {
    const t = truth[e.term] as number;
    assert.ok(e.lower <= t && t <= e.upper, `${e.term}: ${t} outside [${e.lower}, ${e.upper}]`);
  }
});

test('bad cells are refused with the field named', () => {
  const spec = { stratum: 'plan', factors: [] };
  assert.throws(() => fitDiscreteHazard([], spec), /no cells/);
  assert.throws(() => fitDiscreteHazard([cell({ plan: 'a' }, 10, 11)], spec), /cells\[0\]\.events/);
  assert.throws(() => fitDiscreteHazard([cell({ plan: 'a' }, -1, 0)], spec), /cells\[0\]\.atRisk/);
  assert.throws(() => fitDiscreteHazard([cell({}, 10, 1)], spec), /no value for covariate 'plan'/);
  assert.throws(() => fitDiscreteHazard([cell({ plan: 'a' }, 10, 0)], spec), /no decision ended in a churn/);
  assert.throws(
    () =>
      fitDiscreteHazard([cell({ plan: 'a', t: 'x' }, 10, 1)], {
        stratum: 'plan',
        factors: [{ name: 't', reference: 'y' }],
      }),
    /reference level 'y' of 't'/,
  );
});
