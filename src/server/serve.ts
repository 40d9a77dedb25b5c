// Starting the server on a warehouse: tokens are required on any address but loopback; a server on loopback
// answers only for loopback host names (request-guards.ts), and one elsewhere for the names it is given.
import type { FastifyInstance } from 'fastify';
import type { ResolvedCatalog } from '../catalog/catalog.ts';
import type { Engine } from '../warehouse/engine.ts';
import { type AppOptions, buildApp } from './app.ts';
import { warmUp } from './warm-up.ts';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** The log of `tenure serve` and `npm start`: failures answered with a 500, with their request id, on stderr. */
export const SERVER_LOG = { level: 'error', stream: process.stderr } as const;

export interface ServeOptions {
  readonly engine: Engine;
  readonly catalog: ResolvedCatalog;
  /** The project file editors' changes are written to. */
  readonly projectFile?: string;
  readonly host: string;
  readonly port: number;
  /** Ask for tokens even on loopback. */
  readonly requireTokens?: boolean;
  /** The Host names the server answers for (default: loopback's names on loopback, any elsewhere). */
  readonly allowedHosts?: readonly string[];
  readonly logger?: AppOptions['logger'];
  /** How long one computation may run, in milliseconds. */
  readonly timeoutMs?: number;
  /** How many computations run at once. */
  readonly parallel?: number;
  /** Failed token attempts one address may make in a minute. */
  readonly failedAuthLimit?: number;
  /** Compute the dashboard overview's first requests in the background once listening, and after each load. */
  readonly warm?: boolean;
  /** A bearer token that acts as admin while the server runs (see src/warehouse/serving-note.ts). */
  readonly localKey?: string;
}

export interface Serving {
  app: FastifyInstance;
  url: string;
  /** The latest warm-up (settled when there is none): wait for it before closing the warehouse. */
  warmed: Promise<void>;
}

export async function startServer(opts: ServeOptions): Promise<Serving> {
  const requireTokens = opts.requireTokens === true || !LOOPBACK.has(opts.host);
  // Without tokens only: the warm-up's requests carry none. A failure here is the first visit's to report.
  const warming = opts.warm && !requireTokens;
  let warm = (): Promise<void> => Promise.resolve();
  const app = await buildApp({
    engine: opts.engine,
    catalog: opts.catalog,
    projectFile: opts.projectFile,
    requireTokens,
    logger: opts.logger,
    host: opts.host,
    allowedHosts: opts.allowedHosts,
    timeoutMs: opts.timeoutMs,
    parallel: opts.parallel,
    failedAuthLimit: opts.failedAuthLimit,
    localKey: opts.localKey,
    // A load changes every answer: the overview's are computed again before the next visit asks.
    afterLoad: () => void warm(),
  });
  await app.listen({ host: opts.host, port: opts.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  let warmed = Promise.resolve();
  if (warming) warm = () => (warmed = warmUp(app, `${host}:${port}`).catch(() => undefined));
  void warm();
  return {
    app,
    url: `http://${host}:${port}`,
    get warmed() {
      return warmed;
    },
  };
}
