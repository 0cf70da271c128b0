import { describe, expect, it } from 'vitest';
import { normalCdf, normalQuantile, normalUpperTail, twoSidedNormalPValue } from '../../src/stats/normal-distribution.js';
import { expectClose, loadHotspotFixture } from './hotspots-fixtures.js';

const ref = loadHotspotFixture<{ pnorm: { z: number[]; lower: number[]; upper: number[]; qp: number[]; q: number[] } }>('hotspots-spdep.json').pnorm;

describe('normal distribution (reference: R pnorm / qnorm, scripts/reference/hotspots-spdep.R)', () => {
  it('lower and upper tails agree with R to 1e-13 relative, far tails included', () => {
    expectClose(ref.z.map(normalCdf), ref.lower, { rel: 1e-13, abs: 1e-300 }, 'lower');
    expectClose(ref.z.map(normalUpperTail), ref.upper, { rel: 1e-13, abs: 1e-300 }, 'upper');
  });
  it('two-sided p is twice the upper tail of |z|', () => {
    expect(twoSidedNormalPValue(-1.959963984540054)).toBeCloseTo(0.05, 14);
    expect(twoSidedNormalPValue(0)).toBe(1);
  });
  it('quantile agrees with R qnorm to 1e-9', () => {
    expectClose(ref.qp.map(normalQuantile), ref.q, { abs: 1e-9, rel: 1e-12 }, 'qnorm');
  });
});
