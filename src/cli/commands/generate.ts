// `tenure generate --customers N --months M --seed S --out DIR [--format csv|parquet] [--end YYYY-MM-DD] [--json]`
// Writes a synthetic B2B SaaS company (every canonical table) and its ground truth (truth.json).
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { badInput } from '../../errors/tenure-error.ts';
import { TABLE_NAMES } from '../../schema/tables.ts';
import { type GenerateSummary, generateCompany } from '../../synth/generate.ts';
import { DEFAULTS, SYNTH_FORMATS, type SynthFormat } from '../../synth/options.ts';
import { formatTable, printJson } from '../output.ts';
import { parseNumber } from './options.ts';

interface GenerateFlags {
  customers: string;
  months: string;
  seed: string;
  out?: string;
  format: string;
  end: string;
  json?: boolean;
}

export function formatGenerateSummary(summary: GenerateSummary): string {
  const total = TABLE_NAMES.reduce((sum, name) => sum + summary.tables[name], 0);
  const rate = summary.seconds > 0 ? Math.round(total / summary.seconds) : total;
  const rows = TABLE_NAMES.map((name) => [name, summary.tables[name]]);
  return [
    `wrote ${summary.out} (${summary.format}), data from ${summary.start} to ${summary.end} (exclusive), truth.json`,
    formatTable(['table', 'rows'], [...rows, ['total', total]]),
    `${summary.seconds.toFixed(1)} s, ${rate.toLocaleString('en-US')} rows/s`,
  ].join('\n');
}

function progressBar(enabled: boolean) {
  if (!enabled || !process.stderr.isTTY) return undefined;
  return new cliProgress.SingleBar(
    { stream: process.stderr, format: ' {bar} {percentage}% | {value}/{total} customers', hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
}

export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .description(
      'Write a synthetic B2B SaaS company (every canonical table) and its ground truth, truth.json',
    )
    .option('--customers <n>', 'accounts that sign up over the window', String(DEFAULTS.customers))
    .option('--months <m>', 'length of the window in months', String(DEFAULTS.months))
    .option('--seed <s>', 'random seed; the same options give the same bytes', String(DEFAULTS.seed))
    .option('--out <dir>', 'folder to write NAME.csv (or NAME.parquet) and truth.json into')
    .option('--format <format>', 'csv or parquet', DEFAULTS.format)
    .option('--end <date>', 'exclusive end of the window, YYYY-MM-DD', DEFAULTS.end)
    .option('--json', 'print the summary as JSON')
    .action(async (flags: GenerateFlags) => {
      if (!flags.out) throw badInput('an output folder is required', { field: '--out' }, 'pass --out DIR');
      if (!(SYNTH_FORMATS as readonly string[]).includes(flags.format)) {
        throw badInput(`--format must be csv or parquet, not '${flags.format}'`, { field: '--format' });
      }
      const customers = parseNumber(flags.customers, '--customers', {
        integer: true,
        min: 1,
        max: 20_000_000,
      });
      const months = parseNumber(flags.months, '--months', { integer: true, min: 1, max: 240 });
      const seed = parseNumber(flags.seed, '--seed', { integer: true, min: 0, max: 2 ** 32 - 1 });
      const bar = progressBar(!flags.json);
      bar?.start(customers, 0);
      let summary: GenerateSummary;
      try {
        summary = await generateCompany({
          customers,
          months,
          seed,
          out: flags.out,
          format: flags.format as SynthFormat,
          end: flags.end,
          onProgress: (done) => bar?.update(done),
        });
      } finally {
        bar?.stop();
      }
      if (flags.json) printJson({ out: summary.out, tables: summary.tables, seconds: summary.seconds });
      else process.stdout.write(`${formatGenerateSummary(summary)}\n`);
    });
}
