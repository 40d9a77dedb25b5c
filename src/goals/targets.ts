// Targets and owners, from the project file's `targets:` list. A target names a KPI (optionally one segment
// of a breakdown), a pragmatic target and optionally an aspirational one — each a value or a [low, high]
// range — the grain it is judged at (optionally the mean over a rolling window of periods), the owner, the
// action plan and the review cadence. A KPI's value then has a status:
//   on_track   meets the pragmatic target (inside its range, or on the good side of its value);
//   at_risk    misses it by no more than `tolerance` (relative to the target; default 5%);
//   off_track  misses it by more; no_data when there is no value to judge.
import { z } from 'zod';
import type { KpiDefinition } from '../catalog/definition.ts';
import type { ConfigProblem, PathSegment } from '../catalog/problems.ts';
import { checkFilters } from '../compiler/filters.ts';
import { GRAINS, type Grain } from '../compiler/periods.ts';
import { TenureError } from '../errors/tenure-error.ts';
import { FORECAST_KPIS, isForecastKpi } from '../forecast/forecast-kpis.ts';
import { type FormatOptions, formatValue } from '../results/format.ts';

const Goal = z.union([z.number(), z.tuple([z.number(), z.number()])]);
export type Goal = z.infer<typeof Goal>;

/** A KPI that must not move one way while a target is pursued (guardrails.ts). */
export const GuardrailSchema = z.strictObject({
  kpi: z.string().describe('The guardrail KPI, or a part of one (net_revenue_retention.grr)'),
  must_not: z.enum(['rise', 'fall']).describe('The way it must not move while the target is pursued'),
  tolerance: z
    .number()
    .min(0)
    .max(1)
    .default(0.05)
    .describe('A move that way within this share of its value in the periods before is allowed'),
});
export type Guardrail = z.infer<typeof GuardrailSchema>;

export const TargetSchema = z.strictObject({
  kpi: z.string().describe('The KPI id'),
  segment: z
    .strictObject({ by: z.string(), value: z.string() })
    .optional()
    .describe('One segment of a breakdown, e.g. {by: plan, value: starter}; the whole company without it'),
  pragmatic: Goal.optional().describe(
    'The target to hold: a value, or a [low, high] range (or rolling_forecast instead)',
  ),
  rolling_forecast: z
    .strictObject({
      horizon: z
        .number()
        .int()
        .min(1)
        .max(12)
        .default(3)
        .describe('How many months before the judged month its forecast is made'),
      band: z
        .number()
        .gt(0)
        .lt(1)
        .default(0.8)
        .describe(
          'The forecast interval: within it but short of the forecast is at risk, beyond it off track',
        ),
    })
    .optional()
    .describe(
      "A pragmatic target that follows the KPI's own forecast (churn, retention, MRR, NRR; monthly, whole company)",
    ),
  aspirational: Goal.optional().describe('The stretch target'),
  grain: z.enum(GRAINS).default('month').describe('The period the target is judged at'),
  rolling: z.number().int().min(1).max(60).optional().describe('Judge the mean over this many periods'),
  tolerance: z
    .number()
    .min(0)
    .max(1)
    .default(0.05)
    .describe('A miss within this share of the target is at risk'),
  owner: z.string().min(1).describe('Who answers for this KPI'),
  action_plan: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .describe('Initiatives and hypotheses'),
  cadence: z.enum(['weekly', 'monthly', 'quarterly']).default('monthly').describe('How often it is reviewed'),
  benchmark: z
    .strictObject({
      value: z.number().describe("The benchmark's value, in the KPI's unit (a rate as a fraction)"),
      source: z.string().min(1).describe('Where it comes from (a report, a peer group)'),
      date: z
        .string()
        .regex(/^\d{4}(-\d{2}){1,2}$/, 'a date: YYYY-MM or YYYY-MM-DD')
        .describe('When it was published or measured'),
    })
    .optional()
    .describe('An external benchmark shown beside the target'),
  guardrails: z
    .array(GuardrailSchema)
    .optional()
    .describe(
      'KPIs that must not move the wrong way while this one improves (when absent, the defaults Tenure proposes for the KPI; [] for none)',
    ),
});
export type Target = z.infer<typeof TargetSchema>;

export type Status = 'on_track' | 'at_risk' | 'off_track' | 'no_data';

