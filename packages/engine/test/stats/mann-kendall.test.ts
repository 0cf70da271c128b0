import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mannKendall } from '../../src/stats/mann-kendall.js';
import { loadHotspotFixture } from './hotspots-fixtures.js';

interface Series {
  x: number[];
  S: number;
  varS: number;
  z: number;
  p: number;
  tau: number;
}
const ref = loadHotspotFixture<{ series: Record<string, Series> }>('hotspots-mann-kendall.json');

describe('Mann-Kendall (reference: R cor.test(kendall, exact = FALSE, continuity = TRUE) and cor(kendall))', () => {
  for (const [name, r] of Object.entries(ref.series)) {
    it(`S, Var(S), z, p and tau equal R for ${name}`, () => {
      const m = mannKendall(r.x);
      expect(m.S).toBe(r.S);
      expect(m.varS).toBeCloseTo(r.varS, 9);
      expect(Math.abs(m.z - r.z)).toBeLessThan(1e-12);
      expect(Math.abs(m.p - r.p)).toBeLessThanOrEqual(1e-12 + 1e-10 * r.p);
      expect(Math.abs(m.tau - r.tau)).toBeLessThan(1e-12);
    });
  }
  it('short series carry a caveat; constant series give p = 1 and a caveat', () => {
    expect(mannKendall(ref.series.short!.x).caveats.map((c) => c.code)).toEqual(['MANN_KENDALL_SHORT_SERIES']);
    const k = mannKendall([4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4]);
    expect(k.p).toBe(1);
    expect(k.caveats[0]!.code).toBe('MANN_KENDALL_CONSTANT');
    expect(() => mannKendall([1, 2])).toThrow(/at least 3/);
  });
  it('invariants: reversing time flips S and tau; a monotone transform changes nothing', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 3, maxLength: 40 }), (x) => {
        const a = mannKendall(x);
        const b = mannKendall([...x].reverse());
        expect(b.S + a.S).toBe(0);
        expect(b.tau).toBeCloseTo(-a.tau, 12);
        const c = mannKendall(x.map((v) => Math.exp(v / 3)));
        expect(c.S - a.S).toBe(0);
        expect(c.p).toBeCloseTo(a.p, 12);
      }),
      { seed: 2024, numRuns: 200 },
    );
  });
});
