// Groups comment vectors (unit-length TF-IDF, text.ts) into themes: spherical k-means — each comment joins
// the centre it is most similar to (cosine), each centre is its comments' mean direction — with k chosen by
// the silhouette (how much closer each comment is to its own theme than to the next one), from 2 to maxK.
// Deterministic: k-means++ starts drawn from a generator seeded with a constant, best of a few restarts.
// Identical vectors (the same words) are one point with a count, which keeps short repetitive answers cheap.
import type { SparseVector } from './text.ts';

export interface Clustering {
  /** Number of themes found (0 when no comment holds a kept term). */
  k: number;
  /** Theme of each input vector, −1 for an empty vector. */
  assignment: number[];
  /** Each theme's centre: the normalised mean of its vectors, dense over the terms. */
  centres: Float64Array[];
  /** Mean silhouette of the chosen k on the points it was chosen with (null when k < 2). */
  silhouette: number | null;
}

interface Point {
  v: SparseVector;
  count: number;
}

/** At most this many distinct vectors choose k (the silhouette is quadratic); the fit then uses all. */
const CHOOSE_ON = 1500;
const RESTARTS = 4;
/**
 * Centres at least this similar (cosine) are one theme split in parts: k-means on short answers cuts a topic
 * along its words (one part says "expensive", the other "price", answers using both join them), which the
 * silhouette rewards. Unrelated themes share almost no terms, so their centres' similarity is near 0.
 */
const SAME_THEME = 0.12;
const MAX_ITERATIONS = 60;

/** mulberry32: a tiny seeded generator, enough for k-means++ draws (never for the synthetic data). */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const dot = (v: SparseVector, centre: Float64Array): number => {
  let s = 0;
  for (let j = 0; j < v.terms.length; j++)
    s += (v.weights[j] as number) * (centre[v.terms[j] as number] as number);
  return s;
};

const dense = (v: SparseVector, dims: number): Float64Array => {
  const out = new Float64Array(dims);
  v.terms.forEach((t, j) => {
    out[t] = v.weights[j] as number;
  });
  return out;
};

function normalise(c: Float64Array): Float64Array {
  let n = 0;
  for (const x of c) n += x * x;
  n = Math.sqrt(n);
  if (n > 0) for (let i = 0; i < c.length; i++) c[i] = (c[i] as number) / n;
  return c;
}

function nearest(v: SparseVector, centres: readonly Float64Array[]): { at: number; similarity: number } {
  let at = 0;
  let similarity = -Infinity;
  centres.forEach((c, i) => {
    const s = dot(v, c);
    if (s > similarity) [at, similarity] = [i, s];
  });
  return { at, similarity };
}

/** An index drawn with probability proportional to its weight. */
function drawIndex(weights: readonly number[], total: number, random: () => number): number {
  let draw = random() * total;
  for (let i = 0; i < weights.length; i++) {
    draw -= weights[i] as number;
    if (draw < 0) return i;
  }
  return weights.length - 1;
}

/** k-means++ starts: each next centre drawn with probability ∝ count × (1 − similarity to the nearest)². */
function kmeansPlusPlus(
  points: readonly Point[],
  k: number,
  dims: number,
  random: () => number,
): Float64Array[] {
  const counts = points.map((p) => p.count);
  const first = drawIndex(
    counts,
    counts.reduce((s, c) => s + c, 0),
    random,
  );
  const centres = [dense((points[first] as Point).v, dims)];
  const gap = points.map((p) => 1 - dot(p.v, centres[0] as Float64Array));
  while (centres.length < k) {
    const weights = points.map((p, i) => p.count * Math.max(0, gap[i] as number) ** 2);
    const sum = weights.reduce((s, w) => s + w, 0);
    if (sum <= 0) break;
    const c = dense((points[drawIndex(weights, sum, random)] as Point).v, dims);
    centres.push(c);
    points.forEach((p, i) => {
      gap[i] = Math.min(gap[i] as number, 1 - dot(p.v, c));
    });
  }
  return centres;
}

