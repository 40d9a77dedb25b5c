// Survival and retention models over the API: Kaplan–Meier by segment with RMST and the log-rank test,
// sBG per cohort of first payments, and the churn hazard model — each cached per warehouse version.
import type { FastifyInstance } from 'fastify';
import { asOfOrDataEnd } from '../../compiler/as-of.ts';
import { cohortSbg } from '../../compiler/survival/cohort-sbg.ts';
import { churnHazards } from '../../compiler/survival/hazard-cells.ts';
import { survivalBySegment } from '../../compiler/survival/survival.ts';
import { snakeKeys } from '../../results/json-names.ts';
import type { Engine } from '../../warehouse/engine.ts';
import type { ServerContext } from '../context.ts';
import { asOf, customerBy } from '../schemas.ts';

interface SurvivalQuery {
  by?: string;
  as_of?: string;
  horizon?: number;
}
interface SbgQuery {
  as_of?: string;
  discount?: number;
  periods?: number;
}
interface HazardsQuery {
  as_of?: string;
  level?: number;
}

const query = (properties: Record<string, unknown>) =>
  ({ type: 'object', additionalProperties: false, properties: { as_of: asOf, ...properties } }) as const;

export function survivalRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const route = <Q extends { as_of?: string }, T>(
    path: string,
    summary: string,
    querystring: ReturnType<typeof query>,
    compute: (engine: Engine, q: Q) => Promise<T>,
  ) =>
    app.get<{ Querystring: Q }>(
      path,
      { schema: { summary, tags: ['models'], querystring } },
      async (req, reply) => {
        const { value, hit } = await ctx.cached(JSON.stringify([path, req.query]), async (e) =>
          snakeKeys(await compute(e, req.query as unknown as Q)),
        );
        reply.header('x-tenure-cache', hit ? 'hit' : 'miss');
        return value;
      },
    );

  route<SurvivalQuery, unknown>(
    '/api/survival',
    "Kaplan–Meier survival of customers' first paying spells (months) by segment: curves with intervals, medians, RMST, log-rank",
    query({
      by: customerBy,
      horizon: {
        type: 'integer',
        minimum: 1,
        maximum: 1200,
        description: 'months to which the RMST is taken',
      },
    }),
    async (e, q) =>
      survivalBySegment(e, { by: q.by, asOf: await asOfOrDataEnd(e, q.as_of), horizon: q.horizon }),
  );
  route<SbgQuery, unknown>(
    '/api/sbg',
    'The sBG model per cohort of first payments: alpha, beta with standard errors, projected retention, E(T), DEL, DERL',
    query({
      discount: { type: 'number', exclusiveMinimum: 0, maximum: 100, default: 0.01, description: 'a month' },
      periods: { type: 'integer', minimum: 1, maximum: 1200, default: 12, description: 'months projected' },
    }),
    async (e, q) =>
      cohortSbg(e, { asOf: await asOfOrDataEnd(e, q.as_of), discount: q.discount, projectMonths: q.periods }),
  );
  route<HazardsQuery, unknown>(
    '/api/hazards',
    'The discrete-time churn hazard model on monthly renewal decisions: base hazard per plan, multipliers',
    query({ level: { type: 'number', minimum: 0.5, maximum: 0.9999, default: 0.95 } }),
    async (e, q) => churnHazards(e, { asOf: await asOfOrDataEnd(e, q.as_of), level: q.level }),
  );
}
