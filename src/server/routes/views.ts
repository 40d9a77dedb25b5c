// The analyst views over the API: MRR bridge, signup-cohort matrices, activation cohorts' day-N
// retention, user lifecycle and funnel steps — each cached per warehouse version.
import type { FastifyInstance } from 'fastify';
import { dataAsOf } from '../../compiler/as-of.ts';
import { periodsBetween } from '../../compiler/periods.ts';
import { activationCohorts } from '../../compiler/views/activation-cohorts.ts';
import { cohortMatrix } from '../../compiler/views/cohort-matrix.ts';
import { funnelSteps } from '../../compiler/views/funnel.ts';
import { userLifecycle } from '../../compiler/views/lifecycle.ts';
import { mrrBridge } from '../../compiler/views/mrr-bridge.ts';
import type { Engine } from '../../warehouse/engine.ts';
import type { ServerContext } from '../context.ts';
import { type RangeQuery, rangeQuery } from '../schemas.ts';

const asOfOf = async (engine: Engine, q: RangeQuery) =>
  q.as_of ?? (await dataAsOf(engine)) ?? new Date().toISOString();

export function viewRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const view = <T>(path: string, summary: string, compute: (engine: Engine, q: RangeQuery) => Promise<T>) =>
    app.get<{ Querystring: RangeQuery }>(
      `/api/views/${path}`,
      { schema: { summary, tags: ['views'], querystring: rangeQuery } },
      async (req, reply) => {
        const { value, hit } = await ctx.cached(JSON.stringify([path, req.query]), (e) =>
          compute(e, req.query),
        );
        reply.header('x-tenure-cache', hit ? 'hit' : 'miss');
        return { ...req.query, rows: value };
      },
    );

  view(
    'mrr-bridge',
    'The MRR bridge per period: start, new, reactivation, expansion, contraction, churn, end',
    (e, q) => mrrBridge(e, periodsBetween(q.from, q.to, q.grain)),
  );
  view(
    'signup-cohorts',
    'Signup-cohort matrices by month: customers, MRR, cumulative revenue, realised LTV',
    async (e, q) => cohortMatrix(e, { from: q.from, to: q.to, by: q.by, asOf: await asOfOf(e, q) }),
  );
  view(
    'activation-cohorts',
    'Activation cohorts: day-N retention (on day N), size-weighted averages',
    async (e, q) =>
      activationCohorts(e, {
        periods: periodsBetween(q.from, q.to, q.grain),
        by: q.by,
        asOf: await asOfOf(e, q),
      }),
  );
  view('lifecycle', 'Users per period: new, returning, resurrecting, dormant', (e, q) =>
    userLifecycle(e, { periods: periodsBetween(q.from, q.to, q.grain), grain: q.grain, by: q.by }),
  );
  view('funnel', 'Funnel steps per period: started, censored, reached at each step', async (e, q) =>
    funnelSteps(e, { periods: periodsBetween(q.from, q.to, q.grain), by: q.by, asOf: await asOfOf(e, q) }),
  );
}
