// The dashboard's pure arithmetic, worked by hand: the range presets and the range before a range, the same
// period a year earlier, the waterfall's bars and zoomed axis, which target may judge a card, and the
// segments' colours against the targets'. (The pages use these very functions; board.test.ts checks them in
// the browser against the API.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SEGMENT_COLORS, TARGET_COLORS } from '../../web/src/components/series-colors.ts';
import type { TargetCheck } from '../../web/src/goals-types.ts';
import { type BridgeRow, targetAt } from '../../web/src/pages/headline.ts';
import { waterfall } from '../../web/src/pages/waterfall.ts';
import { presetOf, presetRange, previousRange, yearAgoStart } from '../../web/src/presets.ts';
import { filterParam, parseFilters, withFilter } from '../../web/src/segment-filter.ts';

const AS_OF = '2025-12-31T18:00:00.000Z';

test('presets count back from the data’s end: whole months before its month, the year so far, last year', () => {
  assert.deepEqual(presetRange('last_3_months', AS_OF), { from: '2025-09-01', to: '2025-11-30' });
  assert.deepEqual(presetRange('last_12_months', AS_OF), { from: '2024-12-01', to: '2025-11-30' });
  assert.deepEqual(presetRange('year_to_date', AS_OF), { from: '2025-01-01', to: '2025-12-31' });
  assert.deepEqual(presetRange('last_year', AS_OF), { from: '2024-01-01', to: '2024-12-31' });
  // March 2024 ends a leap February: 6 months back from April 1.
  assert.deepEqual(presetRange('last_6_months', '2024-04-10T00:00:00Z'), {
    from: '2023-10-01',
    to: '2024-03-31',
  });
  assert.equal(presetOf({ from: '2025-09-01', to: '2025-11-30' }, AS_OF), 'last_3_months');
  assert.equal(presetOf({ from: '2025-09-02', to: '2025-11-30' }, AS_OF), undefined);
});

test('the previous range has as many periods, just before; a year ago is the same period a year earlier', () => {
  assert.deepEqual(previousRange({ from: '2024-12-01', to: '2025-11-30', grain: 'month' }), {
    from: '2023-12-01',
    to: '2024-11-30',
  });
  // Two quarters (January–June) → the two before (July–December).
  assert.deepEqual(previousRange({ from: '2025-01-01', to: '2025-06-30', grain: 'quarter' }), {
    from: '2024-07-01',
    to: '2024-12-31',
  });
  assert.equal(yearAgoStart('2025-11-01T00:00:00.000Z', 'month'), '2024-11-01T00:00:00.000Z');
  assert.equal(yearAgoStart('2024-02-29T00:00:00.000Z', 'day'), '2023-02-28T00:00:00.000Z');
  // Week of Monday 2025-11-03 → the week holding 2024-11-03 (a Sunday), which began Monday 2024-10-28.
  assert.equal(yearAgoStart('2025-11-03T00:00:00.000Z', 'week'), '2024-10-28T00:00:00.000Z');
});

test('the waterfall: movements float between levels, and the axis is zoomed to them from a round number', () => {
  const row = {
    start_mrr: 1000,
    new_mrr: 50,
    reactivation_mrr: 0,
    expansion_mrr: 20,
    contraction_mrr: 10,
    churn_mrr: 30,
    end_mrr: 1030,
  } as BridgeRow;
  const { bars, axis } = waterfall(row);
  // 1000 → +50 → +0 → +20 → −10 → −30 = 1030.
  assert.deepEqual(bars, [
    [0, 1000],
    [1000, 1050],
    [1050, 1050],
    [1050, 1070],
    [1070, 1060],
    [1060, 1030],
    [0, 1030],
  ]);
  // Levels 1000…1070 (span 70), a margin of 17.5 each side: 982.5…1087.5, in steps of 20 → 980…1100.
  assert.deepEqual(axis, { min: 980, max: 1100 });
  // A company whose MRR moves by as much as it has keeps its axis at 0.
  const young = waterfall({ ...row, start_mrr: 10, new_mrr: 100, end_mrr: 80 } as BridgeRow);
  assert.equal(young.axis.min, 0);
});

test('a card is judged only by a whole-company target at its own grain, and never under a filter', () => {
  const check = (grain: string, segment?: { by: string; value: string }) =>
    ({ target: { kpi: 'customer_churn_rate', grain, segment }, status: 'at_risk' }) as unknown as TargetCheck;
  const checks = [check('month'), check('month', { by: 'plan', value: 'pro' })];
  assert.equal(targetAt(checks, 'customer_churn_rate', 'month', false), checks[0]);
  assert.equal(targetAt(checks, 'customer_churn_rate', 'quarter', false), undefined);
  assert.equal(targetAt(checks, 'customer_churn_rate', 'month', true), undefined);
  assert.equal(targetAt(checks, 'mrr', 'month', false), undefined);
});

test('segment filters in the URL are the API’s own parameter; segments never take a target’s colour', () => {
  const filters = withFilter(parseFilters('plan:pro'), 'attributes.industry', 'retail');
  assert.equal(filterParam(filters), 'plan:pro,attributes.industry:retail');
  assert.equal(filterParam(withFilter(filters, 'plan', '')), 'attributes.industry:retail');
  assert.equal(filterParam([]), undefined);
  for (const c of Object.values(TARGET_COLORS)) assert.ok(!(SEGMENT_COLORS as readonly string[]).includes(c));
});

test('no segment colour is near a target’s: hues at least 30° apart', () => {
  const hue = (hex: string) => {
    const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16) / 255) as [
      number,
      number,
      number,
    ];
    const max = Math.max(r, g, b);
    const d = max - Math.min(r, g, b);
    const h = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
    return (h * 60 + 360) % 360;
  };
  // Cyan (#0891b2, hue 191.6°) is the nearest to the pragmatic green (#059669, 161.4°): 30.3° apart (191.65 − 161.38).
  assert.equal((hue('#0891b2') - hue(TARGET_COLORS.pragmatic)).toFixed(1), '30.3');
  for (const t of Object.values(TARGET_COLORS))
    for (const s of SEGMENT_COLORS) {
      const apart = Math.abs(hue(s) - hue(t));
      assert.ok(Math.min(apart, 360 - apart) >= 30, `${s} is too near the target colour ${t}`);
    }
});
