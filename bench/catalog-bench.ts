// The whole catalog, monthly over 24 months, then again broken down by plan, against one
// `GROUP BY customer_id, date_trunc('day', occurred_at)` pass over the events table in the same run.
// Each breakdown is one compute run on the rollups a load keeps (rebuilt here first, and timed: what every
// load pays); for comparison, the catalog once more with rollups built in the run, as when the warehouse
// keeps none. The table shows each family's own queries apart from the rollups.
import { activityEventsFor, computeKpis, rollupAsksFor } from '../src/compiler/compute.ts';
import { FAMILIES } from '../src/compiler/families.ts';
import { RunRollups } from '../src/compiler/rollups/run-rollups.ts';
import { dropStoredRollups, storeRollups } from '../src/compiler/rollups/stored-rollups.ts';
import type { DuckDBEngine } from '../src/warehouse/duckdb/duckdb-engine.ts';
import { type RecordedStatement, RecordingEngine } from '../src/warehouse/recording-engine.ts';
import { companyWarehouse } from './company-warehouse.ts';
import { machineLine, peakRssMiB } from './machine.ts';
import { writeSection } from './results-file.ts';

const seconds = (start: number) => (performance.now() - start) / 1000;
const sum = (xs: readonly RecordedStatement[]) => xs.reduce((a, s) => a + (s.seconds ?? 0), 0);
const isRollup = (s: RecordedStatement) => /^CREATE (TEMP )?TABLE/.test(s.sql);

/** What a rollup's statement builds, from the comment that opens its SQL. */
function rollupName(sql: string): string {
  return /\/\* (\w+) \*\//.exec(sql)?.[1]?.replace('_', ' ') ?? 'rollup';
}

/** One `GROUP BY customer_id, day` pass over events, three times: the median, since this machine is noisy. */
async function onePass(engine: DuckDBEngine): Promise<{ median: number; all: number[] }> {
  const all: number[] = [];
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    await engine.run(
      `CREATE OR REPLACE TEMP TABLE one_pass AS SELECT customer_id, date_trunc('day', occurred_at) AS day, count(*) AS n
       FROM events GROUP BY 1, 2`,
    );
    all.push(seconds(start));
    await engine.run('DROP TABLE one_pass');
  }
  return { median: [...all].sort((a, b) => a - b)[1] ?? 0, all };
}

interface RunFigures {
  by: string;
  rollups: 'kept' | 'own';
  total: number;
  built: RecordedStatement[];
  perFamily: { name: string; s: number }[];
}

/** The whole catalog as one run, on the rollups the warehouse keeps or on rollups of its own. */
async function catalogRun(engine: DuckDBEngine, by: string | undefined, kept: boolean): Promise<RunFigures> {
  const request = { from: '2024-01-01', to: '2025-12-31', grain: 'month' as const };
  const recorder = new RecordingEngine(engine);
  // One run over every family: activity holds the event names the whole catalog reads.
  const rollups = new RunRollups(recorder, activityEventsFor('all'), { useStored: kept });
  const perFamily: { name: string; s: number }[] = [];
  const start = performance.now();
  try {
    for (const f of FAMILIES) {
      const from = recorder.statements.length;
      // Every run computes (no kept results): what the catalog costs.
      await computeKpis(recorder, { ...request, kpis: [...f.kpis], by, keep: false }, rollups);
      const own = recorder.statements.slice(from).filter((s) => !isRollup(s));
      perFamily.push({ name: f.name, s: sum(own) });
    }
  } finally {
    await rollups.drop();
  }
  const total = seconds(start);
  return {
    by: by ?? '(none)',
    rollups: kept ? 'kept' : 'own',
    total,
    built: recorder.statements.filter(isRollup),
    perFamily,
  };
}

/** `db`: a loaded warehouse to measure, kept (see company-warehouse.ts); without it one is generated. */
export async function catalogBench(opts: { customers: number; workDir: string; db?: string }): Promise<void> {
  const company = await companyWarehouse({ ...opts, name: 'catalog' });
  const { engine, customers, events } = company;
  try {
    const pass = await onePass(engine);
    const baseline = pass.median;
    const x = (s: number) => (s / baseline).toFixed(2);
    // What a load pays after ingesting, so that runs read the catalog's rollups instead of the events: the
    // whole set, dropped first (a loaded warehouse given with --db already keeps a current one).
    await dropStoredRollups(engine);
    const kept = await storeRollups(engine, rollupAsksFor('all'));
    const runs = [
      await catalogRun(engine, undefined, true),
      await catalogRun(engine, 'plan', true),
      await catalogRun(engine, undefined, false),
    ];
    const rows = runs.map((r) => {
      const families = [...r.perFamily].sort((a, b) => b.s - a.s);
      const builds = r.built.map((s) => `${rollupName(s.sql)} ${(s.seconds ?? 0).toFixed(1)} s`);
      return `| ${r.by} | ${r.rollups === 'kept' ? 'kept by the load' : `built in the run: ${builds.join(', ')}`} | ${r.total.toFixed(1)} | ${x(r.total)} | ${families.map((f) => `${f.name} ${f.s.toFixed(1)} s`).join(', ')} |`;
    });
    const familyShare = (r: RunFigures) => r.perFamily.reduce((a, f) => a + f.s, 0);
    const slowest = (r: RunFigures | undefined) =>
      [...(r?.perFamily ?? [])]
        .sort((a, b) => b.s - a.s)
        .slice(0, 3)
        .map((f) => `${f.name} ${f.s.toFixed(1)} s`)
        .join(', ');
    const lines = [
      `Machine: ${machineLine()}. Date: ${new Date().toISOString().slice(0, 10)}.`,
      `Company: ${Number(customers).toLocaleString('en-US')} customers, ${Number(events).toLocaleString('en-US')} events, 24 months; every KPI monthly over the 24 months.`,
      `Baseline: one \`GROUP BY customer_id, date_trunc('day', occurred_at)\` pass over events: ${baseline.toFixed(1)} s (the median of ${pass.all.map((v) => v.toFixed(1)).join(', ')} s).`,
      `A load's rollup rebuild (the rollups the catalog reads, kept in the warehouse: activity, user days, sessions, first uses, named events, week masks of users and features, and per calendar month active accounts, subscribed accounts and customer MRR): ${kept.seconds.toFixed(1)} s, ${x(kept.seconds)}× one pass.`,
      '',
      '| breakdown | rollups | seconds | × one pass | each family’s own queries, slowest first |',
      '|---|---|---|---|---|',
      ...rows,
      '',
      `Peak memory: ${peakRssMiB()} MiB (the Node process; DuckDB's own memory is inside it, limited to ${engine.memory.memoryLimit}).`,
      '',
      'Target (issue 3): the whole catalog within 3× one pass at 1M customers / 100M events.',
      ...runs.map(
        (r) =>
          `- ${r.by}, ${r.rollups} rollups: ${x(r.total)}× one pass, of which the families' own queries ${x(familyShare(r))}× and rollups built in the run ${x(sum(r.built))}×.`,
      ),
      '',
      `What dominates: with kept rollups, the families' own queries — ${slowest(runs[1])} (by plan) —`,
      'each a grouping of millions of user-day or activity rows by period and user (active users, adopters,',
      'feature users in consecutive periods) or of customers by period (MRR at period bounds); without kept',
      'rollups, first the three groupings of every event that build them.',
    ];
    console.log(lines.join('\n'));
    writeSection(
      `The whole catalog, ${Number(customers).toLocaleString('en-US')} customers`,
      lines.join('\n'),
    );
  } finally {
    await company.close();
  }
}
