// Who may do what. Authorization is decided on the route the router matched — never on the text of the
// URL, which the router decodes (/%61pi/tokens is /api/tokens) — and is denied by default: every route asks
// for a viewer unless it declares a greater role (`config.role`) or says it is public (`config.public`:
// the dashboard's files and the API's description, which hold no data). Requests for no route at all
// reach the not-found handler, which serves only the dashboard's page or a 404.
//
// Tokens: only known tokens are remembered (a bounded least-recently-used map of their hashes), so random
// tokens cost memory no longer than their request; failed attempts are counted per client address, and an
// address with too many in a minute is refused for the rest of it (429). A token revoked through this
// server is forgotten at once; on PostgreSQL, which other processes change, tokens are not remembered at all.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import { TenureError } from '../errors/tenure-error.ts';
import type { Engine } from '../warehouse/engine.ts';
import { allows, type Role, roleOfHash } from './tokens.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The least role a route asks for (viewer when not given). */
    role?: Role;
    /** Served to anyone, tokens or not: it holds no data. */
    public?: boolean;
  }
}

const BEARER = /^Bearer ([A-Za-z0-9_-]{1,200})$/;
/** Failed attempts an address may make in a window before it is refused for the rest of the window. */
export const FAILED_AUTH_LIMIT = 20;
const WINDOW_MS = 60_000;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export interface AccessOptions {
  /** Without it (the local demo on loopback) a request without a token acts as admin. */
  readonly requireTokens: boolean;
  /** Whether tokens may be remembered between requests (only this server changes them). */
  readonly rememberTokens: boolean;
  /** Runs a token lookup on the warehouse. */
  readonly lookup: <T>(work: (engine: Engine) => Promise<T>) => Promise<T>;
  /** Failed attempts an address may make in a minute (default FAILED_AUTH_LIMIT). */
  readonly failedAuthLimit?: number;
  /** A token known without the warehouse, acting as admin (the key `tenure serve` leaves beside its file). */
  readonly localKey?: string;
}

export class Access {
  private readonly known = new LRUCache<string, Role>({ max: 10_000 });
  private readonly failures = new LRUCache<string, { count: number; since: number }>({ max: 50_000 });
  private readonly localKeyHash?: Buffer;

  constructor(private readonly opts: AccessOptions) {
    if (opts.localKey !== undefined) this.localKeyHash = Buffer.from(sha256(opts.localKey), 'hex');
  }

  /** Checks the request against its route's role; throws 401, 403 or 429. */
  async authorize(req: FastifyRequest): Promise<void> {
    const config = req.routeOptions.config;
    // The not-found handler serves the dashboard's page or a 404: nothing behind a role.
    if (config.public === true || req.is404) return;
    const role = await this.roleOf(req);
    const needed = config.role ?? 'viewer';
    if (!allows(role, needed)) {
      throw new TenureError('forbidden', `this needs the ${needed} role; the token has ${role}`, {
        hint: `ask an admin for a token with the ${needed} role`,
      });
    }
  }

  /** Forgets every remembered token (after a token is revoked). */
  forget(): void {
    this.known.clear();
  }

  /** How many tokens are remembered (only known ones are). */
  get remembered(): number {
    return this.known.size;
  }

  private async roleOf(req: FastifyRequest): Promise<Role> {
    const header = req.headers.authorization;
    if (header === undefined && !this.opts.requireTokens) return 'admin';
    this.refuseIfLimited(req.ip);
    const token = header === undefined ? undefined : BEARER.exec(header)?.[1];
    const hash = token === undefined ? undefined : sha256(token);
    if (hash !== undefined && this.isLocalKey(hash)) return 'admin';
    let role = hash === undefined ? undefined : this.known.get(hash);
    if (hash !== undefined && role === undefined) {
      role = await this.opts.lookup((e) => roleOfHash(e, hash));
      if (role !== undefined && this.opts.rememberTokens) this.known.set(hash, role);
    }
    if (role !== undefined) return role;
    // A wrong token is a guess; a missing one is a page opened before its token was entered.
    if (header !== undefined) this.countFailure(req.ip);
    throw header === undefined
      ? new TenureError('unauthorized', 'this server needs a token', {
          hint: 'send the header Authorization: Bearer TOKEN (create one with `tenure token create --role viewer`)',
        })
      : new TenureError('unauthorized', 'the token is not known', { hint: 'check the token, or create one' });
  }

  private isLocalKey(hash: string): boolean {
    return this.localKeyHash !== undefined && timingSafeEqual(Buffer.from(hash, 'hex'), this.localKeyHash);
  }

  private refuseIfLimited(address: string): void {
    const seen = this.failures.get(address);
    const limit = this.opts.failedAuthLimit ?? FAILED_AUTH_LIMIT;
    if (!seen || Date.now() - seen.since >= WINDOW_MS || seen.count < limit) return;
    const wait = Math.ceil((seen.since + WINDOW_MS - Date.now()) / 1000);
    throw new TenureError(
      'rate_limited',
      `too many failed attempts from ${address}; try again in ${wait} s`,
      {
        hint: 'check the token you send',
      },
    );
  }

  private countFailure(address: string): void {
    const seen = this.failures.get(address);
    const now = Date.now();
    if (!seen || now - seen.since >= WINDOW_MS) this.failures.set(address, { count: 1, since: now });
    else seen.count += 1;
  }
}
