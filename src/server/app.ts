// The HTTP API (and, beside it, the built dashboard): Fastify validates every request against the route's
// JSON Schema, the OpenAPI document is generated from those schemas, and every route asks for a role unless
// it is public (access.ts). Without `requireTokens` (the local demo on loopback) a request without a token
// acts as admin; a token, when given, is always checked.
import helmet from '@fastify/helmet';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { ResolvedCatalog } from '../catalog/catalog.ts';
import { isDay, isInstant } from '../compiler/periods.ts';
import type { Engine } from '../warehouse/engine.ts';
import { Access } from './access.ts';
import { ServerContext } from './context.ts';
import { registerDashboard } from './dashboard.ts';
import { errorReply } from './errors.ts';
import { checkBody, checkQueryNumbers, hostCheck } from './request-guards.ts';
import { catalogRoutes } from './routes/catalog.ts';
import { experimentRoutes } from './routes/experiments.ts';
import { feedbackRoutes } from './routes/feedback.ts';
import { forecastRoutes } from './routes/forecast.ts';
import { goalRoutes } from './routes/goals.ts';
import { healthRoutes } from './routes/health.ts';
import { impactRoutes } from './routes/impact.ts';
import { kpiRoutes } from './routes/kpis.ts';
import { loadRoutes } from './routes/loads.ts';
import { riskRoutes } from './routes/risk.ts';
import { rowsRoutes } from './routes/rows.ts';
import { segmentRoutes } from './routes/segments.ts';
import { survivalRoutes } from './routes/survival.ts';
import { tokenRoutes } from './routes/tokens.ts';
import { viewRoutes } from './routes/views.ts';
import { ensureTokenTable, type Role } from './tokens.ts';

export interface AppOptions {
  readonly engine: Engine;
  readonly catalog: ResolvedCatalog;
  readonly requireTokens: boolean;
  /** The project file editors' changes are written to (default ./tenure.yaml). */
  readonly projectFile?: string;
  /** Fastify's logger: off, or pino's options (`tenure serve` logs errors to stderr). */
  readonly logger?: FastifyServerOptions['logger'];
  /** The address the server listens on, and the Host names it answers for (see hostCheck). */
  readonly host?: string;
  readonly allowedHosts?: readonly string[];
  /** How long one computation may run, in milliseconds. */
  readonly timeoutMs?: number;
  /** How many computations run at once (default: `defaultParallel()`, from the cores). */
  readonly parallel?: number;
  /** Failed token attempts one address may make in a minute (default FAILED_AUTH_LIMIT). */
  readonly failedAuthLimit?: number;
  /** A bearer token that acts as admin while this app runs (`tenure serve` leaves it beside the file). */
  readonly localKey?: string;
  /** Called after each load through the app (POST /api/loads) has landed. */
  readonly afterLoad?: () => void;
}

/** A registered route and what it asks for: `role` (viewer when not given) unless `public`. */
export interface RouteAccess {
  readonly method: string | string[];
  readonly url: string;
  readonly config?: { role?: Role; public?: boolean };
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route the app registered, with its access: what the security tests walk. */
    tenureRoutes: readonly RouteAccess[];
  }
}

/** The dashboard's Content-Security-Policy: its own scripts and styles, nothing framed, no other origin. */
const CSP = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  fontSrc: ["'self'", 'data:'],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  upgradeInsecureRequests: null,
};

export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: 64 * 1024,
    routerOptions: { maxParamLength: 200 },
    // A URL the router cannot read (FST_ERR_BAD_URL) answers in Tenure's error shape like any other.
    frameworkErrors: (err, req, reply) => errorReply(Object.assign(err, { statusCode: 400 }), req, reply),
    // Unknown parameters are refused rather than silently dropped; strings are not coerced into numbers
    // beyond what a schema declares (and request-guards.ts refuses Infinity and exponents before that).
    ajv: {
      customOptions: {
        removeAdditional: false,
        coerceTypes: true,
        allErrors: false,
        formats: { 'tenure-day': isDay, 'tenure-instant': isInstant },
      },
    },
  });
  const routes: RouteAccess[] = [];
  // The route options themselves: a scope that marks its routes public (dashboard.ts) changes them later.
  app.addHook('onRoute', (route) => void routes.push(route as RouteAccess));
  app.decorate('tenureRoutes', routes);
  await ensureTokenTable(opts.engine);
  const ctx = new ServerContext(opts.engine, opts.catalog, opts.projectFile, opts.timeoutMs, opts.parallel);
  const access = new Access({
    requireTokens: opts.requireTokens,
    // A warehouse held by one process (a DuckDB file) is the server's alone: its tokens change only through it.
    rememberTokens: opts.engine.dialect.capabilities.singleProcess,
    lookup: (work) => ctx.exclusive(work),
    failedAuthLimit: opts.failedAuthLimit,
    localKey: opts.localKey,
  });

  await app.register(helmet, {
    contentSecurityPolicy: { directives: CSP },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // A page served over plain HTTP on loopback must not be told to insist on HTTPS.
    strictTransportSecurity: false,
    crossOriginEmbedderPolicy: false,
  });
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

  const checkHost = hostCheck(opts.host ?? '127.0.0.1', () => portOf(app), opts.allowedHosts);
  app.addHook('onRequest', async (req) => {
    checkHost?.(req);
    await access.authorize(req);
  });
  app.addHook('preValidation', async (req) => {
    checkQueryNumbers(req);
    if (req.body !== undefined) checkBody(req.body);
  });

  const dashboardPage = await registerDashboard(app);
  app.setNotFoundHandler(
    (req, reply) =>
      dashboardPage(req, reply) ??
      reply
        .status(404)
        .send({ error: { code: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0]}` } }),
  );

  catalogRoutes(app, ctx);
  kpiRoutes(app, ctx);
  rowsRoutes(app, ctx);
  segmentRoutes(app, ctx);
  forecastRoutes(app, ctx);
  impactRoutes(app, ctx);
  viewRoutes(app, ctx);
  riskRoutes(app, ctx);
  feedbackRoutes(app, ctx);
  healthRoutes(app, ctx);
  loadRoutes(app, ctx, opts.afterLoad);
  survivalRoutes(app, ctx);
  tokenRoutes(app, ctx, access);
  goalRoutes(app, ctx);
  experimentRoutes(app, ctx);
  app.get('/openapi.json', { schema: { hide: true }, config: { public: true } }, async () => app.swagger());
  await app.ready();
  return app;
}

/** The port the server listens on (0 before it listens). */
function portOf(app: FastifyInstance): number {
  const address = app.server.address();
  return typeof address === 'object' && address ? address.port : 0;
}
