// An experiment with every customer of a generated company assigned (half to each arm by a hash of the id,
// at signup), analysed on every kind of outcome — each reduced in SQL to per-arm sufficient statistics, time
// to churn to Kaplan–Meier counts — against one pass over the events table in the same run. The generated
// company's own experiment assigns only the customers who signed up during its six months (about a fifth),
// so the bench adds `bench_every_customer` beside it (and removes it at the end): at --customers 1000000
// that is 1M assigned customers over the whole events table.
//
// One pass is the catalog bench's: `GROUP BY customer_id, date_trunc('day', occurred_at)` over events (the
// least any per-customer, per-day question costs); a bare `count(*), sum(length(name))` scan is shown too,
// in seconds only (DuckDB answers it from compressed columns almost for free).
// The analysis runs twice: on the rollups a load keeps (user days, sessions, activity: what `tenure ingest`
// leaves, as a served warehouse has them), and with rollups of its own (a warehouse that keeps none), which
// adds their passes over the events.
import { RunRollups } from '../src/compiler/rollups/run-rollups.ts';
import { analyzeExperiment } from '../src/experiments/analysis.ts';
import { outcomeDefinitions } from '../src/experiments/outcomes/definitions.ts';
import { activityNamesFor } from '../src/experiments/outcomes/measure.ts';
import { type OutcomeSpec, OutcomeSpecSchema } from '../src/experiments/outcomes/spec.ts';
import type { DuckDBEngine } from '../src/warehouse/duckdb/duckdb-engine.ts';
import { type RecordedStatement, RecordingEngine } from '../src/warehouse/recording-engine.ts';
import { companyWarehouse } from './company-warehouse.ts';
import { machineLine, peakRssMiB } from './machine.ts';
import { writeSection } from './results-file.ts';

const ID = 'bench_every_customer';
const seconds = (start: number) => (performance.now() - start) / 1000;
const sum = (xs: readonly RecordedStatement[]) => xs.reduce((a, s) => a + (s.seconds ?? 0), 0);
const fmt = (v: number) => v.toFixed(1);

/** Every kind of outcome, CUPED where it applies. */
export const BENCH_OUTCOMES: OutcomeSpec[] = [
  { kind: 'churned_within', days: 90, cuped: true },
  { kind: 'time_to_churn', days: 365, horizon_days: 180 },
  { kind: 'retained_day', days: 30, cuped: true },
  { kind: 'paying_day', days: 90, cuped: true },
  { kind: 'mrr_after', days: 90, cuped: true },
  { kind: 'revenue_after', days: 90, cuped: true },
  { kind: 'activated_within', days: 14, cuped: true },
  { kind: 'events_per_unit', days: 30, cuped: true },
  { kind: 'sessions_per_unit', days: 30, cuped: true },
  { kind: 'ratio', days: 90, numerator: { of: 'revenue' }, denominator: { of: 'active_days' }, cuped: true },
].map((s) => OutcomeSpecSchema.parse(s));

/** Three runs of `sql`, the median: the machine is shared and noisy. */
async function median(engine: DuckDBEngine, sql: string): Promise<{ median: number; all: number[] }> {
  const all: number[] = [];
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    await engine.run(sql);
    all.push(seconds(start));
  }
  await engine.run('DROP TABLE IF EXISTS bench_pass');
  return { median: [...all].sort((a, b) => a - b)[1] ?? 0, all };
}

async function assignEveryCustomer(engine: DuckDBEngine): Promise<number> {
  await engine.run(`DELETE FROM assignments WHERE experiment_id = '${ID}'`);
  await engine.run(`DELETE FROM experiments WHERE experiment_id = '${ID}'`);
  await engine.run(
    `INSERT INTO experiments (experiment_id, name, primary_kpi, started_at, pre_registration)
     SELECT '${ID}', 'Every customer (bench)', 'customer_churn_rate', min(signed_up_at),
       '{"alpha": 0.05, "variants": ["control", "treatment"], "weights": [0.5, 0.5]}' FROM customers`,
  );
  await engine.run(
    `INSERT INTO assignments (experiment_id, customer_id, variant, assigned_at)
     SELECT '${ID}', customer_id, CASE WHEN hash(customer_id) % 2 = 0 THEN 'control' ELSE 'treatment' END, signed_up_at
     FROM customers`,
  );
  const [row] = await engine.query(`SELECT count(*) AS n FROM assignments WHERE experiment_id = '${ID}'`);
  return Number(row?.n ?? 0);
}

interface AnalysisRun {
  kept: boolean;
  total: number;
  rollups: RecordedStatement[];
  outcomes: number;
  survival: number;
  other: number;
}

