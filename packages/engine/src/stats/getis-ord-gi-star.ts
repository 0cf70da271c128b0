/**
 * Getis-Ord Gi*: is the neighbourhood of a cell (the cell itself included) unusually high or low?
 *
 * Answers: "where do incidents cluster more (hot spot) or less (cold spot) than chance would put
 * them?" For each cell i, with values x (incident counts or harm), weights w_ij over the
 * neighbourhood that includes i, n cells, mean xbar and s^2 = sum (x - xbar)^2 / n:
 *
 *   Gi*_z = (sum_j w_ij x_j - W_i xbar) / sqrt(s^2 (n S1_i - W_i^2) / (n - 1)),
 *   W_i = sum_j w_ij,  S1_i = sum_j w_ij^2.
 *
 * Units: z-scores (standard deviations). Positive and significant = hot spot. p-values are two-sided
 * from the normal approximation. `bin` is ArcGIS's `Gi_Bin`: +-3, +-2, +-1 at 99, 95, 90% confidence
 * (p <= 0.01, 0.05, 0.10) with the sign of z, 0 otherwise; it is NOT adjusted for the thousands of
 * tests a map makes. `binFdr` uses Benjamini-Hochberg adjusted p-values at the same levels (ArcGIS's
 * "Apply False Discovery Rate correction"): prefer it for decisions.
 *
 * Degenerate cells: a neighbourhood that covers every cell has n S1_i - W_i^2 = 0 and gives 0/0;
 * all-equal values give s^2 = 0. Such cells are flagged `defined = 0`, get z = 0, p = 1, bin 0, and a
 * caveat says how many: never NaN.
 *
 * Complexity: O(n + number of neighbour pairs) time, O(n) memory, typed arrays throughout; p-values
 * and BH run once per distinct z when there are at most 32,768 of them (sparse counts), else per cell.
 * Reference: Ord, J. K. and Getis, A. (1995) "Local spatial autocorrelation statistics: distributional
 * issues and an application", Geographical Analysis 27(4), 286-306; R spdep `localG` on a weights
 * list with `include.self()` (style "B" for binary). Checked to 1e-9 against spdep on UCDP data.
 */
import { caveat, type Caveat } from '../domain/caveats.js';
import { BaseeratError, InsufficientDataError } from '../domain/errors.js';
import { benjaminiHochberg } from './benjamini-hochberg.js';
import { twoSidedNormalPValue } from './normal-distribution.js';
import type { SpatialWeights } from './spatial-weights.js';
import { finiteMean } from './finite-mean.js';

export interface GetisOrdGiStarResult {
  /** Gi* z-score per cell (0 where undefined). */
  readonly z: Float64Array;
  /** Two-sided normal p-value (1 where undefined). */
  readonly p: Float64Array;
  /** Benjamini-Hochberg adjusted p over the defined cells (1 where undefined). */
  readonly pFdr: Float64Array;
  /** ArcGIS Gi_Bin from unadjusted p: -3..3. */
  readonly bin: Int8Array;
  /** Gi_Bin from FDR-adjusted p: -3..3. */
  readonly binFdr: Int8Array;
  /** 1 where the statistic is defined, 0 where its variance is 0 (0/0). */
  readonly defined: Uint8Array;
  readonly caveats: Caveat[];
}

/** Distinct z values the grouped path keeps before it falls back to per-cell p-values and BH. */
const GROUPED_CAPACITY = 1 << 15;

/** Open-addressing hash table from a z value (by its bits) to a dense slot number. */
class ZSlotTable {
  readonly z: Float64Array;
  size = 0;
  private readonly slotAt: Int32Array;
  private readonly mask: number;
  private readonly limit: number;
  private readonly bits = new Float64Array(1);
  private readonly words = new Uint32Array(this.bits.buffer);
  constructor(capacity: number) {
    this.limit = capacity;
    this.mask = 2 * capacity - 1;
    this.slotAt = new Int32Array(2 * capacity).fill(-1);
    this.z = new Float64Array(capacity);
  }
  /** The slot of v (-0 and 0 share one), or -1 when the table is full. */
  slotOf(v: number): number {
    this.bits[0] = v + 0;
    let h = (Math.imul(this.words[0]!, 0x9e3779b1) ^ Math.imul(this.words[1]!, 0x85ebca6b)) >>> 0;
    for (;;) {
      h &= this.mask;
      const s = this.slotAt[h]!;
      if (s < 0) {
        if (this.size >= this.limit) return -1;
        this.z[this.size] = v;
        this.slotAt[h] = this.size;
        return this.size++;
      }
      if (this.z[s] === v) return s;
      h++;
    }
  }
}

