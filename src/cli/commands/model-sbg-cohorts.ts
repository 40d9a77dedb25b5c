// `tenure model sbg --cohorts (--data DIR | --db URL) [--as-of T] [--discount D] [--periods K] [--json]`:
// the sBG model fitted to every cohort of first payments in a warehouse, one row per cohort.
import { type CohortSbgReport, cohortSbg } from '../../compiler/survival/cohort-sbg.ts';
import { formatTable, printJson } from '../output.ts';
import { withEngine } from './compute.ts';
import { show } from './model.ts';
import { parseNumber } from './options.ts';
import { resolveAsOf } from './survival.ts';

export interface CohortSbgFlags {
  cohorts?: boolean;
  data?: string;
  db?: string;
  asOf?: string;
  discount?: string;
  periods?: string;
  json?: boolean;
}

export function formatCohortSbg(report: CohortSbgReport): string {
  return [
    `sBG per cohort of first payments (months), as of ${report.as_of}; DEL and DERL at ${report.discount} a month`,
    formatTable(
      [
        'cohort',
        'size',
        'months',
        'alpha',
        'se',
        'beta',
        'se',
        'E(T)',
        'DEL',
        'DERL',
        'retention next',
        'note',
      ],
      report.cohorts.map((c) => {
        const next = c.projection[c.survivors.length - 1];
        return [
          c.cohort,
          c.size,
          c.survivors.length - 1,
          show(c.alpha),
          show(c.alphaStandardError),
          show(c.beta),
          show(c.betaStandardError),
          c.alpha === null ? '' : c.expectedLifetime === null ? 'infinite' : show(c.expectedLifetime),
          show(c.del),
          show(c.derl),
          next ? show(next.retentionRate) : '',
          c.problem ?? c.flags.join(', '),
        ];
      }),
    ),
  ].join('\n');
}

export async function runCohortSbg(flags: CohortSbgFlags): Promise<void> {
  const discount =
    flags.discount === undefined ? 0.01 : parseNumber(flags.discount, '--discount', { min: 1e-9, max: 100 });
  const projectMonths =
    flags.periods === undefined
      ? 12
      : parseNumber(flags.periods, '--periods', { integer: true, min: 1, max: 1200 });
  const report = await withEngine(flags, async (engine) =>
    cohortSbg(engine, { asOf: await resolveAsOf(engine, flags.asOf), discount, projectMonths }),
  );
  if (flags.json) printJson(report);
  else process.stdout.write(`${formatCohortSbg(report)}\n`);
}
