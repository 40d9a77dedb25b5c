// `analyze` recovers the experiment the generator planted (truth.json), and DuckDB and PostgreSQL reduce the
// generated company's experiment to the same sufficient statistics. One company, generated and loaded into
// both engines once, serves every test here.
//
// What the planted effect implies for the outcome measured. truth.json: the treatment multiplies the
// monthly churn hazard h by m = parameters.experiment.true_effect.churn_hazard_multiplier (0.8). A unit is
// assigned at signup; a converting customer first pays trial.days (14) later, and a monthly-billed one faces
// a churn decision at each monthly anniversary start + k months (k ≥ 1) with probability h_k (its plan,
// channel, activation, referral and recent check-in at that time — none of which the treatment changes);
// an annual one only at k = 12. Within 180 days of assignment lie exactly the anniversaries k = 1…5
// (14 days + 5 months ≤ 14 + 153 = 167 < 180 ≤ 14 + 181, the least 6 months), so a monthly payer churns
// within 180 days with probability f(1) = 1 − Π_k (1 − h_k) in control and f(m) = 1 − Π_k (1 − m·h_k)
// treated; annual payers and customers who never convert (the treatment changes neither share) do not churn
// in that time. g(x) = Π (1 − x·h_k) is a product of decreasing linear functions, hence convex, so f is
// concave with f(0) = 0: f(m) ≥ m·f(1) for every customer. And f(m)/f(1) grows with each h_k, so it is at
// most its value at the largest hazard, h = 0.05 (starter) × 1.35 (paid social) = 0.0675, five times:
// (1 − (1 − 0.054)^5)/(1 − (1 − 0.0675)^5) = 0.8218. The arms' churned-within-180-days proportions are
// averages of f(m) and f(1) over the same mix of customers, so their ratio lies in [0.8, 0.8218]: the
// relative effect is between −0.2 and −0.1782, and the analysis's 95% interval must hold both ends.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { analyzeExperiment, type ExperimentAnalysis } from '../../src/experiments/analysis.ts';
import { outcomeDefinitions } from '../../src/experiments/outcomes/definitions.ts';
import {
  measureOutcomes,
  measureSurvival,
  type SummedSpec,
  type SurvivalSpec,
} from '../../src/experiments/outcomes/measure.ts';
import { OutcomeSpecSchema } from '../../src/experiments/outcomes/spec.ts';
import { ingest } from '../../src/ingest/ingest.ts';
import { ingestInto } from '../../src/ingest/publish-target.ts';
import { generateCompany } from '../../src/synth/generate.ts';
import { readTruth, type TruthFile } from '../../src/synth/test-helpers.ts';
import { DuckDBEngine } from '../../src/warehouse/duckdb/duckdb-engine.ts';
import type { Engine } from '../../src/warehouse/engine.ts';
import { openWarehouse } from '../../src/warehouse/open.ts';
import { type PostgresServer, postgresUnavailable, startPostgres } from '../support/postgres-server.ts';
import { assertSameAcrossEngines } from '../support/small-warehouse.ts';

const unavailable = postgresUnavailable();
if (unavailable && process.env.CI) throw new Error(`PostgreSQL is required in CI: ${unavailable}`);

const CUSTOMERS = 8000;
const ID = 'onboarding_checklist';
const spec = (raw: object) => OutcomeSpecSchema.parse(raw);
const CHURN_180 = spec({ kind: 'churned_within', days: 180 });
const ALL_SUMMED = [
  CHURN_180,
  { kind: 'retained_day', days: 30, cuped: true },
  { kind: 'paying_day', days: 90 },
  { kind: 'mrr_after', days: 90, cuped: true },
  { kind: 'revenue_after', days: 90, cuped: true },
  { kind: 'activated_within', days: 14 },
  { kind: 'events_per_unit', days: 30, cuped: true },
  { kind: 'events_per_unit', days: 30, events: ['create_report', 'export_data'] },
  { kind: 'sessions_per_unit', days: 30 },
  { kind: 'sessions_per_unit', days: 30, events: ['share_dashboard'] },
  { kind: 'ratio', days: 90, numerator: { of: 'revenue' }, denominator: { of: 'active_days' }, cuped: true },
  { kind: 'ratio', days: 90, numerator: { of: 'order_revenue' }, denominator: { of: 'orders' } },
].map(spec) as SummedSpec[];
const SURVIVAL = spec({ kind: 'time_to_churn', days: 365, horizon_days: 180 }) as SurvivalSpec;

