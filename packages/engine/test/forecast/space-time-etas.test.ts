import { describe, expect, it } from 'vitest';
import { SeededRng } from '../../src/random/index.js';
import { createSquareGrid, etasExpectedCounts, fitSpaceTimeEtas, simulateSpaceTimeHawkes, spaceTimeEtasModel } from '../../src/forecast/index.js';

const bbox = { minX: 0, minY: 0, maxX: 20_000, maxY: 20_000 };
const truth = { mu: 4, theta: 0.4, omega: 0.1, sigma: 150 };

describe('space-time ETAS', () => {
  const sim = simulateSpaceTimeHawkes(new SeededRng('etas-recovery'), { ...truth, start: 0, end: 500, bbox });
  it('recovers the trigger parameters of a seeded simulation (uniform background)', () => {
    const fit = fitSpaceTimeEtas(sim, 0, 500, { backgroundBandwidth: 2000, maxTriggerDistance: 1500, maxTriggerDays: 90, initialSigma: 400, initialOmega: 0.3 });
    expect(sim.t.length).toBeGreaterThan(2500);
    expect(fit.converged).toBe(true);
    expect(Math.abs(fit.theta - truth.theta)).toBeLessThan(0.07);
    expect(Math.abs(fit.omega / truth.omega - 1)).toBeLessThan(0.2);
    expect(Math.abs(fit.sigma / truth.sigma - 1)).toBeLessThan(0.1);
    expect(Math.abs(fit.mu / truth.mu - 1)).toBeLessThan(0.15);
  });
  it('expected counts over the whole grid add up to about mu H + the remaining offspring', () => {
    const fit = fitSpaceTimeEtas(sim, 0, 500, { backgroundBandwidth: 2000, maxTriggerDistance: 1500, maxTriggerDays: 90 });
    const grid = createSquareGrid({ minX: -8000, minY: -8000, maxX: 28_000, maxY: 28_000 }, { cellSize: 200 });
    const e = etasExpectedCounts(fit, grid, 500, 30);
    let trig = 0;
    for (let i = 0; i < fit.t.length; i++) trig += fit.theta * (Math.exp(-fit.omega * (500 - fit.t[i]!)) - Math.exp(-fit.omega * (530 - fit.t[i]!)));
    const total = e.reduce((a, b) => a + b, 0);
    expect(total / (fit.mu * 30 + trig)).toBeGreaterThan(0.97);
    expect(total / (fit.mu * 30 + trig)).toBeLessThan(1.03);
  });
  it('repeat events at one point do not collapse sigma to zero (floor, with a caveat)', () => {
    const x = new Float64Array(200).fill(100), y = new Float64Array(200).fill(100);
    const t = Float64Array.from({ length: 200 }, (_, i) => i * 0.5);
    const model = spaceTimeEtasModel({ backgroundBandwidth: 500, maxTriggerDistance: 1000, trainingDays: 200 });
    const grid = createSquareGrid({ minX: 0, minY: 0, maxX: 999, maxY: 999 }, { cellSize: 250 });
    const out = model({ events: { x, y, t }, grid, origin: 100, horizonDays: 7 });
    expect(out.intensity.every((v) => Number.isFinite(v))).toBe(true);
    expect(out.fitted?.sigma).toBeGreaterThanOrEqual(50);
  });
});
