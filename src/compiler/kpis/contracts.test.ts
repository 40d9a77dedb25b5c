import assert from 'node:assert/strict';
import { test } from 'node:test';
import { find, triple } from '../../../test/support/kpi-assert.ts';
import { withSmallWarehouse } from '../../../test/support/small-warehouse.ts';
import { periodsBetween } from '../periods.ts';
import { computeContractKpis, DEFAULT_CONTRACT_PARAMS } from './contracts.ts';

// asOf 2024-05-15; periods Jan–Apr 2024; window_days 90, grace_days 30.
// Downgrades (a change to a lower mrr above 0):
//   a pro: 100 → 60 Jan 10 (first), → 40 Jan 20 (not first), → 0 at Apr 9 00:00 = Jan 10 + 90 days (21 + 29 +
//     31 + 9): converted, the window's last instant included.
//   b pro: 200 → 150 Jan 15, never cancels; window over Apr 14 < asOf: not converted.
//   c basic: 100 → 50 at Feb 1 00:00 UTC (written +02:00): a boundary at the period start, in February;
//     → 0 Feb 20: converted.
//   d basic: 100 → 80 Mar 10; window ends Jun 8 > asOf and no cancel yet: censored.
//   e basic: 100 → 70 Mar 5; → 0 Apr 1: converted already, but its window ends Jun 3 > asOf: censored too
//     (a unit counts only once its window is over, in the numerator and the denominator alike).
//   f basic: 50 → 0 in January: a cancellation, not a downgrade.  g basic: 50 → 80: an upgrade.
const CUSTOMERS = `customer_id,signed_up_at,plan
  a,2023-01-01T00:00:00Z,pro
  b,2023-01-01T00:00:00Z,pro
  c,2023-01-01T00:00:00Z,basic
  d,2023-01-01T00:00:00Z,basic
  e,2023-01-01T00:00:00Z,basic
  f,2023-01-01T00:00:00Z,basic
  g,2023-01-01T00:00:00Z,basic`;
const SUBSCRIPTIONS = `customer_id,effective_at,mrr
  a,2023-01-01T00:00:00Z,100
  a,2024-01-10T00:00:00Z,60
  a,2024-01-20T00:00:00Z,40
  a,2024-04-09T00:00:00Z,0
  b,2023-01-01T00:00:00Z,200
  b,2024-01-15T00:00:00Z,150
  c,2023-01-01T00:00:00Z,100
  c,2024-02-01T02:00:00+02:00,50
  c,2024-02-20T00:00:00Z,0
  d,2023-01-01T00:00:00Z,100
  d,2024-03-10T00:00:00Z,80
  e,2023-01-01T00:00:00Z,100
  e,2024-03-05T00:00:00Z,70
  e,2024-04-01T00:00:00Z,0
  f,2023-01-01T00:00:00Z,50
  f,2024-01-05T00:00:00Z,0
  g,2023-01-01T00:00:00Z,50
  g,2024-02-05T00:00:00Z,80`;
// Contracts:
//   k1 (a) ends Jan 31; k2 (a) starts Mar 1 00:00 = Jan 31 + 30 days: renewed (grace's last instant included).
//   k8 (f) ends Jan 15; k9 (f) starts Mar 1, 46 days later: not renewed.
//   k3 (b) ends exactly Feb 1 00:00 UTC (written +01:00): in February; nothing follows: not renewed.
//   k4 (c) ends Feb 10, marked renewed.
//   k5 (d) ends Apr 30; grace until May 30 > asOf, nothing yet: censored.
//   k6 (e) ends Apr 20; k7 (e) was signed ahead and starts Apr 15: renewed, but its grace runs to May 20 >
//     asOf: censored until then.
// A later asOf, Jun 10, closes every window (d's Jun 8, e's Jun 3, k5's May 30, k6's May 20).
const CONTRACTS = `contract_id,customer_id,start_at,end_at,renewed
  k1,a,2023-01-31T00:00:00Z,2024-01-31T00:00:00Z,
  k2,a,2024-03-01T00:00:00Z,2025-03-01T00:00:00Z,
  k8,f,2023-01-15T00:00:00Z,2024-01-15T00:00:00Z,false
  k9,f,2024-03-01T00:00:00Z,2025-03-01T00:00:00Z,
  k3,b,2023-02-01T00:00:00Z,2024-02-01T01:00:00+01:00,
  k4,c,2023-02-10T00:00:00Z,2024-02-10T00:00:00Z,true
  k5,d,2024-01-01T00:00:00Z,2024-04-30T00:00:00Z,
  k6,e,2024-01-01T00:00:00Z,2024-04-20T00:00:00Z,
  k7,e,2024-04-15T00:00:00Z,2025-04-15T00:00:00Z,`;

