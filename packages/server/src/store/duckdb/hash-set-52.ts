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
 * Where each stored incident id lives: its 52-bit hash (one Float64Array, as HashSet52) and its
 * row's `seq` (a Uint32Array beside it): 12 bytes a slot, open addressing, linear probing, load
 * <= 0.7 (5,000,000 ids in 101 MB; it kept only the seq *block*, seq / 65,536, in 2 bytes, 84 MB,
 * until the incident detail read showed the cost of the block: issue #7). The DuckDB store reads
 * an incident with `seq = $seq AND id = $id` (about 2 ms of CPU at 1,000,000 incidents, against
 * about 5 ms for the block's `seq BETWEEN block * 65,536 AND block * 65,536 + 65,535 AND id = $id`;
 * DuckDB's zonemaps answer both from one or two row groups, rows being appended in seq order), and tells
 * by it whether a source key's own incident (`incidentIdFor(key)`) exists (see the store's
 * `sources()`). A hit is a "maybe" confirmed by SQL; a miss is certain. `set` of a present hash
 * replaces its seq; there is no delete (a stale entry costs its user a confirming query).
 * Seqs from 4,294,967,295 on are kept as UNKNOWN_SEQ, and blocks from 65,535 on (seq >=
 * 4,294,901,760) are reported as UNKNOWN_BLOCK: "present, look it up by a scan".
 */
export class IncidentSeqIndex {
  static readonly BLOCK_SEQS = 65_536;
  static readonly UNKNOWN_BLOCK = 65_535;
  static readonly UNKNOWN_SEQ = 0xffff_ffff;
  private keys = new Float64Array(1 << 16);
  private seqs = new Uint32Array(1 << 16);
  private mask = (1 << 16) - 1;
  size = 0;

  /** The block of `h` (UNKNOWN_BLOCK when its seq is too large to keep), undefined when `h` is absent. */
  block(h: number): number | undefined {
    const seq = this.seq(h);
    return seq === undefined ? undefined : Math.min(Math.floor(seq / IncidentSeqIndex.BLOCK_SEQS), IncidentSeqIndex.UNKNOWN_BLOCK);
  }

  /** The seq of `h` (UNKNOWN_SEQ when it is too large to keep), undefined when `h` is absent. */
  seq(h: number): number | undefined {
    const k = h + 1; // 0 marks an empty slot
    for (let i = (h % 0x40000000) & this.mask; ; i = (i + 1) & this.mask) {
      const x = this.keys[i]!;
      if (x === k) return this.seqs[i]!;
      if (x === 0) return undefined;
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
    if ((this.size + 1) > this.keys.length * 0.7) this.grow();
    const kept = Math.min(seq, IncidentSeqIndex.UNKNOWN_SEQ);
    if (this.insert(this.keys, this.seqs, this.mask, h + 1, kept)) this.size++;
  }

  /** Puts key k (hash + 1) with its seq; replaces the seq of a present key; true when k was new. */
  private insert(keys: Float64Array, seqs: Uint32Array, mask: number, k: number, seq: number): boolean {
    for (let i = ((k - 1) % 0x40000000) & mask; ; i = (i + 1) & mask) {
      const x = keys[i]!;
      if (x === k) { seqs[i] = seq; return false; }
      if (x === 0) { keys[i] = k; seqs[i] = seq; return true; }
    }
  }

  private grow(): void {
    const oldKeys = this.keys, oldSeqs = this.seqs;
    this.keys = new Float64Array(oldKeys.length * 2);
    this.seqs = new Uint32Array(oldKeys.length * 2);
    this.mask = this.keys.length - 1;
    for (let i = 0; i < oldKeys.length; i++) if (oldKeys[i] !== 0) this.insert(this.keys, this.seqs, this.mask, oldKeys[i]!, oldSeqs[i]!);
  }
}
