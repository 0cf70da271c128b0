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
 * Complexity: O(n + number of neighbour pairs) time, O(n) memory, typed arrays throughout.
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
  const defined = new Uint8Array(n);
  const { offsets, indices, weights: w } = weights;
  let nUndefined = 0;
  let nCoverAll = 0;
  let lastZ = Number.NaN;
  let lastP = 1;
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
    // Sparse counts give long runs of identical z (empty neighbourhoods of equal size): reuse the p.
    if (zi !== lastZ) {
      lastZ = zi;
      lastP = twoSidedNormalPValue(zi);
    }
    p[i] = lastP;
    defined[i] = 1;
  }

  let nDefined = 0;
  for (let i = 0; i < n; i++) nDefined += defined[i]!;
  const pDefined = new Float64Array(nDefined);
  for (let i = 0, k = 0; i < n; i++) if (defined[i] === 1) pDefined[k++] = p[i]!;
  const adjusted = benjaminiHochberg(pDefined);
  const pFdr = new Float64Array(n).fill(1);
  for (let i = 0, k = 0; i < n; i++) if (defined[i] === 1) pFdr[i] = adjusted[k++]!;

  const bin = new Int8Array(n);
  const binFdr = new Int8Array(n);
  for (let i = 0; i < n; i++) {
    if (defined[i] !== 1) continue;
    bin[i] = confidenceBin(z[i]!, p[i]!);
    binFdr[i] = confidenceBin(z[i]!, pFdr[i]!);
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
