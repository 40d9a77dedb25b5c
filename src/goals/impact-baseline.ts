// The base a KPI's move is priced on (impact.ts): the MRR bridge of the last closed months (6 by default),
// the catalog's customer lifetime value in the last one, and for activation the discrete-time hazard model's
// multiplier for activated accounts. All of it is computed in the warehouse; only monthly sums come back.
import type { ResolvedCatalog } from '../catalog/catalog.ts';
import { computeKpis } from '../compiler/compute.ts';
import { periodStart } from '../compiler/periods.ts';
import { churnHazards } from '../compiler/survival/hazard-cells.ts';
import { mrrBridge } from '../compiler/views/mrr-bridge.ts';
import { badInput, TenureError } from '../errors/tenure-error.ts';
import { studentTQuantile } from '../models/distributions.ts';
import { type FormatOptions, formatDelta } from '../results/format.ts';
import { featureEvents } from '../risk/feature-events.ts';
import type { Engine } from '../warehouse/engine.ts';
import type { TargetCheck } from './check.ts';
import {
  type ActivationEffect,
  checkMove,
  type ImpactBaseline,
  type KpiImpact,
  kpiImpact,
} from './impact.ts';

const LEVEL = 0.95;

/** Mean and standard error of the mean. */
function meanAndError(xs: readonly number[]): { mean: number; error: number } {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  if (xs.length < 2) return { mean, error: 0 };
  const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1);
  return { mean, error: Math.sqrt(variance / xs.length) };
}

/**
 * The base as of `asOf` (an instant): the `months` closed months before the month holding it, and the
 * activation effect when `activation` is asked for.
 */
export async function impactBaseline(
  engine: Engine,
  catalog: ResolvedCatalog,
  opts: { asOf: string; months?: number; activation?: boolean; downgrade?: boolean },
): Promise<ImpactBaseline> {
  const n = opts.months ?? 6;
  const end = periodStart(new Date(opts.asOf), 'month');
  const periods: { start: string; end: string }[] = [];
  for (let s = end, i = 0; i < n; i++) {
    const start = periodStart(new Date(s.getTime() - 1), 'month');
    periods.unshift({ start: start.toISOString(), end: s.toISOString() });
    s = start;
  }
  const bridge = (await mrrBridge(engine, periods)).filter((r) => r.start_mrr > 0);
  const last = bridge.at(-1);
  if (bridge.length < 2 || !last || last.period_end !== end.toISOString()) {
    throw badInput(
      `pricing a KPI's move needs MRR in at least 2 of the ${n} closed months before ${end.toISOString().slice(0, 10)}, and in the last one`,
      { field: 'as_of' },
      'load subscription_changes covering those months, or choose an earlier --as-of',
    );
  }
  const sum = (f: (r: (typeof bridge)[number]) => number) => bridge.reduce((s, r) => s + f(r), 0);
  const start = sum((r) => r.start_mrr);
  const customersStart = sum((r) => r.customers_start);
  const churned = sum((r) => r.customers_churned);
  const net = meanAndError(
    bridge.map((r) => 1 + (r.expansion_mrr - r.contraction_mrr - r.churn_mrr) / r.start_mrr),
  );
  const [ltvRow] = await computeKpis(engine, {
    kpis: ['customer_lifetime_value'],
    from: last.period_start.slice(0, 10),
    to: last.period_start.slice(0, 10),
    grain: 'month',
    asOf: opts.asOf,
    catalog: catalog.definitions,
  });
  const logo = churned / customersStart;
  const meanMrr = start / customersStart;
  return {
    as_of: opts.asOf,
    from: bridge[0]?.period_start ?? last.period_start,
    to: last.period_end,
    months: bridge.length,
    mrr: last.end_mrr,
    customers: last.customers_end,
    expansion_rate: sum((r) => r.expansion_mrr) / start,
    contraction_rate: sum((r) => r.contraction_mrr) / start,
    churn_rate: sum((r) => r.churn_mrr) / start,
    net_rate_standard_error: net.error,
    t_quantile: studentTQuantile(1 - (1 - LEVEL) / 2, bridge.length - 1),
    inflow_mrr: sum((r) => r.new_mrr + r.reactivation_mrr) / bridge.length,
    inflow_customers: sum((r) => r.customers_new + r.customers_reactivated) / bridge.length,
    logo_churn_rate: logo,
    churner_mrr_ratio: churned === 0 ? 1 : sum((r) => r.churn_mrr) / churned / meanMrr,
    ltv: ltvRow?.value ?? null,
    activation: opts.activation ? await activationEffect(engine, catalog, opts.asOf, logo) : null,
    downgrade_mrr_ratio: opts.downgrade
      ? await downgradeMrrRatio(engine, catalog, bridge, opts.asOf, meanMrr)
      : null,
  };
}

/**
 * What a downgrading customer gives up, over the mean customer's MRR: the months' contraction MRR over the
 * customers the catalog's downgrade rate counts (its numerators), null without downgrades.
 */
