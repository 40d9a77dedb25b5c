// The built dashboard (dist/web, from web/ by `npm run build`) served at /: its files as they are, and
// index.html for any other page a browser asks for outside /api (a GET that accepts text/html), so a
// copied link such as /kpi/mrr?by=plan opens its view; /favicon.ico is the dashboard's icon. Anything else
// that matches nothing — a script's request, a missing asset, /etc/passwd — keeps the API's JSON 404.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** dist/web beside the built server (dist/server), or under the repository when run from src/server. */
export function dashboardRoot(): string | undefined {
  const here = import.meta.dirname;
  return [join(here, '..', 'web'), join(here, '..', '..', 'dist', 'web')].find((dir) =>
    existsSync(join(dir, 'index.html')),
  );
}

/**
 * Serves the dashboard when it has been built, and returns the fallback for unknown paths: index.html for
 * a browser's page request, undefined (the JSON 404) for everything else.
 */
export async function registerDashboard(
  app: FastifyInstance,
): Promise<(req: FastifyRequest, reply: FastifyReply) => FastifyReply | undefined> {
  const root = dashboardRoot();
  if (root === undefined) return () => undefined;
  // The dashboard's files hold no data: they are public, in a scope of their own so that nothing else is.
  await app.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      route.config = { ...route.config, public: true };
    });
    await scope.register(fastifyStatic, { root, wildcard: true, index: 'index.html', schemaHide: true });
    // index.html links /favicon.svg; a browser or a tool that asks for /favicon.ico gets it too, not a 404.
    scope.get('/favicon.ico', { schema: { hide: true } }, (_req, reply) =>
      reply.type('image/svg+xml').sendFile('favicon.svg'),
    );
  });
  return (req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    const page = req.method === 'GET' && (req.headers.accept ?? '').includes('text/html');
    if (!page || path.startsWith('/api/') || path === '/api') return undefined;
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  };
}
