// Churn risk end to end on a warehouse: choose snapshots, compute their feature rows in SQL, fit the model
// and the tenure-only baseline on the training months, judge both on the held-out months, then score the
// customers paying now. The warehouse does the heavy work; the model code sees only feature rows.
import type { Catalog } from '../catalog/catalog.ts';
import { dataAsOf } from '../compiler/as-of.ts';
import { badInput } from '../errors/tenure-error.ts';
import type { LogisticCoefficient } from '../models/logistic.ts';
import type { Engine } from '../warehouse/engine.ts';
import { SqlParams } from '../warehouse/sql-builder.ts';
import { featureEvents } from './feature-events.ts';
import { type FeatureEvents, type FeatureRow, featureRowsSql } from './features-sql.ts';
import {
  driversOf,
  type Evaluation,
  evaluate,
  type FittedModel,
  type ScoredRow,
  scoreRows,
  trainModels,
} from './model.ts';
import { chooseSnapshots, dayToIso, type Snapshots } from './snapshots.ts';

export const DEFAULT_HORIZON_DAYS = 30;
export const DEFAULT_TRAINING_MONTHS = 12;
export const DEFAULT_HELD_OUT_MONTHS = 2;

export interface RiskOptions {
  horizonDays?: number;
  /** The data's end (default: its latest timestamp); customers are scored as at the start of its day. */
  asOf?: string;
  trainingMonths?: number;
  heldOutMonths?: number;
  catalog?: Catalog;
}

export interface TrainedRisk {
  asOf: string;
  horizonDays: number;
  snapshots: Snapshots;
  events: FeatureEvents;
  model: FittedModel;
  baseline: FittedModel;
  training: { rows: number; churns: number };
  heldOut: Evaluation;
  timingsMs: { features: number; fit: number };
}

/** The feature rows at the given snapshots. */
export async function featureRows(
  engine: Engine,
  snapshotDays: readonly number[],
  horizonDays: number,
  events: FeatureEvents,
): Promise<FeatureRow[]> {
  const params = new SqlParams(engine.dialect);
  const sql = featureRowsSql(snapshotDays, horizonDays, events, params);
  const rows = await engine.query(sql, params.values);
  const num = (v: unknown) => Number(v ?? 0);
  const opt = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return rows.map((r) => ({
    snapshot_day: num(r.snapshot_day),
    customer_id: String(r.customer_id),
    mrr: num(r.mrr),
    plan: r.plan === null ? null : String(r.plan),
    channel: r.channel === null ? null : String(r.channel),
    tenure_days: num(r.tenure_days),
    events_30d: num(r.events_30d),
    events_prev_30d: num(r.events_prev_30d),
    active_days_30d: num(r.active_days_30d),
    key_actions_30d: num(r.key_actions_30d),
    features_30d: num(r.features_30d),
    activated: num(r.activated),
    nps: opt(r.nps),
    csat: opt(r.csat),
    contractions_90d: num(r.contractions_90d),
    checkins_90d: num(r.checkins_90d),
    churned: num(r.churned),
  }));
}

function checkOptions(opts: RiskOptions): Required<Omit<RiskOptions, 'asOf' | 'catalog'>> {
  const horizonDays = opts.horizonDays ?? DEFAULT_HORIZON_DAYS;
  const trainingMonths = opts.trainingMonths ?? DEFAULT_TRAINING_MONTHS;
  const heldOutMonths = opts.heldOutMonths ?? DEFAULT_HELD_OUT_MONTHS;
  if (!Number.isInteger(horizonDays) || horizonDays < 1 || horizonDays > 365)
    throw badInput(`the horizon must be a whole number of days from 1 to 365, not ${horizonDays}`, {
      field: '--horizon-days',
    });
  for (const [v, field] of [
    [trainingMonths, 'trainingMonths'],
    [heldOutMonths, 'heldOutMonths'],
  ] as const)
    if (!Number.isInteger(v) || v < 1 || v > 60)
      throw badInput(`${field} must be a whole number from 1 to 60, not ${v}`, { field });
  return { horizonDays, trainingMonths, heldOutMonths };
}

/** The data's span: first subscription change and the end (as_of), or a message when there is none. */
async function dataSpan(
  engine: Engine,
  asOf?: string,
): Promise<{ start: string; end: string; scoreAt: string }> {
  const [row] = await engine.query<{ t: string | null }>(
    'SELECT min(effective_at) AS t FROM subscription_changes',
  );
  if (!row?.t)
    throw badInput(
      'the warehouse holds no subscription changes: churn risk is learnt from the MRR log',
      { field: 'subscription_changes' },
      'load subscription_changes (one row per MRR change; mrr 0 when a customer cancels)',
    );
  const dayMs = 86_400_000;
  if (asOf !== undefined) {
    const t = Date.parse(asOf);
    // Scored as at the start of as_of's UTC day, so every feature reads only data before as_of.
    return { start: row.t, end: asOf, scoreAt: new Date(Math.floor(t / dayMs) * dayMs).toISOString() };
  }
  const end = (await dataAsOf(engine)) ?? row.t;
  // The data's own end: nothing lies after it, so the day it ends in is scored whole.
  return { start: row.t, end, scoreAt: new Date(Math.ceil(Date.parse(end) / dayMs) * dayMs).toISOString() };
}

