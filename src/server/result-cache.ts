// Answers kept per warehouse version: a repeated request for the same data and definitions is served from
// memory without running SQL. The version changes with every load and every change of the catalog, so a
// cached answer is never stale; the oldest entries go first when the cache is full. Requests for an answer
// still being computed wait for that computation rather than queueing another.
export class ResultCache {
  private readonly entries = new Map<string, unknown>();
  private readonly pending = new Map<string, Promise<unknown>>();

  constructor(private readonly capacity = 1000) {}

  async get<T>(key: string, compute: () => Promise<T>): Promise<{ value: T; hit: boolean }> {
    if (this.entries.has(key)) {
      const value = this.entries.get(key) as T;
      // Re-insert: Map keeps insertion order, so the least recently used entry stays first.
      this.entries.delete(key);
      this.entries.set(key, value);
      return { value, hit: true };
    }
    const running = this.pending.get(key);
    // Joining a computation runs no SQL of its own: for this request it is a hit.
    if (running) return { value: (await running) as T, hit: true };
    const computing = compute();
    this.pending.set(key, computing);
    let value: T;
    try {
      value = await computing;
    } finally {
      this.pending.delete(key);
    }
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return { value, hit: false };
  }

  get size(): number {
    return this.entries.size;
  }
}
