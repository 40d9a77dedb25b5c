// The shared formats against the strings a reader sees, worked out by hand: every unit of the catalog, its
// changes, axis ticks, the project's currency, and what a missing value prints as.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CATALOG } from '../catalog/catalog.ts';
import {
  changeTone,
  formatAxis,
  formatChange,
  formatDelta,
  formatEffect,
  formatGoal,
  formatNumber,
  formatPercent,
  formatRelative,
  formatTerm,
  formatValue,
  isCurrencyCode,
  UNITS,
} from './format.ts';

test('rate: a fraction as a percentage with one decimal; its changes in points', () => {
  assert.equal(formatValue(0.0265, 'rate'), '2.7%'); // 2.65% rounds half up
  assert.equal(formatValue(0.032, 'rate'), '3.2%');
  assert.equal(formatValue(1.0342, 'rate'), '103.4%'); // NRR above 100%
  assert.equal(formatValue(-0.125, 'rate'), '-12.5%');
  assert.equal(formatValue(0, 'rate'), '0.0%');
  // 2.65% − 2.50% = +0.15 pt → +0.2 pt at one decimal (0.15 rounds half up).
  assert.equal(formatChange(0.0265, 0.025, 'rate'), '+0.2 pt');
  assert.equal(formatChange(0.032, 0.036, 'rate'), '-0.4 pt');
  assert.equal(formatDelta(0.004, 'rate'), '+0.4 pt');
  // A change that rounds to nothing carries no sign.
  assert.equal(formatDelta(-0.0004, 'rate'), '0.0 pt');
  assert.equal(formatPercent(0.5), '50.0%');
});

test('ratio: a multiple with ×, never a percentage; its changes relative', () => {
  // The LTV to CAC the dashboard showed as "6,987.1%": 69.871 is 69.9×.
  assert.equal(formatValue(69.871, 'ratio'), '69.9×');
  assert.equal(formatValue(3.25, 'ratio'), '3.3×');
  assert.equal(formatValue(1234.5, 'ratio'), '1,234.5×');
  // 69.871 against 64.28: (69.871 − 64.28) / 64.28 = +8.698% → +8.7%.
  assert.equal(formatChange(69.871, 64.28, 'ratio'), '+8.7%');
  assert.equal(formatDelta(5.591, 'ratio'), '+5.6×');
});

test('currency: the project currency’s symbol, thousands separators and its own decimals', () => {
  // `compute` printed this MRR as 179021.9000.
  assert.equal(formatValue(179021.9, 'currency'), '$179,021.90');
  assert.equal(formatValue(179021.9, 'currency', { currency: 'USD' }), '$179,021.90');
  assert.equal(formatValue(179021.9, 'currency', { currency: 'EUR' }), '€179,021.90');
  assert.equal(formatValue(-5.5, 'currency', { currency: 'GBP' }), '-£5.50');
  assert.equal(formatValue(1234.5, 'currency', { currency: 'JPY' }), '¥1,235'); // yen have no decimals
  assert.equal(formatValue(12345.678, 'currency', { digits: 0 }), '$12,346');
  // No contraction this month is $0.00, not -$0.00.
  assert.equal(formatValue(-0, 'currency'), '$0.00');
  assert.equal(formatValue(-0.001, 'currency'), '$0.00');
  assert.equal(formatValue(-0.0001, 'rate'), '0.0%');
  // Money moves by a share: 110 against 100 is +10.0%; a difference is money.
  assert.equal(formatChange(110, 100, 'currency'), '+10.0%');
  assert.equal(formatDelta(-35385, 'currency'), '-$35,385.00');
  assert.equal(formatDelta(1204.5, 'currency', { currency: 'EUR' }), '+€1,204.50');
  // Nothing to compare with: no change rather than ∞.
  assert.equal(formatChange(5, 0, 'currency'), null);
});

test('count: whole numbers grouped, averages with two decimals; changes relative', () => {
  assert.equal(formatValue(1204, 'count'), '1,204');
  assert.equal(formatValue(3.456, 'count'), '3.46');
  assert.equal(formatValue(0, 'count'), '0');
  // 1,204 against 1,100: +9.454…% → +9.5%.
  assert.equal(formatChange(1204, 1100, 'count'), '+9.5%');
  assert.equal(formatDelta(-12, 'count'), '-12');
});

test('days and months: one decimal with the unit; changes in the unit', () => {
  assert.equal(formatValue(3.25, 'days'), '3.3 days');
  assert.equal(formatValue(0.2, 'days'), '0.2 days');
  assert.equal(formatValue(14, 'months'), '14.0 months');
  assert.equal(formatChange(3.5, 3.2, 'days'), '+0.3 days');
  assert.equal(formatChange(13, 14.25, 'months'), '-1.3 months');
});