async function analysisRun(engine: DuckDBEngine, kept: boolean): Promise<AnalysisRun> {
  const recorder = new RecordingEngine(engine);
  // As the analysis makes its own: activity over only the names the outcomes read.
  const names = activityNamesFor(BENCH_OUTCOMES, outcomeDefinitions());
  const rollups = new RunRollups(recorder, names, { useStored: kept });
  const start = performance.now();
  try {
    const a = await analyzeExperiment(recorder, { experimentId: ID, outcomes: BENCH_OUTCOMES, rollups });
    const n = a.outcomes.reduce((s, o) => s + o.maturity.arms.reduce((x, arm) => x + arm.mature, 0), 0);
    console.log(
      `analysis (${kept ? 'kept' : 'own'} rollups): ${a.outcomes.length} outcomes, ${n} unit-outcomes`,
    );
  } finally {
    await rollups.drop();
  }
  const total = seconds(start);
  const all = recorder.statements;
  const built = all.filter((s) => /^CREATE (TEMP )?TABLE tenure_rollup/.test(s.sql));
  const outcomes = sum(all.filter((s) => s.sql.includes('/* experiment_outcomes */')));
  const survival = sum(all.filter((s) => s.sql.includes('/* experiment_survival */')));
  return { kept, total, rollups: built, outcomes, survival, other: total - sum(built) - outcomes - survival };
}

export async function experimentsBench(opts: { customers: number; workDir: string; db?: string }) {
  const company = await companyWarehouse({ ...opts, name: 'experiments' });
  const { engine, customers, events } = company;
  try {
    const assigned = await assignEveryCustomer(engine);
    const scan = await median(
      engine,
      'CREATE OR REPLACE TEMP TABLE bench_pass AS SELECT count(*) AS n, sum(length(name)) AS s FROM events',
    );
    const pass = await median(
      engine,
      `CREATE OR REPLACE TEMP TABLE bench_pass AS SELECT customer_id, date_trunc('day', occurred_at) AS day, count(*) AS n
       FROM events GROUP BY 1, 2`,
    );
    const runs = [await analysisRun(engine, true), await analysisRun(engine, false)];
    const x = (s: number) => (s / pass.median).toFixed(2);
    const rows = runs.map((r) => {
      const builds = r.rollups.map(
        (s) => `${/\/\* (\w+) \*\//.exec(s.sql)?.[1] ?? 'rollup'} ${fmt(s.seconds ?? 0)} s`,
      );
      const source = r.kept ? 'kept by the load' : `built in the run: ${builds.join(', ')}`;
      return `| ${source} | ${fmt(r.total)} | ${x(r.total)} | ${fmt(r.outcomes)} | ${fmt(r.survival)} | ${fmt(sum(r.rollups))} | ${fmt(r.other)} |`;
    });
    const lines = [
      `Machine: ${machineLine()}. Date: ${new Date().toISOString().slice(0, 10)}.`,
      `Company: ${customers.toLocaleString('en-US')} customers, ${events.toLocaleString('en-US')} events, 24 months (seed 1); experiment \`${ID}\`: ${assigned.toLocaleString('en-US')} assigned customers (every customer, at signup, half to each arm).`,
      `Outcomes (all kinds, CUPED where it applies): ${BENCH_OUTCOMES.map((s) => `${s.kind}:${s.days}`).join(', ')}.`,
      `One pass (the catalog bench's): \`GROUP BY customer_id, date_trunc('day', occurred_at)\` over events: ${fmt(pass.median)} s (the median of ${pass.all.map(fmt).join(', ')} s). A bare \`count(*), sum(length(name))\` scan takes ${scan.median.toFixed(2)} s: a columnar engine answers it from compressed columns without touching a customer, so no per-customer outcome can be held to it; the grouping pass is the least work that looks at each customer's days.`,
      '',
      '| rollups | analysis seconds | × one pass | outcomes query | survival queries | rollups built | plan, SRM, statistics |',
      '|---|---|---|---|---|---|---|',
      ...rows,
      '',
      `Peak memory: ${peakRssMiB()} MiB (the Node process; DuckDB's own memory is inside it).`,
      '',
      'Target (issue 16): analysing an experiment of 1M assigned customers (outcomes to sufficient statistics, all outcomes) within 2× one pass over the events table.',
      ...runs.map((r) => `- ${r.kept ? 'kept rollups' : 'own rollups'}: ${x(r.total)}× one pass.`),
    ];
    console.log(lines.join('\n'));
    writeSection(`Experiment analysis, ${customers.toLocaleString('en-US')} customers`, lines.join('\n'));
  } finally {
    await engine.run(`DELETE FROM assignments WHERE experiment_id = '${ID}'`).catch(() => 0);
    await engine.run(`DELETE FROM experiments WHERE experiment_id = '${ID}'`).catch(() => 0);
    await company.close();
  }
}
