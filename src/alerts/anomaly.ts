// Anomalies in a KPI series, judged only against the past (no look-ahead), robust to the anomalies
// themselves and aware of sample size:
//   seasonal index  the median, per phase, of past values minus their cycle's median (when a season is given
//                   and two full cycles are known);
//   level, scale    the median and 1.4826·MAD of the last `window` deseasonalised values;
//   sampling noise  for a rate with denominator n, √(p(1 − p)/n): a small segment's interval widens, so its
//                   noise is not an alarm; the scale used is the larger of the two.
// A point is anomalous when its standardised residual passes the point threshold (spikes), or when the
// residuals of the last L points (all of one sign) together pass the run threshold: level shifts and drifts,
// caught even when each point alone is within bounds. L is about a week of daily points, a month of weekly
// ones, a quarter of monthly ones, so a shift is caught within that time. Thresholds follow from the false alarms allowed per KPI-year:
// with P points a year and at most `falseAlarmsPerYear`, each rule may fire with probability
// falseAlarmsPerYear / (2P) per point, two-sided, widened by `inflation` for the noise of the robust
// estimates (calibrated by `npm run bench -- anomaly`).

export interface SeriesPoint {
  readonly period_start: string;
  readonly value: number | null;
  /** The denominator (units) behind a rate, for its sampling noise. */
  readonly n?: number | null;
}

export interface AnomalyOptions {
  /** Points per year at this grain: 365 daily, 52 weekly, 12 monthly, 4 quarterly. */
  readonly pointsPerYear: number;
  /** Season length in points (7 for daily data with a weekly cycle, 12 for monthly); none by default. */
  readonly season?: number;
  /** Points of history the level and scale are taken from (default 2 seasons, at least 12). */
  readonly window?: number;
  /** The value is a rate in [0, 1] with `n` units: add binomial sampling noise. */
  readonly proportion?: boolean;
  readonly falseAlarmsPerYear?: number;
  readonly inflation?: number;
  /**
   * Points the run rule sums (default: a week of daily points, a month of weekly ones, a quarter of
   * monthly ones — 7, 4, 3): a level shift too small for any one point is caught within that many.
   */
  readonly runLength?: number;
  /**
   * Judge the logarithm of a positive series (amounts that grow by a share, like MRR), so steady growth is
   * a straight line; values and intervals are reported in the series' own units.
   */
  readonly log?: boolean;
}

export interface Anomaly {
  readonly index: number;
  readonly period_start: string;
  readonly value: number;
  readonly expected: number;
  /** The prediction interval of the point rule. */
  readonly lower: number;
  readonly upper: number;
  /** The standardised residual (or the run's combined one). */
  readonly score: number;
  readonly rule: 'point' | 'run';
}

/** The standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (p <= 0 || p >= 1) throw new RangeError(`probability ${p} outside (0, 1)`);
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const poly = (k: number[], x: number) => k.reduce((acc, v) => acc * x + v, 0);
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p));
    return poly(c, q) / (poly(d, q) * q + 1);
  }
  if (p > 1 - 0.02425) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (poly(a, r) * q) / (poly(b, r) * r + 1);
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};

/** The run rule's length: about a week of daily points, a month of weekly ones, a quarter of monthly ones. */
export function runLength(opts: AnomalyOptions): number {
  if (opts.runLength !== undefined) return Math.max(2, Math.floor(opts.runLength));
  return opts.pointsPerYear >= 300 ? 7 : opts.pointsPerYear >= 50 ? 4 : 3;
}

/**
 * How much wider than the normal quantile the thresholds are: residuals standardised by estimated level,
 * season and noise have heavier tails than a normal's (calibrated by `npm run bench -- anomaly`).
 */
const INFLATION = 1.18;

/** The thresholds of the two rules for a series with `pointsPerYear` points. */
export function thresholds(opts: AnomalyOptions): { point: number; run: number } {
  const perPoint = (opts.falseAlarmsPerYear ?? 1) / (2 * opts.pointsPerYear);
  const z = normalQuantile(1 - perPoint / 2) * (opts.inflation ?? INFLATION);
  return { point: z, run: z };
}

