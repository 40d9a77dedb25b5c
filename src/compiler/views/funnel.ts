// Funnel steps per period: accounts whose first step-1 event falls in the period start the funnel; each
// next step is reached by the earliest event of its name strictly after the step before, at most
// window_days after step 1 (the rule of drop_off_rate, whose SQL this view shares). Accounts whose window
// is still open at as_of are censored: counted as started, left out of every step.
import type { Engine } from '../../warehouse/engine.ts';
import { SqlParams } from '../../warehouse/sql-builder.ts';
import { DEFAULT_ACTIVATION_PARAMS, funnelSql } from '../kpis/activation.ts';
import type { Period } from '../periods.ts';
import { type RunRollups, withRollups } from '../rollups/run-rollups.ts';

export interface FunnelRequest {
  readonly periods: readonly Period[];
  readonly by?: string;
  readonly asOf: string;
  /** Ordered event names (the catalog's funnel steps by default). */
  readonly steps?: readonly string[];
  readonly windowDays?: number;
  /** RFM's window, for a breakdown by rfm (customer segmentation's default otherwise). */
  readonly rfmWindowDays?: number;
  readonly rollups?: RunRollups;
}

export interface FunnelStep {
  readonly step: number;
  readonly name: string;
  /** Accounts (window over) that reached this step. */
  readonly reached: number;
  /** reached / reached step 1; null when nobody did. */
  readonly from_start: number | null;
  /** reached / reached the step before. */
  readonly from_previous: number | null;
}

export interface FunnelRow {
  readonly period_start: string;
  readonly period_end: string;
  readonly segment: string;
  /** Accounts whose first step-1 event is in the period, censored or not. */
  readonly started: number;
  readonly censored: number;
  readonly steps: FunnelStep[];
}

const share = (a: number, b: number) => (b > 0 ? a / b : null);

export function funnelSteps(engine: Engine, req: FunnelRequest): Promise<FunnelRow[]> {
  const steps = req.steps ?? DEFAULT_ACTIVATION_PARAMS.funnelSteps;
  const windowDays = req.windowDays ?? DEFAULT_ACTIVATION_PARAMS.windowDays;
  if (steps.length === 0) return Promise.resolve([]);
  return withRollups(engine, req.rollups, async (session, rollups) => {
    const activity = await rollups.activity();
    const params = new SqlParams(session.dialect);
    const request = {
      kpis: [],
      periods: req.periods,
      by: req.by,
      asOf: req.asOf,
      minSample: 0,
      params: { ...DEFAULT_ACTIVATION_PARAMS, funnelSteps: steps, windowDays },
    };
    const named = steps.length > 1 ? await rollups.namedEvents(steps.slice(1)) : '';
    const segments = await rollups.segmentTables(req.by, req.periods, req);
    const rows = await session.query(funnelSql(request, activity, named, segments, params), params.values);
    const ends = new Map(req.periods.map((p) => [p.start, p.end]));
    return rows
      .map((r) => {
        const reached = steps.map((_, i) => Number(r[`reached_${i + 1}`] ?? 0));
        const censored = Number(r.censored ?? 0);
        const start = String(r.period_start);
        return {
          period_start: start,
          period_end: ends.get(start) ?? start,
          segment: String(r.segment),
          started: (reached[0] ?? 0) + censored,
          censored,
          steps: steps.map((name, i) => ({
            step: i + 1,
            name,
            reached: reached[i] ?? 0,
            from_start: share(reached[i] ?? 0, reached[0] ?? 0),
            from_previous: share(reached[i] ?? 0, reached[i - 1] ?? reached[0] ?? 0),
          })),
        };
      })
      .sort((a, b) => a.segment.localeCompare(b.segment) || a.period_start.localeCompare(b.period_start));
  });
}
