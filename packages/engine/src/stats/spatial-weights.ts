/**
 * Spatial weights as compressed sparse rows (CSR): who is whose neighbour, and with what weight.
 *
 * Answers: "which cells form the neighbourhood of cell i?" for Gi*, Local Moran's I and the
 * space-time cube. Row i's neighbours are `indices[offsets[i] .. offsets[i+1])`, sorted ascending;
 * `weights` (same length as `indices`) is absent for binary weights (every weight 1, spdep style "B").
 * `includesSelf` says whether i is in its own list (Gi* wants it, Local Moran's I must not have it).
 *
 * Builders: H3 k-rings (neighbours for free: O(n k^2) lookups, no geometry), a distance band over
 * projected coordinates (uniform bucket grid: O(n + pairs)), and queen/rook contiguity on a regular
 * raster. Only cells present in the input set can be neighbours: the study area is the set you pass.
 *
 * Reference: the `nb` / `listw` objects of R spdep (Bivand); `include.self`, `nb2listw(style = "B"|"W")`.
 */
import { getResolution, gridDisk } from 'h3-js';
import { BaseeratError } from '../domain/errors.js';

export interface SpatialWeights {
  /** Number of units (cells, areas). */
  readonly n: number;
  /** Length n + 1; row i spans offsets[i] .. offsets[i + 1]. */
  readonly offsets: Int32Array;
  /** Neighbour indices, ascending within each row. */
  readonly indices: Int32Array;
  /** Weights parallel to `indices`; absent means binary (all 1). */
  readonly weights?: Float64Array;
  /** True when every unit is listed among its own neighbours. */
  readonly includesSelf: boolean;
}

/**
 * Numeric key of an H3 cell at resolution 0-9, exact in a double: the hex digits holding the base cell
 * and the resolution's digits (the rest of the index is fixed for a resolution). Hashing or sorting
 * these numbers is several times faster than hashing the 15-character strings at 10^6 cells, and their
 * numeric order is the strings' lexicographic order (same length, same prefix).
 */
export interface H3KeyCodec {
  readonly resolution: number;
  key(cell: string): number;
  cell(key: number): string;
}

/** Value of a lower-case hex digit by char code (H3 strings are lower case); NaN for anything else. */
const HEX_DIGIT = new Float64Array(128).fill(Number.NaN);
for (let d = 0; d < 16; d++) HEX_DIGIT['0123456789abcdef'.charCodeAt(d)] = d;

/**
 * Open-addressing hash table from a non-negative integer key below 2^53 (an H3 key) to its index:
 * at 10^5-10^6 keys above 2^31 (not small integers to V8) it is several times faster than a Map.
 */
export class NumericKeyIndex {
  private keys: Float64Array;
  private values: Int32Array;
  private mask: number;
  private size = 0;
  constructor(expected: number) {
    let cap = 16;
    while (cap < 2 * expected) cap *= 2;
    this.mask = cap - 1;
    this.keys = new Float64Array(cap).fill(-1);
    this.values = new Int32Array(cap);
  }
  private slot(key: number): number {
    const lo = key % 4294967296;
    const hi = (key - lo) / 4294967296;
    let h = (Math.imul(lo | 0, 0x9e3779b1) ^ Math.imul(hi | 0, 0x85ebca6b)) & this.mask;
    for (;;) {
      const k = this.keys[h]!;
      if (k === key || k === -1) return h;
      h = (h + 1) & this.mask;
    }
  }
  /** Doubles the table (keeps the load at most one half, so probes stay short and always end). */
  private grow(): void {
    const oldKeys = this.keys;
    const oldValues = this.values;
    this.mask = 2 * oldKeys.length - 1;
    this.keys = new Float64Array(2 * oldKeys.length).fill(-1);
    this.values = new Int32Array(2 * oldKeys.length);
    for (let h = 0; h < oldKeys.length; h++) {
      if (oldKeys[h] === -1) continue;
      const s = this.slot(oldKeys[h]!);
      this.keys[s] = oldKeys[h]!;
      this.values[s] = oldValues[h]!;
    }
  }
  /** Stores key -> value; false when the key was already present (nothing changes then). */
  set(key: number, value: number): boolean {
    let h = this.slot(key);
    if (this.keys[h] === key) return false;
    if (2 * (this.size + 1) > this.keys.length) {
      this.grow();
      h = this.slot(key);
    }
    this.keys[h] = key;
    this.values[h] = value;
    this.size++;
    return true;
  }
  /** The value of key, or -1. */
  get(key: number): number {
    const h = this.slot(key);
    return this.keys[h] === key ? this.values[h]! : -1;
  }
}

export function h3KeyCodec(sampleCell: string): H3KeyCodec {
  const resolution = getResolution(sampleCell);
  if (!(resolution >= 0 && resolution <= 9) || sampleCell.length !== 15) {
    throw new BaseeratError('VALIDATION', `h3 key codec needs a cell of resolution 0-9, got ${sampleCell}`, { field: 'cell' });
  }
  const m = Math.ceil((7 + 3 * resolution) / 4);
  const prefix = sampleCell.substring(0, 2);
  const suffix = sampleCell.substring(2 + m);
  const end = 2 + m;
  return {
    resolution,
    // A digit loop over char codes: three times faster than parseInt(substring) at 10^6 cells.
    key: (cell) => {
      let k = 0;
      for (let j = 2; j < end; j++) k = k * 16 + HEX_DIGIT[cell.charCodeAt(j)]!;
      return k;
    },
    cell: (key) => prefix + key.toString(16).padStart(m, '0') + suffix,
  };
}

