/**
 * Poisson regression with log link and offset, fitted by iteratively reweighted least squares
 * (IRLS) exactly as R's `glm.fit`: the same starting values (mu = y + 0.1), the same convergence
 * rule |dev - dev_old| / (|dev| + 0.1) < epsilon, step halving when the deviance is not finite,
 * and standard errors from the weights of the last iteration.
 *
 * Answers: "how does the expected count depend on these covariates?" log E[y] = offset + X b.
 * Units: coefficients are log rate ratios per unit of their covariate; exp(b) is a rate ratio.
 * Standard errors assume the Poisson variance (dispersion 1); for overdispersed counts use
 * `negative-binomial-glm.ts` (or scale by a quasi-Poisson dispersion).
 * Complexity: O(iterations * n p^2); p is small (a handful of covariates), n up to millions.
 * Reference: McCullagh and Nelder (1989), Generalized Linear Models, 2nd ed., section 2.5;
 * R `stats::glm.fit`. Checked against R `glm(..., family = poisson)` on UCDP Balochistan
 * district-month counts (scripts/reference/counts-glm-reference.R).
 *
 * `fitLogLinkGlm` is the shared IRLS core: any family with log link and a variance function
 * (Poisson, negative binomial with known theta, quasi-Poisson) can use it.
 */
import { BaseeratError, InsufficientDataError } from '../domain/errors.js';
import { logGamma } from './gamma-distribution.js';
import { choleskyFactor, choleskyInverse, choleskySolve } from './linear-algebra.js';

/** A regression problem: n observations, p covariates, design row-major n x p. */
export interface GlmInput {
  y: ArrayLike<number>;
  /** Design matrix, row-major n x p (include a column of ones for the intercept). */
  x: Float64Array;
  p: number;
  /** Added to the linear predictor (log exposure), default 0. */
  offset?: ArrayLike<number>;
  /** Prior weights, default 1. */
  weights?: ArrayLike<number>;
  /** Starting linear predictor (R `etastart`); default log of the family's mustart. */
  etaStart?: ArrayLike<number>;
  /** Relative deviance change at which IRLS stops; R's default is 1e-8. */
  epsilon?: number;
  maxIterations?: number;
}

/** A log-link family: the variance function, deviance residuals and R's starting values. */
export interface LogLinkFamily {
  name: string;
  variance(mu: number): number;
  /** Unit deviance times the weight: 2 w (l(y; y) - l(mu; y)). */
  devianceResidual(y: number, mu: number, w: number): number;
  muStart(y: number): number;
}

export interface GlmFit {
  family: string;
  coefficients: Float64Array;
  standardErrors: Float64Array;
  /** (X'WX)^-1 at the last iteration, row-major p x p (dispersion 1). */
  covariance: Float64Array;
  fitted: Float64Array;
  linearPredictor: Float64Array;
  deviance: number;
  iterations: number;
  converged: boolean;
  n: number;
  p: number;
  dfResidual: number;
}

export interface PoissonGlmFit extends GlmFit {
  logLikelihood: number;
  /** -2 logLik + 2 p, as R's `AIC(glm)`. */
  aic: number;
}

export const POISSON_FAMILY: LogLinkFamily = {
  name: 'poisson',
  variance: (mu) => mu,
  devianceResidual: (y, mu, w) => 2 * w * (y > 0 ? y * Math.log(y / mu) - (y - mu) : mu),
  muStart: (y) => y + 0.1,
};

function validate(input: GlmInput): { n: number; offset: (i: number) => number; weight: (i: number) => number } {
  const n = input.y.length;
  const p = input.p;
  if (!Number.isInteger(p) || p < 1) throw new BaseeratError('VALIDATION', `p is ${p}, expected a positive integer`, { field: 'p' });
  if (input.x.length !== n * p) throw new BaseeratError('VALIDATION', `x has ${input.x.length} entries, expected n * p = ${n} * ${p}`, { field: 'x' });
  if (input.offset !== undefined && input.offset.length !== n) throw new BaseeratError('VALIDATION', `offset has length ${input.offset.length}, expected ${n}`, { field: 'offset' });
  if (input.weights !== undefined && input.weights.length !== n) throw new BaseeratError('VALIDATION', `weights has length ${input.weights.length}, expected ${n}`, { field: 'weights' });
  for (let i = 0; i < n; i++) {
    const y = input.y[i]!;
    if (!(y >= 0) || !Number.isFinite(y)) throw new BaseeratError('VALIDATION', `y[${i}] is ${y}, expected a finite count >= 0`, { field: 'y' });
  }
  for (let i = 0; i < input.x.length; i++) {
    if (!Number.isFinite(input.x[i]!)) throw new BaseeratError('VALIDATION', `x[${Math.floor(i / p)}, ${i % p}] is ${input.x[i]}, expected a finite number`, { field: 'x' });
  }
  if (n <= p) throw new InsufficientDataError(`${n} observations cannot identify ${p} coefficients`, { n, p });
  const off = input.offset, wts = input.weights;
  return { n, offset: off === undefined ? () => 0 : (i) => off[i]!, weight: wts === undefined ? () => 1 : (i) => wts[i]! };
}

