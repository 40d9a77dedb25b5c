// Churn risk on a generated company: the feature rows of the training and held-out months (SQL), the fits
// of the model and the tenure-only baseline, then scoring every paying customer (the scoring snapshot's
// feature rows, probabilities and drivers), three times. Target (issue 6): scoring 100k customers ≤ 2 s.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../src/ingest/ingest.ts';
import { scoreCustomers, trainRisk } from '../src/risk/risk.ts';
import { generateCompany } from '../src/synth/generate.ts';
import { DuckDBEngine } from '../src/warehouse/duckdb/duckdb-engine.ts';
import { machineLine, peakRssMiB } from './machine.ts';
import { writeSection } from './results-file.ts';

const seconds = (ms: number) => (ms / 1000).toFixed(2);

export async function riskBench(opts: { customers: number; workDir: string }): Promise<void> {
  const data = join(opts.workDir, 'company-risk');
  const db = join(opts.workDir, 'risk.duckdb');
  rmSync(data, { recursive: true, force: true });
  rmSync(db, { force: true });
  const summary = await generateCompany({ customers: opts.customers, months: 24, seed: 1, out: data });
  const engine = await DuckDBEngine.open(db);
  try {
    await ingest(engine, { dataDir: data });
    rmSync(data, { recursive: true, force: true });
    let start = performance.now();
    const trained = await trainRisk(engine);
    const trainMs = performance.now() - start;
    const scoring: number[] = [];
    let scored = 0;
    for (let i = 0; i < 3; i++) {
      start = performance.now();
      scored = (await scoreCustomers(engine, trained)).length;
      scoring.push(performance.now() - start);
    }
    const h = trained.heldOut;
    const lines = [
      `Machine: ${machineLine()}. Date: ${new Date().toISOString().slice(0, 10)}.`,
      `Company: ${opts.customers.toLocaleString('en-US')} customers, ${summary.tables.events.toLocaleString('en-US')} events, 24 months; horizon ${trained.horizonDays} days.`,
      '',
      '| step | seconds | rows |',
      '|---|---|---|',
      `| feature rows: ${trained.snapshots.training.length} training + ${trained.snapshots.heldOut.length} held-out month starts (SQL) | ${seconds(trained.timingsMs.features)} | ${(trained.training.rows + h.rows).toLocaleString('en-US')} customer-months |`,
      `| fit model and tenure-only baseline, judge on held-out months | ${seconds(trained.timingsMs.fit)} | ${trained.training.rows.toLocaleString('en-US')} training rows, ${trained.model.design.columns.length} columns |`,
      `| training in all | ${seconds(trainMs)} | |`,
      `| scoring: features at the snapshot, probabilities, drivers (runs 1, 2, 3) | ${scoring.map(seconds).join(', ')} | ${scored.toLocaleString('en-US')} paying customers |`,
      '',
      `Held-out months ${trained.snapshots.heldOut.map((d) => new Date(d * 86_400_000).toISOString().slice(0, 7)).join(', ')}: ${h.rows.toLocaleString('en-US')} customer-months, ${h.churns} churns; AUC ${h.auc.toFixed(3)} (tenure alone ${h.baselineAuc.toFixed(3)}), Brier ${h.brier.toFixed(4)} (tenure alone ${h.baselineBrier.toFixed(4)}).`,
      `Peak memory: ${peakRssMiB()} MiB.`,
      '',
      'Target (issue 6): scoring 100k customers ≤ 2 s. Scoring reads only the 60 days of events before the',
      'snapshot for usage, and the milestone events of all time for activation (a scan of the name column).',
    ];
    console.log(lines.join('\n'));
    writeSection(`Churn risk, ${opts.customers.toLocaleString('en-US')} customers`, lines.join('\n'));
  } finally {
    await engine.close();
    rmSync(db, { force: true });
  }
}
