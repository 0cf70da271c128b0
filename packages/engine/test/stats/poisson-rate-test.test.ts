import { describe, expect, it } from 'vitest';
import { poissonRateTest } from '../../src/stats/poisson-rate-test.js';
import { close, ref } from './temporal-reference.js';

describe('poissonRateTest against R poisson.test(c(x1, x0), c(t1, t0)) (reference: temporal-stats.R)', () => {
  it('rate ratio, 95% CI and p-value', () => {
    for (const c of ref.poisson) {
      const r = poissonRateTest(c.x1, c.t1, c.x0, c.t0);
      const tag = JSON.stringify(c);
      expect(close(r.rateRatio, c.rateRatio, 1e-12), `ratio ${tag}`).toBe(true);
      expect(close(r.lower, c.lower, 1e-9, 1e-13), `lower ${tag} got ${r.lower}`).toBe(true);
      expect(close(r.upper, c.upper, 1e-9, 1e-13), `upper ${tag} got ${r.upper}`).toBe(true);
      expect(close(r.pValue, c.pValue, 1e-9), `p ${tag} got ${r.pValue}`).toBe(true);
    }
  });
  it('the brief example: 14 -> 23 over equal weeks is up 64% and not significant', () => {
    const r = poissonRateTest(23, 7, 14, 7);
    expect(r.rateRatio).toBeCloseTo(1.642857, 6);
    expect(r.pValue).toBeGreaterThan(0.05);
    expect(r.lower).toBeLessThan(1);
  });
  it('both counts zero: p = 1 and no ratio', () => {
    expect(poissonRateTest(0, 7, 0, 7)).toEqual({ rateRatio: null, lower: 0, upper: null, pValue: 1, expected1: 0 });
  });
  it('rejects a non-positive exposure', () => {
    expect(() => poissonRateTest(1, 0, 1, 7)).toThrow(/t1 must be positive/);
  });
});
