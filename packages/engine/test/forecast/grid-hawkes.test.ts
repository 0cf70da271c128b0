import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SeededRng } from '../../src/random/index.js';
import { createSquareGrid, fitGridHawkes, gridHawkesExpectedCounts, gridHawkesModel, simulateGridHawkes, type SpaceTimeEvents } from '../../src/forecast/index.js';

interface Ref { start: number; end: number; cellCount: number; cell: number[]; t: number[]; mle: { mu: number[]; theta: number; omega: number; logLikelihood: number } }
const ref = JSON.parse(readFileSync(new URL('../fixtures/reference/forecast-grid-hawkes.json', import.meta.url), 'utf8')) as Ref;

describe('grid Hawkes EM', () => {
  it('reaches the maximum-likelihood estimate found by scipy (reference)', () => {
    const fit = fitGridHawkes(Int32Array.from(ref.cell), Float64Array.from(ref.t), ref.cellCount, ref.start, ref.end, { maxIterations: 5000, tolerance: 1e-11 });
    expect(fit.converged).toBe(true);
    // Same likelihood to 1e-4 (EM is slow near the optimum; the optimiser's tolerance is similar).
    expect(fit.logLikelihood).toBeGreaterThan(ref.mle.logLikelihood - 1e-4);
    expect(Math.abs(fit.logLikelihood - ref.mle.logLikelihood)).toBeLessThan(1e-3);
    expect(fit.theta).toBeCloseTo(ref.mle.theta, 2);
    expect(Math.abs(fit.omega / ref.mle.omega - 1)).toBeLessThan(0.01);
    for (let c = 0; c < ref.cellCount; c++) expect(fit.mu[c]!).toBeCloseTo(ref.mle.mu[c]!, 3);
  });
  it('recovers simulated parameters (seeded, 20 cells, 2000 days)', () => {
    const rng = new SeededRng('grid-hawkes-recovery');
    const mu = Float64Array.from({ length: 20 }, (_, c) => 0.02 + 0.01 * (c % 5));
    const sim = simulateGridHawkes(rng, { mu, theta: 0.5, omega: 0.1, start: 0, end: 2000 });
    const fit = fitGridHawkes(sim.cell, sim.t, 20, 0, 2000);
    expect(Math.abs(fit.theta - 0.5)).toBeLessThan(0.08);
    expect(Math.abs(fit.omega / 0.1 - 1)).toBeLessThan(0.25);
  });
  it('forecast: expected counts are mu * H plus the decaying offspring', () => {
    const fit = fitGridHawkes(Int32Array.from(ref.cell), Float64Array.from(ref.t), ref.cellCount, ref.start, ref.end);
    const e = gridHawkesExpectedCounts(fit, ref.end, 30);
    let trig = 0;
    ref.t.forEach((t, i) => { if (ref.cell[i] === 3) trig += Math.exp(-fit.omega * (ref.end - t)) - Math.exp(-fit.omega * (ref.end + 30 - t)); });
    expect(e[3]).toBeCloseTo(fit.mu[3]! * 30 + fit.theta * trig, 10);
    expect(e[5]).toBe(0); // no event, mu = 0
  });
  it('the model ignores events at or after the origin', () => {
    const grid = createSquareGrid({ minX: 0, minY: 0, maxX: 99, maxY: 99 }, { cellSize: 50 });
    const rng = new SeededRng(3);
    const n = 300;
    const base: SpaceTimeEvents = { x: Float64Array.from({ length: n }, () => rng.next() * 100), y: Float64Array.from({ length: n }, () => rng.next() * 100), t: Float64Array.from({ length: n }, (_, i) => i) };
    const model = gridHawkesModel({ trainingDays: 500 });
    const a = model({ events: base, grid, origin: 200, horizonDays: 30 }).intensity;
    const t2 = base.t.slice(); const x2 = base.x.slice();
    for (let i = 200; i < n; i++) x2[i] = 5; // move every later event into cell 0
    const b = model({ events: { x: x2, y: base.y, t: t2 }, grid, origin: 200, horizonDays: 30 }).intensity;
    expect(Array.from(b)).toEqual(Array.from(a));
  });
});
