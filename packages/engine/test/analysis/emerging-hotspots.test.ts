import { describe, expect, it } from 'vitest';
import { analyseEmergingHotspots, classifyEmergingHotspot, EMERGING_HOTSPOT_CATEGORIES, spaceTimeWeights } from '../../src/analysis/emerging-hotspots.js';
import { buildSpaceTimeCube, regularStepEdges } from '../../src/analysis/space-time-cube.js';
import { LOCATION_PRECISIONS, TIME_PRECISIONS } from '../../src/domain/incident.js';
import { mannKendall } from '../../src/stats/mann-kendall.js';
import { regularGridWeights } from '../../src/stats/spatial-weights.js';
import { expectClose, loadHotspotFixture } from '../stats/hotspots-fixtures.js';
import { constructedCube, PATTERNS } from './emerging-cube-fixture.js';

const cube = constructedCube();
const result = analyseEmergingHotspots(cube, { grid: { kind: 'square', cellSizeMetres: 1000 } });

describe('emerging hot spots: each of the 17 categories from a constructed cube (25 x 25 cells, 20 steps, k = 1, FDR 0.05)', () => {
  it('the constructed cube covers every category', () => {
    expect(Object.keys(PATTERNS).sort()).toEqual([...EMERGING_HOTSPOT_CATEGORIES].sort());
  });
  for (const name of EMERGING_HOTSPOT_CATEGORIES) {
    it(`${name}`, () => {
      const cell = result.cells[cube.centre[name]!]!;
      expect(cell.category).toBe(name);
    });
  }
  it('the background is mostly "no pattern detected"', () => {
    expect(result.summary.byCategory['no pattern detected']).toBeGreaterThan(0.6 * cube.cells.length);
  });
});

describe('emerging hot spot rules (classifyEmergingHotspot)', () => {
  const hot = (s: string): { z: number[]; sig: boolean[] } => ({
    z: [...s].map((c) => (c === 'H' ? 3 : c === 'C' ? -3 : 0.2)),
    sig: [...s].map((c) => c === 'H' || c === 'C'),
  });
  const noTrend = { tau: 0, p: 0.9 };
  it('90% is inclusive and exact: 9 of 10 hot with the final hot is persistent, 8 of 10 is not', () => {
    const a = hot('HHHH.HHHHH');
    expect(classifyEmergingHotspot(a.z, a.sig, noTrend, 0.05)).toBe('persistent hot spot');
    const b = hot('HHH..HHHHH');
    expect(classifyEmergingHotspot(b.z, b.sig, noTrend, 0.05)).toBe('sporadic hot spot');
  });
  it('a final run preceded by an earlier significant step is sporadic, not consecutive', () => {
    const a = hot('..H....HHH');
    expect(classifyEmergingHotspot(a.z, a.sig, noTrend, 0.05)).toBe('sporadic hot spot');
    const b = hot('.......HHH');
    expect(classifyEmergingHotspot(b.z, b.sig, noTrend, 0.05)).toBe('consecutive hot spot');
  });
  it('trend direction and significance split intensifying, persistent and diminishing', () => {
    const a = hot('HHHHHHHHHH');
    expect(classifyEmergingHotspot(a.z, a.sig, { tau: 0.6, p: 0.01 }, 0.05)).toBe('intensifying hot spot');
    expect(classifyEmergingHotspot(a.z, a.sig, { tau: -0.6, p: 0.01 }, 0.05)).toBe('diminishing hot spot');
    expect(classifyEmergingHotspot(a.z, a.sig, { tau: 0.6, p: 0.2 }, 0.05)).toBe('persistent hot spot');
    const c = hot('CCCCCCCCCC');
    expect(classifyEmergingHotspot(c.z, c.sig, { tau: -0.6, p: 0.01 }, 0.05)).toBe('intensifying cold spot');
  });
  it('mostly hot then a final significant cold step is an oscillating cold spot', () => {
    const a = hot('HHHHHHHHHC');
    expect(classifyEmergingHotspot(a.z, a.sig, noTrend, 0.05)).toBe('oscillating cold spot');
  });
  it('rejects mismatched inputs', () => {
    expect(() => classifyEmergingHotspot([1, 2], [true], noTrend, 0.05)).toThrow(/same non-zero length/);
  });
});