/** Lloyd's iterations from the given centres; returns the assignment and the summed similarity. */
function lloyd(points: readonly Point[], start: Float64Array[], dims: number) {
  let centres = start;
  let assignment = new Int32Array(points.length).fill(-1);
  let score = 0;
  for (let iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
    let changed = false;
    score = 0;
    const next = new Int32Array(points.length);
    points.forEach((p, i) => {
      const { at, similarity } = nearest(p.v, centres);
      next[i] = at;
      score += p.count * similarity;
      if (at !== assignment[i]) changed = true;
    });
    assignment = next;
    if (!changed) break;
    const sums = centres.map(() => new Float64Array(dims));
    points.forEach((p, i) => {
      const c = sums[assignment[i] as number] as Float64Array;
      p.v.terms.forEach((t, j) => {
        c[t] = (c[t] as number) + p.count * (p.v.weights[j] as number);
      });
    });
    // A centre left without points keeps its place (it may win points back); it is dropped at the end.
    centres = sums.map((s, c) => (s.some((x) => x !== 0) ? normalise(s) : (centres[c] as Float64Array)));
  }
  return { centres, assignment, score };
}

function bestOfRestarts(points: readonly Point[], k: number, dims: number) {
  const random = seeded(0x7e4a0e + k);
  let best: ReturnType<typeof lloyd> | undefined;
  for (let r = 0; r < RESTARTS; r++) {
    const fit = lloyd(points, kmeansPlusPlus(points, k, dims, random), dims);
    if (best === undefined || fit.score > best.score + 1e-9) best = fit;
  }
  return best as ReturnType<typeof lloyd>;
}

/** Weighted mean silhouette with cosine distance, from the points' similarity matrix. */
export function silhouette(
  similarity: readonly Float64Array[],
  counts: readonly number[],
  labels: ArrayLike<number>,
  k: number,
): number {
  let total = 0;
  let weight = 0;
  for (let i = 0; i < counts.length; i++) {
    const sums = new Float64Array(k);
    const sizes = new Float64Array(k);
    const row = similarity[i] as Float64Array;
    for (let j = 0; j < counts.length; j++) {
      // A point's own copies count, less itself: they lie at distance 0 from it.
      const c = (counts[j] as number) - (i === j ? 1 : 0);
      const l = labels[j] as number;
      sums[l] = (sums[l] as number) + c * (1 - (row[j] as number));
      sizes[l] = (sizes[l] as number) + c;
    }
    const own = labels[i] as number;
    let s = 0;
    if ((sizes[own] as number) > 0) {
      const a = (sums[own] as number) / (sizes[own] as number);
      let b = Infinity;
      for (let l = 0; l < k; l++)
        if (l !== own && (sizes[l] as number) > 0)
          b = Math.min(b, (sums[l] as number) / (sizes[l] as number));
      if (Number.isFinite(b)) s = (b - a) / Math.max(a, b, 1e-12);
    }
    total += (counts[i] as number) * s;
    weight += counts[i] as number;
  }
  return weight > 0 ? total / weight : 0;
}

function similarityMatrix(points: readonly Point[], dims: number): Float64Array[] {
  const denseRows = points.map((p) => dense(p.v, dims));
  return points.map((p) => {
    const row = new Float64Array(points.length);
    denseRows.forEach((d, j) => {
      row[j] = dot(p.v, d);
    });
    return row;
  });
}

/** Distinct vectors with their counts, and each input's point (−1 for an empty vector). */
function distinctPoints(vectors: readonly SparseVector[]): { points: Point[]; of: number[] } {
  const byKey = new Map<string, number>();
  const points: Point[] = [];
  const of = vectors.map((v) => {
    if (v.terms.length === 0) return -1;
    const key = v.terms.join(',');
    let at = byKey.get(key);
    if (at === undefined) {
      at = points.length;
      byKey.set(key, at);
      points.push({ v, count: 0 });
    }
    (points[at] as Point).count++;
    return at;
  });
  return { points, of };
}

/** Joins the two most similar centres while their similarity reaches SAME_THEME; the merged centre is the
 * normalised sum of both themes' vectors. */
