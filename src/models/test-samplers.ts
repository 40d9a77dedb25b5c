// Seeded samplers for the models' simulation tests: gamma (Marsaglia & Tsang 2000), beta from two gammas,
// on the synthetic company's pure-rand streams so every run draws the same numbers.
import { Rng } from '../synth/random.ts';

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
