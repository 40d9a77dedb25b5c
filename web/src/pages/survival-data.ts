// The survival page's data as the API gives it, and the pure formatting the page and its browser test share.
import { formatNumber, formatPercent } from '../format.ts';

export interface SurvivalStep {
  time: number;
  at_risk: number;
  events: number;
  censored: number;
  survival: number;
  lower: number;
  upper: number;
}
export interface SurvivalReport {
  as_of: string;
  level: number;
  horizon: number;
  segments: {
    segment: string;
    n: number;
    events: number;
    median: number | null;
    rmst: { rmst: number; standard_error: number };
    steps: SurvivalStep[];
  }[];
  log_rank: { chi_square: number; df: number; p_value: number } | null;
}
export interface SbgReport {
  discount: number;
  cohorts: {
    cohort: string;
    size: number;
    survivors: number[];
    alpha: number | null;
    beta: number | null;
    alpha_standard_error: number | null;
    beta_standard_error: number | null;
    expected_lifetime: number | null;
    derl: number | null;
    flags: string[];
    problem: string | null;
  }[];
}

/** A p-value as the page writes it: three significant digits, or "< 1e-12". */
export function formatPValue(p: number): string {
  return p < 1e-12 ? '< 1e-12' : p.toPrecision(3);
}

/** An estimate with its standard error in brackets when it has one. */
export function withError(value: number | null, se: number | null): string {
  if (value === null) return '—';
  return se === null ? formatNumber(value) : `${formatNumber(value)} (${formatNumber(se)})`;
}

/** A median survival time in months, or "not reached" while more than half are still paying. */
export const formatMedian = (median: number | null): string =>
  median === null ? 'not reached' : formatNumber(median);

type SbgCohort = SbgReport['cohorts'][number];

/** The share θ = α / (α + β) churning each month, which a fit without heterogeneity reduces to. */
export const constantChurn = (c: SbgCohort): number | null =>
  c.alpha === null || c.beta === null ? null : c.alpha / (c.alpha + c.beta);

/**
 * What a cohort's fit says in words. A fit at the geometric limit (α and β in the billions) has no
 * heterogeneity to estimate: its α and β mean nothing, and a constant churn says the same. α ≤ 1 gives an
 * infinite mean lifetime: the fit expects some customers never to leave.
 */
export function sbgNote(c: SbgCohort): string {
  if (c.problem) return c.problem;
  const notes: string[] = [];
  if (c.flags.includes('no_heterogeneity'))
    notes.push(
      `no heterogeneity between customers: a constant churn of ${formatPercent(constantChurn(c))} a month fits as well`,
    );
  if (c.flags.includes('infinite_mean_lifetime'))
    notes.push('no finite mean lifetime (α ≤ 1): the fit expects some customers never to leave; read DERL');
  if (c.flags.includes('not_converged'))
    notes.push('the fit did not converge: no estimate for this cohort yet (too few churns to tell)');
  return notes.join('; ');
}

/** A cohort's row of the sBG table: cohort, size, months seen, α, β, E(T), DERL, what the fit says. */
export function sbgCells(c: SbgCohort): string[] {
  const geometric = c.flags.includes('no_heterogeneity');
  // A fit that did not converge has no numbers worth showing: its sentence says so.
  const failed = c.flags.includes('not_converged');
  return [
    c.cohort,
    formatNumber(c.size),
    String(c.survivors.length - 1),
    geometric || failed ? '—' : withError(c.alpha, c.alpha_standard_error),
    geometric || failed ? '—' : withError(c.beta, c.beta_standard_error),
    failed
      ? '—'
      : c.alpha !== null && c.expected_lifetime === null
        ? 'unbounded'
        : formatNumber(c.expected_lifetime),
    failed ? '—' : formatNumber(c.derl),
    sbgNote(c),
  ];
}
