// The whole catalog for one period beside the one before: how `tenure demo` shows a company at a glance,
// each value in its unit (src/results/format.ts) and money in the project's currency.
import type { ResolvedCatalog } from '../catalog/catalog.ts';
import { formatValue } from '../results/format.ts';
import type { KpiResult } from '../results/kpi-result.ts';
import { formatTable } from './output.ts';

/** One line per catalog KPI (overall segment): its value in `period`, the period before, and flags. */
export function formatCatalogTable(
  rows: readonly KpiResult[],
  period: string,
  previous: string,
  catalog: Pick<ResolvedCatalog, 'definitions' | 'currency'>,
): string {
  const money = { currency: catalog.currency };
  const find = (kpi: string, start: string) =>
    rows.find((r) => r.kpi === kpi && r.period_start === start && r.segment === 'all');
  const lines = catalog.definitions.map((def) => {
    const now = find(def.id, period);
    const before = find(def.id, previous);
    return [
      def.activity,
      def.id,
      formatValue(now?.value, def.unit, money),
      formatValue(before?.value, def.unit, money),
      now?.flags.join(',') ?? '',
    ];
  });
  const [thisMonth, lastMonth] = [period.slice(0, 7), previous.slice(0, 7)];
  return formatTable(['activity', 'kpi', thisMonth, lastMonth, 'flags'], lines, [thisMonth, lastMonth]);
}
