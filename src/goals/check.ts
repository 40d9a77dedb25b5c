// Judging every target: each KPI's value in its last complete period (or the mean over its rolling window)
// against the target — its own pragmatic value, or for a rolling-forecast target the KPI's forecast of that
// month — with its status, its guardrails (guardrails.ts) over the same window against the periods before,
// and for a KPI off its plan the segments that moved it since the period before (root cause), so an alert
// says where to look, not only that something is red.

import { rootCause, type SegmentContribution } from '../analysis/root-cause.ts';
import type { ResolvedCatalog } from '../catalog/catalog.ts';
import { getDefinition } from '../catalog/catalog.ts';
import { dataAsOf } from '../compiler/as-of.ts';
import { activityEventsFor, computeKpis } from '../compiler/compute.ts';
import { nextPeriodStart, periodStart } from '../compiler/periods.ts';
import { RunRollups } from '../compiler/rollups/run-rollups.ts';
import { TenureError } from '../errors/tenure-error.ts';
import { forecastKpi, levelKey } from '../forecast/forecast.ts';
import type { Unit } from '../results/format.ts';
import type { KpiResult } from '../results/kpi-result.ts';
import type { Engine } from '../warehouse/engine.ts';
import { type GuardrailCheck, guardrailStatus, guardrailsOf } from './guardrails.ts';
import { DEFAULT_TREE } from './kpi-tree.ts';
import {
  forecastStatus,
  type Goal,
  meets,
  type Status,
  shortfall,
  statusOf,
  type Target,
} from './targets.ts';

export interface TargetCheck {
  readonly target: Target;
  readonly name: string;
  /** The KPI's unit in the catalog (rate, currency…): how its value and targets are written in text. */
  readonly unit: Unit;
  readonly higher_is_better: boolean;
  readonly segment: string;
  /** The periods judged: the last complete one, or the rolling window ending with it. */
  readonly period_start: string;
  readonly period_end: string;
  readonly value: number | null;
  readonly status: Status;
  /** Meets the aspirational target too. */
  readonly ahead: boolean;
  /** How far from the pragmatic target, relative to it (0 when met). */
  readonly shortfall: number | null;
  /** For a KPI not on track: the segments that explain its last change most. */
  readonly why: SegmentContribution[];
  /** KPIs that must not move the wrong way meanwhile (guardrails.ts), each judged. */
  readonly guardrails: GuardrailCheck[];
  /** The pragmatic target judged against: the target's own, or its forecast's value for the period. */
  readonly pragmatic: Goal | null;
  /** For a target that follows its forecast: the forecast for the judged month and when it was made. */
  readonly forecast: TargetForecast | null;
}

/** The forecast a rolling-forecast target is judged against, made `horizon` months before its month. */
export interface TargetForecast {
  /** The data's end the forecast was made at (a month start). */
  readonly made_at: string;
  readonly horizon: number;
  readonly band: number;
  readonly value: number;
  readonly lower: number;
  readonly upper: number;
}

/**
 * The forecast of a rolling-forecast target's month (starting `month`), made from the data up to `horizon`
 * months before its end, at the band's level; null when there is nothing to forecast from.
 */
async function targetForecast(
  engine: Engine,
  catalog: ResolvedCatalog,
  target: Target,
  month: Date,
): Promise<TargetForecast | null> {
  const rolling = target.rolling_forecast;
  if (!rolling) return null;
  const madeAt = new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() - (rolling.horizon - 1), 1));
  try {
    const answer = await forecastKpi(engine, {
      kpi: target.kpi,
      horizon: rolling.horizon,
      asOf: madeAt.toISOString(),
      levels: [rolling.band],
      catalog: catalog.definitions,
    });
    const row = answer.forecast.find((f) => Date.parse(f.period_start) === month.getTime());
    const key = levelKey(rolling.band);
    const lower = row?.[`lower_${key}`];
    const upper = row?.[`upper_${key}`];
    if (row?.value == null || lower == null || upper == null) return null;
    return { made_at: madeAt.toISOString(), ...rolling, value: row.value, lower, upper };
  } catch (err) {
    // Too little history before that month: the target has nothing to hold the KPI to yet.
    if (err instanceof TenureError && err.code === 'bad_input') return null;
    throw err;
  }
}

const day = (d: Date) => d.toISOString().slice(0, 10);

/** The value over a window: Σ numerators / Σ denominators for a ratio, else the mean of the values. */
function windowValue(rows: readonly KpiResult[]): number | null {
  if (rows.length === 0 || rows.some((r) => r.value === null)) return null;
  if (rows.every((r) => r.numerator !== null && r.denominator !== null)) {
    const den = rows.reduce((s, r) => s + (r.denominator ?? 0), 0);
    return den === 0 ? null : rows.reduce((s, r) => s + (r.numerator ?? 0), 0) / den;
  }
  return rows.reduce((s, r) => s + (r.value ?? 0), 0) / rows.length;
}

