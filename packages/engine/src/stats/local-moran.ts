/**
 * Local Moran's I (LISA): is a cell similar to its neighbours, and is that similarity unusual?
 *
 * Answers: "where are high values surrounded by high values (HH, a hot cluster), low by low (LL),
 * and where are outliers: a high cell among low neighbours (HL) or a low one among high (LH)?"
 * With z = x - mean(x), m2 = sum z^2 / n and row-standardised weights w_ij (i not its own neighbour):
 *
 *   I_i = (z_i / m2) sum_j w_ij z_j
 *   E(I_i)   = -z_i^2 W_i / ((n - 1) m2)                                  (conditional on z_i)
 *   Var(I_i) = (z_i / m2)^2 (n / (n - 2)) (S1_i - W_i^2 / (n - 1)) (m2 - z_i^2 / (n - 1))
 *
 * exactly R spdep `localmoran(x, listw)` with its defaults (mlvar = TRUE, conditional = TRUE,
 * two-sided normal p). Because the normal approximation is poor for skewed counts, the function also
 * gives conditional-permutation pseudo p-values as PySAL `esda.Moran_Local` and rgeoda: for each
 * cell, hold x_i fixed and draw its k_i neighbours' values without replacement from the other n - 1
 * cells, `permutations` times (999 by default); p = (min(#{I_sim >= I}, #{I_sim <= I}) + 1) /
 * (permutations + 1), the folded one-sided pseudo p-value (smallest possible 1/(permutations + 1)).
 * Ties count on both sides by default: PySAL's rule (option `ties: 'pysal'`) counts them only as
 * "larger", and with counts that are mostly 0 many draws tie exactly with the observation, which
 * makes cells with I near 0 look significant (seen on UCDP Balochistan counts: cells with
 * analytical p = 0.79 get pseudo p = 0.0001).
 *
 * Clusters: quadrant by the signs of z_i and its lag (HH, LH, LL, HL as PySAL q = 1..4), reported
 * only where the chosen p-value (permutation by default) is at most alpha (0.05).
 *
 * Units: I is unitless; z in standard deviations. Complexity: O(pairs) for the analytical part,
 * O(permutations x pairs) for the permutation part. Randomness comes only from the seed (or a
 * generator you pass): same seed, same p-values.
 * References: Anselin, L. (1995) "Local indicators of spatial association - LISA", Geographical
 * Analysis 27(2), 93-115; Sokal, Oden and Thomson (1998) for the conditional variance; R spdep
 * `localmoran`; PySAL esda `Moran_Local` for the permutation scheme.
 */
import { caveat, type Caveat } from '../domain/caveats.js';
import { BaseeratError, InsufficientDataError } from '../domain/errors.js';
import { twoSidedNormalPValue } from './normal-distribution.js';
import { rowStandardise, type SpatialWeights } from './spatial-weights.js';
import { finiteMean } from './finite-mean.js';

export type LisaCluster = 'HH' | 'LH' | 'LL' | 'HL' | 'not significant';

export interface LocalMoranOptions {
  /** Conditional permutations per cell; 0 turns them off. Default 999. */
  permutations?: number;
  /** Seed for the permutations (default 12345, as PySAL's default seed). */
  seed?: number;
  /** A uniform [0, 1) generator to use instead of the built-in seeded one. */
  random?: () => number;
  /** Significance level for cluster labels. Default 0.05. */
  alpha?: number;
  /** Which p-value labels clusters: 'permutation' (default when permutations > 0) or 'analytical'. */
  clusterPValue?: 'permutation' | 'analytical';
  /**
   * How simulated values equal to the observed one count. 'conservative' (default): on both sides,
   * p = (min(#{I_sim >= I}, #{I_sim <= I}) + 1) / (permutations + 1). 'pysal': as PySAL esda and spdep
   * `localmoran_perm` "Pr(folded) Sim", p = (min(#{I_sim >= I}, #{I_sim < I}) + 1) / (permutations + 1),
   * which for counts with many zeros calls cells whose every draw ties with the observation
   * significant at 1/(permutations + 1). Identical for continuous data (no ties).
   */
  ties?: 'conservative' | 'pysal';
  /** Called during the permutations with (cells done, cells): every 1,024 cells and at the end. */
  onProgress?: (done: number, total: number) => void;
  /** 'W' row-standardises binary weights (default, spdep and PySAL default); 'asGiven' uses them unchanged. */
  style?: 'W' | 'asGiven';
}

