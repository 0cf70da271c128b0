import fc from 'fast-check';
import { latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { analyseHotspots, binEventsToCells, cellWeights, h3StudyAreaWithWeights, projectEquirectangular, studyAreaCells, withoutSelf } from '../../src/analysis/hotspots.js';
import { LOCATION_PRECISIONS } from '../../src/domain/incident.js';
import { expectClose, loadHotspotFixture, type UcdpInput } from '../stats/hotspots-fixtures.js';

const inp = loadHotspotFixture<UcdpInput>('hotspots-ucdp-input.json');
const ref = loadHotspotFixture<{ giStarCounts: { z: number[]; pBH: number[] }; giStarDeaths: { z: number[] }; localMoranCounts: { Ii: number[]; p: number[] } }>('hotspots-spdep.json');
const EXACT = LOCATION_PRECISIONS.indexOf('exact');
const NEAR = LOCATION_PRECISIONS.indexOf('near');
const DISTRICT = LOCATION_PRECISIONS.indexOf('district');
const PROVINCE = LOCATION_PRECISIONS.indexOf('province');

const ucdp = {
  lat: inp.events.map((e) => e.lat),
  lon: inp.events.map((e) => e.lon),
  locationPrecision: inp.events.map((e) => (e.wherePrec === 1 ? EXACT : NEAR)),
};

describe('hot spot analysis on UCDP Balochistan (H3 res 6, 1-ring; reference: spdep localG / localmoran)', () => {
  it('bins to the same study cells as the reference input and reproduces spdep Gi* and FDR to 1e-9', () => {
    const r = analyseHotspots(ucdp, { grid: { kind: 'h3', resolution: 6 }, statistics: ['giStar', 'localMoran'], permutations: 99 });
    expect(r.cells.map((c) => c.id)).toEqual(inp.cells);
    expect(r.cells.map((c) => c.count)).toEqual(inp.counts);
    expectClose(r.cells.map((c) => c.giZ!), ref.giStarCounts.z, { abs: 1e-9 }, 'Gi* z');
    expectClose(r.cells.map((c) => c.giPFdr!), ref.giStarCounts.pBH, { abs: 1e-12, rel: 1e-9 }, 'FDR p');
    expectClose(r.cells.map((c) => c.moranI!), ref.localMoranCounts.Ii, { abs: 1e-9, rel: 1e-9 }, 'Ii');
    expect(r.summary.nBinned).toBe(488);
    expect(r.summary.nOccupiedCells).toBe(108);
    expect(r.summary.giStar!.hotFdr[0]).toBeGreaterThan(0);
    const codes = r.caveats.map((c) => c.code);
    expect(codes).toContain('MULTIPLE_TESTING');
    expect(codes).toContain('NEAR_LOCATION_BINNED');
    expect(codes).toContain('STUDY_AREA_NEAR_EVENTS');
  });
  it('harm weights (deaths) reproduce spdep Gi* on deaths', () => {
    const r = analyseHotspots(ucdp, { grid: { kind: 'h3', resolution: 6 }, weights: inp.events.map((e) => e.best) });
    expectClose(r.cells.map((c) => c.giZ!), ref.giStarDeaths.z, { abs: 1e-9 }, 'Gi* z deaths');
  });
});

describe('hot spot analysis: precision, caveats, invariants', () => {
  it('never bins district- or province-precision events into cells; counts them in a caveat', () => {
    const lat = [30.18, 30.18, 30.18, 29.5, 28.0, Number.NaN];
    const lon = [66.99, 66.99, 66.99, 67.0, 65.0, 66.0];
    const prec = [EXACT, EXACT, DISTRICT, PROVINCE, LOCATION_PRECISIONS.indexOf('unknown'), EXACT];
    const b = binEventsToCells({ lat, lon, locationPrecision: prec }, { grid: { kind: 'h3', resolution: 8 } });
    expect(b.nBinned).toBe(2);
    expect(b.skipped).toEqual({ coarsePrecision: 2, unknownLocation: 2, nearExcluded: 0 });
    expect(b.cellIndexOfEvent[2]).toBe(-1);
    expect(b.cellIndexOfEvent[0]).toBe(0);
    expect(b.cells).toEqual([latLngToCell(30.18, 66.99, 8)]);
    const r = analyseHotspots({ lat, lon, locationPrecision: prec }, { grid: { kind: 'h3', resolution: 8 } });
    const codes = r.caveats.map((c) => c.code);
    expect(codes).toEqual(expect.arrayContaining(['SKIPPED_COARSE_LOCATION', 'SKIPPED_NO_LOCATION', 'FEW_EVENTS']));
    expect(r.caveats.find((c) => c.code === 'SKIPPED_COARSE_LOCATION')!.count).toBe(2);
  });
  it('includeNear: false skips near-precision events', () => {
    const b = binEventsToCells(ucdp, { grid: { kind: 'h3', resolution: 6 }, includeNear: false });
    const nNear = inp.events.filter((e) => e.wherePrec === 2).length;
    expect(b.skipped.nearExcluded).toBe(nNear);
    expect(b.nBinned).toBe(488 - nNear);
  });
  it('throws when nothing can be binned; all-zero weights give a caveat, not NaN', () => {
    expect(() => analyseHotspots({ lat: [30], lon: [66], locationPrecision: [DISTRICT] }, { grid: { kind: 'h3', resolution: 7 } })).toThrow(/no event could be placed/);
    const r = analyseHotspots(ucdp, { grid: { kind: 'h3', resolution: 6 }, weights: new Float64Array(ucdp.lat.length) });
    expect(r.caveats.map((c) => c.code)).toEqual(expect.arrayContaining(['ALL_ZERO', 'GI_STAR_CONSTANT_VALUES']));
    expect(r.cells.every((c) => Number.isFinite(c.giZ!) && c.giBin === 0)).toBe(true);
  });
  it('square grid: cells follow the equirectangular projection; a planted cluster is the hottest cell', () => {
    const origin = { lat: 30, lon: 66 };
    const lat: number[] = [];
    const lon: number[] = [];
    // background: one event in each of 20 x 20 cells of 1 km; cluster: 40 extra events in cell (10, 10)
    for (let c = 0; c < 20; c++) for (let r = 0; r < 20; r++) {
      lat.push(origin.lat + ((r + 0.5) * 1000) / 6371008.8 * (180 / Math.PI));
      lon.push(origin.lon + ((c + 0.5) * 1000) / (6371008.8 * Math.cos((origin.lat * Math.PI) / 180)) * (180 / Math.PI));
    }
    for (let k = 0; k < 40; k++) {
      lat.push(lat[10 * 20 + 10]! + 1e-5 * (k % 5));
      lon.push(lon[10 * 20 + 10]!);
    }
    const r = analyseHotspots({ lat, lon, locationPrecision: lat.map(() => EXACT) }, { grid: { kind: 'square', cellSizeMetres: 1000, origin } });
    const hottest = r.cells.reduce((a, b) => (b.giZ! > a.giZ! ? b : a));
    expect(hottest.id).toBe('sq:10:10');
    expect(hottest.count).toBe(41);
    expect(hottest.giBinFdr).toBe(3);
    const [x, y] = projectEquirectangular(lat[0]!, lon[0]!, origin);
    expect(x).toBeCloseTo(500, 6);
    expect(y).toBeCloseTo(500, 6);
    // on the same study cells, a distance band of 1.5 km is the queen neighbourhood on a 1 km grid
    const q = analyseHotspots({ lat, lon, locationPrecision: lat.map(() => EXACT) }, { grid: { kind: 'square', cellSizeMetres: 1000, origin }, neighbours: { kind: 'distanceBand', metres: 1500 }, studyCells: r.cells.map((c) => c.id) });
    const byId = new Map(q.cells.map((c) => [c.id, c.giZ]));
    r.cells.forEach((c) => expect(byId.get(c.id)).toBeCloseTo(c.giZ!, 9));
  });
  it('invariant: results do not depend on the order of the events (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.double({ min: 29.9, max: 30.1, noNaN: true }), fc.double({ min: 66.9, max: 67.1, noNaN: true })), { minLength: 5, maxLength: 80 }), fc.integer({ min: 1, max: 1000 }), (pts, seed) => {
        const shuffled = pts.map((p, i) => ({ p, k: (i * 7919 + seed) % 1009 })).sort((a, b) => a.k - b.k).map((o) => o.p);
        const run = (q: [number, number][]) =>
          analyseHotspots({ lat: q.map((p) => p[0]), lon: q.map((p) => p[1]), locationPrecision: q.map(() => EXACT) }, { grid: { kind: 'h3', resolution: 7 } });
        const a = run(pts);
        const b = run(shuffled);
        expect(b.cells.map((c) => c.id)).toEqual(a.cells.map((c) => c.id));
        expect(b.cells.map((c) => c.count)).toEqual(a.cells.map((c) => c.count));
        a.cells.forEach((c, i) => expect(b.cells[i]!.giZ).toBeCloseTo(c.giZ!, 10));
        // binning keeps totals
        expect(a.cells.reduce((s, c) => s + c.count, 0)).toBe(pts.length);
      }),
      { seed: 31337, numRuns: 40 },
    );
  });
  it('an explicit study area leaves out (and counts) events in other cells', () => {
    const keep = inp.cells.filter((_, i) => i % 2 === 0);
    const r = analyseHotspots(ucdp, { grid: { kind: 'h3', resolution: 6 }, studyCells: [...keep].reverse() });
    expect(r.cells.map((c) => c.id)).toEqual(keep);
    const outside = inp.cells.reduce((s, c, i) => s + (i % 2 === 0 ? 0 : inp.counts[i]!), 0);
    expect(r.caveats.find((c) => c.code === 'EVENTS_OUTSIDE_STUDY_AREA')!.count).toBe(outside);
    expect(r.summary.nOccupiedCells).toBe(inp.counts.filter((c, i) => c > 0 && i % 2 === 0).length);
    expect(r.cells.reduce((s, c) => s + c.count, 0)).toBe(488 - outside);
  });
  it('rejects an H3 resolution outside 5-9', () => {
    expect(() => analyseHotspots(ucdp, { grid: { kind: 'h3', resolution: 11 } })).toThrow(/grid.resolution/);
  });
  it('the fused H3 study area + k-ring weights equal the step-by-step ones (k = 1, 2; with and without self)', () => {
    for (const resolution of [6, 8]) {
      const grid = { kind: 'h3', resolution } as const;
      const occupied = binEventsToCells(ucdp, { grid }).cells;
      for (const k of [1, 2]) {
        const rule = { kind: 'kring', k } as const;
        const fused = h3StudyAreaWithWeights(occupied, k);
        const cells = studyAreaCells(occupied, grid, rule);
        expect(fused.cells).toEqual(cells);
        const self = cellWeights(cells, grid, rule, true);
        expect(Array.from(fused.weights.offsets)).toEqual(Array.from(self.offsets));
        expect(Array.from(fused.weights.indices)).toEqual(Array.from(self.indices));
        const noSelf = cellWeights(cells, grid, rule, false);
        const derived = withoutSelf(fused.weights);
        expect(derived.includesSelf).toBe(false);
        expect(Array.from(derived.offsets)).toEqual(Array.from(noSelf.offsets));
        expect(Array.from(derived.indices)).toEqual(Array.from(noSelf.indices));
      }
    }
  });
});

