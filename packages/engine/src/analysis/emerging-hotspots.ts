/**
 * Emerging hot spot analysis: how is each cell's hot or cold status changing over time?
 *
 * Answers: "which hot spots are new, intensifying, persistent, fading, or come and go?" (ArcGIS Pro
 * Space Time Pattern Mining, "Emerging Hot Spot Analysis"; re-implemented in R sfdep).
 *
 * Method, on a space-time cube (cells x steps, see space-time-cube.ts):
 * 1. Gi* for every bin (cell i, step t) over a space-time neighbourhood: the spatial neighbours of i
 *    and i itself, at steps t - k .. t (time lag k, default 1, as sfdep and ArcGIS's neighbourhood time
 *    step), binary weights. Mean and variance are those of the whole cube (ArcGIS's default global
 *    window, "entire cube"). sfdep instead standardises within each step and row-standardises weights;
 *    the categories rarely differ, the z-scores do.
 * 2. p-values are two-sided normal, adjusted by Benjamini-Hochberg over all bins (ArcGIS applies FDR
 *    in this tool; sfdep uses 199 permutations and no FDR). A bin is significant when adjusted p <= alpha
 *    (default 0.05; sfdep's default threshold is 0.01).
 * 3. Mann-Kendall trend test on each cell's z-score series (tau, two-sided p); significant if p <= alpha.
 * 4. One of 17 categories per cell, first match in sfdep's order (new, consecutive, intensifying,
 *    persistent, diminishing, oscillating, historical, sporadic; hot before cold), with the rules of
 *    METHODS-NOTES.md / ArcGIS:
 *    - new: the final step is the only significant one, and it is hot;
 *    - consecutive: one uninterrupted run of >= 2 significant hot steps at the end, no significant step
 *      before it, under 90% of steps hot;
 *    - intensifying / persistent / diminishing: at least 90% of steps significant hot and the final step
 *      significant hot, with a significant increasing trend / no significant trend / a significant
 *      decreasing trend in z;
 *    - oscillating: final step significant hot, at least one earlier significant cold step, under 90% hot;
 *    - historical: at least 90% of steps significant hot but the final step not significant hot;
 *    - sporadic: under 90% hot, at least one significant hot step, never significant cold;
 *    cold spots mirror these with the signs reversed (intensifying cold = decreasing z); otherwise
 *    "no pattern detected".
 *    Where sfdep's code departs from these published rules it is not followed: sfdep's consecutive run
 *    counts significant steps of either sign, its intensifying hot uses all significant steps rather
 *    than hot ones, its persistent/intensifying/diminishing do not require the final step to be hot
 *    (which makes "historical" unreachable after "persistent"), and its historical hot spot requires a
 *    final z < 0. Percentages use exact integer comparisons (hot steps x 10 >= 9 x steps).
 *
 * Units: z in standard deviations; tau in [-1, 1]. Complexity: O(cells x steps x (k + 1) x neighbours)
 * for Gi*, O(cells x steps^2) for Mann-Kendall. ArcGIS advises at least 10 time steps; fewer gives a
 * caveat. References: ArcGIS Pro "How Emerging Hot Spot Analysis works"; sfdep
 * `emerging_hotspot_analysis()` and `emerging-hostpot-classifications.R` (Parry); Ord & Getis (1995);
 * Mann (1945); Kendall (1975).
 */
import { caveat, type Caveat } from '../domain/caveats.js';
import { BaseeratError, InsufficientDataError } from '../domain/errors.js';
import { getisOrdGiStar } from '../stats/getis-ord-gi-star.js';
import { mannKendall } from '../stats/mann-kendall.js';
import type { SpatialWeights } from '../stats/spatial-weights.js';
import { cellWeights, type CellGrid, type NeighbourRule } from './hotspots.js';

export const EMERGING_HOTSPOT_CATEGORIES = [
  'new hot spot',
  'new cold spot',
  'consecutive hot spot',
  'consecutive cold spot',
  'intensifying hot spot',
  'intensifying cold spot',
  'persistent hot spot',
  'persistent cold spot',
  'diminishing hot spot',
  'diminishing cold spot',
  'oscillating hot spot',
  'oscillating cold spot',
  'historical hot spot',
  'historical cold spot',
  'sporadic hot spot',
  'sporadic cold spot',
  'no pattern detected',
] as const;
export type EmergingHotspotCategory = (typeof EMERGING_HOTSPOT_CATEGORIES)[number];