const JAN = '2024-01-01T00:00:00.000Z';
const FEB = '2024-02-01T00:00:00.000Z';
const MAR = '2024-03-01T00:00:00.000Z';
const APR = '2024-04-01T00:00:00.000Z';

async function run(data: Record<string, string>, kpis: string[], by?: string, asOf = '2024-05-15') {
  return withSmallWarehouse(data, (db) =>
    computeContractKpis(db, {
      kpis,
      periods: periodsBetween('2024-01-01', '2024-04-30', 'month'),
      grain: 'month',
      by,
      asOf: `${asOf}T00:00:00.000Z`,
      minSample: 1,
      params: DEFAULT_CONTRACT_PARAMS,
    }),
  );
}
const ALL = { customers: CUSTOMERS, subscription_changes: SUBSCRIPTIONS, contracts: CONTRACTS };

test('downgrade to churn conversion: first downgrades in P, churned within 90 days, open windows censored', async () => {
  const rows = await run(ALL, ['downgrade_to_churn_conversion_rate']);
  const kpi = 'downgrade_to_churn_conversion_rate';
  assert.deepEqual(triple(find(rows, kpi, JAN)), [0.5, 1, 2]); // a converted, b not
  assert.deepEqual(triple(find(rows, kpi, FEB)), [1, 1, 1]); // c
  // March: d and e both have open windows, e although it has converted: no closed window, 0/0 (counting
  // e's early conversion while leaving d out read 1/1).
  const mar = find(rows, kpi, MAR);
  assert.deepEqual(triple(mar), [null, 0, 0]);
  assert.deepEqual(mar.flags, ['too_few', 'zero_denominator', 'censored']);
  const apr = find(rows, kpi, APR); // no downgrade in April
  assert.deepEqual(triple(apr), [null, 0, 0]);
  assert.deepEqual(apr.flags, ['too_few', 'zero_denominator']);
  assert.deepEqual(find(rows, kpi, JAN).flags, []);
  // As of Jun 10 both March windows are over: e converted, d did not → 1/2, nothing censored.
  const later = find(await run(ALL, [kpi], undefined, '2024-06-10'), kpi, MAR);
  assert.deepEqual(triple(later), [0.5, 1, 2]);
  assert.deepEqual(later.flags, []);
});

test('downgrade conversion broken down by plan', async () => {
  const rows = await run(ALL, ['downgrade_to_churn_conversion_rate'], 'plan');
  assert.deepEqual(triple(find(rows, 'downgrade_to_churn_conversion_rate', JAN, 'pro')), [0.5, 1, 2]);
  assert.deepEqual(triple(find(rows, 'downgrade_to_churn_conversion_rate', FEB, 'basic')), [1, 1, 1]);
  assert.deepEqual(find(rows, 'downgrade_to_churn_conversion_rate', FEB, 'pro').denominator, 0);
});

test('renewal rate: renewed within grace or marked renewed, over contracts whose grace has passed', async () => {
  const rows = await run(ALL, ['customer_renewal_rate']);
  const kpi = 'customer_renewal_rate';
  assert.deepEqual(triple(find(rows, kpi, JAN)), [0.5, 1, 2]); // k1 renewed, k8 not
  assert.deepEqual(triple(find(rows, kpi, FEB)), [0.5, 1, 2]); // k4 marked, k3 not
  const mar = find(rows, kpi, MAR); // no contract ends in March
  assert.equal(mar.value, null);
  assert.ok(mar.flags.includes('zero_denominator'));
  // April: k5 and k6 are both still in grace, k6 although renewed ahead: 0/0 (counting k6 while leaving
  // k5 out read 1/1).
  const apr = find(rows, kpi, APR);
  assert.deepEqual(triple(apr), [null, 0, 0]);
  assert.deepEqual(apr.flags, ['too_few', 'zero_denominator', 'censored']);
  // As of Jun 10 both graces are over: k6 renewed, k5 not → 1/2.
  const later = find(await run(ALL, [kpi], undefined, '2024-06-10'), kpi, APR);
  assert.deepEqual(triple(later), [0.5, 1, 2]);
  assert.deepEqual(later.flags, []);
});

test('renewal broken down by plan, and no_data without the table it needs', async () => {
  const rows = await run(ALL, ['customer_renewal_rate'], 'plan');
  assert.deepEqual(triple(find(rows, 'customer_renewal_rate', JAN, 'pro')), [1, 1, 1]); // k1
  assert.deepEqual(triple(find(rows, 'customer_renewal_rate', JAN, 'basic')), [0, 0, 1]); // k8
  const none = await run({ customers: CUSTOMERS }, [
    'customer_renewal_rate',
    'downgrade_to_churn_conversion_rate',
  ]);
  assert.equal(none.length, 8);
  for (const r of none) assert.deepEqual([r.value, r.flags], [null, ['no_data']]);
});