const CYCLES = 8;

/** The mean distance from the last `count` points to i: how far their values are projected. */
function levelWindowSpan(points: readonly { j: number }[], count: number, i: number): number {
  const last = points.slice(-count);
  return last.reduce((a, p) => a + (i - p.j), 0) / Math.max(1, last.length);
}

/** The median of the slopes between every pair of points; 0 with fewer than 6 points. */
function theilSen(points: readonly { j: number; v: number }[]): number {
  if (points.length < 6) return 0;
  const slopes: number[] = [];
  for (let a = 0; a < points.length; a++)
    for (let b = a + 1; b < points.length; b++) {
      const p = points[a] as { j: number; v: number };
      const q = points[b] as { j: number; v: number };
      slopes.push((q.v - p.v) / (q.j - p.j));
    }
  return median(slopes);
}

/** Every anomalous point of the series, judged against the points before it. */
export function detectAnomalies(series: readonly SeriesPoint[], opts: AnomalyOptions): Anomaly[] {
  const season = opts.season && opts.season > 1 ? opts.season : 0;
  const window = opts.window ?? Math.max(24, 8 * season);
  const levelWindow = Math.max(6, Math.min(window, season ? 2 * season : 12));
  const minHistory = Math.max(12, season ? 2 * season : 0);
  const { point, run } = thresholds(opts);
  const length = runLength(opts);
  let lastRunAlarm = Number.NEGATIVE_INFINITY;
  const raw = series.map((p) => (p.value !== null && Number.isFinite(p.value) ? p.value : null));
  const log = opts.log === true && raw.every((v) => v === null || v > 0);
  const values = log ? raw.map((v) => (v === null ? null : Math.log(v))) : raw;
  const back = (v: number) => (log ? Math.exp(v) : v);
  const z: (number | null)[] = [];
  // Per judged point: its deseasonalised value, and the baseline as known before it (level, slope, noise
  // and the variances of the level and seasonal estimates), for the run rule.
  const residuals: {
    i: number;
    dx: number;
    level: number;
    slope: number;
    noise: number;
    levelVar: number;
    indexVar: number;
  }[] = [];
  const out: Anomaly[] = [];
  let known = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (x === null || x === undefined || known < minHistory) {
      z.push(null);
      residuals.length = 0;
      if (x !== null && x !== undefined) known += 1;
      continue;
    }
    known += 1;
    // Seasonal index per phase from the last complete cycles before i.
    const index = new Array<number>(season).fill(0);
    if (season) {
      const byPhase: number[][] = Array.from({ length: season }, () => []);
      const current = Math.floor(i / season);
      for (let c = current - 1; c >= Math.max(0, current - CYCLES); c--) {
        const cycle: number[] = [];
        for (let j = c * season; j < (c + 1) * season; j++) {
          const v = values[j];
          if (v !== null && v !== undefined) cycle.push(v);
        }
        if (cycle.length < season) continue;
        const mid = median(cycle);
        for (let j = c * season; j < (c + 1) * season; j++)
          byPhase[j % season]?.push((values[j] as number) - mid);
      }
      for (let f = 0; f < season; f++) index[f] = byPhase[f]?.length ? median(byPhase[f] ?? []) : 0;
    }
    // The last `window` deseasonalised values before i, newest last.
    const recent: { j: number; v: number }[] = [];
    for (let j = i - 1; j >= 0 && recent.length < window; j--) {
      const v = values[j];
      if (v !== null && v !== undefined)
        recent.unshift({ j, v: v - (season ? (index[j % season] ?? 0) : 0) });
    }
    // The noise from differences of raw values a season apart (or successive ones): no estimated seasonal
    // index in them (which would shrink the spread it was fitted to), and past level shifts barely count.
    const lag = season || 1;
    const diffs: number[] = [];
    for (let j = i - 1; j - lag >= 0 && diffs.length < window; j--) {
      const a = values[j];
      const b = values[j - lag];
      if (a !== null && a !== undefined && b !== null && b !== undefined) diffs.push(a - b);
    }
    const diffMedian = median(diffs);
    const noise = (1.4826 * median(diffs.map((d) => Math.abs(d - diffMedian)))) / Math.SQRT2;
    // A trend (a growing company's MRR) is carried forward: the Theil–Sen slope (the median slope over all
    // pairs of the last 24 values), which a level shift or an outlier barely moves; each recent value is
    // projected to i before the median is taken. Only a clear trend counts (beyond three standard errors
    // of a slope over that many points), so a flat series is judged as flat.
    const trendPoints = recent.slice(-24);
    const fitted = theilSen(trendPoints);
    const m = trendPoints.length;
    const slopeError = m > 2 ? noise * Math.sqrt(12 / (m * (m * m - 1))) : Number.POSITIVE_INFINITY;
    const slope = Math.abs(fitted) > 3 * slopeError ? fitted : 0;
    const levelPoints = recent.slice(-levelWindow).map((p) => p.v + slope * (i - p.j));
    const level = median(levelPoints);
    // The expectation is itself estimated: the variance of a median of k values is about (π/2)σ²/k.
    const cyclesUsed = season ? Math.max(1, Math.min(CYCLES, Math.floor(i / season))) : 0;
    // A carried trend adds its own error, grown over the distance it is projected.
    const reach = slope === 0 ? 0 : levelPoints.length === 0 ? 0 : levelWindowSpan(recent, levelWindow, i);
    const estimation =
      Math.PI / 2 / Math.max(1, levelPoints.length) +
      (season ? Math.PI / 2 / cyclesUsed : 0) +
      (slope === 0 ? 0 : (12 / (m * (m * m - 1))) * reach * reach);
    // The noise itself comes from few differences early on: widen by their small number (≈ a t quantile).
    let scale = noise * Math.sqrt(1 + estimation) * Math.sqrt(1 + 3 / Math.max(1, diffs.length));
    const expected = level + (season ? (index[i % season] ?? 0) : 0);
    const n = series[i]?.n;
    if (opts.proportion && n && n > 0) {
      const p = Math.min(1, Math.max(0, expected));
      scale = Math.max(scale, Math.sqrt((p * (1 - p)) / n));
    }
    // A flat history has no spread: fall back to a sliver of the level so any real move shows.
    if (!(scale > 0)) scale = Math.max(Math.abs(level) * 1e-6, 1e-12);
    const zi = (x - expected) / scale;
    z.push(zi);
    residuals.push({
      i,
      dx: x - (season ? (index[i % season] ?? 0) : 0),
      level,
      slope,
      noise,
      levelVar: Math.PI / 2 / Math.max(1, levelPoints.length),
      indexVar: season ? Math.PI / 2 / cyclesUsed : 0,
    });
    const start = series[i]?.period_start ?? '';
    const found = {
      index: i,
      period_start: start,
      value: back(x),
      expected: back(expected),
      lower: back(expected - point * scale),
      upper: back(expected + point * scale),
    };
    if (Math.abs(zi) > point) {
      out.push({ ...found, score: zi, rule: 'point' });
      continue;
    }
    // The run: the last L deseasonalised values against the baseline known before the run began (so a
    // shift inside the run cannot pull its own baseline along), summed; its spread is L noises and L
    // seasonal-index errors but one shared level error (counted L times over).
    const last = residuals.slice(-length);
    const first = last[0];
    if (first && last.length === length && z.slice(-length).every((v) => v !== null)) {
      const r = last.map((p) => p.dx - (first.level + first.slope * (p.i - first.i)));
      const sum = r.reduce((a, b) => a + b, 0);
      const sd = first.noise * Math.sqrt(length + length * length * first.levelVar + length * first.indexVar);
      const combined = sd > 0 ? sum / sd : 0;
      const sameSign = r.every((v) => Math.sign(v) === Math.sign(sum));
      // One excursion is one alarm: overlapping runs after an alarm are the same news until L points pass.
      if (sameSign && Math.abs(combined) > run && i - lastRunAlarm >= length) {
        out.push({ ...found, score: combined, rule: 'run' });
        lastRunAlarm = i;
      }
    }
  }
  return out;
}