async function downgradeMrrRatio(
  engine: Engine,
  catalog: ResolvedCatalog,
  bridge: readonly { period_start: string; contraction_mrr: number }[],
  asOf: string,
  meanMrr: number,
): Promise<number | null> {
  const rows = await computeKpis(engine, {
    kpis: ['customer_downgrade_rate'],
    from: (bridge[0]?.period_start ?? asOf).slice(0, 10),
    to: (bridge.at(-1)?.period_start ?? asOf).slice(0, 10),
    grain: 'month',
    asOf,
    catalog: catalog.definitions,
  });
  const months = new Set(bridge.map((r) => r.period_start));
  const downgraders = rows
    .filter((r) => r.segment === 'all' && months.has(r.period_start))
    .reduce((s, r) => s + (r.numerator ?? 0), 0);
  if (downgraders === 0) return null;
  return bridge.reduce((s, r) => s + r.contraction_mrr, 0) / downgraders / meanMrr;
}

/** The hazard model's multiplier for activated accounts, and the churn of the others it implies. */
async function activationEffect(
  engine: Engine,
  catalog: ResolvedCatalog,
  asOf: string,
  logo: number,
): Promise<ActivationEffect> {
  const events = featureEvents(catalog.definitions);
  const fit = await churnHazards(engine, {
    asOf,
    milestones: events.milestones,
    activationWindowDays: events.activationWindowDays,
    level: LEVEL,
  });
  const m = fit.multipliers.find((e) => e.term === 'activated=yes');
  const all = fit.baseHazards.reduce((s, e) => s + e.atRisk, 0);
  if (!m || all === 0) {
    throw badInput(
      'the hazard model has no estimate for activated accounts (none, or every account, activated)',
      { field: 'kpi' },
      'load events with the activation milestones, or price a KPI of the MRR bridge',
    );
  }
  const share = m.atRisk / all;
  return {
    multiplier: m.estimate,
    lower: m.lower,
    upper: m.upper,
    activated_share: share,
    hazard_not_activated: logo / (1 + share * (m.estimate - 1)),
  };
}

/** Prices a move of `kpi` by `change` over `horizon` months on the warehouse's base as of `asOf`. */
export async function priceKpiMove(
  engine: Engine,
  catalog: ResolvedCatalog,
  req: { kpi: string; change: number; horizon?: number; asOf: string; money?: FormatOptions },
): Promise<KpiImpact> {
  const lever = checkMove(req.kpi, req.change, req.horizon);
  const baseline = await impactBaseline(engine, catalog, {
    asOf: req.asOf,
    activation: lever.needs === 'activation',
    downgrade: lever.needs === 'downgrade',
  });
  return kpiImpact(baseline, req.kpi, req.change, req.horizon, req.money);
}

/** What meeting a target is worth: the move from its value to its pragmatic target, priced over 12 months. */
export interface TargetWorth {
  readonly change: number;
  readonly horizon: number;
  readonly mrr_change: number;
  readonly low: number;
  readonly high: number;
}

/** "meeting it is worth +$13,190 MRR in 12 months" ('' when not priced), in the project's money. */
export const worthText = (worth: TargetWorth | null, money: FormatOptions = {}): string =>
  worth
    ? `meeting it is worth ${formatDelta(worth.mrr_change, 'currency', { ...money, digits: 0 })} MRR in ${worth.horizon} months`
    : '';

/**
 * The worth of meeting each target not met: a whole-company target of a KPI Tenure prices, with a value and
 * a pragmatic target (the nearest bound of a range). Null for the others, and for all of them when the
 * warehouse has too little MRR history to price anything.
 */
export async function targetsWorth(
  engine: Engine,
  catalog: ResolvedCatalog,
  checks: readonly TargetCheck[],
  asOf: string,
  horizon = 12,
): Promise<(TargetWorth | null)[]> {
  const moves = checks.map((c) => {
    if (c.status === 'on_track' || c.target.segment || c.value === null || c.pragmatic === null) return null;
    const goal =
      typeof c.pragmatic === 'number'
        ? c.pragmatic
        : c.value < c.pragmatic[0]
          ? c.pragmatic[0]
          : c.pragmatic[1];
    try {
      return {
        kpi: c.target.kpi,
        change: goal - c.value,
        lever: checkMove(c.target.kpi, goal - c.value, horizon),
      };
    } catch (err) {
      if (err instanceof TenureError && err.code === 'bad_input') return null;
      throw err;
    }
  });
  if (moves.every((m) => m === null)) return moves.map(() => null);
  let baseline: ImpactBaseline;
  try {
    baseline = await impactBaseline(engine, catalog, {
      asOf,
      activation: moves.some((m) => m?.lever.needs === 'activation'),
      downgrade: moves.some((m) => m?.lever.needs === 'downgrade'),
    });
  } catch (err) {
    if (err instanceof TenureError && err.code === 'bad_input') return moves.map(() => null);
    throw err;
  }
  return moves.map((m) => {
    if (m === null) return null;
    try {
      const i = kpiImpact(baseline, m.kpi, m.change, horizon);
      return { change: m.change, horizon, mrr_change: i.mrr.change, low: i.mrr.low, high: i.mrr.high };
    } catch (err) {
      // A move the base cannot take (churn below 0): not priced.
      if (err instanceof TenureError && err.code === 'bad_input') return null;
      throw err;
    }
  });
}
