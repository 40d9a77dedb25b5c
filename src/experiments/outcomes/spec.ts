// One outcome of an experiment, measured per unit (customer) from its `assigned_at` (exposure): the contract
// between the plan (src/experiments/registry), the warehouse queries that reduce each arm to sufficient
// statistics (src/experiments/outcomes) and the analysis (src/experiments/analysis.ts). Outcomes follow the
// catalog's definitions: "active" is the catalog's active events, "paying" and MRR the subscription log,
// "churned" a paying spell that ended (the churn KPIs' rule), revenue is order revenue plus MRR earned day
// by day (÷ 30.4375, as Revenue Growth counts it), activation the catalog's activation milestone.
//
// Windows are in days since exposure, [assigned_at, assigned_at + days): exact on the subscription log and
// orders, whole UTC days from the day of exposure (day 0) on events, as the catalog's day rollups count. A
// unit whose window has not closed by the as-of time is left out of that outcome (maturity) and counted as
// such; survival outcomes (`time_to_churn`) keep every unit, censored at the as-of time or at `days`. With
// `cuped: true` the CUPED covariate is the same flow over the `days` before exposure, or for an outcome that
// is a state at the window's end (retained on day N, paying, MRR, activated) that state at exposure.
import { z } from 'zod';
import { badInput } from '../../errors/tenure-error.ts';

export const OUTCOME_KINDS = [
  'retained_day',
  'paying_day',
  'churned_within',
  'time_to_churn',
  'mrr_after',
  'revenue_after',
  'activated_within',
  'events_per_unit',
  'sessions_per_unit',
  'ratio',
] as const;
export type OutcomeKind = (typeof OUTCOME_KINDS)[number];

/** What an outcome's value is, for the statistics: a 0/1 proportion, a mean, a ratio of sums, a survival. */
export type OutcomeMetric = 'proportion' | 'mean' | 'ratio' | 'survival';

export const OUTCOME_METRIC: Readonly<Record<OutcomeKind, OutcomeMetric>> = {
  retained_day: 'proportion',
  paying_day: 'proportion',
  churned_within: 'proportion',
  time_to_churn: 'survival',
  mrr_after: 'mean',
  revenue_after: 'mean',
  activated_within: 'proportion',
  events_per_unit: 'mean',
  sessions_per_unit: 'mean',
  ratio: 'ratio',
};

const Days = z.number().int().positive().max(3660);
const EventNames = z.array(z.string().min(1)).min(1);

/** Fields every outcome has. */
const common = {
  /** A label for reports and multiple-testing scope; defaults to outcomeKey(spec), e.g. `churned_within:90`. */
  name: z.string().min(1).optional(),
  /** Length of the window after exposure, in days. */
  days: Days,
  /** Also measure the outcome over the `days` before exposure and use it as the CUPED covariate. */
  cuped: z.boolean().optional(),
  /** The direction that is good news; a guardrail must not move the other way. Default from the kind. */
  direction: z.enum(['increase', 'decrease']).optional(),
  /** Effect reported relative to the control (lift; default) or as a difference. */
  difference: z.enum(['relative', 'absolute']).optional(),
};

/** A per-unit quantity within the window, for the two sides of a ratio outcome. */
export const QuantitySchema = z.strictObject({
  of: z.enum(['revenue', 'orders', 'order_revenue', 'events', 'sessions', 'active_days']),
  /** Only these event names (for `events`, `sessions`, `active_days`). */
  events: EventNames.optional(),
});
export type Quantity = z.infer<typeof QuantitySchema>;

