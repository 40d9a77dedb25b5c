// What the HTTP API tests share: the same warehouse served twice on loopback — open (no token needed, as
// the local demo) and locked (tokens required) — and a GET that keeps status, body and cache header.
import type { FastifyInstance } from 'fastify';
import { CATALOG } from '../../src/catalog/catalog.ts';
import { startServer } from '../../src/server/serve.ts';
import type { Engine } from '../../src/warehouse/engine.ts';

export type Served = { app: FastifyInstance; url: string };

/** The shipped catalog served on `engine` without and with tokens required. */
export async function serveOpenAndLocked(engine: Engine): Promise<{ open: Served; locked: Served }> {
  const catalog = { definitions: CATALOG, applied: [], custom: [] };
  const open = await startServer({ engine, catalog, host: '127.0.0.1', port: 0 });
  const locked = await startServer({ engine, catalog, host: '127.0.0.1', port: 0, requireTokens: true });
  return { open, locked };
}

/** GET `path`, with a bearer token when given. */
export async function get(base: string, path: string, token?: string) {
  const res = await fetch(`${base}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return {
    status: res.status,
    body: (await res.json()) as Record<string, unknown>,
    cache: res.headers.get('x-tenure-cache'),
  };
}
