// The analysis plan of one experiment, as a plan file (YAML) or the API's body gives it: what is tested
// (hypothesis, outcomes with the direction each guardrail must not move), on whom (unit, variants and their
// weights), how strongly (minimum detectable effect, alpha, power, planned sample size and end) and how it
// will be analysed (fixed horizon or sequential, CUPED, multiple testing and its scope, segments). One zod
// schema is the type, the check and (through z.toJSONSchema) the JSON Schema editors complete plan files
// with. Fields left out take the defaults below; a registration reports which ones it took.
import { z } from 'zod';
import { GRAINS, isDay } from '../../compiler/periods.ts';
import {
  OUTCOME_METRIC,
  type OutcomeSpec,
  OutcomeSpecSchema,
  outcomeDirection,
  outcomeName,
} from '../outcomes/spec.ts';

/** The defaults of the fields a plan may leave out: the schema's and the documentation's one source. */
export const PLAN_DEFAULTS = {
  unit: 'customer',
  alpha: 0.05,
  power: 0.8,
  analysis: { method: 'fixed_horizon' },
  cuped: { covariate: 'none' },
  multiple_testing: { correction: 'holm', scope: 'within_metric' },
  secondary: [],
  guardrails: [],
  segments: [],
} as const;

const Direction = z.enum(['increase', 'decrease']);
const Day = z.string().refine(isDay, { message: 'must be a calendar day written YYYY-MM-DD' });

export const EXPERIMENT_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$';
const ExperimentId = z
  .string()
  .regex(new RegExp(EXPERIMENT_ID_PATTERN), {
    message: 'an experiment id is letters, digits and _ . : - (at most 100), starting with a letter or digit',
  })
  .describe('The experiment id, as in the experiments and assignments tables');

const outcomeFields = {
  kpi: z
    .string()
    .min(1)
    .optional()
    .describe(
      'A catalog KPI id this outcome reports on; alone, the KPI’s own per-unit outcome is measured (e.g. customer_churn_rate → churned_within 90 days)',
    ),
  outcome: OutcomeSpecSchema.optional().describe(
    'What is measured per customer since exposure: {kind, days, cuped?, direction?, difference?}',
  ),
};

/** An outcome of the plan: a catalog KPI, a per-unit outcome, or both (the outcome measured for the KPI). */
export const OutcomeRefSchema = z
  .strictObject(outcomeFields)
  .describe(
    'A KPI id and/or an outcome: {kpi: customer_churn_rate} or {outcome: {kind: churned_within, days: 90}}',
  );
export type OutcomeRef = z.infer<typeof OutcomeRefSchema>;

const Tolerance = z
  .strictObject({
    value: z.number().min(0).describe('How far the guardrail may move the wrong way before it fails'),
    kind: z
      .enum(['relative', 'absolute'])
      .default('relative')
      .describe('Relative to the control, or in units'),
  })
  .describe('The move the wrong way that is tolerated');

export const GuardrailSchema = z
  .strictObject({
    ...outcomeFields,
    must_not: Direction.optional().describe(
      'The direction this outcome must not move; default: against its good direction',
    ),
    tolerance: Tolerance.default({ value: 0, kind: 'relative' }),
  })
  .describe('An outcome that must not get worse');
export type Guardrail = z.infer<typeof GuardrailSchema>;

const VariantSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/, {
      message: 'a variant name is letters, digits and _ . : - (at most 64), as in assignments.variant',
    })
    .describe('The variant as assignments.variant names it'),
  weight: z.number().positive().max(1).describe('Its planned share of the units; the weights sum to 1'),
});

const AnalysisSchema = z
  .discriminatedUnion('method', [
    z.strictObject({
      method: z.literal('fixed_horizon').describe('One look, at the planned sample size or end'),
    }),
    z.strictObject({
      method: z
        .literal('sequential')
        .describe('Always-valid intervals (Waudby-Smith et al.), safe to watch daily'),
      tuning: z
        .number()
        .positive()
        .default(5000)
        .describe('N*: the sample size at which the confidence sequence is tightest'),
    }),
  ])
  .default(PLAN_DEFAULTS.analysis)
  .describe('fixed_horizon, or sequential with its tuning N*');

