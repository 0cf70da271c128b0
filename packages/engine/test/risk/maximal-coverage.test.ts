import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildCoverageMatrix,
  coveredWeight,
  exactMaximalCoverage,
  greedyMaximalCoverage,
  type AllocationProblem,
  type CandidateSite,
  type DemandPoint,
} from '../../src/risk/index.js';
import { combinations, smallInstance } from './helpers.js';

interface RefInstance {
  seed: number;
  sites: CandidateSite[];
  demand: DemandPoint[];
  radiusKm: number;
  units: number;
  mandatorySiteIds?: string[];
  excludedSiteIds?: string[];
  minUnitsPerDistrict?: Record<string, number>;
  covers: number[][];
  optimum: number;
  greedySites?: number[];
  greedyGains?: number[];
}
const ref = JSON.parse(readFileSync(new URL('../fixtures/reference/allocation-brute-force.json', import.meta.url), 'utf8')) as { instances: RefInstance[] };
const lp = JSON.parse(readFileSync(new URL('../fixtures/reference/allocation-lpsolve.json', import.meta.url), 'utf8')) as { instances: { seed: number; status: number; optimum: number }[] };

function problemOf(inst: RefInstance): AllocationProblem {
  const p: AllocationProblem = { matrix: buildCoverageMatrix(inst.sites, inst.demand, inst.radiusKm), sites: inst.sites, units: inst.units };
  if (inst.mandatorySiteIds) p.mandatorySiteIds = inst.mandatorySiteIds;
  if (inst.excludedSiteIds) p.excludedSiteIds = inst.excludedSiteIds;
  if (inst.minUnitsPerDistrict) p.minUnitsPerDistrict = inst.minUnitsPerDistrict;
  return p;
}

/** Brute force over all K-subsets with every constraint checked: the test's own oracle. */
function bruteForce(p: AllocationProblem): number {
  const ids = p.sites.map((s) => s.id);
  const mand = new Set((p.mandatorySiteIds ?? []).map((id) => ids.indexOf(id)));
  const excl = new Set((p.excludedSiteIds ?? []).map((id) => ids.indexOf(id)));
  let best = -1;
  for (const plan of combinations(p.sites.length, p.units)) {
    if (plan.some((i) => excl.has(i)) || [...mand].some((i) => !plan.includes(i))) continue;
    const short = Object.entries(p.minUnitsPerDistrict ?? {}).some(([d, m]) => plan.filter((i) => p.sites[i]!.district === d).length < m);
    if (short) continue;
    best = Math.max(best, coveredWeight(p.matrix, plan));
  }
  return best;
}

function satisfies(p: AllocationProblem, plan: number[]): boolean {
  const ids = plan.map((i) => p.sites[i]!.id);
  if (new Set(plan).size !== plan.length || plan.length !== p.units) return false;
  if ((p.mandatorySiteIds ?? []).some((id) => !ids.includes(id))) return false;
  if ((p.excludedSiteIds ?? []).some((id) => ids.includes(id))) return false;
  return Object.entries(p.minUnitsPerDistrict ?? {}).every(([d, m]) => plan.filter((i) => p.sites[i]!.district === d).length >= m);
}

describe('coverage matrix against the Python haversine reference', () => {
  it.each(ref.instances.map((i) => [i.seed, i] as const))('instance %i: identical cover lists', (_seed, inst) => {
    const m = buildCoverageMatrix(inst.sites, inst.demand, inst.radiusKm);
    expect(m.covers.map((c) => [...c])).toEqual(inst.covers);
    expect(m.totalWeight).toBe(inst.demand.reduce((a, d) => a + d.weight, 0));
  });
});

describe('exact and greedy against Python brute force and R lpSolve', () => {
  it.each(ref.instances.map((i) => [i.seed, i] as const))('instance %i', (seed, inst) => {
    const p = problemOf(inst);
    const exact = exactMaximalCoverage(p);
    expect(exact.provenOptimal).toBe(true);
    expect(exact.coveredWeight).toBeCloseTo(inst.optimum, 9);
    const lpRow = lp.instances.find((r) => r.seed === seed)!;
    expect(lpRow.status).toBe(0);
    expect(exact.coveredWeight).toBeCloseTo(lpRow.optimum, 6);
    expect(satisfies(p, exact.sites)).toBe(true);
    const greedy = greedyMaximalCoverage(p);
    expect(satisfies(p, greedy.sites)).toBe(true);
    expect(greedy.coveredWeight).toBeLessThanOrEqual(exact.coveredWeight + 1e-9);
    if (inst.greedySites) {
      // Plain greedy in Python (ties to the lower index): the lazy heap must reproduce it exactly.
      expect(greedy.sites).toEqual(inst.greedySites);
      expect(greedy.steps.map((s) => s.marginalGain)).toEqual(inst.greedyGains);
    }
  });
});

