// Seeded samplers for the models' simulation tests: gamma (Marsaglia & Tsang 2000), beta from two gammas,
// on the synthetic company's pure-rand streams so every run draws the same numbers.
import { Rng } from '../synth/random.ts';
import type { BgnbdParams, RfmRow } from './bgnbd.ts';

export function seededRng(seed: number): Rng {
  return Rng.stream(seed, 99, 0);
}

/** Gamma with shape k and rate λ (mean k/λ). */
export function gammaDraw(rng: Rng, shape: number, rate: number): number {
  if (shape < 1) return gammaDraw(rng, shape + 1, rate) * (1 - rng.float()) ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = rng.normal();
    const v = (1 + c * x) ** 3;
    if (v <= 0) continue;
    const u = 1 - rng.float();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return (d * v) / rate;
  }
}

export function betaDraw(rng: Rng, a: number, b: number): number {
  const x = gammaDraw(rng, a, 1);
  const y = gammaDraw(rng, b, 1);
  return x / (x + y);
}

/**
 * Customers of the BG/NBD process: λ ~ Gamma(r, α), p ~ Beta(a, b); purchases at Poisson(λ) times, and
 * after each repeat purchase the customer drops out with probability p. As in CDNOW, first purchases fall
 * on one of the first 84 days and everyone is observed to week 39, so T takes 84 values (in weeks); t_x is
 * the exact time of the last purchase.
 */
export function simulateBgnbd(customers: number, params: BgnbdParams, seed: number): RfmRow[] {
  const rng = seededRng(seed);
  const rows: RfmRow[] = [];
  for (let i = 0; i < customers; i++) {
    const lambda = gammaDraw(rng, params.r, params.alpha);
    const p = betaDraw(rng, params.a, params.b);
    const T = (273 - Math.floor(rng.float() * 84)) / 7;
    let t = 0;
    let x = 0;
    let tx = 0;
    for (;;) {
      t += -Math.log(1 - rng.float()) / lambda;
      if (t > T) break;
      x++;
      tx = t;
      if (rng.float() < p) break;
    }
    rows.push({ frequency: x, recency: tx, T });
  }
  return rows;
}
