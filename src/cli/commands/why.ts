// `tenure why KPI --from P --to Q [--grain G] [--db FILE|URL] [--json]`: what moved a KPI between two
// periods, split into segment contributions over every breakdown dimension.
import type { Command } from 'commander';
import { rootCause } from '../../analysis/root-cause.ts';
import { getDefinition } from '../../catalog/catalog.ts';
import { GRAINS, type Grain } from '../../compiler/periods.ts';
import { badInput } from '../../errors/tenure-error.ts';
import { formatDelta, formatEffect, formatValue } from '../../results/format.ts';
import { openWarehouse } from '../../warehouse/open.ts';
import { formatTable, printJson } from '../output.ts';
import { resolveCatalog } from './catalog.ts';

export function registerWhy(program: Command): void {
  program
    .command('why <kpi>')
    .description('Split the change of a KPI between two periods into segment contributions (rate and mix)')
    .requiredOption('--from <date>', 'a day in the earlier period, YYYY-MM-DD')
    .requiredOption('--to <date>', 'a day in the later period, YYYY-MM-DD')
    .option('--grain <grain>', 'day, week, month, quarter or year', 'month')
    .option('--db <file|url>', 'a warehouse: DuckDB file or postgres:// URL', './tenure.duckdb')
    .option('--project <file>', 'project file with overrides (default ./tenure.yaml when present)')
    .option('--json', 'print JSON')
    .action(
      async (
        kpi: string,
        opts: { from: string; to: string; grain: string; db: string; project?: string; json?: boolean },
      ) => {
        if (!(GRAINS as readonly string[]).includes(opts.grain)) {
          throw badInput(
            `no grain '${opts.grain}'`,
            { field: '--grain' },
            `choose one of ${GRAINS.join(', ')}`,
          );
        }
        const catalog = await resolveCatalog(opts.project);
        const engine = await openWarehouse(opts.db, { mustExist: true });
        try {
          const why = await rootCause(engine, {
            kpi,
            grain: opts.grain as Grain,
            from: opts.from,
            to: opts.to,
            catalog: catalog.definitions,
          });
          if (opts.json) return printJson(why);
          const unit = getDefinition(kpi, catalog.definitions).unit;
          const money = { currency: catalog.currency };
          const value = (v: number | null | undefined) => formatValue(v, unit, money);
          const effect = (v: number | null | undefined) => formatEffect(v, unit, money);
          const out = [
            `${kpi}: ${value(why.before?.value)} → ${value(why.after?.value)} (change ${formatDelta(why.change, unit, money)})`,
            '',
            'what explains most beyond its size:',
            formatTable(
              [
                'dimension',
                'segment',
                'before',
                'after',
                'rate effect',
                'mix effect',
                'contribution',
                'excess',
              ],
              why.top.map((c) => [
                c.dimension,
                c.segment,
                value(c.before),
                value(c.after),
                effect(c.rate_effect),
                effect(c.mix_effect),
                effect(c.contribution),
                effect(c.excess),
              ]),
              ['before', 'after', 'rate effect', 'mix effect', 'contribution', 'excess'],
            ),
          ];
          for (const d of why.dimensions.filter((x) => x.kind === 'none')) {
            out.push('', `by ${d.dimension}: not a ratio or sum of segments; no exact split`);
          }
          for (const d of why.dimensions.filter((x) => x.kind === 'fixed_by_period')) {
            out.push(
              '',
              `by ${d.dimension}: each period holds other segments (the period determines the ${d.dimension}); not compared`,
            );
          }
          process.stdout.write(`${out.join('\n')}\n`);
        } finally {
          await engine.close();
        }
      },
    );
}
