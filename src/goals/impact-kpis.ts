// The KPIs whose move Tenure prices (impact.ts), with the unit the move is written in and the moves the
// dashboard offers: a point either way for a share, 1,000 a month either way for money. Kept apart from
// the arithmetic so the dashboard can list them without it.
export const IMPACT_MOVES = {
  customer_churn_rate: 'rate',
  customer_retention_rate: 'rate',
  revenue_churn_rate: 'rate',
  net_revenue_churn: 'rate',
  net_revenue_retention: 'rate',
  expansion_revenue_growth_rate: 'rate',
  expansion_revenue: 'currency',
  customer_downgrade_rate: 'rate',
  activation_milestone_completion: 'rate',
} as const satisfies Record<string, 'rate' | 'currency'>;

export type ImpactKpi = keyof typeof IMPACT_MOVES;

/** The KPIs whose move Tenure can price. */
export const IMPACT_KPIS = Object.keys(IMPACT_MOVES) as ImpactKpi[];

export const isImpactKpi = (kpi: string): kpi is ImpactKpi => Object.hasOwn(IMPACT_MOVES, kpi);

/** The moves offered for a KPI, the good direction first: ±0.5, 1, 2 points, or ±500, 1,000, 5,000 a month. */
export function impactMoves(kpi: ImpactKpi, higherIsBetter: boolean): number[] {
  const steps = IMPACT_MOVES[kpi] === 'rate' ? [0.01, 0.005, 0.02] : [1000, 500, 5000];
  const good = higherIsBetter ? 1 : -1;
  return [...steps.map((s) => good * s), ...steps.map((s) => -good * s)];
}
