// `tenure tree [--period DATE] [--grain G] [--mix-by DIM] [--db FILE|URL] [--json]`: the KPI tree with each
// KPI's value, change and status, and the identities that decompose NRR, MRR and retention exactly.
import type { Command } from 'commander';
import { GRAINS, type Grain } from '../../compiler/periods.ts';
import { badInput } from '../../errors/tenure-error.ts';
import { kpiTree } from '../../goals/tree-values.ts';
import { formatTerm, formatValue } from '../../results/format.ts';
import { openWarehouse } from '../../warehouse/open.ts';
import { formatTable, printJson } from '../output.ts';
import { resolveCatalog } from './catalog.ts';

export function registerTree(program: Command): void {
  program
    .command('tree')
    .description('The KPI tree: leading to lagging KPIs with values and statuses, and exact decompositions')
    .option('--period <date>', 'a day in the period to show, YYYY-MM-DD (default: the last complete one)')
    .option('--grain <grain>', 'day, week, month, quarter or year', 'month')
    .option('--mix-by <dimension>', 'the dimension retention is decomposed over', 'plan')
    .option('--db <file|url>', 'a warehouse: DuckDB file or postgres:// URL', './tenure.duckdb')
    .option('--project <file>', 'project file with overrides (default ./tenure.yaml when present)')
    .option('--json', 'print JSON')
    .action(
      async (opts: {
        period?: string;
        grain: string;
        mixBy: string;
        db: string;
        project?: string;
        json?: boolean;
      }) => {
        if (!(GRAINS as readonly string[]).includes(opts.grain))
          throw badInput(
            `no grain '${opts.grain}'`,
            { field: '--grain' },
            `choose one of ${GRAINS.join(', ')}`,
          );
        const catalog = await resolveCatalog(opts.project);
        const engine = await openWarehouse(opts.db, { mustExist: true });
        try {
          const tree = await kpiTree(engine, catalog, {
            grain: opts.grain as Grain,
            period: opts.period,
            mixBy: opts.mixBy,
          });
          if (opts.json) return printJson(tree);
          const money = { currency: catalog.currency };
          const out = [
            `KPI tree for ${tree.period_start.slice(0, 10)} to ${tree.period_end.slice(0, 10)} (${tree.grain})`,
            formatTable(
              ['depth', 'kpi', 'kind', 'value', 'previous', 'status', 'owner'],
              tree.nodes.map((n) => [
                n.depth,
                n.kpi,
                n.kind,
                formatValue(n.value, n.unit, money),
                formatValue(n.previous, n.unit, money),
                n.status ?? '',
                n.owner ?? '',
              ]),
              ['value', 'previous'],
            ),
            '',
            'edges:',
            ...tree.edges.map(
              (e) =>
                `  ${e.from} → ${e.to}${e.direction === 'opposite' ? ' (opposite)' : ''}: ${e.hypothesis}`,
            ),
          ];
          for (const i of tree.identities) {
            const residual = i.residual === null ? 'none' : i.residual.toExponential(1);
            out.push(
              '',
              `${i.kpi} = ${i.formula}: ${formatTerm(i.value, i.unit, money)} (residual ${residual})`,
            );
            for (const t of i.terms)
              out.push(`  ${t.label.padEnd(48)} ${formatTerm(t.value, i.unit, money)}`);
          }
          process.stdout.write(`${out.join('\n')}\n`);
        } finally {
          await engine.close();
        }
      },
    );
}
