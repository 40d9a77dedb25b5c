// What moving a KPI is worth: the answer `tenure impact --json` prints (MRR, NRR and lifetime value over the
// horizon with and without the move, its interval, the chain of assumptions), cached per warehouse version.
import type { FastifyInstance } from 'fastify';
import { asOfOrDataEnd } from '../../compiler/as-of.ts';
import { priceKpiMove } from '../../goals/impact-baseline.ts';
import { IMPACT_KPIS } from '../../goals/impact-kpis.ts';
import type { ServerContext } from '../context.ts';
import { asOf } from '../schemas.ts';

interface ImpactQuery {
  change: number;
  horizon: number;
  as_of?: string;
}

export function impactRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get<{ Params: { id: string }; Querystring: ImpactQuery }>(
    '/api/kpis/:id/impact',
    {
      schema: {
        summary:
          'What moving a KPI by `change` is worth over `horizon` months: MRR, monthly NRR and customer lifetime value with and without the move, a 95% interval, and the chain of assumptions',
        tags: ['kpis'],
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string', enum: [...IMPACT_KPIS] } },
        },
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['change'],
          properties: {
            change: {
              type: 'number',
              description:
                'the move: points as a fraction (0.05 is +5 points), or money a month for a money KPI',
            },
            horizon: { type: 'integer', minimum: 1, maximum: 60, default: 12 },
            as_of: asOf,
          },
        },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const key = JSON.stringify(['impact', req.params.id, q.change, q.horizon, q.as_of ?? null]);
      const { value, hit } = await ctx.cached(key, async (engine) =>
        priceKpiMove(engine, ctx.catalog, {
          kpi: req.params.id,
          change: q.change,
          horizon: q.horizon,
          asOf: await asOfOrDataEnd(engine, q.as_of),
          money: { currency: ctx.catalog.currency },
        }),
      );
      reply.header('x-tenure-cache', hit ? 'hit' : 'miss');
      return value;
    },
  );
}
