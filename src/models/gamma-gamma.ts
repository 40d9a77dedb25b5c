// The Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee 2005, "RFM and CLV: using iso-value
// curves for customer base analysis", J. Marketing Research 42(4); Fader & Hardie 2013, "The Gamma-Gamma
// model of monetary value", note 025): a customer's transaction values are Gamma(p, ν), and ν varies
// across customers as Gamma(q, γ). Fitted on customers with at least one repeat purchase, from their number
// of repeat purchases x and the average value of those purchases z̄. The papers call γ "gamma"; we use v.

import { badInput } from '../errors/tenure-error.ts';
import { type FitOptions, type FittedParameters, fitPositive } from './fit.ts';
import { lgamma } from './special-functions.ts';

export interface GammaGammaParams {
  p: number;
  q: number;
  v: number;
}

/** One customer's x (> 0) and average spend z̄ (> 0); `count` customers share it (1 when absent). */
export interface SpendRow {
  frequency: number;
  monetaryValue: number;
  count?: number;
}

/**
 * ln f(z̄ | p, q, γ; x), the density of a customer's average spend:
 * Γ(px + q)/(Γ(px)Γ(q)) · γ^q · x^(px) · z̄^(px−1) / (γ + x·z̄)^(px+q).
 */
export function gammaGammaCustomerLogLikelihood(
  { p, q, v }: GammaGammaParams,
  x: number,
  zbar: number,
): number {
  const px = p * x;
  return (
    lgamma(px + q) -
    lgamma(px) -
    lgamma(q) +
    q * Math.log(v) +
    px * Math.log(x) +
    (px - 1) * Math.log(zbar) -
    (px + q) * Math.log(v + x * zbar)
  );
}

export function gammaGammaLogLikelihood(params: GammaGammaParams, rows: readonly SpendRow[]): number {
  let ll = 0;
  for (const row of rows)
    ll += (row.count ?? 1) * gammaGammaCustomerLogLikelihood(params, row.frequency, row.monetaryValue);
  return ll;
}

/** The rows the model can use: repeat buyers only (x > 0), each with a positive average spend. */
export function repeatBuyers<T extends SpendRow>(rows: readonly T[]): T[] {
  return rows.filter((row) => row.frequency > 0);
}

function checkSpendRows(rows: readonly SpendRow[], minimum = 10): void {
  if (rows.length < minimum) {
    throw badInput(
      `too few customers with a repeat purchase to fit spend: ${rows.length}, at least ${minimum} are needed`,
      { field: 'frequency' },
      'give more customers with frequency > 0',
    );
  }
  rows.forEach((row, i) => {
    if (!(Number.isInteger(row.frequency) && row.frequency > 0)) {
      throw badInput(`frequency must be a whole number > 0, not ${row.frequency}`, {
        field: `rows[${i}].frequency`,
      });
    }
    if (!(Number.isFinite(row.monetaryValue) && row.monetaryValue > 0)) {
      throw badInput(
        `monetary_value must be a number > 0 for a repeat buyer, not ${row.monetaryValue}`,
        { field: `rows[${i}].monetary_value` },
        'give the average value of the repeat purchases',
      );
    }
  });
}

export type GammaGammaFit = FittedParameters<keyof GammaGammaParams> & {
  customers: number;
  /** q ≤ 1: the mean spend pγ/(q − 1) is infinite or negative, so spend projections are meaningless. */
  qAtMostOne: boolean;
};

/** Maximum-likelihood p, q, γ (as v) on repeat buyers' (x, z̄); identical rows are evaluated once. */
export function fitGammaGamma(rows: readonly SpendRow[], opts: FitOptions = {}): GammaGammaFit {
  checkSpendRows(rows);
  const groups = new Map<string, Required<SpendRow>>();
  for (const row of rows) {
    const key = `${row.frequency}|${row.monetaryValue}`;
    const seen = groups.get(key);
    if (seen) seen.count += row.count ?? 1;
    else
      groups.set(key, { frequency: row.frequency, monetaryValue: row.monetaryValue, count: row.count ?? 1 });
  }
  const grouped = [...groups.values()];
  const meanSpend =
    grouped.reduce((s, g) => s + g.monetaryValue * g.count, 0) / grouped.reduce((s, g) => s + g.count, 0);
  const fit = fitPositive(
    ['p', 'q', 'v'],
    ([p, q, v]) => gammaGammaLogLikelihood({ p: p as number, q: q as number, v: v as number }, grouped),
    opts.starts ?? [[1, 2, Math.max(meanSpend, 1e-3)]],
    { onlyTheseStarts: opts.starts !== undefined },
  );
  return { ...fit, customers: grouped.reduce((s, g) => s + g.count, 0), qAtMostOne: fit.params.q <= 1 };
}

/** The population mean spend per transaction, pγ/(q − 1); null when q ≤ 1. */
export function gammaGammaMeanSpend({ p, q, v }: GammaGammaParams): number | null {
  return q > 1 ? (p * v) / (q - 1) : null;
}

/**
 * E(M | x, z̄) = p(γ + x·z̄)/(px + q − 1): a customer's expected spend per transaction, a weighted mean of
 * the population mean and their own average. Null when px + q ≤ 1.
 */
export function gammaGammaExpectedSpend(
  { p, q, v }: GammaGammaParams,
  x: number,
  zbar: number,
): number | null {
  const denominator = p * x + q - 1;
  if (x === 0) return gammaGammaMeanSpend({ p, q, v });
  return denominator > 0 ? (p * (v + x * zbar)) / denominator : null;
}
