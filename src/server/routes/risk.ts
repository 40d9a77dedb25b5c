// Churn risk over the API: the model is trained and every paying customer scored once per warehouse
// version, horizon and as_of (cached); `top` and `sort` only choose which of the scored customers are listed.
import type { FastifyInstance } from 'fastify';
import { parseInstant } from '../../compiler/periods.ts';
import {
  DEFAULT_HORIZON_DAYS,
  RISK_SORTS,
  type RiskSort,
  riskReport,
  scoreCustomers,
  trainRisk,
} from '../../risk/risk.ts';
import type { ServerContext } from '../context.ts';
import { asOf } from '../schemas.ts';

interface RiskQuery {
  top: number;
  sort: RiskSort;
  horizon_days: number;
  as_of?: string;
}

const riskQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    top: { type: 'integer', minimum: 1, maximum: 1000, default: 20, description: 'customers to list' },
    sort: {
      type: 'string',
      enum: [...RISK_SORTS],
      default: 'risk',
      description: 'list the riskiest customers, or those with the most MRR at stake (probability × MRR)',
    },
    horizon_days: {
      type: 'integer',
      minimum: 1,
      maximum: 365,
      default: DEFAULT_HORIZON_DAYS,
      description: 'churn within this many days after the snapshot',
    },
    as_of: asOf,
  },
} as const;

/** The model trained for this horizon and as_of, and the customers it scores: once per warehouse version. */
export function riskModel(ctx: ServerContext, horizonDays: number, asOf: string | undefined) {
  return ctx.cached(JSON.stringify(['risk', horizonDays, asOf ?? null]), async (e) => {
    const trained = await trainRisk(e, {
      horizonDays,
      asOf: asOf === undefined ? undefined : parseInstant(asOf, 'as_of'),
      catalog: ctx.catalog.definitions,
    });
    return { trained, scored: await scoreCustomers(e, trained) };
  });
}

export function riskRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get<{ Querystring: RiskQuery }>(
    '/api/risk',
    {
      schema: {
        summary:
          'Customers most at risk of churning within the horizon: probability, drivers, MRR at stake; the model, its coefficients with intervals, and its AUC and calibration on held-out months against a tenure-only baseline',
        tags: ['models'],
        querystring: riskQuery,
      },
    },
    async (req, reply) => {
      const q = req.query;
      const { value, hit } = await riskModel(ctx, q.horizon_days, q.as_of);
      reply.header('x-tenure-cache', hit ? 'hit' : 'miss');
      return riskReport(value.trained, value.scored, q.top, q.sort);
    },
  );
}
