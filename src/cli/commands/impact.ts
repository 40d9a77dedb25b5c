// `tenure impact KPI --change X [--horizon 12] (--data DIR | --db URL) [--as-of T] [--project F] [--json]`:
// what moving a KPI by X is worth over the horizon — MRR, NRR and customer lifetime value with and without
// the move, an interval, and the chain of assumptions (src/goals/impact.ts).
import type { Command } from 'commander';
import { getDefinition } from '../../catalog/catalog.ts';
import type { KpiImpact, Range } from '../../goals/impact.ts';
import { priceKpiMove } from '../../goals/impact-baseline.ts';
import { IMPACT_KPIS } from '../../goals/impact-kpis.ts';
import { type FormatOptions, formatEffect, formatTerm, type Unit } from '../../results/format.ts';
import { formatTable, printJson } from '../output.ts';
import { resolveCatalog } from './catalog.ts';
import { withEngine } from './compute.ts';
import { parseNumber } from './options.ts';
import { resolveAsOf, type WarehouseFlags, warehouseOptions } from './survival.ts';

/** The worth of a move in words and a table: what moves, by how much, and why. */
export function formatImpact(i: KpiImpact, name: string, money: FormatOptions = {}): string {
  const signed = (v: number, unit: Unit) => formatEffect(v, unit, money);
  const row = (label: string, r: Range | null, unit: Unit) =>
    r === null
      ? [label, 'no value', '', '', '']
      : [
          label,
          formatTerm(r.baseline, unit, money),
          formatTerm(r.scenario, unit, money),
          signed(r.change, unit),
          `${signed(r.low, unit)} to ${signed(r.high, unit)}`,
        ];
  const change = signed(i.change, i.unit === 'currency' ? 'currency' : 'rate');
  return [
    `${name} ${change}: worth ${signed(i.mrr.change, 'currency')} MRR in ${i.horizon} months (${i.via === 'model' ? 'through a fitted model' : 'through the KPI tree’s identities'})`,
    formatTable(
      ['', 'without', 'with', 'change', '95% interval'],
      [
        row(`MRR in ${i.horizon} months`, i.mrr, 'currency'),
        row('monthly NRR then', i.net_revenue_retention, 'rate'),
        row('customer lifetime value then', i.customer_lifetime_value, 'currency'),
      ],
      ['without', 'with', 'change'],
    ),
    '',
    'how:',
    ...i.chain.map((c) => `  ${c}`),
    'assuming:',
    ...i.assumptions.map((a) => `  ${a}`),
  ].join('\n');
}

export function registerImpact(program: Command): void {
  warehouseOptions(
    program
      .command('impact')
      .description(
        'What moving a KPI is worth: MRR, NRR and lifetime value over the horizon, with an interval',
      )
      .argument('<kpi>', `one of ${IMPACT_KPIS.join(', ')}`)
      .requiredOption(
        '--change <x>',
        'the move: points as a fraction (+0.05 is 5 points), or money for a money KPI',
      )
      .option('--horizon <months>', 'months ahead, 1 to 60', '12')
      .option('--project <file>', 'project file with overrides (default ./tenure.yaml when present)'),
  ).action(
    async (kpi: string, opts: WarehouseFlags & { change: string; horizon: string; project?: string }) => {
      const change = parseNumber(opts.change, '--change');
      const horizon = parseNumber(opts.horizon, '--horizon', { min: 1, max: 60, integer: true });
      const catalog = await resolveCatalog(opts.project);
      const impact = await withEngine(opts, async (engine) =>
        priceKpiMove(engine, catalog, {
          kpi: kpi.trim(),
          change,
          horizon,
          asOf: await resolveAsOf(engine, opts.asOf),
          money: { currency: catalog.currency },
        }),
      );
      if (opts.json) return printJson(impact);
      const name = getDefinition(impact.kpi, catalog.definitions).name;
      process.stdout.write(`${formatImpact(impact, name, { currency: catalog.currency })}\n`);
    },
  );
}