export async function trainRisk(engine: Engine, opts: RiskOptions = {}): Promise<TrainedRisk> {
  const { horizonDays, trainingMonths, heldOutMonths } = checkOptions(opts);
  const span = await dataSpan(engine, opts.asOf);
  const snapshots = chooseSnapshots({
    dataStart: span.start,
    asOf: span.end,
    scoreAt: span.scoreAt,
    horizonDays,
    trainingMonths,
    heldOutMonths,
  });
  const events = featureEvents(opts.catalog);
  const t0 = performance.now();
  const rows = await featureRows(engine, [...snapshots.training, ...snapshots.heldOut], horizonDays, events);
  const t1 = performance.now();
  const held = new Set(snapshots.heldOut);
  const training = rows.filter((r) => !held.has(r.snapshot_day));
  const heldOutRows = rows.filter((r) => held.has(r.snapshot_day));
  const { model, baseline } = trainModels(training);
  const heldOut = evaluate(model, baseline, heldOutRows);
  return {
    asOf: span.end,
    horizonDays,
    snapshots,
    events,
    model,
    baseline,
    training: { rows: training.length, churns: training.reduce((s, r) => s + r.churned, 0) },
    heldOut,
    timingsMs: { features: t1 - t0, fit: performance.now() - t1 },
  };
}

/** The customers paying at the scoring snapshot, riskiest first, with their drivers. */
export async function scoreCustomers(engine: Engine, trained: TrainedRisk): Promise<ScoredRow[]> {
  const rows = await featureRows(engine, [trained.snapshots.scoring], trained.horizonDays, trained.events);
  return scoreRows(trained.model, rows);
}

const coefficientJson = (c: LogisticCoefficient) => ({
  name: c.name,
  estimate: c.estimate,
  standard_error: c.standardError,
  lower_95: c.lower,
  upper_95: c.upper,
});

/** How the listed customers are chosen: the riskiest, or those whose churn would cost most (p × MRR). */
export const RISK_SORTS = ['risk', 'mrr_at_stake'] as const;
export type RiskSort = (typeof RISK_SORTS)[number];

/**
 * The report `tenure risk` prints and GET /api/risk returns (snake_case, like every API answer): the `top`
 * customers by `sort` — churn risk (the scored order), or the MRR at stake, probability × MRR, which puts a
 * large account at moderate risk before a small one at high risk.
 */
export function riskReport(
  trained: TrainedRisk,
  scored: readonly ScoredRow[],
  top: number,
  sort: RiskSort = 'risk',
) {
  const mrr = scored.reduce((s, r) => s + r.row.mrr, 0);
  const expectedLoss = scored.reduce((s, r) => s + r.probability * r.row.mrr, 0);
  const ordered =
    sort === 'risk'
      ? scored
      : [...scored].sort((a, b) => b.probability * b.row.mrr - a.probability * a.row.mrr);
  const listed = ordered.slice(0, top);
  const h = trained.heldOut;
  return {
    as_of: trained.asOf,
    scored_at: dayToIso(trained.snapshots.scoring),
    horizon_days: trained.horizonDays,
    sort,
    customers_scored: scored.length,
    mrr: mrr,
    expected_mrr_lost: expectedLoss,
    listed_mrr: listed.reduce((s, r) => s + r.row.mrr, 0),
    customers: listed.map((r) => ({
      customer_id: r.row.customer_id,
      probability: r.probability,
      mrr: r.row.mrr,
      expected_mrr_lost: r.probability * r.row.mrr,
      plan: r.row.plan,
      channel: r.row.channel,
      drivers: driversOf(trained.model, r.row).map((d) => ({
        feature: d.feature,
        text: d.text,
        contribution: d.contribution,
      })),
    })),
    model: {
      training_snapshots: trained.snapshots.training.map(dayToIso),
      training_rows: trained.training.rows,
      training_churns: trained.training.churns,
      held_out_snapshots: trained.snapshots.heldOut.map(dayToIso),
      held_out_rows: h.rows,
      held_out_churns: h.churns,
      auc: h.auc,
      baseline_auc: h.baselineAuc,
      brier: h.brier,
      baseline_brier: h.baselineBrier,
      reliability: h.reliability.map((b) => ({
        from: b.from,
        to: b.to,
        n: b.n,
        mean_predicted: b.meanPredicted,
        observed_rate: b.observedRate,
      })),
      converged: trained.model.fit.converged,
      // Features with one value across the training rows say nothing and are left out (no events, no
      // surveys, no check-ins in the data).
      left_out: trained.model.design.constant,
      scale: 'per standard deviation of each feature in the training rows',
      coefficients: trained.model.fit.coefficients.map(coefficientJson),
      baseline_coefficients: trained.baseline.fit.coefficients.map(coefficientJson),
    },
  };
}

export type RiskReport = ReturnType<typeof riskReport>;