/** IRLS for a log-link GLM, step for step as R's glm.fit. Throws InsufficientDataError on a singular design. */
export function fitLogLinkGlm(input: GlmInput, family: LogLinkFamily): GlmFit {
  const { n, offset, weight } = validate(input);
  const { x, y, p } = input;
  const epsilon = input.epsilon ?? 1e-8;
  const maxIt = input.maxIterations ?? 25;
  const eta = new Float64Array(n);
  const mu = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    eta[i] = input.etaStart !== undefined ? input.etaStart[i]! : Math.log(family.muStart(y[i]!));
    mu[i] = Math.exp(eta[i]!);
  }
  const deviance = (m: Float64Array): number => {
    let d = 0;
    for (let i = 0; i < n; i++) d += family.devianceResidual(y[i]!, m[i]!, weight(i));
    return d;
  };
  let devOld = deviance(mu);
  let coef: Float64Array = new Float64Array(p);
  let coefOld: Float64Array | undefined;
  let chol: Float64Array = new Float64Array(0);
  let converged = false;
  let iter = 0;
  const xtwx = new Float64Array(p * p);
  const xtwz = new Float64Array(p);
  for (iter = 1; iter <= maxIt; iter++) {
    xtwx.fill(0);
    xtwz.fill(0);
    for (let i = 0; i < n; i++) {
      const m = mu[i]!;
      // Log link: d mu / d eta = mu, so the working weight is w mu^2 / V(mu).
      const w = (weight(i) * m * m) / family.variance(m);
      if (!(w > 0)) continue;
      const z = eta[i]! - offset(i) + (y[i]! - m) / m;
      const row = i * p;
      for (let a = 0; a < p; a++) {
        const wxa = w * x[row + a]!;
        xtwz[a]! += wxa * z;
        for (let b = 0; b <= a; b++) xtwx[a * p + b]! += wxa * x[row + b]!;
      }
    }
    for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) xtwx[b * p + a] = xtwx[a * p + b]!;
    chol = choleskyFactor(xtwx, p);
    let start: Float64Array = choleskySolve(chol, p, xtwz);
    let dev = NaN;
    for (let half = 0; half <= maxIt; half++) {
      for (let i = 0; i < n; i++) {
        let e = offset(i);
        for (let a = 0; a < p; a++) e += x[i * p + a]! * start[a]!;
        eta[i] = e;
        mu[i] = Math.exp(e);
      }
      dev = deviance(mu);
      if (Number.isFinite(dev)) break;
      if (coefOld === undefined) throw new InsufficientDataError(`${family.name} GLM: no valid set of coefficients found; supply etaStart`, {});
      // R halves the step towards the previous coefficients when the deviance is not finite.
      const prev: Float64Array = coefOld;
      start = start.map((s, a) => (s + prev[a]!) / 2);
    }
    coef = start;
    if (Math.abs(dev - devOld) / (Math.abs(dev) + 0.1) < epsilon) {
      converged = true;
      devOld = dev;
      break;
    }
    devOld = dev;
    coefOld = coef;
  }
  const covariance = choleskyInverse(chol, p);
  const standardErrors = new Float64Array(p);
  for (let a = 0; a < p; a++) standardErrors[a] = Math.sqrt(covariance[a * p + a]!);
  return {
    family: family.name,
    coefficients: coef,
    standardErrors,
    covariance,
    fitted: mu,
    linearPredictor: eta,
    deviance: devOld,
    iterations: Math.min(iter, maxIt),
    converged,
    n,
    p,
    dfResidual: n - p,
  };
}

/** Poisson log-likelihood sum w (y log mu - mu - log y!). */
export function poissonLogLikelihood(y: ArrayLike<number>, mu: ArrayLike<number>, weights?: ArrayLike<number>): number {
  let ll = 0;
  for (let i = 0; i < y.length; i++) {
    const yi = y[i]!, m = mu[i]!;
    const w = weights === undefined ? 1 : weights[i]!;
    ll += w * ((yi > 0 ? yi * Math.log(m) : 0) - m - logGamma(yi + 1));
  }
  return ll;
}

/**
 * Fits log E[y] = offset + X b with Poisson errors. Throws VALIDATION on malformed input and
 * INSUFFICIENT_DATA on a singular design (n <= p, collinear or all-zero columns).
 */
export function fitPoissonGlm(input: GlmInput): PoissonGlmFit {
  const fit = fitLogLinkGlm(input, POISSON_FAMILY);
  const logLikelihood = poissonLogLikelihood(input.y, fit.fitted, input.weights);
  return { ...fit, logLikelihood, aic: -2 * logLikelihood + 2 * fit.p };
}
