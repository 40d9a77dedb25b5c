// The whole catalog for one period beside the one before: how `tenure demo` shows a company at a glance.
// Rates are fractions, as everywhere in Tenure (0.25, not 25%).
import { CATALOG } from '../catalog/catalog.ts';
import type { KpiResult } from '../results/kpi-result.ts';
import { formatTable } from './output.ts';

function show(value: number | null): string {
  if (value === null) return '—';
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  return Number.isInteger(value) ? String(value) : value.toFixed(Math.abs(value) < 10 ? 3 : 1);
}

/** One line per catalog KPI (overall segment): its value in `period`, the period before, and flags. */
export function formatCatalogTable(rows: readonly KpiResult[], period: string, previous: string): string {
  const find = (kpi: string, start: string) =>
    rows.find((r) => r.kpi === kpi && r.period_start === start && r.segment === 'all');
  const lines = CATALOG.map((def) => {
    const now = find(def.id, period);
    const before = find(def.id, previous);
    return [
      def.activity,
      def.id,
      show(now?.value ?? null),
      show(before?.value ?? null),
      now?.flags.join(',') ?? '',
    ];
  });
  return formatTable(['activity', 'kpi', period.slice(0, 7), previous.slice(0, 7), 'flags'], lines);
}
