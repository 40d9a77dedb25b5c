import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withSmallWarehouse } from '../../../test/support/small-warehouse.ts';
import { CATALOG } from '../../catalog/catalog.ts';
import { TenureError } from '../../errors/tenure-error.ts';
import { computeRevenueKpis } from '../kpis/revenue.ts';
import { periodsBetween } from '../periods.ts';
import { mrrBridge } from '../views/mrr-bridge.ts';
import { payingCohorts } from '../views/paying-cohorts.ts';
import { DRILLABLE, explainRows, type RowsRequest, wholeMonths } from './explain-rows.ts';
import { KPI_ROWS } from './revenue-rows.ts';

// The revenue tests' dataset (kpis/revenue.test.ts):
//   a pro organic; b basic, referred by a; c basic; d pro, referred by b; e basic.
//   a: 100 (Jan 10) → 150 (Feb 15) → 0 (Mar 1 00:00).   b: 200 (Jan 5) → 120 (Feb 10, a downgrade).
//   c: 50 → 0 inside February.   d: 80 → 0 inside January, back at 90 on Mar 10.   e: starts April 1 UTC.
const DATA = {
  customers: `customer_id,signed_up_at,plan,channel,referred_by
    a,2024-01-01T00:00:00Z,pro,organic,
    b,2024-01-01T00:00:00Z,basic,referral,a
    c,2024-01-01T00:00:00Z,basic,organic,
    d,2024-01-01T00:00:00Z,pro,paid_search,b
    e,2024-01-01T00:00:00Z,basic,organic,`,
  subscription_changes: `customer_id,effective_at,mrr
    a,2024-01-10T00:00:00Z,100
    a,2024-02-15T00:00:00Z,150
    a,2024-03-01T00:00:00Z,0
    b,2024-01-05T00:00:00Z,200
    b,2024-02-10T00:00:00Z,120
    c,2024-02-03T00:00:00Z,50
    c,2024-02-20T00:00:00Z,0
    d,2024-01-20T00:00:00Z,80
    d,2024-01-25T00:00:00Z,0
    d,2024-03-10T00:00:00Z,90
    e,2024-03-31T23:00:00-02:00,70`,
};

const ask = (result: string, period: string, extra: Partial<RowsRequest> = {}): RowsRequest => ({
  result,
  period,
  side: 'numerator',
  grain: 'month',
  limit: 100,
  offset: 0,
  catalog: CATALOG,
  ...extra,
});

/** customer id → contribution, for a compact comparison. */
const listed = (rows: { customer_id: string; contribution: number }[]) =>
  rows.map((r) => [r.customer_id, r.contribution]);

test('March: the customers behind churn, the bridge bars, NRR; filtered by plan; paged', async () => {
  const out = await withSmallWarehouse(DATA, async (db) => ({
    churned: await explainRows(db, ask('customer_churn_rate', '2024-03-15')),
    payingAtStart: await explainRows(db, ask('customer_churn_rate', '2024-03-15', { side: 'denominator' })),
    reactivated: await explainRows(db, ask('mrr_bridge.reactivation_mrr', '2024-03-01')),
    churnedMrr: await explainRows(db, ask('mrr_bridge.churn_mrr', '2024-03-01')),
    endMrr: await explainRows(db, ask('mrr_bridge.end_mrr', '2024-03-01')),
    proEnd: await explainRows(
      db,
      ask('mrr_bridge.end_mrr', '2024-03-01', { filters: [{ by: 'plan', value: 'pro' }] }),
    ),
    nrrFeb: await explainRows(db, ask('net_revenue_retention', '2024-02-01', { side: 'denominator' })),
    secondPage: await explainRows(
      db,
      ask('net_revenue_retention', '2024-02-01', { side: 'denominator', limit: 1, offset: 1 }),
    ),
    netChurnFeb: await explainRows(db, ask('net_revenue_churn', '2024-02-01')),
    downgraded: await explainRows(db, ask('customer_downgrade_rate', '2024-02-01')),
  }));
  // a paid 150 at March 1 (its cancellation is effective exactly then) and 0 at its end: churned, 1 of 2.
  assert.deepEqual(listed(out.churned.rows), [['a', 1]]);
  assert.equal(out.churned.total, 1);
  assert.deepEqual([out.churned.numerator, out.churned.denominator, out.churned.value], [1, 2, 0.5]);
  const a = out.churned.rows[0];
  assert.deepEqual(
    [a?.mrr_start, a?.mrr_end, a?.movement, a?.plan, a?.channel, a?.tenure_months],
    [150, 0, 'churn', 'pro', 'organic', 2], // first paid January 10; April 1 is 2 whole months and 22 days on
  );
  assert.deepEqual(listed(out.payingAtStart.rows), [
    ['a', 1],
    ['b', 1],
  ]);
  assert.equal(out.payingAtStart.unit, 'count');
  // d paid in January, so its return in March is a reactivation; the bridge's end is b 120 + d 90.
  assert.deepEqual(listed(out.reactivated.rows), [['d', 90]]);
  assert.deepEqual(listed(out.churnedMrr.rows), [['a', 150]]);
  assert.deepEqual(listed(out.endMrr.rows), [
    ['b', 120],
    ['d', 90],
  ]);
  assert.equal(out.endMrr.numerator, 210);
  assert.equal(out.endMrr.unit, 'currency');
  assert.deepEqual(listed(out.proEnd.rows), [['d', 90]]);
  assert.deepEqual(out.proEnd.filter, [{ by: 'plan', value: 'pro' }]);
  // February's NRR: (150 + 120) / (100 + 200); its denominator's rows, largest first, and a page of one.
  assert.deepEqual(listed(out.nrrFeb.rows), [
    ['b', 200],
    ['a', 100],
  ]);
  assert.deepEqual([out.nrrFeb.numerator, out.nrrFeb.denominator], [270, 300]);
  assert.deepEqual(listed(out.secondPage.rows), [['a', 100]]);
  assert.equal(out.secondPage.total, 2);
  // Net revenue churn: b's contraction (+80) and a's expansion (−50) both move it: 30 over 300.
  assert.deepEqual(listed(out.netChurnFeb.rows), [
    ['b', 80],
    ['a', -50],
  ]);
  assert.equal(out.netChurnFeb.numerator, 30);
  assert.deepEqual(listed(out.downgraded.rows), [['b', 1]]);
  assert.equal(out.downgraded.rows[0]?.movement, 'contraction');
});

