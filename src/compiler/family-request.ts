// What every KPI family is asked: which KPIs, over which periods, broken down how, judged against which end
// of the data, with which of its own parameters.
import type { Grain, Period } from './periods.ts';
import type { RunRollups } from './rollups/run-rollups.ts';

export interface FamilyRequest<P> {
  readonly kpis: readonly string[];
  readonly periods: readonly Period[];
  /** The grain of `periods` (to find a previous period); without it, a span of the same length. */
  readonly grain?: Grain;
  readonly by?: string;
  readonly asOf: string;
  readonly minSample: number;
  readonly params: P;
  /** The run's shared rollups; a family called on its own builds its own. */
  readonly rollups?: RunRollups;
  /** RFM's window in days (customer segmentation's `rfm_window_days`), for a breakdown by rfm. */
  readonly rfmWindowDays?: number;
}
