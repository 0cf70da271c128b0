/**
 * Scores of a place forecast: which share of the crimes fell in the flagged cells, for how much area.
 *
 * What it answers: given the cells a forecast flagged and the crimes later observed per cell,
 * - hit rate       = n / N: the share of crimes captured;
 * - PAI            = (n / N) / (a / A): hit rate per share of area (Chainey, Tompson and Uhlig 2008).
 *                    1 = no better than flagging at random; NIJ's accuracy score;
 * - PEI            = n / n*: n* is the most crimes the same cells count could have captured (the
 *                    top cells by observed count), so 1 = the best possible choice of that many cells
 *                    (Hunt 2016, the efficiency index);
 * - PEI* (NIJ)     = PAI / PAI*, PAI* = (n* / N) / (a* / A), where the perfect forecast flags the
 *                    densest cells (observed crimes per unit area) within the same area a and never a
 *                    cell without crime, so a* <= a. Our reading of the NIJ rule, which divides by the
 *                    best PAI reachable with the area: it equals PEI when every cell has the same area
 *                    and at least as many cells saw crime as were flagged; it is lower than PEI when
 *                    fewer cells saw crime than were flagged (a perfect forecast would flag less).
 * Units: n, N, n* counts; a, A, a* in squared coordinate units; the indices are ratios.
 * Complexity: O(C log C) for C cells (n* sorts the observed counts).
 * Undefined cases (N = 0, nothing flagged, A = 0) give null with a caveat, never NaN.
 *
 * References: NIJ Real-Time Crime Forecasting Challenge (2017), judging criteria; Chainey, Tompson
 * and Uhlig (2008), "The utility of hotspot mapping for predicting spatial patterns of crime",
 * Security Journal 21; Hunt (2016), "Do crime hot spots move?", NIJ Journal 277.
 */
import { caveat, type Caveat } from '../domain/caveats.js';
import { BaseeratError } from '../domain/errors.js';

export interface PlaceScoreInput {
  /** Crimes observed per cell in the forecast window. */
  readonly observed: ArrayLike<number>;
  /** Indices of the flagged cells (distinct). */
  readonly flagged: ArrayLike<number>;
  /** Area of each cell, or one number when all cells have the same area. */
  readonly cellArea: number | ArrayLike<number>;
  /** Study-area size A. */
  readonly studyArea: number;
  /**
   * Crimes in the study area in the window, N. Defaults to the sum of `observed` over `candidates`
   * (or all cells); give it when some crimes fell outside every cell.
   */
  readonly totalCrimes?: number;
  /** Cells a forecast may flag (the perfect forecast picks among them); default all cells. */
  readonly candidates?: ArrayLike<number>;
}

export interface PlaceScores {
  readonly n: number;
  readonly N: number;
  readonly a: number;
  readonly A: number;
  readonly nStar: number;
  readonly aStar: number;
  readonly hitRate: number | null;
  readonly pai: number | null;
  readonly pei: number | null;
  readonly peiStar: number | null;
  readonly caveats: Caveat[];
}

function areaOf(cellArea: number | ArrayLike<number>, i: number): number {
  return typeof cellArea === 'number' ? cellArea : (cellArea[i] ?? 0);
}

export function placeForecastScores(input: PlaceScoreInput): PlaceScores {
  const { observed, flagged, cellArea, studyArea } = input;
  const caveats: Caveat[] = [];
  if (!(studyArea > 0)) throw new BaseeratError('VALIDATION', `studyArea must be positive, got ${studyArea}`, { field: 'studyArea' });
  const seen = new Set<number>();
  let n = 0;
  let a = 0;
  for (let k = 0; k < flagged.length; k++) {
    const c = flagged[k]!;
    if (!(c >= 0 && c < observed.length) || !Number.isInteger(c)) {
      throw new BaseeratError('VALIDATION', `flagged[${k}] = ${c} is not a cell index in 0..${observed.length - 1}`, { field: 'flagged' });
    }
    if (seen.has(c)) throw new BaseeratError('VALIDATION', `flagged cell ${c} appears twice`, { field: 'flagged' });
    seen.add(c);
    n += observed[c]!;
    a += areaOf(cellArea, c);
  }
  const candidates: number[] = [];
  if (input.candidates === undefined) for (let i = 0; i < observed.length; i++) candidates.push(i);
  else for (let k = 0; k < input.candidates.length; k++) candidates.push(input.candidates[k]!);
  let sumCandidates = 0;
  for (const c of candidates) sumCandidates += observed[c] ?? 0;
  const N = input.totalCrimes ?? sumCandidates;

  // n*: same number of cells, most crimes (PEI). Cells without crime add nothing, so only the
  // (few) cells with crime are sorted.
  const byCount = candidates.filter((c) => observed[c]! > 0).sort((p, q) => observed[q]! - observed[p]! || p - q);
  let nStar = 0;
  for (let k = 0; k < Math.min(flagged.length, byCount.length); k++) nStar += observed[byCount[k]!]!;

  // PEI*: densest cells with crime, within area a.
  const byDensity = candidates.filter((c) => observed[c]! > 0)
    .sort((p, q) => observed[q]! / areaOf(cellArea, q) - observed[p]! / areaOf(cellArea, p) || p - q);
  let nStarDense = 0;
  let aStar = 0;
  const eps = 1e-9 * Math.max(1, a);
  for (const c of byDensity) {
    const ac = areaOf(cellArea, c);
    if (aStar + ac > a + eps) break;
    aStar += ac;
    nStarDense += observed[c]!;
  }

  let hitRate: number | null = null;
  let pai: number | null = null;
  let pei: number | null = null;
  let peiStar: number | null = null;
  if (flagged.length === 0) caveats.push(caveat('NOTHING_FLAGGED', 'no cell was flagged: the scores are undefined'));
  if (N === 0) caveats.push(caveat('NO_CRIMES', 'no crime fell in the study area in the window: hit rate and PAI are undefined'));
  if (N > 0 && flagged.length > 0) {
    hitRate = n / N;
    pai = (n / N) / (a / studyArea);
    if (aStar > 0) {
      const paiStar = (nStarDense / N) / (aStar / studyArea);
      peiStar = pai / paiStar;
    }
  }
  if (nStar > 0) pei = n / nStar;
  else if (flagged.length > 0) caveats.push(caveat('NO_CRIMES_IN_CANDIDATES', 'no candidate cell saw a crime: PEI and PEI* are undefined'));
  return { n, N, a, A: studyArea, nStar, aStar, hitRate, pai, pei, peiStar, caveats };
}

