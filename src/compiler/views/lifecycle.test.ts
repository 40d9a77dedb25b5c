import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withSmallWarehouse } from '../../../test/support/small-warehouse.ts';
import { periodsBetween } from '../periods.ts';
import { userLifecycle } from './lifecycle.ts';

// Users of accounts A (pro) and B (basic), months January–March 2024 (December is January's P−1):
//   u1 (A): active Dec 10, Jan 5, Feb 5.           → Jan returning, Feb returning, Mar dormant.
//   u2 (A): active Jan 15 only, its first day.     → Jan new, Feb dormant.
//   u3 (B): active 2023-10-01, then Feb 20.        → Feb resurrecting, Mar dormant.
//   u4 (B): first active 2024-02-29 23:30 −02:00 = Mar 1 01:30 UTC (March, not February) → Mar new.
const DATA = {
  customers: `customer_id,signed_up_at,plan
    A,2023-01-01T00:00:00Z,pro
    B,2023-01-01T00:00:00Z,basic`,
  events: `event_id,user_id,customer_id,occurred_at,name
    e1,u1,A,2023-12-10T10:00:00Z,login
    e2,u1,A,2024-01-05T10:00:00Z,login
    e3,u1,A,2024-02-05T10:00:00Z,use_reports
    e4,u2,A,2024-01-15T10:00:00Z,login
    e5,u3,B,2023-10-01T10:00:00Z,login
    e6,u3,B,2024-02-20T10:00:00Z,login
    e7,u4,B,2024-02-29T23:30:00-02:00,login`,
};

const periods = periodsBetween('2024-01-01', '2024-03-31', 'month');
const row = (r: {
  new: number;
  returning: number;
  resurrecting: number;
  dormant: number;
  active: number;
}) => [r.new, r.returning, r.resurrecting, r.dormant, r.active];

test('lifecycle by month: new, returning, resurrecting, dormant; active(P−1) = returning + dormant', async () => {
  const rows = await withSmallWarehouse(DATA, (db) => userLifecycle(db, { periods, grain: 'month' }));
  assert.deepEqual(
    rows.map((r) => [r.period_start.slice(0, 7), ...row(r), r.quick_ratio]),
    [
      // January: u2 new, u1 returning (active in December); no one dormant.
      ['2024-01', 1, 1, 0, 0, 2, null],
      // February: u1 returning, u3 resurrecting, u2 dormant: quick ratio (0 + 1) / 1.
      ['2024-02', 0, 1, 1, 1, 2, 1],
      // March: u4 new; u1 and u3 dormant: (1 + 0) / 2. February's 2 active = 0 returning + 2 dormant.
      ['2024-03', 1, 0, 0, 2, 1, 0.5],
    ],
  );
});

test('lifecycle broken down by plan: February is pro 1 returning + 1 dormant, basic 1 resurrecting', async () => {
  const rows = await withSmallWarehouse(DATA, (db) =>
    userLifecycle(db, { periods, grain: 'month', by: 'plan' }),
  );
  const feb = rows.filter((r) => r.period_start.startsWith('2024-02'));
  assert.deepEqual(
    feb.map((r) => [r.segment, ...row(r)]),
    [
      ['basic', 0, 0, 1, 0, 1],
      ['pro', 0, 1, 0, 1, 1],
    ],
  );
});

test('active events narrow who counts: only use_reports makes u1 new in February, and nobody else active', async () => {
  const rows = await withSmallWarehouse(DATA, (db) =>
    userLifecycle(db, { periods, grain: 'month', activeEvents: ['use_reports'] }),
  );
  assert.deepEqual(
    rows.map((r) => [r.period_start.slice(0, 7), ...row(r)]),
    [
      ['2024-02', 1, 0, 0, 0, 1],
      ['2024-03', 0, 0, 0, 1, 0],
    ],
  );
});
