import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cellAreaSqKm, cellCentre, cellDistance, cellOf, cellsOf, neighbours, neighboursByDistance } from '../../src/geo/h3.js';
import { BaseeratError } from '../../src/domain/errors.js';
import { shippedGeography } from './shipped-data.js';

describe('H3 helpers', () => {
  it('cellOf at the default resolution 7, and the Geography uses it', () => {
    const c = cellOf(30.18, 67.0);
    expect(c).toMatch(/^87[0-9a-f]{13}$/); // resolution-7 cells start with 0x87
    expect(shippedGeography().cell(30.18, 67.0)).toBe(c);
    expect(cellOf(30.18, 67.0, 9)).toMatch(/^89/);
    // The centre of a cell lies in that cell, within the cell's size of the point.
    const ctr = cellCentre(c);
    expect(cellOf(ctr.lat, ctr.lon)).toBe(c);
    expect(Math.abs(ctr.lat - 30.18)).toBeLessThan(0.03);
    // H3's published average hexagon area at resolution 7: 5.161293360 km^2.
    expect(cellAreaSqKm(7)).toBeCloseTo(5.16129336, 6);
  });

  it('k-ring neighbours: 1 + 3k(k+1) cells, rings by distance', () => {
    const c = cellOf(25.126, 62.322);
    expect(neighbours(c, 0)).toEqual([c]);
    expect(neighbours(c, 1)).toHaveLength(7);
    expect(neighbours(c, 2)).toHaveLength(19);
    const rings = neighboursByDistance(c, 2);
    expect(rings.map((r) => r.length)).toEqual([1, 6, 12]);
    for (const n of rings[2]!) expect(cellDistance(c, n)).toBe(2);
  });

  it('cellsOf matches cellOf and marks unusable points with an empty string', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.double({ min: 23, max: 38, noNaN: true }), fc.double({ min: 60, max: 78, noNaN: true })), { maxLength: 20 }), (pts) => {
        const lat = Float64Array.from(pts.map((p) => p[0]));
        const lon = Float64Array.from(pts.map((p) => p[1]));
        expect(cellsOf(lat, lon)).toEqual(pts.map(([a, o]) => cellOf(a, o)));
      }),
      { seed: 5, numRuns: 200 },
    );
    expect(cellsOf(Float64Array.of(Number.NaN, 30), Float64Array.of(67, 200))).toEqual(['', '']);
  });

  it('invalid input throws a VALIDATION error naming the value', () => {
    expect(() => cellOf(91, 67)).toThrow(/lat is 91/);
    expect(() => cellOf(30, Number.NaN)).toThrow(/lon is NaN/);
    expect(() => cellOf(30, 67, 16)).toThrow(/h3 resolution is 16/);
    expect(() => neighbours('not-a-cell')).toThrow(BaseeratError);
    expect(() => neighbours(cellOf(30, 67), -1)).toThrow(/k is -1/);
  });
});
