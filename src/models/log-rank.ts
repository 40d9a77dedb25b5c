// The log-rank test of equal survival across groups (Mantel 1966; Peto & Peto 1972): at each distinct
// event time, each group's observed events against those expected under a common hazard, summed; the
// statistic (O − E)ᵀ V⁻¹ (O − E) on all groups but one is chi-square with (groups − 1) degrees of freedom.

import { badInput } from '../errors/tenure-error.ts';
import { invert } from './hessian.ts';
import type { Observation } from './kaplan-meier.ts';
import { chiSquareSurvival } from './special-functions.ts';

export interface LogRankGroup {
  group: string;
  n: number;
  observed: number;
  expected: number;
}

export interface LogRank {
  groups: LogRankGroup[];
  chiSquare: number;
  df: number;
  pValue: number;
}

export function logRankTest(groups: ReadonlyMap<string, readonly Observation[]>): LogRank {
  const names = [...groups.keys()];
  if (names.length < 2) {
    throw badInput(`the log-rank test needs at least 2 groups, got ${names.length}`, { field: 'group' });
  }
  const k = names.length;
  const all = names.flatMap((name, g) => (groups.get(name) ?? []).map((o) => ({ ...o, g })));
  if (!all.some((o) => o.event)) {
    throw badInput(
      'no events in any group: the log-rank test has nothing to compare',
      { field: 'event' },
      'give some durations with event 1',
    );
  }
  const atRisk = names.map((name) => (groups.get(name) ?? []).length);
  const observed = new Array<number>(k).fill(0);
  const expected = new Array<number>(k).fill(0);
  const cov: number[][] = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  all.sort((a, b) => a.duration - b.duration);
  let i = 0;
  while (i < all.length) {
    const time = (all[i] as { duration: number }).duration;
    const events = new Array<number>(k).fill(0);
    const leaving = new Array<number>(k).fill(0);
    for (; i < all.length && (all[i] as { duration: number }).duration === time; i++) {
      const o = all[i] as Observation & { g: number };
      leaving[o.g] = (leaving[o.g] as number) + 1;
      if (o.event) events[o.g] = (events[o.g] as number) + 1;
    }
    const d = events.reduce((s, v) => s + v, 0);
    const n = atRisk.reduce((s, v) => s + v, 0);
    if (d > 0) {
      const spread = n > 1 ? (d * (n - d)) / (n - 1) : 0;
      for (let g = 0; g < k; g++) {
        const share = (atRisk[g] as number) / n;
        observed[g] = (observed[g] as number) + (events[g] as number);
        expected[g] = (expected[g] as number) + d * share;
        for (let h = 0; h < k; h++) {
          const row = cov[g] as number[];
          row[h] = (row[h] as number) + spread * share * ((g === h ? 1 : 0) - (atRisk[h] as number) / n);
        }
      }
    }
    for (let g = 0; g < k; g++) atRisk[g] = (atRisk[g] as number) - (leaving[g] as number);
  }
  const diff = observed.slice(0, k - 1).map((o, g) => o - (expected[g] as number));
  const inverse = invert(cov.slice(0, k - 1).map((row) => row.slice(0, k - 1)));
  let chiSquare = 0;
  if (inverse) {
    for (let g = 0; g < k - 1; g++) {
      for (let h = 0; h < k - 1; h++)
        chiSquare += (diff[g] as number) * ((inverse[g] as number[])[h] as number) * (diff[h] as number);
    }
  }
  const df = k - 1;
  return {
    groups: names.map((group, g) => ({
      group,
      n: (groups.get(group) ?? []).length,
      observed: observed[g] as number,
      expected: expected[g] as number,
    })),
    chiSquare,
    df,
    pValue: chiSquareSurvival(chiSquare, df),
  };
}
