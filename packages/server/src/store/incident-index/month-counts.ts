/**
 * Counts of the incident index per local calendar month, so that the whole months of a brush cost
 * their months and not their incidents (issue #7).
 *
 * A "cell" is one combination of (district, province, category, classification rank) that some
 * entry has had. For every cell the index keeps the number of its entries in the months before
 * bucket k (prefix sums over the months), month by month: `counts[k * width + cell]`; and for every
 * (cell, agency) the report count of the agency in the same form (`reports[k * reportWidth + col]`).
 * A stats query over the months [a, b) reads rows a and b for the cells it matches (and for their
 * agencies), and one row per month of the brush for the timeline: it costs the matching cells x
 * the brush's months, whatever the number of incidents, and reads each row front to back (the rows
 * are month-major so that a query walks memory in order; a cell-major layout was 3x slower than
 * scanning). The partial months at the edges of a brush (`from` and `to` are instants) are scanned
 * from the time-ordered entries by the index (incident-index.ts `sum`).
 *
 * Month bucket k is the instants [starts[k], starts[k + 1]): starts[k] is the first instant of the
 * local month m0 + k in the index's time zone (found from the zone's offset, then checked by a
 * binary search). The caller checks that every entry's time lies in the bucket of its own local
 * month (`bucketOf`) and stops using these counts when one does not: then the buckets are exact
 * whatever the zone does (a change of offset at midnight, a local-mean-time offset with seconds).
 *
 * Memory: (cells + cell-agency pairs) x (months + 1) x 4 bytes (plus 128 bytes per cell), e.g. the
 * API bench's 1,000,000 incidents: 34 districts x 35 categories x 3 ranks = 3,570 cells and 17,850
 * (cell, agency) pairs over 121 months + 12 months of slack: 12.6 MB with the counts without the
 * category the index also keeps (measured by bench/api/index-brush-cost.ts); at most MAX_INTS x 4
 * bytes (else the index scans).
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
  /** Entries of each cell in the months before k: row k (months + 1 rows) of `width` values. */
  counts: Int32Array;
  width: number;
  /** Reports of each (cell, agency) column in the months before k: row k of `reportWidth` values. */
  reports: Int32Array;
  reportWidth: number;
  /** Report columns in use; column j is of cell colCell[j] and agency colAgency[j]. */
  reportCols = 0;
  colCell: Int32Array;
  colAgency: Uint8Array;
  private readonly cellOf = new Map<number, number>();
  /** Rows: months + 1. */
  readonly rows: number;
  /** While building, values are per month (in row k + 1) and `finish` turns them into prefix sums. */
  private building = true;

  /**
   * @param m0 the first month code (year * 12 + month - 1)
   * @param starts months + 1 instants: starts[k] is the first instant of month m0 + k, strictly increasing
   * @param byCategory false: cells by (district, province, rank) only (every category counted as 0)
   */
  constructor(readonly m0: number, readonly starts: Float64Array, readonly byCategory = true) {
    this.rows = starts.length;
    // small at first (the arrays double as cells and columns appear): growth is exercised by small tests too
    const cap = 4;
    this.cellDistrict = new Int16Array(cap);
    this.cellProvince = new Int16Array(cap);
    this.cellCategory = new Uint8Array(cap);
    this.cellRank = new Uint8Array(cap);
    this.cellAgencies = new Uint32Array(cap);
    this.agencyCol = new Int32Array(cap * AGENCY_SLOTS).fill(-1);
    this.width = cap;
    this.reportWidth = cap;
    this.counts = new Int32Array(this.rows * cap);
    this.reports = new Int32Array(this.rows * cap);
    this.colCell = new Int32Array(cap);
    this.colAgency = new Uint8Array(cap);
  }

  get months(): number {
    return this.rows - 1;
  }

  /** Bucket of an entry of local month `month` at instant `t`, or -1 when the month is outside the buckets or `t` outside its month's bucket. */
  bucketOf(month: number, t: number): number {
    const k = month - this.m0;
    if (k < 0 || k >= this.rows - 1) return -1;
    return t >= this.starts[k]! && t < this.starts[k + 1]! ? k : -1;
  }

  bytes(): number {
    return this.counts.byteLength + this.reports.byteLength + this.agencyCol.byteLength + this.colCell.byteLength + this.colAgency.byteLength
      + this.cellDistrict.byteLength * 2 + this.cellCategory.byteLength * 2 + this.cellAgencies.byteLength;
  }

  /** The rows of `a` laid out `width` wide instead of `old` wide (the first `old` columns kept). */
  private widen(a: Int32Array, old: number, width: number): Int32Array {
    if (this.rows * width + (a === this.counts ? this.reports.length : this.counts.length) > MAX_INTS) {
      throw new TooLarge(`${width} columns x ${this.rows} months`);
    }
    const b = new Int32Array(this.rows * width);
    const keep = Math.min(old, width);
    for (let k = 0; k < this.rows; k++) b.set(a.subarray(k * old, k * old + keep), k * width);
    return b;
  }

  private cell(district: number, province: number, category: number, rank: number): number {
    const key = cellKey(district, province, category, rank);
    let c = this.cellOf.get(key);
    if (c !== undefined) return c;
    c = this.cells;
    if (c === this.cellDistrict.length) this.growCells();
    if (c === this.width) {
      this.counts = this.widen(this.counts, this.width, this.width * 2);
      this.width *= 2;
    }
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
    const g = <T extends Int16Array | Uint8Array | Uint32Array | Int32Array>(a: T, n: number, make: (n: number) => T): T => { const b = make(n); b.set(a); return b; };
    this.cellDistrict = g(this.cellDistrict, cap, (n) => new Int16Array(n));
    this.cellProvince = g(this.cellProvince, cap, (n) => new Int16Array(n));
    this.cellCategory = g(this.cellCategory, cap, (n) => new Uint8Array(n));
    this.cellRank = g(this.cellRank, cap, (n) => new Uint8Array(n));
    this.cellAgencies = g(this.cellAgencies, cap, (n) => new Uint32Array(n));
    const cols = new Int32Array(cap * AGENCY_SLOTS).fill(-1);
    cols.set(this.agencyCol);
    this.agencyCol = cols;
  }

  private reportCol(cell: number, agency: number): number {
    const at = cell * AGENCY_SLOTS + agency;
    let col = this.agencyCol[at]!;
    if (col >= 0) return col;
    col = this.reportCols++;
    if (col === this.reportWidth) {
      this.reports = this.widen(this.reports, this.reportWidth, this.reportWidth * 2);
      this.reportWidth *= 2;
    }
    if (col === this.colCell.length) {
      const cc = new Int32Array(col * 2), ca = new Uint8Array(col * 2);
      cc.set(this.colCell);
      ca.set(this.colAgency);
      this.colCell = cc;
      this.colAgency = ca;
    }
    this.colCell[col] = cell;
    this.colAgency[col] = agency;
    this.agencyCol[at] = col;
    this.cellAgencies[cell] = (this.cellAgencies[cell]! | (1 << agency)) >>> 0;
    return col;
  }

  /** Column of (cell, agency) in `reports`, or -1. */
  columnOf(cell: number, agency: number): number {
    return this.agencyCol[cell * AGENCY_SLOTS + agency]!;
  }

  private bump(a: Int32Array, width: number, col: number, k: number, delta: number): void {
    if (this.building) { a[(k + 1) * width + col]! += delta; return; }
    for (let j = (k + 1) * width + col; j < a.length; j += width) a[j]! += delta;
  }

  /**
   * Adds (sign 1) or removes (sign -1) one entry at bucket k: its cell, and its report count per
   * agency (`agencyMask` one report per agency, or `counts` per agency code when given).
   */
  add(k: number, district: number, province: number, category: number, rank: number,
    agencyMask: number, counts: ReadonlyMap<number, number> | undefined, sign: 1 | -1): void {
    const c = this.cell(district, province, this.byCategory ? category : 0, rank);
    this.bump(this.counts, this.width, c, k, sign);
    // the column first: reportCol may widen this.reports
    if (counts === undefined) {
      let m = agencyMask;
      while (m !== 0) {
        const bit = 31 - Math.clz32(m & -m);
        const col = this.reportCol(c, bit);
        this.bump(this.reports, this.reportWidth, col, k, sign);
        m &= m - 1;
      }
    } else {
      for (const [code, n] of counts) {
        const col = this.reportCol(c, code);
        this.bump(this.reports, this.reportWidth, col, k, sign * n);
      }
    }
  }

  /** Ends the bulk build: per-month values become prefix sums (later `add`s keep them so), rows as wide as used. */
  finish(): void {
    if (!this.building) return;
    this.building = false;
    for (const [a, w] of [[this.counts, this.width], [this.reports, this.reportWidth]] as const) {
      for (let j = w; j < a.length; j++) a[j]! += a[j - w]!;
    }
    const cw = Math.max(1, this.cells), rw = Math.max(1, this.reportCols);
    this.counts = this.widen(this.counts, this.width, cw);
    this.width = cw;
    this.reports = this.widen(this.reports, this.reportWidth, rw);
    this.reportWidth = rw;
  }
}
