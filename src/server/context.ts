// What every route needs: the warehouse (one statement at a time), the catalog with the project's
// overrides, the result cache and the warehouse's version.
import { createHash } from 'node:crypto';
import type { ResolvedCatalog } from '../catalog/catalog.ts';
import { canonicalJson, definitionHash } from '../catalog/catalog.ts';
import { DEFAULT_PROJECT_FILE } from '../catalog/project-file.ts';
import type { Engine } from '../warehouse/engine.ts';
import { ResultCache } from './result-cache.ts';

export class ServerContext {
  readonly cache = new ResultCache();
  private queue: Promise<unknown> = Promise.resolve();
  private current!: ResolvedCatalog;
  private catalogHash = '';
  private known?: { version: string; at: number };

  constructor(
    private readonly engine: Engine,
    catalog: ResolvedCatalog,
    /** Where editors' changes of parameters and targets are written. */
    readonly projectFile: string = DEFAULT_PROJECT_FILE,
  ) {
    this.catalog = catalog;
  }

  get catalog(): ResolvedCatalog {
    return this.current;
  }

  /** A new catalog (an editor changed the project file): answers cached for the old one are not reused. */
  set catalog(catalog: ResolvedCatalog) {
    const content = [
      ...catalog.definitions.map((d) => definitionHash(d)),
      canonicalJson(catalog.targets ?? []),
      canonicalJson(catalog.tree ?? []),
    ].join('|');
    this.current = catalog;
    this.catalogHash = createHash('sha256').update(content).digest('hex').slice(0, 16);
    this.known = undefined;
  }

  /** Runs work on the warehouse after any work already queued: one connection serves one run at a time. */
  exclusive<T>(work: (engine: Engine) => Promise<T>): Promise<T> {
    const run = this.queue.then(() => work(this.engine));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * The warehouse's version: its latest load and the catalog's definitions. A DuckDB file is locked by the
   * server while it runs, so no other process can load into it: its version is read once. PostgreSQL can be
   * loaded while the server runs: its version is read at most once a second, straight from the pool, so a
   * cached answer never waits behind a long computation in the queue.
   */
  async version(): Promise<string> {
    const now = Date.now();
    const fresh = this.engine.dialect.name === 'duckdb' || now - (this.known?.at ?? 0) < 1000;
    if (this.known && fresh) return this.known.version;
    const read = (e: Engine) => e.query<{ v: number | null }>('SELECT max(load_id) AS v FROM tenure_loads');
    const [row] =
      this.engine.dialect.name === 'duckdb' ? await this.exclusive(read) : await read(this.engine);
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
