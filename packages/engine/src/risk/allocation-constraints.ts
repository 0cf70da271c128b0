/**
 * The constraints shared by the allocation optimisers, checked once and resolved to indices.
 *
 * What it answers: given K units and the commander's rules (sites that must be staffed, sites that
 * must not, a minimum number of units per district), is there any feasible plan, and which sites
 * may the optimiser still choose. Errors name the rule and the value that make the problem
 * infeasible, so the officer can relax it.
 * Complexity: O(sites + rules).
 */
import { BaseeratError } from '../domain/errors.js';
import type { CandidateSite, CoverageMatrix } from './coverage-matrix.js';

export interface AllocationProblem {
  matrix: CoverageMatrix;
  sites: readonly CandidateSite[];
  /** Number of units K to post (one per site). */
  units: number;
  /** Site ids that must be in every plan (they count towards K and towards district minimums). */
  mandatorySiteIds?: readonly string[];
  /** Site ids that no plan may use. */
  excludedSiteIds?: readonly string[];
  /** District name -> minimum number of units in that district. */
  minUnitsPerDistrict?: Readonly<Record<string, number>>;
}

export interface ResolvedConstraints {
  units: number;
  /** 1 if the site may be chosen by the optimiser (not excluded, not already mandatory). */
  free: Uint8Array;
  mandatory: number[];
  /** District index of each site, -1 when the site has no district. */
  districtOf: Int32Array;
  districts: string[];
  /** Units still owed to each district after the mandatory sites. */
  deficit: Int32Array;
}

export function resolveConstraints(p: AllocationProblem): ResolvedConstraints {
  const { matrix, sites, units } = p;
  if (sites.length !== matrix.nSites) throw new BaseeratError('VALIDATION', `sites has ${sites.length} entries but the coverage matrix has ${matrix.nSites}`, { field: 'sites' });
  if (!Number.isInteger(units) || units < 0) throw new BaseeratError('VALIDATION', `units must be an integer >= 0, got ${units}`, { field: 'units' });
  const index = new Map<string, number>();
  sites.forEach((s, i) => {
    if (index.has(s.id)) throw new BaseeratError('VALIDATION', `sites[${i}].id "${s.id}" is duplicated`, { field: `sites[${i}].id` });
    index.set(s.id, i);
  });
  const lookup = (id: string, field: string): number => {
    const i = index.get(id);
    if (i === undefined) throw new BaseeratError('VALIDATION', `${field} names site "${id}", which is not a candidate site`, { field });
    return i;
  };
  const free = new Uint8Array(sites.length).fill(1);
  for (const id of p.excludedSiteIds ?? []) free[lookup(id, 'excludedSiteIds')] = 0;
  const mandatory: number[] = [];
  for (const id of new Set(p.mandatorySiteIds ?? [])) {
    const i = lookup(id, 'mandatorySiteIds');
    if (free[i] === 0) throw new BaseeratError('VALIDATION', `site "${id}" is both mandatory and excluded`, { field: 'mandatorySiteIds' });
    free[i] = 0;
    mandatory.push(i);
  }
  if (mandatory.length > units) throw new BaseeratError('VALIDATION', `${mandatory.length} mandatory sites exceed units = ${units}`, { field: 'units' });

  const districts: string[] = [];
  const dIndex = new Map<string, number>();
  const districtOf = new Int32Array(sites.length).fill(-1);
  sites.forEach((s, i) => {
    if (s.district === undefined) return;
    let d = dIndex.get(s.district);
    if (d === undefined) {
      d = districts.length;
      districts.push(s.district);
      dIndex.set(s.district, d);
    }
    districtOf[i] = d;
  });
  const deficit = new Int32Array(districts.length);
  for (const [name, min] of Object.entries(p.minUnitsPerDistrict ?? {})) {
    if (!Number.isInteger(min) || min < 0) throw new BaseeratError('VALIDATION', `minUnitsPerDistrict["${name}"] must be an integer >= 0, got ${min}`, { field: `minUnitsPerDistrict.${name}` });
    const d = dIndex.get(name);
    if (d === undefined) {
      if (min > 0) throw new BaseeratError('VALIDATION', `minUnitsPerDistrict names district "${name}", where no candidate site lies`, { field: `minUnitsPerDistrict.${name}` });
      continue;
    }
    deficit[d] = min;
  }
  for (const i of mandatory) {
    const d = districtOf[i]!;
    if (d >= 0 && deficit[d]! > 0) deficit[d] = deficit[d]! - 1;
  }
  const freeIn = new Int32Array(districts.length);
  let nFree = 0;
  free.forEach((f, i) => {
    if (f === 0) return;
    nFree++;
    const d = districtOf[i]!;
    if (d >= 0) freeIn[d] = freeIn[d]! + 1;
  });
  let owed = 0;
  deficit.forEach((need, d) => {
    if (need > freeIn[d]!) throw new BaseeratError('VALIDATION', `district "${districts[d]}" needs ${need} more units but has ${freeIn[d]} eligible sites`, { field: `minUnitsPerDistrict.${districts[d]}` });
    owed += need;
  });
  const slots = units - mandatory.length;
  if (owed > slots) throw new BaseeratError('VALIDATION', `district minimums need ${owed} units beyond the ${mandatory.length} mandatory sites, but only ${slots} of units = ${units} remain`, { field: 'minUnitsPerDistrict' });
  if (slots > nFree) throw new BaseeratError('VALIDATION', `units = ${units} but only ${mandatory.length + nFree} sites are eligible (one unit per site)`, { field: 'units' });
  return { units, free, mandatory, districtOf, districts, deficit };
}
