/**
 * Coverage matrix: which demand points each candidate site covers within a radius.
 *
 * What it answers: for a unit posted at site i, which demand points (past incidents, weighted by
 * expected harm) lie within `radiusKm` great-circle kilometres. Every allocation method in this
 * folder (greedy, exact, naive plans, randomised schedule) reads this one matrix, so a covered
 * weight is the same number wherever it appears.
 * Units: degrees in; radius in km (haversine, mean Earth radius); weights in the caller's harm
 * units (e.g. 1 + people killed).
 * Complexity: O(sites × demand) distance evaluations, O(sites × demand) memory in the worst case
 * (sparse lists: only covered pairs are kept). A bounding-box test in latitude skips most
 * haversine calls when points are spread out.
 * How to read it: `covers[i]` lists the demand indices within reach of site i, ascending;
 * `coveredWeight(matrix, plan)` is the total weight of the demand points covered at least once by
 * the sites in `plan` (a point covered twice counts once: the maximal covering objective).
 * Reference: R. Church and C. ReVelle (1974), "The maximal covering location problem", Papers of
 * the Regional Science Association 32; haversine as in engine/link. Checked against the Python
 * brute force `scripts/reference/allocation-brute-force.py`.
 */
import { BaseeratError } from '../domain/errors.js';
import { EARTH_RADIUS_KM, haversineDistanceKm } from '../link/haversine-distance.js';

export interface DemandPoint {
  lat: number;
  lon: number;
  /** Expected harm at the point (>= 0), e.g. 1 + people killed. */
  weight: number;
}

export interface CandidateSite {
  id: string;
  lat: number;
  lon: number;
  /** District the site belongs to: used by per-district minimums and by the naive plans. */
  district?: string;
  /**
   * Most units the site can host (default 1). Coverage is a set function, so a second unit at the
   * same site covers nothing new: the optimisers post at most one unit per site; only the naive
   * plans stack units when a district has fewer sites than units.
   */
  capacity?: number;
}

export interface CoverageMatrix {
  /** Absent when the matrix was built from explicit cover lists. */
  radiusKm?: number;
  nSites: number;
  nDemand: number;
  /** Demand weights, copied. */
  weights: Float64Array;
  /** covers[i]: ascending demand indices within radiusKm of site i. */
  covers: Int32Array[];
  /** Total demand weight (the most any plan could cover). */
  totalWeight: number;
}

function checkFinite(value: number, field: string): void {
  if (!Number.isFinite(value)) throw new BaseeratError('VALIDATION', `${field} must be finite, got ${value}`, { field });
}

export function buildCoverageMatrix(sites: readonly CandidateSite[], demand: readonly DemandPoint[], radiusKm: number): CoverageMatrix {
  if (!(radiusKm > 0) || !Number.isFinite(radiusKm)) throw new BaseeratError('VALIDATION', `radiusKm must be a finite number > 0, got ${radiusKm}`, { field: 'radiusKm' });
  const weights = new Float64Array(demand.length);
  let totalWeight = 0;
  demand.forEach((d, j) => {
    checkFinite(d.lat, `demand[${j}].lat`);
    checkFinite(d.lon, `demand[${j}].lon`);
    if (!(d.weight >= 0) || !Number.isFinite(d.weight)) throw new BaseeratError('VALIDATION', `demand[${j}].weight must be finite and >= 0, got ${d.weight}`, { field: `demand[${j}].weight` });
    weights[j] = d.weight;
    totalWeight += d.weight;
  });
  // A degree of latitude is at least this many km: points further apart in latitude cannot be covered.
  const latSlack = (radiusKm / (EARTH_RADIUS_KM * Math.PI / 180)) * 1.000001;
  const covers = sites.map((s, i) => {
    checkFinite(s.lat, `sites[${i}].lat`);
    checkFinite(s.lon, `sites[${i}].lon`);
    const list: number[] = [];
    for (let j = 0; j < demand.length; j++) {
      const d = demand[j]!;
      if (Math.abs(d.lat - s.lat) > latSlack) continue;
      if (haversineDistanceKm(s.lat, s.lon, d.lat, d.lon) <= radiusKm) list.push(j);
    }
    return Int32Array.from(list);
  });
  return { radiusKm, nSites: sites.length, nDemand: demand.length, weights, covers, totalWeight };
}

/** Build a matrix directly from cover lists (tests, and callers with their own notion of reach). */
export function coverageMatrixFromLists(covers: readonly (readonly number[])[], weights: readonly number[]): CoverageMatrix {
  let totalWeight = 0;
  weights.forEach((w, j) => {
    if (!(w >= 0) || !Number.isFinite(w)) throw new BaseeratError('VALIDATION', `weights[${j}] must be finite and >= 0, got ${w}`, { field: `weights[${j}]` });
    totalWeight += w;
  });
  const lists = covers.map((c, i) => {
    for (const j of c) {
      if (!Number.isInteger(j) || j < 0 || j >= weights.length) throw new BaseeratError('VALIDATION', `covers[${i}] holds ${j}, not a demand index in [0, ${weights.length})`, { field: `covers[${i}]` });
    }
    return Int32Array.from(new Set(c)).sort();
  });
  return { nSites: covers.length, nDemand: weights.length, weights: Float64Array.from(weights), covers: lists, totalWeight };
}

/** Total weight of the demand points covered at least once by the sites in `plan` (site indices). */
export function coveredWeight(matrix: CoverageMatrix, plan: readonly number[]): number {
  const seen = new Uint8Array(matrix.nDemand);
  let total = 0;
  for (const i of plan) {
    const c = matrix.covers[i];
    if (c === undefined) throw new BaseeratError('VALIDATION', `plan holds site index ${i}, not in [0, ${matrix.nSites})`, { field: 'plan' });
    for (const j of c) {
      if (seen[j] === 0) {
        seen[j] = 1;
        total += matrix.weights[j]!;
      }
    }
  }
  return total;
}

/** Weight each site covers on its own (its value if it were the only unit). */
export function standaloneWeights(matrix: CoverageMatrix): Float64Array {
  const out = new Float64Array(matrix.nSites);
  matrix.covers.forEach((c, i) => {
    let s = 0;
    for (const j of c) s += matrix.weights[j]!;
    out[i] = s;
  });
  return out;
}
