// The range the dashboard opens on: the 12 complete months before the month holding the data's end
// (`as_of`). Shared by the dashboard (web/src/range.ts) and the server's warm-up, so both ask for the very
// same query and the warm-up fills the cache entry the overview reads; so are the overview headline's
// requests (the range and the year before it, for "a year ago").
import { type Grain, periodStart, yearBefore } from '../compiler/periods.ts';

export interface Range {
  from: string;
  to: string;
  grain: string;
}

/** The 12 complete months before the month holding `asOf` (UTC); before today's when there is no data. */
export function defaultRange(asOf: string | null): Range {
  const end = asOf ? new Date(asOf) : new Date();
  const current = Date.UTC(end.getUTCFullYear(), end.getUTCMonth(), 1);
  const from = Date.UTC(end.getUTCFullYear(), end.getUTCMonth() - 12, 1);
  return {
    from: new Date(from).toISOString().slice(0, 10),
    to: new Date(current - 86_400_000).toISOString().slice(0, 10),
    grain: 'month',
  };
}

/** The start of the period of `grain` holding the same day a year before `start` (29 February → 28th). */
export function yearAgoStart(start: string, grain: string): string {
  return periodStart(new Date(yearBefore(start)), grain as Grain).toISOString();
}

/** The KPIs the overview's headline reads (with their sub-results: mrr.arpa, NRR's nrr_12m, grr and grr_12m). */
export const HEADLINE_KPIS = ['mrr', 'net_revenue_retention', 'customer_churn_rate'];

/** The headline's two requests for a range (and a filter): its KPIs and the MRR bridge, from a year before. */
export function headlinePaths(range: Range, filter?: string): { kpis: string; bridge: string } {
  const from = yearAgoStart(`${range.from}T00:00:00.000Z`, range.grain).slice(0, 10);
  const wide = new URLSearchParams({ from, to: range.to, grain: range.grain });
  if (filter) wide.set('filter', filter);
  return {
    kpis: `/api/kpis?${new URLSearchParams({ ids: HEADLINE_KPIS.join(',') })}&${wide}`,
    bridge: `/api/views/mrr-bridge?${wide}`,
  };
}