let dir = '';
let truth: TruthFile;
let duck: DuckDBEngine;
let server: PostgresServer | undefined;
let pg: Engine | undefined;
let analysis: ExperimentAnalysis;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tenure-experiment-'));
  const data = join(dir, 'company');
  await generateCompany({ customers: CUSTOMERS, months: 24, seed: 16, out: data });
  truth = await readTruth(data);
  duck = await DuckDBEngine.open(join(dir, 'tenure.duckdb'));
  await ingest(duck, { dataDir: data });
  analysis = await analyzeExperiment(duck, { experimentId: ID, outcomes: [CHURN_180, SURVIVAL] });
  if (unavailable) return;
  server = await startPostgres();
  pg = await openWarehouse(await server.createDatabase('experiment'), { mustExist: true });
  await ingestInto(pg, { dataDir: data });
});

after(async () => {
  await duck?.close();
  await pg?.close();
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

test('analyze recovers the planted churn hazard multiplier: churned within 180 days', () => {
  const m = (truth.parameters.experiment as { true_effect: { churn_hazard_multiplier: number } }).true_effect
    .churn_hazard_multiplier;
  assert.equal(m, 0.8);
  // The derivation above: the relative effect lies in [m − 1, f(m)/f(1) − 1] with h = 0.0675 five times.
  const h = 0.0675;
  const upper = (1 - (1 - m * h) ** 5) / (1 - (1 - h) ** 5) - 1;
  const lower = m - 1;
  const churn = analysis.outcomes[0];
  const c = churn?.stats?.comparisons[0];
  assert.ok(c?.ci, 'an interval');
  assert.deepEqual(churn?.flags, [], 'every 180-day window has closed');
  assert.ok(
    c.ci[0] <= lower && upper <= c.ci[1],
    `the 95% interval [${c.ci[0]}, ${c.ci[1]}] holds the implied effect [${lower}, ${upper}] (estimate ${c.effect})`,
  );
  assert.equal(analysis.srm?.mismatch, false);
  const assigned = analysis.arms.reduce((s, a) => s + a.assigned, 0);
  assert.ok(assigned > 1000, `${assigned} units assigned`);
  // Time to churn: fewer churns in the treatment than the log-rank test expects under no effect, hence more
  // in the control (m = 0.8 lowers every hazard); the RMST difference to τ = 180 is treatment − control and
  // its interval holds its estimate. (Its sign is not asserted: at seed 16 it is +2.1 days with an interval
  // just reaching below 0, so a change of the generator could flip it by chance.)
  const survival = analysis.outcomes[1]?.survival;
  assert.equal(survival?.tau, 180);
  assert.ok(survival?.logRank);
  const observed = (arm: string) => survival.logRank?.groups.find((g) => g.group === arm);
  const control = observed('control');
  const treated = observed('treatment');
  assert.ok(control && treated && control.observed > control.expected && treated.observed < treated.expected);
  const rmst = survival.rmst[0];
  assert.deepEqual([rmst?.arm, rmst?.baseline], ['treatment', 'control']);
  assert.ok(rmst && rmst.ci[0] <= rmst.difference && rmst.difference <= rmst.ci[1]);
});

describe('the same sufficient statistics on PostgreSQL', { skip: unavailable }, () => {
  test('every kind of outcome, and the Kaplan–Meier counts', async () => {
    const request = { experimentId: ID, asOf: analysis.asOf, definitions: outcomeDefinitions() };
    const arms = ['control', 'treatment'];
    const onDuck = await measureOutcomes(duck, request, arms, ALL_SUMMED);
    const onPg = await measureOutcomes(pg as Engine, request, arms, ALL_SUMMED);
    assertSameAcrossEngines(onPg, onDuck);
    assert.ok(onDuck.every((o) => o.arms.every((a) => a.sums.n > 100)));
    assertSameAcrossEngines(
      await measureSurvival(pg as Engine, request, arms, SURVIVAL),
      await measureSurvival(duck, request, arms, SURVIVAL),
    );
  });
});
