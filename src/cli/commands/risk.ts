// `tenure risk (--data DIR | --db URL) [--top N] [--horizon-days N] [--as-of T] [--json]`: the customers
// most likely to churn within the horizon, with their drivers and the MRR at stake, and how well the model
// did on held-out months against a tenure-only baseline.
import type { Command } from 'commander';
import { parseInstant } from '../../compiler/periods.ts';
import { type FormatOptions, formatPercent, formatValue } from '../../results/format.ts';
import {
  DEFAULT_HORIZON_DAYS,
  type RiskReport,
  riskReport,
  scoreCustomers,
  trainRisk,
} from '../../risk/risk.ts';
import { formatTable, printJson } from '../output.ts';
import { resolveCatalog } from './catalog.ts';
import { withEngine } from './compute.ts';
import { parseNumber } from './options.ts';

interface RiskCliOptions {
  data?: string;
  db?: string;
  top: string;
  horizonDays: string;
  asOf?: string;
  project?: string;
  json?: boolean;
}

/** The report for people: money in the project's currency (`currency`: {currency: 'EUR'}). */
export function formatRisk(r: RiskReport, currency: FormatOptions = {}): string {
  const money = (v: number) => formatValue(v, 'currency', currency);
  const m = r.model;
  const table = formatTable(
    ['customer', 'churn risk', 'MRR', 'expected loss', 'plan', 'drivers'],
    r.customers.map((c) => [
      c.customer_id,
      formatPercent(c.probability),
      money(c.mrr),
      money(c.expected_mrr_lost),
      c.plan ?? '',
      c.drivers.map((d) => d.text).join('; '),
    ]),
    ['churn risk', 'MRR', 'expected loss'],
  );
  const coefficients = formatTable(
    ['coefficient (per SD)', 'estimate', 'SE', '95% interval'],
    m.coefficients.map((c) => [
      c.name,
      c.estimate.toFixed(3),
      c.standard_error === null ? '' : c.standard_error.toFixed(3),
      c.lower_95 === null || c.upper_95 === null ? '' : `${c.lower_95.toFixed(3)} … ${c.upper_95.toFixed(3)}`,
    ]),
  );
  return [
    `Churn risk within ${r.horizon_days} days of ${r.scored_at.slice(0, 10)}: ${r.customers_scored} paying customers, MRR ${money(r.mrr)}, expected MRR lost ${money(r.expected_mrr_lost)}`,
    '',
    table,
    '',
    `MRR of the ${r.customers.length} listed: ${money(r.listed_mrr)}`,
    `Held-out months ${m.held_out_snapshots.map((s) => s.slice(0, 7)).join(', ')} (${m.held_out_rows} customer-months, ${m.held_out_churns} churns): AUC ${m.auc.toFixed(3)} vs ${m.baseline_auc.toFixed(3)} for tenure alone; Brier ${m.brier.toFixed(4)} vs ${m.baseline_brier.toFixed(4)}`,
    `Trained on ${m.training_snapshots.length} month starts ${m.training_snapshots[0]?.slice(0, 7)} … ${m.training_snapshots.at(-1)?.slice(0, 7)} (${m.training_rows} customer-months, ${m.training_churns} churns)${m.converged ? '' : ' — the fit did not converge'}`,
    ...(m.left_out.length
      ? [`Left out, the same for every customer in training: ${m.left_out.join(', ')}`]
      : []),
    '',
    coefficients,
  ].join('\n');
}

export function registerRisk(program: Command): void {
  program
    .command('risk')
    .description('The customers most at risk of churning soon, with the drivers and the MRR at stake')
    .option('--data <dir>', 'a folder of canonical files, loaded into a temporary warehouse first')
    .option('--db <file|url>', 'a warehouse: DuckDB file or postgres:// URL')
    .option('--top <n>', 'how many customers to list', '20')
    .option(
      '--horizon-days <n>',
      'churn within this many days after the snapshot',
      String(DEFAULT_HORIZON_DAYS),
    )
    .option(
      '--as-of <timestamp>',
      "the data's end (default: its latest timestamp); scored at the start of its day",
    )
    .option('--project <file>', 'project file with overrides (default ./tenure.yaml when present)')
    .option('--json', 'print the report as JSON')
    .action(async (opts: RiskCliOptions) => {
      const top = parseNumber(opts.top, '--top', { min: 1, integer: true });
      const horizonDays = parseNumber(opts.horizonDays, '--horizon-days', {
        min: 1,
        max: 365,
        integer: true,
      });
      const asOf = opts.asOf === undefined ? undefined : parseInstant(opts.asOf, '--as-of');
      const resolved = await resolveCatalog(opts.project);
      const report = await withEngine(opts, async (engine) => {
        const trained = await trainRisk(engine, { horizonDays, asOf, catalog: resolved.definitions });
        return riskReport(trained, await scoreCustomers(engine, trained), top);
      });
      if (opts.json) printJson(report);
      else process.stdout.write(`${formatRisk(report, { currency: resolved.currency })}\n`);
    });
}
