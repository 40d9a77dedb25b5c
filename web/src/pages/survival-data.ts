// The survival page's data as the API gives it, and the pure formatting the page and its browser test share.
import { formatNumber } from '../format.ts';

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
