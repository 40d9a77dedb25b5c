// What the Cohorts page shows, as pure functions of the API's answers: the view and grain read from the
// URL, the age columns, and each heatmap row's text and shade. The browser test formats the API's cohorts
// with these same functions and compares text.
import { type FormatOptions, formatNumber, formatPercent, formatValue } from '../format.ts';

export type CohortView = 'retention' | 'revenue' | 'conversion' | 'activation';

export interface PayingCohorts {
  grain: string;
  cohorts: {
    cohort: string;
    cohort_start: string;
    segment: string;
    size: number;
    starting_mrr: number;
    cells: {
      age: number;
      customers: number;
      retention: number | null;
      mrr: number;
      revenue_retention: number | null;
    }[];
  }[];
  average: {
    segment: string;
    age: number;
    cohorts: number;
    size: number;
    starting_mrr: number;
    retention: number | null;
    revenue_retention: number | null;
  }[];
}

export interface SignupCohorts {
  grain: string;
  cohorts: {
    cohort: string;
    segment: string;
    size: number;
    cells: { age: number; converted: number; conversion: number | null }[];
  }[];
  average: { segment: string; age: number; cohorts: number; size: number; conversion: number | null }[];
}

export interface ActivationCohorts {
  mode: string;
  cohorts: {
    cohort_start: string;
    segment: string;
    size: number;
    cells: { n: number; returned: number; rate: number | null }[];
  }[];
}

export interface HeatRow {
  label: string;
  size: string;
  /** A cell's text and shade, and where its customers are listed (the drill-down), when they can be. */
  cells: ({ text: string; shade: number; href?: string } | null)[];
}

/** The view in the URL; links from before `view` existed (type=activation, measure=revenue) still work. */
export function cohortView(params: URLSearchParams): CohortView {
  const view = params.get('view');
  if (view === 'retention' || view === 'revenue' || view === 'conversion' || view === 'activation')
    return view;
  if (params.get('type') === 'activation') return 'activation';
  return params.get('measure') === 'revenue' ? 'revenue' : 'retention';
}

/** Cohorts go by week at the finest: a day grain shows weeks. */
export const cohortGrain = (grain: string): string =>
  ['week', 'month', 'quarter', 'year'].includes(grain) ? grain : 'week';

/** "month 0", "month 1"… up to the oldest cohort's age. */
export function ageColumns(
  cohorts: readonly { cells: readonly { age: number }[] }[],
  grain: string,
): string[] {
  const oldest = Math.max(0, ...cohorts.flatMap((c) => c.cells.map((x) => x.age)));
  return Array.from({ length: oldest + 1 }, (_, age) => `${grain} ${age}`);
}

const ages = (cohorts: readonly { cells: readonly { age: number }[] }[]) =>
  ageColumns(cohorts, '').map((_, age) => age);

/** A share as a cell: its percentage, shaded by its value (revenue retention above 100% shades as 100%). */
const shareCell = (v: number | null) => ({ text: formatPercent(v), shade: Math.min(1, Math.max(0, v ?? 0)) });

/** Rows of logo retention (shares of customers) or revenue retention (shares of starting MRR). */
export function payingRows(
  data: PayingCohorts,
  revenue: boolean,
  money: FormatOptions = {},
): { body: HeatRow[]; average: HeatRow | undefined } {
  const all = ages(data.cohorts);
  const body = data.cohorts.map((c) => ({
    label: c.cohort,
    size: revenue ? formatValue(c.starting_mrr, 'currency', { ...money, digits: 0 }) : formatNumber(c.size),
    cells: all.map((age) => {
      const cell = c.cells.find((x) => x.age === age);
      if (!cell) return null;
      const result = `paying_cohorts.${revenue ? 'revenue_retention' : 'retention'}`;
      const drill = new URLSearchParams({
        result,
        period: c.cohort_start.slice(0, 10),
        grain: data.grain,
        age: String(age),
      });
      return { ...shareCell(revenue ? cell.revenue_retention : cell.retention), href: `/drill?${drill}` };
    }),
  }));
  const first = data.average.find((a) => a.age === 0);
  const average =
    first === undefined
      ? undefined
      : {
          label: 'all cohorts (weighted)',
          size: revenue
            ? formatValue(first.starting_mrr, 'currency', { ...money, digits: 0 })
            : formatNumber(first.size),
          cells: all.map((age) => {
            const a = data.average.find((x) => x.age === age);
            return a ? shareCell(revenue ? a.revenue_retention : a.retention) : null;
          }),
        };
  return { body, average };
}

/** Rows of conversion from signup: the share of each signup cohort that has paid by each age. */
export function signupRows(data: SignupCohorts): { body: HeatRow[]; average: HeatRow | undefined } {
  const all = ages(data.cohorts);
  const body = data.cohorts.map((c) => ({
    label: c.cohort,
    size: formatNumber(c.size),
    cells: all.map((age) => {
      const cell = c.cells.find((x) => x.age === age);
      return cell ? shareCell(cell.conversion) : null;
    }),
  }));
  const first = data.average.find((a) => a.age === 0);
  const average =
    first === undefined
      ? undefined
      : {
          label: 'all cohorts (weighted)',
          size: formatNumber(first.size),
          cells: all.map((age) => {
            const a = data.average.find((x) => x.age === age);
            return a ? shareCell(a.conversion) : null;
          }),
        };
  return { body, average };
}
