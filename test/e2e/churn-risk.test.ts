// The churn-risk model on a generated company (10,000 customers, 24 months). The generator's churn hazard
// depends on plan, channel, activation, referral and recent check-ins, usage decays for months before a
// churn and survey scores drop (src/synth/truth.ts), so behaviour must rank churners better than tenure
// alone on the held-out months. Features must not move when rows after the snapshot change, and inputs
// that cannot be fitted must say why.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { TenureError } from '../../src/errors/tenure-error.ts';
import { ingest } from '../../src/ingest/ingest.ts';
import { featureEvents } from '../../src/risk/feature-events.ts';
import { featureRows, riskReport, scoreCustomers, type TrainedRisk, trainRisk } from '../../src/risk/risk.ts';
import { generateCompany } from '../../src/synth/generate.ts';
import { DuckDBEngine } from '../../src/warehouse/duckdb/duckdb-engine.ts';
import { CLI } from '../support/cli.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DAY_MS = 86_400_000;

async function company(dir: string, name: string, customers: number, months: number, seed: number) {
  const data = join(dir, name);
  await generateCompany({ customers, months, seed, out: data });
  const engine = await DuckDBEngine.open(join(dir, `${name}.duckdb`));
  await ingest(engine, { dataDir: data });
  return engine;
}

const refusal = (field: string, pattern: RegExp) => (e: unknown) =>
  e instanceof TenureError && e.code === 'bad_input' && e.where.field === field && pattern.test(e.message);

describe('churn risk on a generated company', () => {
  let dir = '';
  let engine: DuckDBEngine;
  let trained: TrainedRisk;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tenure-risk-'));
    engine = await company(dir, 'big', 10000, 24, 21);
    trained = await trainRisk(engine, {});
  });
  after(async () => {
    await engine?.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('the model beats a tenure-only baseline in AUC on the held-out months', () => {
    const h = trained.heldOut;
    assert.deepEqual(
      trained.snapshots.heldOut.map((d) => new Date(d * DAY_MS).toISOString().slice(0, 10)),
      ['2025-11-01', '2025-12-01'],
    );
    // Every training label window closes before the first held-out snapshot.
    const firstHeldOut = trained.snapshots.heldOut[0] as number;
    for (const t of trained.snapshots.training) assert.ok(t + trained.horizonDays <= firstHeldOut);
    assert.ok(h.churns >= 50, `${h.churns} held-out churns`);
    assert.ok(h.auc > h.baselineAuc + 0.1, `model AUC ${h.auc} vs baseline ${h.baselineAuc}`);
    assert.ok(h.auc > 0.7, `model AUC ${h.auc}`);
    // Better calibrated than tenure alone, and the reliability bins cover every held-out row.
    assert.ok(h.brier < h.baselineBrier, `Brier ${h.brier} vs ${h.baselineBrier}`);
    assert.equal(
      h.reliability.reduce((s, b) => s + b.n, 0),
      h.rows,
    );
  });

  test('every fitted coefficient comes with a standard error and a 95% interval around it', () => {
    for (const fit of [trained.model.fit, trained.baseline.fit]) {
      assert.equal(fit.converged, true);
      for (const c of fit.coefficients) {
        const se = c.standardError;
        assert.ok(se !== null && se > 0 && Number.isFinite(se), `${c.name}: SE ${se}`);
        assert.ok(c.lower !== null && c.upper !== null && c.lower < c.estimate && c.estimate < c.upper);
      }
    }
    // The generator lowers churn for activated accounts and for a recent check-in, and more for higher
    // plans: those coefficients must come out negative.
    const coef = (name: string) => trained.model.fit.coefficients.find((c) => c.name === name);
    for (const name of ['activated', 'checked_in_90d', 'plan:enterprise'])
      assert.ok((coef(name)?.upper ?? 1) < 0, `${name}: ${JSON.stringify(coef(name))}`);
  });

  test('scores list paying customers riskiest first, each with drivers and MRR at stake', async () => {
    const scored = await scoreCustomers(engine, trained);
    const report = riskReport(trained, scored, 10);
    assert.equal(report.scored_at, '2026-01-01T00:00:00.000Z');
    assert.equal(report.customers.length, 10);
    for (let i = 1; i < report.customers.length; i++)
      assert.ok((report.customers[i - 1]?.probability ?? 0) >= (report.customers[i]?.probability ?? 0));
    for (const c of report.customers) {
      assert.ok(c.mrr > 0);
      assert.ok(c.drivers.length > 0 && c.drivers.length <= 3);
      for (const d of c.drivers) assert.ok(d.contribution > 0 && d.text.length > 0);
    }
    const total = scored.reduce((s, r) => s + r.probability * r.row.mrr, 0);
    assert.equal(report.expected_mrr_lost, total);
    assert.equal(
      report.listed_mrr,
      report.customers.reduce((s, c) => s + c.mrr, 0),
    );
  });

  test('tenure risk --json prints the report the library computes', async () => {
    // DuckDB lets one process write a file: the CLI runs while the test's connection is closed.
    await engine.close();
    const out = spawnSync(
      process.execPath,
      [...CLI, 'risk', '--db', join(dir, 'big.duckdb'), '--top', '3', '--json'],
      { cwd: ROOT, encoding: 'utf8' },
    );
    engine = await DuckDBEngine.open(join(dir, 'big.duckdb'));
    assert.equal(out.status, 0, out.stderr);
    const report = JSON.parse(out.stdout);
    assert.equal(report.customers.length, 3);
    assert.equal(report.model.auc, trained.heldOut.auc);
    assert.equal(report.model.training_rows, trained.training.rows);
    const scored = await scoreCustomers(engine, trained);
    assert.deepEqual(
      report.customers.map((c: { customer_id: string }) => c.customer_id),
      scored.slice(0, 3).map((s) => s.row.customer_id),
    );
  });

  test('no feature reads rows after its snapshot: changing the future leaves the features as they were', async () => {
    const snapshot = Date.UTC(2025, 5, 1) / DAY_MS; // 2025-06-01
    const at = new Date(snapshot * DAY_MS).toISOString();
    const strip = (rows: Awaited<ReturnType<typeof featureRows>>) => rows.map(({ churned: _, ...f }) => f);
    const before = await featureRows(engine, [snapshot], 30, featureEvents());
    assert.ok(before.some((r) => r.churned === 1));
    // Rewrite everything from the snapshot on: drop future events, answers and check-ins, cancel every
    // subscription at the snapshot's instant and add bad answers and check-ins afterwards.
    await engine.run('DELETE FROM events WHERE occurred_at >= CAST($1 AS TIMESTAMPTZ)', [at]);
    await engine.run('DELETE FROM checkins WHERE occurred_at >= CAST($1 AS TIMESTAMPTZ)', [at]);
    await engine.run('UPDATE feedback SET score = 0 WHERE answered_at >= CAST($1 AS TIMESTAMPTZ)', [at]);
    await engine.run('DELETE FROM subscription_changes WHERE effective_at >= CAST($1 AS TIMESTAMPTZ)', [at]);
    await engine.run(
      `INSERT INTO subscription_changes (customer_id, effective_at, mrr, reason)
       SELECT DISTINCT customer_id, CAST($1 AS TIMESTAMPTZ), 0, 'cancel' FROM subscription_changes`,
      [at],
    );
    const afterRows = await featureRows(engine, [snapshot], 30, featureEvents());
    assert.deepEqual(strip(afterRows), strip(before));
    // Only the label looked ahead: now every customer churns at the snapshot.
    assert.ok(afterRows.every((r) => r.churned === 1));
  });
});

