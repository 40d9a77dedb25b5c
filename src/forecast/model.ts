// From a cohort history to what the forecast projects: each cohort's curve (its own when old enough,
// else the pooled one), the arrivals' trend, and the ARPA drift and arrivals' ARPA with their spreads.
import { badInput } from '../errors/tenure-error.ts';
import { type SbgParams, sbgRetentionRate } from '../models/sbg.ts';
import { type ArrivalTrend, fitArrivalTrend } from './arrivals.ts';
import { type CurveFit, fitCohortCurve, fitPooledCurve } from './cohort-fits.ts';
import type { CohortHistory } from './history.ts';

/**
 * Months of arrivals the trend and the arrivals' ARPA are learnt from (a new account's MRR is heavy-tailed:
 * a few large accounts move a month's mean, so it takes a year to pin down), and months the ARPA drift
 * averages (it falls as the base ages, so only recent months speak for the next ones).
 */
export const ARRIVAL_MONTHS = 12;
export const RECENT_MONTHS = 6;

/** A mean of monthly values with its month-to-month spread. */
export interface RecentMean {
  mean: number;
  /** Standard deviation of the monthly values (0 with a single month). */
  sd: number;
  months: number;
}

export interface ForecastCohort {
  start: string;
  survivors: number;
  mrr: number;
  age: number;
  /** The cohort's own curve, or null for the pooled one. */
  own: CurveFit | null;
}

/** Churned customers over the recent months against those the curves expected (the ratio is the level). */
export interface ChurnLevel {
  level: number;
  observed: number;
  expected: number;
}

export interface ForecastModel {
  cut: string;
  cohorts: ForecastCohort[];
  pooled: CurveFit;
  arrivals: ArrivalTrend;
  /** Index (in the trend's months) of the first forecast month. */
  firstForecastIndex: number;
  drift: RecentMean;
  arrivalArpa: RecentMean;
  churnLevel: ChurnLevel;
}

export function recentMean(values: readonly number[]): RecentMean {
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const sd = n > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, sd, months: n };
}

/**
 * The recent churn level: over the last RECENT_MONTHS months, customers who churned against the churn each
 * cohort's curve expected of the customers it had at each month's start, Σ a·(1 − r(age + 1)). A curve
 * describes churn by age; the level carries what happens by calendar month instead — annual contracts
 * reaching their first renewals, a change of product or price — into the forecast. 1 when nothing churned
 * or nothing was expected.
 */
export function recentChurnLevel(history: CohortHistory, curves: readonly SbgParams[]): ChurnLevel {
  const n = history.months.length;
  let observed = 0;
  let expected = 0;
  for (let i = Math.max(0, n - RECENT_MONTHS); i < n; i++) {
    history.cohorts.forEach((c, k) => {
      const age = i - k - 1; // the cohort's age at the month's start; < 0 while it has not begun
      const atStart = c.survivors[age];
      const atEnd = c.survivors[age + 1];
      if (age < 0 || atStart === undefined || atEnd === undefined || atStart === 0) return;
      observed += atStart - atEnd;
      expected += atStart * (1 - sbgRetentionRate(curves[k] as SbgParams, age + 1));
    });
  }
  return { level: observed > 0 && expected > 0 ? observed / expected : 1, observed, expected };
}

export function buildForecastModel(history: CohortHistory): ForecastModel {
  const n = history.months.length;
  if (n < 3) {
    throw badInput(
      `the forecast needs at least 3 complete months of paying history before --as-of, found ${n}`,
      { field: '--as-of' },
      'give a later --as-of, or load more history',
    );
  }
  const pooled = fitPooledCurve(history.cohorts.map((c) => c.survivors));
  const cohorts: ForecastCohort[] = history.cohorts.map((c) => ({
    start: c.start,
    survivors: c.survivors[c.survivors.length - 1] ?? 0,
    mrr: c.mrr[c.mrr.length - 1] ?? 0,
    age: c.survivors.length - 1,
    own: fitCohortCurve(c.survivors) ?? null,
  }));
  const byStart = new Map(history.cohorts.map((c) => [c.start, c]));
  const arrivalCounts = history.months.map((m) => byStart.get(m)?.survivors[0] ?? 0);
  const window = arrivalCounts.slice(-ARRIVAL_MONTHS);
  const arrivals = fitArrivalTrend(window);
  const arpas = history.months.slice(-ARRIVAL_MONTHS).flatMap((m) => {
    const c = byStart.get(m);
    const count = c?.survivors[0] ?? 0;
    return c && count > 0 ? [(c.mrr[0] as number) / count] : [];
  });
  const drifts = history.monthly
    .slice(-RECENT_MONTHS)
    .filter((s) => s.atRisk > 0 && s.stayed > 0 && s.startMrr > 0)
    .map((s) => s.stayedEndMrr / s.stayed / (s.startMrr / s.atRisk));
  if (drifts.length === 0 || arpas.length === 0) {
    throw badInput(
      'the recent months before --as-of have no paying customers to learn ARPA from',
      { field: '--as-of' },
      'give a later --as-of',
    );
  }
  const churnLevel = recentChurnLevel(
    history,
    cohorts.map((c) => (c.own ?? pooled).params),
  );
  return {
    churnLevel,
    cut: history.cut,
    cohorts,
    pooled,
    arrivals,
    firstForecastIndex: window.length,
    drift: recentMean(drifts),
    arrivalArpa: recentMean(arpas),
  };
}
