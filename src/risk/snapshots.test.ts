import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TenureError } from '../errors/tenure-error.ts';
import { chooseSnapshots, dayToIso } from './snapshots.ts';

const iso = (days: number[]) => days.map((d) => dayToIso(d).slice(0, 10));

test('held-out months are the last whose horizon closes by the end; training windows close before them', () => {
  // Data from 2024-01-01 to 2026-01-01 with a 30-day horizon: a month start t is labelled when
  // t + 30 days ≤ 2026-01-01, so the last is 2025-12-01 (+30 d = 2025-12-31). Held out: 2025-11-01 and
  // 2025-12-01. Training starts t need t + 30 d ≤ 2025-11-01: the last is 2025-10-01 (+30 d = 2025-10-31);
  // the first month start after 2024-01-02 is 2024-02-01; the latest 12 are 2024-11-01 … 2025-10-01.
  const s = chooseSnapshots({
    dataStart: '2024-01-01T00:00:00Z',
    asOf: '2026-01-01T00:00:00Z',
    scoreAt: '2026-01-01T00:00:00Z',
    horizonDays: 30,
    trainingMonths: 12,
    heldOutMonths: 2,
  });
  assert.deepEqual(iso(s.heldOut), ['2025-11-01', '2025-12-01']);
  assert.equal(iso(s.training)[0], '2024-11-01');
  assert.equal(iso(s.training).at(-1), '2025-10-01');
  assert.equal(s.training.length, 12);
  assert.equal(dayToIso(s.scoring), '2026-01-01T00:00:00.000Z');
});

test('a 31-day horizon pushes the last held-out month back when it would end after the data', () => {
  // 2025-12-01 + 31 d = 2026-01-01 ≤ end still fits; with a 45-day horizon the last is 2025-11-01
  // (+45 d = 2025-12-16), and training must close by 2025-10-01: its last start is 2025-08-01
  // (+45 d = 2025-09-15; 2025-09-01 + 45 d = 2025-10-16 is too late).
  const s = chooseSnapshots({
    dataStart: '2024-01-01T00:00:00Z',
    asOf: '2026-01-01T00:00:00Z',
    scoreAt: '2026-01-01T00:00:00Z',
    horizonDays: 45,
    trainingMonths: 3,
    heldOutMonths: 2,
  });
  assert.deepEqual(iso(s.heldOut), ['2025-10-01', '2025-11-01']);
  assert.deepEqual(iso(s.training), ['2025-06-01', '2025-07-01', '2025-08-01']);
});

test('a history too short for training and held-out months is refused with what to do', () => {
  assert.throws(
    () =>
      chooseSnapshots({
        dataStart: '2025-10-15T00:00:00Z',
        asOf: '2026-01-01T00:00:00Z',
        scoreAt: '2026-01-01T00:00:00Z',
        horizonDays: 30,
        trainingMonths: 12,
        heldOutMonths: 2,
      }),
    (e) =>
      e instanceof TenureError &&
      e.code === 'bad_input' &&
      /too short/.test(e.message) &&
      /--horizon-days/.test(e.hint),
  );
});