/**
 * Benjamini-Hochberg on distinct p-values with multiplicities: the same numbers as
 * `benjaminiHochberg` on the expanded list (tied p-values share the value of the tie group's
 * largest rank, min(1, n p / rank) accumulated from the top), in O(m log m) for m distinct values.
 * Equal p-values in different slots (z and -z) are merged into one tie group.
 */
export function benjaminiHochbergGrouped(pValues: Float64Array, counts: Float64Array): Float64Array {
  const m = pValues.length;
  const order = new Uint32Array(m);
  for (let k = 0; k < m; k++) order[k] = k;
  order.sort((a, b) => pValues[a]! - pValues[b]!);
  let n = 0;
  for (let k = 0; k < m; k++) n += counts[k]!;
  const out = new Float64Array(m);
  // Largest rank of each tie group, ascending.
  const groupEnd: number[] = [];
  const groupRank: number[] = [];
  let rank = 0;
  for (let a = 0; a < m; ) {
    let b = a;
    while (b < m && pValues[order[b]!] === pValues[order[a]!]) rank += counts[order[b++]!]!;
    groupEnd.push(b);
    groupRank.push(rank);
    a = b;
  }
  let running = 1;
  for (let g = groupEnd.length - 1; g >= 0; g--) {
    const first = g === 0 ? 0 : groupEnd[g - 1]!;
    const candidate = (n / groupRank[g]!) * pValues[order[first]!]!;
    if (candidate < running) running = candidate;
    for (let k = first; k < groupEnd[g]!; k++) out[order[k]!] = running;
  }
  return out;
}

/** ArcGIS confidence bins: 3 at p <= 0.01, 2 at p <= 0.05, 1 at p <= 0.10, signed by z. */
export function confidenceBin(z: number, p: number): number {
  const level = p <= 0.01 ? 3 : p <= 0.05 ? 2 : p <= 0.1 ? 1 : 0;
  return z > 0 ? level : z < 0 ? -level : 0;
}

/**
 * Gi* z-scores, p-values and bins for values `x` over `weights` (which must include self).
 * Throws InsufficientDataError for fewer than 3 cells; degenerate cells become caveats.
 */
