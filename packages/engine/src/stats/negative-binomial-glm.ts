/**
 * Negative binomial (NB2) regression with log link: Var(y) = mu + mu^2 / theta, theta estimated by
 * maximum likelihood alternating with IRLS, step for step as R's `MASS::glm.nb`: a Poisson fit
 * first, then `theta.ml` (Newton on the profile score from the moment estimate, at most `limit`
 * steps, stopping when the step is below eps^(1/4)), then IRLS at that theta, until
 * |L - L0| / d1 + |theta - theta0| / d2 < epsilon, with d1 = sqrt(2 max(1, df.residual)).
 *
 * Answers: the same question as the Poisson GLM when counts are overdispersed (violence comes in
 * bursts: the variance of monthly district counts is many times the mean). theta is the size
 * parameter: small theta = strong overdispersion; theta -> infinity is Poisson.
 * Units: coefficients are log rate ratios; theta is dimensionless (a count of "pseudo events").
 * Standard errors of the coefficients treat theta as known (as `summary.negbin` does); theta's own
 * standard error is 1 / sqrt(observed information).
 * Complexity: O(outer iterations * (IRLS iterations * n p^2 + Newton steps * n)).
 * References: Venables and Ripley (2002), Modern Applied Statistics with S, 4th ed., section 7.4;
 * R package MASS, `glm.nb` and `theta.ml`. Checked against `MASS::glm.nb` on UCDP Balochistan
 * district-month counts (scripts/reference/counts-glm-reference.R).
 */
import { InsufficientDataError } from '../domain/errors.js';
import { logGamma } from './gamma-distribution.js';
import { fitLogLinkGlm, fitPoissonGlm, type GlmFit, type GlmInput, type LogLinkFamily } from './poisson-glm.js';

/** psi(x) = d/dx log Gamma(x), x > 0. About 1e-15 relative: recurrence up to x >= 10, then the asymptotic series. */
export function digamma(x: number): number {
  let r = 0;
  while (x < 10) { r -= 1 / x; x += 1; }
  const x2 = 1 / (x * x);
  return r + Math.log(x) - 0.5 / x - x2 * (1 / 12 - x2 * (1 / 120 - x2 * (1 / 252 - x2 * (1 / 240 - x2 * (1 / 132)))));
}

/** psi'(x), x > 0, by the same recurrence and the asymptotic series. */
export function trigamma(x: number): number {
  let r = 0;
  while (x < 10) { r += 1 / (x * x); x += 1; }
  const x2 = 1 / (x * x);
  return r + 1 / x + x2 / 2 + (x2 / x) * (1 / 6 - x2 * (1 / 30 - x2 * (1 / 42 - x2 * (1 / 30 - x2 * (5 / 66)))));
}

/** Counts up to this use finite sums for psi(t+y)-psi(t) and log Gamma(t+y)-log Gamma(t). */
const SMALL_COUNT = 64;

/** log Gamma(theta + y) - log Gamma(theta), by the finite product for small integer y. */
function logGammaRatio(theta: number, y: number, logGammaTheta: number): number {
  if (Number.isInteger(y) && y <= SMALL_COUNT) {
    let s = 0;
    for (let j = 0; j < y; j++) s += Math.log(theta + j);
    return s;
  }
  return logGamma(theta + y) - logGammaTheta;
}

export function negativeBinomialFamily(theta: number): LogLinkFamily {
  return {
    name: `negative-binomial(${theta})`,
    variance: (mu) => mu + (mu * mu) / theta,
    devianceResidual: (y, mu, w) => 2 * w * (y * Math.log(Math.max(1, y) / mu) - (y + theta) * Math.log((y + theta) / (mu + theta))),
    muStart: (y) => y + (y === 0 ? 1 / 6 : 0),
  };
}

/** NB2 log-likelihood as MASS's internal `loglik`. */
export function negativeBinomialLogLikelihood(y: ArrayLike<number>, mu: ArrayLike<number>, theta: number, weights?: ArrayLike<number>): number {
  let ll = 0;
  const lgTh = logGamma(theta), thLogTh = theta * Math.log(theta);
  for (let i = 0; i < y.length; i++) {
    const yi = y[i]!, m = mu[i]!;
    const w = weights === undefined ? 1 : weights[i]!;
    ll += w * (logGammaRatio(theta, yi, lgTh) - logGamma(yi + 1) + thLogTh + yi * Math.log(m + (yi === 0 ? 1 : 0)) - (theta + yi) * Math.log(theta + m));
  }
  return ll;
}