describe('properties on random instances (fast-check, fixed seed)', () => {
  it('exact equals brute-force enumeration, and greedy reaches at least (1 - 1/e) of it', () => {
    fc.assert(
      fc.property(smallInstance(12, 4), ({ matrix, sites, units }) => {
        const p: AllocationProblem = { matrix, sites, units };
        const opt = bruteForce(p);
        const exact = exactMaximalCoverage(p);
        expect(exact.coveredWeight).toBeCloseTo(opt, 9);
        expect(coveredWeight(matrix, exact.sites)).toBeCloseTo(opt, 9);
        const greedy = greedyMaximalCoverage(p);
        expect(greedy.coveredWeight).toBeGreaterThanOrEqual((1 - 1 / Math.E) * opt - 1e-9);
        expect(greedy.coveredWeight).toBeCloseTo(coveredWeight(matrix, greedy.sites), 9);
        const gains = greedy.steps.map((s) => s.marginalGain);
        for (let k = 1; k < gains.length; k++) expect(gains[k]!).toBeLessThanOrEqual(gains[k - 1]! + 1e-9);
      }),
      { seed: 20261127, numRuns: 300 },
    );
  });

  it('with mandatory, excluded and district minimums: exact equals brute force, both plans feasible, guarantee holds without minimums', () => {
    fc.assert(
      fc.property(smallInstance(11, 4), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 }), ({ matrix, sites, units }, minD0, minD1) => {
        const p: AllocationProblem = { matrix, sites, units, mandatorySiteIds: ['s0'], excludedSiteIds: sites.length > 2 ? ['s1'] : [], minUnitsPerDistrict: { d0: minD0, d1: minD1 } };
        try {
          greedyMaximalCoverage(p);
        } catch {
          // Infeasible rules must be reported as such: brute force agrees that no plan exists.
          expect(bruteForce(p)).toBe(-1);
          return;
        }
        const opt = bruteForce(p);
        const exact = exactMaximalCoverage(p);
        expect(exact.coveredWeight).toBeCloseTo(opt, 9);
        expect(satisfies(p, exact.sites)).toBe(true);
        const greedy = greedyMaximalCoverage(p);
        expect(satisfies(p, greedy.sites)).toBe(true);
        expect(greedy.coveredWeight).toBeLessThanOrEqual(opt + 1e-9);
        const noMin: AllocationProblem = { ...p, minUnitsPerDistrict: {} };
        const optNoMin = bruteForce(noMin);
        expect(greedyMaximalCoverage(noMin).coveredWeight).toBeGreaterThanOrEqual((1 - 1 / Math.E) * optNoMin - 1e-9);
      }),
      { seed: 7, numRuns: 250 },
    );
  });

  it('the greedy plan does not depend on the order of the demand points', () => {
    fc.assert(
      fc.property(smallInstance(10, 3), fc.integer({ min: 1, max: 1000 }), ({ matrix, sites, units }, shift) => {
        const n = matrix.nDemand;
        const perm = Array.from({ length: n }, (_, j) => (j + shift) % n);
        const inv = new Array<number>(n);
        perm.forEach((old, neu) => { inv[old] = neu; });
        const permuted = { ...matrix, weights: Float64Array.from(perm.map((old) => matrix.weights[old]!)), covers: matrix.covers.map((c) => Int32Array.from([...c].map((j) => inv[j]!)).sort()) };
        const a = greedyMaximalCoverage({ matrix, sites, units });
        const b = greedyMaximalCoverage({ matrix: permuted, sites, units });
        expect(b.coveredWeight).toBeCloseTo(a.coveredWeight, 9);
      }),
      { seed: 3, numRuns: 100 },
    );
  });
});

describe('constraints and errors', () => {
  const inst = ref.instances[0]!;
  const base = problemOf(inst);
  it('mandatory sites come first and are marked', () => {
    const g = greedyMaximalCoverage({ ...base, mandatorySiteIds: ['s5'] });
    expect(g.steps[0]).toMatchObject({ siteId: 's5', reason: 'mandatory' });
    expect(g.sites).toHaveLength(inst.units);
  });
  it('a district minimum that binds is met through district-minimum steps, with a caveat', () => {
    const g = greedyMaximalCoverage({ ...base, minUnitsPerDistrict: { d1: 3 } });
    expect(g.sites.filter((i) => inst.sites[i]!.district === 'd1')).toHaveLength(3);
    expect(g.caveats.map((c) => c.code)).toContain('allocation.district-minimums');
  });
  it('infeasible rules throw errors naming the rule', () => {
    expect(() => greedyMaximalCoverage({ ...base, mandatorySiteIds: ['s1'], excludedSiteIds: ['s1'] })).toThrow(/both mandatory and excluded/);
    expect(() => greedyMaximalCoverage({ ...base, minUnitsPerDistrict: { d0: 2, d1: 2 } })).toThrow(/minUnitsPerDistrict|district minimums/);
    expect(() => greedyMaximalCoverage({ ...base, mandatorySiteIds: ['nowhere'] })).toThrow(/"nowhere"/);
    expect(() => greedyMaximalCoverage({ ...base, units: 13 })).toThrow(/units = 13/);
    expect(() => buildCoverageMatrix(inst.sites, inst.demand, 0)).toThrow(/radiusKm/);
  });
  it('a node budget that is too small returns the best plan found, flagged as not proven', () => {
    const e = exactMaximalCoverage(problemOf(ref.instances[2]!), { maxNodes: 3 });
    expect(e.provenOptimal).toBe(false);
    expect(e.caveats.map((c) => c.code)).toContain('allocation.exact-budget');
    expect(e.sites).toHaveLength(ref.instances[2]!.units);
  });
});
