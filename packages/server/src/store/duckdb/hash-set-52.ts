/**
 * Keys remembered by a 52-bit hash instead of as strings: the ingest run's keys (pipeline) and the
 * DuckDB store's index of stored source keys and incident ids. A hash hit is only a "maybe": the
 * callers confirm hits against the table; a miss is certain.
 */
/** A 52-bit hash of a key (two FNV-1a style 32-bit lanes): the run remembers keys by hash, not as strings. */
export function hash52(s: string): number {
  let a = 0x811c9dc5, b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  return (a >>> 0) * 0x100000 + ((b >>> 0) & 0xfffff);
}

/**
 * A set of 52-bit hashes in one Float64Array (open addressing, linear probing, load <= 0.7):
 * 5,000,000 keys take 64 MB, where a `Set<number>` takes about 240 MB.
 */
export class HashSet52 {
  private table = new Float64Array(1 << 16);
  private mask = (1 << 16) - 1;
  size = 0;

  has(h: number): boolean {
    const v = h + 1; // 0 marks an empty slot
    for (let i = (h % 0x40000000) & this.mask; ; i = (i + 1) & this.mask) {
      const x = this.table[i]!;
      if (x === v) return true;
      if (x === 0) return false;
    }
  }

  add(h: number): void {
    if ((this.size + 1) > this.table.length * 0.7) this.grow();
    if (this.insert(this.table, this.mask, h + 1)) this.size++;
  }

  private insert(t: Float64Array, mask: number, v: number): boolean {
    for (let i = ((v - 1) % 0x40000000) & mask; ; i = (i + 1) & mask) {
      const x = t[i]!;
      if (x === v) return false;
      if (x === 0) { t[i] = v; return true; }
    }
  }

  private grow(): void {
    const old = this.table;
    this.table = new Float64Array(old.length * 2);
    this.mask = this.table.length - 1;
    for (const v of old) if (v !== 0) this.insert(this.table, this.mask, v);
  }
}

/**
 * Where each stored incident id lives, in the size of a key set (8 bytes a slot; 5,000,000 ids in
 * 67 MB): per id, 41 bits of its 52-bit hash and the *block* of its row's `seq` (seq / 65,536), in
 * one Float64Array (open addressing, linear probing, load <= 0.7). The DuckDB store reads an
 * incident with `seq BETWEEN block * 65,536 AND block * 65,536 + 65,535 AND id = $id`, which
 * DuckDB's zonemaps answer from one or two row groups (rows are appended in seq order).
 * A hit is a "maybe" (41 bits: at 5,000,000 ids a random absent id hits with probability 2.3e-6),
 * so callers confirm it by SQL; a miss is certain. `set` of a present hash replaces its block;
 * there is no delete (a stale entry costs its user a confirming query). Blocks from 4,094 on
 * (seq >= 268,304,384) are kept as UNKNOWN_BLOCK: "present, look it up by a scan" (the largest
 * entry, 4,095 * 2^41 + 2^41 - 1 = 2^53 - 1, is still an exact double).
 */
export class IncidentSeqIndex {
  static readonly BLOCK_SEQS = 65_536;
  static readonly UNKNOWN_BLOCK = 4094;
  private static readonly HASH_SPAN = 2 ** 41;
  private table = new Float64Array(1 << 16);
  private mask = (1 << 16) - 1;
  size = 0;

  /** The block of `h` (UNKNOWN_BLOCK when its seq is too large to keep), undefined when `h` is absent. */
  block(h: number): number | undefined {
    const k = h % IncidentSeqIndex.HASH_SPAN;
    for (let i = (k % 0x40000000) & this.mask; ; i = (i + 1) & this.mask) {
      const x = this.table[i]!;
      if (x === 0) return undefined;
      if (x % IncidentSeqIndex.HASH_SPAN === k) return Math.floor(x / IncidentSeqIndex.HASH_SPAN) - 1;
    }
  }

  has(h: number): boolean {
    return this.block(h) !== undefined;
  }

  /** The seq range of a block: [lo, hi]. */
  static range(block: number): [number, number] {
    return [block * IncidentSeqIndex.BLOCK_SEQS, block * IncidentSeqIndex.BLOCK_SEQS + IncidentSeqIndex.BLOCK_SEQS - 1];
  }

  set(h: number, seq: number): void {
    if ((this.size + 1) > this.table.length * 0.7) this.grow();
    const block = Math.min(Math.floor(seq / IncidentSeqIndex.BLOCK_SEQS), IncidentSeqIndex.UNKNOWN_BLOCK);
    // the stored value is never 0 (the empty mark): the block field is block + 1 >= 1
    if (this.insert(this.table, this.mask, (block + 1) * IncidentSeqIndex.HASH_SPAN + (h % IncidentSeqIndex.HASH_SPAN))) this.size++;
  }

  /** Puts entry x; replaces an entry of the same hash; true when the hash was new. */
  private insert(t: Float64Array, mask: number, x: number): boolean {
    const k = x % IncidentSeqIndex.HASH_SPAN;
    for (let i = (k % 0x40000000) & mask; ; i = (i + 1) & mask) {
      const y = t[i]!;
      if (y === 0) { t[i] = x; return true; }
      if (y % IncidentSeqIndex.HASH_SPAN === k) { t[i] = x; return false; }
    }
  }

  private grow(): void {
    const old = this.table;
    this.table = new Float64Array(old.length * 2);
    this.mask = this.table.length - 1;
    for (const x of old) if (x !== 0) this.insert(this.table, this.mask, x);
  }
}
