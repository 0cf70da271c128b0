import { describe, expect, it } from 'vitest';
import { chiSquareSurvival, gammaQuantile, logGamma, poissonExactInterval, regularizedGammaP, regularizedGammaQ } from '../../src/stats/gamma-distribution.js';
import { betaQuantile, regularizedBeta } from '../../src/stats/beta-distribution.js';
import { close, ref } from './temporal-reference.js';

describe('gamma and beta functions against R (reference: temporal-stats.R)', () => {
  it('pgamma, lgamma', () => {
    for (const c of ref.gamma) {
      expect(close(regularizedGammaP(c.a, c.x), c.P, 1e-11, 1e-15), `P(${c.a}, ${c.x})`).toBe(true);
      expect(close(regularizedGammaQ(c.a, c.x), c.Q, 1e-11, 1e-15), `Q(${c.a}, ${c.x})`).toBe(true);
      expect(close(logGamma(c.a), c.logGamma, 1e-12, 1e-14)).toBe(true);
    }
  });
  it('qgamma', () => {
    for (const c of ref.gammaQuantile) expect(close(gammaQuantile(c.p, c.a), c.q, 1e-10), `q(${c.p}, ${c.a})`).toBe(true);
  });
  it('pbeta, qbeta', () => {
    for (const c of ref.beta) {
      expect(close(regularizedBeta(c.x, c.a, c.b), c.I, 1e-11, 1e-15), `I(${c.x}, ${c.a}, ${c.b})`).toBe(true);
      expect(close(betaQuantile(c.x, c.a, c.b), c.q, 1e-10, 1e-14), `qbeta(${c.x}, ${c.a}, ${c.b})`).toBe(true);
    }
  });
  it('pchisq upper tail', () => {
    for (const c of ref.chiSquareSurvival) expect(close(chiSquareSurvival(c.x, c.df), c.p, 1e-10, 1e-15)).toBe(true);
  });
  it('exact Poisson interval as poisson.test(x)', () => {
    for (const c of ref.poissonCi) {
      const r = poissonExactInterval(c.x);
      expect(close(r.lower, c.lower, 1e-10), `lower ${c.x}`).toBe(true);
      expect(close(r.upper, c.upper, 1e-10), `upper ${c.x}`).toBe(true);
    }
  });
  it('rejects invalid arguments with a message naming the value', () => {
    expect(() => logGamma(-1)).toThrow(/x = -1/);
    expect(() => poissonExactInterval(2.5)).toThrow(/x = 2.5/);
    expect(() => regularizedBeta(1.5, 1, 1)).toThrow(/x = 1.5/);
  });
});
