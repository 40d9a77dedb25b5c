// `tenure demo`: the main job on the embedded default. Generates a sample company when there is none,
// loads it into ./tenure.duckdb, prints what was loaded, computes the whole catalog for the last two
// complete months of the data and prints it, then serves the company's dashboard on loopback until Ctrl-C
// (`--no-serve` stops after the catalog).
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { CATALOG } from '../../catalog/catalog.ts';
import { dataAsOf } from '../../compiler/as-of.ts';
import { computeKpis } from '../../compiler/compute.ts';
import { nextPeriodStart, periodStart } from '../../compiler/periods.ts';
import { TenureError } from '../../errors/tenure-error.ts';
import { ingestInto } from '../../ingest/publish-target.ts';
import { startServer } from '../../server/serve.ts';
import { generateCompany } from '../../synth/generate.ts';
import type { Engine } from '../../warehouse/engine.ts';
import { openWarehouse } from '../../warehouse/open.ts';
import { formatCatalogTable } from '../catalog-table.ts';
import { progressReporter } from '../progress.ts';
import { formatIngestReport } from './ingest.ts';
import { parseNumber } from './options.ts';

/** The catalog for the last two complete months before the data's end. */
async function catalogAtAGlance(engine: Engine): Promise<string> {
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
  });
  return `the catalog, month by month (data up to ${asOf}):\n${formatCatalogTable(rows, last.toISOString(), previous.toISOString())}`;
}

interface DemoOptions {
  data: string;
  db: string;
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
    .option('--customers <n>', 'customers in a newly generated sample', '2000')
    .option('--port <n>', 'port of the dashboard on 127.0.0.1 (0: any free port)', '8787')
    .option('--no-serve', 'stop after printing the catalog instead of serving the dashboard')
    .action(async (opts: DemoOptions) => {
      const port = parseNumber(opts.port, '--port', { min: 0, max: 65535, integer: true });
      if (!existsSync(`${opts.data}/customers.csv`)) {
        process.stdout.write(`generating a sample company in ${opts.data} …\n`);
        await generateCompany({
          customers: Number(opts.customers),
          months: 24,
          seed: 1,
          out: opts.data,
          format: 'csv',
        });
      }
      const engine = await openWarehouse(opts.db, { mustExist: false });
      const progress = progressReporter(true);
      try {
        const report = await ingestInto(engine, {
          dataDir: opts.data,
          onProgress: (e) => progress.update(e),
        });
        progress.stop();
        process.stdout.write(`loaded ${opts.data} into ${opts.db}\n${formatIngestReport(report)}\n\n`);
        process.stdout.write(`${await catalogAtAGlance(engine)}\n`);
        if (opts.serve) await serveDashboard(engine, port);
      } finally {
        progress.stop();
        await engine.close();
      }
    });
}

/** Serves the dashboard on loopback (no tokens needed there) until SIGINT or SIGTERM. */
async function serveDashboard(engine: Engine, port: number): Promise<void> {
  const catalog = { definitions: CATALOG, applied: [], custom: [] };
  const server = await startServer({ engine, catalog, host: '127.0.0.1', port, warm: true }).catch(
    (err: unknown) => {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
      throw new TenureError('bad_input', `port ${port} on 127.0.0.1 is already in use`, {
        hint: 'choose another with `npm start -- --port N` (0: any free port)',
      });
    },
  );
  process.stdout.write(`\nthe dashboard of the sample company: ${server.url}/  (Ctrl-C to stop)\n`);
  await new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
  });
  await server.warmed;
  await server.app.close();
}