test('points (NPS, check-in impact) and scores', () => {
  assert.equal(formatValue(41, 'points'), '41.0 pt');
  assert.equal(formatValue(-12.34, 'points'), '-12.3 pt');
  // Check-in impact: accounts with a check-in retained 4.1 points better.
  assert.equal(formatDelta(4.1, 'points'), '+4.1 pt');
  assert.equal(formatChange(43, 41, 'points'), '+2.0 pt');
  assert.equal(formatValue(62.44, 'score'), '62.4');
  assert.equal(formatChange(62.44, 61.2, 'score'), '+1.2');
});

test('axes: short forms, at most one decimal', () => {
  // The chart axes showed fractions (0.032).
  assert.equal(formatAxis(0.032, 'rate'), '3.2%');
  assert.equal(formatAxis(0.03, 'rate'), '3%');
  assert.equal(formatAxis(1234567, 'currency'), '$1.2M');
  assert.equal(formatAxis(179021.9, 'currency', { currency: 'EUR' }), '€179K');
  assert.equal(formatAxis(950, 'currency'), '$950');
  assert.equal(formatAxis(12000, 'count'), '12K');
  assert.equal(formatAxis(70, 'ratio'), '70×');
  assert.equal(formatAxis(2.5, 'days'), '2.5 days');
});

test('missing values, targets, decompositions and plain numbers', () => {
  for (const unit of UNITS) {
    assert.equal(formatValue(null, unit), '—', unit);
    assert.equal(formatValue(undefined, unit), '—', unit);
    assert.equal(formatValue(Number.NaN, unit), '—', unit);
  }
  assert.equal(formatValue(null, 'rate', { missing: 'no data' }), 'no data');
  assert.equal(formatChange(null, 0.02, 'rate'), null);
  assert.equal(formatGoal([0.01, 0.02], 'rate'), '1.0%–2.0%');
  assert.equal(formatGoal(150000, 'currency', { currency: 'EUR' }), '€150,000.00');
  assert.equal(formatGoal(undefined, 'rate'), '—');
  assert.equal(formatTerm(0.0123, 'rate'), '1.23%');
  assert.equal(formatTerm(1000, 'currency'), '$1,000.00');
  assert.equal(formatEffect(0.015, 'rate'), '+1.50 pt');
  assert.equal(formatEffect(-120, 'currency'), '-$120.00');
  assert.equal(formatRelative(0.25), '+25.0%');
  assert.equal(formatNumber(179021.9), '179,021.90');
  assert.equal(formatNumber(0.45123), '0.4512');
  assert.equal(formatNumber(12), '12');
  assert.equal(formatNumber(null), '—');
  // An unknown unit prints as a plain number rather than failing.
  assert.equal(formatValue(0.45123, 'number'), '0.4512');
});

test('currency codes: ISO 4217 only', () => {
  assert.ok(isCurrencyCode('EUR'));
  assert.ok(isCurrencyCode('JPY'));
  assert.ok(!isCurrencyCode('eur'));
  assert.ok(!isCurrencyCode('€'));
  assert.ok(!isCurrencyCode('XYZ'));
});

test('the catalog: rates are percentages, LTV to CAC alone is a multiple', () => {
  const unit = (id: string) => CATALOG.find((d) => d.id === id)?.unit;
  assert.equal(unit('ltv_to_cac_ratio'), 'ratio');
  for (const id of ['customer_churn_rate', 'net_revenue_retention', 'stickiness_ratio', 'content_roi'])
    assert.equal(unit(id), 'rate', id);
  assert.equal(unit('mrr'), 'currency');
  assert.equal(unit('net_promoter_score'), 'points');
  assert.equal(unit('check_in_impact_score'), 'points');
  assert.deepEqual(
    CATALOG.filter((d) => d.unit === 'ratio').map((d) => d.id),
    ['ltv_to_cac_ratio'],
  );
});

test('a change is painted good or bad by the KPI’s direction, and not at all when it shows as none', () => {
  // Churn (lower is better) from 2.50% to 3.00%: +0.5 pt, bad news; back down: good news.
  assert.equal(changeTone(0.03, 0.025, 'rate', false), 'bad');
  assert.equal(changeTone(0.025, 0.03, 'rate', false), 'good');
  // 2.503% to 2.501% is written 0.0 pt (one decimal of a point): nothing to paint.
  assert.equal(formatChange(0.02501, 0.02503, 'rate'), '0.0 pt');
  assert.equal(changeTone(0.02501, 0.02503, 'rate', false), '');
  // MRR (higher is better) from $100,000 to $100,020: +0.02%, written at one decimal as 0.0%: none either.
  assert.equal(formatChange(100_020, 100_000, 'currency'), '0.0%');
  assert.equal(changeTone(100_020, 100_000, 'currency', true), '');
  assert.equal(changeTone(101_000, 100_000, 'currency', true), 'good');
  // No previous value, or no change at all: nothing to judge.
  assert.equal(changeTone(0.03, null, 'rate', false), '');
  assert.equal(changeTone(0.03, 0.03, 'rate', false), '');
});
