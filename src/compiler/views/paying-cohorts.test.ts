import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withSmallWarehouse } from '../../../test/support/small-warehouse.ts';
import { cohortMatrix } from './cohort-matrix.ts';
import { payingCohorts } from './paying-cohorts.ts';

// a signs up Jan 5 and pays 100 from then, 150 from Mar 1 (effective exactly at March's start).
// b signs up Jan 20, pays 50 from then, cancels Feb 10.
// c signs up Jan 25 on a trial and first pays 30 on Feb 3.
// d signs up Feb 15 and never pays.
// e signed up Dec 20, 2023 (before the range) and first pays 80 on Jan 2.
// f signed up and first paid 40 on Dec 1, 2023: before the range in both senses, so in no cohort.
// g signs up Jan 10, pays 60 from then, cancels Jan 25 and comes back at 60 on Mar 10.
const DATA = {
  customers: `customer_id,signed_up_at
    a,2024-01-05T00:00:00Z
    b,2024-01-20T00:00:00Z
    c,2024-01-25T00:00:00Z
    d,2024-02-15T00:00:00Z
    e,2023-12-20T00:00:00Z
    f,2023-12-01T00:00:00Z
    g,2024-01-10T00:00:00Z`,
  subscription_changes: `customer_id,effective_at,mrr
    a,2024-01-05T00:00:00Z,100
    a,2024-03-01T00:00:00Z,150
    b,2024-01-20T00:00:00Z,50
    b,2024-02-10T00:00:00Z,0
    c,2024-02-03T00:00:00Z,30
    e,2024-01-02T00:00:00Z,80
    f,2023-12-01T00:00:00Z,40
    g,2024-01-10T00:00:00Z,60
    g,2024-01-25T00:00:00Z,0
    g,2024-03-10T00:00:00Z,60`,
};

const cells = (c: { cells: { age: number; customers: number; mrr: number }[] } | undefined) =>
  c?.cells.map((x) => [x.age, x.customers, x.mrr]);

test('cohorts of first payments by month: logo retention from 100%, MRR against the starting MRR; older cohorts left out', async () => {
  // Observed until April 15: January to March are over, April is not.
  const m = await withSmallWarehouse(DATA, (db) =>
    payingCohorts(db, { from: '2024-01-01', to: '2024-04-30', grain: 'month', asOf: '2024-04-15T00:00:00Z' }),
  );
  // f first paid in December, before the range: no cohort of it. e signed up then but first paid in January.
  assert.deepEqual(
    m.cohorts.map((c) => [c.cohort, c.cohort_start, c.size, c.starting_mrr]),
    [
      ['2024-01', '2024-01-01T00:00:00.000Z', 4, 290], // a 100 + b 50 + e 80 + g 60
      ['2024-02', '2024-02-01T00:00:00.000Z', 1, 30], // c
    ],
  );
  const [jan, feb] = m.cohorts;
  // January: all four paid in January (100%). Paying at the end of February: a 100 (its rise is effective
  // at March's start, after February's end) and e 80 — b cancelled on the 10th, g in January. At the end
  // of March a 150 + e 80 + g 60 (back on the 10th) = 290, the starting MRR again. At the end of January
  // a 100 + b 50 + e 80 (g had cancelled). April is not over: no cell.
  assert.deepEqual(cells(jan), [
    [0, 4, 230],
    [1, 2, 180],
    [2, 3, 290],
  ]);
  assert.deepEqual(
    jan?.cells.map((x) => [x.retention, x.revenue_retention]),
    [
      [1, 230 / 290],
      [0.5, 180 / 290],
      [0.75, 1],
    ],
  );
  assert.deepEqual(cells(feb), [
    [0, 1, 30],
    [1, 1, 30],
  ]);
  // Weighted by size over the cohorts that reached the age: age 0 (4 + 1) / (4 + 1) and MRR (230 + 30) /
  // (290 + 30); age 1 (2 + 1) / 5 and (180 + 30) / 320; age 2 January alone.
  assert.deepEqual(
    m.average.map((a) => [a.age, a.cohorts, a.size, a.retention, a.revenue_retention]),
    [
      [0, 2, 5, 1, 260 / 320],
      [1, 2, 5, 0.6, 210 / 320],
      [2, 1, 4, 0.75, 1],
    ],
  );
});

