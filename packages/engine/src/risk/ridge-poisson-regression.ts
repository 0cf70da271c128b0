/**
 * Ridge-penalised Poisson regression (log link, offset, prior weights), fitted by Newton's method
 * (penalised IRLS) to the exact minimum of glmnet's objective with alpha = 0:
 *
 *   Q(b0, b) = -(1 / W) sum_i w_i [ y_i eta_i - exp(eta_i) ] + (lambda / 2) sum_j b_j^2,
 *   eta_i = offset_i + b0 + x_i' b,  W = sum_i w_i.
 *
 * The intercept is not penalised. Covariates are used as given: the caller standardises them
 * (the area risk index does, so that lambda treats every factor alike and coef x value is the
 * factor's contribution on the log scale). lambda = 0 is the ordinary Poisson GLM (R `glm`).
 *
 * Answers: "how does the expected count depend on these factors, shrunk towards no effect so that
 * a handful of noisy factors does not overfit a few hundred events?"
 * Units: coefficients are log rate ratios per unit of their covariate (per standard deviation when
 * standardised); exp(b_j) is the rate ratio. y may be non-integer (harm): then the fit is the
 * Poisson quasi-likelihood estimate, as glm/glmnet give.
 * Complexity: O(iterations * n p^2), p small (a dozen factors), iterations ~ 5-15.
 * How to read it: the penalty makes coefficients smaller than the unpenalised fit; lambda is chosen
 * by the caller on held-out periods (area-risk-index.ts), never tuned by hand.
 * Reference: Hoerl and Kennard (1970); Friedman, Hastie and Tibshirani (2010), "Regularization
 * paths for generalized linear models via coordinate descent", J. Stat. Softw. 33(1) (glmnet's
 * objective). Checked against R glmnet 4.1 (alpha = 0, standardize = FALSE) and glm (lambda = 0):
 * scripts/reference/risk-ridge-poisson.R.
 */
import { BaseeratError, InsufficientDataError } from '../domain/errors.js';
import { choleskyFactor, choleskySolve } from '../stats/linear-algebra.js';

export interface RidgePoissonInput {
  y: ArrayLike<number>;
  /** Covariates without the intercept column, row-major n x p. */
  x: Float64Array;
  p: number;
  /** Penalty strength on glmnet's scale (>= 0). */
  lambda: number;
  /** Added to the linear predictor (log exposure, e.g. log population). Default 0. */
  offset?: ArrayLike<number>;
  /** Prior weights (>= 0). Default 1. */
  weights?: ArrayLike<number>;
  /** Stop when the largest coefficient change is below this. Default 1e-10. */
  tolerance?: number;
  maxIterations?: number;
}

export interface RidgePoissonFit {
  intercept: number;
  coefficients: Float64Array;
  lambda: number;
  /** Value of the penalised objective Q at the solution. */
  objective: number;
  /** Poisson deviance 2 sum w [y log(y / mu) - (y - mu)] at the solution. */
  deviance: number;
  iterations: number;
  converged: boolean;
  n: number;
  p: number;
}

/** Poisson deviance of predictions mu for outcomes y (weights default 1). */
export function poissonDeviance(y: ArrayLike<number>, mu: ArrayLike<number>, weights?: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < y.length; i++) {
    const yi = y[i]!, mi = mu[i]!, w = weights === undefined ? 1 : weights[i]!;
    d += 2 * w * (yi > 0 ? yi * Math.log(yi / mi) - (yi - mi) : mi);
  }
  return d;
}