export async function checkTargets(
  engine: Engine,
  catalog: ResolvedCatalog,
  opts: { asOf?: string; explain?: boolean } = {},
): Promise<TargetCheck[]> {
  const asOf = opts.asOf ?? (await dataAsOf(engine)) ?? new Date().toISOString();
  const out: TargetCheck[] = [];
  await engine.session(async (session) => {
    const kpis = (catalog.targets ?? []).map((t) => t.kpi);
    const rollups = new RunRollups(session, activityEventsFor(kpis, catalog.definitions));
    try {
      for (const target of catalog.targets ?? []) {
        const def = getDefinition(target.kpi, catalog.definitions);
        // The period holding as_of is not over; the last complete one ends at its start.
        const end = periodStart(new Date(asOf), target.grain);
        let start = end;
        for (let i = 0; i < (target.rolling ?? 1); i++)
          start = periodStart(new Date(start.getTime() - 1), target.grain);
        const lastStart = periodStart(new Date(end.getTime() - 1), target.grain);
        const segment = target.segment?.value ?? 'all';
        const rows = (
          await computeKpis(
            session,
            {
              kpis: [target.kpi],
              from: day(start),
              to: day(lastStart),
              grain: target.grain,
              by: target.segment?.by,
              asOf,
              catalog: catalog.definitions,
            },
            rollups,
          )
        ).filter((r) => r.kpi === target.kpi && r.segment === segment);
        const value = windowValue(rows);
        const forecast = await targetForecast(session, catalog, target, lastStart);
        const pragmatic = target.pragmatic ?? forecast?.value ?? null;
        const status = target.rolling_forecast
          ? forecastStatus(value, forecast, def.higherIsBetter)
          : statusOf(value, target, def.higherIsBetter);
        const guardrails = await judgeGuardrails(session, catalog, target, {
          from: start,
          last: lastStart,
          asOf,
          rollups,
        });
        const why =
          opts.explain !== false && (status === 'off_track' || status === 'at_risk')
            ? (
                await rootCause(session, {
                  kpi: target.kpi,
                  grain: target.grain,
                  from: day(periodStart(new Date(lastStart.getTime() - 1), target.grain)),
                  to: day(lastStart),
                  // A segment's target is explained inside that segment, over the other dimensions.
                  filters: target.segment ? [target.segment] : [],
                  asOf,
                  catalog: catalog.definitions,
                })
              ).top.slice(0, 3)
            : [];
        out.push({
          target,
          name: def.name,
          unit: def.unit,
          higher_is_better: def.higherIsBetter,
          segment,
          period_start: start.toISOString(),
          period_end: nextPeriodStart(lastStart, target.grain).toISOString(),
          value,
          status,
          ahead:
            value !== null &&
            target.aspirational !== undefined &&
            meets(value, target.aspirational, def.higherIsBetter),
          shortfall:
            value === null || pragmatic === null ? null : shortfall(value, pragmatic, def.higherIsBetter),
          why,
          guardrails,
          pragmatic,
          forecast,
        });
      }
    } finally {
      await rollups.drop();
    }
  });
  return out;
}

/**
 * A target's guardrails over its window (`from` … the period starting at `last`) against as many periods
 * just before it, in the target's segment.
 */
async function judgeGuardrails(
  engine: Engine,
  catalog: ResolvedCatalog,
  target: Target,
  window: { from: Date; last: Date; asOf: string; rollups: RunRollups },
): Promise<GuardrailCheck[]> {
  const { guardrails, proposed } = guardrailsOf(target, catalog.definitions, catalog.tree ?? DEFAULT_TREE);
  if (guardrails.length === 0) return [];
  let before = window.from;
  for (let i = 0; i < (target.rolling ?? 1); i++)
    before = periodStart(new Date(before.getTime() - 1), target.grain);
  const bases = [...new Set(guardrails.map((g) => g.kpi.split('.')[0] ?? g.kpi))];
  const rows = await computeKpis(
    engine,
    {
      kpis: bases,
      from: day(before),
      to: day(window.last),
      grain: target.grain,
      by: target.segment?.by,
      asOf: window.asOf,
      catalog: catalog.definitions,
    },
    window.rollups,
  );
  const segment = target.segment?.value ?? 'all';
  const since = window.from.toISOString();
  return guardrails.map((g) => {
    const mine = rows.filter((r) => r.kpi === g.kpi && r.segment === segment);
    const earlier = windowValue(mine.filter((r) => r.period_start < since));
    const value = windowValue(mine.filter((r) => r.period_start >= since));
    const def = getDefinition(g.kpi.split('.')[0] ?? g.kpi, catalog.definitions);
    return {
      kpi: g.kpi,
      name:
        g.kpi === def.id ? def.name : `${def.name} (${g.kpi.slice(def.id.length + 1).replaceAll('_', ' ')})`,
      unit: def.unit,
      must_not: g.must_not,
      tolerance: g.tolerance,
      proposed,
      before: earlier,
      value,
      status: guardrailStatus(earlier, value, g),
    };
  });
}

/** Whether any target needs attention (at risk or off track). */
export const needsAttention = (checks: readonly TargetCheck[]) =>
  checks.some((c) => c.status === 'at_risk' || c.status === 'off_track');
