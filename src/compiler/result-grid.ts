// Results for every requested KPI × segment × period: the segments are those seen in the keyed rows
// ('period_start|segment'), or 'all' without a breakdown; a KPI without data gives a no-data row each.
import { type KpiResult, noDataResult, type ResultContext } from '../results/kpi-result.ts';
import type { Row } from '../warehouse/engine.ts';
import type { Period } from './periods.ts';

/** Every requested KPI × segment × period, each giving its main row and any extra rows. */
export function assemble(
  req: {
    readonly periods: readonly Period[];
    readonly by?: string;
    readonly asOf: string;
    readonly minSample: number;
  },
  wanted: readonly string[],
  sources: readonly Map<string, Row>[],
  hasData: (kpi: string) => boolean,
  build: (kpi: string, ctx: ResultContext, key: string) => KpiResult[],
): KpiResult[] {
  const segments = new Set<string>(req.by === undefined ? ['all'] : []);
  for (const m of sources) for (const k of m.keys()) segments.add(k.split('|')[1] ?? '');
  const results: KpiResult[] = [];
  for (const kpi of wanted) {
    for (const segment of [...segments].sort()) {
      for (const p of req.periods) {
        const ctx: ResultContext = {
          kpi,
          period_start: p.start,
          period_end: p.end,
          segment,
          asOf: req.asOf,
          minSample: req.minSample,
        };
        if (!hasData(kpi)) results.push(noDataResult(ctx));
        else results.push(...build(kpi, ctx, `${p.start}|${segment}`));
      }
    }
  }
  return results;
}
