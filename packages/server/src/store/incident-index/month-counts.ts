/**
 * Counts of the incident index per local calendar month, so that the whole months of a brush cost
 * their months and not their incidents (issue #7).
 *
 * A "cell" is one combination of (district, province, category, classification rank) that some
 * entry has had. For every cell the index keeps, per month bucket, the number of entries as prefix
 * sums over the months (`counts[cell * stride + k]` = entries of the cell in months before k), and
 * for every (cell, agency) the report count of the agency in the same form (`reports`). A stats
 * query over the months [kA, kB) then reads two numbers per cell and per (cell, agency), and one
 * difference per cell and month for the timeline: its cost is cells x months, whatever the number
 * of incidents; the partial months at the edges of a brush (`from` and `to` are instants) are
 * scanned from the time-ordered entries by the index (incident-index.ts `stats`).
 *
 * Month bucket k is the instants [starts[k], starts[k + 1]): starts[k] is the first instant of the
 * local month m0 + k in the index's time zone (found from the zone's offset, then checked by a
 * binary search). The caller checks that every entry's time lies in the bucket of its own local
 * month (`bucketOf`) and stops using these counts when one does not: then the buckets are exact
 * whatever the zone does (a change of offset at midnight, a local-mean-time offset with seconds).
 *
 * Memory: (cells + cell-agency pairs) x (months + 1) x 4 bytes, e.g. 34 districts x 8 categories x
 * 3 ranks x (1 + 1 agency) x 133 months: about 0.9 MB at 1,000,000 incidents over ten years; at most
 * MAX_INTS x 4 bytes (else `build` returns undefined and the index scans).
 */

/** Agencies a cell can count (as the index's bitmask). */
const AGENCY_SLOTS = 32;
/** Largest counts + reports arrays (Int32 values) before the counts are not kept (the index scans). */
export const MAX_INTS = 32 * 1024 * 1024;

/** Cell key of a combination (district and province codes are -1 for unknown, up to 32,767). */
export function cellKey(district: number, province: number, category: number, rank: number): number {
  return (((district + 1) * 65_536 + (province + 1)) * 256 + category) * 16 + rank;
}

export class TooLarge extends Error {}

export class MonthCounts {
  /** Number of cells; cell c has district cellDistrict[c] etc. */
  cells = 0;
  cellDistrict: Int16Array;
  cellProvince: Int16Array;
  cellCategory: Uint8Array;
  cellRank: Uint8Array;
  /** Agencies with a report column in the cell (bitmask). */
  cellAgencies: Uint32Array;
  /** Column in `reports` of (cell, agency) at cell * 32 + agency, or -1. */
  private agencyCol: Int32Array;
  /** Prefix sums per cell over the months: stride (months + 1) values per cell. */
  counts: Int32Array;
  reports: Int32Array;
  private reportCols = 0;
  private readonly cellOf = new Map<number, number>();
  readonly stride: number;
  /** While building, values are per month (at k + 1) and `finish` turns them into prefix sums. */
  private building = true;

  /**
   * @param m0 the first month code (year * 12 + month - 1)
   * @param starts months + 1 instants: starts[k] is the first instant of month m0 + k, strictly increasing
   */
  constructor(readonly m0: number, readonly starts: Float64Array) {
    this.stride = starts.length;
    const cap = 64;
    this.cellDistrict = new Int16Array(cap);
    this.cellProvince = new Int16Array(cap);
    this.cellCategory = new Uint8Array(cap);
    this.cellRank = new Uint8Array(cap);
    this.cellAgencies = new Uint32Array(cap);
    this.agencyCol = new Int32Array(cap * AGENCY_SLOTS).fill(-1);
    this.counts = new Int32Array(cap * this.stride);
    this.reports = new Int32Array(cap * this.stride);
  }

  get months(): number {
    return this.stride - 1;
  }

  /** Bucket of an entry of local month `month` at instant `t`, or -1 when the month is outside the buckets or `t` outside its month's bucket. */
  bucketOf(month: number, t: number): number {
    const k = month - this.m0;
    if (k < 0 || k >= this.stride - 1) return -1;
    return t >= this.starts[k]! && t < this.starts[k + 1]! ? k : -1;
  }

