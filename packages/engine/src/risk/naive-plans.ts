/**
 * Naive allocation plans, the baselines a staff officer would draw: units per district
 * proportional to past incident counts, or the same number in every district.
 *
 * What it answers: how much harm the plans an optimiser replaces would have covered, so a report
 * can quote optimised / proportional and optimised / uniform on the same demand.
 * Method: (1) units per district by the largest-remainder (Hamilton) method on the district
 * weights (past counts, or 1 each for uniform), each district capped at the units its eligible
 * sites can host (Σ capacity, default 1 per site), capped districts fixed and the rest
 * re-apportioned; ties in remainders go to the district with more past incidents, then to the
 * one listed first. (2) Within a district the
 * units go to its sites in order of the harm each covers on its own (largest first), one per site
 * before any site gets a second unit. That second step already uses the demand, so the baselines
 * are stronger than a pure rule of thumb and the ratios against the optimiser are conservative.
 * Sites with no district are not used by these plans.
 * Complexity: O(sites log sites + districts²).
 * Reference: M. L. Balinski and H. P. Young (2001), Fair Representation (largest remainder).
 */
import { BaseeratError } from '../domain/errors.js';
import { caveat, type Caveat } from '../domain/caveats.js';
import { coveredWeight, standaloneWeights, type CandidateSite, type CoverageMatrix } from './coverage-matrix.js';

export interface NaivePlanInput {
  matrix: CoverageMatrix;
  sites: readonly CandidateSite[];
  units: number;
  excludedSiteIds?: readonly string[];
}

export interface NaivePlan {
  rule: 'proportional' | 'uniform';
  unitsByDistrict: Record<string, number>;
  /** Distinct site indices staffed (a stacked site appears once). */
  sites: number[];
  siteIds: string[];
  unitsPlaced: number;
  coveredWeight: number;
  totalWeight: number;
  coveredShare: number;
  caveats: Caveat[];
}

/**
 * Largest-remainder apportionment of `units` over `weights` with integer `caps`.
 * Returns integers with Σ = min(units, Σ caps). Zero-weight entries get units only when the
 * positive-weight ones are full (then evenly, by the same rule).
 */
export function largestRemainder(weights: readonly number[], units: number, caps: readonly number[]): number[] {
  const n = weights.length;
  if (caps.length !== n) throw new BaseeratError('VALIDATION', `caps has ${caps.length} entries, weights ${n}`, { field: 'caps' });
  if (!Number.isInteger(units) || units < 0) throw new BaseeratError('VALIDATION', `units must be an integer >= 0, got ${units}`, { field: 'units' });
  weights.forEach((w, i) => {
    if (!(w >= 0) || !Number.isFinite(w)) throw new BaseeratError('VALIDATION', `weights[${i}] must be finite and >= 0, got ${w}`, { field: `weights[${i}]` });
    const c = caps[i]!;
    if (!Number.isInteger(c) || c < 0) throw new BaseeratError('VALIDATION', `caps[${i}] must be an integer >= 0, got ${c}`, { field: `caps[${i}]` });
  });
  const out = new Array<number>(n).fill(0);
  let left = Math.min(units, caps.reduce((a, b) => a + b, 0));
  // First the positive weights, then (if they fill up) the zero weights as if equal.
  for (const pass of [(i: number) => weights[i]! > 0, (i: number) => !(weights[i]! > 0)]) {
    if (left === 0) break;
    const members = Array.from({ length: n }, (_, i) => i).filter(pass);
    const w = (i: number): number => (weights[i]! > 0 ? weights[i]! : 1);
    const room = members.reduce((a, i) => a + caps[i]!, 0);
    const give = Math.min(left, room);
    if (give === 0) continue;
    const quota = new Map<number, number>();
    const fixed = new Set<number>();
    for (;;) {
      const fixedUnits = [...fixed].reduce((a, i) => a + caps[i]!, 0);
      const freeW = members.filter((i) => !fixed.has(i)).reduce((a, i) => a + w(i), 0);
      const c = (give - fixedUnits) / freeW;
      let changed = false;
      for (const i of members) {
        if (fixed.has(i)) continue;
        if (c * w(i) >= caps[i]!) {
          fixed.add(i);
          changed = true;
        }
      }
      if (!changed) {
        for (const i of members) quota.set(i, fixed.has(i) ? caps[i]! : c * w(i));
        break;
      }
    }
    let given = 0;
    for (const i of members) {
      const f = Math.floor(quota.get(i)! + 1e-9);
      out[i] = f;
      given += f;
    }
    const byRemainder = [...members].sort((a, b) => (quota.get(b)! - out[b]!) - (quota.get(a)! - out[a]!) || a - b);
    for (const i of byRemainder) {
      if (given >= give) break;
      if (out[i]! < caps[i]!) {
        out[i] = out[i]! + 1;
        given++;
      }
    }
    left -= given;
  }
  return out;
}

