// `tenure compute (--data DIR | --db URL) --kpi ID[,ID…]|all --grain G --from DATE --to DATE [--by DIM]
//  [--filter DIM=VALUE …] [--as-of T] [--json]`
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { Catalog } from '../../catalog/catalog.ts';
import { recordDefinitions } from '../../catalog/change-log.ts';
import { computeKpis } from '../../compiler/compute.ts';
import { checkProjectEvents } from '../../compiler/metrics/event-names.ts';
import { GRAINS, type Grain, parseInstant } from '../../compiler/periods.ts';
import { badInput } from '../../errors/tenure-error.ts';
import { ingest } from '../../ingest/ingest.ts';
import { formatNumber, formatValue } from '../../results/format.ts';
import type { KpiResult } from '../../results/kpi-result.ts';
import { DuckDBEngine } from '../../warehouse/duckdb/duckdb-engine.ts';
import type { Engine } from '../../warehouse/engine.ts';
import { openWarehouse } from '../../warehouse/open.ts';
import { WarehouseBusy } from '../../warehouse/warehouse-busy.ts';
import { formatTable, printJson } from '../output.ts';
import { computeThroughServer } from '../through-server.ts';
import { resolveCatalog } from './catalog.ts';
import { parseNumber } from './options.ts';

interface ComputeOptions {
  data?: string;
  db?: string;
  kpi: string;
  grain: string;
  from: string;
  to: string;
  by?: string;
  filter: string[];
  asOf?: string;
  minSample: string;
  project?: string;
  json?: boolean;
}

/**
 * A warehouse for the command: the one named, or a temporary one loaded from a data folder. `purpose`
 * 'compute' (the catalog's KPIs) opens every engine; anything else only those that keep Tenure's records.
 */
export async function withEngine<T>(
  opts: Pick<ComputeOptions, 'data' | 'db'>,
  work: (engine: Engine) => Promise<T>,
  purpose?: 'compute',
): Promise<T> {
  if ((opts.data === undefined) === (opts.db === undefined)) {
    throw badInput('give either --data DIR or --db FILE|URL', { field: '--data' });
  }
  if (opts.db !== undefined) {
    const engine = await openWarehouse(opts.db, { mustExist: true, purpose });
    try {
      return await work(engine);
    } finally {
      await engine.close();
    }
  }
  const dir = await mkdtemp(join(tmpdir(), 'tenure-compute-'));
  const engine = await DuckDBEngine.open(join(dir, 'tenure.duckdb'));
  try {
    await ingest(engine, { dataDir: opts.data as string });
    return await work(engine);
  } finally {
    await engine.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Result rows as a text table: each KPI's value in its catalog unit and the project's `currency` (3.2%,
 * 69.9×, $179,021.90); a sub-result (`kpi.part`), whose unit the catalog does not state, and numerators and
 * denominators as plain numbers. `--json` keeps every value a number.
 */
export function formatResults(rows: readonly KpiResult[], catalog: Catalog, currency?: string): string {
  const units = new Map(catalog.map((d) => [d.id, d.unit]));
  const value = (r: KpiResult) => {
    const unit = units.get(r.kpi);
    return unit === undefined ? formatNumber(r.value) : formatValue(r.value, unit, { currency });
  };
  return formatTable(
    ['kpi', 'period', 'segment', 'value', 'numerator', 'denominator', 'n', 'flags'],
    rows.map((r) => [
      r.kpi,
      r.period_start.slice(0, 10),
      r.segment,
      value(r),
      formatNumber(r.numerator),
      formatNumber(r.denominator),
      formatNumber(r.n),
      r.flags.join(','),
    ]),
    ['value', 'numerator', 'denominator', 'n'],
  );
}

export function registerCompute(program: Command): void {
  program
    .command('compute')
    .description('Compute KPIs per period, optionally broken down by a customer dimension')
    .option('--data <dir>', 'a folder of canonical files, loaded into a temporary warehouse first')
    .option('--db <file|url>', 'a warehouse: DuckDB file or postgres:// URL')
    .requiredOption('--kpi <ids>', 'KPI ids, comma-separated, or all')
    .option('--grain <grain>', `one of ${GRAINS.join(', ')}`, 'month')
    .requiredOption('--from <date>', 'first day of the range, YYYY-MM-DD')
    .requiredOption('--to <date>', 'last day of the range, YYYY-MM-DD')
    .option(
      '--by <dimension>',
      "break down by plan, channel, country, referred, signup_cohort, attributes.KEY (a key of the customers' attributes), or lifecycle or rfm (each customer's stage or RFM group in each period)",
    )
    .option(
      '--filter <dimension=value>',
      'keep only these customers, e.g. plan=starter (repeat for several dimensions)',
      (value: string, all: string[]) => [...all, value],
      [] as string[],
    )
    .option('--as-of <timestamp>', "the data's end (default: its latest timestamp)")
    .option('--min-sample <n>', 'flag values standing on fewer units as too few to judge', '30')
    .option('--project <file>', 'project file with overrides (default ./tenure.yaml when present)')
    .option('--json', 'print a JSON array of result rows')
    .action(async (opts: ComputeOptions) => {
      const kpis =
        opts.kpi === 'all'
          ? 'all'
          : opts.kpi
              .split(',')
              .map((k) => k.trim())
              .filter(Boolean);
      const minSample = parseNumber(opts.minSample, '--min-sample', { min: 0, integer: true });
      const asOf = opts.asOf === undefined ? undefined : parseInstant(opts.asOf, '--as-of');
      const filters = opts.filter.map((f) => {
        const at = f.indexOf('=');
        if (at <= 0 || at === f.length - 1)
          throw badInput(
            `--filter takes DIMENSION=VALUE, not '${f}'`,
            { field: '--filter' },
            'e.g. --filter plan=starter',
          );
        return { by: f.slice(0, at), value: f.slice(at + 1) };
      });
      const resolved = await resolveCatalog(opts.project);
      const rows = await withEngine(
        opts,
        async (engine) => {
          await checkProjectEvents(engine, resolved);
          const results = await computeKpis(engine, {
            kpis,
            from: opts.from,
            to: opts.to,
            grain: opts.grain as Grain,
            by: opts.by,
            filters,
            asOf,
            minSample,
            catalog: resolved.definitions,
          });
          // A kept warehouse remembers every definition it was computed with (see `tenure catalog diff`).
          if (opts.db !== undefined) await recordDefinitions(engine, resolved.definitions);
          return results;
        },
        'compute',
      ).catch((err: unknown) => {
        // `tenure serve` holds the file: the server computes it (the same rows, from its cache or not).
        if (!(err instanceof WarehouseBusy && err.server)) throw err;
        return computeThroughServer(err.server, {
          ...{ kpis, filters, minSample, definitions: resolved.definitions },
          ...{ from: opts.from, to: opts.to, grain: opts.grain, by: opts.by, asOf: opts.asOf },
        });
      });
      if (opts.json) printJson(rows);
      else process.stdout.write(`${formatResults(rows, resolved.definitions, resolved.currency)}\n`);
    });
}