/** Reads `targets:`; each problem is collected with its path, none thrown. */
export function readTargets(
  definitions: readonly KpiDefinition[],
  raw: unknown,
  problems: ConfigProblem[],
): Target[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    problems.push({
      path: ['targets'],
      message: 'must be a list of targets',
      hint: 'write each as - kpi: ID',
    });
    return [];
  }
  const ids = new Set(definitions.map((d) => d.id));
  const out: Target[] = [];
  raw.forEach((item, i) => {
    const parsed = TargetSchema.safeParse(item);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const path = issue.path.map((p): PathSegment => (typeof p === 'symbol' ? String(p) : p));
        problems.push({
          path: ['targets', i, ...path],
          message: issue.message,
          hint: 'see src/catalog/tenure.schema.json for the shape of a target',
        });
      }
      return;
    }
    const t = parsed.data;
    if (!ids.has(t.kpi)) {
      problems.push({
        path: ['targets', i, 'kpi'],
        message: `no KPI '${t.kpi}' in the catalog`,
        hint: 'run `tenure catalog`',
      });
      return;
    }
    if ((t.pragmatic === undefined) === (t.rolling_forecast === undefined)) {
      problems.push({
        path: ['targets', i, t.pragmatic === undefined ? 'pragmatic' : 'rolling_forecast'],
        message:
          t.pragmatic === undefined
            ? 'is required'
            : 'a target follows its forecast or holds a pragmatic value, not both',
        hint: 'give pragmatic: VALUE, or rolling_forecast: {horizon: 3, band: 0.8}',
      });
      return;
    }
    if (t.rolling_forecast !== undefined) {
      const why = !isForecastKpi(t.kpi)
        ? `${t.kpi} has no forecast (${FORECAST_KPIS.join(', ')} do)`
        : t.grain !== 'month' || t.rolling !== undefined
          ? 'forecasts are monthly: judge it at grain month, without rolling'
          : t.segment !== undefined
            ? 'forecasts are for the whole company, not one segment'
            : undefined;
      if (why) {
        problems.push({
          path: ['targets', i, 'rolling_forecast'],
          message: why,
          hint: 'give it a pragmatic value instead',
        });
        return;
      }
    }
    if (t.segment !== undefined) {
      try {
        checkFilters([t.segment], undefined);
      } catch (err) {
        if (!(err instanceof TenureError)) throw err;
        problems.push({ path: ['targets', i, 'segment', 'by'], message: err.message, hint: err.hint });
        return;
      }
    }
    for (const [g, guardrail] of (t.guardrails ?? []).entries()) {
      const base = guardrail.kpi.split('.')[0] ?? '';
      const part = guardrail.kpi.slice(base.length + 1).split('.')[0];
      const def = definitions.find((d) => d.id === base);
      if (!def || (part && !(def.also ?? []).includes(part))) {
        problems.push({
          path: ['targets', i, 'guardrails', g, 'kpi'],
          message: `no KPI '${guardrail.kpi}' in the catalog`,
          hint: def
            ? `${base} reports ${(def.also ?? []).map((a) => `${base}.${a}`).join(', ') || 'no parts'}`
            : 'run `tenure catalog`',
        });
      } else if (guardrail.kpi === t.kpi) {
        problems.push({
          path: ['targets', i, 'guardrails', g, 'kpi'],
          message: 'a target cannot be its own guardrail',
          hint: 'name another KPI that gaming this one would move',
        });
      }
    }
    for (const [key, goal] of [
      ['pragmatic', t.pragmatic],
      ['aspirational', t.aspirational],
    ] as const) {
      if (Array.isArray(goal) && goal[0] > goal[1]) {
        problems.push({
          path: ['targets', i, key],
          message: 'a range is [low, high]',
          hint: `swap to [${goal[1]}, ${goal[0]}]`,
        });
      }
    }
    out.push(t);
  });
  return out;
}

/** Whether `value` meets `goal` for a KPI where higher is (or is not) better. */
export function meets(value: number, goal: Goal, higherIsBetter: boolean): boolean {
  if (Array.isArray(goal)) return value >= goal[0] && value <= goal[1];
  return higherIsBetter ? value >= goal : value <= goal;
}

/** How far `value` is from meeting `goal`, relative to the goal's size (0 when it meets it). */
export function shortfall(value: number, goal: Goal, higherIsBetter: boolean): number {
  if (meets(value, goal, higherIsBetter)) return 0;
  const bound = Array.isArray(goal) ? (value < goal[0] ? goal[0] : goal[1]) : goal;
  return Math.abs(value - bound) / Math.max(Math.abs(bound), Number.EPSILON);
}

/**
 * The target against its external benchmark, in words: "3.5% (Recurly, 2024-06); the target asks for better
 * than the benchmark" — or that the benchmark already meets it. Empty without a benchmark.
 */
export function benchmarkNote(
  b: Target['benchmark'],
  pragmatic: Goal | null | undefined,
  unit: string,
  higherIsBetter: boolean,
  money: FormatOptions = {},
): string {
  if (!b) return '';
  if (pragmatic === null || pragmatic === undefined)
    return `${formatValue(b.value, unit, money)} (${b.source}, ${b.date})`;
  const sits = meets(b.value, pragmatic, higherIsBetter)
    ? 'the benchmark already meets the target'
    : 'the target asks for better than the benchmark';
  return `${formatValue(b.value, unit, money)} (${b.source}, ${b.date}); ${sits}`;
}

export function statusOf(
  value: number | null,
  target: Pick<Target, 'pragmatic' | 'tolerance'>,
  higherIsBetter: boolean,
): Status {
  if (value === null || !Number.isFinite(value) || target.pragmatic === undefined) return 'no_data';
  if (meets(value, target.pragmatic, higherIsBetter)) return 'on_track';
  return shortfall(value, target.pragmatic, higherIsBetter) <= target.tolerance ? 'at_risk' : 'off_track';
}

/** A forecast-following target's status: as good as the forecast, within its band, or beyond it. */
export function forecastStatus(
  value: number | null,
  forecast: { readonly value: number; readonly lower: number; readonly upper: number } | null,
  higherIsBetter: boolean,
): Status {
  if (value === null || !Number.isFinite(value) || forecast === null) return 'no_data';
  if (meets(value, forecast.value, higherIsBetter)) return 'on_track';
  return meets(value, higherIsBetter ? forecast.lower : forecast.upper, higherIsBetter)
    ? 'at_risk'
    : 'off_track';
}

export type { Grain };
