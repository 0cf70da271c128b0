import fc from 'fast-check';
import { gridDisk, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { cardinalities, distanceBandWeights, h3KeyCodec, h3KRingWeights, NumericKeyIndex, regularGridWeights, rowStandardise, spatialLag } from '../../src/stats/spatial-weights.js';
import { loadHotspotFixture, type UcdpInput } from './hotspots-fixtures.js';

function rows(w: { n: number; offsets: Int32Array; indices: Int32Array }): number[][] {
  return Array.from({ length: w.n }, (_, i) => Array.from(w.indices.subarray(w.offsets[i]!, w.offsets[i + 1]!)));
}

describe('spatial weights', () => {
  it('regular grid: rook has 2-4 neighbours, queen 3-8, interior counts exact', () => {
    const rook = cardinalities(regularGridWeights(4, 5, 'rook'));
    const queen = cardinalities(regularGridWeights(4, 5, 'queen'));
    expect(rook[0]).toBe(2);
    expect(rook[1 * 5 + 1]).toBe(4);
    expect(queen[0]).toBe(3);
    expect(queen[1 * 5 + 1]).toBe(8);
    expect(rows(regularGridWeights(2, 2, 'queen', { includeSelf: true }))[0]).toEqual([0, 1, 2, 3]);
  });
  it('H3 k-ring weights equal the fixture neighbour lists (UCDP cells) and are symmetric', () => {
    const inp = loadHotspotFixture<UcdpInput>('hotspots-ucdp-input.json');
    const w = h3KRingWeights(inp.cells, 1);
    expect(rows(w)).toEqual(inp.nbNoSelf);
    expect(rows(h3KRingWeights(inp.cells, 1, { includeSelf: true }))).toEqual(inp.nbSelf);
    const r = rows(w);
    r.forEach((l, i) => l.forEach((j) => expect(r[j]).toContain(i)));
  });
  it('H3 k = 2 reaches the second ring', () => {
    const c = latLngToCell(30.18, 66.99, 7);
    const cells = gridDisk(c, 2);
    const w = h3KRingWeights(cells, 2);
    expect(cardinalities(w)[cells.indexOf(c)]).toBe(18);
  });
  it('H3 numeric keys round-trip and keep the string order at resolutions 0-9 (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: -85, max: 85, noNaN: true }), fc.double({ min: -180, max: 179.999, noNaN: true }), fc.double({ min: -85, max: 85, noNaN: true }), fc.double({ min: -180, max: 179.999, noNaN: true }), fc.integer({ min: 0, max: 9 }), (la, lo, la2, lo2, res) => {
        const a = latLngToCell(la, lo, res);
        const b = latLngToCell(la2, lo2, res);
        const codec = h3KeyCodec(a);
        expect(codec.cell(codec.key(a))).toBe(a);
        expect(codec.cell(codec.key(b))).toBe(b);
        expect(Math.sign(codec.key(a) - codec.key(b))).toBe(a < b ? -1 : a > b ? 1 : 0);
        expect(Number.isSafeInteger(codec.key(a))).toBe(true);
      }),
      { seed: 1234, numRuns: 300 },
    );
  });
  it('rejects duplicate cells', () => {
    const c = latLngToCell(30.18, 66.99, 7);
    expect(() => h3KRingWeights([c, c])).toThrow(/duplicate/);
  });
  it('distance band equals brute force on random points (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: -500, max: 500, noNaN: true }), fc.double({ min: -500, max: 500, noNaN: true })), { minLength: 1, maxLength: 60 }),
        fc.double({ min: 1, max: 300, noNaN: true }),
        (pts, d) => {
          const x = pts.map((p) => p[0]);
          const y = pts.map((p) => p[1]);
          const got = rows(distanceBandWeights(x, y, d));
          const want = pts.map((p, i) => pts.flatMap((q, j) => (j !== i && (p[0] - q[0]) ** 2 + (p[1] - q[1]) ** 2 <= d * d ? [j] : [])));
          expect(got).toEqual(want);
        },
      ),
      { seed: 99, numRuns: 100 },
    );
  });
  it('row standardisation makes rows sum to 1 and the lag an average', () => {
    const w = rowStandardise(regularGridWeights(3, 3, 'rook'));
    const lag = spatialLag(w, [1, 1, 1, 1, 1, 1, 1, 1, 1]);
    lag.forEach((v) => expect(v).toBeCloseTo(1, 14));
    expect(spatialLag(w, [0, 0, 0, 0, 9, 0, 0, 0, 0])[1]).toBeCloseTo(3, 14);
  });
  it('NumericKeyIndex agrees with a Map through growth, for keys up to 2^53 (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 50 }), fc.maxSafeNat()), { maxLength: 400 }), (keys) => {
        const index = new NumericKeyIndex(1);
        const map = new Map<number, number>();
        keys.forEach((k, i) => {
          expect(index.set(k, i)).toBe(!map.has(k));
          if (!map.has(k)) map.set(k, i);
        });
        for (const k of keys) expect(index.get(k)).toBe(map.get(k));
        expect(index.get(Number.MAX_SAFE_INTEGER - 7)).toBe(map.get(Number.MAX_SAFE_INTEGER - 7) ?? -1);
      }),
      { seed: 23, numRuns: 100 },
    );
  });

  it('h3KeyCodec round-trips cells of resolutions 0-9 and keeps their string order', () => {
    for (let res = 0; res <= 9; res++) {
      const cells = gridDisk(latLngToCell(29.5, 66.5, res), 2).sort();
      const codec = h3KeyCodec(cells[0]!);
      const keys = cells.map((c) => codec.key(c));
      expect(keys.map((k) => codec.cell(k))).toEqual(cells);
      expect([...keys].sort((a, b) => a - b)).toEqual(keys);
    }
  });
});