export function getisOrdGiStar(x: ArrayLike<number>, weights: SpatialWeights): GetisOrdGiStarResult {
  const n = weights.n;
  if (x.length !== n) throw new BaseeratError('VALIDATION', `x has ${x.length} values for ${n} cells`, { field: 'x' });
  if (!weights.includesSelf) {
    throw new BaseeratError('VALIDATION', 'weights.includesSelf is false: Gi* needs each cell in its own neighbourhood', { field: 'weights' });
  }
  if (n < 3) throw new InsufficientDataError(`Gi* needs at least 3 cells, got n = ${n}`, { n });
  const mean = finiteMean(x, n);
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i]! - mean;
    ss += d * d;
  }
  const s2 = ss / n;

  const z = new Float64Array(n);
  const p = new Float64Array(n).fill(1);
  const pFdr = new Float64Array(n).fill(1);
  const defined = new Uint8Array(n);
  const { offsets, indices, weights: w } = weights;
  let nUndefined = 0;
  let nCoverAll = 0;
  // Sparse counts give few distinct z (empty neighbourhoods of equal size, the same small sums):
  // a small open-addressing table keyed by z's bits gives each distinct z one slot, so that the
  // p-value is computed once per distinct z and Benjamini-Hochberg runs on the distinct p-values
  // with their multiplicities (equal to BH on all cells, ties included: see benjaminiHochbergGrouped).
  // When the table fills, it is abandoned and the plain per-cell path runs.
  const bin = new Int8Array(n);
  const binFdr = new Int8Array(n);
  const table = new ZSlotTable(GROUPED_CAPACITY);
  const slotOfCell = new Int32Array(n);
  let grouped = true;
  for (let i = 0; i < n; i++) {
    const start = offsets[i]!;
    const end = offsets[i + 1]!;
    let lag = 0;
    let wi = 0;
    let s1 = 0;
    if (w === undefined) {
      for (let e = start; e < end; e++) lag += x[indices[e]!]!;
      wi = end - start;
      s1 = wi;
    } else {
      for (let e = start; e < end; e++) {
        const we = w[e]!;
        lag += we * x[indices[e]!]!;
        wi += we;
        s1 += we * we;
      }
    }
    const shape = (n * s1 - wi * wi) / (n - 1);
    const variance = s2 * shape;
    // Relative test: n S1 - W^2 cancels to rounding noise when the neighbourhood covers everything.
    if (!(variance > 0) || shape <= 1e-12 * n * s1) {
      nUndefined++;
      if (shape <= 1e-12 * n * s1) nCoverAll++;
      continue;
    }
    const zi = (lag - wi * mean) / Math.sqrt(variance);
    z[i] = zi;
    defined[i] = 1;
    if (grouped) {
      const slot = table.slotOf(zi);
      if (slot < 0) grouped = false;
      else slotOfCell[i] = slot;
    }
  }
  if (grouped) {
    const m = table.size;
    const pOfSlot = new Float64Array(m);
    for (let k = 0; k < m; k++) pOfSlot[k] = twoSidedNormalPValue(table.z[k]!);
    const countOfSlot = new Float64Array(m);
    for (let i = 0; i < n; i++) if (defined[i] === 1) countOfSlot[slotOfCell[i]!]!++;
    const adjusted = benjaminiHochbergGrouped(pOfSlot, countOfSlot);
    const binOfSlot = new Int8Array(m);
    const binFdrOfSlot = new Int8Array(m);
    for (let k = 0; k < m; k++) {
      binOfSlot[k] = confidenceBin(table.z[k]!, pOfSlot[k]!);
      binFdrOfSlot[k] = confidenceBin(table.z[k]!, adjusted[k]!);
    }
    for (let i = 0; i < n; i++) {
      if (defined[i] !== 1) continue;
      const k = slotOfCell[i]!;
      p[i] = pOfSlot[k]!;
      pFdr[i] = adjusted[k]!;
      bin[i] = binOfSlot[k]!;
      binFdr[i] = binFdrOfSlot[k]!;
    }
  } else {
    let lastZ = Number.NaN;
    let lastP = 1;
    let nDefined = 0;
    for (let i = 0; i < n; i++) {
      if (defined[i] !== 1) continue;
      nDefined++;
      const zi = z[i]!;
      if (zi !== lastZ) {
        lastZ = zi;
        lastP = twoSidedNormalPValue(zi);
      }
      p[i] = lastP;
    }
    const pDefined = new Float64Array(nDefined);
    for (let i = 0, k = 0; i < n; i++) if (defined[i] === 1) pDefined[k++] = p[i]!;
    const adjusted = benjaminiHochberg(pDefined);
    for (let i = 0, k = 0; i < n; i++) if (defined[i] === 1) pFdr[i] = adjusted[k++]!;
    for (let i = 0; i < n; i++) {
      if (defined[i] !== 1) continue;
      bin[i] = confidenceBin(z[i]!, p[i]!);
      binFdr[i] = confidenceBin(z[i]!, pFdr[i]!);
    }
  }


  const caveats: Caveat[] = [];
  if (s2 === 0) {
    caveats.push(caveat('GI_STAR_CONSTANT_VALUES', `all ${n} cells have the same value (${mean}): Gi* is 0/0 and no cell can be a hot or cold spot`, n));
  } else if (nUndefined > 0) {
    caveats.push(
      caveat(
        'GI_STAR_UNDEFINED',
        nCoverAll > 0
          ? `${nUndefined} cells have a neighbourhood covering every cell (or all weights equal), so Gi* is 0/0; they are reported as not significant`
          : `${nUndefined} cells have zero Gi* variance; they are reported as not significant`,
        nUndefined,
      ),
    );
  }
  return { z, p, pFdr, bin, binFdr, defined, caveats };
}
