// The overview's headline: the numbers a board deck carries, each for the latest complete period of the
// range, the period before and the same period a year earlier, with its series for a sparkline and the
// result whose customers it lists. Read from the KPI series (MRR, ARPA, NRR and its trailing 12 months,
// revenue churn, logo churn) and the MRR bridge (new, expansion and churned MRR, paying customers). Pure,
// so the browser tests compute the very strings the cards must show.
import { type Grain, periodStart } from '../../../src/compiler/periods.ts';
import type { MrrBridgeRow } from '../../../src/compiler/views/mrr-bridge.ts';
import type { TargetCheck } from '../goals-types.ts';
import { yearAgoStart } from '../presets.ts';

/** A KPI result row as the API gives it (the fields the headline reads). */
export interface ResultRow {
  kpi: string;
  period_start: string;
  segment: string;
  value: number | null;
  flags: string[];
}

/** A row of the MRR bridge as /api/views/mrr-bridge gives it. */
export type BridgeRow = MrrBridgeRow;

export { HEADLINE_KPIS, headlinePaths } from '../../../src/server/default-range.ts';

export interface HeadlineSpec {
  id: string;
  label: string;
  unit: string;
  higherIsBetter: boolean;
  /** In words, under the name. */
  means: string;
  /** The KPI whose target judges it (whole company, at the range's grain). */
  target?: string;
  /** The result and side whose customers the card lists. */
  drill: { result: string; side: 'numerator' | 'denominator' };
  /** The value of a period, from its KPI rows and its bridge row. */
  read: (kpi: (id: string) => ResultRow | undefined, bridge: BridgeRow | undefined) => number | null;
}

const value =
  (id: string, times = 1) =>
  (kpi: (id: string) => ResultRow | undefined) => {
    const v = kpi(id)?.value;
    return v === null || v === undefined ? null : v * times;
  };
const moved = (key: keyof BridgeRow) => (_: unknown, b: BridgeRow | undefined) =>
  b === undefined ? null : Number(b[key]);

export const HEADLINE: readonly HeadlineSpec[] = [
  {
    id: 'mrr',
    label: 'MRR',
    unit: 'currency',
    higherIsBetter: true,
    means: 'recurring revenue at the period’s end',
    target: 'mrr',
    drill: { result: 'mrr', side: 'numerator' },
    read: value('mrr'),
  },
  {
    id: 'arr',
    label: 'ARR',
    unit: 'currency',
    higherIsBetter: true,
    means: '12 × MRR',
    drill: { result: 'mrr', side: 'numerator' },
    read: value('mrr', 12),
  },
  {
    id: 'nrr',
    label: 'NRR',
    unit: 'rate',
    higherIsBetter: true,
    means: 'MRR kept and grown from customers paying at the start',
    target: 'net_revenue_retention',
    drill: { result: 'net_revenue_retention', side: 'denominator' },
    read: value('net_revenue_retention'),
  },
  {
    id: 'nrr_12m',
    label: 'NRR, trailing 12 months',
    unit: 'rate',
    higherIsBetter: true,
    means: 'the same, over customers paying a year earlier',
    drill: { result: 'net_revenue_retention.nrr_12m', side: 'denominator' },
    read: value('net_revenue_retention.nrr_12m'),
  },
  {
    id: 'grr',
    label: 'GRR',
    unit: 'rate',
    higherIsBetter: true,
    means: 'MRR kept from customers paying at the start, before expansion',
    drill: { result: 'net_revenue_retention.grr', side: 'denominator' },
    read: value('net_revenue_retention.grr'),
  },
  {
    id: 'grr_12m',
    label: 'GRR, trailing 12 months',
    unit: 'rate',
    higherIsBetter: true,
    means: 'the same, over customers paying a year earlier',
    drill: { result: 'net_revenue_retention.grr_12m', side: 'denominator' },
    read: value('net_revenue_retention.grr_12m'),
  },
  {
    id: 'logo_churn',
    label: 'Logo churn',
    unit: 'rate',
    higherIsBetter: false,
    means: 'customers paying at the start who pay nothing at the end',
    target: 'customer_churn_rate',
    drill: { result: 'customer_churn_rate', side: 'numerator' },
    read: value('customer_churn_rate'),
  },
  {
    id: 'arpa',
    label: 'ARPA',
    unit: 'currency',
    higherIsBetter: true,
    means: 'MRR per paying account',
    drill: { result: 'mrr.arpa', side: 'denominator' },
    read: value('mrr.arpa'),
  },
  {
    id: 'new_mrr',
    label: 'New MRR',
    unit: 'currency',
    higherIsBetter: true,
    means: 'from customers paying for the first time',
    drill: { result: 'mrr_bridge.new_mrr', side: 'numerator' },
    read: moved('new_mrr'),
  },
  {
    id: 'expansion_mrr',
    label: 'Expansion MRR',
    unit: 'currency',
    higherIsBetter: true,
    means: 'upgrades from customers already paying',
    drill: { result: 'mrr_bridge.expansion_mrr', side: 'numerator' },
    read: moved('expansion_mrr'),
  },
  {
    id: 'churned_mrr',
    label: 'Churned MRR',
    unit: 'currency',
    higherIsBetter: false,
    means: 'lost from customers who stopped paying',
    drill: { result: 'mrr_bridge.churn_mrr', side: 'numerator' },
    read: moved('churn_mrr'),
  },
  {
    id: 'customers',
    label: 'Paying customers',
    unit: 'count',
    higherIsBetter: true,
    means: 'accounts paying at the period’s end',
    drill: { result: 'mrr_bridge.end_mrr', side: 'numerator' },
    read: moved('customers_end'),
  },
];

