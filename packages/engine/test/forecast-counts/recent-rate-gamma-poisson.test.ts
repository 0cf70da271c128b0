import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { periodIndexOf, type CountPanel } from '../../src/forecast/counts/count-panel.js';
import { forecastDistrictCounts, SELECTION_CANDIDATES } from '../../src/forecast/counts/district-count-model.js';
import { forecastRecentRate, HALF_LIVES, recentRatePredictive, SELECTION_ORIGINS } from '../../src/forecast/counts/recent-rate-gamma-poisson.js';
import { crpsInteger } from '../../src/stats/crps.js';
import { distributionMean } from '../../src/stats/count-distributions.js';
import { syntheticPanel } from './panel-fixtures.js';

interface RecentRateReference {
  units: number; periods: number; origin: number; counts: number[]; outcomes: number[];
  cases: { halfLife: number | null; alpha: number; beta: number; weightSum: number; mean: number[]; pmf: number[][]; crps: number[] }[];
}
const ref = JSON.parse(readFileSync(new URL('../fixtures/reference/counts-recent-rate.json', import.meta.url), 'utf8')) as RecentRateReference;

function panelOf(counts: ArrayLike<number>, U: number, T: number): CountPanel {
  return {
    period: 'month', units: Array.from({ length: U }, (_, u) => `d${u}`), firstPeriod: periodIndexOf(Date.UTC(2010, 0, 15), 'month'),
    nPeriods: T, counts: Float64Array.from(counts), neighbours: Array.from({ length: U }, () => []),
  };
}

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(1e-300, Math.abs(b));

describe('recent-rate gamma-Poisson count model', () => {
  const refPanel = panelOf(ref.counts, ref.units, ref.periods);

  it('prior, predictive pmf and CRPS equal the numpy/scipy re-computation (scripts/reference/counts-recent-rate-gamma-poisson.py)', () => {
    for (const c of ref.cases) {
      const p = recentRatePredictive(refPanel, ref.origin, c.halfLife ?? Infinity, 1e-14);
      expect(rel(p.alpha, c.alpha)).toBeLessThan(1e-12);
      expect(rel(p.beta, c.beta)).toBeLessThan(1e-12);
      expect(rel(p.weightSum, c.weightSum)).toBeLessThan(1e-12);
      p.distributions.forEach((d, u) => {
        expect(rel(distributionMean(d), c.mean[u]!)).toBeLessThan(1e-9);
        c.pmf[u]!.forEach((q, k) => expect(Math.abs((d.pmf[k] ?? 0) - q)).toBeLessThan(1e-12));
        expect(Math.abs(crpsInteger(d, ref.outcomes[u]!) - c.crps[u]!)).toBeLessThan(1e-9);
      });
    }
  });

  it('is a candidate of the default model choice and reports its chosen half-life and the past CRPS of every candidate', () => {
    expect(SELECTION_CANDIDATES).toContain('recent-rate-gamma-poisson');
    const panel = syntheticPanel({ units: 8, periods: 72, seed: 3, theta: 0.8 });
    const f = forecastDistrictCounts(panel, { model: 'recent-rate-gamma-poisson', origin: 60, horizon: 2 });
    expect(f.recentRate?.selection.map((s) => s.halfLife)).toEqual([...HALF_LIVES]);
    expect(f.recentRate?.pastOrigins).toBe(SELECTION_ORIGINS);
    const best = Math.min(...f.recentRate!.selection.map((s) => s.meanCrps));
    expect(f.recentRate!.selection.find((s) => s.halfLife === f.recentRate!.halfLife)!.meanCrps).toBe(best);
  });

  it('chooses a short half-life after a lasting level shift and a long one on a stationary series', () => {
    const U = 10, T = 120;
    const stationary = syntheticPanel({ units: U, periods: T, seed: 11 });
    const shifted = { ...stationary, counts: stationary.counts.slice() };
    // From month 60 every district's level jumps to 8 times its old count (+ 2): recent months matter.
    for (let u = 0; u < U; u++) for (let t = 60; t < T; t++) shifted.counts[u * T + t] = 8 * stationary.counts[u * T + t]! + 2;
    expect(forecastRecentRate(shifted, 70, 1, 1e-12).fit.halfLife).toBeLessThanOrEqual(6);
    expect(forecastRecentRate(stationary, 110, 1, 1e-12).fit.halfLife).toBeGreaterThanOrEqual(24);
  });

  it('property: the chosen half-life and the forecast ignore every count at or after the origin', () => {
    const panel = syntheticPanel({ units: 6, periods: 60, seed: 7, theta: 1.5 });
    fc.assert(
      fc.property(fc.integer({ min: 13, max: 59 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 40 }), (origin, horizon, bump) => {
        const a = forecastRecentRate(panel, origin, horizon, 1e-12);
        const changed = { ...panel, counts: panel.counts.slice() };
        for (let u = 0; u < 6; u++) for (let t = origin; t < 60; t++) changed.counts[u * 60 + t] = bump + ((u + t) % 5);
        const b = forecastRecentRate(changed, origin, horizon, 1e-12, new Map());
        return a.fit.halfLife === b.fit.halfLife && a.distributions.every((d, u) => d.pmf.every((p, k) => p === b.distributions[u]!.pmf[k]));
      }),
      { seed: 17, numRuns: 30 },
    );
  });

  it('a province without any event gives a point mass at zero, never NaN', () => {
    const empty = panelOf(new Float64Array(4 * 40), 4, 40);
    const f = forecastRecentRate(empty, 30, 1, 1e-12);
    for (const d of f.distributions) expect(Array.from(d.pmf)).toEqual([1]);
  });
});
