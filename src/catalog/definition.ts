// The shape of a KPI definition, as data. The schema is the single source of the type (`z.infer`), checks
// the shipped catalog at load and every custom KPI of a project file, and is exported as JSON Schema.
import { z } from 'zod';
import { UNITS } from '../results/format.ts';
import { TABLE_NAMES, TABLES } from '../schema/tables.ts';
import { MetricBodySchema } from './metric-schema.ts';

/**
 * The retention activities of the seed catalog, as ids. The seed has eight headings, but "Retention
 * Strategy" and "Retention Strategies" are one activity spelt twice: its KPIs are under retention_strategies.
 */
export const ACTIVITIES = [
  'customer_value_expansion',
  'retention_campaigns',
  'retention_forecasting',
  'retention_modeling',
  'retention_optimization',
  'retention_programs',
  'retention_strategies',
] as const;
export type Activity = (typeof ACTIVITIES)[number];

/**
 * Which compiler family computes a KPI: its key in the compiler's registry (src/compiler/families.ts, where
 * each family lists its tags and what each means), each tag computed by exactly one family — a test holds
 * every shipped definition to a registered tag. A project's own KPIs are `project_metric`.
 */
export type Computation = string;

export const PARAM_TYPES = [
  'number',
  'integer',
  'string',
  'boolean',
  'enum',
  'string[]',
  'integer[]',
  'number[]',
  'number_map',
] as const;
export type ParamType = (typeof PARAM_TYPES)[number];

const snakeCase = z
  .string()
  .regex(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/, 'must be snake_case: lower-case letters, digits and underscores');

const paramBase = {
  description: z.string().min(1),
};
const bounds = { min: z.number().optional(), max: z.number().optional() };

export const ParamSpecSchema = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('number'), default: z.number(), ...bounds, ...paramBase }),
    z.strictObject({ type: z.literal('integer'), default: z.number().int(), ...bounds, ...paramBase }),
    z.strictObject({ type: z.literal('string'), default: z.string(), ...paramBase }),
    z.strictObject({ type: z.literal('boolean'), default: z.boolean(), ...paramBase }),
    z.strictObject({
      type: z.literal('enum'),
      default: z.string(),
      values: z.array(z.string()).min(1),
      ...paramBase,
    }),
    z.strictObject({ type: z.literal('string[]'), default: z.array(z.string()), ...paramBase }),
    z.strictObject({
      type: z.literal('integer[]'),
      default: z.array(z.number().int()),
      ...bounds,
      ...paramBase,
    }),
    z.strictObject({ type: z.literal('number[]'), default: z.array(z.number()), ...bounds, ...paramBase }),
    /** A number per name (a weight per event); names left out take the KPI's stated fallback. */
    z.strictObject({
      type: z.literal('number_map'),
      default: z.record(z.string(), z.number()),
      ...bounds,
      ...paramBase,
    }),
  ])
  .superRefine((p, ctx) => {
    const problem = paramValueProblem(p, p.default);
    if (problem) ctx.addIssue({ code: 'custom', path: ['default'], message: `default ${problem}` });
  });
export type ParamSpec = z.infer<typeof ParamSpecSchema>;

export const LineageSchema = z
  .strictObject({ table: z.enum(TABLE_NAMES), columns: z.array(z.string()).min(1) })
  .superRefine((l, ctx) => {
    const known = TABLES.get(l.table)?.columns.map((c) => c.name) ?? [];
    l.columns.forEach((c, i) => {
      if (!known.includes(c))
        ctx.addIssue({ code: 'custom', path: ['columns', i], message: `${l.table} has no column '${c}'` });
    });
  });
export type Lineage = z.infer<typeof LineageSchema>;

export const KpiDefinitionSchema = z.strictObject({
  id: snakeCase,
  name: z.string().min(1),
  description: z.string().min(1),
  activity: z.enum(ACTIVITIES),
  kind: z.enum(['leading', 'lagging']),
  unit: z.enum(UNITS),
  higherIsBetter: z.boolean(),
  formula: z.string().min(1),
  params: z.record(snakeCase, ParamSpecSchema),
  lineage: z.array(LineageSchema).min(1),
  /** The value depends on the period's length (compare only at one grain). */
  grainSensitive: z.boolean().optional(),
  /** Restricts the population the KPI is computed over; all customers when absent. */
  population: z.enum(['referred']).optional(),
  version: z.number().int().min(1),
  computation: snakeCase.describe('The compiler family that computes it (src/compiler/families.ts)'),
  /**
   * Secondary outputs reported beside the value (ARPA for MRR, per-step rates for a funnel): each NAME is a
   * result row `ID.NAME`, or rows `ID.NAME.ITEM` for a group (`drop_off_rate.per_step.step_2`). A test holds
   * every family to these names (src/compiler/sub-results.test.ts).
   */
  also: z.array(snakeCase).optional(),
  /** A project metric's body (computation `project_metric`): what the compiler compiles. */
  metric: MetricBodySchema.optional(),
  /**
   * A shipped KPI written in the metric language, with its parameters' defaults: the same results as its
   * family's (src/compiler/sub-results.test.ts computes both ways), for a project to start its own from.
   */
  asMetric: MetricBodySchema.optional(),
});
export type KpiDefinition = z.infer<typeof KpiDefinitionSchema>;

/** Why `value` is not a valid value of the parameter, or undefined when it is. */
export function paramValueProblem(spec: ParamSpec, value: unknown): string | undefined {
  const inRange = (n: number) =>
    'min' in spec && spec.min !== undefined && n < spec.min
      ? `must be ≥ ${spec.min}`
      : 'max' in spec && spec.max !== undefined && n > spec.max
        ? `must be ≤ ${spec.max}`
        : undefined;
  const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  const show = JSON.stringify(value) ?? String(value);
  switch (spec.type) {
    case 'number':
      return isNumber(value) ? inRange(value) : `must be a number, not ${show}`;
    case 'integer':
      return isNumber(value) && Number.isInteger(value)
        ? inRange(value)
        : `must be a whole number, not ${show}`;
    case 'string':
      return typeof value === 'string' ? undefined : `must be a string, not ${show}`;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `must be true or false, not ${show}`;
    case 'enum':
      return typeof value === 'string' && spec.values.includes(value)
        ? undefined
        : `must be one of ${spec.values.join(', ')}, not ${show}`;
    case 'string[]':
      return Array.isArray(value) && value.every((v) => typeof v === 'string')
        ? undefined
        : `must be a list of strings, not ${show}`;
    case 'integer[]':
    case 'number[]': {
      const whole = spec.type === 'integer[]';
      if (!Array.isArray(value) || !value.every((v) => isNumber(v) && (!whole || Number.isInteger(v))))
        return `must be a list of ${whole ? 'whole numbers' : 'numbers'}, not ${show}`;
      for (const v of value as number[]) {
        const problem = inRange(v);
        if (problem) return `items ${problem}`;
      }
      return undefined;
    }
    case 'number_map': {
      if (value === null || typeof value !== 'object' || Array.isArray(value))
        return `must be a map of name to number, not ${show}`;
      for (const [name, v] of Object.entries(value)) {
        const problem = isNumber(v) ? inRange(v) : 'must be a number';
        if (problem) return `${name} ${problem}, not ${JSON.stringify(v)}`;
      }
      return undefined;
    }
  }
}
