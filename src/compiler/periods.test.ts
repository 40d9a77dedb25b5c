import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TenureError } from '../errors/tenure-error.ts';
import { periodsBetween } from './periods.ts';

test('months cover the range from the month of `from` to the month of `to`', () => {
  assert.deepEqual(periodsBetween('2024-01-15', '2024-03-01', 'month'), [
    { start: '2024-01-01T00:00:00.000Z', end: '2024-02-01T00:00:00.000Z' },
    { start: '2024-02-01T00:00:00.000Z', end: '2024-03-01T00:00:00.000Z' },
    { start: '2024-03-01T00:00:00.000Z', end: '2024-04-01T00:00:00.000Z' },
  ]);
});

test('ISO weeks start on Monday: 2024-01-03 (a Wednesday) lies in the week of Monday 2024-01-01', () => {
  const weeks = periodsBetween('2024-01-03', '2024-01-08', 'week');
  assert.deepEqual(
    weeks.map((w) => w.start.slice(0, 10)),
    ['2024-01-01', '2024-01-08'],
  );
  // 2023-12-31 is a Sunday: its week started Monday 2023-12-25.
  assert.equal(periodsBetween('2023-12-31', '2023-12-31', 'week')[0]?.start.slice(0, 10), '2023-12-25');
});

test('quarters and years, days', () => {
  assert.deepEqual(
    periodsBetween('2024-05-20', '2024-12-31', 'quarter').map((p) => p.start.slice(0, 10)),
    ['2024-04-01', '2024-07-01', '2024-10-01'],
  );
  assert.equal(periodsBetween('2023-06-01', '2024-06-01', 'year').length, 2);
  // 2024 is a leap year: 29 days from Feb 1 to Feb 29.
  assert.equal(periodsBetween('2024-02-01', '2024-02-29', 'day').length, 29);
});

test('bad input is refused with the field named', () => {
  for (const [from, to, grain, field] of [
    ['2024-02-30', '2024-03-01', 'month', 'from'],
    ['2024-03-01', '2024-01-01', 'month', 'to'],
    ['2024-01-01', '2024-02-01', 'fortnight', 'grain'],
  ] as const) {
    assert.throws(
      () => periodsBetween(from, to, grain as 'month'),
      (err: unknown) => err instanceof TenureError && err.where.field === field,
    );
  }
});