describe('inputs the churn-risk model cannot fit', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tenure-risk-small-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('too few customers, no events, no churns, no subscription changes, too short a history: each says what to do', async () => {
    const tiny = await company(dir, 'tiny', 60, 24, 4);
    try {
      await assert.rejects(trainRisk(tiny), refusal('customers', /only \d+ customers were paying/));
    } finally {
      await tiny.close();
    }
    const small = await company(dir, 'small', 800, 24, 4);
    try {
      await assert.rejects(trainRisk(small, { horizonDays: 400 }), /horizon must be a whole number of days/);
      await assert.rejects(
        trainRisk(small, { asOf: '2024-03-01T00:00:00Z' }),
        refusal('subscription_changes', /too short/),
      );
      // Without events the model still fits on the rest, and says which features it left out.
      await small.run('DELETE FROM events');
      const noEvents = await trainRisk(small);
      const leftOut = riskReport(noEvents, [], 1).model.left_out;
      for (const f of ['log_events_30d', 'usage_trend', 'active_days_30d', 'features_30d', 'activated'])
        assert.ok(leftOut.includes(f), `${f} left out: ${leftOut.join(', ')}`);
      await small.run('DELETE FROM subscription_changes WHERE mrr = 0');
      await assert.rejects(trainRisk(small), refusal('subscription_changes', /no churns/));
      await small.run('DELETE FROM subscription_changes');
      await assert.rejects(trainRisk(small), refusal('subscription_changes', /no subscription changes/));
    } finally {
      await small.close();
    }
  });
});
