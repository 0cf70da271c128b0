import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fitPoissonGlm } from '../../src/stats/poisson-glm.js';
import { InsufficientDataError } from '../../src/domain/errors.js';

import { glmRef } from '../forecast-counts/reference-fixtures.js';

const relClose = (a: number, b: number, tol: number) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

describe('Poisson GLM against R glm (UCDP Balochistan, 5,916 district-months, 6 coefficients)', () => {
  const fit = fitPoissonGlm({ y: glmRef.y, x: Float64Array.from(glmRef.x), p: glmRef.p, offset: glmRef.offset, epsilon: 1e-12, maxIterations: 100 });
  it('coefficients and standard errors agree to 1e-6', () => {
    expect(fit.converged).toBe(true);
    for (let j = 0; j < glmRef.p; j++) {
      expect(relClose(fit.coefficients[j]!, glmRef.poisson.coefficients[j]!, 1e-6), `coef ${glmRef.names[j]}`).toBe(true);
      expect(relClose(fit.standardErrors[j]!, glmRef.poisson.se[j]!, 1e-6), `se ${glmRef.names[j]}`).toBe(true);
    }
  });
  it('deviance, log-likelihood and AIC agree to 1e-8 relative', () => {
    expect(Math.abs(fit.deviance - glmRef.poisson.deviance) / glmRef.poisson.deviance).toBeLessThan(1e-8);
    expect(Math.abs(fit.logLikelihood - glmRef.poisson.loglik) / Math.abs(glmRef.poisson.loglik)).toBeLessThan(1e-8);
    expect(Math.abs(fit.aic - glmRef.poisson.aic) / glmRef.poisson.aic).toBeLessThan(1e-8);
  });
  it('the default epsilon (1e-8, as R) is already within 1e-5 of the tight fit', () => {
    const loose = fitPoissonGlm({ y: glmRef.y, x: Float64Array.from(glmRef.x), p: glmRef.p, offset: glmRef.offset });
    for (let j = 0; j < glmRef.p; j++) expect(relClose(loose.coefficients[j]!, glmRef.poisson.coefficients[j]!, 1e-5)).toBe(true);
  });
  it('score equations hold at the fit: X\'(y - mu) = 0', () => {
    for (let j = 0; j < glmRef.p; j++) {
      let s = 0;
      for (let i = 0; i < glmRef.n; i++) s += glmRef.x[i * glmRef.p + j]! * (glmRef.y[i]! - fit.fitted[i]!);
      expect(Math.abs(s)).toBeLessThan(1e-6);
    }
  });
  it('rejects a singular design with InsufficientDataError, malformed input with VALIDATION', () => {
    const x = Float64Array.from([1, 0, 1, 0, 1, 0, 1, 0]);
    expect(() => fitPoissonGlm({ y: [1, 2, 0, 3], x, p: 2 })).toThrow(InsufficientDataError);
    expect(() => fitPoissonGlm({ y: [1, -2, 0, 3], x: Float64Array.from([1, 1, 1, 1]), p: 1 })).toThrow(/y\[1\] is -2/);
    expect(() => fitPoissonGlm({ y: [1, 2], x: Float64Array.from([1, 1, 1]), p: 1 })).toThrow(/x has 3 entries/);
  });
  it('property: an intercept-only fit gives log(mean(y)) whatever the order of the rows', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 3, maxLength: 60 }).filter((a) => a.some((v) => v > 0)), (ys) => {
        const f = fitPoissonGlm({ y: ys, x: new Float64Array(ys.length).fill(1), p: 1 });
        const f2 = fitPoissonGlm({ y: [...ys].reverse(), x: new Float64Array(ys.length).fill(1), p: 1 });
        const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
        return Math.abs(f.coefficients[0]! - Math.log(mean)) < 1e-8 && Math.abs(f.coefficients[0]! - f2.coefficients[0]!) < 1e-12;
      }),
      { seed: 20261127, numRuns: 100 },
    );
  });
});
