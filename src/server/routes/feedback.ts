// Feedback themes over the API: the window's comments grouped into themes with their volume, trend, scores,
// churn against the other comments (95% interval) and MRR at stake, and the backlog; computed once per
// warehouse version, project catalog and as_of (cached).
import type { FastifyInstance } from 'fastify';
import { feedbackReport } from '../../feedback/feedback.ts';
import type { ServerContext } from '../context.ts';
import { asOf } from '../schemas.ts';

interface FeedbackQuery {
  as_of?: string;
}

const feedbackQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { as_of: asOf },
} as const;

export function feedbackRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get<{ Querystring: FeedbackQuery }>(
    '/api/feedback',
    {
      schema: {
        summary:
          'Feedback themes: comments grouped by topic (named by their top terms, or as tenure.yaml names them), each with its volume per month and trend, the NPS and CSAT of those who raise it, the churn within churn_days after their answers against the other comments (difference with a 95% Newcombe interval), the MRR at stake, the KPIs it should move; and the backlog ranked by MRR at stake × excess churn',
        tags: ['models'],
        querystring: feedbackQuery,
      },
    },
    async (req, reply) => {
      const given = req.query.as_of;
      const { value, hit } = await ctx.cached(
        JSON.stringify(['feedback', given ?? null, ctx.catalog.feedback ?? null]),
        (e) =>
          feedbackReport(e, {
            asOf: given,
            config: ctx.catalog.feedback,
            catalog: ctx.catalog.definitions,
          }),
      );
      reply.header('x-tenure-cache', hit ? 'hit' : 'miss');
      return value;
    },
  );
}
