// `tenure forecast (--data DIR | --db URL) --kpi ID --horizon K [--as-of T] [--level 0.8,0.95]
//  [--replicates N] [--seed S] [--json]`: the next K months of a churn, retention, MRR or NRR KPI with
// intervals, after the history it was learnt from.
import type { Command } from 'commander';
import { getDefinition } from '../../catalog/catalog.ts';
import { parseInstant } from '../../compiler/periods.ts';
import { type ForecastAnswer, forecastKpi, levelKey, MAX_HORIZON } from '../../forecast/forecast.ts';
import { FORECAST_KPIS } from '../../forecast/project.ts';
import { DEFAULT_REPLICATES, DEFAULT_SEED } from '../../forecast/simulate.ts';
import { type FormatOptions, formatValue, type Unit } from '../../results/format.ts';
import { formatTable, printJson } from '../output.ts';
import { resolveCatalog } from './catalog.ts';
import { withEngine } from './compute.ts';
import { parseNumber } from './options.ts';

interface ForecastOptions {
  data?: string;
  db?: string;
  kpi: string;
  horizon: string;
  grain: string;
  asOf?: string;
  level: string;
  replicates: string;
  seed: string;
  project?: string;
  json?: boolean;
}

/** The history and the forecast months, each value in the KPI's unit (`money`: the project's currency). */
export function formatForecast(a: ForecastAnswer, unit: Unit, money: FormatOptions = {}): string {
  const show = (v: number | null | undefined) => formatValue(v, unit, money);
  const keys = a.levels.map(levelKey);
  const headers = ['period', 'kind', 'value', ...keys.flatMap((k) => [`lower_${k}`, `upper_${k}`])];
  const history = a.history.map((r) => [
    r.period_start.slice(0, 7),
    'history',
    show(r.value),
    ...keys.flatMap(() => ['', '']),
  ]);
  const ahead = a.forecast.map((r) => [
    r.period_start.slice(0, 7),
    'forecast',
    show(r.value),
    ...keys.flatMap((k) => [show(r[`lower_${k}`]), show(r[`upper_${k}`])]),
  ]);
  return `${a.kpi}, monthly, learnt from the months before ${a.history_end.slice(0, 10)}\n${formatTable(headers, [...history, ...ahead], headers.slice(2))}`;
}

function parseLevels(text: string): number[] {
  return text
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean)
    .map((t) => parseNumber(t, '--level', { min: 0, max: 1 }));
}

export function registerForecast(program: Command): void {
  program
    .command('forecast')
    .description(`Forecast a KPI month by month with intervals (${FORECAST_KPIS.join(', ')})`)
    .option('--data <dir>', 'a folder of canonical files, loaded into a temporary warehouse first')
    .option('--db <file|url>', 'a warehouse: DuckDB file or postgres:// URL')
    .requiredOption('--kpi <id>', `one of ${FORECAST_KPIS.join(', ')}`)
    .requiredOption('--horizon <months>', `months ahead, 1 to ${MAX_HORIZON}`)
    .option('--grain <grain>', 'forecasts are monthly', 'month')
    .option(
      '--as-of <timestamp>',
      "the data's end (default: its latest timestamp); history stops at its month",
    )
    .option('--level <levels>', 'interval levels, comma-separated', '0.8,0.95')
    .option('--replicates <n>', 'bootstrap replicates', String(DEFAULT_REPLICATES))
    .option('--seed <n>', 'seed of the simulation (same seed, same intervals)', String(DEFAULT_SEED))
    .option('--project <file>', 'project file with overrides (default ./tenure.yaml when present)')
    .option('--json', 'print the history, the forecast rows and what the model learnt as JSON')
    .action(async (opts: ForecastOptions) => {
      const horizon = parseNumber(opts.horizon, '--horizon', { min: 1, max: MAX_HORIZON, integer: true });
      const replicates = parseNumber(opts.replicates, '--replicates', { min: 100, integer: true });
      const seed = parseNumber(opts.seed, '--seed', { min: 0, integer: true });
      const asOf = opts.asOf === undefined ? undefined : parseInstant(opts.asOf, '--as-of');
      const resolved = await resolveCatalog(opts.project);
      const answer = await withEngine(opts, (engine) =>
        forecastKpi(engine, {
          kpi: opts.kpi.trim(),
          horizon,
          grain: opts.grain,
          asOf,
          levels: parseLevels(opts.level),
          replicates,
          seed,
          catalog: resolved.definitions,
        }),
      );
      if (opts.json) printJson(answer);
      else {
        const unit = getDefinition(answer.kpi, resolved.definitions).unit;
        process.stdout.write(`${formatForecast(answer, unit, { currency: resolved.currency })}\n`);
      }
    });
}
