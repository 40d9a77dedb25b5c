// Seeded randomness for the generator: pure-rand's xoroshiro128+ as the bit source, and the few samplers the
// generator needs, written here so that their output never changes under us with a library upgrade.
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

/** Independent random streams; a customer's draws never depend on another customer's. */
export const STREAM = {
  signup: 1,
  /** A customer's profile and subscription life. */
  customer: 2,
  company: 3,
  /** A customer's users and events. */
  activity: 4,
  /** A customer's feedback, orders, offers, loyalty and costs. */
  extras: 5,
  /** The words of a customer's feedback comments (planted topics), apart so no other table depends on them. */
  comments: 6,
} as const;

/** murmur3's 32-bit finaliser: a bijection that spreads every input bit over the output. */
function fmix32(x: number): number {
  let h = x | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

const TWO_53 = 2 ** 53;

export class Rng {
  private readonly gen: RandomGenerator;

  private constructor(gen: RandomGenerator) {
    this.gen = gen;
  }

  /** The generator for (seed, stream, index): a pure function of the three, whatever ran before. */
  static stream(seed: number, stream: number, index: number): Rng {
    const a = fmix32(seed ^ 0x2545f491);
    const b = fmix32(Math.floor(seed / 2 ** 32) + Math.imul(stream, 0x632be5ab));
    const c = fmix32(index ^ a);
    const state: number[] = [0, 1, 2, 3].map((k) => fmix32(a + fmix32(b + Math.imul(k + 1, 0x9e3779b9)) + c));
    if (!state.some((s) => s !== 0)) state[0] = 1;
    const rng = new Rng(xoroshiro128plusFromState(state));
    // A few warm-up draws so that neighbouring indices diverge at once.
    for (let i = 0; i < 4; i++) rng.gen.next();
    return rng;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  float(): number {
    const hi = (this.gen.next() >>> 6) & 0x3ffffff;
    const lo = (this.gen.next() >>> 5) & 0x7ffffff;
    return (hi * 2 ** 27 + lo) / TWO_53;
  }

  /** Uniform in [a, b). */
  uniform(a: number, b: number): number {
    return a + (b - a) * this.float();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Uniform integer in [a, b]. */
  intBetween(a: number, b: number): number {
    return a + this.int(b - a + 1);
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.float());
  }

  /** Standard normal (Box–Muller, one value per call so the stream stays simple). */
  normal(): number {
    const u1 = 1 - this.float();
    const u2 = this.float();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Log-normal with the given mean and log-scale spread sigma. */
  lognormal(mean: number, sigma: number): number {
    return mean * Math.exp(sigma * this.normal() - (sigma * sigma) / 2);
  }

  /** Failures before the first success, P(success) = p; mean (1 − p) / p. */
  geometric(p: number): number {
    if (p >= 1) return 0;
    return Math.floor(Math.log(1 - this.float()) / Math.log(1 - p));
  }

  /** Poisson: multiplication for small means, Hörmann's PTRS transformed rejection for large ones. */
  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    if (lambda < 30) {
      const limit = Math.exp(-lambda);
      let k = 0;
      let p = this.float();
      while (p > limit) {
        k++;
        p *= this.float();
      }
      return k;
    }
    const slam = Math.sqrt(lambda);
    const loglam = Math.log(lambda);
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const invalpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const u = this.float() - 0.5;
      const v = this.float();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (
        Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <=
        -lambda + k * loglam - logFactorial(k)
      ) {
        return k;
      }
    }
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }
}

function logFactorial(k: number): number {
  let s = 0;
  for (let i = 2; i <= k; i++) s += Math.log(i);
  return s;
}

/** A fixed discrete distribution over values, drawn by one uniform and a scan of cumulative weights. */
export class Categorical<T> {
  readonly values: readonly T[];
  private readonly cumulative: Float64Array;

  constructor(weights: ReadonlyArray<readonly [T, number]>) {
    if (weights.length === 0) throw new Error('categorical with no values');
    this.values = weights.map(([v]) => v);
    this.cumulative = new Float64Array(weights.length);
    let total = 0;
    weights.forEach(([, w], i) => {
      total += w;
      this.cumulative[i] = total;
    });
    for (let i = 0; i < this.cumulative.length; i++) this.cumulative[i] = (this.cumulative[i] ?? 0) / total;
  }

  static fromRecord<K extends string>(weights: Readonly<Record<K, number>>): Categorical<K> {
    return new Categorical(Object.entries(weights) as Array<[K, number]>);
  }

  draw(rng: Rng): T {
    const u = rng.float();
    const c = this.cumulative;
    const last = c.length - 1;
    let i = 0;
    while (i < last && u >= (c[i] as number)) i++;
    return this.values[i] as T;
  }
}
