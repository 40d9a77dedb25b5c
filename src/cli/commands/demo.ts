// `tenure demo`: the main job on the embedded default. Generates a sample company when there is none,
// loads it into ./tenure.duckdb and prints what was loaded.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { ingestInto } from '../../ingest/publish-target.ts';
import { generateCompany } from '../../synth/generate.ts';
import { openWarehouse } from '../../warehouse/open.ts';
import { progressReporter } from '../progress.ts';
import { formatIngestReport } from './ingest.ts';

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
        process.stdout.write(`loaded ${opts.data} into ${opts.db}\n${formatIngestReport(report)}\n`);
      } finally {
        progress.stop();
        await engine.close();
      }
    });
}
