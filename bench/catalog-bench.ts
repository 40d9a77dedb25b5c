// The whole catalog, monthly over 24 months, then again broken down by plan, against one
// `GROUP BY customer_id, date_trunc('day', occurred_at)` pass over the events table in the same run.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { computeKpis } from '../src/compiler/compute.ts';
import { FAMILIES } from '../src/compiler/families.ts';
import { ingest } from '../src/ingest/ingest.ts';
import { generateCompany } from '../src/synth/generate.ts';
import { DuckDBEngine } from '../src/warehouse/duckdb/duckdb-engine.ts';
import { machineLine, peakRssMiB } from './machine.ts';
import { writeSection } from './results-file.ts';

const seconds = (start: number) => (performance.now() - start) / 1000;

export async function catalogBench(opts: { customers: number; workDir: string }): Promise<void> {
  const data = join(opts.workDir, 'company-catalog');
  const db = join(opts.workDir, 'catalog.duckdb');
  rmSync(data, { recursive: true, force: true });
  rmSync(db, { force: true });
  const summary = await generateCompany({ customers: opts.customers, months: 24, seed: 1, out: data });
  const engine = await DuckDBEngine.open(db);
  try {
    await ingest(engine, { dataDir: data });
    rmSync(data, { recursive: true, force: true });
    let start = performance.now();
    await engine.run(
      `CREATE OR REPLACE TEMP TABLE one_pass AS SELECT customer_id, date_trunc('day', occurred_at) AS day, count(*) AS n
       FROM events GROUP BY 1, 2`,
    );
    const baseline = seconds(start);
    const request = { kpis: 'all' as const, from: '2024-01-01', to: '2025-12-31', grain: 'month' as const };
    const rows: string[] = [];
    for (const by of [undefined, 'plan']) {
      const perFamily: string[] = [];
      let slowest = { name: '', s: 0 };
      start = performance.now();
      for (const f of FAMILIES) {
        const t = performance.now();
        await computeKpis(engine, { ...request, kpis: [...f.kpis], by });
        perFamily.push(`${f.name} ${seconds(t).toFixed(1)} s`);
        if (seconds(t) > slowest.s) slowest = { name: f.name, s: seconds(t) };
      }
      const total = seconds(start);
      rows.push(
        `| ${by ?? '(none)'} | ${total.toFixed(1)} | ${(total / baseline).toFixed(1)} | ${slowest.name} | ${perFamily.join(', ')} |`,
      );
    }
    const lines = [
      `Machine: ${machineLine()}. Date: ${new Date().toISOString().slice(0, 10)}.`,
      `Company: ${opts.customers.toLocaleString('en-US')} customers, ${summary.tables.events.toLocaleString('en-US')} events, 24 months; every KPI monthly over the 24 months.`,
      `Baseline: one \`GROUP BY customer_id, date_trunc('day', occurred_at)\` pass over events: ${baseline.toFixed(1)} s.`,
      '',
      '| breakdown | seconds | × one pass | dominated by | per family |',
      '|---|---|---|---|---|',
      ...rows,
      '',
      `Peak memory: ${peakRssMiB()} MiB (the Node process; DuckDB's own memory is inside it).`,
      '',
      'Target (issue 3): the whole catalog within 3× one pass on 1M customers / 100M events. Not met yet: each',
      'family builds its rollups (user-days, sessions, weekly feature use) inside its own queries, once per',
      'parameter group; building them once per run is the next step.',
    ];
    console.log(lines.join('\n'));
    writeSection('The whole catalog', lines.join('\n'));
  } finally {
    await engine.close();
    rmSync(db, { force: true });
  }
}