function classifyOneSide(sign: 1 | -1, z: ArrayLike<number>, sig: ArrayLike<boolean>, tau: number, trendP: number, alpha: number): string | undefined {
  const n = z.length;
  const isSide = (t: number): boolean => sig[t]! && sign * z[t]! > 0;
  const isOther = (t: number): boolean => sig[t]! && sign * z[t]! < 0;
  let nSig = 0;
  let nSide = 0;
  let anyOther = false;
  for (let t = 0; t < n; t++) {
    if (sig[t]) nSig++;
    if (isSide(t)) nSide++;
    if (isOther(t)) anyOther = true;
  }
  const finalSide = isSide(n - 1);
  const atLeast90 = nSide * 10 >= 9 * n;
  const trendSignificant = trendP <= alpha;
  if (nSig === 1 && finalSide) return 'new';
  if (finalSide) {
    let run = 0;
    while (run < n && isSide(n - 1 - run)) run++;
    let sigBefore = false;
    for (let t = 0; t < n - run; t++) if (sig[t]) sigBefore = true;
    if (run >= 2 && !sigBefore && !atLeast90) return 'consecutive';
  }
  if (atLeast90 && finalSide && trendSignificant && sign * tau > 0) return 'intensifying';
  if (atLeast90 && finalSide && !trendSignificant) return 'persistent';
  if (atLeast90 && finalSide && trendSignificant && sign * tau < 0) return 'diminishing';
  if (finalSide && anyOther && !atLeast90) return 'oscillating';
  if (atLeast90 && !finalSide) return 'historical';
  if (!atLeast90 && nSide > 0 && !anyOther) return 'sporadic';
  return undefined;
}

/**
 * Category of one cell from its z-score series, per-step significance and Mann-Kendall trend.
 * Pure and exported so that the rules can be tested one by one.
 */
export function classifyEmergingHotspot(z: ArrayLike<number>, significant: ArrayLike<boolean>, trend: { tau: number; p: number }, alpha: number): EmergingHotspotCategory {
  if (z.length !== significant.length || z.length === 0) {
    throw new BaseeratError('VALIDATION', `z and significant must have the same non-zero length, got ${z.length} and ${significant.length}`, { field: 'significant' });
  }
  // sfdep's order interleaves hot and cold per pattern; the two sides of one pattern cannot both match
  // (they need the final step hot and cold at once, or >= 90% of steps both), so side order is moot.
  const hot = classifyOneSide(1, z, significant, trend.tau, trend.p, alpha);
  const cold = classifyOneSide(-1, z, significant, trend.tau, trend.p, alpha);
  const rank = ['new', 'consecutive', 'intensifying', 'persistent', 'diminishing', 'oscillating', 'historical', 'sporadic'];
  const rh = hot === undefined ? 99 : rank.indexOf(hot);
  const rc = cold === undefined ? 99 : rank.indexOf(cold);
  if (rh === 99 && rc === 99) return 'no pattern detected';
  return (rh <= rc ? `${hot} hot spot` : `${cold} cold spot`) as EmergingHotspotCategory;
}

/**
 * Space-time weights over the bins of a cube (bin b = t * nCells + i): spatial neighbours of i (self
 * included) at steps t - k .. t. Binary.
 */
export function spaceTimeWeights(spatial: SpatialWeights, nSteps: number, timeLag: number): SpatialWeights {
  if (!spatial.includesSelf) throw new BaseeratError('VALIDATION', 'spatial.includesSelf must be true for space-time Gi*', { field: 'spatial' });
  if (!Number.isInteger(timeLag) || timeLag < 0) throw new BaseeratError('VALIDATION', `timeLag must be a non-negative integer, got ${timeLag}`, { field: 'timeLag' });
  const nCells = spatial.n;
  const N = nCells * nSteps;
  const offsets = new Int32Array(N + 1);
  for (let t = 0; t < nSteps; t++) {
    const steps = Math.min(t, timeLag) + 1;
    for (let i = 0; i < nCells; i++) {
      const b = t * nCells + i;
      offsets[b + 1] = offsets[b]! + steps * (spatial.offsets[i + 1]! - spatial.offsets[i]!);
    }
  }
  const indices = new Int32Array(offsets[N]!);
  for (let t = 0; t < nSteps; t++) {
    for (let i = 0; i < nCells; i++) {
      let e = offsets[t * nCells + i]!;
      for (let s = Math.max(0, t - timeLag); s <= t; s++) {
        for (let q = spatial.offsets[i]!; q < spatial.offsets[i + 1]!; q++) indices[e++] = s * nCells + spatial.indices[q]!;
      }
    }
  }
  return { n: N, offsets, indices, includesSelf: true };
}

