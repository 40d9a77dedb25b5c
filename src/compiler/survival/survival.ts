// Kaplan–Meier survival of customers' tenure by segment, from the warehouse: SQL counts the first paying
// spells ending (churn) or censored (still paying at the data's end) per segment and month of tenure, so a
// million customers arrive as a few hundred rows; the curves, medians, restricted mean survival times (the
// model-based Average Customer Lifespan within the horizon) and the log-rank test are src/models' work.
import { badInput } from '../../errors/tenure-error.ts';
import {
  type KaplanMeier,
  kaplanMeierFromCounts,
  type RestrictedMean,
  restrictedMean,
  type TimeCount,
} from '../../models/kaplan-meier.ts';
import { type LogRank, logRankFromCounts } from '../../models/log-rank.ts';
import type { Engine } from '../../warehouse/engine.ts';
import { SqlParams } from '../../warehouse/sql-builder.ts';
import { checkBreakdown, segmentSql } from '../dimensions.ts';
import { firstSpellsCtes } from './first-spells.ts';

export interface SurvivalRequest {
  by?: string;
  asOf: string;
  /** Months to which the RMST is taken; default: the longest tenure every segment has observed. */
  horizon?: number;
  /** Level of the pointwise intervals (log-log scale), default 0.95. */
  level?: number;
}

export interface SurvivalSegment extends KaplanMeier {
  segment: string;
  rmst: RestrictedMean;
}

export interface SurvivalReport {
  by: string | null;
  as_of: string;
  unit: 'month';
  level: number;
  horizon: number;
  segments: SurvivalSegment[];
  /** Between the segments; null with fewer than two segments or no churn at all. */
  logRank: LogRank | null;
}

/** Churns and censorings per segment and whole month of tenure. */
export async function tenureCounts(
  engine: Engine,
  req: { by?: string; asOf: string },
): Promise<Map<string, TimeCount[]>> {
  // A spell spans many periods: a customer's state in one period (lifecycle, rfm) cannot segment it.
  checkBreakdown(req.by);
  const params = new SqlParams(engine.dialect);
  const segment = segmentSql(req.by, params);
  const sql = `WITH ${firstSpellsCtes(req.asOf, params)}
  SELECT ${segment} AS segment, f.months AS time, sum(f.churned) AS events, count(*) - sum(f.churned) AS censored
  FROM first_spells f JOIN customers cu ON cu.customer_id = f.customer_id
  GROUP BY 1, 2 ORDER BY 1, 2`;
  const out = new Map<string, TimeCount[]>();
  for (const r of await engine.query(sql, params.values)) {
    const list = out.get(String(r.segment)) ?? [];
    list.push({ time: Number(r.time), events: Number(r.events), censored: Number(r.censored) });
    out.set(String(r.segment), list);
  }
  return out;
}

/** The survival report from counts per segment (pure: the part after the SQL). */
export function survivalFromCounts(
  counts: ReadonlyMap<string, readonly TimeCount[]>,
  req: Omit<SurvivalRequest, 'by' | 'asOf'> & { by: string | null; asOf: string },
): SurvivalReport {
  if (counts.size === 0) {
    throw badInput(
      `no customer had paid by ${req.asOf}`,
      { field: 'as_of' },
      'load subscription_changes with MRR > 0, or choose a later as_of',
    );
  }
  const level = req.level ?? 0.95;
  const curves = [...counts].map(([segment, c]) => ({
    segment,
    km: kaplanMeierFromCounts(c, { level, scale: 'log-log' }),
  }));
  const longest = Math.min(...curves.map(({ km }) => km.steps[km.steps.length - 1]?.time ?? 0));
  const horizon = req.horizon ?? Math.max(1, longest);
  const segments = curves.map(({ segment, km }) => ({ segment, ...km, rmst: restrictedMean(km, horizon) }));
  const withEvents = segments.filter((s) => s.events > 0).length;
  const logRank = counts.size >= 2 && withEvents > 0 ? logRankFromCounts(counts) : null;
  return { by: req.by, as_of: req.asOf, unit: 'month', level, horizon, segments, logRank };
}

/** Survival of customers' first paying spells by segment, as of `asOf`. */
export async function survivalBySegment(engine: Engine, req: SurvivalRequest): Promise<SurvivalReport> {
  const counts = await tenureCounts(engine, req);
  return survivalFromCounts(counts, { ...req, by: req.by ?? null });
}
