// One month of the forecast's arithmetic, on the cohorts' state. Each paying-start cohort has survivors,
// their MRR and its age in months since its first month end; a month
//   - keeps survivors·r(age + 1) of each cohort, r(t) = (β + t − 1)/(α + β + t − 1) the sBG retention rate
//     of the cohort's curve, its churn 1 − r scaled by the recent churn level (model.ts) (a binomial draw
//     in the simulation, the mean in the point forecast);
//   - carries each survivor's MRR at its cohort's ARPA times the drift d, the recent ratio of the ARPA of
//     customers who stayed a month (at its end) to the ARPA of everyone paying at its start (expansion less
//     contraction, and the tilt of who stays towards larger accounts);
//   - adds a cohort of the month's arrivals at the arrivals' ARPA.
// The KPIs follow the catalog's definitions (KPI-DEFAULTS.md): churn = churned / paying at start,
// retention = stayed / paying at start (= 1 − churn under net classification), MRR = Σ MRR at the end,
// NRR = MRR at the end of those paying at the start / their MRR at the start.
import type { SbgParams } from '../models/sbg.ts';
import { sbgRetentionRate } from '../models/sbg.ts';
import type { ForecastKpi } from './forecast-kpis.ts';

export { FORECAST_KPIS, type ForecastKpi, isForecastKpi } from './forecast-kpis.ts';

export interface CohortState {
  /** Customers of the cohort paying now. */
  survivors: number;
  /** Their MRR now. */
  mrr: number;
  /** Months since the end of the cohort's first month (0 at that month end). */
  age: number;
  params: SbgParams;
}

/** What one month of the forecast is given: drawn in the simulation, the estimates in the point forecast. */
export interface MonthInputs {
  drift: number;
  arrivals: number;
  arrivalArpa: number;
  /** The curve the month's arrivals will follow (the pooled one). */
  arrivalParams: SbgParams;
  /** The recent level of churn against the curves: each month's churn probability 1 − r is scaled by it. */
  churnLevel: number;
  /** How many of n customers stay when each stays with probability r. */
  survive: (n: number, r: number) => number;
}

/** The month's sums, from which every forecast KPI is a ratio or a total. */
export interface MonthOutcome {
  atRisk: number;
  stayed: number;
  startMrr: number;
  stayedMrr: number;
  endMrr: number;
}

export function stepMonth(
  cohorts: readonly CohortState[],
  month: MonthInputs,
): { outcome: MonthOutcome; next: CohortState[] } {
  let atRisk = 0;
  let stayed = 0;
  let startMrr = 0;
  let stayedMrr = 0;
  const next: CohortState[] = [];
  for (const c of cohorts) {
    if (c.survivors <= 0) continue;
    const churn = Math.min(1, month.churnLevel * (1 - sbgRetentionRate(c.params, c.age + 1)));
    const kept = month.survive(c.survivors, 1 - churn);
    const mrr = kept * (c.mrr / c.survivors) * month.drift;
    atRisk += c.survivors;
    stayed += kept;
    startMrr += c.mrr;
    stayedMrr += mrr;
    next.push({ survivors: kept, mrr, age: c.age + 1, params: c.params });
  }
  const arrivalMrr = month.arrivals * month.arrivalArpa;
  next.push({ survivors: month.arrivals, mrr: arrivalMrr, age: 0, params: month.arrivalParams });
  return { outcome: { atRisk, stayed, startMrr, stayedMrr, endMrr: stayedMrr + arrivalMrr }, next };
}

/** The KPI's value from a month's sums; null where its denominator is 0 (as the compiler does). */
export function kpiFromOutcome(kpi: ForecastKpi, o: MonthOutcome): number | null {
  switch (kpi) {
    case 'customer_churn_rate':
      return o.atRisk > 0 ? (o.atRisk - o.stayed) / o.atRisk : null;
    case 'customer_retention_rate':
      return o.atRisk > 0 ? o.stayed / o.atRisk : null;
    case 'mrr':
      return o.endMrr;
    case 'net_revenue_retention':
      return o.startMrr > 0 ? o.stayedMrr / o.startMrr : null;
  }
}

/** Runs `months` steps from `start`, `inputs(h)` giving month h's inputs (h = 1 … months). */
export function projectMonths(
  start: readonly CohortState[],
  months: number,
  inputs: (h: number) => MonthInputs,
): MonthOutcome[] {
  const out: MonthOutcome[] = [];
  let state: readonly CohortState[] = start;
  for (let h = 1; h <= months; h++) {
    const { outcome, next } = stepMonth(state, inputs(h));
    out.push(outcome);
    state = next;
  }
  return out;
}

/** The expected number of stayers, for the point forecast. */
export const expectedSurvivors = (n: number, r: number): number => n * r;
