import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { periodIndexOf, type CountPanel } from '../../src/forecast/counts/count-panel.js';
import { COUNT_MODELS, forecastDistrictCounts, selectCountModel, SELECTION_CANDIDATES } from '../../src/forecast/counts/district-count-model.js';
import {
  DAMPED_TREND_GRID, DISPERSION_WINDOW, dampedTrendFilter, negativeBinomialVector, dampedTrendForecast, dampedTrendPredictive, forecastDampedTrend,
} from '../../src/forecast/counts/damped-trend-negbin.js';
import { distributionMean, negativeBinomialDistribution, type IntegerDistribution } from '../../src/stats/count-distributions.js';
import { syntheticPanel } from './panel-fixtures.js';

interface DampedTrendReference {
  cases: { series: string; y: number[]; alpha: number; beta: number; phi: number; l0: number; b0: number; fitted: number[]; finalLevel: number; finalTrend: number; forecast: number[] }[];
}
const ref = JSON.parse(readFileSync(new URL('../fixtures/reference/counts-damped-trend.json', import.meta.url), 'utf8')) as DampedTrendReference;

function variance(d: IntegerDistribution): number {
  const m = distributionMean(d);
  let v = 0;
  d.pmf.forEach((q, k) => { v += q * (k - m) ** 2; });
  return v;
}

function panelOf(counts: ArrayLike<number>, U: number, T: number): CountPanel {
  return {
    period: 'month', units: Array.from({ length: U }, (_, u) => `d${u}`), firstPeriod: periodIndexOf(Date.UTC(2010, 0, 15), 'month'),
    nPeriods: T, counts: Float64Array.from(counts), neighbours: Array.from({ length: U }, () => []),
  };
}

