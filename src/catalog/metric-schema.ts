// The metric language of a project's own KPIs (`metrics:` in tenure.yaml), as data: measures over a canonical
// table, steps (the rows that mark a unit's moment), and the six metric types. The schema checks shapes;
// metric-language.ts checks meaning against the data contract (columns, kinds, references, cycles) and turns
// each metric into a KPI definition whose `metric` holds the body below; src/compiler/metrics compiles it.
import { z } from 'zod';

const snakeCase = z
  .string()
  .regex(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/, 'must be snake_case: lower-case letters, digits and underscores');

/** The aggregations a measure may take; every one but count reads a column. */
export const AGGREGATIONS = ['count', 'count_distinct', 'sum', 'avg', 'min', 'max', 'median'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

/** Which customers' rows a metric counts in a period (see metric-language.ts for each one's meaning). */
export const CUSTOMER_SETS = ['all', 'signed_up', 'subscribed', 'paying'] as const;
export type CustomerSet = (typeof CUSTOMER_SETS)[number];

/** What a conversion or retention metric follows: accounts (customer_id) or users (user_id). */
export const SUBJECTS = ['customer', 'user'] as const;
export type Subject = (typeof SUBJECTS)[number];

const scalar = z.union([z.string(), z.number(), z.boolean()]);

/** A condition on one column: a value (equal), a list (one of), or comparisons. */
export const ConditionSchema = z
  .union([
    scalar,
    z.array(scalar).min(1),
    z
      .strictObject({
        eq: scalar.optional(),
        ne: scalar.optional(),
        in: z.array(scalar).min(1).optional(),
        not_in: z.array(scalar).min(1).optional(),
        gt: z.union([z.number(), z.string()]).optional(),
        gte: z.union([z.number(), z.string()]).optional(),
        lt: z.union([z.number(), z.string()]).optional(),
        lte: z.union([z.number(), z.string()]).optional(),
        is_null: z.boolean().optional(),
      })
      .refine((c) => Object.values(c).some((v) => v !== undefined), 'names no comparison'),
  ])
  .meta({ id: 'MetricCondition' });
export type Condition = z.infer<typeof ConditionSchema>;

/**
 * Rows of a table kept when every column's condition holds: a column of the table, `properties.KEY` of
 * events or `attributes.KEY` of customers (compared as text).
 */
const WhereSchema = z.record(z.string(), ConditionSchema);
export type Where = z.infer<typeof WhereSchema>;

/** The time column that places a row in a period; `none` (customers and users only): in every period. */
const TimeSchema = z.string().min(1);

export const MeasureSchema = z
  .strictObject({
    table: z.string().min(1),
    agg: z.enum(AGGREGATIONS),
    column: z.string().min(1).optional(),
    time: TimeSchema.optional(),
    where: WhereSchema.optional(),
  })
  .meta({ id: 'MetricMeasure' });
export type Measure = z.infer<typeof MeasureSchema>;

/** The rows that mark a unit's moment (a conversion's start and goal, a retention's anchor and activity). */
export const StepSchema = z
  .strictObject({
    table: z.string().min(1),
    time: TimeSchema.optional(),
    where: WhereSchema.optional(),
  })
  .meta({ id: 'MetricStep' });
export type Step = z.infer<typeof StepSchema>;

const customers = z.enum(CUSTOMER_SETS).default('all');
const subject = z.enum(SUBJECTS).default('customer');

/** The type-specific part of a metric, as a KPI definition's `metric` holds it (defaults filled). */
export const MetricBodySchema = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('simple'), customers, measure: MeasureSchema }),
    z.strictObject({
      type: z.literal('ratio'),
      customers,
      numerator: MeasureSchema,
      denominator: MeasureSchema,
      /** The ratio times this (100: per hundred). */
      per: z.number().positive().default(1),
    }),
    z.strictObject({
      type: z.literal('derived'),
      /** Arithmetic (+ − × ÷, parentheses, numbers) over metric and catalog KPI ids. */
      expr: z.string().min(1),
    }),
    z
      .strictObject({
        type: z.literal('cumulative'),
        customers,
        measure: MeasureSchema,
        /** Trailing: the rows of the window_days days ending at the period's end. */
        window_days: z.number().int().min(1).optional(),
        /** To date: the rows from the start of the month, quarter or year holding the period, to its end. */
        to_date: z.enum(['month', 'quarter', 'year']).optional(),
      })
      .refine((m) => (m.window_days === undefined) !== (m.to_date === undefined), {
        message: 'give exactly one of window_days (a trailing window) and to_date (month, quarter or year)',
        path: ['window_days'],
      }),
    z.strictObject({
      type: z.literal('conversion'),
      customers,
      subject,
      from: StepSchema,
      to: StepSchema,
      within_days: z.number().int().min(1),
    }),
    z.strictObject({
      type: z.literal('retention'),
      customers,
      subject,
      anchor: StepSchema,
      active: StepSchema,
      /** Days after the anchor's UTC day where the activity window starts (0: the anchor's own day). */
      day: z.number().int().min(0),
      width_days: z.number().int().min(1).default(1),
    }),
  ])
  .meta({ id: 'MetricBody' });
export type MetricBody = z.infer<typeof MetricBodySchema>;
export type MetricType = MetricBody['type'];

export { snakeCase as metricIdSchema };
