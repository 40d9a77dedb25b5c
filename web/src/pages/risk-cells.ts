// What the Risk page shows in each cell, as pure functions of the API's answer, so the browser test
// formats the API's numbers with the same code and compares text.
import { type FormatOptions, formatNumber, formatPercent, formatValue } from '../format.ts';

export interface RiskCustomer {
  customer_id: string;
  probability: number;
  mrr: number;
  expected_mrr_lost: number;
  plan: string | null;
  channel: string | null;
  drivers: { feature: string; text: string; contribution: number }[];
}

export interface RiskAnswer {
  as_of: string;
  scored_at: string;
  horizon_days: number;
  sort: 'risk' | 'mrr_at_stake';
  customers_scored: number;
  mrr: number;
  expected_mrr_lost: number;
  listed_mrr: number;
  customers: RiskCustomer[];
  model: {
    training_snapshots: string[];
    training_rows: number;
    training_churns: number;
    held_out_snapshots: string[];
    held_out_rows: number;
    held_out_churns: number;
    auc: number;
    baseline_auc: number;
    brier: number;
    baseline_brier: number;
    reliability: { from: number; to: number; n: number; mean_predicted: number; observed_rate: number }[];
    converged: boolean;
    left_out: string[];
    coefficients: {
      name: string;
      estimate: number;
      standard_error: number | null;
      lower_95: number | null;
      upper_95: number | null;
    }[];
  };
}

const fixed = (digits: number) => (v: number | null) => (v === null ? '—' : v.toFixed(digits));
export const formatAuc = fixed(3);
export const formatBrier = fixed(4);

/** A listed customer's cells; money in the project's currency (`money`: {currency}). */
export function customerCells(c: RiskCustomer, money: FormatOptions = {}): string[] {
  return [
    c.customer_id,
    formatPercent(c.probability),
    formatValue(c.mrr, 'currency', money),
    formatValue(c.expected_mrr_lost, 'currency', money),
    c.plan ?? '—',
    c.drivers.map((d) => d.text).join('; '),
  ];
}

/** The summary figures a reader acts on, label then value. */
export function summaryCells(r: RiskAnswer, money: FormatOptions = {}): [string, string][] {
  return [
    ['customers scored', formatNumber(r.customers_scored)],
    ['MRR', formatValue(r.mrr, 'currency', money)],
    [`expected MRR lost in ${r.horizon_days} days`, formatValue(r.expected_mrr_lost, 'currency', money)],
    [`MRR of the ${r.customers.length} listed`, formatValue(r.listed_mrr, 'currency', money)],
  ];
}

/** How well the model ranks and how calibrated it is, against tenure alone, label then value. */
export function modelCells(r: RiskAnswer): [string, string][] {
  return [
    ['model AUC (held out)', formatAuc(r.model.auc)],
    ['tenure-only AUC', formatAuc(r.model.baseline_auc)],
    ['Brier score', formatBrier(r.model.brier)],
    ['tenure-only Brier', formatBrier(r.model.baseline_brier)],
  ];
}

export function reliabilityCells(b: RiskAnswer['model']['reliability'][number]): string[] {
  return [
    `${formatPercent(b.from)} – ${formatPercent(b.to)}`,
    formatNumber(b.n),
    formatPercent(b.mean_predicted),
    formatPercent(b.observed_rate),
  ];
}

export function coefficientCells(c: RiskAnswer['model']['coefficients'][number]): string[] {
  return [
    c.name,
    fixed(3)(c.estimate),
    fixed(3)(c.standard_error),
    c.lower_95 === null || c.upper_95 === null ? '—' : `${fixed(3)(c.lower_95)} … ${fixed(3)(c.upper_95)}`,
  ];
}
