// The base a move is priced on, from a hand-made company loaded into the warehouse (every engine the small
// warehouse runs), checked by hand; then a move through an identity equals the identity's arithmetic.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withSmallWarehouse } from '../../test/support/small-warehouse.ts';
import { CATALOG } from '../catalog/catalog.ts';
import { impactBaseline, priceKpiMove } from './impact-baseline.ts';

// Ten accounts a…j pay 100 from 2023-11-15. December: a expands to 150. January: c contracts to 60 (Jan 5),
// b cancels (Jan 20). February: k starts paying 200 (Feb 3), d cancels (Feb 10). as_of 2024-03-15.
// The 6 closed months before March with MRR at their start: December, January, February (November starts
// at 0 and is left out).
//   December: start 1,000 (10 customers); expansion 50;                     end 1,050
//   January:  start 1,050 (10);          contraction 40, churn 100 (1);     end   910
//   February: start   910 (9);           new 200 (1), churn 100 (1);        end 1,010 (9 customers)
const ACCOUNTS = 'abcdefghij'.split('');
const DATA = {
  customers: `customer_id,signed_up_at,plan
    ${[...ACCOUNTS, 'k'].map((c) => `${c},2023-11-01T00:00:00Z,pro`).join('\n')}`,
  subscription_changes: `customer_id,effective_at,mrr
    ${ACCOUNTS.map((c) => `${c},2023-11-15T00:00:00Z,100`).join('\n')}
    a,2023-12-10T00:00:00Z,150
    c,2024-01-05T00:00:00Z,60
    b,2024-01-20T00:00:00Z,0
    k,2024-02-03T00:00:00Z,200
    d,2024-02-10T00:00:00Z,0`,
};
const AS_OF = '2024-03-15T00:00:00.000Z';
const CATALOG_ONLY = { definitions: CATALOG, applied: [], custom: [] };

const close = (actual: number | undefined, expected: number, what: string) =>
  assert.ok(Math.abs((actual ?? Number.NaN) - expected) < 1e-9, `${what}: ${actual} ≠ ${expected}`);

test('the base: the bridge of the closed months with MRR, summed, and a move through an identity', async () => {
  const [b, moved] = await withSmallWarehouse(DATA, async (db) => [
    await impactBaseline(db, CATALOG_ONLY, { asOf: AS_OF }),
    await priceKpiMove(db, CATALOG_ONLY, {
      kpi: 'expansion_revenue_growth_rate',
      change: 0.01,
      horizon: 1,
      asOf: AS_OF,
    }),
  ]);
  assert.equal(b.months, 3);
  assert.equal(b.from, '2023-12-01T00:00:00.000Z');
  assert.equal(b.to, '2024-03-01T00:00:00.000Z');
  assert.equal(b.mrr, 1010);
  assert.equal(b.customers, 9);
  // Σ start MRR = 1,000 + 1,050 + 910 = 2,960.
  close(b.expansion_rate, 50 / 2960, 'e');
  close(b.contraction_rate, 40 / 2960, 'd');
  close(b.churn_rate, 200 / 2960, 'c');
  close(b.inflow_mrr, 200 / 3, 'inflow');
  close(b.inflow_customers, 1 / 3, 'new customers');
  // 2 churned of 10 + 10 + 9 at the starts; a churned customer paid 100 against 2,960 / 29 on average.
  close(b.logo_churn_rate, 2 / 29, 'logo churn');
  close(b.churner_mrr_ratio, 100 / (2960 / 29), 'churner ratio');
  // Monthly net retention 1.05, 1 − 140/1,050, 1 − 100/910: its mean's standard error, t(0.975, 2) = 4.303.
  const nets = [1.05, 1 - 140 / 1050, 1 - 100 / 910];
  const mean = nets.reduce((s, x) => s + x, 0) / 3;
  const sd = Math.sqrt(nets.reduce((s, x) => s + (x - mean) ** 2, 0) / 2);
  close(b.net_rate_standard_error, sd / Math.sqrt(3), 'standard error');
  assert.ok(Math.abs(b.t_quantile - 4.302652729911275) < 1e-9);
  // Expansion +1 point for one month: 1,010 × 0.01 = +10.10 MRR, NRR +1 point, whatever the rest.
  close(moved.mrr.change, 10.1, 'MRR change');
  close(moved.net_revenue_retention.change, 0.01, 'NRR change');
  close(moved.mrr.baseline, 1010 * (1 + (50 - 40 - 200) / 2960) + 200 / 3, 'MRR without');
});

test('too little history is refused, naming as_of', async () => {
  await withSmallWarehouse(DATA, async (db) => {
    await assert.rejects(
      impactBaseline(db, CATALOG_ONLY, { asOf: '2024-01-15T00:00:00.000Z' }),
      /at least 2 of the 6 closed months/,
    );
    return [];
  });
});
