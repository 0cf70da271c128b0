/**
 * The geometric mechanism against scipy.stats.dlaplace (scripts/reference/privacy-geometric-mechanism.py):
 * closed forms, and the measured error of many draws at ε 1, 0.5 and 0.1 within the sampling error.
 */
import { describe, expect, it } from 'vitest';
import { SeededRng } from '../../src/random/index.js';
import {
  addTwoSidedGeometricNoise, geometricAlpha, geometricNoiseSummary, sampleTwoSidedGeometric,
} from '../../src/privacy/index.js';
import { geometricReference } from './fixtures.js';

const ref = geometricReference();

describe('two-sided geometric mechanism: closed forms against scipy', () => {
  for (const c of ref.cases) {
    it(`ε ${c.epsilon}, Δ ${c.sensitivity}: α, E|X|, Var X, 95% half-width, P(X = 0)`, () => {
      const s = geometricNoiseSummary(c.epsilon, c.sensitivity);
      expect(s.alpha).toBeCloseTo(c.alpha, 12);
      expect(Math.abs(s.expectedAbsoluteError - c.meanAbsolute)).toBeLessThan(1e-9 * Math.max(1, c.meanAbsolute));
      expect(Math.abs(s.variance - c.variance)).toBeLessThan(1e-8 * Math.max(1, c.variance));
      expect(s.halfWidth95).toBe(c.halfWidth95);
      expect(s.probabilityExact).toBeCloseTo(c.pmf['0']!, 12);
    });
  }
  it('rejects ε <= 0 and non-finite values, naming the field', () => {
    expect(() => geometricAlpha(0)).toThrow(/epsilon/);
    expect(() => geometricAlpha(Number.NaN)).toThrow(/epsilon/);
    expect(() => geometricAlpha(1, 0)).toThrow(/sensitivity/);
    expect(() => sampleTwoSidedGeometric(new SeededRng(1), 1)).toThrow(/alpha/);
  });
});

describe('two-sided geometric mechanism: measured error over many draws agrees with the theory', () => {
  const n = 200_000;
  for (const c of ref.cases.filter((x) => x.sensitivity === 1)) {
    it(`ε ${c.epsilon}: mean |X| within 4 standard errors of scipy's E|X| = ${c.meanAbsolute.toFixed(4)}; mean X near 0`, () => {
      const rng = new SeededRng(`geometric-mae-${c.epsilon}`);
      const counts = new Uint32Array(n).fill(7);
      const noisy = addTwoSidedGeometricNoise(counts, c.epsilon, 1, rng);
      let sumAbs = 0, sum = 0;
      for (let i = 0; i < n; i++) { const e = noisy[i]! - 7; sumAbs += Math.abs(e); sum += e; }
      const mae = sumAbs / n;
      expect(Math.abs(mae - c.meanAbsolute)).toBeLessThan((4 * c.sdAbsolute) / Math.sqrt(n));
      expect(Math.abs(sum / n)).toBeLessThan((4 * Math.sqrt(c.variance)) / Math.sqrt(n));
      // variance: the sample variance's standard error is about sqrt((m4 - σ⁴)/n); 5% is > 10 of them at n = 2e5
      let ss = 0;
      for (let i = 0; i < n; i++) ss += (noisy[i]! - 7) ** 2;
      expect(Math.abs(ss / n - c.variance) / c.variance).toBeLessThan(0.05);
    });
  }
  it('ε 1: frequencies of -6..6 and both tails fit scipy\'s pmf (chi-square, 14 df, p = 0.001)', () => {
    const c = ref.cases[0]!;
    const rng = new SeededRng('geometric-pmf');
    const draws = 100_000;
    const bins = new Map<string, number>();
    for (let i = 0; i < draws; i++) {
      const x = sampleTwoSidedGeometric(rng, c.alpha);
      const key = x < -6 ? 'low' : x > 6 ? 'high' : String(x);
      bins.set(key, (bins.get(key) ?? 0) + 1);
    }
    let inside = 0;
    let chi2 = 0;
    for (let k = -6; k <= 6; k++) {
      const p = c.pmf[String(k)]!;
      inside += p;
      const e = p * draws;
      chi2 += ((bins.get(String(k)) ?? 0) - e) ** 2 / e;
    }
    const tail = ((1 - inside) / 2) * draws;
    chi2 += ((bins.get('low') ?? 0) - tail) ** 2 / tail + ((bins.get('high') ?? 0) - tail) ** 2 / tail;
    expect(chi2).toBeLessThan(ref.chi2Critical999df14);
  });
  it('rejects counts that are not non-negative integers', () => {
    expect(() => addTwoSidedGeometricNoise([1, -1], 1, 1, new SeededRng(2))).toThrow(/counts\[1\]/);
    expect(() => addTwoSidedGeometricNoise([1.5], 1, 1, new SeededRng(2))).toThrow(/counts\[0\]/);
  });
});
