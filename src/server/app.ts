// The HTTP API (and, beside it, the built dashboard): Fastify validates every request against the route's
// JSON Schema, the OpenAPI document is generated from those schemas, and every route under /api asks for a
// role. Without `requireTokens` (the local demo on loopback) a request without a token acts as admin; a
// token, when given, is always checked.
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import type { ResolvedCatalog } from '../catalog/catalog.ts';
import { TenureError } from '../errors/tenure-error.ts';
import type { Engine } from '../warehouse/engine.ts';
import { ServerContext } from './context.ts';
import { registerDashboard } from './dashboard.ts';
import { errorReply } from './errors.ts';
import { catalogRoutes } from './routes/catalog.ts';
import { forecastRoutes } from './routes/forecast.ts';
import { goalRoutes } from './routes/goals.ts';
import { healthRoutes } from './routes/health.ts';
import { kpiRoutes } from './routes/kpis.ts';
import { riskRoutes } from './routes/risk.ts';
import { survivalRoutes } from './routes/survival.ts';
import { tokenRoutes } from './routes/tokens.ts';
import { viewRoutes } from './routes/views.ts';
import { allows, type Role, roleOf } from './tokens.ts';

export interface AppOptions {
  readonly engine: Engine;
  readonly catalog: ResolvedCatalog;
  readonly requireTokens: boolean;
  /** The project file editors' changes are written to (default ./tenure.yaml). */
  readonly projectFile?: string;
  readonly logger?: boolean;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The least role a route asks for (viewer when not given). */
    role?: Role;
  }
}

const BEARER = /^Bearer ([A-Za-z0-9_-]{1,200})$/;

export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: 64 * 1024,
    routerOptions: { maxParamLength: 200 },
    // Unknown parameters are refused rather than silently dropped; strings are not coerced into numbers
    // beyond what a schema declares.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: true, allErrors: false } },
  });
  const ctx = new ServerContext(opts.engine, opts.catalog, opts.projectFile);
  const roles = new Map<string, { role: Role | undefined; at: number }>();

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Tenure API',
        version: '1',
        description: 'Retention KPIs defined once, computed from one copy of the data.',
      },
      components: { securitySchemes: { token: { type: 'http', scheme: 'bearer' } } },
      security: [{ token: [] }],
    },
  });
  app.setErrorHandler(errorReply);
  const dashboardPage = await registerDashboard(app);
  app.setNotFoundHandler(
    (req, reply) =>
      dashboardPage(req, reply) ??
      reply
        .status(404)
        .send({ error: { code: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0]}` } }),
  );

  app.addHook('onRequest', async (req) => {
    if (!req.url.startsWith('/api/')) return;
    const header = req.headers.authorization;
    let role: Role | undefined;
    if (header === undefined) {
      if (opts.requireTokens) {
        throw new TenureError('unauthorized', 'this server needs a token', {
          hint: 'send the header Authorization: Bearer TOKEN (create one with `tenure token create --role viewer`)',
        });
      }
      role = 'admin';
    } else {
      const token = BEARER.exec(header)?.[1];
      const known = token === undefined ? undefined : roles.get(token);
      role = known && Date.now() - known.at < 60_000 ? known.role : undefined;
      if (token !== undefined && role === undefined) {
        role = await ctx.exclusive((e) => roleOf(e, token));
        roles.set(token, { role, at: Date.now() });
      }
      if (role === undefined) {
        throw new TenureError('unauthorized', 'the token is not known', {
          hint: 'check the token, or create one',
        });
      }
    }
    const needed = req.routeOptions.config.role ?? 'viewer';
    if (!allows(role, needed)) {
      throw new TenureError('forbidden', `this needs the ${needed} role; the token has ${role}`, {
        hint: `ask an admin for a token with the ${needed} role`,
      });
    }
  });

  catalogRoutes(app, ctx);
  kpiRoutes(app, ctx);
  forecastRoutes(app, ctx);
  viewRoutes(app, ctx);
  riskRoutes(app, ctx);
  healthRoutes(app, ctx);
  survivalRoutes(app, ctx);
  tokenRoutes(app, ctx);
  goalRoutes(app, ctx);
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.ready();
  return app;
}
