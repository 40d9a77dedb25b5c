// The forecast and its intervals. The point forecast runs the month arithmetic (project.ts) on the
// estimates with expected survivors. The intervals come from a parametric bootstrap: each replicate draws
// every curve's (ln α, ln β) from its estimate's normal sampling distribution, the arrivals' trend
// coefficients likewise, the mean ARPA drift and arrivals' ARPA from theirs, then lives the months with
// binomial stayers, over-dispersed Poisson arrivals and a month-to-month spread of drift and ARPA;
// the interval at level L runs between the (1 − L)/2 and (1 + L)/2 quantiles of the replicates.
import type { SbgParams } from '../models/sbg.ts';
import type { Rng } from '../synth/random.ts';
import { arrivalRate } from './arrivals.ts';
import { drawCurveParams } from './cohort-fits.ts';
import { binomialDraw, forecastRng, normal2Draw, overdispersedCountDraw, quantileOfSorted } from './draws.ts';
import type { ForecastModel, RecentMean } from './model.ts';
import {
  type CohortState,
  expectedSurvivors,
  FORECAST_KPIS,
  type ForecastKpi,
  kpiFromOutcome,
  type MonthOutcome,
  projectMonths,
} from './project.ts';

export interface SimulationOptions {
  horizon: number;
  levels: readonly number[];
  replicates?: number;
  seed?: number;
}

export interface ForecastPoint {
  /** 1 for the first month after the cut. */
  month: number;
  value: number | null;
  /** [lower, upper] per level, in the order of the levels asked for (null when no replicate had a value). */
  intervals: ([number, number] | null)[];
}

export const DEFAULT_REPLICATES = 2000;
export const DEFAULT_SEED = 1;

/** The point forecast: every estimate as fitted, expected stayers and arrivals. */
export function pointForecast(model: ForecastModel, horizon: number): MonthOutcome[] {
  const start: CohortState[] = model.cohorts.map((c) => ({
    survivors: c.survivors,
    mrr: c.mrr,
    age: c.age,
    params: (c.own ?? model.pooled).params,
  }));
  return projectMonths(start, horizon, (h) => ({
    drift: model.drift.mean,
    arrivals: arrivalRate(model.arrivals, model.firstForecastIndex + h - 1),
    arrivalArpa: model.arrivalArpa.mean,
    arrivalParams: model.pooled.params,
    churnLevel: model.churnLevel.level,
    survive: expectedSurvivors,
  }));
}

/**
 * A mean and month-to-month spread for one replicate, from a few months' values: σ² from its scaled
 * inverse-χ² distribution, (n − 1)·s²/χ²ₙ₋₁, then the mean from N(x̄, σ²/n) — so that a month's value drawn
 * as mean + σ·z has the Student-t predictive spread of n values, not a normal's that takes s for σ.
 */
function drawRecentMean(rng: Rng, m: RecentMean): { mean: number; sd: number } {
  const df = m.months - 1;
  if (df < 1) return { mean: m.mean, sd: m.sd };
  let chi2 = 0;
  for (let i = 0; i < df; i++) chi2 += rng.normal() ** 2;
  const sd = m.sd * Math.sqrt(df / Math.max(chi2, 1e-9));
  return { mean: m.mean + (sd / Math.sqrt(m.months)) * rng.normal(), sd };
}

/** One bootstrap replicate of the months ahead. */
function replicate(
  rng: Rng,
  model: ForecastModel,
  horizon: number,
  curves: (i: number) => SbgParams,
): MonthOutcome[] {
  const pooled = curves(-1);
  const start: CohortState[] = model.cohorts.map((c, i) => ({
    survivors: c.survivors,
    mrr: c.mrr,
    age: c.age,
    params: c.own ? curves(i) : pooled,
  }));
  const t = model.arrivals;
  const [intercept, slope] = normal2Draw(rng, [t.intercept, t.slope], t.covariance);
  const drift = drawRecentMean(rng, model.drift);
  // The level's sampling error: the churned count is Poisson, so se(level) ≈ √observed / expected.
  const { level, observed, expected } = model.churnLevel;
  const churnLevel =
    expected > 0 ? Math.max(0, level + (Math.sqrt(observed) / expected) * rng.normal()) : level;
  const arpa = drawRecentMean(rng, model.arrivalArpa);
  return projectMonths(start, horizon, (h) => {
    const lambda = arrivalRate({ intercept, slope, centre: t.centre }, model.firstForecastIndex + h - 1);
    return {
      drift: drift.mean + drift.sd * rng.normal(),
      arrivals: overdispersedCountDraw(rng, lambda, t.dispersion),
      arrivalArpa: Math.max(0, arpa.mean + arpa.sd * rng.normal()),
      arrivalParams: pooled,
      churnLevel,
      survive: (n, r) => binomialDraw(rng, n, r),
    };
  });
}

/** Point forecasts and intervals for every forecastable KPI, month by month. */
export function simulateForecast(
  model: ForecastModel,
  opts: SimulationOptions,
): Record<ForecastKpi, ForecastPoint[]> {
  const { horizon, levels } = opts;
  const rng = forecastRng(opts.seed ?? DEFAULT_SEED);
  const draws = Object.fromEntries(
    FORECAST_KPIS.map((k) => [k, Array.from({ length: horizon }, () => [] as number[])]),
  ) as Record<ForecastKpi, number[][]>;
  const replicates = opts.replicates ?? DEFAULT_REPLICATES;
  // Each curve's draws, made up front: replicate r uses draw r of every curve.
  const pooledDraws = drawCurveParams(rng, model.pooled, replicates);
  const ownDraws = model.cohorts.map((c) => (c.own ? drawCurveParams(rng, c.own, replicates) : []));
  for (let r = 0; r < replicates; r++) {
    const curves = (i: number) => (i < 0 ? pooledDraws[r] : ownDraws[i]?.[r]) as SbgParams;
    replicate(rng, model, horizon, curves).forEach((o, h) => {
      for (const k of FORECAST_KPIS) {
        const v = kpiFromOutcome(k, o);
        if (v !== null) draws[k][h]?.push(v);
      }
    });
  }
  const point = pointForecast(model, horizon);
  const out = {} as Record<ForecastKpi, ForecastPoint[]>;
  for (const k of FORECAST_KPIS) {
    out[k] = point.map((o, h) => {
      const sorted = (draws[k][h] ?? []).sort((a, b) => a - b);
      const intervals = levels.map((l): [number, number] | null =>
        sorted.length === 0
          ? null
          : [quantileOfSorted(sorted, (1 - l) / 2), quantileOfSorted(sorted, (1 + l) / 2)],
      );
      return { month: h + 1, value: kpiFromOutcome(k, o), intervals };
    });
  }
  return out;
}
