// Identities that must hold on any data, checked on a generated company for every month: retention + churn
// = 1 (net classification); NRR = 1 − net revenue churn; MRR equals the bridge's end; referral churn and
// retention are the same identity on the referred customers. On the same company, the censoring rule
// (KPI-DEFAULTS.md): a windowed share counts a unit only once its window is over, so the recent months,
// whose open windows are left out, read no higher than the closed months do; and the months after the
// data give no value for any KPI (issue 15 item 3).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CATALOG } from '../../src/catalog/catalog.ts';
import { dataAsOf } from '../../src/compiler/as-of.ts';
import { computeKpis } from '../../src/compiler/compute.ts';
import { periodsBetween } from '../../src/compiler/periods.ts';
import { mrrBridge } from '../../src/compiler/views/mrr-bridge.ts';
import { ingest } from '../../src/ingest/ingest.ts';
import type { KpiResult } from '../../src/results/kpi-result.ts';
import { generateCompany } from '../../src/synth/generate.ts';
import { DuckDBEngine } from '../../src/warehouse/duckdb/duckdb-engine.ts';

describe('a generated company', () => {
  let dir = '';
  let db: DuckDBEngine;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tenure-identities-'));
    const data = join(dir, 'company');
    await generateCompany({ customers: 1500, months: 24, seed: 21, out: data });
    db = await DuckDBEngine.open(join(dir, 'tenure.duckdb'));
    await ingest(db, { dataDir: data });
  });
  after(async () => {
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });
  const request = { from: '2024-02-01', to: '2025-12-31', grain: 'month' as const };

  test('revenue identities hold every month, overall and by plan', async () => {
    const kpis = [
      'mrr',
      'customer_churn_rate',
      'customer_retention_rate',
      'net_revenue_retention',
      'net_revenue_churn',
      'referral_churn_rate',
      'referral_retention_rate',
    ];
    const bridge = await mrrBridge(db, periodsBetween(request.from, request.to, 'month'));
    for (const by of [undefined, 'plan']) {
      const rows = await computeKpis(db, { ...request, kpis, by });
      const get = new Map(rows.map((r) => [`${r.kpi}|${r.period_start}|${r.segment}`, r]));
      const value = (kpi: string, r: KpiResult) => get.get(`${kpi}|${r.period_start}|${r.segment}`)?.value;
      let checked = 0;
      for (const r of rows.filter((x) => x.kpi === 'customer_churn_rate' && x.value !== null)) {
        assert.ok(Math.abs((r.value ?? 0) + (value('customer_retention_rate', r) ?? Number.NaN) - 1) < 1e-12);
        const nrr = value('net_revenue_retention', r) ?? Number.NaN;
        assert.ok(Math.abs(nrr - (1 - (value('net_revenue_churn', r) ?? Number.NaN))) < 1e-12);
        checked++;
      }
      for (const r of rows.filter((x) => x.kpi === 'referral_churn_rate' && x.value !== null)) {
        assert.ok(Math.abs((r.value ?? 0) + (value('referral_retention_rate', r) ?? Number.NaN) - 1) < 1e-12);
      }
      assert.ok(checked >= 22, `${checked} periods checked`);
      // MRR summed over segments equals the bridge's end MRR.
      for (const b of bridge) {
        const total = rows
          .filter((x) => x.kpi === 'mrr' && x.period_start === b.period_start)
          .reduce((s, x) => s + (x.value ?? 0), 0);
        assert.ok(Math.abs(total - b.end_mrr) < 1e-6, b.period_start);
      }
    }
  });

  test('windowed shares: no censored month reads above the closed months', async () => {
    // The months whose windows are all over give the range; a month with open windows (the last ones) keeps
    // only its closed units, so it must not read above it. Counting open windows' early successes while
    // leaving out their open failures put this company's December at 60/67 = 0.90 for the first repeat
    // (closed months at most 0.70), 1/1 for exceeding value and 524/525 for renewals.
    // The range runs past the data (to March 2026): the months after it have no share at all.
    const kpis = [
      'time_to_first_repeat_action.repeat_share',
      'time_to_exceed_value.share_reaching',
      'downgrade_to_churn_conversion_rate',
      'customer_renewal_rate',
    ];
    const rows = await computeKpis(db, {
      ...request,
      to: '2026-03-31',
      kpis: [
        'time_to_first_repeat_action',
        'time_to_exceed_value',
        'downgrade_to_churn_conversion_rate',
        'customer_renewal_rate',
      ],
    });
    for (const kpi of kpis) {
      const own = rows.filter((r) => r.kpi === kpi);
      const closed = own
        .filter((r) => r.value !== null && !r.flags.includes('censored'))
        .map((r) => r.value ?? 0);
      // The recent months whose windows are open: null (no closed window yet) or within the closed range.
      const censored = own.filter((r) => r.flags.includes('censored'));
      assert.ok(closed.length >= 12, `${kpi}: ${closed.length} closed months`);
      assert.ok(censored.length >= 1, `${kpi}: some recent month is censored`);
      const highest = Math.max(...closed);
      for (const r of censored) {
        assert.ok(
          r.value === null || r.value <= highest,
          `${kpi} ${r.period_start.slice(0, 7)}: ${r.numerator}/${r.denominator} above the closed months' ${highest}`,
        );
      }
      for (const r of rows.filter((x) => x.kpi === kpi && x.period_start >= '2026-01-01'))
        assert.deepEqual([r.value, r.flags], [null, ['incomplete_period', 'no_data']], r.period_start);
    }
  });

  test('no KPI has a value for a period after the data, overall or by plan', async () => {
    // The data ends in December 2025 (as_of its latest moment): January to March 2026 observe nothing, so
    // every KPI, sub-result, feature and segment is null with no_data there, never a zero carried forward
    // (MRR, churn 0, engagement rate 0, the engagement score's share_low = 1). December keeps its values.
    const asOf = await dataAsOf(db);
    assert.ok(asOf?.startsWith('2025-12'), asOf);
    for (const by of [undefined, 'plan']) {
      const rows = await computeKpis(db, {
        kpis: 'all',
        from: '2025-12-01',
        to: '2026-03-31',
        grain: 'month',
        by,
      });
      const after = rows.filter((r) => r.period_start >= '2026-01-01');
      for (const def of CATALOG)
        for (const month of ['2026-01', '2026-02', '2026-03'])
          assert.ok(
            after.some((r) => r.kpi === def.id && r.period_start.startsWith(month)),
            `${def.id} ${month}: a row`,
          );
      for (const r of after)
        assert.deepEqual(
          [r.value, r.numerator, r.denominator, r.n, r.flags],
          [null, null, null, 0, ['incomplete_period', 'no_data']],
          `${r.kpi} ${r.period_start.slice(0, 7)} ${r.segment}`,
        );
      const december = rows.filter((r) => r.period_start.startsWith('2025-12') && r.kpi === 'mrr');
      assert.ok(december.length > 0 && december.every((r) => r.value !== null && r.value > 0));
    }
  });
});
