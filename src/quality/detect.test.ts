// The data-quality judgements on hand-worked numbers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mad, median, shareJump, staleness, volumeJump } from './detect.ts';

const close = (actual: number | null | undefined, expected: number, tol = 1e-9) =>
  assert.ok(
    actual !== null && actual !== undefined && Math.abs(actual - expected) <= tol,
    `${actual} ≠ ${expected}`,
  );

test('median and MAD', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  // median 3; |x − 3| = 2, 1, 0, 1, 97 → sorted 0, 1, 1, 2, 97 → 1: the outlier does not move it.
  assert.equal(mad([1, 2, 3, 4, 100]), 1);
  assert.ok(Number.isNaN(median([])));
});

test('staleness: the newest row older than the limit', () => {
  // 2025-06-30 00:00 → 2025-07-03 12:00 is 3.5 days.
  assert.deepEqual(staleness('2025-06-30T00:00:00Z', '2025-07-03T12:00:00Z', 2), {
    age_days: 3.5,
    limit_days: 2,
  });
  assert.equal(staleness('2025-06-30T00:00:00Z', '2025-07-03T12:00:00Z', 4), null);
  assert.equal(staleness('2025-06-30T00:00:00Z', '2025-07-02T00:00:00Z', 2), null, 'exactly at the limit');
});

const opts = { k: 5, minRatio: 1.5, minDailyRows: 5 };
// Eight same weekdays: sorted 80 90 95 100 100 105 110 120 → median 100; deviations 0 0 5 5 10 10 20 20 →
// MAD 7.5; σ = max(1.4826·7.5 = 11.1195, √100 = 10) = 11.1195; band 100 ± 5·11.1195 = [44.4025, 155.5975].
const weeks = [100, 110, 90, 105, 95, 100, 120, 80];

test('volume: outside median ± k·σ and at least min_ratio off', () => {
  const up = volumeJump(1000, weeks, opts);
  assert.equal(up?.direction, 'up');
  assert.equal(up?.median, 100);
  close(up?.sigma, 11.1195);
  close(up?.low, 44.4025);
  close(up?.high, 155.5975);
  assert.equal(volumeJump(150, weeks, opts), null, 'inside the band');
  assert.equal(volumeJump(160, weeks, opts)?.direction, 'up', '160 > 155.6 and 160 ≥ 1.5·100');
  assert.equal(volumeJump(160, weeks, { ...opts, minRatio: 2 }), null, 'outside the band but not 2× off');
  assert.equal(volumeJump(40, weeks, opts)?.direction, 'down', '40 < 44.4 and 40·1.5 ≤ 100');
  assert.equal(volumeJump(0, weeks, opts)?.direction, 'down');
});

test('volume: σ never below the Poisson √median; thin or short histories are not judged', () => {
  // MAD 0; σ = √10 = 3.1623; high = 10 + 5·3.1623 = 25.81.
  assert.equal(volumeJump(25, [10, 10, 10, 10], opts), null);
  assert.equal(volumeJump(26, [10, 10, 10, 10], opts)?.direction, 'up');
  assert.equal(volumeJump(100, [2, 3, 2, 4], opts), null, 'median 2.5 < 5 rows a day');
  assert.equal(volumeJump(1000, [100, 100], opts), null, 'two weeks of history');
});

const nullOpts = { z: 5, minJump: 0.2, minRows: 30, minOn: 'n' as const };

test('share jump: two-proportion z with the pooled share', () => {
  // p₁ = 50/100 = 0.5, p₀ = 50/1000 = 0.05, pooled 100/1100 = 0.0909;
  // z = 0.45 / √(0.0909·0.9091·(1/100 + 1/1000)) = 0.45 / 0.030151 = 14.9248.
  const jump = shareJump({ n: 100, k: 50 }, { n: 1000, k: 50 }, nullOpts);
  assert.equal(jump?.share, 0.5);
  assert.equal(jump?.baseline_share, 0.05);
  close(jump?.z, 14.9248115566, 1e-9);
  // p₁ = 12/40 = 0.3, p₀ = 2/40 = 0.05: a rise of 0.25, but pooled 0.175 gives
  // z = 0.25 / √(0.175·0.825·(1/40 + 1/40)) = 2.94 < 5 on so few rows.
  assert.equal(shareJump({ n: 40, k: 12 }, { n: 40, k: 2 }, nullOpts), null);
  // 0.10 against 0.05 is a rise of 0.05 < 0.2, however many rows.
  assert.equal(shareJump({ n: 1000, k: 100 }, { n: 10000, k: 500 }, nullOpts), null);
  assert.equal(shareJump({ n: 20, k: 20 }, { n: 1000, k: 0 }, nullOpts), null, '20 rows < 30');
  assert.equal(shareJump({ n: 100, k: 10 }, { n: 100, k: 50 }, nullOpts), null, 'a fall is no problem');
  assert.equal(shareJump({ n: 0, k: 0 }, { n: 100, k: 0 }, nullOpts), null);
});

test('share jump without a baseline: only the minimum rise and count judge', () => {
  const quarantine = { z: 5, minJump: 0.01, minRows: 10, minOn: 'k' as const };
  assert.deepEqual(shareJump({ n: 100, k: 30 }, { n: 0, k: 0 }, quarantine), {
    share: 0.3,
    baseline_share: 0,
    z: null,
  });
  assert.equal(shareJump({ n: 100, k: 9 }, { n: 0, k: 0 }, quarantine), null, '9 rows < 10');
});
