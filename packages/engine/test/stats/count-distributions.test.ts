import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  distributionMean, distributionQuantile, empiricalDistribution, negativeBinomialCdf, negativeBinomialDistribution, negativeBinomialPmf,
  negativeBinomialQuantile, poissonCdf, poissonDistribution, poissonPmf, poissonQuantile,
} from '../../src/stats/count-distributions.js';
import { scoresRef } from '../forecast-counts/reference-fixtures.js';

const close = (a: number, b: number, rel: number, abs = 1e-300) => Math.abs(a - b) <= Math.max(abs, rel * Math.abs(b));

describe('Poisson and NB distributions against R dpois/ppois/qpois, dnbinom/pnbinom/qnbinom (counts-scores-reference.R)', () => {
  it('pmf, cdf and quantiles', () => {
    for (const c of scoresRef.cases) {
      const label = `${c.family}(${c.mean}, ${c.theta ?? ''}) y=${c.y}`;
      if (c.family === 'poisson') {
        expect(close(poissonPmf(c.y, c.mean), c.pmf, 1e-11), `pmf ${label}`).toBe(true);
        expect(close(poissonCdf(c.y, c.mean), c.cdf, 1e-11), `cdf ${label}`).toBe(true);
        expect([poissonQuantile(0.05, c.mean), poissonQuantile(0.5, c.mean), poissonQuantile(0.95, c.mean)], label).toEqual([c.q05 + 0, c.q50 + 0, c.q95 + 0]);
      } else {
        const th = c.theta!;
        expect(close(negativeBinomialPmf(c.y, c.mean, th), c.pmf, 1e-11), `pmf ${label}`).toBe(true);
        expect(close(negativeBinomialCdf(c.y, c.mean, th), c.cdf, 1e-11), `cdf ${label}`).toBe(true);
        expect([negativeBinomialQuantile(0.05, c.mean, th), negativeBinomialQuantile(0.5, c.mean, th), negativeBinomialQuantile(0.95, c.mean, th)], label)
          .toEqual([c.q05 + 0, c.q50 + 0, c.q95 + 0]);
      }
    }
  });
  it('truncated vectors: probabilities + tail sum to 1, tail below the tolerance, mean preserved', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 80, noNaN: true }), fc.double({ min: 0.05, max: 50, noNaN: true }), (mu, theta) => {
        for (const d of [poissonDistribution(mu, 1e-6), negativeBinomialDistribution(mu, theta, 1e-6)]) {
          const s = d.pmf.reduce((a, b) => a + b, 0);
          if (!(d.tail < 1e-6) || Math.abs(s + d.tail - 1) > 1e-9) return false;
        }
        const full = negativeBinomialDistribution(mu, theta, 1e-13);
        return Math.abs(distributionMean(full) - mu) < 1e-6 * Math.max(1, mu) * 50;
      }),
      { seed: 7, numRuns: 200 },
    );
  });
  it('empirical distribution and its quantiles', () => {
    const d = empiricalDistribution([0, 0, 0, 1, 5]);
    expect(Array.from(d.pmf)).toEqual([3 / 5, 1 / 5, 0, 0, 0, 1 / 5]);
    expect(distributionQuantile(d, 0.5)).toBe(0);
    expect(distributionQuantile(d, 0.7)).toBe(1);
    expect(distributionQuantile(d, 0.95)).toBe(5);
    expect(() => empiricalDistribution([])).toThrow(/values is empty/);
  });
});
