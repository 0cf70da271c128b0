import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coverageMatrixFromLists, coveredWeight, greedyMaximalCoverage, largestRemainder, proportionalPlan, uniformPlan, type CandidateSite } from '../../src/risk/index.js';

const ref = JSON.parse(readFileSync(new URL('../fixtures/reference/allocation-brute-force.json', import.meta.url), 'utf8')) as {
  largestRemainder: { weights: number[]; units: number; alloc: number[] }[];
};

describe('largest remainder apportionment', () => {
  it.each(ref.largestRemainder.map((r) => [r.weights.join(','), r] as const))('matches the Python Hamilton reference for %s', (_k, r) => {
    expect(largestRemainder(r.weights, r.units, r.weights.map(() => 1000))).toEqual(r.alloc);
  });
  it('sums to min(units, Σcaps), respects caps, and stays within one of the capped quota when no cap binds', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 8 }), fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 8, maxLength: 8 }), fc.integer({ min: 0, max: 30 }), (w, capsAll, units) => {
        const caps = capsAll.slice(0, w.length);
        const a = largestRemainder(w, units, caps);
        const total = caps.reduce((x, y) => x + y, 0);
        expect(a.reduce((x, y) => x + y, 0)).toBe(Math.min(units, total));
        a.forEach((v, i) => expect(v).toBeLessThanOrEqual(caps[i]!));
        const sw = w.reduce((x, y) => x + y, 0);
        if (sw > 0 && w.every((x, i) => (units * x) / sw <= caps[i]!)) {
          a.forEach((v, i) => expect(Math.abs(v - (units * w[i]!) / sw)).toBeLessThan(1 + 1e-9));
        }
      }),
      { seed: 42, numRuns: 400 },
    );
  });
  it('a capped district passes its surplus on', () => {
    expect(largestRemainder([90, 10], 5, [2, 10])).toEqual([2, 3]);
  });
});

describe('proportional and uniform plans', () => {
  // Districts A (3 sites), B (2 sites), C (1 site); demand 0..5.
  const sites: CandidateSite[] = [
    { id: 'a1', lat: 0, lon: 0, district: 'A' }, { id: 'a2', lat: 0, lon: 0, district: 'A' }, { id: 'a3', lat: 0, lon: 0, district: 'A' },
    { id: 'b1', lat: 0, lon: 0, district: 'B' }, { id: 'b2', lat: 0, lon: 0, district: 'B' },
    { id: 'c1', lat: 0, lon: 0, district: 'C' },
  ];
  const matrix = coverageMatrixFromLists([[0, 1], [0, 1, 2], [5], [3], [3], [4]], [5, 5, 4, 2, 9, 1]);
  const input = { matrix, sites, units: 3 };
  it('proportional gives units by past counts and posts them at the district sites covering most', () => {
    const p = proportionalPlan(input, { A: 20, B: 1, C: 9 });
    expect(p.unitsByDistrict).toEqual({ A: 2, B: 0, C: 1 });
    expect(p.siteIds).toEqual(['a2', 'a1', 'c1']);
    expect(p.coveredWeight).toBe(coveredWeight(matrix, p.sites));
    expect(p.coveredWeight).toBe(5 + 5 + 4 + 9);
  });
  it('uniform gives one unit per district', () => {
    const u = uniformPlan(input);
    expect(u.unitsByDistrict).toEqual({ A: 1, B: 1, C: 1 });
    expect(u.siteIds).toEqual(['a2', 'b1', 'c1']);
    expect(u.coveredWeight).toBe(14 + 2 + 9);
  });
  it('the greedy plan covers at least as much as both here (proportional misses B), and units that do not fit are reported', () => {
    const g = greedyMaximalCoverage(input);
    expect(g.siteIds).toEqual(['a2', 'c1', 'b1']);
    expect(g.coveredWeight).toBe(14 + 9 + 2);
    expect(g.coveredWeight).toBeGreaterThanOrEqual(proportionalPlan(input, { A: 20, B: 1, C: 9 }).coveredWeight);
    const big = proportionalPlan({ ...input, units: 9 }, { A: 1, B: 1, C: 1 });
    expect(big.unitsPlaced).toBe(6);
    expect(big.caveats.map((c) => c.code)).toContain('allocation.naive-unplaced');
  });
});

describe('uniform plan with fewer units than districts', () => {
  it('gives the spare units to the districts with most past incidents', () => {
    const sites: CandidateSite[] = ['A', 'B', 'C', 'D'].map((d) => ({ id: d, lat: 0, lon: 0, district: d }));
    const matrix = coverageMatrixFromLists([[0], [1], [2], [3]], [1, 2, 3, 4]);
    const u = uniformPlan({ matrix, sites, units: 2 }, { C: 10, A: 5, D: 1 });
    expect(u.unitsByDistrict).toEqual({ C: 1, A: 1, D: 0, B: 0 });
    expect(u.coveredWeight).toBe(4);
  });
});
