// Anomalies in the KPIs' own history: every KPI (overall) over its last `history` complete periods, each
// series judged by detectAnomalies, and an alert when the latest complete period is anomalous. Periods
// flagged censored, too few or without data do not enter a series: their values say nothing yet.
import type { ResolvedCatalog } from '../catalog/catalog.ts';
import { computeKpis } from '../compiler/compute.ts';
import { type Grain, periodStart } from '../compiler/periods.ts';
import { formatValue } from '../results/format.ts';
import type { KpiResult } from '../results/kpi-result.ts';
import type { Engine } from '../warehouse/engine.ts';
import type { Alert } from './alert.ts';
import { type AnomalyOptions, detectAnomalies } from './anomaly.ts';

const POINTS_PER_YEAR: Record<Grain, number> = { day: 365, week: 52, month: 12, quarter: 4, year: 1 };
const SEASON: Partial<Record<Grain, number>> = { day: 7, month: 12 };
const SILENT = new Set(['censored', 'too_few', 'no_data', 'incomplete_period']);

const day = (d: Date) => d.toISOString().slice(0, 10);

export async function kpiAnomalies(
  engine: Engine,
  catalog: ResolvedCatalog,
  opts: { grain: Grain; history: number; asOf: string },
): Promise<Alert[]> {
  const last = periodStart(new Date(periodStart(new Date(opts.asOf), opts.grain).getTime() - 1), opts.grain);
  let first = last;
  for (let i = 1; i < opts.history; i++) first = periodStart(new Date(first.getTime() - 1), opts.grain);
  const rows = await computeKpis(engine, {
    kpis: 'all',
    from: day(first),
    to: day(last),
    grain: opts.grain,
    asOf: opts.asOf,
    catalog: catalog.definitions,
  });
  const series = new Map<string, KpiResult[]>();
  for (const r of rows) {
    const list = series.get(r.kpi) ?? [];
    list.push(r);
    series.set(r.kpi, list);
  }
  const alerts: Alert[] = [];
  for (const [kpi, points] of series) {
    const def = catalog.definitions.find((d) => d.id === kpi.split('.')[0]);
    if (!def || kpi.includes('.')) continue;
    const show = (v: number) => formatValue(v, def.unit, { currency: catalog.currency });
    points.sort((a, b) => a.period_start.localeCompare(b.period_start));
    const values = points.map((p) => ({
      period_start: p.period_start,
      value: p.flags.some((f) => SILENT.has(f)) ? null : p.value,
      n: p.denominator,
    }));
    const season = SEASON[opts.grain];
    // A seasonal index needs cycles of history: with fewer than three, judge without one.
    const known = values.filter((v) => v.value !== null).length;
    const options: AnomalyOptions = {
      pointsPerYear: POINTS_PER_YEAR[opts.grain],
      season: season && known >= 3 * season ? season : undefined,
      proportion:
        def.unit === 'rate' && values.every((v) => v.value === null || (v.value >= 0 && v.value <= 1)),
      // Amounts grow by a share: judged on the log scale.
      log: def.unit === 'currency' || def.unit === 'count',
    };
    const found = detectAnomalies(values, options).filter((a) => a.index === points.length - 1);
    for (const a of found) {
      alerts.push({
        key: `anomaly|${kpi}|${a.period_start}`,
        kind: 'anomaly',
        severity: 'warning',
        kpi,
        segment: 'all',
        period_start: a.period_start,
        message: `${def.name} moved to ${show(a.value)} in the period from ${a.period_start.slice(0, 10)}; its history expected ${show(a.expected)} (between ${show(a.lower)} and ${show(a.upper)})`,
        why: [],
      });
    }
  }
  return alerts;
}