  bytes(): number {
    return this.counts.byteLength + this.reports.byteLength + this.agencyCol.byteLength
      + this.cellDistrict.byteLength * 2 + this.cellCategory.byteLength * 2 + this.cellAgencies.byteLength;
  }

  private cell(district: number, province: number, category: number, rank: number): number {
    const key = cellKey(district, province, category, rank);
    let c = this.cellOf.get(key);
    if (c !== undefined) return c;
    c = this.cells;
    if (c === this.cellDistrict.length) this.growCells();
    this.cells++;
    this.cellOf.set(key, c);
    this.cellDistrict[c] = district;
    this.cellProvince[c] = province;
    this.cellCategory[c] = category;
    this.cellRank[c] = rank;
    return c;
  }

  private growCells(): void {
    const cap = this.cellDistrict.length * 2;
    if (cap * this.stride > MAX_INTS) throw new TooLarge(`${cap} cells x ${this.stride} months`);
    const g = <T extends Int16Array | Uint8Array | Uint32Array | Int32Array>(a: T, n: number, make: (n: number) => T): T => { const b = make(n); b.set(a); return b; };
    this.cellDistrict = g(this.cellDistrict, cap, (n) => new Int16Array(n));
    this.cellProvince = g(this.cellProvince, cap, (n) => new Int16Array(n));
    this.cellCategory = g(this.cellCategory, cap, (n) => new Uint8Array(n));
    this.cellRank = g(this.cellRank, cap, (n) => new Uint8Array(n));
    this.cellAgencies = g(this.cellAgencies, cap, (n) => new Uint32Array(n));
    const cols = new Int32Array(cap * AGENCY_SLOTS).fill(-1);
    cols.set(this.agencyCol);
    this.agencyCol = cols;
    this.counts = g(this.counts, cap * this.stride, (n) => new Int32Array(n));
  }

  private reportCol(cell: number, agency: number): number {
    const at = cell * AGENCY_SLOTS + agency;
    let col = this.agencyCol[at]!;
    if (col >= 0) return col;
    col = this.reportCols++;
    if (col * this.stride >= this.reports.length) {
      const n = this.reports.length * 2;
      if (n + this.counts.length > MAX_INTS) throw new TooLarge(`${this.reportCols} report columns x ${this.stride} months`);
      const b = new Int32Array(n);
      b.set(this.reports);
      this.reports = b;
    }
    this.agencyCol[at] = col;
    this.cellAgencies[cell] = (this.cellAgencies[cell]! | (1 << agency)) >>> 0;
    return col;
  }

  /** Column of (cell, agency) in `reports`, or -1. */
  columnOf(cell: number, agency: number): number {
    return this.agencyCol[cell * AGENCY_SLOTS + agency]!;
  }

  private bump(a: Int32Array, base: number, k: number, delta: number): void {
    if (this.building) { a[base + k + 1]! += delta; return; }
    for (let j = base + k + 1, end = base + this.stride; j < end; j++) a[j]! += delta;
  }

  /**
   * Adds (sign 1) or removes (sign -1) one entry at bucket k: its cell, and its report count per
   * agency (`agencyMask` one report per agency, or `counts` per agency code when given).
   */
  add(k: number, district: number, province: number, category: number, rank: number,
    agencyMask: number, counts: ReadonlyMap<number, number> | undefined, sign: 1 | -1): void {
    const c = this.cell(district, province, category, rank);
    this.bump(this.counts, c * this.stride, k, sign);
    if (counts === undefined) {
      let m = agencyMask;
      while (m !== 0) {
        const bit = 31 - Math.clz32(m & -m);
        this.bump(this.reports, this.reportCol(c, bit) * this.stride, k, sign);
        m &= m - 1;
      }
    } else {
      for (const [code, n] of counts) this.bump(this.reports, this.reportCol(c, code) * this.stride, k, sign * n);
    }
  }

  /** Ends the bulk build: per-month values become prefix sums (later `add`s keep them so). */
  finish(): void {
    if (!this.building) return;
    this.building = false;
    const s = this.stride;
    for (const a of [this.counts, this.reports]) {
      for (let base = 0; base < a.length; base += s) {
        for (let j = base + 1; j < base + s; j++) a[j]! += a[j - 1]!;
      }
    }
  }
}
