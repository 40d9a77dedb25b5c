// Kaplan–Meier survival with Greenwood's variance, the median and the restricted mean survival time
// (RMST). Input: one duration per customer and whether it ended in the event (churn) or was censored.

import { badInput } from '../errors/tenure-error.ts';
import { normalQuantile } from './special-functions.ts';

export interface Observation {
  duration: number;
  /** True when the duration ended in the event; false when the customer was still there (censored). */
  event: boolean;
}

/** How the pointwise interval is built: on S itself, on ln S (R's survfit default), or on ln(−ln S). */
export type IntervalScale = 'plain' | 'log' | 'log-log';

export interface KmStep {
  time: number;
  atRisk: number;
  events: number;
  censored: number;
  survival: number;
  /** Greenwood's standard error of S(t). */
  standardError: number;
  lower: number;
  upper: number;
}

export interface KaplanMeier {
  n: number;
  events: number;
  /** One row per distinct time with an event or a censoring, in time order. */
  steps: KmStep[];
  /** The first time S(t) ≤ 0.5; null when the curve stays above it. */
  median: number | null;
}

export function checkObservations(observations: readonly Observation[], field = 'durations'): void {
  if (observations.length === 0)
    throw badInput(`no ${field} were given`, { field }, 'give at least one duration');
  observations.forEach((o, i) => {
    if (!(Number.isFinite(o.duration) && o.duration >= 0)) {
      throw badInput(`duration ${i + 1} is not a number ≥ 0: ${o.duration}`, { field });
    }
  });
}

function interval(s: number, se: number, z: number, scale: IntervalScale): [number, number] {
  if (s <= 0 || se === 0) return [s, s];
  if (scale === 'plain') return [Math.max(0, s - z * se), Math.min(1, s + z * se)];
  if (scale === 'log') {
    const w = (z * se) / s;
    return [s * Math.exp(-w), Math.min(1, s * Math.exp(w))];
  }
  if (s >= 1) return [1, 1];
  // ln(−ln S) has standard error se/(S·|ln S|); the interval maps back as S^exp(±w).
  const w = (z * se) / (s * Math.abs(Math.log(s)));
  return [s ** Math.exp(w), s ** Math.exp(-w)];
}

/**
 * Events and censorings at one time: the sufficient statistics of Kaplan–Meier, so a warehouse can hand
 * over one row per (segment, time) instead of one per customer.
 */
export interface TimeCount {
  time: number;
  events: number;
  censored: number;
}

/** Observations folded into one count per distinct time, in time order. */
export function countByTime(observations: readonly Observation[]): TimeCount[] {
  const byTime = new Map<number, TimeCount>();
  for (const o of observations) {
    const cell = byTime.get(o.duration) ?? { time: o.duration, events: 0, censored: 0 };
    if (o.event) cell.events++;
    else cell.censored++;
    byTime.set(o.duration, cell);
  }
  return [...byTime.values()].sort((a, b) => a.time - b.time);
}

/** Checks counts per time and says which one is wrong. */
export function checkTimeCounts(counts: readonly TimeCount[], field = 'counts'): void {
  let n = 0;
  counts.forEach((c, i) => {
    if (!(Number.isFinite(c.time) && c.time >= 0)) {
      throw badInput(`${field}[${i}].time is not a number ≥ 0: ${c.time}`, { field: `${field}[${i}].time` });
    }
    for (const key of ['events', 'censored'] as const) {
      const v = c[key];
      if (!(Number.isInteger(v) && v >= 0)) {
        throw badInput(`${field}[${i}].${key} is not a whole number ≥ 0: ${v}`, {
          field: `${field}[${i}].${key}`,
        });
      }
    }
    n += c.events + c.censored;
  });
  if (n === 0) throw badInput(`no ${field} were given`, { field }, 'give at least one duration');
}

