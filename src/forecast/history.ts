// The summaries the forecast learns from, as the warehouse hands them over (cohort-sql.ts): per
// paying-start cohort its survivors and their MRR at each month end, and per month the sums behind the
// ARPA drift. Plain numbers, so the model can be tested on a hand-made history.

export interface CohortSeries {
  /** The month the cohort's paying spells began (ISO timestamp of its first day). */
  start: string;
  /** Customers of the cohort paying at the end of its first month, then at each later month end. */
  survivors: number[];
  /** Their MRR at the same moments. */
  mrr: number[];
}

export interface MonthSums {
  /** The month's first day. */
  start: string;
  /** Customers paying at the month's start, and their MRR. */
  atRisk: number;
  startMrr: number;
  /** Of those, the customers still paying (in the same spell) at its end, and their MRR then. */
  stayed: number;
  stayedEndMrr: number;
}

export interface CohortHistory {
  /** The first day of each complete month learnt from, oldest first. */
  months: string[];
  /** The end of the last of them: the forecast starts here. */
  cut: string;
  /** One series per cohort, oldest first; a cohort starting in months[i] has n − i values. */
  cohorts: CohortSeries[];
  /** One per month of `months`. */
  monthly: MonthSums[];
}
