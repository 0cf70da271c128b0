/**
 * Results of the store's aggregate reads (stats, counts, map points), kept until the next write.
 *
 * Many dashboard users ask the same questions (the province over the whole range, the same brushed
 * months): without this, twenty identical stats requests each scan the million incidents. With it,
 * identical requests share one computation while it runs (single flight) and its result afterwards,
 * until any call on the store's write connection finishes (`invalidate`). Keys include the whole
 * filter, scope included, so users with different scopes never share an entry; the access decision
 * on the result stays with the caller, per request. Only non-sensitive results are cached (counts
 * and map points: no narrative, no raw record), and every caller gets its own copy.
 *
 * Consistency: an entry is created before its read transaction starts, and `invalidate` runs after
 * a write commits and before the writer's promise resolves; so once a write is seen to complete, no
 * entry from before it is served. At most `capacity` entries, least recently used dropped first.
 */
export class ReadCache {
  private readonly entries = new Map<string, Promise<unknown>>();
  private hitCount = 0;
  private missCount = 0;

  constructor(private readonly capacity = 256) {}

  /** The cached result for `key`, or `compute()` started now and remembered; a failure is not remembered. */
  get<T>(key: string, compute: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key) as Promise<T> | undefined;
    if (hit !== undefined) {
      this.hitCount++;
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.then((v) => structuredClone(v));
    }
    this.missCount++;
    const value = compute();
    this.entries.set(key, value);
    value.catch(() => { if (this.entries.get(key) === value) this.entries.delete(key); });
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    return value.then((v) => structuredClone(v));
  }

  /** Forgets everything: called after each write. */
  invalidate(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  /** Hits and misses since the store opened (for tests and benchmarks). */
  get counters(): { hits: number; misses: number } {
    return { hits: this.hitCount, misses: this.missCount };
  }
}
