// The judgements of the data-quality checks, as pure functions of summaries the warehouse produced (ages,
// daily counts, null counts, quarantined counts). Each returns a finding or null, never throws: thin or
// missing history is "not judged", not an error.

const DAY_MS = 86_400_000;
/** 1.4826·MAD estimates σ for normal data: 1 / Φ⁻¹(3/4). */
const MAD_TO_SIGMA = 1.4826;

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Median absolute deviation from the median. */
export function mad(values: readonly number[]): number {
  const m = median(values);
  return median(values.map((v) => Math.abs(v - m)));
}

export interface FreshnessResult {
  readonly age_days: number;
  readonly limit_days: number;
}

/** Stale when the newest row is more than `limitDays` before `reference` (both ISO 8601). */
export function staleness(latest: string, reference: string, limitDays: number): FreshnessResult | null {
  const age = (Date.parse(reference) - Date.parse(latest)) / DAY_MS;
  if (!Number.isFinite(age) || age <= limitDays) return null;
  return { age_days: age, limit_days: limitDays };
}

export interface VolumeOptions {
  readonly k: number;
  readonly minRatio: number;
  readonly minDailyRows: number;
}

export interface VolumeResult {
  readonly count: number;
  readonly median: number;
  /** The robust σ used: 1.4826·MAD, but never below the Poisson √median (nor 1). */
  readonly sigma: number;
  readonly low: number;
  readonly high: number;
  readonly direction: 'up' | 'down';
}

/**
 * A day's row count against the same weekday of earlier weeks: outside median ± k·σ and at least
 * `minRatio` times off the median. σ is the larger of the scaled MAD and √median, so a few identical
 * weeks (MAD 0) do not make every wobble a jump; counts are at least as noisy as Poisson counts.
 */
export function volumeJump(
  count: number,
  sameWeekday: readonly number[],
  opts: VolumeOptions,
): VolumeResult | null {
  if (sameWeekday.length < 3) return null;
  const m = median(sameWeekday);
  if (m < opts.minDailyRows) return null;
  const sigma = Math.max(MAD_TO_SIGMA * mad(sameWeekday), Math.sqrt(m), 1);
  const low = m - opts.k * sigma;
  const high = m + opts.k * sigma;
  if (count > high && count >= m * opts.minRatio)
    return { count, median: m, sigma, low, high, direction: 'up' };
  if (count < low && count * opts.minRatio <= m)
    return { count, median: m, sigma, low, high, direction: 'down' };
  return null;
}

export interface ShareCounts {
  /** Rows judged, and the rows among them with the property (null, quarantined). */
  readonly n: number;
  readonly k: number;
}

export interface ShareJumpOptions {
  readonly z: number;
  readonly minJump: number;
  /** Fewest rows on the latest side (null rate) or fewest flagged rows (quarantine), per `minOn`. */
  readonly minRows: number;
  readonly minOn: 'n' | 'k';
}

export interface ShareJumpResult {
  readonly share: number;
  readonly baseline_share: number;
  /** Null when there was no baseline to compare with. */
  readonly z: number | null;
}

/**
 * A rise of a share (nulls, quarantined rows) from a baseline to the latest: the two-proportion z score
 * with the pooled share, z = (p₁ − p₀) / √(p̄(1 − p̄)(1/n₁ + 1/n₀)), so a small day needs a larger rise.
 * With no baseline rows the baseline share is taken as 0 and only `minJump` judges.
 */
export function shareJump(
  latest: ShareCounts,
  baseline: ShareCounts,
  opts: ShareJumpOptions,
): ShareJumpResult | null {
  if (latest.n === 0) return null;
  if ((opts.minOn === 'n' ? latest.n : latest.k) < opts.minRows) return null;
  const p1 = latest.k / latest.n;
  const p0 = baseline.n === 0 ? 0 : baseline.k / baseline.n;
  if (p1 - p0 < opts.minJump || p1 <= p0) return null;
  if (baseline.n === 0) return { share: p1, baseline_share: 0, z: null };
  // p₁ > p₀ puts the pooled share strictly between 0 and 1, so the standard error is positive.
  const pooled = (latest.k + baseline.k) / (latest.n + baseline.n);
  const z = (p1 - p0) / Math.sqrt(pooled * (1 - pooled) * (1 / latest.n + 1 / baseline.n));
  return z > opts.z ? { share: p1, baseline_share: p0, z } : null;
}
