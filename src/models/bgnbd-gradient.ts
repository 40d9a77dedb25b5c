// The BG/NBD log-likelihood and its analytic gradient over columns, for large samples. Each customer's
// terms depend on x only through sums over k < x (ln(r + k), ln((b + k)/(a + b + k)) and their
// derivatives), which are tabulated once per evaluation for x = 0 … max x; a row then costs a few
// logarithms and one log-sum-exp. The gradient is taken in the log-parameters u = ln θ (dLL/du = θ·dLL/dθ),
// the scale the fit searches on. The same likelihood as bgnbdCustomerLogLikelihood (Fader, Hardie & Lee
// 2005), term by term.

import type { RfmRow } from './bgnbd.ts';

export interface RfmColumns {
  x: Int32Array;
  tx: Float64Array;
  T: Float64Array;
  count: Float64Array;
  maxX: number;
}

export function rfmColumns(rows: readonly Required<RfmRow>[]): RfmColumns {
  const n = rows.length;
  const cols: RfmColumns = {
    x: new Int32Array(n),
    tx: new Float64Array(n),
    T: new Float64Array(n),
    count: new Float64Array(n),
    maxX: 0,
  };
  rows.forEach((row, i) => {
    cols.x[i] = row.frequency;
    cols.tx[i] = row.recency;
    cols.T[i] = row.T;
    cols.count[i] = row.count;
    if (row.frequency > cols.maxX) cols.maxX = row.frequency;
  });
  return cols;
}

/** Cumulative sums over k < x of the x-dependent terms and their derivatives, for x = 0 … maxX. */
function tables(r: number, a: number, b: number, maxX: number) {
  const size = maxX + 1;
  const rise = new Float64Array(size);
  const riseR = new Float64Array(size);
  const beta = new Float64Array(size);
  const betaA = new Float64Array(size);
  const betaB = new Float64Array(size);
  // ln(a + b + x − 1), the dropped-out term's denominator.
  const logLast = new Float64Array(size);
  for (let x = 1; x < size; x++) logLast[x] = Math.log(a + b + x - 1);
  for (let x = 1; x < size; x++) {
    const k = x - 1;
    rise[x] = (rise[k] as number) + Math.log(r + k);
    riseR[x] = (riseR[k] as number) + 1 / (r + k);
    beta[x] = (beta[k] as number) + Math.log((b + k) / (a + b + k));
    betaA[x] = (betaA[k] as number) - 1 / (a + b + k);
    betaB[x] = (betaB[k] as number) + 1 / (b + k) - 1 / (a + b + k);
  }
  return { rise, riseR, beta, betaA, betaB, logLast };
}

/**
 * LL and, when `gradient` is given, dLL/d(ln r, ln α, ln a, ln b) written into it. Returns −Infinity when a
 * term is not finite.
 */
export function bgnbdColumnsLogLikelihood(
  params: readonly number[],
  cols: RfmColumns,
  gradient?: number[],
): number {
  const [r, alpha, a, b] = params as [number, number, number, number];
  if (!(r > 0 && alpha > 0 && a > 0 && b > 0)) return Number.NEGATIVE_INFINITY;
  const { rise, riseR, beta, betaA, betaB, logLast } = tables(r, a, b, cols.maxX);
  const { x: xs, tx: txs, T: Ts, count } = cols;
  const logA = Math.log(a);
  const logAlpha = Math.log(alpha);
  let ll = 0;
  let gr = 0;
  let gAlpha = 0;
  let ga = 0;
  let gb = 0;
  const n = xs.length;
  // ln(1 + T/α) = ln(α + T) − ln α: one logarithm per time. T repeats (cohorts start on whole days), so
  // its logarithm is reused while it stays the same (rows are grouped in order of first appearance).
  let lastT = Number.NaN;
  let m1 = 0;
  for (let i = 0; i < n; i++) {
    const x = xs[i] as number;
    const T = Ts[i] as number;
    const w = count[i] as number;
    if (T !== lastT) {
      m1 = Math.log(alpha + T);
      lastT = T;
    }
    const l1 = m1 - logAlpha;
    const s1 = (beta[x] as number) - r * l1 - x * m1;
    const common = rise[x] as number;
    if (x === 0) {
      ll += w * (common + s1);
      if (gradient) {
        gr -= w * l1;
        gAlpha += w * ((r * T) / (alpha * (alpha + T)));
      }
      continue;
    }
    const tx = txs[i] as number;
    const m2 = Math.log(alpha + tx);
    const l2 = m2 - logAlpha;
    const s2 = logA - (logLast[x] as number) + (beta[x - 1] as number) - r * l2 - x * m2;
    // log(e^s1 + e^s2) = max + log1p(e^−|s1 − s2|).
    const d = s1 - s2;
    const e = Math.exp(-Math.abs(d));
    ll += w * (common + (d > 0 ? s1 : s2) + Math.log1p(e));
    if (gradient) {
      const w1 = d > 0 ? 1 / (1 + e) : e / (1 + e);
      const w2 = 1 - w1;
      const last = a + b + x - 1;
      gr += w * ((riseR[x] as number) - w1 * l1 - w2 * l2);
      gAlpha +=
        w *
        (w1 * ((r * T) / (alpha * (alpha + T)) - x / (alpha + T)) +
          w2 * ((r * tx) / (alpha * (alpha + tx)) - x / (alpha + tx)));
      ga += w * (w1 * (betaA[x] as number) + w2 * (1 / a - 1 / last + (betaA[x - 1] as number)));
      gb += w * (w1 * (betaB[x] as number) + w2 * (-1 / last + (betaB[x - 1] as number)));
    }
  }
  if (gradient) {
    gradient[0] = r * gr;
    gradient[1] = alpha * gAlpha;
    gradient[2] = a * ga;
    gradient[3] = b * gb;
  }
  return Number.isFinite(ll) ? ll : Number.NEGATIVE_INFINITY;
}