/**
 * Share of crimes captured when the top-ranked cells covering `areaShare` of the candidate area are
 * flagged (cells are taken whole while the area stays within the share).
 */
export function hitRateAtAreaShare(intensity: ArrayLike<number>, observed: ArrayLike<number>, candidates: ArrayLike<number>, areaShare: number): number | null {
  if (!(areaShare >= 0 && areaShare <= 1)) throw new BaseeratError('VALIDATION', `areaShare must be in [0, 1], got ${areaShare}`, { field: 'areaShare' });
  const k = Math.floor(areaShare * candidates.length + 1e-9);
  const ranked = rankCells(intensity, candidates);
  let n = 0;
  let N = 0;
  for (let i = 0; i < candidates.length; i++) N += observed[candidates[i]!] ?? 0;
  for (let i = 0; i < k; i++) n += observed[ranked[i]!] ?? 0;
  return N > 0 ? n / N : null;
}

/** Candidate cells sorted by intensity, highest first; ties by lower index so that runs repeat. */
export function rankCells(intensity: ArrayLike<number>, candidates: ArrayLike<number>): Int32Array {
  const out = Int32Array.from(candidates as ArrayLike<number>);
  const arr = Array.from(out);
  arr.sort((p, q) => (intensity[q] ?? 0) - (intensity[p] ?? 0) || p - q);
  return Int32Array.from(arr);
}

/** Square feet in a square mile (international feet). */
export const SQUARE_FEET_PER_SQUARE_MILE = 5280 * 5280;

/**
 * Number of whole cells whose total area is within [minArea, maxArea] and closest to `target`
 * (`'min'`: the fewest cells reaching minArea, `'max'`: the most cells within maxArea).
 */
export function cellsForAreaBudget(cellArea: number, minArea: number, maxArea: number, target: 'min' | 'max'): number {
  const kMin = Math.ceil(minArea / cellArea - 1e-9);
  const kMax = Math.floor(maxArea / cellArea + 1e-9);
  if (kMin > kMax || kMax < 1) {
    throw new BaseeratError('VALIDATION', `no whole number of cells of area ${cellArea} fits between ${minArea} and ${maxArea}`, { field: 'cellArea' });
  }
  return target === 'min' ? Math.max(1, kMin) : kMax;
}

/**
 * The first `k` cells of `rankCells` without sorting all of them: a native sort of the values finds
 * the k-th largest, then only the cells above it are ordered. O(C log C) native, O(k log k) compared.
 */
export function topRankedCells(intensity: ArrayLike<number>, candidates: ArrayLike<number>, k: number): Int32Array {
  const m = candidates.length;
  if (k >= m) return rankCells(intensity, candidates);
  if (k <= 0) return new Int32Array(0);
  const vals = new Float64Array(m);
  for (let i = 0; i < m; i++) vals[i] = intensity[candidates[i]!] ?? 0;
  vals.sort();
  const threshold = vals[m - k]!;
  const above: number[] = [];
  const at: number[] = [];
  for (let i = 0; i < m; i++) {
    const c = candidates[i]!;
    const v = intensity[c] ?? 0;
    if (v > threshold) above.push(c);
    else if (v === threshold) at.push(c);
  }
  above.sort((p, q) => (intensity[q] ?? 0) - (intensity[p] ?? 0) || p - q);
  at.sort((p, q) => p - q);
  for (let i = 0; above.length < k && i < at.length; i++) above.push(at[i]!);
  return Int32Array.from(above);
}
