// The log-rank test of equal survival across groups (Mantel 1966; Peto & Peto 1972): at each distinct
// event time, each group's observed events against those expected under a common hazard, summed; the
// statistic (O − E)ᵀ V⁻¹ (O − E) on all groups but one is chi-square with (groups − 1) degrees of freedom.

import { badInput } from '../errors/tenure-error.ts';
import { invert } from './hessian.ts';
import { countByTime, type Observation, type TimeCount } from './kaplan-meier.ts';
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
  return logRankFromCounts(new Map([...groups].map(([name, obs]) => [name, countByTime(obs)])));
}

/** The log-rank test from each group's events and censorings per time (the warehouse's summaries). */
export function logRankFromCounts(groups: ReadonlyMap<string, readonly TimeCount[]>): LogRank {
  const names = [...groups.keys()];
  if (names.length < 2) {
    throw badInput(`the log-rank test needs at least 2 groups, got ${names.length}`, { field: 'group' });
  }
  const k = names.length;
  // One row per distinct time with each group's events and leavers (events + censored).
  const byTime = new Map<number, { events: number[]; leaving: number[] }>();
  const sizes = new Array<number>(k).fill(0);
  names.forEach((name, g) => {
    for (const c of groups.get(name) ?? []) {
      const cell = byTime.get(c.time) ?? {
        events: new Array<number>(k).fill(0),
        leaving: new Array<number>(k).fill(0),
      };
      cell.events[g] = (cell.events[g] as number) + c.events;
      cell.leaving[g] = (cell.leaving[g] as number) + c.events + c.censored;
      sizes[g] = (sizes[g] as number) + c.events + c.censored;
      byTime.set(c.time, cell);
    }
  });
  if (![...byTime.values()].some((c) => c.events.some((e) => e > 0))) {
    throw badInput(
      'no events in any group: the log-rank test has nothing to compare',
      { field: 'event' },
      'give some durations with event 1',
    );
  }
  const atRisk = sizes.slice();
  const observed = new Array<number>(k).fill(0);
  const expected = new Array<number>(k).fill(0);
  const cov: number[][] = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (const time of [...byTime.keys()].sort((a, b) => a - b)) {
    const { events, leaving } = byTime.get(time) as { events: number[]; leaving: number[] };
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
      n: sizes[g] as number,
      observed: observed[g] as number,
      expected: expected[g] as number,
    })),
    chiSquare,
    df,
    pValue: chiSquareSurvival(chiSquare, df),
  };
}
