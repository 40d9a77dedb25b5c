// `tenure report (--data DIR | --db FILE|URL) --period P [--out DIR] [--project FILE] [--json]`: the
// monthly (P = 2025-11) or quarterly (P = 2025-Q3) review, written as report-P.md and report-P.html.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { buildReview } from '../../report/build.ts';
import { renderHtml } from '../../report/html.ts';
import { renderMarkdown } from '../../report/markdown.ts';
import { parseReviewPeriod } from '../../report/period.ts';
import { printJson } from '../output.ts';
import { resolveCatalog } from './catalog.ts';
import { withEngine } from './compute.ts';

interface ReportOptions {
  data?: string;
  db?: string;
  period: string;
  out: string;
  project?: string;
  json?: boolean;
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description(
      'Write the review of a month or quarter as Markdown and HTML: owners, targets, moves, alerts',
    )
    .requiredOption('--period <period>', 'a month YYYY-MM (e.g. 2025-11) or a quarter YYYY-Qn (e.g. 2025-Q3)')
    .option('--data <dir>', 'a folder of canonical files, loaded into a temporary warehouse first')
    .option('--db <file|url>', 'a warehouse: DuckDB file or postgres:// URL')
    .option('--out <dir>', 'folder to write report-P.md and report-P.html into', '.')
    .option('--project <file>', 'project file with targets (default ./tenure.yaml when present)')
    .option('--json', 'also print the report as JSON')
    .action(async (opts: ReportOptions) => {
      const period = parseReviewPeriod(opts.period);
      const catalog = await resolveCatalog(opts.project);
      const report = await withEngine(opts, (engine) => buildReview(engine, catalog, { period }));
      await mkdir(opts.out, { recursive: true });
      const md = join(opts.out, `report-${period.label}.md`);
      const html = join(opts.out, `report-${period.label}.html`);
      await writeFile(md, renderMarkdown(report));
      await writeFile(html, renderHtml(report));
      if (opts.json) return printJson(report);
      process.stdout.write(`wrote ${md} and ${html}\n`);
    });
}