function fromRows(rows: number[][], includesSelf: boolean): SpatialWeights {
  const n = rows.length;
  const offsets = new Int32Array(n + 1);
  let total = 0;
  for (let i = 0; i < n; i++) {
    total += rows[i]!.length;
    offsets[i + 1] = total;
  }
  const indices = new Int32Array(total);
  for (let i = 0; i < n; i++) {
    const row = rows[i]!;
    row.sort((a, b) => a - b);
    indices.set(row, offsets[i]!);
  }
  return { n, offsets, indices, includesSelf };
}

function checkPositiveInteger(value: number, field: string): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new BaseeratError('VALIDATION', `${field} must be a positive integer, got ${value}`, { field });
  }
}

/**
 * Neighbours of each H3 cell: the cells of `cells` within k grid steps (`gridDisk`). Cells are
 * assumed to share one resolution; duplicates are rejected because a cell must be one unit.
 */
export function h3KRingWeights(cells: readonly string[], k = 1, options: { includeSelf?: boolean } = {}): SpatialWeights {
  checkPositiveInteger(k, 'k');
  const includeSelf = options.includeSelf ?? false;
  const n = cells.length;
  const codec = n > 0 && getResolution(cells[0]!) <= 9 ? h3KeyCodec(cells[0]!) : undefined;
  const stringIndex = new Map<string, number>();
  const numericIndex = new NumericKeyIndex(codec === undefined ? 0 : n);
  for (let i = 0; i < n; i++) {
    const c = cells[i]!;
    if (codec !== undefined) {
      if (c.length !== 15 || c.charCodeAt(1) !== cells[0]!.charCodeAt(1)) {
        throw new BaseeratError('VALIDATION', `cells[${i}] (${c}) is not at resolution ${codec.resolution} like cells[0]`, { field: 'cells' });
      }
      const key = codec.key(c);
      if (!Number.isFinite(key)) throw new BaseeratError('VALIDATION', `cells[${i}] (${c}) is not a lower-case H3 index`, { field: 'cells' });
      if (!numericIndex.set(key, i)) throw new BaseeratError('VALIDATION', `cells[${i}] is a duplicate of cell ${c}`, { field: 'cells' });
    } else {
      if (stringIndex.has(c)) throw new BaseeratError('VALIDATION', `cells[${i}] is a duplicate of cell ${c}`, { field: 'cells' });
      stringIndex.set(c, i);
    }
  }
  const indexOf = codec === undefined ? (c: string): number => stringIndex.get(c) ?? -1 : (c: string): number => numericIndex.get(codec.key(c));
  // Flat buffers instead of one array per row: at 10^5-10^6 cells allocation dominates otherwise.
  const maxRow = 3 * k * (k + 1) + 1;
  let buffer = new Int32Array(Math.max(16, n * Math.min(maxRow, 7)));
  const offsets = new Int32Array(n + 1);
  let used = 0;
  for (let i = 0; i < n; i++) {
    if (used + maxRow > buffer.length) {
      const bigger = new Int32Array(Math.max(buffer.length * 2, used + maxRow));
      bigger.set(buffer.subarray(0, used));
      buffer = bigger;
    }
    const start = used;
    for (const nbCell of gridDisk(cells[i]!, k)) {
      const j = indexOf(nbCell);
      if (j < 0 || (j === i && !includeSelf)) continue;
      // insertion into the sorted row (rows hold at most 3k(k+1) + 1 entries)
      let pos = used++;
      while (pos > start && buffer[pos - 1]! > j) {
        buffer[pos] = buffer[pos - 1]!;
        pos--;
      }
      buffer[pos] = j;
    }
    offsets[i + 1] = used;
  }
  return { n, offsets, indices: buffer.slice(0, used), includesSelf: includeSelf };
}

/**
 * Distance-band neighbours over projected coordinates (metres): j is a neighbour of i when their
 * Euclidean distance is at most `threshold` (spdep `dnearneigh(d1 = 0, d2 = threshold)`).
 */