export function fitRidgePoisson(input: RidgePoissonInput): RidgePoissonFit {
  const { y, x, p, lambda } = input;
  const n = y.length;
  if (!Number.isInteger(p) || p < 0) throw new BaseeratError('VALIDATION', `p is ${p}, expected a non-negative integer`, { field: 'p' });
  if (x.length !== n * p) throw new BaseeratError('VALIDATION', `x has ${x.length} values, expected n * p = ${n * p}`, { field: 'x' });
  if (!(lambda >= 0) || !Number.isFinite(lambda)) throw new BaseeratError('VALIDATION', `lambda is ${lambda}, expected a finite number >= 0`, { field: 'lambda' });
  if (input.offset !== undefined && input.offset.length !== n) throw new BaseeratError('VALIDATION', `offset has ${input.offset.length} values, expected ${n}`, { field: 'offset' });
  if (input.weights !== undefined && input.weights.length !== n) throw new BaseeratError('VALIDATION', `weights has ${input.weights.length} values, expected ${n}`, { field: 'weights' });
  let wSum = 0, ySum = 0, offSum = 0;
  for (let i = 0; i < n; i++) {
    const w = input.weights === undefined ? 1 : input.weights[i]!;
    const yi = y[i]!;
    if (!(w >= 0) || !Number.isFinite(w)) throw new BaseeratError('VALIDATION', `weights[${i}] is ${w}, expected a finite number >= 0`, { field: 'weights' });
    if (!(yi >= 0) || !Number.isFinite(yi)) throw new BaseeratError('VALIDATION', `y[${i}] is ${yi}, expected a finite count >= 0`, { field: 'y' });
    const o = input.offset === undefined ? 0 : input.offset[i]!;
    if (!Number.isFinite(o)) throw new BaseeratError('VALIDATION', `offset[${i}] is ${o}, expected a finite number`, { field: 'offset' });
    wSum += w; ySum += w * yi; offSum += w * Math.exp(o);
  }
  for (let k = 0; k < x.length; k++) if (!Number.isFinite(x[k]!)) throw new BaseeratError('VALIDATION', `x[${k}] is ${x[k]}, expected a finite number`, { field: 'x' });
  if (!(wSum > 0)) throw new InsufficientDataError('no observation has positive weight');
  if (!(ySum > 0)) throw new InsufficientDataError('every outcome is zero: a Poisson rate cannot be fitted');

  const q = p + 1; // intercept first
  const beta = new Float64Array(q);
  beta[0] = Math.log(ySum / offSum); // exact intercept-only solution
  const eta = new Float64Array(n);
  const mu = new Float64Array(n);
  const tol = input.tolerance ?? 1e-10;
  const maxIt = input.maxIterations ?? 100;

  const objectiveAt = (b: Float64Array): number => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const w = input.weights === undefined ? 1 : input.weights[i]!;
      let e = (input.offset === undefined ? 0 : input.offset[i]!) + b[0]!;
      for (let j = 0; j < p; j++) e += x[i * p + j]! * b[j + 1]!;
      eta[i] = e;
      mu[i] = Math.exp(e);
      s += w * (y[i]! * e - mu[i]!);
    }
    let pen = 0;
    for (let j = 1; j < q; j++) pen += b[j]! * b[j]!;
    return -s / wSum + (lambda / 2) * pen;
  };

  let obj = objectiveAt(beta);
  let converged = false, it = 0;
  const grad = new Float64Array(q), hess = new Float64Array(q * q), row = new Float64Array(q);
  for (it = 1; it <= maxIt; it++) {
    grad.fill(0); hess.fill(0);
    for (let i = 0; i < n; i++) {
      const w = (input.weights === undefined ? 1 : input.weights[i]!) / wSum;
      if (w === 0) continue;
      row[0] = 1;
      for (let j = 0; j < p; j++) row[j + 1] = x[i * p + j]!;
      const r = w * (y[i]! - mu[i]!), h = w * mu[i]!;
      for (let a = 0; a < q; a++) {
        grad[a] = grad[a]! - r * row[a]!;
        const ha = h * row[a]!;
        for (let b = 0; b <= a; b++) hess[a * q + b] = hess[a * q + b]! + ha * row[b]!;
      }
    }
    for (let a = 0; a < q; a++) for (let b = 0; b < a; b++) hess[b * q + a] = hess[a * q + b]!;
    for (let j = 1; j < q; j++) { grad[j] = grad[j]! + lambda * beta[j]!; hess[j * q + j] = hess[j * q + j]! + lambda; }
    const step = choleskySolve(choleskyFactor(hess, q), q, grad);
    // Newton step with halving: Q is convex, so a descent step of some length always exists.
    const next = new Float64Array(q);
    let t = 1, nextObj = Infinity;
    for (let h = 0; h < 40; h++) {
      for (let a = 0; a < q; a++) next[a] = beta[a]! - t * step[a]!;
      nextObj = objectiveAt(next);
      if (Number.isFinite(nextObj) && nextObj <= obj + 1e-15 * Math.abs(obj)) break;
      t /= 2;
    }
    let change = 0;
    for (let a = 0; a < q; a++) change = Math.max(change, Math.abs(next[a]! - beta[a]!));
    beta.set(next);
    obj = nextObj;
    if (change < tol) { converged = true; break; }
  }
  obj = objectiveAt(beta);
  return {
    intercept: beta[0]!,
    coefficients: beta.slice(1),
    lambda,
    objective: obj,
    deviance: poissonDeviance(y, mu, input.weights),
    iterations: Math.min(it, maxIt),
    converged,
    n,
    p,
  };
}
