// The customer churn rate the catalog computes, by plan, agrees with the hazards the generator drew churn
// from (truth.json). Every churn decision of the generated data (a monthly anniversary of a monthly-billed
// spell, a renewal of an annual one) has a known probability; summed over the decisions inside the months
// measured, those give the churns to expect per plan and their variance. The KPI's numerators, summed over
// the same months, must lie within 4 standard deviations.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { computeKpis } from '../../src/compiler/compute.ts';
import { ingest } from '../../src/ingest/ingest.ts';
import { generateCompany } from '../../src/synth/generate.ts';
import {
  CompanyDb,
  DECISIONS_SQL,
  decisionProbability,
  readTruth,
  zScore,
} from '../../src/synth/test-helpers.ts';
import { DuckDBEngine } from '../../src/warehouse/duckdb/duckdb-engine.ts';

test('customer churn by plan, measured by the KPI, lies within sampling error of truth.json', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tenure-churn-truth-'));
  try {
    const data = join(dir, 'company');
    await generateCompany({ customers: 15000, months: 24, seed: 5, out: data });
    const truth = await readTruth(data);
    const db = await DuckDBEngine.open(join(dir, 'tenure.duckdb'));
    const months = new Set<string>();
    const observed = new Map<string, { churned: number; atRisk: number }>();
    try {
      await ingest(db, { dataDir: data });
      const rows = await computeKpis(db, {
        kpis: ['customer_churn_rate'],
        from: '2024-02-01',
        to: '2025-12-31',
        grain: 'month',
        by: 'plan',
        // The generator's window ends here; the last event may come earlier.
        asOf: `${truth.options.end}T00:00:00.000Z`,
      });
      for (const r of rows) {
        if (r.kpi !== 'customer_churn_rate' || r.flags.includes('incomplete_period')) continue;
        months.add(r.period_start.slice(0, 7));
        const o = observed.get(r.segment) ?? { churned: 0, atRisk: 0 };
        o.churned += r.numerator ?? 0;
        o.atRisk += r.denominator ?? 0;
        observed.set(r.segment, o);
      }
    } finally {
      await db.close();
    }
    const company = await CompanyDb.open(data);
    const expected = new Map<string, { churns: number; variance: number; decisions: number }>();
    try {
      const c = truth.parameters.churn;
      const a = truth.parameters.activation;
      const groups = await company.rows(
        DECISIONS_SQL(truth.options.end, c.checkin_lookback_days, a.window_days, a.milestones),
      );
      for (const g of groups) {
        if (!months.has(String(g.month))) continue;
        const p = decisionProbability(truth, g);
        const n = Number(g.n);
        const e = expected.get(String(g.customer_plan)) ?? { churns: 0, variance: 0, decisions: 0 };
        e.churns += n * p;
        e.variance += n * p * (1 - p);
        e.decisions += n;
        expected.set(String(g.customer_plan), e);
      }
    } finally {
      company.close();
    }
    assert.equal(months.size, 23, 'February 2024 to December 2025, every month complete');
    for (const plan of ['starter', 'growth', 'enterprise']) {
      const o = observed.get(plan);
      const e = expected.get(plan);
      assert.ok(o && e, `no churn measured for ${plan}`);
      // Enough churns to judge: the test is worthless on a handful. (Enterprise accounts, 10% of signups with
      // the lowest hazard and check-ins every quarter, expect about 30 over these 23 months.)
      assert.ok(e.churns > 25, `${plan}: only ${e.churns.toFixed(1)} churns expected`);
      const z = zScore(o.churned, e.churns, e.variance);
      assert.ok(
        z <= 4,
        `${plan}: the KPI counts ${o.churned} churns among ${o.atRisk} customer-months at risk; truth.json ` +
          `expects ${e.churns.toFixed(1)} over ${e.decisions} decisions (z = ${z.toFixed(2)})`,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
