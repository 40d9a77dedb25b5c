import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../synth/random.ts';
import { detectAnomalies, normalQuantile, runLength, type SeriesPoint, thresholds } from './anomaly.ts';

test('the normal quantile matches the tables: Φ⁻¹(0.975) = 1.959964, Φ⁻¹(0.999) = 3.090232, Φ⁻¹(0.5) = 0', () => {
  assert.ok(Math.abs(normalQuantile(0.975) - 1.959964) < 1e-6);
  assert.ok(Math.abs(normalQuantile(0.999) - 3.090232) < 1e-6);
  assert.ok(Math.abs(normalQuantile(0.001) + 3.090232) < 1e-6);
  assert.equal(normalQuantile(0.5), 0);
});

test('thresholds: one false alarm a year over 12 monthly points → 1/24 per rule and point, two-sided', () => {
  // Φ⁻¹(1 − 1/48) = 2.0375…, widened by 18% (2.4043…).
  assert.ok(Math.abs(thresholds({ pointsPerYear: 12 }).point - normalQuantile(1 - 1 / 48) * 1.18) < 1e-12);
  assert.ok(Math.abs(thresholds({ pointsPerYear: 12 }).point - 2.4043) < 1e-3);
});

const noisy = (n: number, seed: number, at?: { index: number; add: number }): SeriesPoint[] => {
  const rng = Rng.stream(seed, 2, 0);
  return Array.from({ length: n }, (_, t) => ({
    period_start: `p${t}`,
    value: 50 + rng.normal() + (at && t === at.index ? at.add : 0),
  }));
};

test('a spike of 8 sd in a weekly series is found at its point, with the interval that excluded it', () => {
  const found = detectAnomalies(noisy(80, 3, { index: 60, add: 8 }), { pointsPerYear: 52 });
  const spike = found.find((a) => a.index === 60);
  assert.ok(spike, JSON.stringify(found));
  assert.equal(spike.rule, 'point');
  assert.ok(spike.value > spike.upper && spike.expected > 48 && spike.expected < 52);
});

test('a level shift of 4 sd is found within three points of its start', () => {
  const series = noisy(80, 5).map((p, t) => ({ ...p, value: (p.value ?? 0) + (t >= 50 ? 4 : 0) }));
  const found = detectAnomalies(series, { pointsPerYear: 52 });
  assert.ok(
    found.some((a) => a.index >= 50 && a.index <= 52),
    JSON.stringify(found.map((a) => a.index)),
  );
});

test('sample size: a 40% → 30% move is noise for 20 customers, an alarm for 20,000', () => {
  // History flat at 0.4 ± 0.005; the last month 0.30. With n = 20, √(0.4·0.6/20) = 0.11: a 0.9 sd move.
  // With n = 20,000 the sampling sd is 0.0035 and the history's spread (0.005) rules: a 20 sd move.
  const series = (n: number): SeriesPoint[] =>
    Array.from({ length: 30 }, (_, t) => ({
      period_start: `m${t}`,
      value: t === 29 ? 0.3 : 0.4 + (t % 2 ? 0.005 : -0.005),
      n,
    }));
  const opts = { pointsPerYear: 12, proportion: true };
  assert.deepEqual(detectAnomalies(series(20), opts), []);
  assert.deepEqual(
    detectAnomalies(series(20_000), opts).map((a) => a.index),
    [29],
  );
});

test('missing values and a flat history neither crash nor produce NaN', () => {
  const series: SeriesPoint[] = Array.from({ length: 20 }, (_, t) => ({
    period_start: `m${t}`,
    value: t === 5 ? null : t === 19 ? 2 : 1,
  }));
  const found = detectAnomalies(series, { pointsPerYear: 12 });
  assert.deepEqual(
    found.map((a) => a.index),
    [19],
  );
  assert.ok(found.every((a) => Number.isFinite(a.score) && Number.isFinite(a.lower)));
});

test('a steady trend is not an anomaly: MRR growing 3% a month raises nothing; a 15% fall does', () => {
  // Bounded wiggles (±0.4%) instead of random noise: no draw is an outlier in its own right.
  const series = Array.from({ length: 36 }, (_, t) => ({
    period_start: `m${t}`,
    value: 100_000 * 1.03 ** t * (1 + 0.004 * Math.sin(2.3 * t)),
  }));
  assert.deepEqual(detectAnomalies(series, { pointsPerYear: 12, log: true }), []);
  // …while the month it falls by 15% is one.
  const fall = series.map((p, t) => (t === 35 ? { ...p, value: p.value * 0.85 } : p));
  assert.ok(detectAnomalies(fall, { pointsPerYear: 12, log: true }).some((a) => a.index === 35));
});

test('the run rule: a week of daily points, a month of weekly ones, a quarter of monthly ones; one alarm per excursion', () => {
  assert.equal(runLength({ pointsPerYear: 365 }), 7);
  assert.equal(runLength({ pointsPerYear: 52 }), 4);
  assert.equal(runLength({ pointsPerYear: 12 }), 3);
  assert.equal(runLength({ pointsPerYear: 12, runLength: 5 }), 5);
  // A daily series with a weekly cycle and a 3-sd shift at day 300: the run rule fires within the week,
  // and not again on the days right after (they are the same news).
  const rng = Rng.stream(4, 2, 0);
  const series = Array.from({ length: 330 }, (_, t) => ({
    period_start: `d${t}`,
    value: 100 + 4 * Math.sin((2 * Math.PI * t) / 7) + rng.normal() + (t >= 300 ? 3 : 0),
  }));
  const runs = detectAnomalies(series, { pointsPerYear: 365, season: 7 }).filter(
    (a) => a.rule === 'run' && a.index >= 300,
  );
  assert.ok(runs.length > 0 && (runs[0]?.index ?? 0) < 307, JSON.stringify(runs.map((r) => r.index)));
  for (let k = 1; k < runs.length; k++)
    assert.ok((runs[k]?.index ?? 0) - (runs[k - 1]?.index ?? 0) >= 7, 'alarms of one run are ≥ 7 days apart');
});