export interface HeadlineValue {
  spec: HeadlineSpec;
  /** The latest complete period of the range (absent when the range has none). */
  period?: string;
  current: number | null;
  previous: number | null;
  lastYear: number | null;
  /** One value per period of the range, for the sparkline. */
  series: (number | null)[];
}

/**
 * Every headline number: `rows` and `bridge` cover the range and the year before it; `range` is the
 * range shown. A spec whose KPI rows the API does not give (a sub-result it does not compute) is left out.
 */
export function headlineValues(
  rows: readonly ResultRow[],
  bridge: readonly BridgeRow[],
  range: { from: string; grain: string },
): HeadlineValue[] {
  const whole = rows.filter((r) => r.segment === 'all');
  const byPeriod = new Map<string, Map<string, ResultRow>>();
  for (const r of whole) {
    if (!byPeriod.has(r.period_start)) byPeriod.set(r.period_start, new Map());
    byPeriod.get(r.period_start)?.set(r.kpi, r);
  }
  const bridgeOf = new Map(bridge.map((b) => [b.period_start, b]));
  const first = periodStart(new Date(`${range.from.slice(0, 10)}T00:00:00Z`), range.grain as Grain);
  const inRange = [...byPeriod.keys()].sort().filter((s) => s >= first.toISOString());
  const complete = inRange.filter(
    (s) => !(byPeriod.get(s)?.get('mrr')?.flags ?? []).includes('incomplete_period'),
  );
  const latest = complete.at(-1);
  const before = complete.at(-2);
  const read = (spec: HeadlineSpec, start: string | undefined) =>
    start === undefined ? null : spec.read((id) => byPeriod.get(start)?.get(id), bridgeOf.get(start));
  const present = new Set(whole.map((r) => r.kpi));
  return HEADLINE.filter((spec) => spec.id !== 'nrr_12m' || present.has('net_revenue_retention.nrr_12m'))
    .filter((spec) => spec.id !== 'grr' || present.has('net_revenue_retention.grr'))
    .filter((spec) => spec.id !== 'grr_12m' || present.has('net_revenue_retention.grr_12m'))
    .filter((spec) => spec.id !== 'arpa' || present.has('mrr.arpa'))
    .map((spec) => ({
      spec,
      period: latest,
      current: read(spec, latest),
      previous: read(spec, before),
      lastYear: latest === undefined ? null : read(spec, yearAgoStart(latest, range.grain)),
      series: inRange.map((s) => read(spec, s)),
    }));
}

/** The whole-company target of `kpi` set at `grain` (none under a filter: it judges everyone). */
export function targetAt(
  checks: readonly TargetCheck[],
  kpi: string | undefined,
  grain: string,
  filtered: boolean,
): TargetCheck | undefined {
  if (kpi === undefined || filtered) return undefined;
  return checks.find(
    (c) => c.target.kpi === kpi && c.target.segment === undefined && c.target.grain === grain,
  );
}
