// The building blocks: seeded streams, samplers with the right means, calendar arithmetic and timestamp
// formatting that agree with Date (and with SQL's month arithmetic).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Categorical, Rng } from './random.ts';
import { addMonths, Clock, civilFromDays, DAY, daysFromCivil, parseDate } from './time.ts';

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const draws = (n: number, f: () => number) => Array.from({ length: n }, f);

test('a stream is a pure function of (seed, stream, index), and neighbours differ', () => {
  const a = Rng.stream(1, 2, 3);
  const b = Rng.stream(1, 2, 3);
  const first = draws(5, () => a.float());
  assert.deepEqual(
    draws(5, () => b.float()),
    first,
  );
  assert.notDeepEqual(
    draws(5, () => Rng.stream(1, 2, 4).float()),
    first,
  );
  assert.notDeepEqual(
    draws(5, () => Rng.stream(2, 2, 3).float()),
    first,
  );
  assert.ok(first.every((x) => x >= 0 && x < 1));
});

test('samplers have the means they promise', () => {
  const rng = Rng.stream(9, 9, 9);
  const n = 40000;
  // Standard errors: uniform 0.29/√n ≈ 0.0014; exponential mean 2: 2/√n = 0.01; the rest similar or smaller.
  assert.ok(Math.abs(mean(draws(n, () => rng.float())) - 0.5) < 0.01);
  assert.ok(Math.abs(mean(draws(n, () => rng.exponential(2))) - 2) < 0.06);
  assert.ok(Math.abs(mean(draws(n, () => rng.normal()))) < 0.03);
  assert.ok(Math.abs(mean(draws(n, () => rng.lognormal(3, 0.5))) - 3) < 0.05);
  assert.ok(Math.abs(mean(draws(n, () => rng.geometric(0.25))) - 3) < 0.1); // mean (1 − p) / p = 3
  assert.ok(Math.abs(mean(draws(n, () => rng.poisson(4))) - 4) < 0.06);
  const big = draws(n, () => rng.poisson(80));
  assert.ok(Math.abs(mean(big) - 80) < 0.3);
  const variance = mean(big.map((x) => (x - 80) ** 2));
  assert.ok(Math.abs(variance - 80) < 4, `poisson(80) variance ${variance}`);
  const cat = new Categorical([
    ['a', 1],
    ['b', 3],
  ]);
  const bs = draws(n, () => (cat.draw(rng) === 'b' ? 1 : 0));
  assert.ok(Math.abs(mean(bs) - 0.75) < 0.01);
});

test('calendar arithmetic agrees with Date', () => {
  for (let day = daysFromCivil(1999, 12, 1); day < daysFromCivil(2031, 3, 1); day += 17) {
    const d = new Date(day * DAY * 1000);
    assert.deepEqual(civilFromDays(day), [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()]);
  }
  assert.equal(parseDate('2024-02-29'), daysFromCivil(2024, 2, 29));
  assert.equal(parseDate('2023-02-29'), undefined);
  assert.equal(parseDate('2024-1-01'), undefined);
});

test('adding months clamps the day like SQL engines do', () => {
  const at = (y: number, m: number, d: number, s = 0) => daysFromCivil(y, m, d) * DAY + s;
  assert.equal(addMonths(at(2024, 1, 31, 3600), 1), at(2024, 2, 29, 3600));
  assert.equal(addMonths(at(2024, 1, 31), 13), at(2025, 2, 28));
  assert.equal(addMonths(at(2024, 3, 15), -3), at(2023, 12, 15));
  assert.equal(addMonths(at(2026, 1, 1), -24), at(2024, 1, 1));
});

test('timestamps and dates are formatted as ISO 8601 UTC, inside and outside the cached range', () => {
  const clock = new Clock(daysFromCivil(2024, 1, 1), daysFromCivil(2024, 12, 31));
  const rng = Rng.stream(3, 3, 3);
  for (let i = 0; i < 2000; i++) {
    const sec = Math.floor(rng.uniform(daysFromCivil(2023, 6, 1), daysFromCivil(2025, 6, 1)) * DAY);
    const iso = new Date(sec * 1000).toISOString();
    assert.equal(clock.timestamp(sec), `${iso.slice(0, 19)}Z`);
    assert.equal(clock.date(sec), iso.slice(0, 10));
  }
});
