// `forecast(engine, request)`: the next K months of a churn, retention, MRR or NRR KPI with intervals,
// from the paying-start cohorts' sBG curves and the recent arrivals (see CONTEXT.md), beside the history
// the model learnt from (the compiler's own values of the KPI for those months).
import { CATALOG, type Catalog, getDefinition } from '../catalog/catalog.ts';
import { dataAsOf } from '../compiler/as-of.ts';
import { computeKpis } from '../compiler/compute.ts';
import { badInput } from '../errors/tenure-error.ts';
import type { KpiResult } from '../results/kpi-result.ts';
import type { Engine } from '../warehouse/engine.ts';
import { monthCut, monthStartsUpTo, readCohortHistory } from './cohort-sql.ts';
import { buildForecastModel } from './model.ts';
import { FORECAST_KPIS, isForecastKpi } from './project.ts';
import { DEFAULT_REPLICATES, DEFAULT_SEED, simulateForecast } from './simulate.ts';

export const DEFAULT_LEVELS = [0.8, 0.95] as const;
export const MAX_HORIZON = 24;

export interface ForecastRequest {
  readonly kpi: string;
  readonly horizon: number;
  /** The data's end; by default the latest observed timestamp. History ends at the start of its month. */
  readonly asOf?: string;
  /** Interval levels in (0, 1); default 0.8 and 0.95. */
  readonly levels?: readonly number[];
  readonly grain?: string;
  readonly replicates?: number;
  readonly seed?: number;
  readonly catalog?: Catalog;
}

/** A forecast month: `lower_80`, `upper_80`, … per level (the level in percent, '.' as '_'). */
export interface ForecastRow {
  kpi: string;
  period_start: string;
  period_end: string;
  value: number | null;
  [bound: `lower_${string}` | `upper_${string}`]: number | null;
}

export interface ForecastAnswer {
  kpi: string;
  grain: 'month';
  /** The data's end the forecast was made at, and the month start its history stops at. */
  as_of: string;
  history_end: string;
  levels: number[];
  history: KpiResult[];
  forecast: ForecastRow[];
  /** What the model learnt, for the curious: cohorts with their own curve, the pooled curve, arrivals. */
  model: {
    cohorts: number;
    own_curves: number;
    pooled: { alpha: number; beta: number };
    arrivals_per_month: number;
    arrivals_monthly_growth: number;
    arpa_drift: number;
    arrival_arpa: number;
  };
}

export const levelKey = (level: number): string => String(Math.round(level * 1000) / 10).replace('.', '_');

export function checkForecastRequest(req: ForecastRequest, catalog: Catalog): number[] {
  getDefinition(req.kpi, catalog); // an unknown id fails here, with suggestions
  if (!isForecastKpi(req.kpi)) {
    throw badInput(
      `KPI ${req.kpi} has no forecast`,
      { field: 'kpi' },
      `forecasts exist for ${FORECAST_KPIS.join(', ')}`,
    );
  }
  if (req.grain !== undefined && req.grain !== 'month') {
    throw badInput(
      `forecasts are monthly; grain ${req.grain} is not supported`,
      { field: 'grain' },
      'use grain month',
    );
  }
  if (!(Number.isInteger(req.horizon) && req.horizon >= 1 && req.horizon <= MAX_HORIZON)) {
    throw badInput(
      `horizon must be a whole number of months from 1 to ${MAX_HORIZON}, not ${req.horizon}`,
      { field: 'horizon' },
      'e.g. --horizon 6',
    );
  }
  const levels = [...(req.levels ?? DEFAULT_LEVELS)];
  for (const l of levels) {
    if (!(l > 0 && l < 1)) {
      throw badInput(
        `an interval level must lie between 0 and 1, not ${l}`,
        { field: 'level' },
        'e.g. 0.8,0.95',
      );
    }
  }
  return levels;
}

export async function forecastKpi(engine: Engine, req: ForecastRequest): Promise<ForecastAnswer> {
  const catalog = req.catalog ?? CATALOG;
  const levels = checkForecastRequest(req, catalog);
  const asOf = req.asOf ?? (await dataAsOf(engine));
  if (asOf === undefined) {
    throw badInput('the warehouse holds no data to forecast from', { field: 'db' }, 'load data first');
  }
  const cut = monthCut(asOf);
  const history = await readCohortHistory(engine, cut);
  if (!history || history.months.length === 0) {
    throw badInput(
      `no customer paid before ${cut.slice(0, 10)}, so there is nothing to forecast from`,
      { field: '--as-of' },
      'load subscription_changes, or give a later --as-of',
    );
  }
  const model = buildForecastModel(history);
  const sim = simulateForecast(model, {
    horizon: req.horizon,
    levels,
    replicates: req.replicates ?? DEFAULT_REPLICATES,
    seed: req.seed ?? DEFAULT_SEED,
  });
  const kpi = req.kpi as (typeof FORECAST_KPIS)[number];
  const ahead = monthStartsUpTo(
    cut,
    new Date(Date.parse(cut) + 31 * 86_400_000 * (req.horizon + 1)).toISOString(),
  );
  const forecast: ForecastRow[] = sim[kpi].map((p, i) => {
    const row: ForecastRow = {
      kpi,
      period_start: ahead[i] as string,
      period_end: ahead[i + 1] as string,
      value: p.value,
    };
    levels.forEach((l, j) => {
      const bounds = p.intervals[j];
      row[`lower_${levelKey(l)}`] = bounds ? bounds[0] : null;
      row[`upper_${levelKey(l)}`] = bounds ? bounds[1] : null;
    });
    return row;
  });
  const lastDay = new Date(Date.parse(cut) - 86_400_000).toISOString().slice(0, 10);
  const historyRows = await computeKpis(engine, {
    kpis: [kpi],
    from: (history.months[0] as string).slice(0, 10),
    to: lastDay,
    grain: 'month',
    asOf: cut,
    catalog,
  });
  const own = model.cohorts.filter((c) => c.own).length;
  return {
    kpi,
    grain: 'month',
    as_of: new Date(Date.parse(asOf)).toISOString(),
    history_end: cut,
    levels,
    history: historyRows.filter((r) => r.kpi === kpi),
    forecast,
    model: {
      cohorts: model.cohorts.length,
      own_curves: own,
      pooled: model.pooled.params as { alpha: number; beta: number },
      arrivals_per_month: Math.exp(
        model.arrivals.intercept +
          model.arrivals.slope * (model.firstForecastIndex - 1 - model.arrivals.centre),
      ),
      arrivals_monthly_growth: Math.exp(model.arrivals.slope) - 1,
      arpa_drift: model.drift.mean,
      arrival_arpa: model.arrivalArpa.mean,
    },
  };
}
