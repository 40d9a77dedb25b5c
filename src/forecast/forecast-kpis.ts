// The KPIs with a forecast. Imports nothing, so the dashboard bundles the list as it is.
export const FORECAST_KPIS = [
  'customer_churn_rate',
  'customer_retention_rate',
  'mrr',
  'net_revenue_retention',
] as const;
export type ForecastKpi = (typeof FORECAST_KPIS)[number];

export function isForecastKpi(id: string): id is ForecastKpi {
  return (FORECAST_KPIS as readonly string[]).includes(id);
}
