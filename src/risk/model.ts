// The churn-risk model over feature rows, with no warehouse in sight: fit the logistic model and the
// tenure-only baseline on training rows, judge both on held-out rows, score rows with their drivers.
import { badInput } from '../errors/tenure-error.ts';
import { auc, brierScore, type ReliabilityBin, reliabilityTable } from '../models/discrimination.ts';
import { fitLogistic, type LogisticFit } from '../models/logistic.ts';
import { type Design, encodeRows, learnDesign, TENURE_COLUMN } from './design.ts';
import { type Driver, topDrivers } from './drivers.ts';
import type { FeatureRow } from './features-sql.ts';

/** Ridge penalty on standardised slopes: negligible against thousands of rows, it keeps rare levels finite. */
export const RIDGE_LAMBDA = 1;
/** Fewer customers or churns than these in training cannot support a model of ~25 coefficients. */
export const MIN_TRAINING_CUSTOMERS = 100;
export const MIN_TRAINING_CHURNS = 20;

export interface FittedModel {
  design: Design;
  fit: LogisticFit;
}

export interface Evaluation {
  rows: number;
  churns: number;
  auc: number;
  baselineAuc: number;
  brier: number;
  baselineBrier: number;
  reliability: ReliabilityBin[];
}

export interface ScoredRow {
  row: FeatureRow;
  probability: number;
}

function fitOn(rows: readonly FeatureRow[], only?: readonly string[]): FittedModel {
  const design = learnDesign(rows, only);
  const fit = fitLogistic({
    x: encodeRows(rows, design),
    columns: design.columns.length,
    y: rows.map((r) => r.churned),
    lambda: RIDGE_LAMBDA,
    names: design.columns.map((c) => c.name),
  });
  return { design, fit };
}

/** Refuses training rows too few to fit, saying what would help. */
export function checkTrainingRows(rows: readonly FeatureRow[]): void {
  const customers = new Set(rows.map((r) => r.customer_id)).size;
  const churns = rows.reduce((s, r) => s + r.churned, 0);
  if (customers < MIN_TRAINING_CUSTOMERS)
    throw badInput(
      `only ${customers} customers were paying at the training snapshots; the churn-risk model needs at least ${MIN_TRAINING_CUSTOMERS}`,
      { field: 'customers' },
      'load more customers or a longer history of subscription changes',
    );
  if (churns < MIN_TRAINING_CHURNS)
    throw badInput(
      `${churns === 0 ? 'no' : `only ${churns}`} churns (MRR going to 0) fall within the training snapshots' horizons; the churn-risk model needs at least ${MIN_TRAINING_CHURNS}`,
      { field: 'subscription_changes' },
      'load a longer history of subscription changes (cancellations are rows with mrr 0), or lengthen --horizon-days',
    );
}

export function trainModels(training: readonly FeatureRow[]): { model: FittedModel; baseline: FittedModel } {
  checkTrainingRows(training);
  return { model: fitOn(training), baseline: fitOn(training, [TENURE_COLUMN]) };
}

/** P(churn within the horizon) per row, and each column's contribution to the log-odds. */
export function predict(model: FittedModel, rows: readonly FeatureRow[]): Float64Array {
  const x = encodeRows(rows, model.design);
  const p = model.design.columns.length;
  const beta = model.fit.coefficients.map((c) => c.estimate);
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    let eta = beta[0] as number;
    for (let j = 0; j < p; j++) eta += (beta[j + 1] as number) * (x[i * p + j] as number);
    out[i] = 1 / (1 + Math.exp(-eta));
  }
  return out;
}

export function evaluate(
  model: FittedModel,
  baseline: FittedModel,
  heldOut: readonly FeatureRow[],
): Evaluation {
  const y = heldOut.map((r) => r.churned);
  const churns = y.reduce((s, v) => s + v, 0);
  if (churns === 0 || churns === heldOut.length)
    throw badInput(
      `the held-out months have ${heldOut.length} paying customers and ${churns} churns: the model cannot be judged on them`,
      { field: 'subscription_changes' },
      'load more recent history, or lengthen --horizon-days',
    );
  const p = predict(model, heldOut);
  const b = predict(baseline, heldOut);
  return {
    rows: heldOut.length,
    churns,
    auc: auc(p, y),
    baselineAuc: auc(b, y),
    brier: brierScore(p, y),
    baselineBrier: brierScore(b, y),
    reliability: reliabilityTable(p, y, 10),
  };
}

/** Rows scored, riskiest first (ties by customer id). */
export function scoreRows(model: FittedModel, rows: readonly FeatureRow[]): ScoredRow[] {
  const probabilities = predict(model, rows);
  return rows
    .map((row, i) => ({ row, probability: probabilities[i] as number }))
    .sort((a, b) => b.probability - a.probability || a.row.customer_id.localeCompare(b.row.customer_id));
}

/** The top three drivers of one row's score (asked only for the customers listed). */
export function driversOf(model: FittedModel, row: FeatureRow): Driver[] {
  const x = encodeRows([row], model.design);
  const beta = model.fit.coefficients;
  const contributions = model.design.columns.map((c, j) => ({
    group: c.group,
    value: (beta[j + 1]?.estimate ?? 0) * (x[j] as number),
  }));
  return topDrivers(row, contributions);
}
