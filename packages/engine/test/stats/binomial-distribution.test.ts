import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { binomialCdf, binomialPmf, binomialTest } from '../../src/stats/binomial-distribution.js';
import { close, ref } from './temporal-reference.js';

describe('binomialTest against R binom.test (reference: temporal-stats.R)', () => {
  it('p-value and Clopper-Pearson interval', () => {
    for (const c of ref.binom) {
      const r = binomialTest(c.x, c.n, c.p);
      expect(close(r.pValue, c.pValue, 1e-9), `p ${JSON.stringify(c)} got ${r.pValue}`).toBe(true);
      expect(close(r.lower, c.lower, 1e-9, 1e-14), `lower ${JSON.stringify(c)}`).toBe(true);
      expect(close(r.upper, c.upper, 1e-9, 1e-14), `upper ${JSON.stringify(c)}`).toBe(true);
    }
  });
  it('the CDF is the running sum of the pmf (property, seed 7)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.double({ min: 0.01, max: 0.99, noNaN: true }), fc.nat(), (n, p, r) => {
        const k = r % (n + 1);
        let s = 0;
        for (let i = 0; i <= k; i++) s += binomialPmf(i, n, p);
        return Math.abs(binomialCdf(k, n, p) - s) < 1e-10;
      }),
      { seed: 7, numRuns: 200 },
    );
  });
  it('rejects x outside [0, n]', () => {
    expect(() => binomialTest(5, 4, 0.5)).toThrow(/x = 5/);
  });
});
