import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { confidenceBin, getisOrdGiStar } from '../../src/stats/getis-ord-gi-star.js';
import { benjaminiHochberg } from '../../src/stats/benjamini-hochberg.js';
import { twoSidedNormalPValue } from '../../src/stats/normal-distribution.js';
import { SeededRng } from '../../src/random/seeded-rng.js';
import { regularGridWeights, weightsFromNeighbourLists } from '../../src/stats/spatial-weights.js';
import { expectClose, loadHotspotFixture, type UcdpInput } from './hotspots-fixtures.js';

interface Gi {
  z: number[];
  p: number[];
  pBH: number[];
}
const ref = loadHotspotFixture<{ giStarCounts: Gi; giStarDeaths: Gi }>('hotspots-spdep.json');
const inp = loadHotspotFixture<UcdpInput>('hotspots-ucdp-input.json');
const nbSelf = weightsFromNeighbourLists(inp.nbSelf, true);

describe('Getis-Ord Gi* (reference: spdep 1.2-7 localG, include.self, style B, UCDP Balochistan H3 res 6)', () => {
  for (const [name, x, r] of [
    ['event counts', inp.counts, ref.giStarCounts],
    ['deaths (harm)', inp.deaths, ref.giStarDeaths],
  ] as const) {
    it(`z, p and BH-adjusted p equal spdep on ${name} (713 cells)`, () => {
      const g = getisOrdGiStar(x, nbSelf);
      expectClose(g.z, r.z, { abs: 1e-9 }, 'z');
      expectClose(g.p, r.p, { abs: 1e-12, rel: 1e-9 }, 'p');
      expectClose(g.pFdr, r.pBH, { abs: 1e-12, rel: 1e-9 }, 'pBH');
      expect(g.defined.every((d) => d === 1)).toBe(true);
      expect(g.caveats).toEqual([]);
      // the real data do have hot spots; the FDR map is never more permissive than the raw one
      expect(g.bin.some((b) => b === 3)).toBe(true);
      g.binFdr.forEach((b, i) => expect(Math.abs(b)).toBeLessThanOrEqual(Math.abs(g.bin[i]!)));
    });
  }
  it('bins follow ArcGIS Gi_Bin thresholds', () => {
    const g = getisOrdGiStar(inp.counts, nbSelf);
    g.z.forEach((z, i) => {
      const p = g.p[i]!;
      const expected = p <= 0.01 ? 3 : p <= 0.05 ? 2 : p <= 0.1 ? 1 : 0;
      expect(g.bin[i]).toBe(Math.sign(z) * expected || 0);
    });
  });
  it('a neighbourhood covering every cell is a caveat, not NaN', () => {
    const n = 5;
    const all = Array.from({ length: n }, () => [0, 1, 2, 3, 4]);
    const g = getisOrdGiStar([1, 2, 3, 4, 9], weightsFromNeighbourLists(all, true));
    expect(Array.from(g.z).every(Number.isFinite)).toBe(true);
    expect(Array.from(g.defined)).toEqual([0, 0, 0, 0, 0]);
    expect(g.caveats.map((c) => c.code)).toEqual(['GI_STAR_UNDEFINED']);
    expect(g.caveats[0]!.count).toBe(5);
  });
  it('all-equal values give a caveat and no hot spot', () => {
    const g = getisOrdGiStar(new Float64Array(9).fill(2), regularGridWeights(3, 3, 'queen', { includeSelf: true }));
    expect(g.caveats[0]!.code).toBe('GI_STAR_CONSTANT_VALUES');
    expect(Array.from(g.bin).every((b) => b === 0)).toBe(true);
    expect(Array.from(g.p).every((p) => p === 1)).toBe(true);
  });
  it('rejects weights without self and non-finite values', () => {
    expect(() => getisOrdGiStar([1, 2, 3, 4], regularGridWeights(2, 2))).toThrow(/includesSelf/);
    expect(() => getisOrdGiStar([1, Number.NaN, 3, 4], regularGridWeights(2, 2, 'queen', { includeSelf: true }))).toThrow(/x\[1\]/);
  });
  it('invariant: z is unchanged by a positive affine change of x (counts vs rates)', () => {
    const w = regularGridWeights(6, 7, 'queen', { includeSelf: true });
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 42, maxLength: 42 }), fc.double({ min: 0.1, max: 100, noNaN: true }), fc.double({ min: -50, max: 50, noNaN: true }), (x, a, b) => {
        if (new Set(x).size < 2) return;
        const g1 = getisOrdGiStar(x, w);
        const g2 = getisOrdGiStar(x.map((v) => a * v + b), w);
        expectClose(g2.z, g1.z, { abs: 1e-8 }, 'affine');
      }),
      { seed: 7, numRuns: 100 },
    );
  });
  it('p and BH-adjusted p equal the per-cell computation exactly, on the grouped path (ties) and the fallback (distinct z)', () => {
    const check = (x: Float64Array, w: ReturnType<typeof regularGridWeights>): void => {
      const g = getisOrdGiStar(x, w);
      const idx = Array.from(g.defined.keys()).filter((i) => g.defined[i] === 1);
      const expectedP = idx.map((i) => twoSidedNormalPValue(g.z[i]!));
      const expectedFdr = benjaminiHochberg(expectedP);
      expect(idx.map((i) => g.p[i])).toEqual(expectedP);
      expect(idx.map((i) => g.pFdr[i])).toEqual(Array.from(expectedFdr));
      expect(idx.map((i) => g.bin[i])).toEqual(idx.map((i, j) => confidenceBin(g.z[i]!, expectedP[j]!) + 0));
      expect(idx.map((i) => g.binFdr[i])).toEqual(idx.map((i, j) => confidenceBin(g.z[i]!, expectedFdr[j]!) + 0));
    };
    const rng = new SeededRng('gi-star-grouped');
    // sparse counts on 200 x 200 cells: few distinct z, the grouped path
    const w = regularGridWeights(200, 200, 'queen', { includeSelf: true });
    check(Float64Array.from({ length: 40000 }, () => (rng.next() < 0.9 ? 0 : Math.floor(1 + 4 * rng.next()))), w);
    // continuous values: about 40,000 distinct z, more than the table holds: the per-cell path
    check(Float64Array.from({ length: 40000 }, () => rng.next()), w);
    // z and -z have the same p: symmetric values put both in one tie group
    const small = regularGridWeights(3, 3, 'rook', { includeSelf: true });
    check(Float64Array.of(0, 1, 0, 1, 2, 1, 0, 1, 0), small);
  });
});

