// `tenure demo`: the main job on the embedded default. Generates a sample company when there is none,
// loads it into ./tenure.duckdb, prints what was loaded, then computes the whole catalog for the last two
// complete months of the data and prints it.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { dataAsOf } from '../../compiler/as-of.ts';
import { computeKpis } from '../../compiler/compute.ts';
import { nextPeriodStart, periodStart } from '../../compiler/periods.ts';
import { ingestInto } from '../../ingest/publish-target.ts';
import { generateCompany } from '../../synth/generate.ts';
import type { Engine } from '../../warehouse/engine.ts';
import { openWarehouse } from '../../warehouse/open.ts';
import { formatCatalogTable } from '../catalog-table.ts';
import { progressReporter } from '../progress.ts';
import { formatIngestReport } from './ingest.ts';

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

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('Generate a sample company (if there is none), load it and show what was loaded')
    .option('--data <dir>', 'where the sample company lives', './sample-company')
    .option('--db <file>', 'warehouse file', './tenure.duckdb')
    .option('--customers <n>', 'customers in a newly generated sample', '2000')
    .action(async (opts: { data: string; db: string; customers: string }) => {
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
      } finally {
        progress.stop();
        await engine.close();
      }
    });
}
