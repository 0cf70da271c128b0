import { describe, expect, it } from 'vitest';
import { chiSquareGoodnessOfFit } from '../../src/stats/chi-square-goodness-of-fit.js';
import { close, ref } from './temporal-reference.js';

describe('chiSquareGoodnessOfFit against R chisq.test(x, p = w / sum(w)) (reference: temporal-stats.R)', () => {
  it('statistic, df and p-value', () => {
    for (const c of ref.chisq) {
      const r = chiSquareGoodnessOfFit(c.observed, c.weights);
      expect(close(r.statistic, c.statistic, 1e-12)).toBe(true);
      expect(r.df).toBe(c.df);
      expect(close(r.pValue, c.pValue, 1e-9, 1e-15), `p ${r.pValue} vs ${c.pValue}`).toBe(true);
    }
  });
  it('drops zero-exposure categories from the degrees of freedom', () => {
    const r = chiSquareGoodnessOfFit([5, 0, 7], [1, 0, 1]);
    expect(r.df).toBe(1);
    expect(r.expected).toEqual([6, 0, 6]);
  });
  it('refuses events in a category with no exposure', () => {
    expect(() => chiSquareGoodnessOfFit([5, 1], [1, 0])).toThrow(/observed\[1\] = 1/);
  });
});
