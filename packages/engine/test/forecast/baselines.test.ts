import { describe, expect, it } from 'vitest';
import {
  createSquareGrid, gridCellOf, ensembleModel, exponentiallyWeightedCountsModel, naiveCountsModel, prospectiveHotspotModel, retrospectiveKdeModel,
  type SpaceTimeEvents,
} from '../../src/forecast/index.js';

const grid = createSquareGrid({ minX: 0, minY: 0, maxX: 999, maxY: 999 }, { cellSize: 100 }); // 10 x 10
const ev = (pts: [number, number, number][]): SpaceTimeEvents => ({ x: Float64Array.from(pts, (p) => p[0]), y: Float64Array.from(pts, (p) => p[1]), t: Float64Array.from(pts, (p) => p[2]) });
const events = ev([[50, 50, 95], [50, 50, 60], [150, 50, 99], [950, 950, 10]]);

describe('baselines (hand-computed)', () => {
  it('naive: counts in the last horizon-length window', () => {
    const out = naiveCountsModel()({ events, grid, origin: 100, horizonDays: 30 });
    expect(out.intensity[0]).toBe(1); // t = 95 only (60 is 40 days back)
    expect(out.intensity[1]).toBe(1);
    expect(out.intensity[99]).toBe(0);
  });
  it('exponentially weighted counts', () => {
    const out = exponentiallyWeightedCountsModel({ tauDays: 10 })({ events, grid, origin: 100, horizonDays: 7 });
    expect(out.intensity[0]).toBeCloseTo(Math.exp(-0.5) + Math.exp(-4), 12);
    expect(out.intensity[99]).toBe(0); // 90 days old > 8 tau
  });
  it('retrospective KDE: a Gaussian of the event at the cell centres', () => {
    const h = 100;
    const out = retrospectiveKdeModel({ bandwidth: h, windowDays: 50 })({ events: ev([[50, 50, 90]]), grid, origin: 100, horizonDays: 7 });
    const norm = 1 / (2 * Math.PI * h * h);
    expect(out.intensity[0]).toBeCloseTo(norm, 15);
    expect(out.intensity[1]).toBeCloseTo(norm * Math.exp(-0.5), 15); // centre 100 ft away
    expect(out.intensity[22]).toBeCloseTo(norm * Math.exp(-(200 * 200 * 2) / (2 * h * h)), 18);
    expect(out.intensity[99]).toBe(0); // beyond 3 bandwidths
  });
  it('prospective hotspot: 1/(1+d) * 1/(1+w), d in cell widths, w in whole weeks', () => {
    // One event 10 days old (w = 1) at the centre of cell 0; bandwidth 250.
    const out = prospectiveHotspotModel({ bandwidth: 250 })({ events: ev([[50, 50, 90]]), grid, origin: 100, horizonDays: 7 });
    expect(out.intensity[0]).toBeCloseTo(1 / 2, 12);
    expect(out.intensity[1]).toBeCloseTo((1 / 2) * (1 / 2), 12); // d = 1 cell width
    expect(out.intensity[11]).toBeCloseTo((1 / 2) / (1 + Math.SQRT2), 12);
    expect(out.intensity[3]).toBe(0); // 300 > 250
    const old = prospectiveHotspotModel({ bandwidth: 250 })({ events: ev([[50, 50, 40]]), grid, origin: 100, horizonDays: 7 });
    expect(old.intensity[0]).toBe(0); // 60 days = week 8: outside the 8 weeks
  });
  it('ensemble of normalised maps sums to one and averages the members', () => {
    const a = naiveCountsModel({ windowDays: 1000 });
    const b = exponentiallyWeightedCountsModel({ tauDays: 10 });
    const input = { events, grid, origin: 100, horizonDays: 7 };
    const out = ensembleModel([a, b])(input);
    expect(out.intensity.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
    const ia = a(input).intensity, ib = b(input).intensity;
    const sa = ia.reduce((s, v) => s + v, 0), sb = ib.reduce((s, v) => s + v, 0);
    expect(out.intensity[gridCellOf(grid, 50, 50)]).toBeCloseTo((ia[0]! / sa + ib[0]! / sb) / 2, 12);
  });
  it('rank-average ensemble: tied cells share their mean rank', () => {
    const g = createSquareGrid({ minX: 0, minY: 0, maxX: 299, maxY: 99 }, { cellSize: 100 }); // 3 cells
    const fixed = (v: number[]): import('../../src/forecast/index.js').PlaceModel => () => ({ intensity: Float64Array.from(v), caveats: [] });
    const out = ensembleModel([fixed([5, 1, 1]), fixed([0, 2, 3])], { method: 'rank-average' })({ events, grid: g, origin: 100, horizonDays: 7 });
    // Member 1 ranks (0..1): cell 0 = 1, cells 1 and 2 tie at 0 -> both 0.25 (mean of 0 and 0.5).
    // Member 2: cell 0 = 0, cell 1 = 0.5, cell 2 = 1. Means: 0.5, 0.375, 0.625.
    expect(Array.from(out.intensity)).toEqual([0.5, 0.375, 0.625]);
  });
});
