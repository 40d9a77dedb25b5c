import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TenureError } from '../errors/tenure-error.ts';
import { parseReviewPeriod } from './period.ts';

test('a month and the month before, across a year', () => {
  assert.deepEqual(parseReviewPeriod('2025-01'), {
    label: '2025-01',
    start: '2025-01-01T00:00:00.000Z',
    end: '2025-02-01T00:00:00.000Z',
    grain: 'month',
    previous: { label: '2024-12', start: '2024-12-01T00:00:00.000Z', end: '2025-01-01T00:00:00.000Z' },
  });
});

test('a quarter and the quarter before', () => {
  const q = parseReviewPeriod('2025-Q3');
  assert.equal(q.grain, 'quarter');
  assert.equal(q.start, '2025-07-01T00:00:00.000Z');
  assert.equal(q.end, '2025-10-01T00:00:00.000Z');
  assert.deepEqual(q.previous, {
    label: '2025-Q2',
    start: '2025-04-01T00:00:00.000Z',
    end: '2025-07-01T00:00:00.000Z',
  });
  assert.equal(parseReviewPeriod('2025-Q1').previous.label, '2024-Q4');
});

test('anything else names --period and both formats', () => {
  for (const bad of ['2025-13', '2025-Q5', '2025/11', 'Q3-2025', '2025-11-01', '']) {
    assert.throws(
      () => parseReviewPeriod(bad),
      (err: unknown) =>
        err instanceof TenureError &&
        err.code === 'bad_input' &&
        err.where.field === '--period' &&
        /YYYY-MM/.test(err.message) &&
        /YYYY-Qn/.test(err.message),
      bad,
    );
  }
});