function mergeSimilar(
  points: readonly Point[],
  labels: Int32Array,
  start: readonly Float64Array[],
  dims: number,
) {
  const assignment = Int32Array.from(labels);
  const sums = start.map(() => new Float64Array(dims));
  points.forEach((p, i) => {
    const c = sums[assignment[i] as number] as Float64Array;
    p.v.terms.forEach((t, j) => {
      c[t] = (c[t] as number) + p.count * (p.v.weights[j] as number);
    });
  });
  const alive = sums.map((s) => s.some((x) => x !== 0));
  const centres = sums.map((s) => normalise(Float64Array.from(s)));
  const cosine = (a: Float64Array, b: Float64Array) => a.reduce((s, x, i) => s + x * (b[i] as number), 0);
  for (;;) {
    let best: [number, number, number] | undefined;
    for (let a = 0; a < centres.length; a++)
      for (let b = a + 1; b < centres.length; b++) {
        if (!alive[a] || !alive[b]) continue;
        const s = cosine(centres[a] as Float64Array, centres[b] as Float64Array);
        if (s >= SAME_THEME && (best === undefined || s > best[2])) best = [a, b, s];
      }
    if (best === undefined) break;
    const [a, b] = best;
    const sum = sums[a] as Float64Array;
    (sums[b] as Float64Array).forEach((x, i) => {
      sum[i] = (sum[i] as number) + x;
    });
    centres[a] = normalise(Float64Array.from(sum));
    alive[b] = false;
    for (let i = 0; i < assignment.length; i++) if (assignment[i] === b) assignment[i] = a;
  }
  return { assignment, centres };
}

/** Themes of the vectors over `dims` terms; k from 2 to maxK by the silhouette (1 when fewer points). */
export function clusterVectors(vectors: readonly SparseVector[], dims: number, maxK: number): Clustering {
  const { points, of } = distinctPoints(vectors);
  if (points.length === 0) return { k: 0, assignment: of.map(() => -1), centres: [], silhouette: null };
  const ks = Math.min(maxK, points.length - 1);
  if (ks < 2) {
    const centre = normalise(
      points.reduce((c, p) => {
        p.v.terms.forEach((t, j) => {
          c[t] = (c[t] as number) + p.count * (p.v.weights[j] as number);
        });
        return c;
      }, new Float64Array(dims)),
    );
    return { k: 1, assignment: of.map((p) => (p < 0 ? -1 : 0)), centres: [centre], silhouette: null };
  }
  // Choose k on an evenly spaced subset of the distinct vectors (all of them when few).
  const step = Math.max(1, points.length / CHOOSE_ON);
  const chosen: Point[] = [];
  for (let x = 0; Math.floor(x) < points.length; x += step) chosen.push(points[Math.floor(x)] as Point);
  const similarity = similarityMatrix(chosen, dims);
  const counts = chosen.map((p) => p.count);
  let best: { k: number; centres: Float64Array[]; silhouette: number } | undefined;
  for (let k = 2; k <= ks; k++) {
    const fit = bestOfRestarts(chosen, k, dims);
    const s = silhouette(similarity, counts, fit.assignment, k);
    if (best === undefined || s > best.silhouette + 1e-9) best = { k, centres: fit.centres, silhouette: s };
  }
  const chosenK = best as { k: number; centres: Float64Array[]; silhouette: number };
  const fitted =
    chosen.length === points.length
      ? bestOfRestarts(points, chosenK.k, dims)
      : lloyd(points, chosenK.centres, dims);
  const final = mergeSimilar(points, fitted.assignment, fitted.centres, dims);
  // Centres that kept no point are dropped, and the themes renumbered in order of their first point.
  const renumber = new Map<number, number>();
  for (const a of final.assignment) if (!renumber.has(a)) renumber.set(a, renumber.size);
  const centres: Float64Array[] = [];
  for (const [old] of renumber) centres.push(final.centres[old] as Float64Array);
  return {
    k: centres.length,
    assignment: of.map((p) => (p < 0 ? -1 : (renumber.get(final.assignment[p] as number) as number))),
    centres,
    silhouette: chosenK.silhouette,
  };
}
