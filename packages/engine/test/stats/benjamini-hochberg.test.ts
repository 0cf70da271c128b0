import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { benjaminiHochberg } from '../../src/stats/benjamini-hochberg.js';
import { expectClose, loadHotspotFixture } from './hotspots-fixtures.js';

interface Ref {
  bhToy: { p: number[]; adjusted: number[] };
  giStarCounts: { p: number[]; pBH: number[] };
  giStarDeaths: { p: number[]; pBH: number[] };
}
const ref = loadHotspotFixture<Ref>('hotspots-spdep.json');

describe('Benjamini-Hochberg (reference: R p.adjust(method = "BH"))', () => {
  it('matches p.adjust on a vector with ties, 0 and 1', () => {
    expectClose(benjaminiHochberg(ref.bhToy.p), ref.bhToy.adjusted, { rel: 1e-14, abs: 1e-16 }, 'toy');
  });
  it('matches p.adjust on real Gi* p-values (UCDP Balochistan, H3 res 6)', () => {
    expectClose(benjaminiHochberg(ref.giStarCounts.p), ref.giStarCounts.pBH, { rel: 1e-12 }, 'counts');
    expectClose(benjaminiHochberg(ref.giStarDeaths.p), ref.giStarDeaths.pBH, { rel: 1e-12 }, 'deaths');
  });
  it('the radix path (n >= 4096) equals the comparator path, with ties, zeros, ones and -0', () => {
    // Cross-check of two code paths (not a reference): the same p-values, once whole (radix sort) and
    // as a direct transcription of R's p.adjust on a copy.
    let s = 7;
    const rnd = () => (s = (s * 16807) % 2147483647) / 2147483647;
    const n = 20000;
    const p = Array.from({ length: n }, (_, i) => (i % 97 === 0 ? 0 : i % 89 === 0 ? 1 : i % 83 === 0 ? -0 : rnd() < 0.3 ? Math.floor(rnd() * 40) / 40 : rnd() ** 5));
    const o = Array.from({ length: n }, (_, i) => i).sort((a, b) => p[b]! - p[a]! || b - a); // order(p, decreasing = TRUE)
    const cm = new Float64Array(n);
    let run = Infinity;
    o.forEach((idx, k) => {
      run = Math.min(run, (n / (n - k)) * p[idx]!);
      cm[idx] = Math.min(1, run);
    });
    expectClose(benjaminiHochberg(p), cm, { rel: 1e-15, abs: 0 }, 'radix vs p.adjust transcription');
  });
  it('rejects p outside [0, 1]', () => {
    expect(() => benjaminiHochberg([0.1, 1.2])).toThrow(/pValues\[1\]/);
    expect(() => benjaminiHochberg([Number.NaN])).toThrow(/pValues\[0\]/);
  });
  it('invariants: adjusted >= raw, <= 1, order-preserving, independent of input order', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 60 }), fc.integer({ min: 0, max: 1000 }), (p, shift) => {
        const adj = benjaminiHochberg(p);
        for (let i = 0; i < p.length; i++) {
          expect(adj[i]!).toBeGreaterThanOrEqual(p[i]!);
          expect(adj[i]!).toBeLessThanOrEqual(1);
          for (let j = 0; j < p.length; j++) if (p[i]! < p[j]!) expect(adj[i]!).toBeLessThanOrEqual(adj[j]!);
        }
        const k = shift % p.length;
        const rotated = [...p.slice(k), ...p.slice(0, k)];
        const adjRot = benjaminiHochberg(rotated);
        for (let i = 0; i < p.length; i++) expect(adjRot[i]).toBe(adj[(i + k) % p.length]);
      }),
      { seed: 4242, numRuns: 200 },
    );
  });
});
