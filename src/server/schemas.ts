// JSON Schemas of the API's parameters: Fastify validates every request against them (a bad one is a 400
// naming the field), and the OpenAPI document at /openapi.json is generated from the same schemas.
import { BREAKDOWNS, DIMENSIONS } from '../compiler/dimensions.ts';
import type { SegmentFilter } from '../compiler/filters.ts';
import { GRAINS, type Grain } from '../compiler/periods.ts';

export const kpiId = { type: 'string', pattern: '^[a-z][a-z0-9_]{0,63}$', description: 'a KPI id' } as const;
export const grain = { type: 'string', enum: [...GRAINS], default: 'month' } as const;
/** A calendar day, checked by the same parser as the CLI's (periods.ts), registered as an Ajv format. */
export const day = {
  type: 'string',
  maxLength: 10,
  format: 'tenure-day',
  description: 'a date, YYYY-MM-DD (a real calendar day, 1900 to 2999)',
} as const;
const breakdownPattern = (names: readonly string[]) =>
  `^(${names.join('|')}|attributes\\.[A-Za-z0-9_.:-]{1,80})$`;
export const by = {
  type: 'string',
  maxLength: 100,
  pattern: breakdownPattern(BREAKDOWNS),
  description:
    "a breakdown: a dimension (lifecycle and rfm: the customer's stage or RFM group in each period), or attributes.KEY",
} as const;
/** A breakdown by what a customer is, not by its state in a period: for work without periods. */
export const customerBy = {
  type: 'string',
  maxLength: 100,
  pattern: breakdownPattern(Object.keys(DIMENSIONS)),
  description: "a breakdown by one of the customers' own dimensions, or attributes.KEY",
} as const;
export const asOf = {
  type: 'string',
  maxLength: 40,
  format: 'tenure-instant',
  description:
    'the end of the data to judge windows against, a day or an RFC 3339 timestamp (default: the latest observed timestamp)',
} as const;

const DIMENSION = `(${BREAKDOWNS.join('|')}|attributes\\.[A-Za-z0-9_.-]{1,80})`;
const ONE_FILTER = `${DIMENSION}:[^,:]{1,100}`;
export const filter = {
  type: 'string',
  maxLength: 1000,
  pattern: `^${ONE_FILTER}(,${ONE_FILTER}){0,7}$`,
  description: 'keep only some customers: DIMENSION:VALUE, comma-separated (plan:starter,channel:referral)',
} as const;

/** `plan:starter,channel:referral` as filters (the schema has checked its shape). */
export function parseFilter(text: string | undefined): SegmentFilter[] {
  if (text === undefined) return [];
  return text.split(',').map((f) => {
    const at = f.indexOf(':');
    return { by: f.slice(0, at), value: f.slice(at + 1) };
  });
}

/** The query of a computation over a date range, as the routes read it once validated. */
export interface RangeQuery {
  grain: Grain;
  from: string;
  to: string;
  by?: string;
  filter?: string;
  as_of?: string;
}

/** The query of a computation over a date range. */
export const rangeQuery = {
  type: 'object',
  additionalProperties: false,
  required: ['from', 'to'],
  properties: { grain, from: day, to: day, by, filter, as_of: asOf },
} as const;

export const errorBody = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        field: { type: 'string' },
        hint: { type: 'string' },
      },
    },
  },
} as const;