function naivePlan(rule: NaivePlan['rule'], input: NaivePlanInput, weightOf: (district: string) => number, tieBreak: Readonly<Record<string, number>> = {}): NaivePlan {
  const { matrix, sites, units } = input;
  if (sites.length !== matrix.nSites) throw new BaseeratError('VALIDATION', `sites has ${sites.length} entries but the coverage matrix has ${matrix.nSites}`, { field: 'sites' });
  const excluded = new Set(input.excludedSiteIds ?? []);
  const solo = standaloneWeights(matrix);
  const byDistrict = new Map<string, number[]>();
  let noDistrict = 0;
  sites.forEach((s, i) => {
    if (excluded.has(s.id)) return;
    if (s.district === undefined) { noDistrict++; return; }
    const list = byDistrict.get(s.district) ?? [];
    list.push(i);
    byDistrict.set(s.district, list);
  });
  // Equal remainders go to the district listed first: list by the tie-break counts (descending), then by first appearance.
  const districts = [...byDistrict.keys()].sort((a, b) => (tieBreak[b] ?? 0) - (tieBreak[a] ?? 0));
  for (const list of byDistrict.values()) list.sort((a, b) => solo[b]! - solo[a]! || a - b);
  const capOf = (i: number): number => {
    const c = sites[i]!.capacity ?? 1;
    if (!Number.isInteger(c) || c < 0) throw new BaseeratError('VALIDATION', `sites[${i}].capacity must be an integer >= 0, got ${c}`, { field: `sites[${i}].capacity` });
    return c;
  };
  const caps = districts.map((d) => byDistrict.get(d)!.reduce((a, i) => a + capOf(i), 0));
  const alloc = largestRemainder(districts.map(weightOf), units, caps);
  const unitsByDistrict: Record<string, number> = {};
  const chosen: number[] = [];
  let placed = 0;
  districts.forEach((d, k) => {
    const u = alloc[k]!;
    unitsByDistrict[d] = u;
    placed += u;
    const list = byDistrict.get(d)!;
    // One unit per site first (a second unit at a site covers nothing new), then stack.
    const staffed = list.filter((i) => capOf(i) > 0).slice(0, u);
    chosen.push(...staffed);
  });
  const caveats: Caveat[] = [];
  if (placed < units) caveats.push(caveat('allocation.naive-unplaced', `${units - placed} of ${units} units could not be placed: the districts' sites are full`, units - placed));
  if (noDistrict > 0) caveats.push(caveat('allocation.naive-no-district', `${noDistrict} candidate sites have no district and are not used by the ${rule} plan`, noDistrict));
  const value = coveredWeight(matrix, chosen);
  return {
    rule,
    unitsByDistrict,
    sites: chosen,
    siteIds: chosen.map((i) => sites[i]!.id),
    unitsPlaced: placed,
    coveredWeight: value,
    totalWeight: matrix.totalWeight,
    coveredShare: matrix.totalWeight > 0 ? value / matrix.totalWeight : 0,
    caveats,
  };
}

/** Units per district proportional to past incident counts (districts absent from `pastCounts` count 0). */
export function proportionalPlan(input: NaivePlanInput, pastCounts: Readonly<Record<string, number>>): NaivePlan {
  return naivePlan('proportional', input, (d) => pastCounts[d] ?? 0, pastCounts);
}

/**
 * The same number of units in every district that has an eligible site. When K is not a multiple
 * of the number of districts the extra units go to the districts with most past incidents
 * (`tieBreakCounts`), else to those listed first.
 */
export function uniformPlan(input: NaivePlanInput, tieBreakCounts: Readonly<Record<string, number>> = {}): NaivePlan {
  return naivePlan('uniform', input, () => 1, tieBreakCounts);
}
