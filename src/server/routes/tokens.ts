// Token management, for admins: list the tokens (never their secrets) and create one (shown once).
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.ts';
import { createToken, listTokens, ROLES } from '../tokens.ts';

export function tokenRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get(
    '/api/tokens',
    {
      schema: { summary: 'The tokens: id, role, label, created (admin)', tags: ['access'] },
      config: { role: 'admin' },
    },
    async () => ({ tokens: await ctx.exclusive((e) => listTokens(e)) }),
  );
  app.post<{ Body: { role: string; label?: string } }>(
    '/api/tokens',
    {
      schema: {
        summary: 'Create a token; its secret is in this answer only (admin)',
        tags: ['access'],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['role'],
          properties: {
            role: { type: 'string', enum: [...ROLES] },
            label: { type: 'string', maxLength: 200 },
          },
        },
      },
      config: { role: 'admin' },
    },
    async (req, reply) => {
      const token = await ctx.exclusive((e) => createToken(e, req.body.role, req.body.label));
      return reply.status(201).send(token);
    },
  );
}
