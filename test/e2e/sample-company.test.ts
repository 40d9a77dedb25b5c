// `npm start`'s sample company — the generator's defaults, which the demo uses: 2000 customers, 24 months to
// 2026-01-01, seed 1 — looks like a real SaaS company: its headline KPIs land in the ranges of published
// benchmarks that docs/sample-company.md states with their sources. The last complete month is November
// 2025 (the data ends on 2025-12-31, so December is the month in progress, as the demo shows it); the 12
// months judged are December 2024 to November 2025.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { computeKpis } from '../../src/compiler/compute.ts';
import { ingest } from '../../src/ingest/ingest.ts';
import type { KpiResult } from '../../src/results/kpi-result.ts';
import { generateCompany } from '../../src/synth/generate.ts';
import { DEFAULTS } from '../../src/synth/options.ts';
import { DuckDBEngine } from '../../src/warehouse/duckdb/duckdb-engine.ts';

const FIRST = '2024-12-01';
const LAST = '2025-11-01';
const ARR_FLOOR = 1_000_000;

describe('the sample company against published SaaS benchmarks', () => {
  let dir = '';
  let monthly: KpiResult[] = [];
  let quarterly: KpiResult[] = [];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tenure-sample-'));
    const data = join(dir, 'company');
    await generateCompany({ ...DEFAULTS, out: data, format: 'csv' });
    const db = await DuckDBEngine.open(join(dir, 'tenure.duckdb'));
    try {
      await ingest(db, { dataDir: data });
      // MRR from a year before the window: NRR over 12 months is judged where the base it grows from is
      // a company the benchmark surveys (at least $1M ARR).
      monthly = await computeKpis(db, {
        kpis: [
          'mrr',
          'ltv_to_cac_ratio',
          'customer_churn_rate',
          'net_revenue_retention',
          'feature_adoption_rate',
          'stickiness_ratio',
          'net_promoter_score',
          'time_to_first_repeat_action',
        ],
        from: '2023-12-01',
        to: '2025-11-30',
        grain: 'month',
      });
      quarterly = await computeKpis(db, {
        kpis: ['net_promoter_score'],
        from: '2024-10-01',
        to: '2025-09-30',
        grain: 'quarter',
      });
    } finally {
      await db.close();
    }
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** The KPI's (or sub-result's) values by month, December 2024 to November 2025. */
  const series = (kpi: string, from = FIRST): KpiResult[] => {
    const rows = monthly.filter(
      (r) => r.kpi === kpi && r.segment === 'all' && r.period_start.slice(0, 10) >= from,
    );
    assert.equal(rows.at(-1)?.period_start.slice(0, 10), LAST, `${kpi} reaches November 2025`);
    return rows;
  };
  const within = (rows: readonly KpiResult[], lo: number, hi: number, what: string) => {
    for (const r of rows) {
      assert.ok(r.value !== null, `${what} ${r.period_start.slice(0, 7)}: no value (${r.flags.join(', ')})`);
      assert.ok(
        r.value >= lo && r.value <= hi,
        `${what} ${r.period_start.slice(0, 7)}: ${r.value} not in ${lo}–${hi}`,
      );
    }
  };

  test('the last complete month is November 2025, complete and judged on enough units', () => {
    for (const kpi of [
      'customer_churn_rate',
      'feature_adoption_rate',
      'stickiness_ratio',
      'ltv_to_cac_ratio',
    ]) {
      const last = series(kpi).at(-1) as KpiResult;
      assert.deepEqual(last.flags, [], `${kpi} in November 2025: ${last.flags.join(', ')}`);
    }
  });

  test('LTV to CAC 3–6 (Skok’s 3:1 convention) from February 2025, once the trailing churn has a base', () => {
    // The LTV's churn is the mean of the 12 months before; until January 2025 those include the company's
    // first months of 2024, when a single churn among a few dozen customers moves a month's rate by points.
    within(series('ltv_to_cac_ratio', '2025-02-01'), 3, 6, 'LTV:CAC');
  });

  test('monthly logo churn 1–5% (Recurly’s B2B average ≈ 5% a month) every month', () => {
    within(series('customer_churn_rate'), 0.01, 0.05, 'logo churn');
  });

  test('NRR over 12 months 95–115% (SaaS Capital 2023) wherever the base was a company of $1M ARR', () => {
    const mrr = new Map(
      monthly.filter((r) => r.kpi === 'mrr').map((r) => [r.period_start.slice(0, 7), r.value ?? 0]),
    );
    // A month's NRR over 12 months compares MRR at its end with the same customers' MRR a year earlier:
    // at the end of the month 12 months before.
    const judged = series('net_revenue_retention.nrr_12m').filter((r) => {
      const base = new Date(r.period_start);
      base.setUTCFullYear(base.getUTCFullYear() - 1);
      return (mrr.get(base.toISOString().slice(0, 7)) ?? 0) * 12 >= ARR_FLOOR;
    });
    // The company passed $1M ARR in mid-2024, so at least the last five months are judged.
    assert.ok(judged.length >= 5, `${judged.length} months with a base of $1M ARR`);
    within(judged, 0.95, 1.15, 'NRR over 12 months');
  });

  test('ongoing feature adoption 15–40% (Userpilot 2024: core features 24.5% on average) every month', () => {
    within(series('feature_adoption_rate'), 0.15, 0.4, 'feature adoption');
  });

  test('DAU/MAU 10–30% (SaaS: 15% average, 30% great) every month', () => {
    within(series('stickiness_ratio'), 0.1, 0.3, 'DAU/MAU');
  });

  test('NPS every month on at least 30 answers; quarterly NPS 20–50 (B2B SaaS averages 30–40)', () => {
    for (const r of series('net_promoter_score')) {
      assert.ok(r.value !== null && r.n >= 30, `NPS ${r.period_start.slice(0, 7)}: ${r.n} answers`);
    }
    const quarters = quarterly.filter((r) => r.kpi === 'net_promoter_score' && r.segment === 'all');
    assert.equal(quarters.length, 4);
    within(quarters, 20, 50, 'quarterly NPS');
  });

  test('time to first repeat of a key action 1–14 days: a report made again on a later visit', () => {
    within(series('time_to_first_repeat_action'), 1, 14, 'time to first repeat');
  });
});