export const OutcomeSpecSchema = z
  .discriminatedUnion('kind', [
    /** 1 when the unit has one of the catalog's active events on day `days` (day 0: the UTC day of exposure). */
    z.strictObject({ kind: z.literal('retained_day'), ...common }),
    /** 1 when the unit pays (MRR > 0 in the subscription log) at assigned_at + `days`. */
    z.strictObject({ kind: z.literal('paying_day'), ...common }),
    /** 1 when a paying spell of the unit ends (churn) within `days` of exposure. */
    z.strictObject({ kind: z.literal('churned_within'), ...common }),
    /**
     * Days from exposure to churn, right-censored at the as-of time or at `days` (the follow-up); reported as
     * Kaplan–Meier curves per arm, the log-rank test and the RMST difference up to `horizon_days` (τ ≤ days;
     * default `days`).
     */
    z.strictObject({ kind: z.literal('time_to_churn'), ...common, horizon_days: Days.optional() }),
    /** MRR in force at assigned_at + `days` (0 when not paying). */
    z.strictObject({ kind: z.literal('mrr_after'), ...common }),
    /** Revenue within `days` of exposure: order revenue plus MRR earned day by day (∫ MRR dt / 30.4375). */
    z.strictObject({ kind: z.literal('revenue_after'), ...common }),
    /**
     * 1 when the unit is activated (the catalog's milestones, each within their window after signup) by
     * assigned_at + `days`.
     */
    z.strictObject({ kind: z.literal('activated_within'), ...common }),
    /** Events per unit within `days` (only the named events when given). */
    z.strictObject({ kind: z.literal('events_per_unit'), ...common, events: EventNames.optional() }),
    /** Sessions per unit within `days` (sessions with one of the named events when given). */
    z.strictObject({ kind: z.literal('sessions_per_unit'), ...common, events: EventNames.optional() }),
    /** Σ numerator / Σ denominator over the arm's units, both within `days` (e.g. revenue per order). */
    z.strictObject({
      kind: z.literal('ratio'),
      ...common,
      numerator: QuantitySchema,
      denominator: QuantitySchema,
    }),
  ])
  .superRefine((spec, ctx) => {
    if (spec.kind === 'time_to_churn' && spec.horizon_days !== undefined && spec.horizon_days > spec.days)
      ctx.addIssue({
        code: 'custom',
        path: ['horizon_days'],
        message: `τ (horizon_days ${spec.horizon_days}) must be at most the follow-up (days ${spec.days})`,
      });
  });
export type OutcomeSpec = z.infer<typeof OutcomeSpecSchema>;

/** The direction that is good news when the plan does not say. */
export function outcomeDirection(spec: OutcomeSpec): 'increase' | 'decrease' {
  if (spec.direction) return spec.direction;
  return spec.kind === 'churned_within' ? 'decrease' : 'increase';
}

/** A stable key: `kind:days`, with the events or ratio parts when present (`ratio:30:revenue/orders`). */
export function outcomeKey(spec: OutcomeSpec): string {
  const parts: string[] = [spec.kind, String(spec.days)];
  if ((spec.kind === 'events_per_unit' || spec.kind === 'sessions_per_unit') && spec.events)
    parts.push(spec.events.join('+'));
  if (spec.kind === 'ratio') {
    const q = (x: Quantity) => (x.events ? `${x.of}[${x.events.join('+')}]` : x.of);
    parts.push(`${q(spec.numerator)}/${q(spec.denominator)}`);
  }
  if (spec.kind === 'time_to_churn' && spec.horizon_days !== undefined && spec.horizon_days !== spec.days)
    parts.push(`tau${spec.horizon_days}`);
  return parts.join(':');
}

export const outcomeName = (spec: OutcomeSpec): string => spec.name ?? outcomeKey(spec);

/**
 * The outcome an experiment judged only on a KPI id (the `experiments.primary_kpi` column) is analysed on;
 * undefined for a KPI with no per-unit counterpart here (the analysis then says so). Windows are the
 * KPI's natural horizon: a quarter for churn and retention, a month for usage, 30 days for activation.
 */
export function defaultOutcomeForKpi(kpiId: string): OutcomeSpec | undefined {
  const make = KPI_DEFAULTS[kpiId];
  return make ? OutcomeSpecSchema.parse(make) : undefined;
}

