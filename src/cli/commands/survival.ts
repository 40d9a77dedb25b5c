// `tenure survival (--data DIR | --db URL) [--by DIM] [--as-of T] [--horizon MONTHS] [--json]`: Kaplan–Meier
// survival of customers' first paying spells per segment, with medians, RMST and the log-rank test.
// `tenure hazards (--data DIR | --db URL) [--as-of T] [--level L] [--json]`: the discrete-time churn
// hazard model on monthly renewal decisions (base hazard per plan, multipliers per covariate).
import type { Command } from 'commander';
import { dataAsOf } from '../../compiler/as-of.ts';
import { parseInstant } from '../../compiler/periods.ts';
import { churnHazards } from '../../compiler/survival/hazard-cells.ts';
import { type SurvivalReport, survivalBySegment } from '../../compiler/survival/survival.ts';
import { badInput } from '../../errors/tenure-error.ts';
import type { HazardFit } from '../../models/discrete-hazard.ts';
import { formatPercent } from '../../results/format.ts';
import type { Engine } from '../../warehouse/engine.ts';
import { formatTable, printJson } from '../output.ts';
import { withEngine } from './compute.ts';
import { show } from './model.ts';
import { parseNumber } from './options.ts';

export interface WarehouseFlags {
  data?: string;
  db?: string;
  asOf?: string;
  json?: boolean;
}

/** --as-of as ISO 8601 UTC, or the data's end when not given. */
export async function resolveAsOf(engine: Engine, asOf: string | undefined): Promise<string> {
  if (asOf !== undefined) return parseInstant(asOf, '--as-of');
  const end = await dataAsOf(engine);
  if (end === undefined) {
    throw badInput(
      'the warehouse holds no dated rows',
      { field: '--db' },
      'load data first, or give --as-of',
    );
  }
  return end;
}

/** The commands' shared options: where the warehouse is and the data's end. */
export function warehouseOptions(command: Command): Command {
  return command
    .option('--data <dir>', 'a folder of canonical files, loaded into a temporary warehouse first')
    .option('--db <file|url>', 'a warehouse: DuckDB file or postgres:// URL')
    .option('--as-of <timestamp>', "the data's end (default: its latest timestamp)")
    .option('--json', 'print JSON');
}

export function formatSurvival(report: SurvivalReport): string {
  const out = [
    `Survival of customers' first paying spells, in months, as of ${report.as_of}` +
      (report.by ? `, by ${report.by}` : ''),
    formatTable(
      ['segment', 'customers', 'churned', 'median', `RMST to ${report.horizon}`, 'std. error'],
      report.segments.map((s) => [
        s.segment,
        s.n,
        s.events,
        s.median,
        show(s.rmst.rmst),
        show(s.rmst.standardError),
      ]),
    ),
  ];
  for (const s of report.segments) {
    out.push(
      `\n${s.segment}`,
      formatTable(
        ['month', 'at risk', 'churned', 'censored', 'survival', `${formatPercent(report.level)} interval`],
        s.steps.map((step) => [
          step.time,
          step.atRisk,
          step.events,
          step.censored,
          show(step.survival),
          `${show(step.lower)} – ${show(step.upper)}`,
        ]),
      ),
    );
  }
  if (report.logRank) {
    const lr = report.logRank;
    out.push(
      `\nlog-rank test: chi-square ${show(lr.chiSquare)} on ${lr.df} df, p = ${lr.pValue.toPrecision(3)}`,
    );
  }
  return out.join('\n');
}

function references(fit: HazardFit): string {
  const refs = Object.entries(fit.references).map(([k, v]) => `${k}=${v}`);
  const aliased = fit.aliased.length ? `; aliased (left out): ${fit.aliased.join(', ')}` : '';
  return `references: ${refs.join(', ')}${aliased}`;
}

export function formatHazards(fit: HazardFit & { as_of: string }): string {
  const rows = (list: HazardFit['baseHazards']) =>
    list.map((e) => [e.term, show(e.estimate), `${show(e.lower)} – ${show(e.upper)}`, e.atRisk, e.events]);
  const level = formatPercent(fit.level);
  return [
    `Churn hazard per monthly renewal decision as of ${fit.as_of}: ${fit.decisions} decisions, ${fit.events} churns` +
      (fit.converged ? '' : ' (did not converge)'),
    formatTable(
      ['base hazard', 'estimate', `${level} interval`, 'decisions', 'churns'],
      rows(fit.baseHazards),
    ),
    formatTable(
      ['multiplier', 'estimate', `${level} interval`, 'decisions', 'churns'],
      rows(fit.multipliers),
    ),
    references(fit),
  ].join('\n');
}

export function registerSurvival(program: Command): void {
  warehouseOptions(
    program
      .command('survival')
      .description(
        "Kaplan–Meier survival of customers' first paying spells by segment, with RMST and log-rank",
      )
      .option(
        '--by <dimension>',
        "break down by plan, channel, country, referred, signup_cohort or attributes.KEY (a key of the customers' attributes)",
      )
      .option(
        '--horizon <months>',
        'months to which the RMST is taken (default: what every segment observed)',
      ),
  ).action(async (opts: WarehouseFlags & { by?: string; horizon?: string }) => {
    const horizon =
      opts.horizon === undefined
        ? undefined
        : parseNumber(opts.horizon, '--horizon', { min: 1, max: 1200, integer: true });
    const report = await withEngine(opts, async (engine) =>
      survivalBySegment(engine, { by: opts.by, asOf: await resolveAsOf(engine, opts.asOf), horizon }),
    );
    if (opts.json) printJson(report);
    else process.stdout.write(`${formatSurvival(report)}\n`);
  });

  warehouseOptions(
    program
      .command('hazards')
      .description(
        'Fit the discrete-time churn hazard model: base hazard per plan and multipliers per covariate',
      )
      .option('--level <level>', 'interval level', '0.95'),
  ).action(async (opts: WarehouseFlags & { level: string }) => {
    const level = parseNumber(opts.level, '--level', { min: 0.5, max: 0.9999 });
    const fit = await withEngine(opts, async (engine) =>
      churnHazards(engine, { asOf: await resolveAsOf(engine, opts.asOf), level }),
    );
    if (opts.json) printJson(fit);
    else process.stdout.write(`${formatHazards(fit)}\n`);
  });
}
