import { describe, expect, it } from 'vitest';
import { bandwidthMatrixByRule, kernelDensityAtPoints, kernelDensityOnGrid, type DensityGrid } from '../../src/stats/kernel-density.js';
import { expectClose, loadHotspotFixture } from './hotspots-fixtures.js';

interface Scipy {
  x: number[];
  y: number[];
  weights: number[];
  grid: DensityGrid;
  scott: { covariance: [number, number, number]; intensity: number[] };
  silverman: { covariance: [number, number, number]; intensity: number[] };
  scottWeighted: { covariance: [number, number, number]; intensity: number[] };
}
interface Spatstat {
  sigma: number;
  pixelCentresX: number[];
  pixelCentresY: number[];
  exact: number[];
  exactWeighted: number[];
}
const sp = loadHotspotFixture<Scipy>('hotspots-kde-scipy.json');
const ss = loadHotspotFixture<Spatstat>('hotspots-kde-spatstat.json');

describe('kernel density (UCDP Balochistan events, projected metres)', () => {
  it('Scott and Silverman rules reproduce scipy gaussian_kde covariance and grid values to 1e-6 relative', () => {
    for (const rule of ['scott', 'silverman'] as const) {
      const k = kernelDensityOnGrid(sp.x, sp.y, sp.grid, { bandwidth: rule });
      expectClose(k.kernelCovariance, sp[rule].covariance, { rel: 1e-10 }, `${rule} covariance`);
      expectClose(k.intensity, sp[rule].intensity, { rel: 1e-6, abs: 1e-300 }, `${rule} intensity`);
    }
  });
  it('weighted Scott rule reproduces scipy gaussian_kde(weights = deaths + 1)', () => {
    const k = kernelDensityOnGrid(sp.x, sp.y, sp.grid, { bandwidth: 'scott', weights: sp.weights });
    expectClose(k.kernelCovariance, sp.scottWeighted.covariance, { rel: 1e-10 }, 'covariance');
    expectClose(k.intensity, sp.scottWeighted.intensity, { rel: 1e-6, abs: 1e-300 }, 'intensity');
    expect(bandwidthMatrixByRule(sp.x, sp.y, sp.weights, 'scott')).toEqual(k.kernelCovariance);
  });
  it('isotropic sigma = 30 km reproduces spatstat densityfun(edge = FALSE) at pixel centres to 1e-6 relative', () => {
    // spatstat truncates the Gaussian far out (its `cutoff`): pixels more than ~8 sigma from every
    // event differ below 1e-9 of the peak, hence the absolute floor.
    const k = kernelDensityOnGrid(sp.x, sp.y, sp.grid, { bandwidth: ss.sigma });
    expectClose(k.intensity, ss.exact, { rel: 1e-6, abs: 1e-9 * Math.max(...ss.exact) }, 'spatstat exact');
    const kw = kernelDensityOnGrid(sp.x, sp.y, sp.grid, { bandwidth: ss.sigma, weights: sp.weights });
    expectClose(kw.intensity, ss.exactWeighted, { rel: 1e-6, abs: 1e-9 * Math.max(...ss.exactWeighted) }, 'spatstat weighted');
    const peak = Math.max(...ss.exact);
    const strong = ss.exact.map((v, i) => (v > 1e-6 * peak ? i : -1)).filter((i) => i >= 0);
    expect(strong.length).toBeGreaterThan(500);
    expectClose(strong.map((i) => k.intensity[i]!), strong.map((i) => ss.exact[i]!), { rel: 1e-6 }, 'spatstat exact, relative only');
    // spatstat's own pixel centres for this window and dimyx are ours
    const g = sp.grid;
    expectClose(ss.pixelCentresX, Array.from({ length: g.nCols }, (_, c) => g.x0 + (c + 0.5) * g.cellSize), { abs: 1e-6 }, 'xcol');
    expectClose(ss.pixelCentresY, Array.from({ length: g.nRows }, (_, r) => g.y0 + (r + 0.5) * g.cellSize), { abs: 1e-6 }, 'yrow');
  });
  it('point evaluation equals grid evaluation at pixel centres; cutoff error is tiny', () => {
    const g = sp.grid;
    const ex: number[] = [];
    const ey: number[] = [];
    for (let r = 0; r < g.nRows; r++) {
      for (let c = 0; c < g.nCols; c++) {
        ex.push(g.x0 + (c + 0.5) * g.cellSize);
        ey.push(g.y0 + (r + 0.5) * g.cellSize);
      }
    }
    const a = kernelDensityAtPoints(sp.x, sp.y, ex, ey, { bandwidth: 30000 });
    const b = kernelDensityOnGrid(sp.x, sp.y, g, { bandwidth: 30000, cutoff: 8 });
    expectClose(b.intensity, a.intensity, { rel: 1e-10, abs: 1e-12 * Math.max(...a.intensity) }, 'cutoff 8');
  });
  it('quartic kernel integrates to the total weight on a fine grid and vanishes beyond the radius', () => {
    const grid = { x0: -2000, y0: -2000, cellSize: 20, nCols: 200, nRows: 200 };
    const k = kernelDensityOnGrid([0, 300], [0, -200], grid, { kernel: 'quartic', bandwidth: 1000, weights: [1, 2] });
    expect(k.massOnGrid).toBeCloseTo(1, 3);
    const far = kernelDensityAtPoints([0], [0], [1000.5], [0], { kernel: 'quartic', bandwidth: 1000 });
    expect(far.intensity[0]).toBe(0);
    const centre = kernelDensityAtPoints([0], [0], [0], [0], { kernel: 'quartic', bandwidth: 1000 });
    expect(centre.intensity[0]).toBeCloseTo(3 / (Math.PI * 1e6), 15);
  });
  it('reports mass off the grid and rejects bad input', () => {
    const k = kernelDensityOnGrid([0], [0], { x0: 0, y0: 0, cellSize: 10, nCols: 10, nRows: 10 }, { bandwidth: 50 });
    expect(k.massOnGrid).toBeLessThan(0.3);
    expect(k.caveats.map((c) => c.code)).toContain('KDE_MASS_OFF_GRID');
    expect(() => kernelDensityOnGrid([], [], sp.grid, { bandwidth: 10 })).toThrow(/at least one event/);
    expect(() => kernelDensityOnGrid([0, 1], [0, 1], sp.grid, { bandwidth: 'scott' })).toThrow(/singular/);
    expect(() => kernelDensityOnGrid([0], [0], sp.grid, { bandwidth: -1 })).toThrow(/bandwidth/);
  });
});
