// `tenure demo`: the main job on the embedded default. Generates a sample company when there is none,
// loads it into ./tenure.duckdb, prints what was loaded, computes the whole catalog for the last two
// complete months of the data and prints it, judges the sample targets (DATA/tenure.yaml, copied from
// examples/ when missing) and records their alerts, then serves the company's dashboard on loopback until
// Ctrl-C (`--no-serve` stops after the targets).
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { alertsFromChecks } from '../../alerts/alert.ts';
import { recordAlerts } from '../../alerts/store.ts';
import type { ResolvedCatalog } from '../../catalog/catalog.ts';
import { loadProjectFile } from '../../catalog/project-file.ts';
import { dataAsOf } from '../../compiler/as-of.ts';
import { computeKpis } from '../../compiler/compute.ts';
import { nextPeriodStart, periodStart } from '../../compiler/periods.ts';
import { TenureError } from '../../errors/tenure-error.ts';
import { checkTargets } from '../../goals/check.ts';
import { recordTargets } from '../../goals/target-log.ts';
import { loadWarehouse } from '../../ingest/load-warehouse.ts';
import { SERVER_LOG } from '../../server/serve.ts';
import { generateCompany } from '../../synth/generate.ts';
import { DEFAULTS as SYNTH_DEFAULTS } from '../../synth/options.ts';
import type { Engine } from '../../warehouse/engine.ts';
import { openWarehouse } from '../../warehouse/open.ts';
import { formatCatalogTable } from '../catalog-table.ts';
import { progressReporter } from '../progress.ts';
import { serveUntilStopped } from '../serving.ts';
import { formatIngestReport } from './ingest.ts';
import { parseNumber } from './options.ts';

/** The catalog for the last two complete months before the data's end, money in the project's currency. */
async function catalogAtAGlance(engine: Engine, catalog: ResolvedCatalog): Promise<string> {
  const asOf = await dataAsOf(engine);
  if (!asOf) return 'no activity or subscription data: nothing to compute';
  // The month containing as_of is incomplete; show the two months before it.
  const current = periodStart(new Date(asOf), 'month');
  const last = periodStart(new Date(current.getTime() - 1), 'month');
  const previous = periodStart(new Date(last.getTime() - 1), 'month');
  const rows = await computeKpis(engine, {
    kpis: 'all',
    from: previous.toISOString().slice(0, 10),
    to: new Date(nextPeriodStart(last, 'month').getTime() - 1).toISOString().slice(0, 10),
    grain: 'month',
    asOf,
    catalog: catalog.definitions,
  });
  return `the catalog, month by month (data up to ${asOf}):\n${formatCatalogTable(rows, last.toISOString(), previous.toISOString(), catalog)}`;
}

/** The sample company's targets and owners, shipped beside the code. */
const SAMPLE_PROJECT = join(import.meta.dirname, '..', '..', '..', 'examples', 'sample-company.tenure.yaml');

/** Judges the project's targets, records them and their alerts, and says how they stand. */
async function judgeTargets(engine: Engine, catalog: ResolvedCatalog): Promise<string> {
  await recordTargets(engine, catalog.targets ?? []);
  const checks = await checkTargets(engine, catalog);
  const alerts = alertsFromChecks(checks, { currency: catalog.currency });
  await recordAlerts(engine, alerts);
  const lines = checks.map(
    (c) =>
      `  ${c.status.replace('_', ' ').padEnd(9)}  ${c.target.kpi}${c.target.segment ? ` (${c.target.segment.by}=${c.segment})` : ''} — ${c.target.owner}`,
  );
  return `targets (${checks.length}, ${alerts.length} needing attention):\n${lines.join('\n')}`;
}

interface DemoOptions {
  data: string;
  db: string;
  project?: string;
  customers: string;
  port: string;
  serve: boolean;
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('Generate a sample company (if there is none), load it, show it and serve its dashboard')
    .option('--data <dir>', 'where the sample company lives', './sample-company')
    .option('--db <file>', 'warehouse file', './tenure.duckdb')
    .option('--customers <n>', 'customers in a newly generated sample', String(SYNTH_DEFAULTS.customers))
    .option(
      '--project <file>',
      'project file with targets (default DATA/tenure.yaml, from the sample when missing)',
    )
    .option('--port <n>', 'port of the dashboard on 127.0.0.1 (0: any free port)', '8787')
    .option('--no-serve', 'stop after printing the catalog instead of serving the dashboard')
    .action(async (opts: DemoOptions) => {
      const port = parseNumber(opts.port, '--port', { min: 0, max: 65535, integer: true });
      if (!existsSync(`${opts.data}/customers.csv`)) {
        process.stdout.write(`generating a sample company in ${opts.data} …\n`);
        // The generator's defaults: the company docs/sample-company.md holds against published benchmarks.
        await generateCompany({
          customers: Number(opts.customers),
          months: SYNTH_DEFAULTS.months,
          seed: SYNTH_DEFAULTS.seed,
          out: opts.data,
          format: 'csv',
        });
      }
      // Beside the sample data, so it never becomes the project file of the folder it runs in.
      const project = opts.project ?? join(opts.data, 'tenure.yaml');
      const wroteProject = !existsSync(project);
      if (wroteProject) copyFileSync(SAMPLE_PROJECT, project);
      const catalog = await loadProjectFile(project);
      const engine = await openWarehouse(opts.db, { mustExist: false });
      const progress = progressReporter(true);
      try {
        const report = await loadWarehouse(engine, {
          dataDir: opts.data,
          catalog: catalog.definitions,
          onProgress: (e) => progress.update(e),
        });
        progress.stop();
        process.stdout.write(`loaded ${opts.data} into ${opts.db}\n${formatIngestReport(report)}\n\n`);
        process.stdout.write(`${await catalogAtAGlance(engine, catalog)}\n`);
        if (wroteProject) process.stdout.write(`\nwrote the sample targets to ${project}\n`);
        process.stdout.write(`\n${await judgeTargets(engine, catalog)}\n`);
        if (opts.serve) await serveDashboard(engine, opts.db, catalog, project, port);
      } finally {
        progress.stop();
        await engine.close();
      }
    });
}

/** Serves the dashboard on loopback (no tokens needed there) until SIGINT or SIGTERM. */
async function serveDashboard(
  engine: Engine,
  db: string,
  catalog: ResolvedCatalog,
  projectFile: string,
  port: number,
): Promise<void> {
  await serveUntilStopped(
    db,
    { engine, catalog, projectFile, host: '127.0.0.1', port, logger: SERVER_LOG, warm: true },
    (url) => process.stdout.write(`\nthe dashboard of the sample company: ${url}/  (Ctrl-C to stop)\n`),
  ).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    throw new TenureError('bad_input', `port ${port} on 127.0.0.1 is already in use`, {
      hint: 'choose another with `npm start -- --port N` (0: any free port)',
    });
  });
}
