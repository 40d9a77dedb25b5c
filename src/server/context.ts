// What every route needs: the warehouse (one statement at a time), the catalog with the project's
// overrides, the result cache and the warehouse's version.
import { createHash } from 'node:crypto';
import type { ResolvedCatalog } from '../catalog/catalog.ts';
import { definitionHash } from '../catalog/catalog.ts';
import type { Engine } from '../warehouse/engine.ts';
import { ResultCache } from './result-cache.ts';

export class ServerContext {
  readonly cache = new ResultCache();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly catalogHash: string;
  private known?: { version: string; at: number };

  constructor(
    private readonly engine: Engine,
    readonly catalog: ResolvedCatalog,
  ) {
    const hashes = catalog.definitions.map((d) => definitionHash(d)).join('|');
    this.catalogHash = createHash('sha256').update(hashes).digest('hex').slice(0, 16);
  }

  /** Runs work on the warehouse after any work already queued: one connection serves one run at a time. */
  exclusive<T>(work: (engine: Engine) => Promise<T>): Promise<T> {
    const run = this.queue.then(() => work(this.engine));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * The warehouse's version: its latest load and the catalog's definitions. Read at most once a second, so
   * a burst of cached requests does not queue behind the engine.
   */
  async version(): Promise<string> {
    const now = Date.now();
    if (this.known && now - this.known.at < 1000) return this.known.version;
    const [row] = await this.exclusive((e) =>
      e.query<{ v: number | null }>('SELECT max(load_id) AS v FROM tenure_loads'),
    );
    const version = `${row?.v ?? 0}:${this.catalogHash}`;
    this.known = { version, at: now };
    return version;
  }

  /** A cached answer for `key` at the current version, computed on the engine when missing. */
  async cached<T>(key: string, compute: (engine: Engine) => Promise<T>): Promise<{ value: T; hit: boolean }> {
    const version = await this.version();
    return this.cache.get(`${version}|${key}`, () => this.exclusive(compute));
  }
}