export interface LocalMoranResult {
  readonly Ii: Float64Array;
  readonly expected: Float64Array;
  readonly variance: Float64Array;
  readonly z: Float64Array;
  /** Two-sided normal p (1 where undefined). */
  readonly p: Float64Array;
  /** Folded conditional-permutation pseudo p (present when permutations > 0; 1 where undefined). */
  readonly pPermutation?: Float64Array;
  /** 1 HH, 2 LH, 3 LL, 4 HL (PySAL q), by sign of z_i and its spatial lag, regardless of significance. */
  readonly quadrant: Uint8Array;
  readonly cluster: LisaCluster[];
  /** 1 where the statistic is defined (the cell has neighbours and non-zero variance). */
  readonly defined: Uint8Array;
  readonly caveats: Caveat[];
}

/**
 * A small seeded uniform generator (mulberry32). Local to this file until the shared
 * engine/random module exists; pass `random` to use another one.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const QUADRANT_LABELS: readonly LisaCluster[] = ['not significant', 'HH', 'LH', 'LL', 'HL'];

export function localMoran(x: ArrayLike<number>, weights: SpatialWeights, options: LocalMoranOptions = {}): LocalMoranResult {
  const n = weights.n;
  if (x.length !== n) throw new BaseeratError('VALIDATION', `x has ${x.length} values for ${n} cells`, { field: 'x' });
  if (weights.includesSelf) {
    throw new BaseeratError('VALIDATION', 'weights.includesSelf is true: Local Moran excludes each cell from its own neighbourhood', { field: 'weights' });
  }
  if (n < 4) throw new InsufficientDataError(`Local Moran's I needs at least 4 cells, got n = ${n}`, { n });
  const permutations = options.permutations ?? 999;
  if (!Number.isInteger(permutations) || permutations < 0) {
    throw new BaseeratError('VALIDATION', `permutations must be a non-negative integer, got ${permutations}`, { field: 'permutations' });
  }
  const alpha = options.alpha ?? 0.05;
  const w = (options.style ?? 'W') === 'W' && weights.weights === undefined ? rowStandardise(weights) : weights;
  const { offsets, indices } = w;
  const wv = w.weights;

  const mean = finiteMean(x, n);
  const z = new Float64Array(n);
  let m2 = 0;
  for (let i = 0; i < n; i++) {
    z[i] = x[i]! - mean;
    m2 += z[i]! * z[i]!;
  }
  m2 /= n;

  const Ii = new Float64Array(n);
  const expected = new Float64Array(n);
  const variance = new Float64Array(n);
  const zScore = new Float64Array(n);
  const p = new Float64Array(n).fill(1);
  const quadrant = new Uint8Array(n);
  const defined = new Uint8Array(n);
  const lagZ = new Float64Array(n);
  let isolates = 0;
  for (let i = 0; i < n; i++) {
    const start = offsets[i]!;
    const end = offsets[i + 1]!;
    let lag = 0;
    let wi = 0;
    let s1 = 0;
    for (let e = start; e < end; e++) {
      const we = wv === undefined ? 1 : wv[e]!;
      lag += we * z[indices[e]!]!;
      wi += we;
      s1 += we * we;
    }
    lagZ[i] = lag;
    quadrant[i] = z[i]! > 0 ? (lag > 0 ? 1 : 4) : lag > 0 ? 2 : 3;
    if (end === start) {
      isolates++;
      continue;
    }
    if (m2 === 0) continue;
    const zi = z[i]!;
    Ii[i] = (zi / m2) * lag;
    expected[i] = -(zi * zi * wi) / ((n - 1) * m2);
    const zm = zi / m2;
    variance[i] = zm * zm * (n / (n - 2)) * (s1 - (wi * wi) / (n - 1)) * (m2 - (zi * zi) / (n - 1));
    if (variance[i]! > 0) {
      zScore[i] = (Ii[i]! - expected[i]!) / Math.sqrt(variance[i]!);
      p[i] = twoSidedNormalPValue(zScore[i]!);
      defined[i] = 1;
    }
  }

  let pPermutation: Float64Array | undefined;
  if (permutations > 0 && m2 > 0) {
    pPermutation = new Float64Array(n).fill(1);
    const random = options.random ?? mulberry32(options.seed ?? 12345);
    const pysalTies = (options.ties ?? 'conservative') === 'pysal';
    // pool holds a permutation of 0..n-1; the current cell is parked at the end so that the first
    // n - 1 entries are exactly "the others" to draw from without replacement.
    const pool = new Int32Array(n);
    const pos = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      pool[i] = i;
      pos[i] = i;
    }
    const swap = (a: number, b: number): void => {
      const va = pool[a]!;
      const vb = pool[b]!;
      pool[a] = vb;
      pool[b] = va;
      pos[vb] = a;
      pos[va] = b;
    };
    for (let i = 0; i < n; i++) {
      if (i > 0 && (i & 1023) === 0) options.onProgress?.(i, n);
      const start = offsets[i]!;
      const k = offsets[i + 1]! - start;
      if (k === 0 || defined[i] !== 1) continue;
      swap(pos[i]!, n - 1);
      const observed = lagZ[i]!;
      const zi = z[i]!;
      let larger = 0;
      let smaller = 0;
      for (let r = 0; r < permutations; r++) {
        let lag = 0;
        for (let m = 0; m < k; m++) {
          const pick = m + Math.floor(random() * (n - 1 - m));
          swap(m, pick);
          lag += (wv === undefined ? 1 : wv[start + m]!) * z[pool[m]!]!;
        }
        // Compare I_sim with I_obs through z_i * lag (the positive factor 1/m2 cancels).
        const simI = zi * lag;
        const obsI = zi * observed;
        if (simI >= obsI) larger++;
        if (simI <= obsI) smaller++;
      }
      const extreme = pysalTies ? Math.min(larger, permutations - larger) : Math.min(larger, smaller);
      pPermutation[i] = (extreme + 1) / (permutations + 1);
    }
    options.onProgress?.(n, n);
  }

  const useP = (options.clusterPValue ?? (pPermutation === undefined ? 'analytical' : 'permutation')) === 'permutation' && pPermutation !== undefined ? pPermutation : p;
  const cluster: LisaCluster[] = new Array<LisaCluster>(n);
  for (let i = 0; i < n; i++) cluster[i] = defined[i] === 1 && useP[i]! <= alpha ? QUADRANT_LABELS[quadrant[i]!]! : 'not significant';

  const caveats: Caveat[] = [];
  if (m2 === 0) caveats.push(caveat('LOCAL_MORAN_CONSTANT_VALUES', `all ${n} cells have the same value: Local Moran's I is undefined everywhere`, n));
  if (isolates > 0) caveats.push(caveat('LOCAL_MORAN_ISOLATES', `${isolates} cells have no neighbours and are reported as not significant`, isolates));
  const nDefined = defined.reduce((a, b) => a + b, 0);
  caveats.push(
    caveat(
      'MULTIPLE_TESTING',
      `${nDefined} cells were each tested at alpha = ${alpha} without adjustment: about ${Math.round(alpha * nDefined)} may be flagged by chance alone`,
      nDefined,
    ),
  );
  const base = { Ii, expected, variance, z: zScore, p, quadrant, cluster, defined, caveats };
  return pPermutation === undefined ? base : { ...base, pPermutation };
}