describe('emerging hot spots: space-time Gi* and trend on REAL data (UCDP Balochistan, H3 res 5, yearly 2006-2021)', () => {
  const inp = loadHotspotFixture<{ cells: string[]; nSteps: number; values: number[]; nb: number[][] }>('hotspots-ehsa-input.json');
  const ref = loadHotspotFixture<{ z: number[]; p: number[]; pBH: number[]; mkZ: (number | null)[]; mkP: (number | null)[]; mkTau: (number | null)[] }>('hotspots-ehsa.json');
  it('Gi* z per bin, FDR p, and Mann-Kendall on z equal spdep localG / p.adjust / cor.test (1e-9)', () => {
    const r = analyseEmergingHotspots({ cells: inp.cells, nSteps: inp.nSteps, values: inp.values }, { grid: { kind: 'h3', resolution: 5 } });
    const nCells = inp.cells.length;
    const z = new Float64Array(nCells * inp.nSteps);
    r.cells.forEach((c, i) => c.z.forEach((v, t) => (z[t * nCells + i] = v)));
    expectClose(z, ref.z, { abs: 1e-9 }, 'space-time Gi* z');
    let compared = 0;
    r.cells.forEach((c, i) => {
      if (ref.mkP[i] === null) {
        expect(c.trendP).toBe(1);
        return;
      }
      compared++;
      expect(Math.abs(c.tau - ref.mkTau[i]!)).toBeLessThan(1e-9);
      expect(Math.abs(c.trendP - ref.mkP[i]!)).toBeLessThan(1e-9);
    });
    expect(compared).toBeGreaterThan(400);
    // the category of every cell follows from its statuses and trend (recomputed from the reference)
    r.cells.forEach((c, i) => {
      const sig = c.z.map((_, t) => ref.pBH[t * nCells + i]! <= 0.05);
      const mk = mannKendall(c.z);
      expect(c.category).toBe(classifyEmergingHotspot(c.z, sig, { tau: mk.tau, p: mk.p }, 0.05));
    });
    expect(r.summary.byCategory['no pattern detected']).toBeLessThan(nCells);
  });
});

describe('space-time cube and weights', () => {
  it('space-time weights: bin (i, t) sees spatial neighbours at t - k .. t', () => {
    const w = spaceTimeWeights(regularGridWeights(2, 2, 'rook', { includeSelf: true }), 3, 1);
    const row = (b: number) => Array.from(w.indices.subarray(w.offsets[b]!, w.offsets[b + 1]!));
    expect(row(0)).toEqual([0, 1, 2]); // t = 0: no earlier step
    expect(row(2 * 4 + 3)).toEqual([5, 6, 7, 9, 10, 11]); // t = 2, cell 3: steps 1 and 2, cells 1, 2, 3
  });
  it('keeps event totals, skips coarse times and places, counts them in caveats', () => {
    const day = 86_400_000;
    const start = Date.UTC(2024, 0, 1);
    const edges = regularStepEdges(start, 7 * day, 4);
    const exact = LOCATION_PRECISIONS.indexOf('exact');
    const lat = [30.2, 30.2, 30.21, 30.2, 30.2, 30.2];
    const lon = [67.0, 67.0, 67.01, 67.0, 67.0, 67.0];
    const time = [start + day, start + 8 * day, start + 15 * day, start + 40 * day, start - day, start + 2 * day];
    const tp = [0, 1, 0, 0, 0, TIME_PRECISIONS.indexOf('month')];
    const prec = [exact, exact, exact, exact, exact, LOCATION_PRECISIONS.indexOf('district')];
    const c = buildSpaceTimeCube({ lat, lon, time, timePrecision: tp, locationPrecision: prec }, { grid: { kind: 'h3', resolution: 7 }, stepEdges: edges });
    expect(c.nSteps).toBe(4);
    expect(c.nInCube).toBe(3);
    expect(c.counts.reduce((a, b) => a + b, 0)).toBe(3);
    const codes = c.caveats.map((k) => k.code);
    expect(codes).toEqual(expect.arrayContaining(['SKIPPED_OUTSIDE_PERIOD', 'SKIPPED_COARSE_LOCATION']));
    expect(c.caveats.find((k) => k.code === 'SKIPPED_OUTSIDE_PERIOD')!.count).toBe(2);
    // the month-precise event is also district-precise: it is skipped once, for its place
    const c2 = buildSpaceTimeCube({ lat, lon, time, timePrecision: tp.map((p, i) => (i === 0 ? TIME_PRECISIONS.indexOf('month') : p)), locationPrecision: prec }, { grid: { kind: 'h3', resolution: 7 }, stepEdges: edges });
    expect(c2.caveats.find((k) => k.code === 'SKIPPED_COARSE_TIME')!.count).toBe(1);
  });
  it('few steps give a caveat; too few throw', () => {
    const small = { cells: ['sq:0:0', 'sq:0:1', 'sq:1:0', 'sq:1:1'], nSteps: 4, values: Array.from({ length: 16 }, (_, k) => k % 5) };
    const r = analyseEmergingHotspots(small, { grid: { kind: 'square', cellSizeMetres: 1000 } });
    expect(r.caveats.map((c) => c.code)).toContain('FEW_TIME_STEPS');
    expect(() => analyseEmergingHotspots({ ...small, nSteps: 2, values: small.values.slice(0, 8) }, { grid: { kind: 'square', cellSizeMetres: 1000 } })).toThrow(/at least 3 time steps/);
  });
});
