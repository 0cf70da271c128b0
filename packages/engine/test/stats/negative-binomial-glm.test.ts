import { describe, expect, it } from 'vitest';
import { digamma, fitNegativeBinomialGlm, trigamma } from '../../src/stats/negative-binomial-glm.js';
import { glmRef } from '../forecast-counts/reference-fixtures.js';

const relClose = (a: number, b: number, tol: number) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

describe('negative binomial GLM against MASS::glm.nb (UCDP Balochistan district-months)', () => {
  const input = { y: glmRef.y, x: Float64Array.from(glmRef.x), p: glmRef.p, offset: glmRef.offset };
  const fit = fitNegativeBinomialGlm({ ...input, epsilon: 1e-12, maxIterations: 100 });
  it('coefficients, standard errors and theta agree to 1e-6', () => {
    for (let j = 0; j < glmRef.p; j++) {
      expect(relClose(fit.coefficients[j]!, glmRef.negbin.coefficients[j]!, 1e-6), `coef ${glmRef.names[j]}: ${fit.coefficients[j]} vs ${glmRef.negbin.coefficients[j]}`).toBe(true);
      expect(relClose(fit.standardErrors[j]!, glmRef.negbin.se[j]!, 1e-6), `se ${glmRef.names[j]}`).toBe(true);
    }
    expect(relClose(fit.theta, glmRef.negbin.theta, 1e-6), `theta ${fit.theta} vs ${glmRef.negbin.theta}`).toBe(true);
    expect(relClose(fit.thetaStandardError, glmRef.negbin.thetaSE, 1e-6), `SE theta ${fit.thetaStandardError}`).toBe(true);
  });
  it('2 log-likelihood, AIC and deviance agree to 1e-8 relative', () => {
    expect(Math.abs(2 * fit.logLikelihood - glmRef.negbin.twologlik) / Math.abs(glmRef.negbin.twologlik)).toBeLessThan(1e-8);
    expect(Math.abs(fit.aic - glmRef.negbin.aic) / glmRef.negbin.aic).toBeLessThan(1e-8);
    expect(Math.abs(fit.deviance - glmRef.negbin.deviance) / glmRef.negbin.deviance).toBeLessThan(1e-8);
  });
  it('with the default control (epsilon 1e-8) it reproduces glm.nb with its default control to 1e-6', () => {
    const d = fitNegativeBinomialGlm(input);
    for (let j = 0; j < glmRef.p; j++) expect(relClose(d.coefficients[j]!, glmRef.negbinDefaultControl.coefficients[j]!, 1e-6)).toBe(true);
    expect(relClose(d.theta, glmRef.negbinDefaultControl.theta, 1e-6)).toBe(true);
  });
  it('overdispersed data: NB has a lower AIC than Poisson (3362.9 vs 3633.3 in R)', () => {
    expect(fit.aic).toBeLessThan(glmRef.poisson.aic);
  });
  it('digamma and trigamma at known values', () => {
    // psi(1) = -Euler-Mascheroni; psi'(1) = pi^2/6; psi(1/2) = -gamma - 2 ln 2; psi'(1/2) = pi^2/2.
    const g = 0.5772156649015329;
    expect(Math.abs(digamma(1) + g)).toBeLessThan(1e-13);
    expect(Math.abs(trigamma(1) - Math.PI ** 2 / 6)).toBeLessThan(1e-13);
    expect(Math.abs(digamma(0.5) + g + 2 * Math.log(2))).toBeLessThan(1e-13);
    expect(Math.abs(trigamma(0.5) - Math.PI ** 2 / 2)).toBeLessThan(1e-13);
    expect(Math.abs(digamma(1000.5) - digamma(999.5) - 1 / 999.5)).toBeLessThan(1e-13);
  });
});
