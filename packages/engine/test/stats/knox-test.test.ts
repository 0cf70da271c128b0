import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SeededRng } from '../../src/random/seeded-rng.js';
import { knoxTest } from '../../src/stats/knox-test.js';

const ref = JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/reference/temporal-knox.json', import.meta.url)), 'utf8')) as {
  x: number[]; y: number[]; t: number[]; spaceBands: number[]; timeBands: number[]; permutations: number;
  observed: number[][]; expected: number[][]; pValue: number[][];
};

/** Independent O(n^2) implementation: every pair, every permutation, same shuffle as the kernel. */
function bruteForce(x: number[], y: number[], t: number[], sE: number[], tE: number[], nperm: number, seed: number) {
  const n = x.length, nS = sE.length + 2, nT = tE.length + 1;
  const table = (tt: number[]) => {
    const out = Array.from({ length: nS }, () => new Array<number>(nT).fill(0));
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
      const d = Math.hypot(x[i]! - x[j]!, y[i]! - y[j]!);
      const s = d <= 0 ? 0 : 1 + sE.filter((e) => d > e).length;
      const dt = Math.abs(tt[i]! - tt[j]!);
      const k = tE.filter((e) => dt > e).length;
      out[s]![k]! += 1;
    }
    return out;
  };
  const observed = table(t);
  const rng = new SeededRng(seed);
  const tt = [...t];
  const sum = observed.map((r) => r.map(() => 0));
  const ge = observed.map((r) => r.map(() => 0));
  for (let r = 0; r < nperm; r++) {
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1));
      [tt[i], tt[j]] = [tt[j]!, tt[i]!];
    }
    const tab = table(tt);
    tab.forEach((row, s) => row.forEach((v, k) => { sum[s]![k]! += v; if (v >= observed[s]![k]!) ge[s]![k]! += 1; }));
  }
  return { observed, expected: sum.map((r) => r.map((v) => v / nperm)), pValue: ge.map((r) => r.map((v) => (1 + v) / (1 + nperm))) };
}

describe('knoxTest', () => {
  it('observed counts equal the brute-force Python reference exactly; p-values within Monte Carlo error (reference: temporal-knox.py)', () => {
    const r = knoxTest(ref.x, ref.y, ref.t, { spaceBands: ref.spaceBands, timeBands: ref.timeBands, permutations: 999, rng: new SeededRng(1) });
    expect(r.observed).toEqual(ref.observed);
    expect(r.totalPairs).toBe((ref.x.length * (ref.x.length - 1)) / 2);
    for (let s = 0; s < ref.observed.length; s++) {
      for (let k = 0; k < ref.observed[0]!.length; k++) {
        const p = ref.pValue[s]![k]!, ours = r.pValue[s]![k]!;
        // Two independent estimates: 999 and 9999 permutations. 4 standard errors plus the 1/(1+n) floor.
        const se = Math.sqrt(Math.max(p * (1 - p), 0.001) / 999);
        expect(Math.abs(ours - p), `p[${s}][${k}] ${ours} vs ${p}`).toBeLessThanOrEqual(4 * se + 0.002);
        const e = ref.expected[s]![k]!;
        expect(Math.abs(r.expected[s]![k]! - e), `expected[${s}][${k}]`).toBeLessThanOrEqual(5 * Math.sqrt(Math.max(e, 1) / 999));
      }
    }
    // The planted near-repeats: same place or within 200 m, within a week, is a strong excess.
    expect(r.pValue[0]![0]!).toBeLessThan(0.01);
    expect(r.pValue[1]![0]!).toBeLessThan(0.01);
  });

  it('equals a brute-force count of every pair for every permutation (same seed), also with a same-location tolerance', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 60 })), { minLength: 3, maxLength: 40 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.constantFrom<number[]>([0, 7, 21], [0.5, 7.25, 21]),
        (pts, seed, tE) => {
          // Coarse integer coordinates (x 25 m) make ties, same places and band edges common; half-day
          // times with fractional edges exercise the scan path, integer edges the lookup table.
          const x = pts.map((p) => p[0] * 25), y = pts.map((p) => p[1] * 25), t = pts.map((p) => p[2] / 2);
          const sE = [50, 200, 400];
          const r = knoxTest(x, y, t, { spaceBands: sE, timeBands: tE, permutations: 99, rng: new SeededRng(seed) });
          const b = bruteForce(x, y, t, sE, tE, 99, seed);
          expect(r.observed).toEqual(b.observed);
          r.expected.forEach((row, s) => row.forEach((v, k) => expect(v).toBeCloseTo(b.expected[s]![k]!, 9)));
          expect(r.pValue).toEqual(b.pValue);
        },
      ),
      { seed: 3, numRuns: 40 },
    );
  });

  it('counts every pair once: the table sums to n(n-1)/2 in every permutation', () => {
    const r = knoxTest(ref.x.slice(0, 100), ref.y.slice(0, 100), ref.t.slice(0, 100), { spaceBands: [500], timeBands: [10], permutations: 99, rng: new SeededRng(5) });
    const sum = (m: number[][]) => m.flat().reduce((a, b) => a + b, 0);
    expect(sum(r.observed)).toBe(4950);
    expect(sum(r.expected)).toBeCloseTo(4950, 6);
    expect(r.spaceLabels).toEqual(['same location', '(0, 500] m', '> 500 m']);
    expect(r.timeLabels).toEqual(['[0, 10] d', '> 10 d']);
  });

  it('rejects decreasing bands and too few permutations', () => {
    const rng = new SeededRng(1);
    expect(() => knoxTest([0, 1, 2], [0, 1, 2], [0, 1, 2], { spaceBands: [200, 100], timeBands: [7], permutations: 999, rng })).toThrow(/spaceBands\[1\] = 100/);
    expect(() => knoxTest([0, 1, 2], [0, 1, 2], [0, 1, 2], { spaceBands: [200], timeBands: [7], permutations: 10, rng })).toThrow(/permutations must be an integer >= 99, got 10/);
  });
  it('reports progress after every permutation, and the callback changes no result', () => {
    const opts = { spaceBands: [500], timeBands: [10], permutations: 99 };
    const calls: [number, number][] = [];
    const withProgress = knoxTest(ref.x.slice(0, 200), ref.y.slice(0, 200), ref.t.slice(0, 200), { ...opts, rng: new SeededRng(9), onProgress: (d, t) => calls.push([d, t]) });
    const without = knoxTest(ref.x.slice(0, 200), ref.y.slice(0, 200), ref.t.slice(0, 200), { ...opts, rng: new SeededRng(9) });
    expect(calls).toEqual(Array.from({ length: 99 }, (_, i) => [i + 1, 99]));
    expect(withProgress).toEqual(without);
  });
});
