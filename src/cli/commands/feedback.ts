// `tenure feedback (--data DIR | --db URL) [--project FILE] [--as-of T] [--json]`: the window's comments
// grouped into themes, each with its volume and trend, the NPS and CSAT of those who raise it, the churn
// after their answers against the others' (with a 95% interval) and the MRR at stake; then the backlog,
// ranked by MRR at stake × excess churn, with the KPIs each theme should move.
import type { Command } from 'commander';
import { parseInstant } from '../../compiler/periods.ts';
import { type FeedbackReport, feedbackReport } from '../../feedback/feedback.ts';
import {
  type FormatOptions,
  formatDelta,
  formatPercent,
  formatValue,
  NO_VALUE,
} from '../../results/format.ts';
import { formatTable, printJson } from '../output.ts';
import { resolveCatalog } from './catalog.ts';
import { withEngine } from './compute.ts';

interface FeedbackCliOptions {
  data?: string;
  db?: string;
  asOf?: string;
  project?: string;
  json?: boolean;
}

type Theme = FeedbackReport['themes'][number];

/** "+12.0 pt (3.1 … 20.9)": the churn difference with its 95% interval, in points. */
export function churnDifferenceText(c: Theme['churn']): string {
  if (c.difference === null || c.lower_95 === null || c.upper_95 === null) return NO_VALUE;
  const pt = (x: number) => formatValue(100 * x, 'points').replace(' pt', '');
  return `${formatDelta(c.difference, 'rate')} (${pt(c.lower_95)} … ${pt(c.upper_95)})`;
}

/** The report for people: money in the project's currency. */
export function formatFeedback(r: FeedbackReport, currency: FormatOptions = {}): string {
  const money = (v: number) => formatValue(v, 'currency', currency);
  const themes = formatTable(
    [
      'theme (id)',
      'comments',
      'trend',
      'NPS',
      'CSAT',
      'churn raisers',
      'churn others',
      'difference (95%)',
      'MRR at stake',
    ],
    r.themes.map((t) => [
      `${t.name}${t.configured ? '' : ` (${t.id})`}`,
      String(t.comments),
      t.trend.direction ?? NO_VALUE,
      t.nps.score === null ? NO_VALUE : formatValue(t.nps.score, 'points', { digits: 0 }),
      t.csat.mean === null ? NO_VALUE : t.csat.mean.toFixed(2),
      `${formatPercent(t.churn.raisers.rate)} of ${t.churn.raisers.answers}`,
      formatPercent(t.churn.others.rate),
      churnDifferenceText(t.churn),
      money(t.mrr_at_stake),
    ]),
    ['comments', 'NPS', 'CSAT', 'churn raisers', 'churn others', 'MRR at stake'],
  );
  const backlog = r.backlog.length
    ? formatTable(
        ['#', 'theme', 'MRR at stake', 'excess churn (95% interval)', 'MRR × excess', 'KPIs it should move'],
        r.backlog.map((b) => [
          String(b.rank),
          b.name,
          money(b.mrr_at_stake),
          `${formatDelta(b.excess_churn, 'rate')} (${formatDelta(b.churn_difference_lower_95, 'rate')} to ${formatDelta(b.churn_difference_upper_95, 'rate')})${b.clear ? '' : ', may be noise'}`,
          money(b.priority),
          b.kpis.map((k) => k.id).join(', '),
        ]),
        ['MRR at stake', 'excess churn (95% interval)', 'MRR × excess'],
      )
    : 'No theme is followed by more churn than the other comments.';
  return [
    `Feedback themes: ${r.comments} comments from ${r.customers} customers, ${r.window.start.slice(0, 10)} to ${r.as_of.slice(0, 10)}; ${r.unthemed_comments} in no theme`,
    `Churn: MRR to 0 within ${r.churn_days} days after the answer, over ${r.churn_answers} answers by paying customers whose ${r.churn_days} days had passed (${formatPercent(r.churn_rate)} of them)`,
    '',
    themes,
    '',
    'Backlog (MRR at stake × excess churn):',
    backlog,
    ...r.notes.map((n) => `Note: ${n}`),
  ].join('\n');
}

export function registerFeedback(program: Command): void {
  program
    .command('feedback')
    .description(
      'Comments grouped into themes: volume, scores, churn against the others, MRR at stake, backlog',
    )
    .option('--data <dir>', 'a folder of canonical files, loaded into a temporary warehouse first')
    .option('--db <file|url>', 'a warehouse: DuckDB file or postgres:// URL')
    .option('--as-of <timestamp>', "the data's end (default: its latest timestamp)")
    .option('--project <file>', 'project file with feedback themes (default ./tenure.yaml when present)')
    .option('--json', 'print the report as JSON')
    .action(async (opts: FeedbackCliOptions) => {
      const asOf = opts.asOf === undefined ? undefined : parseInstant(opts.asOf, '--as-of');
      const resolved = await resolveCatalog(opts.project);
      const report = await withEngine(opts, (engine) =>
        feedbackReport(engine, { asOf, config: resolved.feedback, catalog: resolved.definitions }),
      );
      if (opts.json) printJson(report);
      else process.stdout.write(`${formatFeedback(report, { currency: resolved.currency })}\n`);
    });
}
