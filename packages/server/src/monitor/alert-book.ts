/**
 * The live monitor's alert book: the latest alert per dedup key, as a map split into shards by a
 * hash of the key.
 *
 * Why not one Map: a V8 Map grows by doubling its table and rehashing every entry at once, on the
 * main thread. A rule keyed per incident (category rules) keeps one entry per alert opened within
 * the longest suppression window and a day: at 10,000 events/s that is hundreds of thousands of
 * keys, and each doubling (or a rehash after the pruning deletes) held the event loop 0.3-0.6 s
 * in the live bench (bench/realtime, 2026-11-28: `intake` 364 ms in one stretch of a CPU profile;
 * OrderedHashTable::Rehash under Map.prototype.set in perf). Split in SHARDS maps, a rehash
 * moves a SHARDS-th of the entries, and the shards fill at different moments.
 *
 * Each shard keeps its keys in insertion order, so `pruneWhile` walks each shard from its oldest
 * entry and stops at its first one to keep (as the single map's walk did, shard by shard).
 */
export class ShardedKeyMap<V> {
  static readonly SHARDS = 64;
  private readonly shards: Map<string, V>[] = Array.from({ length: ShardedKeyMap.SHARDS }, () => new Map<string, V>());

  /** FNV-1a of the key's UTF-16 code units, its low bits: the key's shard. */
  private shard(key: string): Map<string, V> {
    let h = 0x811c9dc5;
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
    return this.shards[(h >>> 0) & (ShardedKeyMap.SHARDS - 1)]!;
  }

  get size(): number {
    let n = 0;
    for (const s of this.shards) n += s.size;
    return n;
  }

  get(key: string): V | undefined {
    return this.shard(key).get(key);
  }

  set(key: string, value: V): void {
    this.shard(key).set(key, value);
  }

  /** Sets `key` as the newest entry of its shard (after entries set before), replacing any entry it had. */
  setLast(key: string, value: V): void {
    const s = this.shard(key);
    s.delete(key);
    s.set(key, value);
  }

  delete(key: string): boolean {
    return this.shard(key).delete(key);
  }

  /** Deletes each shard's entries from its oldest on while `drop(value)` holds; stops a shard at its first entry kept. */
  pruneWhile(drop: (value: V) => boolean): void {
    for (const s of this.shards) {
      for (const [key, v] of s) {
        if (!drop(v)) break;
        s.delete(key);
      }
    }
  }
}
