import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { crpsInteger, crpsNegativeBinomial, crpsPoisson } from '../../src/stats/crps.js';
import { empiricalDistribution } from '../../src/stats/count-distributions.js';
import { scoresRef } from '../forecast-counts/reference-fixtures.js';

describe('CRPS of count distributions against R (explicit summation; Poisson also Wei-Held closed form)', () => {
  it('Poisson and NB CRPS agree to 1e-9 relative', () => {
    for (const c of scoresRef.cases) {
      const v = c.family === 'poisson' ? crpsPoisson(c.mean, c.y) : crpsNegativeBinomial(c.mean, c.theta!, c.y);
      expect(Math.abs(v - c.crps), `${c.family}(${c.mean}, ${c.theta ?? ''}) y=${c.y}: ${v} vs ${c.crps}`).toBeLessThan(1e-9 * Math.max(1, c.crps));
      if (c.crpsClosed !== undefined) expect(Math.abs(v - c.crpsClosed)).toBeLessThan(1e-9 * Math.max(1, c.crpsClosed));
    }
  });
  it('a point mass scores the absolute error', () => {
    expect(crpsInteger(empiricalDistribution([3]), 3)).toBe(0);
    expect(crpsInteger(empiricalDistribution([3]), 7)).toBe(4);
    expect(crpsInteger(empiricalDistribution([3]), 0)).toBe(3);
  });
  it('property: CRPS equals E|X - y| - E|X - X\'|/2 for empirical distributions', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 30 }), fc.integer({ min: 0, max: 40 }), (xs, y) => {
        let e1 = 0, e2 = 0;
        for (const a of xs) { e1 += Math.abs(a - y); for (const b of xs) e2 += Math.abs(a - b); }
        const energy = e1 / xs.length - e2 / (2 * xs.length * xs.length);
        return Math.abs(crpsInteger(empiricalDistribution(xs), y) - energy) < 1e-9;
      }),
      { seed: 11, numRuns: 200 },
    );
  });
  it('rejects a non-count outcome', () => {
    expect(() => crpsPoisson(1, 1.5)).toThrow(/y is 1.5/);
  });
});
