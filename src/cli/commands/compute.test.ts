// `tenure compute`'s text output against the table a reader sees, written out by hand: each value in its
// unit and the project's currency, numerators and denominators as plain grouped numbers, a sub-result
// (whose unit the catalog does not state) as a plain number, a missing value as —.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CATALOG } from '../../catalog/catalog.ts';
import type { KpiResult } from '../../results/kpi-result.ts';
import { formatResults } from './compute.ts';

const row = (
  kpi: string,
  value: number | null,
  numerator: number | null,
  denominator: number | null,
  n = 0,
) =>
  ({
    kpi,
    period_start: '2025-11-01T00:00:00.000Z',
    period_end: '2025-12-01T00:00:00.000Z',
    segment: 'all',
    value,
    numerator,
    denominator,
    n,
    flags: value === null ? ['zero_denominator'] : [],
  }) satisfies KpiResult;

const ROWS: KpiResult[] = [
  row('mrr', 179021.9, 179021.9, null, 1204),
  row('mrr.arpa', 148.6893687707641, 179021.9, 1204, 1204),
  // 21 of 1,204 customers: 1.744…% → 1.7%.
  row('customer_churn_rate', 21 / 1204, 21, 1204, 1204),
  // LTV 6,987.10 over CAC 100 = 69.871, a multiple.
  row('ltv_to_cac_ratio', 69.871, 6987.1, 100, 42),
  row('net_promoter_score', 41, 41, null, 150),
  row('time_to_exceed_value', 3.25, 3.25, null, 80),
  row('revenue_churn_rate', null, 0, 0),
];

test('compute prints values in their unit: 1.7%, 69.9×, $179,021.90 — not 179021.9000', () => {
  assert.equal(
    formatResults(ROWS, CATALOG),
    [
      'kpi                   period      segment        value   numerator  denominator      n  flags',
      '--------------------  ----------  -------  -----------  ----------  -----------  -----  ----------------',
      'mrr                   2025-11-01  all      $179,021.90  179,021.90            —  1,204',
      'mrr.arpa              2025-11-01  all           148.69  179,021.90        1,204  1,204',
      'customer_churn_rate   2025-11-01  all             1.7%          21        1,204  1,204',
      'ltv_to_cac_ratio      2025-11-01  all            69.9×    6,987.10          100     42',
      'net_promoter_score    2025-11-01  all          41.0 pt          41            —    150',
      'time_to_exceed_value  2025-11-01  all         3.3 days      3.2500            —     80',
      'revenue_churn_rate    2025-11-01  all                —           0            0      0  zero_denominator',
    ].join('\n'),
  );
});

test("money in the project's currency", () => {
  const text = formatResults([ROWS[0] as KpiResult], CATALOG, 'EUR');
  assert.equal(text.split('\n')[2], 'mrr  2025-11-01  all      €179,021.90  179,021.90            —  1,204');
});
