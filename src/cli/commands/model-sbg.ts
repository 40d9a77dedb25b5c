// `tenure model sbg --survivors 1000,631,468,… [--periods K] [--discount D] [--json]`, or
// `tenure model sbg --cohorts (--data DIR | --db URL) [--as-of T] [--discount D] [--json]`
import type { Command } from 'commander';
import { badInput, TenureError } from '../../errors/tenure-error.ts';
import {
  fitSbg,
  projectSbg,
  sbgDiscountedLifetime,
  sbgDiscountedResidualLifetime,
  sbgExpectedLifetime,
} from '../../models/sbg.ts';
import { formatTable, printJson } from '../output.ts';
import { parameterRows, show } from './model.ts';
import { type CohortSbgFlags, runCohortSbg } from './model-sbg-cohorts.ts';
import { parseNumber } from './options.ts';

interface SbgFlags extends CohortSbgFlags {
  survivors?: string;
  periods?: string;
  discount?: string;
  json?: boolean;
}

function parseSurvivors(text: string): number[] {
  return text.split(',').map((part, i) => {
    const value = Number(part.trim());
    if (part.trim() === '' || !Number.isFinite(value)) {
      throw badInput(
        `value ${i + 1} of --survivors is not a number: '${part.trim()}'`,
        { field: '--survivors' },
        'give counts separated by commas, e.g. 1000,631,468,382',
      );
    }
    return value;
  });
}

export function registerModelSbg(model: Command): void {
  model
    .command('sbg')
    .description("Fit the shifted-beta-geometric retention model to a cohort's survivors per period")
    .option(
      '--survivors <counts>',
      'the cohort size, then the customers left after each period: 1000,631,468,…',
    )
    .option('--periods <k>', 'project periods 1 … k (default: the observed periods + 5)')
    .option('--discount <d>', 'discount rate a period, for DEL and DERL (e.g. 0.1)')
    .option('--json', 'print the fit as JSON')
    .option('--cohorts', 'fit each cohort of first payments in a warehouse (with --data or --db)')
    .option('--data <dir>', 'with --cohorts: a folder of canonical files, loaded into a temporary warehouse')
    .option('--db <file|url>', 'with --cohorts: a warehouse, DuckDB file or postgres:// URL')
    .option('--as-of <timestamp>', "with --cohorts: the data's end (default: its latest timestamp)")
    .action(async (flags: SbgFlags) => {
      if (flags.cohorts) {
        await runCohortSbg(flags);
        return;
      }
      if (flags.survivors === undefined) {
        throw badInput(
          'the survivors series is required',
          { field: '--survivors' },
          'pass --survivors 1000,631,468,…',
        );
      }
      const survivors = parseSurvivors(flags.survivors);
      const observed = survivors.length - 1;
      const periods =
        flags.periods === undefined
          ? observed + 5
          : parseNumber(flags.periods, '--periods', { integer: true, min: 1, max: 10_000 });
      const discount =
        flags.discount === undefined
          ? undefined
          : parseNumber(flags.discount, '--discount', { min: 1e-9, max: 100 });
      const fit = withField('--survivors', () => fitSbg(survivors));
      const expectedLifetime = sbgExpectedLifetime(fit.params);
      const flagsOut = expectedLifetime === null ? ['infinite_mean_lifetime'] : [];
      if (!fit.converged) flagsOut.push('not_converged');
      const projections = projectSbg(fit.params, survivors[0] as number, periods, survivors);
      const valuation =
        discount === undefined
          ? undefined
          : {
              discount,
              del: sbgDiscountedLifetime(fit.params, discount),
              derl: Array.from({ length: observed + 1 }, (_, renewals) => ({
                renewals,
                derl: sbgDiscountedResidualLifetime(fit.params, discount, renewals),
              })),
            };
      if (flags.json) {
        printJson({
          model: 'sbg',
          params: fit.params,
          standardErrors: fit.standardErrors,
          logLikelihood: fit.logLikelihood,
          converged: fit.converged,
          cohortSize: survivors[0],
          periodsObserved: observed,
          expectedLifetime,
          flags: flagsOut,
          projections,
          ...valuation,
        });
        return;
      }
      const out = [
        `sBG fit on a cohort of ${survivors[0]} over ${observed} periods: log-likelihood ${show(fit.logLikelihood)}${fit.converged ? '' : ' (did not converge)'}`,
        formatTable(
          ['parameter', 'estimate', 'std. error'],
          parameterRows({ ...fit.params }, { ...fit.standardErrors }),
        ),
        expectedLifetime === null
          ? 'expected lifetime: infinite (alpha ≤ 1: some customers practically never leave)'
          : `expected lifetime: ${show(expectedLifetime)} periods`,
        formatTable(
          ['period', 'survival', 'retention rate', 'expected', 'observed'],
          projections.map((p) => [
            p.period,
            show(p.survival),
            show(p.retentionRate),
            show(p.expectedSurvivors),
            p.observed,
          ]),
        ),
      ];
      if (valuation) {
        out.push(`DEL of a new customer at ${valuation.discount} a period: ${show(valuation.del)} periods`);
        out.push(
          formatTable(
            ['renewals made', 'DERL'],
            valuation.derl.map((d) => [d.renewals, show(d.derl)]),
          ),
        );
      }
      process.stdout.write(`${out.join('\n\n')}\n`);
    });
}

/** Runs a model on a command-line series; its errors name the option. */
function withField<T>(field: string, work: () => T): T {
  try {
    return work();
  } catch (err) {
    if (!(err instanceof TenureError)) throw err;
    throw new TenureError(err.code, err.message, { where: { ...err.where, field }, hint: err.hint });
  }
}
