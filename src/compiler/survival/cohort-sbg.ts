// The shifted-beta-geometric model (Fader & Hardie 2007) fitted to each cohort of first payments from the
// warehouse: a cohort is the customers whose first payment fell in month m; its survivors after k months
// are those whose first paying spell had not ended in a churn by the k-th monthly anniversary. SQL counts
// churns and censorings per cohort and month of tenure; a cohort's survivors are known up to the youngest
// anniversary every member has reached (the shortest censored tenure), and only those periods are fitted.
import { TenureError } from '../../errors/tenure-error.ts';
import type { TimeCount } from '../../models/kaplan-meier.ts';
import {
  fitSbg,
  projectSbg,
  type SbgPeriod,
  sbgDiscountedLifetime,
  sbgDiscountedResidualLifetime,
  sbgExpectedLifetime,
} from '../../models/sbg.ts';
import type { Engine } from '../../warehouse/engine.ts';
import { SqlParams } from '../../warehouse/sql-builder.ts';
import { YEAR_MONTH } from '../dimensions.ts';
import { firstSpellsCtes } from './first-spells.ts';

export interface CohortSbg {
  /** The month of the cohort's first payments, YYYY-MM. */
  cohort: string;
  size: number;
  /** Cohort size, then the customers left after each fully observed month. */
  survivors: number[];
  alpha: number | null;
  beta: number | null;
  alphaStandardError: number | null;
  betaStandardError: number | null;
  logLikelihood: number | null;
  converged: boolean;
  /** E(T) in months; null when α ≤ 1 (infinite) or the cohort could not be fitted. */
  expectedLifetime: number | null;
  /** DEL of a new customer and DERL of one who has renewed as often as the cohort is old, in months. */
  del: number | null;
  derl: number | null;
  /** Fitted survival and retention for the observed months and `projectMonths` more. */
  projection: SbgPeriod[];
  /**
   * no_heterogeneity: the likelihood keeps rising as α and β grow with α/(α + β) fixed — every customer
   * churns with the same probability (the geometric limit of the sBG), so α and β themselves mean little
   * and have no standard errors, while survival, E(T), DEL and DERL are the geometric model's;
   * not_converged; infinite_mean_lifetime (α ≤ 1).
   */
  flags: string[];
  /** Why the cohort was not fitted, when it was not. */
  problem: string | null;
}

/** Above this α the fit is at the geometric limit (no heterogeneity left to estimate). */
const GEOMETRIC_LIMIT = 1e5;

export interface CohortSbgReport {
  as_of: string;
  discount: number;
  cohorts: CohortSbg[];
}

/** Survivors per month of a cohort from its churns and censorings per month of tenure. */
export function cohortSurvivors(counts: readonly TimeCount[]): number[] {
  const size = counts.reduce((s, c) => s + c.events + c.censored, 0);
  const censoredTimes = counts.filter((c) => c.censored > 0).map((c) => c.time);
  const observed =
    censoredTimes.length > 0 ? Math.min(...censoredTimes) : Math.max(0, ...counts.map((c) => c.time));
  const survivors = [size];
  for (let k = 1; k <= observed; k++) {
    const lost = counts.filter((c) => c.time <= k).reduce((s, c) => s + c.events, 0);
    survivors.push(size - lost);
  }
  return survivors;
}

export function fitCohort(
  cohort: string,
  counts: readonly TimeCount[],
  discount: number,
  projectMonths: number,
): CohortSbg {
  const survivors = cohortSurvivors(counts);
  const size = survivors[0] as number;
  const empty: CohortSbg = {
    cohort,
    size,
    survivors,
    alpha: null,
    beta: null,
    alphaStandardError: null,
    betaStandardError: null,
    logLikelihood: null,
    converged: false,
    expectedLifetime: null,
    del: null,
    derl: null,
    projection: [],
    flags: [],
    problem: null,
  };
  if (survivors.length < 3) {
    const months = survivors.length - 1;
    return {
      ...empty,
      problem: `too young: every member has been seen for ${months} month${months === 1 ? '' : 's'}; the fit needs 2`,
    };
  }
  if (survivors[survivors.length - 1] === survivors[0]) {
    // Said here in the reader's words: the model's own refusal names its input field (`survivors`).
    return { ...empty, problem: 'no customer has churned yet: the model needs at least one churn' };
  }
  try {
    const fit = fitSbg(survivors);
    const observed = survivors.length - 1;
    const geometric = fit.params.alpha > GEOMETRIC_LIMIT;
    const expectedLifetime = sbgExpectedLifetime(fit.params);
    const flags = [
      ...(geometric ? ['no_heterogeneity'] : []),
      ...(!geometric && !fit.converged ? ['not_converged'] : []),
      // A fit that did not converge supports no claim about the mean lifetime.
      ...(expectedLifetime === null && (fit.converged || geometric) ? ['infinite_mean_lifetime'] : []),
    ];
    return {
      ...empty,
      alpha: fit.params.alpha,
      beta: fit.params.beta,
      alphaStandardError: geometric ? null : fit.standardErrors.alpha,
      betaStandardError: geometric ? null : fit.standardErrors.beta,
      logLikelihood: fit.logLikelihood,
      converged: fit.converged && !geometric,
      expectedLifetime,
      flags,
      del: sbgDiscountedLifetime(fit.params, discount),
      derl: sbgDiscountedResidualLifetime(fit.params, discount, observed),
      projection: projectSbg(fit.params, size, observed + projectMonths, survivors),
    };
  } catch (error) {
    // A cohort too young, or without a churn, is reported with the reason; the others are still fitted.
    if (error instanceof TenureError) return { ...empty, problem: error.message };
    throw error;
  }
}

/** sBG per cohort of first payments, as of `asOf`, with DEL/DERL at `discount` a month. */
export async function cohortSbg(
  engine: Engine,
  req: { asOf: string; discount?: number; projectMonths?: number },
): Promise<CohortSbgReport> {
  const params = new SqlParams(engine.dialect);
  const sql = `WITH ${firstSpellsCtes(req.asOf, params)}
  SELECT ${YEAR_MONTH('f.start_at')} AS cohort, f.months AS time, sum(f.churned) AS events,
    count(*) - sum(f.churned) AS censored
  FROM first_spells f GROUP BY 1, 2 ORDER BY 1, 2`;
  const byCohort = new Map<string, TimeCount[]>();
  for (const r of await engine.query(sql, params.values)) {
    const list = byCohort.get(String(r.cohort)) ?? [];
    list.push({ time: Number(r.time), events: Number(r.events), censored: Number(r.censored) });
    byCohort.set(String(r.cohort), list);
  }
  const discount = req.discount ?? 0.01;
  const cohorts = [...byCohort].map(([cohort, counts]) =>
    fitCohort(cohort, counts, discount, req.projectMonths ?? 12),
  );
  return { as_of: req.asOf, discount, cohorts };
}
