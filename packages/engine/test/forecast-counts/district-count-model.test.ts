import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { forecastDistrictCounts, COUNT_MODELS } from '../../src/forecast/counts/district-count-model.js';
import { distributionMean } from '../../src/stats/count-distributions.js';
import { InsufficientDataError } from '../../src/domain/errors.js';
import { syntheticPanel } from './panel-fixtures.js';

describe('district count models', () => {
  const panel = syntheticPanel({ units: 8, periods: 72, seed: 3, theta: 0.8 });

  it('every model gives one distribution per district whose probabilities and tail sum to 1, tail below the tolerance', () => {
    for (const model of COUNT_MODELS) {
      for (const horizon of [1, 2, 3]) {
        const f = forecastDistrictCounts(panel, { model, origin: 60, horizon, tailTolerance: 1e-6 });
        expect(f.distributions).toHaveLength(8);
        expect(f.target).toBe(60 + horizon - 1);
        for (const d of f.distributions) {
          const s = d.pmf.reduce((a, b) => a + b, 0);
          expect(d.tail).toBeLessThan(1e-6);
          expect(Math.abs(s + d.tail - 1)).toBeLessThan(1e-9);
          expect(d.pmf.every((p) => p >= 0 && Number.isFinite(p))).toBe(true);
        }
      }
    }
  });

  it('property: counts at or after the origin never change a forecast (only pre-origin data is used)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 24, max: 71 }), fc.integer({ min: 1, max: 3 }), fc.constantFrom(...COUNT_MODELS), fc.integer({ min: 0, max: 50 }), (origin, horizon, model, bump) => {
        const before = forecastDistrictCounts(panel, { model, origin, horizon });
        const changed = { ...panel, counts: panel.counts.slice() };
        for (let u = 0; u < 8; u++) for (let t = origin; t < 72; t++) changed.counts[u * 72 + t] = bump + ((u * t) % 7);
        const after = forecastDistrictCounts(changed, { model, origin, horizon });
        return before.distributions.every((d, u) => {
          const e = after.distributions[u]!;
          return d.tail === e.tail && d.pmf.length === e.pmf.length && d.pmf.every((p, k) => p === e.pmf[k]);
        });
      }),
      { seed: 5, numRuns: 25 },
    );
  });

  it('benchmarks: last value with Poisson noise, historical mean, bootstrap of past values', () => {
    const T = panel.nPeriods;
    const last = forecastDistrictCounts(panel, { model: 'last-value-poisson', origin: 50, horizon: 2 });
    const hist = forecastDistrictCounts(panel, { model: 'historical-mean-poisson', origin: 50, horizon: 2 });
    const boot = forecastDistrictCounts(panel, { model: 'bootstrap-past-values', origin: 50, horizon: 2 });
    for (let u = 0; u < 8; u++) {
      const past = Array.from(panel.counts.subarray(u * T, u * T + 50));
      const mean = past.reduce((a, b) => a + b, 0) / 50;
      expect(distributionMean(last.distributions[u]!)).toBeCloseTo(panel.counts[u * T + 49]!, 9);
      expect(distributionMean(hist.distributions[u]!)).toBeCloseTo(mean, 9);
      expect(distributionMean(boot.distributions[u]!)).toBeCloseTo(mean, 12);
      expect(boot.distributions[u]!.pmf[0]).toBeCloseTo(past.filter((v) => v === 0).length / 50, 12);
    }
  });

  it("'auto' picks a negative binomial on overdispersed data and a Poisson on Poisson data (by training AIC)", () => {
    const nb = forecastDistrictCounts(syntheticPanel({ units: 10, periods: 96, seed: 9, theta: 0.5 }), { model: 'auto', origin: 90, horizon: 1 });
    expect(nb.fitted?.family).toBe('negative-binomial');
    expect(nb.fitted?.candidates).toHaveLength(4);
    const po = forecastDistrictCounts(syntheticPanel({ units: 10, periods: 96, seed: 9 }), { model: 'auto', origin: 90, horizon: 1 });
    // With Poisson data theta -> infinity and the NB's extra parameter costs 2 AIC points.
    expect(po.fitted?.family).toBe('poisson');
  });

  it('too little history is an InsufficientDataError naming the origin', () => {
    expect(() => forecastDistrictCounts(panel, { origin: 5, horizon: 1 })).toThrow(InsufficientDataError);
    const empty = { ...panel, counts: new Float64Array(panel.counts.length) };
    expect(() => forecastDistrictCounts(empty, { model: 'poisson-glm', origin: 40, horizon: 1 })).toThrow(/0 events/);
  });
});
