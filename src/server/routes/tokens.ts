// Token management, for admins: list the tokens (never their secrets), create one (shown once) and revoke
// one (it stops working at once).
import type { FastifyInstance } from 'fastify';
import { TenureError } from '../../errors/tenure-error.ts';
import type { Access } from '../access.ts';
import type { ServerContext } from '../context.ts';
import { createToken, listTokens, ROLES, revokeToken } from '../tokens.ts';

export function tokenRoutes(app: FastifyInstance, ctx: ServerContext, access: Access): void {
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
  app.delete<{ Params: { id: string } }>(
    '/api/tokens/:id',
    {
      schema: {
        summary: 'Revoke a token by its id (admin); it stops working at once',
        tags: ['access'],
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string', pattern: '^[0-9a-f]{12}$', description: 'a token id' } },
        },
      },
      config: { role: 'admin' },
    },
    async (req) => {
      const revoked = await ctx.exclusive((e) => revokeToken(e, req.params.id));
      access.forget();
      if (!revoked)
        throw new TenureError('not_found', `no token with the id ${req.params.id}`, {
          where: { field: 'params.id' },
          hint: 'list the tokens with GET /api/tokens',
        });
      return { token_id: req.params.id, revoked: true };
    },
  );
}
