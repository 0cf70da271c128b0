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
 * A map from 52-bit hashes to unsigned 32-bit values (the DuckDB store: incident id hash -> the
 * incident row's `seq`), open addressing with linear probing, load <= 0.7: keys in one
 * Float64Array, values in one Uint32Array (12 bytes a slot; 5,000,000 keys take 100 MB, where the
 * key set alone took 64 MB). `set` of a present key replaces its value; there is no delete (a
 * stale entry costs its user a confirming query). Values above 2^32 - 1 cannot be kept: `set`
 * stores NO_VALUE instead, which `get` returns as "present, position unknown".
 */
export class HashMap52 {
  static readonly NO_VALUE = 0xffffffff;
  private keys = new Float64Array(1 << 16);
  private values = new Uint32Array(1 << 16);
  private mask = (1 << 16) - 1;
  size = 0;

  has(h: number): boolean {
    return this.slot(h) >= 0;
  }

  /** The value of `h`, NO_VALUE when it was too large to keep, undefined when `h` is absent. */
  get(h: number): number | undefined {
    const i = this.slot(h);
    return i < 0 ? undefined : this.values[i]!;
  }

  set(h: number, value: number): void {
    if ((this.size + 1) > this.keys.length * 0.7) this.grow();
    const v = Number.isInteger(value) && value >= 0 && value < HashMap52.NO_VALUE ? value : HashMap52.NO_VALUE;
    if (this.insert(this.keys, this.values, this.mask, h + 1, v)) this.size++;
  }

  private slot(h: number): number {
    const k = h + 1; // 0 marks an empty slot
    for (let i = (h % 0x40000000) & this.mask; ; i = (i + 1) & this.mask) {
      const x = this.keys[i]!;
      if (x === k) return i;
      if (x === 0) return -1;
    }
  }

  /** Puts key k (hash + 1) with value v; true when k was new. */
  private insert(keys: Float64Array, values: Uint32Array, mask: number, k: number, v: number): boolean {
    for (let i = ((k - 1) % 0x40000000) & mask; ; i = (i + 1) & mask) {
      const x = keys[i]!;
      if (x === k) { values[i] = v; return false; }
      if (x === 0) { keys[i] = k; values[i] = v; return true; }
    }
  }

  private grow(): void {
    const oldKeys = this.keys, oldValues = this.values;
    this.keys = new Float64Array(oldKeys.length * 2);
    this.values = new Uint32Array(oldKeys.length * 2);
    this.mask = this.keys.length - 1;
    for (let i = 0; i < oldKeys.length; i++) if (oldKeys[i] !== 0) this.insert(this.keys, this.values, this.mask, oldKeys[i]!, oldValues[i]!);
  }
}
