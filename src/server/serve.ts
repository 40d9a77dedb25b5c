// Starting the server on a warehouse: tokens are required on any address but loopback.
import type { FastifyInstance } from 'fastify';
import type { ResolvedCatalog } from '../catalog/catalog.ts';
import type { Engine } from '../warehouse/engine.ts';
import { buildApp } from './app.ts';
import { ensureTokenTable } from './tokens.ts';
import { warmUp } from './warm-up.ts';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export interface ServeOptions {
  readonly engine: Engine;
  readonly catalog: ResolvedCatalog;
  /** The project file editors' changes are written to. */
  readonly projectFile?: string;
  readonly host: string;
  readonly port: number;
  /** Ask for tokens even on loopback. */
  readonly requireTokens?: boolean;
  readonly logger?: boolean;
  /** Compute the dashboard overview's first requests in the background once listening. */
  readonly warm?: boolean;
}

export interface Serving {
  app: FastifyInstance;
  url: string;
  /** The warm-up (settled when there is none): wait for it before closing the warehouse. */
  warmed: Promise<void>;
}

export async function startServer(opts: ServeOptions): Promise<Serving> {
  await ensureTokenTable(opts.engine);
  const requireTokens = opts.requireTokens === true || !LOOPBACK.has(opts.host);
  const app = await buildApp({
    engine: opts.engine,
    catalog: opts.catalog,
    projectFile: opts.projectFile,
    requireTokens,
    logger: opts.logger,
  });
  await app.listen({ host: opts.host, port: opts.port });
  // Without tokens only: the warm-up's requests carry none. A failure here is the first visit's to report.
  const warmed = opts.warm && !requireTokens ? warmUp(app).catch(() => undefined) : Promise.resolve();
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return { app, url: `http://${host}:${port}`, warmed };
}
