// What the cohort views share: the range's periods numbered in order (a cohort's age is the difference of two
// numbers, whatever the grain), the grains a cohort can have, a cohort's label, and the size-weighted
// average row. A cohort is the customers whose start (signup, first payment) falls in one of the range's
// periods: cohorts that started before the range are not shown cut on the left.
import { badInput } from '../../errors/tenure-error.ts';
import type { Dialect } from '../../warehouse/engine.ts';
import type { SqlParams } from '../../warehouse/sql-builder.ts';
import type { Grain, Period } from '../periods.ts';
import { periodsValues } from '../sql-time.ts';

/** Cohorts by day would be hundreds of rows of a few customers each: week is the finest. */
export const COHORT_GRAINS = ['week', 'month', 'quarter', 'year'] as const;
export type CohortGrain = (typeof COHORT_GRAINS)[number];

export function checkCohortGrain(grain: Grain): CohortGrain {
  if ((COHORT_GRAINS as readonly string[]).includes(grain)) return grain as CohortGrain;
  throw badInput(
    `cohorts are by ${COHORT_GRAINS.join(', ')}, not by ${grain}`,
    { field: 'grain' },
    'choose grain=week (or a coarser one)',
  );
}

/**
 * CTEs `periods` (the range's periods) and `numbered(period_start, period_end, idx)`: the periods over by
 * `asOf` (a bound parameter's SQL), numbered from 1. A period not over yet is left out: its cohort is not
 * complete and its cells would count customers as lost before their period is observed.
 */
export function numberedPeriodsCtes(periods: readonly Period[], asOf: string, params: SqlParams): string {
  return `periods AS (${periodsValues(periods, params)}),
  ${numberedSql(asOf, params.dialect)}`;
}

/** The CTE `numbered` alone, over a CTE `periods` defined before it. */
export const numberedSql = (asOf: string, d: Dialect): string => `numbered AS (
    SELECT period_start, period_end, row_number() OVER (ORDER BY period_start) AS idx FROM periods
    WHERE period_end <= ${d.cast(asOf, 'timestamp')})`;

/** A cohort's label at its grain: 2025-03-10 (the week's Monday), 2025-03, 2025-Q1, 2025. */
export function cohortLabel(start: string, grain: CohortGrain): string {
  const day = start.slice(0, 10);
  if (grain === 'month') return day.slice(0, 7);
  if (grain === 'quarter') return `${day.slice(0, 4)}-Q${Math.floor((Number(day.slice(5, 7)) - 1) / 3) + 1}`;
  if (grain === 'year') return day.slice(0, 4);
  return day;
}

/**
 * Size-weighted averages by segment and age: each `sum` field summed over the cohorts that have reached the
 * age (a young cohort does not drag an age it has not lived down), with how many cohorts that is.
 */
export function averageByAge<C extends { segment: string; cells: { age: number }[] }, K extends string>(
  cohorts: readonly C[],
  fields: { [k in K]: (cohort: C, cell: C['cells'][number]) => number },
): { segment: string; age: number; cohorts: number; sums: Record<K, number> }[] {
  const out = new Map<string, { segment: string; age: number; cohorts: number; sums: Record<K, number> }>();
  const names = Object.keys(fields) as K[];
  for (const c of cohorts)
    for (const cell of c.cells) {
      const key = `${c.segment}\u0000${cell.age}`;
      const a = out.get(key) ?? {
        segment: c.segment,
        age: cell.age,
        cohorts: 0,
        sums: Object.fromEntries(names.map((n) => [n, 0])) as Record<K, number>,
      };
      a.cohorts += 1;
      for (const n of names) a.sums[n] += fields[n](c, cell);
      out.set(key, a);
    }
  return [...out.values()].sort((x, y) => x.segment.localeCompare(y.segment) || x.age - y.age);
}

/** `num / den`, or null for an empty denominator (never NaN). */
export const share = (num: number, den: number): number | null => (den > 0 ? num / den : null);
