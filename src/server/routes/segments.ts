// The segments a filter can choose from: the values a customer dimension takes (plan, channel, country,
// referred, signup cohort, or a key of the attributes), most customers first. What the dashboard's filter
// lists offer; cached per warehouse version.
import type { FastifyInstance } from 'fastify';
import { segmentSql } from '../../compiler/dimensions.ts';
import { SqlParams } from '../../warehouse/sql-builder.ts';
import type { ServerContext } from '../context.ts';
import { customerBy } from '../schemas.ts';

/** The most values listed; a dimension with more says it was cut. */
const MAX_VALUES = 500;

export function segmentRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get<{ Querystring: { by: string } }>(
    '/api/segments',
    {
      schema: {
        summary: `The values a customer dimension takes, with their customers, most first (at most ${MAX_VALUES})`,
        tags: ['kpis'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['by'],
          properties: { by: customerBy },
        },
      },
    },
    async (req, reply) => {
      const { by } = req.query;
      const { value, hit } = await ctx.cached(JSON.stringify(['segments', by]), async (engine) => {
        const params = new SqlParams(engine.dialect);
        const rows = await engine.query(
          `SELECT ${segmentSql(by, params)} AS segment, count(*) AS customers FROM customers cu
           GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ${MAX_VALUES + 1}`,
          params.values,
        );
        return rows.map((r) => ({ value: String(r.segment), customers: Number(r.customers) }));
      });
      reply.header('x-tenure-cache', hit ? 'hit' : 'miss');
      return { by, values: value.slice(0, MAX_VALUES), truncated: value.length > MAX_VALUES };
    },
  );
}
