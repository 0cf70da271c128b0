import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SeededRng } from '../../src/random/index.js';
import { blendProbabilities, planProbabilities, drawSchedule, exactMaximalCoverage, greedyMaximalCoverage, inclusionProbabilities, standaloneWeights, summariseSchedule, buildCoverageMatrix, type CandidateSite, type DemandPoint } from '../../src/risk/index.js';

const ref = JSON.parse(readFileSync(new URL('../fixtures/reference/allocation-brute-force.json', import.meta.url), 'utf8')) as {
  inclusion: { scores: number[]; units: number; pi: number[] }[];
  instances: { sites: CandidateSite[]; demand: DemandPoint[]; radiusKm: number; units: number }[];
};

describe('inclusion probabilities (cap and redistribute)', () => {
  it.each(ref.inclusion.map((r, k) => [k, r] as const))('case %i matches the Python reference', (_k, r) => {
    const { probabilities } = inclusionProbabilities(r.scores, r.units);
    r.pi.forEach((p, i) => expect(probabilities[i]).toBeCloseTo(p, 12));
  });
  it('sum to K, lie in [0, 1], keep the order of the scores', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 1, maxLength: 30 }), fc.integer({ min: 0, max: 30 }), (scores, k) => {
        const units = Math.min(k, scores.length);
        const { probabilities: pi } = inclusionProbabilities(scores, units);
        expect(pi.reduce((a, b) => a + b, 0)).toBeCloseTo(units, 9);
        pi.forEach((p) => { expect(p).toBeGreaterThanOrEqual(0); expect(p).toBeLessThanOrEqual(1 + 1e-12); });
        for (let i = 0; i < scores.length; i++) for (let j = 0; j < scores.length; j++) if (scores[i]! > scores[j]!) expect(pi[i]!).toBeGreaterThanOrEqual(pi[j]! - 1e-12);
      }),
      { seed: 99, numRuns: 300 },
    );
  });
  it('fewer positive scores than units: zero-score sites share the rest, with a caveat', () => {
    const r = inclusionProbabilities([5, 0, 0, 0], 2);
    expect([...r.probabilities]).toEqual([1, 1 / 3, 1 / 3, 1 / 3]);
    expect(r.caveats[0]!.code).toBe('schedule.zero-score-sites');
  });
});

describe('systematic sampling draws', () => {
  it('every draw holds exactly K distinct sites, never one with probability 0', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 10, noNaN: true }), { minLength: 1, maxLength: 25 }), fc.integer({ min: 1, max: 8 }), fc.integer(), (scores, k, seed) => {
        const units = Math.min(k, scores.length);
        const { probabilities } = inclusionProbabilities(scores, units);
        const rng = new SeededRng(seed);
        for (let t = 0; t < 20; t++) {
          const d = drawSchedule(probabilities, rng);
          expect(d).toHaveLength(units);
          expect(new Set(d).size).toBe(units);
          d.forEach((i) => expect(probabilities[i]!).toBeGreaterThan(0));
        }
      }),
      { seed: 5, numRuns: 120 },
    );
  });
  it('site frequencies over 20,000 draws match π within 4.5 binomial standard errors', () => {
    const scores = [9, 7, 5, 4, 3, 3, 2, 1, 1, 0.5, 0.2, 30];
    const { probabilities } = inclusionProbabilities(scores, 4);
    const rng = new SeededRng('schedule-frequencies');
    const n = 20_000;
    const count = new Array<number>(scores.length).fill(0);
    for (let t = 0; t < n; t++) for (const i of drawSchedule(probabilities, rng)) count[i]! += 1;
    probabilities.forEach((p, i) => {
      const se = Math.sqrt((p * (1 - p)) / n);
      expect(Math.abs(count[i]! / n - p)).toBeLessThanOrEqual(4.5 * se + 1e-12);
    });
    expect(probabilities[11]).toBe(1);
    expect(count[11]).toBe(n);
  });
  it('the same seed gives the same schedule', () => {
    const { probabilities } = inclusionProbabilities([1, 2, 3, 4, 5], 2);
    const a = [0, 1, 2].map(() => drawSchedule(probabilities, new SeededRng(1)));
    expect(a[1]).toEqual(a[0]);
  });
});

describe('expected covered harm of the mixed strategy against the greedy plan', () => {
  it('lies below both the exact optimum and the coverage-probability upper bound, and the frequencies match π', () => {
    const inst = ref.instances[1]!;
    const matrix = buildCoverageMatrix(inst.sites, inst.demand, inst.radiusKm);
    const problem = { matrix, sites: inst.sites, units: inst.units };
    const greedy = greedyMaximalCoverage(problem);
    const opt = exactMaximalCoverage(problem).coveredWeight;
    const { probabilities } = inclusionProbabilities(standaloneWeights(matrix), inst.units);
    const s = summariseSchedule(matrix, probabilities, greedy.sites, 5000, new SeededRng('price'));
    expect(s.pureCoveredWeight).toBe(greedy.coveredWeight);
    expect(s.expectedCoveredWeight).toBeLessThanOrEqual(opt);
    expect(s.expectedCoveredWeight).toBeLessThanOrEqual(s.upperBound + 3 * s.standardError);
    expect(s.priceOfUnpredictability).toBeCloseTo(1 - s.expectedCoveredWeight / greedy.coveredWeight, 12);
    expect(s.priceOfUnpredictability).toBeGreaterThan(0);
    probabilities.forEach((p, i) => expect(Math.abs(s.frequencies[i]! - p)).toBeLessThanOrEqual(4.5 * Math.sqrt((p * (1 - p)) / 5000) + 1e-12));
  });
  it('a degenerate schedule (π in {0, 1}) is the pure plan every time', () => {
    const inst = ref.instances[0]!;
    const matrix = buildCoverageMatrix(inst.sites, inst.demand, inst.radiusKm);
    const greedy = greedyMaximalCoverage({ matrix, sites: inst.sites, units: inst.units });
    const pi = new Float64Array(matrix.nSites);
    for (const i of greedy.sites) pi[i] = 1;
    const s = summariseSchedule(matrix, pi, greedy.sites, 50, new SeededRng(2));
    expect(s.expectedCoveredWeight).toBe(greedy.coveredWeight);
    expect(s.standardError).toBe(0);
    expect(s.priceOfUnpredictability).toBe(0);
  });
});

describe('unpredictability dial', () => {
  it('blending the greedy plan with a risk vector keeps Σπ = K, π in [0, 1], and endpoints are the inputs', () => {
    const a = planProbabilities([0, 2], 5);
    const { probabilities: b } = inclusionProbabilities([5, 4, 3, 2, 1], 2);
    for (const alpha of [0, 0.3, 1]) {
      const pi = blendProbabilities(a, b, alpha);
      expect(pi.reduce((x, y) => x + y, 0)).toBeCloseTo(2, 12);
      pi.forEach((p) => { expect(p).toBeGreaterThanOrEqual(0); expect(p).toBeLessThanOrEqual(1); });
    }
    expect([...blendProbabilities(a, b, 0)]).toEqual([...a]);
    expect([...blendProbabilities(a, b, 1)]).toEqual([...b]);
    expect(() => blendProbabilities(a, b, 1.5)).toThrow(/alpha/);
  });
});
