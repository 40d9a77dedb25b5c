// What every route needs: the warehouse, the catalog with the project's overrides, the result cache and the
// warehouse's version. Work reaches the warehouse in two lanes, so a cheap request never waits behind a long
// computation: computations (KPI series, views, models) run side by side, up to `parallel` at once, each on
// a connection of its own and stopped after `timeoutMs`; everything else (tokens, alerts, histories,
// editors' changes, the version) runs one at a time on the engine's own connection. Loads into the served
// warehouse (POST /api/loads) take a third lane: they read and check their files beside both, and write
// alone, once the computations running are done and before those asked after (read-write-gate.ts).
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { ResolvedCatalog } from '../catalog/catalog.ts';
import { canonicalJson, definitionHash } from '../catalog/catalog.ts';
import { DEFAULT_PROJECT_FILE } from '../catalog/project-file.ts';
import { TenureError } from '../errors/tenure-error.ts';
import type { Engine } from '../warehouse/engine.ts';
import { engineOf } from '../warehouse/registry.ts';
import { ReadWriteGate } from './read-write-gate.ts';
import { ResultCache } from './result-cache.ts';

/**
 * How long one computation may run before it is stopped (a request may not hold the warehouse longer).
 * Ten minutes: the whole catalog over a year — the overview's first request and the warm-up — takes
 * minutes at a million customers and must finish; what the work budget lets through stays below it.
 */
export const DEFAULT_TIMEOUT_MS = 600_000;

/**
 * How many computations run at once by default: one per core, within what Node's thread pool leaves free.
 * Every DuckDB statement holds one of its threads (UV_THREADPOOL_SIZE, 4 unless set before Node starts)
 * while it runs, and so does a file read: two stay free for the light lane and a load's staging, or a cheap
 * request would wait for a computation's statement after all.
 */
export function defaultParallel(
  cores = availableParallelism(),
  threadPool = Number(process.env.UV_THREADPOOL_SIZE) || 4,
): number {
  return Math.max(1, Math.min(cores, threadPool - 2));
}

/** Runs work one piece at a time, in the order asked. */
class Lane {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work);
    this.tail = run.catch(() => undefined);
    return run;
  }
}

/** How a load's writes wait for their turn (see IngestOptions.turn). */
export type Turn = <T>(write: () => Promise<T>) => Promise<T>;

export class ServerContext {
  readonly cache = new ResultCache();
  private readonly light = new Lane();
  /** Computations read side by side; a load's writes wait for them and hold the next ones back. */
  private readonly gate: ReadWriteGate;
  private readonly loads = new Lane();
  private current!: ResolvedCatalog;
  private catalogHash = '';
  private known?: { version: string; at: number };
  /** Counts the times the version was forgotten, so a read that began before is not kept. */
  private forgotten = 0;

  constructor(
    private readonly engine: Engine,
    catalog: ResolvedCatalog,
    /** Where editors' changes of parameters and targets are written. */
    readonly projectFile: string = DEFAULT_PROJECT_FILE,
    /** How long a computation may run. */
    readonly timeoutMs = DEFAULT_TIMEOUT_MS,
    /** How many computations run at once. */
    parallel = defaultParallel(),
  ) {
    this.gate = new ReadWriteGate(parallel);
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
    this.forgetVersion();
  }

  private forgetVersion(): void {
    this.known = undefined;
    this.forgotten += 1;
  }

  /** Runs quick work (a lookup, a small write) on the engine's connection, after any quick work queued. */
  exclusive<T>(work: (engine: Engine) => Promise<T>): Promise<T> {
    return this.light.run(() => work(this.engine));
  }

  /** How many computations run at once. */
  get parallel(): number {
    return this.gate.readers;
  }

  /** The computations running, whether a load writes, and the work waiting for either. */
  get computing(): { readers: number; writer: boolean; waiting: number } {
    return this.gate.running;
  }

  /**
   * Runs a computation on a connection of its own, beside up to `parallel - 1` others (those asked before
   * it first, and never while a load writes), and stops it after `timeoutMs` from its start with a 503 that
   * says so: no request holds the warehouse for longer.
   */
  compute<T>(work: (engine: Engine) => Promise<T>): Promise<T> {
    return this.gate.read(async () => {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), this.timeoutMs);
      try {
        return await this.engine.isolated(work, controller.signal);
      } catch (err) {
        if (!controller.signal.aborted) throw err;
        throw new TenureError(
          'timeout',
          `the computation took longer than ${this.timeoutMs / 1000} s and was stopped`,
          {
            hint: 'ask for fewer KPIs, periods or segments, or a coarser grain',
            cause: err,
          },
        );
      } finally {
        clearTimeout(timer);
      }
    });
  }

  /**
   * Runs a load, after any load queued. A load staged inside the warehouse itself (the registry's `in-place`
   * load path: DuckDB) has a connection of its own, so reading and checking its files (the long part) runs
   * beside the server's work; other engines stage in a DuckDB of the load's own. Its writes (`turn`:
   * publishing, then the kept rollups) wait for every computation running and hold the next ones back, so
   * no computation reads half a load. The version is read again once the load is over: until then the
   * answers cached for the data before it are still served.
   */
  async load<T>(work: (engine: Engine, turn: Turn) => Promise<T>): Promise<T> {
    const turn: Turn = (write) => this.gate.write(write);
    try {
      return await this.loads.run(() =>
        engineOf(this.engine).loadPath === 'in-place'
          ? this.engine.isolated((e) => work(e, turn))
          : work(this.engine, turn),
      );
    } finally {
      this.forgetVersion();
    }
  }

  /**
   * The warehouse's version: its latest load and the catalog's definitions. A warehouse held by one process
   * (`capabilities.singleProcess`: a DuckDB file, a chDB folder) is loaded only through this server (`load`),
   * which reads the version again after: otherwise it is read once. A server such as PostgreSQL can be
   * loaded by other processes while this one runs: its version is read at most once a second.
   */
  async version(): Promise<string> {
    const now = Date.now();
    const fresh = this.engine.dialect.capabilities.singleProcess || now - (this.known?.at ?? 0) < 1000;
    if (this.known && fresh) return this.known.version;
    const forgotten = this.forgotten;
    const [row] = await this.exclusive((e) =>
      e.query<{ v: number | null }>('SELECT max(load_id) AS v FROM tenure_loads'),
    );
    const version = `${row?.v ?? 0}:${this.catalogHash}`;
    // A load that wrote while this was read makes it stale: the next request reads again.
    if (forgotten === this.forgotten) this.known = { version, at: now };
    return version;
  }

  /** A cached answer for `key` at the current version, computed when missing. */
  async cached<T>(key: string, compute: (engine: Engine) => Promise<T>): Promise<{ value: T; hit: boolean }> {
    const version = await this.version();
    return this.cache.get(`${version}|${key}`, () => this.compute(compute));
  }
}