export const PlanSchema = z
  .strictObject({
    id: ExperimentId,
    name: z.string().min(1).max(200).describe('A name for people'),
    hypothesis: z.string().min(1).max(4000).describe('What the intervention changes, and by how much'),
    owner: z.string().min(1).max(200).describe('Who answers for the experiment (as targets name owners)'),
    unit: z.literal('customer').default(PLAN_DEFAULTS.unit).describe('What is randomised: customers'),
    primary: OutcomeRefSchema.describe('The outcome the decision rests on'),
    secondary: z.array(OutcomeRefSchema).max(50).default([]).describe('Further outcomes, reported'),
    guardrails: z.array(GuardrailSchema).max(50).default([]).describe('Outcomes that must not get worse'),
    variants: z
      .array(VariantSchema)
      .min(2)
      .max(20)
      .describe('The arms with their planned weights; the first is the control'),
    minimum_detectable_effect: z
      .strictObject({
        value: z.number().positive(),
        kind: z.enum(['relative', 'absolute']).default('relative'),
      })
      .optional()
      .describe('The smallest effect on the primary outcome worth detecting'),
    alpha: z.number().gt(0).max(0.5).default(PLAN_DEFAULTS.alpha).describe('False-positive rate'),
    power: z.number().gt(0).lt(1).default(PLAN_DEFAULTS.power).describe('Chance to detect the MDE'),
    planned_sample_size: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('Units over all arms at the planned end'),
    planned_start: Day.optional().describe('The planned first day of assignment'),
    planned_end: Day.optional().describe('The planned last day of assignment (exclusive)'),
    analysis: AnalysisSchema,
    cuped: z
      .strictObject({
        covariate: z
          .enum(['none', 'pre_exposure_outcome'])
          .describe(
            'pre_exposure_outcome: each outcome over the same number of days before exposure (an outcome’s own cuped: overrides)',
          ),
      })
      .default(PLAN_DEFAULTS.cuped)
      .describe('The CUPED covariate'),
    multiple_testing: z
      .strictObject({
        correction: z.enum(['holm', 'bh', 'none']).default('holm'),
        scope: z
          .enum(['within_metric', 'across_metrics'])
          .default('within_metric')
          .describe('The family: the arms of one outcome, or every arm of every outcome'),
      })
      .default(PLAN_DEFAULTS.multiple_testing)
      .describe('Holm (family-wise) or Benjamini–Hochberg (false discovery rate), and over what'),
    segments: z
      .array(z.string().min(1).max(100))
      .max(10)
      .default([])
      .describe(
        'Breakdowns reported (exploratory): plan, channel, country, referred, signup_cohort, attributes.KEY',
      ),
    target: z
      .strictObject({
        kpi: z.string().min(1),
        segment: z.strictObject({ by: z.string(), value: z.string() }).optional(),
        grain: z.enum(GRAINS).optional(),
      })
      .optional()
      .describe('The target (tenure.yaml targets:) whose action plan this experiment serves'),
  })
  .describe('Tenure experiment plan (pre-registration)');

export type Plan = z.infer<typeof PlanSchema>;
/** A plan as written, before defaults. */
export type PlanInput = z.input<typeof PlanSchema>;

/** Top-level fields with a default, for reporting which ones a plan left out. */
export const DEFAULTED_FIELDS = [
  'unit',
  'secondary',
  'guardrails',
  'alpha',
  'power',
  'analysis',
  'cuped',
  'multiple_testing',
  'segments',
] as const;

/** A field the plan did not give, and the value it took (and from where). */
export interface PlanDefault {
  readonly field: string;
  readonly value: unknown;
  readonly source: string;
}

/** The fields a plan took from PLAN_DEFAULTS because `given` (a plan as written) lacks them. */
export function defaultsTaken(given: Record<string, unknown>): PlanDefault[] {
  return DEFAULTED_FIELDS.filter((f) => given[f] === undefined).map((field) => ({
    field,
    value: PLAN_DEFAULTS[field],
    source: 'default',
  }));
}

/** One outcome of a plan, resolved: its role, its KPI, what is measured and how it is judged. */
export interface PlannedOutcome {
  readonly role: 'primary' | 'secondary' | 'guardrail';
  readonly name: string;
  readonly kpi: string | null;
  /** With the plan's CUPED covariate applied when the outcome does not say. */
  readonly spec: OutcomeSpec;
  /** The direction that is good news. */
  readonly direction: 'increase' | 'decrease';
  /** Guardrails: the direction it must not move and how far it may. */
  readonly must_not?: 'increase' | 'decrease';
  readonly tolerance?: { readonly value: number; readonly kind: 'relative' | 'absolute' };
}

/**
 * The spec an outcome reference measures: its own, else the KPI's per-unit outcome (`kpiOutcome`, from
 * src/experiments/outcomes/spec.ts's defaultOutcomeForKpi); undefined when neither exists.
 */
export function specOf(
  ref: OutcomeRef,
  kpiOutcome: (kpi: string) => OutcomeSpec | undefined,
): OutcomeSpec | undefined {
  return ref.outcome ?? (ref.kpi === undefined ? undefined : kpiOutcome(ref.kpi));
}

/** Every outcome of a plan with the plan's settings applied, primary first; refs that resolve to nothing are left out. */
export function plannedOutcomes(
  plan: Plan,
  kpiOutcome: (kpi: string) => OutcomeSpec | undefined,
): PlannedOutcome[] {
  const cuped = plan.cuped.covariate === 'pre_exposure_outcome';
  const resolve = (ref: OutcomeRef): OutcomeSpec | undefined => {
    const spec = specOf(ref, kpiOutcome);
    if (spec === undefined) return undefined;
    const survival = OUTCOME_METRIC[spec.kind] === 'survival';
    return spec.cuped === undefined && cuped && !survival ? { ...spec, cuped: true } : spec;
  };
  const out: PlannedOutcome[] = [];
  const add = (role: PlannedOutcome['role'], ref: OutcomeRef, extra: Partial<PlannedOutcome> = {}) => {
    const spec = resolve(ref);
    if (spec === undefined) return;
    out.push({
      role,
      name: outcomeName(spec),
      kpi: ref.kpi ?? null,
      spec,
      direction: outcomeDirection(spec),
      ...extra,
    });
  };
  add('primary', plan.primary);
  for (const ref of plan.secondary) add('secondary', ref);
  for (const g of plan.guardrails) {
    const spec = resolve(g);
    const good = spec === undefined ? 'increase' : outcomeDirection(spec);
    add('guardrail', g, {
      must_not: g.must_not ?? (good === 'increase' ? 'decrease' : 'increase'),
      tolerance: g.tolerance,
    });
  }
  return out;
}
