// Answers kept per warehouse version: a repeated request for the same data and definitions is served from
// memory without running SQL. The version changes with every load and every change of the catalog, so a
// cached answer is never stale. The cache is bounded by the size of what it keeps (the length of each
// answer's JSON), not only by the number of answers: the least recently used go first, and an answer larger
// than a quarter of the budget is served but not kept. Requests for an answer still being computed wait for
// that computation rather than queueing another.
import { LRUCache } from 'lru-cache';

/** The default budget: 64 million characters of JSON. */
export const DEFAULT_CACHE_CHARS = 64_000_000;

type Compute = () => Promise<unknown>;

export class ResultCache {
  private readonly entries: LRUCache<string, { value: unknown }, Compute>;

  constructor(opts: { maxEntries?: number; maxChars?: number } = {}) {
    const maxSize = opts.maxChars ?? DEFAULT_CACHE_CHARS;
    this.entries = new LRUCache<string, { value: unknown }, Compute>({
      max: opts.maxEntries ?? 1000,
      maxSize,
      maxEntrySize: Math.floor(maxSize / 4),
      sizeCalculation: (entry) => Math.max(1, JSON.stringify(entry.value)?.length ?? 1),
      fetchMethod: async (_key, _stale, { context }) => ({ value: await context() }),
    });
  }

  async get<T>(key: string, compute: () => Promise<T>): Promise<{ value: T; hit: boolean }> {
    const status: LRUCache.Status<string, { value: unknown }, Compute> = {};
    const entry = await this.entries.fetch(key, { context: compute, status });
    // Joining a computation runs no SQL of its own: for this request it is a hit.
    return { value: entry?.value as T, hit: status.fetch === 'hit' || status.fetch === 'inflight' };
  }

  /** How many answers are kept, and the characters of JSON they hold. */
  get size(): number {
    return this.entries.size;
  }

  get chars(): number {
    return this.entries.calculatedSize;
  }
}