describe('damped-trend negative binomial count model', () => {
  it('the recursion and point forecasts equal R forecast::ets(model = "AAN", damped = TRUE) (scripts/reference/counts-damped-trend-reference.R)', () => {
    expect(ref.cases.length).toBe(6);
    for (const c of ref.cases) {
      const p = { alpha: c.alpha, beta: c.beta, phi: c.phi };
      const r = dampedTrendFilter(c.y, p, c.l0, c.b0);
      expect(r.fitted.length).toBe(c.fitted.length);
      c.fitted.forEach((f, t) => expect(Math.abs(r.fitted[t]! - f)).toBeLessThan(1e-9));
      const n = c.y.length;
      expect(Math.abs(r.level[n - 1]! - c.finalLevel)).toBeLessThan(1e-9);
      expect(Math.abs(r.trend[n - 1]! - c.finalTrend)).toBeLessThan(1e-9);
      const f = dampedTrendForecast(r.level[n - 1]!, r.trend[n - 1]!, c.phi, 3);
      c.forecast.forEach((v, j) => expect(Math.abs(f[j]! - v)).toBeLessThan(1e-9));
    }
  });

  it('its negative binomial vector is stats negativeBinomialDistribution: same support and tail, pmf to 1e-9 relative', () => {
    for (const [mu, size] of [[0.3, 5], [2, 0.5], [16, 0.05], [120, 1.2], [40, 0.5], [7, 1e4]] as const) {
      for (const tol of [1e-12, 1e-6]) {
        const a = negativeBinomialVector(mu, size, tol), b = negativeBinomialDistribution(mu, size, tol);
        expect(a.pmf.length).toBe(b.pmf.length);
        expect(Math.abs(a.tail - b.tail)).toBeLessThanOrEqual(1e-15);
        b.pmf.forEach((q, k) => expect(Math.abs(a.pmf[k]! - q)).toBeLessThanOrEqual(1e-9 * q + 1e-300));
      }
    }
  });

  it('can be asked for by name, and is not a candidate of backtest-selected (it made the choice worse on UCDP and the demo)', () => {
    expect(COUNT_MODELS).toContain('damped-trend-negbin');
    expect(SELECTION_CANDIDATES).not.toContain('damped-trend-negbin');
  });

  it('follows a steady rise: the forecast mean is above the last value, the last value is not', () => {
    // 6 districts rising by 2 per month from different levels, no noise
    const U = 6, T = 60;
    const counts = new Float64Array(U * T);
    for (let u = 0; u < U; u++) for (let t = 0; t < T; t++) counts[u * T + t] = 5 + 3 * u + 2 * t;
    const panel = panelOf(counts, U, T);
    const f = forecastDistrictCounts(panel, { model: 'damped-trend-negbin', origin: T, horizon: 1 });
    f.distributions.forEach((d, u) => {
      const last = counts[u * T + T - 1]!;
      expect(distributionMean(d)).toBeGreaterThan(last + 1);
      expect(distributionMean(d)).toBeLessThan(last + 2 + 1e-9);
    });
    // a selection among it and the default's candidates, made on earlier origins only, prefers it
    const sel = selectCountModel(panel, T, 1, { candidates: [...SELECTION_CANDIDATES, 'damped-trend-negbin'] });
    expect(sel.chosen).toBe('damped-trend-negbin');
  });

  it('dispersion: the moment estimate over the h-step errors of the window before the origin, recomputed from the recursion', () => {
    const panel = syntheticPanel({ units: 8, periods: 90, seed: 11, theta: 2 });
    const T = panel.nPeriods, U = panel.units.length;
    for (const h of [1, 3]) {
      const p = DAMPED_TREND_GRID[4]!;
      const origin = 80;
      const pr = dampedTrendPredictive(panel, origin, h, p, 1e-12);
      let num = 0, den = 0;
      for (let u = 0; u < U; u++) {
        const y = Array.from(panel.counts.subarray(u * T, u * T + origin));
        const r = dampedTrendFilter(y.slice(1), p, y[0]!, 0);
        const lv = (s: number) => (s === 0 ? y[0]! : r.level[s - 1]!), tr = (s: number) => (s === 0 ? 0 : r.trend[s - 1]!);
        for (let t = origin - DISPERSION_WINDOW; t < origin; t++) {
          const m = Math.max(0, dampedTrendForecast(lv(t - h), tr(t - h), p.phi, h)[h - 1]!);
          num += (y[t]! - m) ** 2 - m; den += m * m;
        }
        const mu = Math.max(0, dampedTrendForecast(lv(origin - 1), tr(origin - 1), p.phi, h)[h - 1]!);
        expect(Math.abs(distributionMean(pr.distributions[u]!) - mu)).toBeLessThan(1e-8 * Math.max(1, mu));
      }
      const k = Math.max(0, num / den);
      expect(Math.abs(pr.dispersion - k)).toBeLessThan(1e-12);
      expect(pr.dispersion).toBeGreaterThan(0.1); // NB noise (theta 2) with a seasonal swing: overdispersed
      const d = pr.distributions[0]!, mu = distributionMean(d);
      expect(Math.abs(variance(d) - (mu + k * mu * mu))).toBeLessThan(1e-6 * (mu + k * mu * mu));
    }
  });

  it('counts at or after the origin change neither the parameters chosen nor the forecast (fast-check, seed 31)', () => {
    const base = syntheticPanel({ units: 5, periods: 70, seed: 5, theta: 3 });
    const T = base.nPeriods;
    fc.assert(fc.property(fc.integer({ min: 30, max: 66 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 2 ** 30 }), (origin, h, salt) => {
      const a = forecastDampedTrend(base, origin, h, 1e-12);
      const counts = Float64Array.from(base.counts);
      for (let u = 0; u < 5; u++) for (let t = origin; t < T; t++) counts[u * T + t] = (salt + 7 * u + 13 * t) % 41;
      const b = forecastDampedTrend({ ...base, counts }, origin, h, 1e-12);
      expect(b.fit.parameters).toEqual(a.fit.parameters);
      expect(b.fit.dispersion).toBe(a.fit.dispersion);
      b.distributions.forEach((d, u) => expect(Array.from(d.pmf)).toEqual(Array.from(a.distributions[u]!.pmf)));
      expect(b.fit.selection.map((s) => s.meanCrps)).toEqual(a.fit.selection.map((s) => s.meanCrps));
    }), { seed: 31, numRuns: 25 });
  });
});
