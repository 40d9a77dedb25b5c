// Fit times of the lifetime models: BG/NBD on CDNOW (2,357 customers) and on 1,000,000 customers simulated
// from the BG/NBD process itself with known parameters (so the fit must recover them); Kaplan–Meier on
// 1,000,000 durations in memory and from the warehouse, where SQL reduces a million first paying spells to
// counts per month. Data generation is outside every timing.
import { mkdirSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { survivalBySegment } from '../src/compiler/survival/survival.ts';
import { type BgnbdParams, fitBgnbd, type RfmRow } from '../src/models/bgnbd.ts';
import { loadCdnow } from '../src/models/cdnow.test-data.ts';
import { kaplanMeier, type Observation, restrictedMean } from '../src/models/kaplan-meier.ts';
import { seededRng, simulateBgnbd } from '../src/models/test-samplers.ts';
import { ensureWarehouseTables } from '../src/warehouse/canonical-ddl.ts';
import { DuckDBEngine } from '../src/warehouse/duckdb/duckdb-engine.ts';
import { machineLine, peakRssMiB } from './machine.ts';
import { writeSection } from './results-file.ts';

/** CDNOW's published estimates (Fader, Hardie & Lee 2005), used as the simulation's truth. */
const TRUTH: BgnbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;
const fmt = (v: number, digits = 3) => v.toFixed(digits);

/** Wall time and this process's CPU time: on a shared machine the wall clock also counts others' work. */
function timeBgnbd(rows: readonly RfmRow[]) {
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const fit = fitBgnbd(rows);
  const used = process.cpuUsage(cpu);
  return { fit, seconds: seconds(start), cpuSeconds: (used.user + used.system) / 1e6 };
}

/** A warehouse of `n` customers whose first paying spells are drawn in SQL: a month's hazard per plan. */
export async function survivalWarehouse(file: string, n: number): Promise<DuckDBEngine> {
  rmSync(file, { force: true });
  const engine = await DuckDBEngine.open(file);
  await ensureWarehouseTables(engine);
  // Signups over 24 months; hazards 5%, 3%, 1.5% a month by plan; the cancel lands on an anniversary.
  await engine.run(`CREATE TEMP TABLE drawn AS
    SELECT 'c' || i AS customer_id, TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_seconds(CAST(floor(random() * 730 * 86400) AS BIGINT)) AS signed_up_at,
      CASE WHEN i % 10 < 6 THEN 'starter' WHEN i % 10 < 9 THEN 'growth' ELSE 'enterprise' END AS plan,
      random() AS u FROM range(${n}) t(i)`);
  await engine.run(`INSERT INTO customers (customer_id, signed_up_at, plan)
    SELECT customer_id, signed_up_at, plan FROM drawn`);
  await engine.run(`INSERT INTO subscription_changes (customer_id, effective_at, mrr, plan, seats, reason)
    SELECT customer_id, signed_up_at + INTERVAL 14 DAY, 12, plan, 1, 'new' FROM drawn
    WHERE signed_up_at + INTERVAL 14 DAY < TIMESTAMPTZ '2026-01-01 00:00:00+00'`);
  await engine.run(`INSERT INTO subscription_changes (customer_id, effective_at, mrr, plan, seats, reason)
    SELECT customer_id, cancel_at, 0, plan, 0, 'cancel' FROM (
      SELECT customer_id, plan, signed_up_at + INTERVAL 14 DAY + to_months(CAST(1 + floor(ln(u) /
        ln(1 - CASE plan WHEN 'starter' THEN 0.05 WHEN 'growth' THEN 0.03 ELSE 0.015 END)) AS INTEGER)) AS cancel_at
      FROM drawn) x
    WHERE cancel_at < TIMESTAMPTZ '2026-01-01 00:00:00+00'`);
  return engine;
}

export async function modelsBench(opts: { customers: number; workDir: string }): Promise<void> {
  const lines: string[] = [];
  const cdnow = loadCdnow();
  const onCdnow = timeBgnbd(cdnow);
  const n = opts.customers;
  const genStart = process.hrtime.bigint();
  const simulated = simulateBgnbd(n, TRUTH, 2026);
  const generation = seconds(genStart);
  const big = timeBgnbd(simulated);
  const row = (name: string, r: ReturnType<typeof timeBgnbd>) => {
    const p = r.fit.params;
    const se = r.fit.standardErrors;
    const cell = (k: keyof BgnbdParams) => `${fmt(p[k])} ± ${fmt(se[k] ?? Number.NaN)}`;
    const z = (k: keyof BgnbdParams) => (se[k] ? fmt(Math.abs(p[k] - TRUTH[k]) / (se[k] as number), 1) : '—');
    return `| ${name} | ${r.fit.customers.toLocaleString('en-US')} | ${r.fit.distinctRows.toLocaleString('en-US')} | ${fmt(r.seconds, 2)} | ${fmt(r.cpuSeconds, 2)} | ${cell('r')} | ${cell('alpha')} | ${cell('a')} | ${cell('b')} | ${r.fit.converged} | ${name.startsWith('CDNOW') ? '' : `${z('r')}, ${z('alpha')}, ${z('a')}, ${z('b')}`} |`;
  };
  console.log(
    `BG/NBD: CDNOW ${fmt(onCdnow.seconds, 2)} s; ${n} simulated ${fmt(big.seconds, 2)} s`,
    big.fit.params,
  );

  // Kaplan–Meier on n durations in memory: months to churn at a 4% monthly hazard, censored uniformly.
  const rng = seededRng(7);
  const durations: Observation[] = Array.from({ length: n }, () => {
    const life = 1 + Math.floor(Math.log(1 - rng.float()) / Math.log(0.96));
    const censor = Math.floor(rng.float() * 25);
    return { duration: Math.min(life, censor), event: life <= censor };
  });
  const kmStart = process.hrtime.bigint();
  const km = kaplanMeier(durations);
  const rmst = restrictedMean(km, 24);
  const kmSeconds = seconds(kmStart);

  mkdirSync(opts.workDir, { recursive: true });
  const file = join(opts.workDir, 'survival-bench.duckdb');
  const engine = await survivalWarehouse(file, n);
  let sqlSeconds: number;
  let segments: string;
  try {
    const sqlStart = process.hrtime.bigint();
    const report = await survivalBySegment(engine, { by: 'plan', asOf: '2026-01-01T00:00:00.000Z' });
    sqlSeconds = seconds(sqlStart);
    segments = report.segments
      .map((s) => `${s.segment} ${s.n.toLocaleString('en-US')} (median ${s.median ?? '—'} months)`)
      .join(', ');
    segments += `; log-rank χ² ${fmt(report.logRank?.chiSquare ?? 0, 0)} on ${report.logRank?.df} df`;
  } finally {
    await engine.close();
    rmSync(file, { force: true });
  }
  console.log(`KM: ${fmt(kmSeconds, 2)} s in memory, ${fmt(sqlSeconds, 2)} s from the warehouse`);

  lines.push(
    `Machine: ${machineLine()}. Date: ${new Date().toISOString().slice(0, 10)}.`,
    '',
    'BG/NBD fits (estimate ± standard error; z = |estimate − truth| / SE). The simulation draws ' +
      `${n.toLocaleString('en-US')} customers from the BG/NBD process with CDNOW's published parameters ` +
      `(r ${TRUTH.r}, α ${TRUTH.alpha}, a ${TRUTH.a}, b ${TRUTH.b}); drawing them took ${fmt(generation, 1)} s, ` +
      'outside the fit time.',
    '',
    '| data | customers | distinct rows | fit seconds (wall) | CPU seconds | r | α | a | b | converged | z (r, α, a, b) |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    row('CDNOW', onCdnow),
    row('simulated', big),
    '',
    `Target: BG/NBD on 1M customers ≤ 5 s. The fit is single-threaded; its CPU seconds are what it takes on a core of its own. ` +
      `This machine is shared (load average ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores at the end of the run), so the wall clock also counts other work. ` +
      'Before the columnar likelihood with its analytic gradient, the multi-start search on every row took 50 s (wall) for 100,000 customers; ' +
      'the fit of 1M customers is now the subsample search (about 0.3 s), 6 BFGS steps and 16 gradient evaluations for the Hessians on all 404,961 ' +
      'distinct rows (about 60 ms each), and the grouping of identical rows (about 0.6 s). Grouping is by identical (x, t_x, T) only.',
    '',
    '| Kaplan–Meier | customers | seconds | result |',
    '|---|---|---|---|',
    `| in memory (durations array) | ${n.toLocaleString('en-US')} | ${fmt(kmSeconds, 2)} | median ${km.median} months, RMST to 24 ${fmt(rmst.rmst, 2)} |`,
    `| from the warehouse by plan (SQL counts + fit; DuckDB, all cores) | ${n.toLocaleString('en-US')} | ${fmt(sqlSeconds, 2)} | ${segments} |`,
    '',
    `Peak memory: ${peakRssMiB()} MiB.`,
  );
  writeSection('Lifetime models', lines.join('\n'));
}
