import fc from 'fast-check';
import { coverageMatrixFromLists, type CandidateSite, type CoverageMatrix } from '../../src/risk/index.js';

/** A random small instance: covers as lists, integer-ish weights, sites in up to 3 districts. */
export interface SmallInstance {
  matrix: CoverageMatrix;
  sites: CandidateSite[];
  units: number;
}

export const smallInstance = (maxSites = 12, maxUnits = 4): fc.Arbitrary<SmallInstance> =>
  fc
    .record({ nSites: fc.integer({ min: 2, max: maxSites }), nDemand: fc.integer({ min: 1, max: 25 }) })
    .chain(({ nSites, nDemand }) =>
      fc.record({
        weights: fc.array(fc.integer({ min: 0, max: 20 }), { minLength: nDemand, maxLength: nDemand }),
        covers: fc.array(fc.uniqueArray(fc.integer({ min: 0, max: nDemand - 1 }), { maxLength: Math.min(nDemand, 8) }), { minLength: nSites, maxLength: nSites }),
        districts: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: nSites, maxLength: nSites }),
        units: fc.integer({ min: 1, max: Math.min(maxUnits, nSites) }),
      }),
    )
    .map(({ weights, covers, districts, units }) => ({
      matrix: coverageMatrixFromLists(covers, weights),
      sites: districts.map((d, i) => ({ id: `s${i}`, lat: 0, lon: 0, district: `d${d}` })),
      units,
    }));

/** All k-subsets of [0, n), ascending. */
export function* combinations(n: number, k: number, start = 0, prefix: number[] = []): Generator<number[]> {
  if (prefix.length === k) {
    yield [...prefix];
    return;
  }
  for (let i = start; i <= n - (k - prefix.length); i++) {
    prefix.push(i);
    yield* combinations(n, k, i + 1, prefix);
    prefix.pop();
  }
}