export interface EmergingHotspotOptions {
  grid: CellGrid;
  /** Spatial neighbours. Default 1-ring. */
  neighbours?: NeighbourRule;
  /** Time lag k. Default 1. */
  timeLag?: number;
  /** Significance level for bins (after FDR) and for the trend. Default 0.05. */
  alpha?: number;
  /** Adjust bin p-values by Benjamini-Hochberg. Default true. */
  fdr?: boolean;
}

export interface EmergingHotspotCell {
  id: string;
  category: EmergingHotspotCategory;
  /** Mann-Kendall on the z-scores. */
  tau: number;
  trendP: number;
  /** Gi* z per step. */
  z: number[];
  /** Per step: 1 significant hot, -1 significant cold, 0 not significant. */
  status: number[];
  totalCount: number;
}

export interface EmergingHotspotResult {
  readonly cells: EmergingHotspotCell[];
  readonly summary: { nCells: number; nSteps: number; byCategory: Record<EmergingHotspotCategory, number> };
  readonly caveats: Caveat[];
}

/** Emerging hot spot analysis of a cube (cells, nSteps, values[t * nCells + i]). */
export function analyseEmergingHotspots(
  cube: { readonly cells: readonly string[]; readonly nSteps: number; readonly values: ArrayLike<number>; readonly caveats?: readonly Caveat[] },
  options: EmergingHotspotOptions,
): EmergingHotspotResult {
  const nCells = cube.cells.length;
  const nSteps = cube.nSteps;
  if (cube.values.length !== nCells * nSteps) {
    throw new BaseeratError('VALIDATION', `cube.values has ${cube.values.length} values for ${nCells} cells x ${nSteps} steps`, { field: 'cube.values' });
  }
  if (nSteps < 3) throw new InsufficientDataError(`emerging hot spot analysis needs at least 3 time steps, got ${nSteps}`, { nSteps });
  if (nCells < 3) throw new InsufficientDataError(`emerging hot spot analysis needs at least 3 cells, got ${nCells}`, { nCells });
  const alpha = options.alpha ?? 0.05;
  const timeLag = options.timeLag ?? 1;
  const spatial = cellWeights(cube.cells, options.grid, options.neighbours ?? { kind: 'kring', k: 1 }, true);
  const g = getisOrdGiStar(cube.values, spaceTimeWeights(spatial, nSteps, timeLag));
  const pUse = options.fdr ?? true ? g.pFdr : g.p;
  const caveats: Caveat[] = [...(cube.caveats ?? []), ...g.caveats];
  if (nSteps < 10) caveats.push(caveat('FEW_TIME_STEPS', `only ${nSteps} time steps: ArcGIS advises at least 10 for the trend test and the 90% rules`, nSteps));
  const byCategory = Object.fromEntries(EMERGING_HOTSPOT_CATEGORIES.map((c) => [c, 0])) as Record<EmergingHotspotCategory, number>;
  const cells: EmergingHotspotCell[] = [];
  const z = new Float64Array(nSteps);
  const sig: boolean[] = new Array<boolean>(nSteps);
  let constantSeries = 0;
  for (let i = 0; i < nCells; i++) {
    const status: number[] = [];
    let total = 0;
    for (let t = 0; t < nSteps; t++) {
      const b = t * nCells + i;
      z[t] = g.z[b]!;
      sig[t] = g.defined[b] === 1 && pUse[b]! <= alpha;
      status.push(sig[t] ? Math.sign(z[t]!) : 0);
      total += cube.values[b]!;
    }
    const mk = mannKendall(z);
    if (mk.caveats.some((c) => c.code === 'MANN_KENDALL_CONSTANT')) constantSeries++;
    const category = classifyEmergingHotspot(z, sig, { tau: mk.tau, p: mk.p }, alpha);
    byCategory[category]++;
    cells.push({ id: cube.cells[i]!, category, tau: mk.tau, trendP: mk.p, z: Array.from(z), status, totalCount: total });
  }
  if (constantSeries > 0) caveats.push(caveat('CONSTANT_Z_SERIES', `${constantSeries} cells have the same z-score in every step: no trend can be tested there`, constantSeries));
  caveats.push(
    caveat(
      'MULTIPLE_TESTING',
      options.fdr ?? true
        ? `${nCells * nSteps} cell-steps were tested; significance uses Benjamini-Hochberg adjusted p-values at ${alpha}, but the ${nCells} trend tests are not adjusted`
        : `${nCells * nSteps} cell-steps were tested at ${alpha} without adjustment: many "significant" steps are expected by chance`,
      nCells * nSteps,
    ),
  );
  return { cells, summary: { nCells, nSteps, byCategory }, caveats };
}