/** MASS::theta.ml: ML estimate of theta given the means, with its standard error. */
export function thetaMaximumLikelihood(
  y: ArrayLike<number>, mu: ArrayLike<number>, opts: { weights?: ArrayLike<number>; limit?: number; eps?: number } = {},
): { theta: number; standardError: number; iterations: number; reachedLimit: boolean } {
  const n = y.length;
  const w = (i: number) => (opts.weights === undefined ? 1 : opts.weights[i]!);
  const limit = opts.limit ?? 10;
  const eps = opts.eps ?? Math.pow(2.220446049250313e-16, 0.25);
  let sw = 0, s2 = 0;
  for (let i = 0; i < n; i++) {
    sw += w(i);
    const r = y[i]! / mu[i]! - 1;
    s2 += w(i) * r * r;
  }
  let t0 = sw / s2;
  let it = 0, del = 1, info = NaN;
  while ((it += 1) < limit && Math.abs(del) > eps) {
    t0 = Math.abs(t0);
    const dgT = digamma(t0), tgT = trigamma(t0), lt = Math.log(t0);
    let score = 0;
    info = 0;
    for (let i = 0; i < n; i++) {
      const yi = y[i]!, m = mu[i]!, wi = w(i);
      let dg: number, tg: number;
      if (Number.isInteger(yi) && yi <= SMALL_COUNT) {
        // psi(t + y) - psi(t) = sum_{j<y} 1/(t+j), and likewise for psi': exact, and far cheaper for
        // the zeros and small counts that dominate district-period data.
        dg = 0; tg = 0;
        for (let j = 0; j < yi; j++) { const r = 1 / (t0 + j); dg += r; tg += r * r; }
      } else {
        dg = digamma(t0 + yi) - dgT;
        tg = -trigamma(t0 + yi) + tgT;
      }
      score += wi * (dg + lt + 1 - Math.log(t0 + m) - (yi + t0) / (m + t0));
      info += wi * (tg - 1 / t0 + 2 / (m + t0) - (yi + t0) / ((m + t0) * (m + t0)));
    }
    del = score / info;
    t0 += del;
  }
  if (!Number.isFinite(t0) || !Number.isFinite(info)) {
    throw new InsufficientDataError(`theta could not be estimated (theta = ${t0}): the counts may be all zero or the Poisson fit degenerate`, { theta: t0 });
  }
  return { theta: Math.max(t0, 0), standardError: Math.sqrt(1 / info), iterations: it, reachedLimit: it === limit };
}

export interface NegativeBinomialGlmFit extends GlmFit {
  theta: number;
  thetaStandardError: number;
  logLikelihood: number;
  /** -2 logLik + 2 (p + 1): theta counts as a parameter, as in MASS. */
  aic: number;
  /** Outer (theta) iterations. */
  outerIterations: number;
  /** False when the alternation hit maxIterations or theta.ml its Newton limit. */
  thetaConverged: boolean;
}

/**
 * Fits an NB2 regression with unknown theta. `epsilon` and `maxIterations` play the roles of
 * `glm.control(epsilon, maxit)` in `glm.nb` (defaults 1e-8 and 25).
 */
export function fitNegativeBinomialGlm(input: GlmInput): NegativeBinomialGlmFit {
  const epsilon = input.epsilon ?? 1e-8;
  const maxIt = input.maxIterations ?? 25;
  const { etaStart: _ignored, ...rest } = input;
  const base: GlmInput = { ...rest, epsilon, maxIterations: maxIt };
  let fit: GlmFit = fitPoissonGlm(base);
  let mu = fit.fitted;
  let th = thetaMaximumLikelihood(input.y, mu, { ...(input.weights === undefined ? {} : { weights: input.weights }), limit: maxIt });
  let thetaOk = !th.reachedLimit;
  const d1 = Math.sqrt(2 * Math.max(1, fit.dfResidual));
  const d2 = 1;
  let del = 1;
  let lm = negativeBinomialLogLikelihood(input.y, mu, th.theta, input.weights);
  let lm0 = lm + 2 * d1;
  let iter = 0;
  while ((iter += 1) <= maxIt && Math.abs(lm0 - lm) / d1 + Math.abs(del) / d2 > epsilon) {
    const eta = mu.map(Math.log);
    fit = fitLogLinkGlm({ ...base, etaStart: eta }, negativeBinomialFamily(th.theta));
    const t0 = th.theta;
    // As in glm.nb, theta is re-estimated from the means *before* this IRLS update.
    th = thetaMaximumLikelihood(input.y, mu, { ...(input.weights === undefined ? {} : { weights: input.weights }), limit: maxIt });
    thetaOk = !th.reachedLimit;
    mu = fit.fitted;
    del = t0 - th.theta;
    lm0 = lm;
    lm = negativeBinomialLogLikelihood(input.y, mu, th.theta, input.weights);
  }
  return {
    ...fit,
    family: 'negative-binomial',
    theta: th.theta,
    thetaStandardError: th.standardError,
    logLikelihood: lm,
    aic: -2 * lm + 2 * fit.p + 2,
    outerIterations: Math.min(iter, maxIt),
    thetaConverged: thetaOk && iter <= maxIt,
  };
}