/** The Kaplan–Meier estimate with Greenwood's variance and a pointwise interval at `level`. */
export function kaplanMeier(
  observations: readonly Observation[],
  opts: { level?: number; scale?: IntervalScale } = {},
): KaplanMeier {
  checkObservations(observations);
  return kaplanMeierFromCounts(countByTime(observations), opts);
}

/** Kaplan–Meier from counts per time (any order; repeated times are added together). */
export function kaplanMeierFromCounts(
  counts: readonly TimeCount[],
  opts: { level?: number; scale?: IntervalScale } = {},
): KaplanMeier {
  checkTimeCounts(counts);
  const z = normalQuantile(1 - (1 - (opts.level ?? 0.95)) / 2);
  const scale = opts.scale ?? 'log-log';
  const merged = new Map<number, TimeCount>();
  for (const c of counts) {
    const cell = merged.get(c.time) ?? { time: c.time, events: 0, censored: 0 };
    cell.events += c.events;
    cell.censored += c.censored;
    merged.set(c.time, cell);
  }
  const times = [...merged.values()].sort((a, b) => a.time - b.time);
  const n = times.reduce((sum, c) => sum + c.events + c.censored, 0);
  let atRisk = n;
  let survival = 1;
  let greenwood = 0;
  let median: number | null = null;
  let totalEvents = 0;
  const steps: KmStep[] = [];
  for (const { time, events, censored } of times) {
    if (events + censored === 0) continue;
    if (events > 0) {
      survival *= 1 - events / atRisk;
      // d/(n(n−d)) is infinite when everyone at risk has the event; S is then 0 and so is its error.
      greenwood += atRisk > events ? events / (atRisk * (atRisk - events)) : 0;
    }
    const standardError = survival * Math.sqrt(greenwood);
    const [lower, upper] = interval(survival, standardError, z, scale);
    steps.push({ time, atRisk, events, censored, survival, standardError, lower, upper });
    if (median === null && survival <= 0.5) median = time;
    atRisk -= events + censored;
    totalEvents += events;
  }
  return { n, events: totalEvents, steps, median };
}

/** S(t) read off the estimate (right-continuous step function); 1 before the first event. */
export function survivalAt(km: KaplanMeier, t: number): number {
  let s = 1;
  for (const step of km.steps) {
    if (step.time > t) break;
    s = step.survival;
  }
  return s;
}

export interface RestrictedMean {
  horizon: number;
  /** ∫₀^τ S(t) dt: the expected time spent within the first τ. */
  rmst: number;
  standardError: number;
}

/**
 * RMST to horizon τ, the area under the curve up to τ, and its standard error
 * √(Σ_{tᵢ ≤ τ} A(tᵢ)²·dᵢ/(nᵢ(nᵢ − dᵢ))) with A(tᵢ) = ∫_{tᵢ}^τ S(t) dt (Klein & Moeschberger 2003, §4.5).
 */
export function restrictedMean(km: KaplanMeier, horizon: number): RestrictedMean {
  if (!(Number.isFinite(horizon) && horizon > 0)) {
    throw badInput(`the horizon must be a number > 0, not ${horizon}`, { field: 'horizon' });
  }
  const eventSteps = km.steps.filter((s) => s.events > 0 && s.time <= horizon);
  // Areas between consecutive event times, from the last one back to the first.
  const edges = [...eventSteps.map((s) => s.time), horizon];
  let tail = 0;
  let variance = 0;
  const areaAfter: number[] = new Array<number>(eventSteps.length).fill(0);
  for (let i = eventSteps.length - 1; i >= 0; i--) {
    const step = eventSteps[i] as KmStep;
    tail += step.survival * ((edges[i + 1] as number) - step.time);
    areaAfter[i] = tail;
    if (step.atRisk > step.events)
      variance += (tail * tail * step.events) / (step.atRisk * (step.atRisk - step.events));
  }
  const firstEvent = eventSteps[0]?.time ?? horizon;
  return { horizon, rmst: firstEvent + tail, standardError: Math.sqrt(variance) };
}
