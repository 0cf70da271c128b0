import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { gridCellCentre, gridCellOf, cellRing, countPerCell, createSquareGrid, forEachCellNear } from '../../src/forecast/index.js';

const bbox = { minX: 1000, minY: 2000, maxX: 5000, maxY: 4500 };

describe('square grid', () => {
  it('covers the box with whole cells and maps points to cells', () => {
    const g = createSquareGrid(bbox, { cellSize: 500 });
    expect(g.nx).toBe(9); // 4000 / 500 = 8 -> 9 so that maxX is inside
    expect(g.ny).toBe(6);
    expect(gridCellOf(g, 1000, 2000)).toBe(0);
    expect(gridCellOf(g, 1499, 2499)).toBe(0);
    expect(gridCellOf(g, 1500, 2000)).toBe(1);
    expect(gridCellOf(g, 1000, 2500)).toBe(9);
    expect(gridCellOf(g, 999, 2000)).toBe(-1);
    expect(gridCellCentre(g, 10)).toEqual([1750, 2750]);
  });
  it('the offset shifts the edges', () => {
    const g = createSquareGrid(bbox, { cellSize: 500, offsetX: 100 });
    // Edges at 900, 1400, ...: without the offset 1400 is in cell 0 (edge at 1500).
    expect(gridCellOf(g, 1399, 2000)).toBe(0);
    expect(gridCellOf(g, 1400, 2000)).toBe(1);
    expect(gridCellOf(createSquareGrid(bbox, { cellSize: 500 }), 1400, 2000)).toBe(0);
  });
  it('centres and ring corners map back to their cell under rotation (property)', () => {
    fc.assert(fc.property(fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }), fc.double({ min: 0, max: 499, noNaN: true }), (rot, off) => {
      const g = createSquareGrid(bbox, { cellSize: 500, rotation: rot, offsetX: off, offsetY: off / 2 });
      for (let c = 0; c < g.cellCount; c += 7) {
        const [x, y] = gridCellCentre(g, c);
        expect(gridCellOf(g, x, y)).toBe(c);
        const ring = cellRing(g, c);
        expect(ring).toHaveLength(5);
        const side = Math.hypot(ring[1]![0] - ring[0]![0], ring[1]![1] - ring[0]![1]);
        expect(side).toBeCloseTo(500, 6);
      }
      // Every corner of the box is inside the grid.
      for (const [x, y] of [[bbox.minX, bbox.minY], [bbox.maxX, bbox.maxY], [bbox.minX, bbox.maxY], [bbox.maxX, bbox.minY]] as const) expect(gridCellOf(g, x, y)).toBeGreaterThanOrEqual(0);
    }), { seed: 7, numRuns: 100 });
  });
  it('counting keeps the total (property)', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.double({ min: 0, max: 6000, noNaN: true }), fc.double({ min: 1000, max: 5000, noNaN: true })), { maxLength: 200 }), (pts) => {
      const g = createSquareGrid(bbox, { cellSize: 333, rotation: 0.3 });
      const { counts, outside } = countPerCell(g, Float64Array.from(pts, (p) => p[0]), Float64Array.from(pts, (p) => p[1]));
      expect(counts.reduce((a, b) => a + b, 0) + outside).toBe(pts.length);
    }), { seed: 11, numRuns: 100 });
  });
  it('forEachCellNear visits exactly the cells whose centre is within the radius', () => {
    const g = createSquareGrid(bbox, { cellSize: 250, rotation: 0.4 });
    const seen = new Set<number>();
    forEachCellNear(g, 3000, 3000, 800, (c) => seen.add(c));
    for (let c = 0; c < g.cellCount; c++) {
      const [x, y] = gridCellCentre(g, c);
      expect(seen.has(c)).toBe(Math.hypot(x - 3000, y - 3000) <= 800);
    }
  });
});