const KPI_DEFAULTS: Readonly<Record<string, z.input<typeof OutcomeSpecSchema>>> = {
  customer_churn_rate: { kind: 'churned_within', days: 90, direction: 'decrease' },
  referral_churn_rate: { kind: 'churned_within', days: 90, direction: 'decrease' },
  downgrade_to_churn_conversion_rate: { kind: 'churned_within', days: 90, direction: 'decrease' },
  customer_retention_rate: { kind: 'paying_day', days: 90, direction: 'increase' },
  referral_retention_rate: { kind: 'paying_day', days: 90, direction: 'increase' },
  activation_cohort_retention: { kind: 'retained_day', days: 30, direction: 'increase' },
  retained_feature_users: { kind: 'retained_day', days: 30, direction: 'increase' },
  average_customer_lifespan: { kind: 'time_to_churn', days: 365, direction: 'increase' },
  mrr: { kind: 'mrr_after', days: 90, direction: 'increase' },
  revenue_churn_rate: { kind: 'mrr_after', days: 90, direction: 'increase' },
  net_revenue_retention: { kind: 'mrr_after', days: 90, direction: 'increase' },
  expansion_revenue: { kind: 'mrr_after', days: 90, direction: 'increase' },
  revenue_growth: { kind: 'revenue_after', days: 90, direction: 'increase' },
  customer_lifetime_value: { kind: 'revenue_after', days: 365, direction: 'increase' },
  customer_profitability: { kind: 'revenue_after', days: 90, direction: 'increase' },
  activation_milestone_completion: { kind: 'activated_within', days: 30, direction: 'increase' },
  session_frequency: { kind: 'sessions_per_unit', days: 30, direction: 'increase' },
  meaningful_session_frequency: { kind: 'sessions_per_unit', days: 30, direction: 'increase' },
  engagement_rate: { kind: 'retained_day', days: 30, direction: 'increase' },
  engagement_metrics: { kind: 'events_per_unit', days: 30, direction: 'increase' },
  customer_engagement_score: { kind: 'events_per_unit', days: 30, direction: 'increase' },
};

/** The KPI ids defaultOutcomeForKpi knows. */
export const KPIS_WITH_DEFAULT_OUTCOME: readonly string[] = Object.keys(KPI_DEFAULTS);

/**
 * `kind:days` as the command line gives it (`churned_within:90`, `time_to_churn:365`), with an optional
 * third part: `time_to_churn:365:180` (τ), `events_per_unit:30:login+export` (event names). Null when it
 * does not parse; the caller says why.
 */
export function parseOutcomeArg(text: string): OutcomeSpec | null {
  const [kind, days, extra, ...rest] = text.trim().split(':');
  if (rest.length > 0 || !kind || !days || !/^\d+$/.test(days)) return null;
  const raw: Record<string, unknown> = { kind, days: Number(days) };
  if (extra !== undefined) {
    if (kind === 'time_to_churn' && /^\d+$/.test(extra)) raw.horizon_days = Number(extra);
    else if (kind === 'events_per_unit' || kind === 'sessions_per_unit') raw.events = extra.split('+');
    else return null;
  }
  const parsed = OutcomeSpecSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

/**
 * Outcomes written as `kind:days` (`--outcome`, the API's `outcome=`), each parsed by parseOutcomeArg; the
 * first that does not parse is a bad_input naming `field`, the argument and the kinds.
 */
export function parseOutcomeArgs(args: readonly string[], field: string): OutcomeSpec[] {
  return args.map((arg) => {
    const spec = parseOutcomeArg(arg);
    if (!spec)
      throw badInput(
        `outcome '${arg}' is not an outcome this analysis knows`,
        { field },
        `write kind:days, e.g. churned_within:90 (time_to_churn:365:180 for τ, events_per_unit:30:login+export for events); kinds: ${OUTCOME_KINDS.join(', ')}`,
      );
    return spec;
  });
}