test('cohorts of first payments by quarter and by week: the columns are quarters and weeks', async () => {
  const { quarters, weeks } = await withSmallWarehouse(DATA, async (db) => ({
    quarters: await payingCohorts(db, {
      from: '2024-01-01',
      to: '2024-06-30',
      grain: 'quarter',
      asOf: '2024-07-15T00:00:00Z',
    }),
    weeks: await payingCohorts(db, {
      from: '2024-01-01',
      to: '2024-01-31',
      grain: 'week',
      asOf: '2024-04-15T00:00:00Z',
    }),
  }));
  // Q1: a, b, c, e, g (c's first payment, Feb 3, is in Q1), 100 + 50 + 30 + 80 + 60 = 320 at the start. At
  // the end of Q1 and of Q2 a 150 + c 30 + e 80 + g 60 = 320 (b had cancelled): four paying.
  assert.deepEqual(
    quarters.cohorts.map((c) => [c.cohort, c.size, c.starting_mrr, cells(c)]),
    [
      [
        '2024-Q1',
        5,
        320,
        [
          [0, 5, 320],
          [1, 4, 320],
        ],
      ],
    ],
  );
  // Weeks start on Mondays (January 1, 2024 is one); the range's last week runs Jan 29 – Feb 5.
  assert.deepEqual(
    weeks.cohorts.map((c) => [c.cohort, c.size]),
    [
      ['2024-01-01', 2], // e (Jan 2), a (Jan 5)
      ['2024-01-08', 1], // g (Jan 10)
      ['2024-01-15', 1], // b (Jan 20)
      ['2024-01-29', 1], // c (Feb 3)
    ],
  );
  // g: its MRR at the ends of its weeks (Jan 15, 22, 29, Feb 5) is 60, 60, 0, 0 — it cancels on Jan 25.
  assert.deepEqual(cells(weeks.cohorts[1]), [
    [0, 1, 60],
    [1, 1, 60],
    [2, 0, 0],
    [3, 0, 0],
  ]);
  assert.equal(weeks.grain, 'week');
});

test('signup cohorts: only those signed up in the range, conversion from signup by age, at any cohort grain', async () => {
  const { months, quarters } = await withSmallWarehouse(DATA, async (db) => ({
    months: await cohortMatrix(db, {
      from: '2024-01-01',
      to: '2024-04-30',
      asOf: '2024-04-15T00:00:00Z',
    }),
    quarters: await cohortMatrix(db, {
      from: '2024-01-01',
      to: '2024-03-31',
      grain: 'quarter',
      asOf: '2024-04-15T00:00:00Z',
    }),
  }));
  // e and f signed up in December 2023: not a left-cut cohort of the range.
  assert.deepEqual(
    months.cohorts.map((c) => [c.cohort, c.size]),
    [
      ['2024-01', 4], // a, b, c, g
      ['2024-02', 1], // d
    ],
  );
  const [jan, feb] = months.cohorts;
  // Converted by the end of January: a, b, g (c's trial ends in February); paying then a and b (g had
  // cancelled). February: all four have paid; a and c pay at its end. March: a, c and g pay.
  assert.deepEqual(
    jan?.cells.map((x) => [x.age, x.converted, x.conversion, x.customers, x.mrr]),
    [
      [0, 3, 0.75, 2, 150],
      [1, 4, 1, 2, 130],
      [2, 4, 1, 3, 240],
    ],
  );
  assert.deepEqual(
    feb?.cells.map((x) => [x.age, x.converted, x.customers]),
    [
      [0, 0, 0],
      [1, 0, 0],
    ],
  );
  // Averages by size: conversion at age 0 (3 + 0) / 5, age 1 (4 + 0) / 5, age 2 January's 4 / 4.
  assert.deepEqual(
    months.average.map((a) => [a.age, a.conversion, a.retention]),
    [
      [0, 0.6, 0.4],
      [1, 0.8, 0.4],
      [2, 1, 0.75],
    ],
  );
  // Q1: the five who signed up in it; by its end a, b, c and g have paid; a, c and g pay then (150 + 30 + 60).
  assert.deepEqual(
    quarters.cohorts.map((c) => [
      c.cohort,
      c.size,
      c.cells.map((x) => [x.age, x.converted, x.customers, x.mrr]),
    ]),
    [['2024-Q1', 5, [[0, 4, 3, 240]]]],
  );
});

test('a cohort grain finer than a week is refused with what to choose', async () => {
  await withSmallWarehouse(DATA, async (db) => {
    await assert.rejects(
      payingCohorts(db, { from: '2024-01-01', to: '2024-01-31', grain: 'day', asOf: '2024-04-15T00:00:00Z' }),
      /cohorts are by week, month, quarter, year, not by day/,
    );
  });
});