export function distanceBandWeights(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  threshold: number,
  options: { includeSelf?: boolean } = {},
): SpatialWeights {
  if (x.length !== y.length) throw new BaseeratError('VALIDATION', `x and y differ in length: ${x.length} vs ${y.length}`, { field: 'y' });
  if (!(threshold > 0 && Number.isFinite(threshold))) {
    throw new BaseeratError('VALIDATION', `threshold must be a positive finite distance, got ${threshold}`, { field: 'threshold' });
  }
  const includeSelf = options.includeSelf ?? false;
  const n = x.length;
  // Buckets of side `threshold`: a neighbour can only lie in the 3x3 block around a point's bucket.
  const buckets = new Map<string, number[]>();
  const key = (bx: number, by: number): string => `${bx},${by}`;
  for (let i = 0; i < n; i++) {
    const xi = x[i]!;
    const yi = y[i]!;
    if (!Number.isFinite(xi) || !Number.isFinite(yi)) {
      throw new BaseeratError('VALIDATION', `coordinates of unit ${i} are not finite: (${xi}, ${yi})`, { field: 'x' });
    }
    const k = key(Math.floor(xi / threshold), Math.floor(yi / threshold));
    const list = buckets.get(k);
    if (list === undefined) buckets.set(k, [i]);
    else list.push(i);
  }
  const t2 = threshold * threshold;
  const rows: number[][] = new Array<number[]>(n);
  for (let i = 0; i < n; i++) {
    const xi = x[i]!;
    const yi = y[i]!;
    const bx = Math.floor(xi / threshold);
    const by = Math.floor(yi / threshold);
    const row: number[] = [];
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        const list = buckets.get(key(bx + dx, by + dy));
        if (list === undefined) continue;
        for (const j of list) {
          if (j === i) {
            if (includeSelf) row.push(j);
            continue;
          }
          const ddx = x[j]! - xi;
          const ddy = y[j]! - yi;
          if (ddx * ddx + ddy * ddy <= t2) row.push(j);
        }
      }
    }
    rows[i] = row;
  }
  return fromRows(rows, includeSelf);
}

/**
 * Contiguity on a regular raster of nRows x nCols cells, cell (r, c) at index r * nCols + c.
 * Rook: shared edge (4 neighbours inside); queen: shared edge or corner (8).
 */
export function regularGridWeights(
  nRows: number,
  nCols: number,
  contiguity: 'queen' | 'rook' = 'queen',
  options: { includeSelf?: boolean } = {},
): SpatialWeights {
  checkPositiveInteger(nRows, 'nRows');
  checkPositiveInteger(nCols, 'nCols');
  const includeSelf = options.includeSelf ?? false;
  const rows: number[][] = [];
  for (let r = 0; r < nRows; r++) {
    for (let c = 0; c < nCols; c++) {
      const row: number[] = [];
      for (let dr = -1; dr <= 1; dr++) {
        for (let dc = -1; dc <= 1; dc++) {
          if (dr === 0 && dc === 0) {
            if (includeSelf) row.push(r * nCols + c);
            continue;
          }
          if (contiguity === 'rook' && dr !== 0 && dc !== 0) continue;
          const rr = r + dr;
          const cc = c + dc;
          if (rr < 0 || rr >= nRows || cc < 0 || cc >= nCols) continue;
          row.push(rr * nCols + cc);
        }
      }
      rows.push(row);
    }
  }
  return fromRows(rows, includeSelf);
}

/** Builds weights from plain neighbour lists (0-based), e.g. read from a fixture or another tool. */
export function weightsFromNeighbourLists(lists: readonly (readonly number[])[], includesSelf: boolean): SpatialWeights {
  const n = lists.length;
  const rows = lists.map((l, i) =>
    l.map((j) => {
      if (!Number.isInteger(j) || j < 0 || j >= n) {
        throw new BaseeratError('VALIDATION', `neighbour list ${i} holds an invalid index ${j}`, { field: 'lists' });
      }
      return j;
    }),
  );
  return fromRows(rows, includesSelf);
}

/** Row-standardised weights (spdep style "W"): each non-empty row sums to 1. */
export function rowStandardise(w: SpatialWeights): SpatialWeights {
  const weights = new Float64Array(w.indices.length);
  for (let i = 0; i < w.n; i++) {
    const start = w.offsets[i]!;
    const end = w.offsets[i + 1]!;
    let sum = 0;
    for (let e = start; e < end; e++) sum += w.weights === undefined ? 1 : w.weights[e]!;
    for (let e = start; e < end; e++) weights[e] = (w.weights === undefined ? 1 : w.weights[e]!) / sum;
  }
  return { n: w.n, offsets: w.offsets, indices: w.indices, weights, includesSelf: w.includesSelf };
}

/** Number of neighbours of each unit. */
export function cardinalities(w: SpatialWeights): Int32Array {
  const out = new Int32Array(w.n);
  for (let i = 0; i < w.n; i++) out[i] = w.offsets[i + 1]! - w.offsets[i]!;
  return out;
}

/** Spatial lag: (W x)_i = sum_j w_ij x_j. O(number of neighbour pairs). */
export function spatialLag(w: SpatialWeights, x: ArrayLike<number>): Float64Array {
  if (x.length !== w.n) throw new BaseeratError('VALIDATION', `x has ${x.length} values for ${w.n} units`, { field: 'x' });
  const out = new Float64Array(w.n);
  const { offsets, indices, weights } = w;
  for (let i = 0; i < w.n; i++) {
    let s = 0;
    const end = offsets[i + 1]!;
    if (weights === undefined) for (let e = offsets[i]!; e < end; e++) s += x[indices[e]!]!;
    else for (let e = offsets[i]!; e < end; e++) s += weights[e]! * x[indices[e]!]!;
    out[i] = s;
  }
  return out;
}