test('every listed KPI and bridge bar adds up to what computeKpis and the bridge give, month by month', async () => {
  const periods = periodsBetween('2024-01-01', '2024-03-31', 'month');
  const kpis = Object.keys(KPI_ROWS).filter((id) => !id.includes('.'));
  await withSmallWarehouse(DATA, async (db) => {
    const computed = await computeRevenueKpis(db, {
      kpis,
      periods,
      grain: 'month',
      asOf: '2026-01-01T00:00:00.000Z',
      minSample: 1,
    });
    const bridge = await mrrBridge(db, periods);
    for (const p of periods) {
      for (const id of kpis) {
        const r = computed.find((x) => x.kpi === id && x.period_start === p.start);
        const rows = await explainRows(db, ask(id, p.start.slice(0, 10)));
        assert.equal(rows.numerator, r?.numerator, `${id} ${p.start} numerator`);
        assert.equal(rows.denominator, r?.denominator, `${id} ${p.start} denominator`);
        assert.equal(rows.value, r?.value, `${id} ${p.start} value`);
        assert.equal(
          rows.rows.reduce((s, x) => s + x.contribution, 0),
          r?.numerator,
          `${id} ${p.start}: rows`,
        );
      }
      const b = bridge.find((x) => x.period_start === p.start);
      for (const id of DRILLABLE.filter((d) => d.startsWith('mrr_bridge.'))) {
        const measure = id.slice('mrr_bridge.'.length) as keyof typeof b;
        const rows = await explainRows(db, ask(id, p.start.slice(0, 10)));
        assert.equal(rows.numerator, b?.[measure], `${id} ${p.start}`);
      }
    }
  });
});

