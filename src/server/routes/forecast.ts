// A KPI's forecast: the answer `tenure forecast --json` prints (history, forecast rows with 80% and 95%
// intervals, what the model learnt), cached per warehouse version like every other answer.
import type { FastifyInstance } from 'fastify';
import { parseInstant } from '../../compiler/periods.ts';
import { forecastKpi, MAX_HORIZON } from '../../forecast/forecast.ts';
import type { ServerContext } from '../context.ts';
import { asOf, grain, kpiId } from '../schemas.ts';

interface ForecastQuery {
  horizon: number;
  grain: string;
  as_of?: string;
}

export function forecastRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get<{ Params: { id: string }; Querystring: ForecastQuery }>(
    '/api/kpis/:id/forecast',
    {
      schema: {
        summary:
          'The next months of a churn, retention, MRR or NRR KPI with 80% and 95% intervals, after its history',
        tags: ['kpis'],
        params: { type: 'object', required: ['id'], properties: { id: kpiId } },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            horizon: { type: 'integer', minimum: 1, maximum: MAX_HORIZON, default: 6 },
            grain,
            as_of: asOf,
          },
        },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const key = JSON.stringify(['forecast', req.params.id, q.horizon, q.grain, q.as_of ?? null]);
      const { value, hit } = await ctx.cached(key, (engine) =>
        forecastKpi(engine, {
          kpi: req.params.id,
          horizon: q.horizon,
          grain: q.grain,
          asOf: q.as_of === undefined ? undefined : parseInstant(q.as_of, 'as_of'),
          catalog: ctx.catalog.definitions,
        }),
      );
      reply.header('x-tenure-cache', hit ? 'hit' : 'miss');
      return value;
    },
  );
}