test('refusals name what to ask instead', async () => {
  await withSmallWarehouse(DATA, async (db) => {
    const refused = async (req: RowsRequest, field: string, pattern: RegExp) => {
      await assert.rejects(explainRows(db, req), (e: unknown) => {
        assert.ok(e instanceof TenureError);
        assert.equal(e.code, 'bad_input');
        assert.equal(e.where.field, field);
        assert.match(`${e.message} ${e.hint}`, pattern);
        return true;
      });
    };
    await refused(ask('mrr', '2024-03-01', { side: 'denominator' }), 'side', /amount.*side=numerator/);
    await refused(ask('drop_off_rate', '2024-03-01'), 'result', /customer_churn_rate/);
    await refused(ask('customer_churn_rate', '2024-06-01'), 'period', /after the data's end/);
    await refused(ask('customer_churn_rate', '2024-03-01', { limit: 0 }), 'limit', /1 to 10000/);
    await refused(
      ask('customer_churn_rate', '2024-03-01', { filters: [{ by: 'planet', value: 'x' }] }),
      'filter',
      /plan/,
    );
    return null;
  });
});

test('whole months of tenure: a month counts once its day is reached', () => {
  assert.equal(wholeMonths('2024-01-10T00:00:00.000Z', '2024-04-01T00:00:00.000Z'), 2);
  assert.equal(wholeMonths('2024-01-10T00:00:00.000Z', '2024-04-10T00:00:00.000Z'), 3);
  assert.equal(wholeMonths('2024-01-31T00:00:00.000Z', '2024-02-29T00:00:00.000Z'), 0);
  assert.equal(wholeMonths('2023-11-01T00:00:00.000Z', '2024-11-01T00:00:00.000Z'), 12);
  assert.equal(wholeMonths('2024-05-01T00:00:00.000Z', '2024-04-01T00:00:00.000Z'), 0);
});

test('the bridge of one plan balances and equals the sum of its customers', async () => {
  await withSmallWarehouse(DATA, async (db) => {
    const march = periodsBetween('2024-03-01', '2024-03-31', 'month');
    const [pro] = await mrrBridge(db, march, [{ by: 'plan', value: 'pro' }]);
    // Pro: a (150 at March 1, cancelled then) and d (back at 90 on March 10).
    assert.deepEqual(
      [pro?.start_mrr, pro?.reactivation_mrr, pro?.churn_mrr, pro?.end_mrr, pro?.customers_end],
      [150, 90, 150, 90, 1],
    );
    const rows = await explainRows(
      db,
      ask('mrr_bridge.end_mrr', '2024-03-01', { filters: [{ by: 'plan', value: 'pro' }] }),
    );
    assert.equal(rows.numerator, pro?.end_mrr);
    await assert.rejects(mrrBridge(db, march, [{ by: 'planet', value: 'x' }]), /planet/);
    return null;
  });
});

test('a cell of the cohorts of first payments: its members, paying or not at the end of its age', async () => {
  // January's cohort: b (first paid Jan 5, 200), a (Jan 10, 100), d (Jan 20, 80).
  const out = await withSmallWarehouse(DATA, async (db) => {
    const cell = (result: string, age: number, side: 'numerator' | 'denominator' = 'numerator') =>
      explainRows(db, ask(result, '2024-01-15', { age, side }));
    const view = await payingCohorts(db, {
      from: '2024-01-01',
      to: '2024-03-31',
      grain: 'month',
      asOf: '2024-04-01T01:00:00.000Z',
    });
    return {
      age0: await cell('paying_cohorts.retention', 0),
      age1: await cell('paying_cohorts.retention', 1),
      age2: await cell('paying_cohorts.retention', 2),
      members: await cell('paying_cohorts.retention', 2, 'denominator'),
      revenue1: await cell('paying_cohorts.revenue_retention', 1),
      view: view.cohorts.find((c) => c.cohort_start.startsWith('2024-01')),
      tooOld: await explainRows(db, ask('paying_cohorts.retention', '2024-01-15', { age: 3 })).catch(
        (e: TenureError) => e.where.field,
      ),
    };
  });
  // Age 0: all three (they paid in January), though d stopped in January.
  assert.deepEqual(listed(out.age0.rows), [
    ['a', 1],
    ['b', 1],
    ['d', 1],
  ]);
  // Age 1 (March 1): a still pays 150 (its cancellation is effective then), b 120; d does not.
  assert.deepEqual(listed(out.age1.rows), [
    ['a', 1],
    ['b', 1],
  ]);
  // Age 2 (April 1): b 120 and d, back at 90 in March.
  assert.deepEqual(listed(out.age2.rows), [
    ['b', 1],
    ['d', 1],
  ]);
  assert.deepEqual(
    out.members.rows.map((r) => [r.customer_id, r.movement]),
    [
      ['a', 'stopped paying'],
      ['b', 'paying'],
      ['d', 'paying'],
    ],
  );
  // Revenue at age 1: (150 + 120) over starting MRR 100 + 200 + 80.
  assert.deepEqual([out.revenue1.numerator, out.revenue1.denominator], [270, 380]);
  // The same numbers as the cohort view's cells.
  const cells = out.view?.cells ?? [];
  assert.deepEqual(
    [out.age0, out.age1, out.age2].map((a) => a.numerator),
    cells.slice(0, 3).map((c) => c.customers),
  );
  assert.equal(out.revenue1.numerator, cells[1]?.mrr);
  assert.equal(out.revenue1.denominator, out.view?.starting_mrr);
  assert.equal(out.tooOld, 'age');
});
