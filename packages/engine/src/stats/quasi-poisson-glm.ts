/**
 * Quasi-Poisson regression (log link, variance phi * mu) as R's `glm(..., family = quasipoisson)`
 * followed by `summary.glm`, `predict.glm(se.fit = TRUE)` and `hatvalues`: Poisson IRLS for the
 * coefficients, Pearson's chi-square over the residual degrees of freedom for the dispersion phi,
 * and standard errors and t tests scaled by it.
 *
 * Answers: "what count do we expect here, how uncertain is that, and is this covariate (a trend)
 * significant, allowing for overdispersion?" Used by the Farrington detector (monitor/).
 * Units: coefficients are log rate ratios; `predict` returns the linear predictor (log expected count)
 * and its standard error. Complexity: O(iterations * n p^2).
 *
 * Why not the shared IRLS of `poisson-glm.ts`: matching R to 1e-6 on sparse weekly counts needs two
 * pieces of R's bookkeeping it does not keep. (1) R clamps exp(eta) at machine epsilon in both the
 * inverse link and its derivative, so a baseline of zeros converges (deviance stops changing) instead
 * of running the intercept to minus infinity. (2) `summary.glm`'s dispersion, `hatvalues` and the
 * covariance use the working weights and QR of the last iteration, computed from the fitted values
 * *before* the final update; at convergence these still differ from the final ones by about
 * sqrt(epsilon). Each weighted least-squares step is solved by Householder QR of W^1/2 X (as R's
 * LINPACK dqrdc2, without its pivoting: a column that falls below 1e-11 of its norm is reported as
 * a singular design), which stays accurate when some weights are near machine epsilon.
 *
 * Reference: McCullagh and Nelder (1989), Generalized Linear Models, 2nd ed., sections 2.5 and 4.5;
 * R `stats::glm.fit`, `summary.glm`, `predict.glm`, `lm.influence`. Checked through the Farrington
 * detector against R surveillance::farringtonFlexible (test/monitor/farrington-flexible.test.ts).
 */
import { BaseeratError, InsufficientDataError } from '../domain/errors.js';
import { regularizedBeta } from './beta-distribution.js';

export interface QuasiPoissonGlmInput {
  y: ArrayLike<number>;
  /** Design matrix, row-major n x p (include a column of ones for the intercept). */
  x: Float64Array;
  p: number;
  offset?: ArrayLike<number>;
  /** Prior weights (> 0), default 1. */
  weights?: ArrayLike<number>;
  epsilon?: number;
  maxIterations?: number;
}

export interface QuasiPoissonGlmFit {
  coefficients: Float64Array;
  /** (X'WX)^-1 with the last iteration's weights, row-major p x p (dispersion 1). */
  covariance: Float64Array;
  /** sqrt(diag(covariance) * dispersion). */
  standardErrors: Float64Array;
  fitted: Float64Array;
  /** Pearson dispersion sum w_work r_work^2 / (n - p), as summary.glm (not floored at 1). */
  dispersion: number;
  /** Working weights of the last IRLS iteration. */
  workingWeights: Float64Array;
  /** Leverages: diagonal of W^1/2 X (X'WX)^-1 X' W^1/2 with the last iteration's weights. */
  hat: Float64Array;
  deviance: number;
  iterations: number;
  converged: boolean;
  n: number;
  p: number;
  dfResidual: number;
}

const EPS = Number.EPSILON;
const clampExp = (eta: number): number => Math.max(Math.exp(eta), EPS);

function poissonDeviance(y: ArrayLike<number>, mu: Float64Array, weight: (i: number) => number): number {
  let d = 0;
  for (let i = 0; i < mu.length; i++) {
    const yi = y[i]!, m = mu[i]!;
    d += 2 * weight(i) * (yi > 0 ? yi * Math.log(yi / m) - (yi - m) : m);
  }
  return d;
}

/**
 * Least squares of zw on xw (column-major n x p) by Householder QR. Returns the coefficients and the
 * upper-triangular R (row-major p x p). Throws InsufficientDataError on a (numerically) singular design.
 */
function householderLeastSquares(xw: Float64Array, zw: Float64Array, n: number, p: number): { coef: Float64Array; r: Float64Array } {
  const norms = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += xw[j * n + i]! ** 2;
    norms[j] = Math.sqrt(s);
  }
  for (let j = 0; j < p; j++) {
    const col = j * n;
    let s = 0;
    for (let i = j; i < n; i++) s += xw[col + i]! ** 2;
    const norm = Math.sqrt(s);
    if (!(norm > 1e-11 * norms[j]!) || norm === 0) throw new InsufficientDataError(`design column ${j} is (numerically) a combination of the others`, { column: j });
    const alpha = xw[col + j]! > 0 ? -norm : norm;
    xw[col + j] = xw[col + j]! - alpha;
    let vtv = 0;
    for (let i = j; i < n; i++) vtv += xw[col + i]! ** 2;
    const apply = (target: Float64Array, offset: number): void => {
      let dot = 0;
      for (let i = j; i < n; i++) dot += xw[col + i]! * target[offset + i]!;
      const f = (2 * dot) / vtv;
      for (let i = j; i < n; i++) target[offset + i] = target[offset + i]! - f * xw[col + i]!;
    };
    for (let c = j + 1; c < p; c++) apply(xw, c * n);
    apply(zw, 0);
    // Keep the diagonal of R in a separate place: the column now holds the Householder vector.
    norms[j] = alpha;
  }
  const r = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    r[j * p + j] = norms[j]!;
    for (let c = j + 1; c < p; c++) r[j * p + c] = xw[c * n + j]!;
  }
  const coef = new Float64Array(p);
  for (let j = p - 1; j >= 0; j--) {
    let s = zw[j]!;
    for (let c = j + 1; c < p; c++) s -= r[j * p + c]! * coef[c]!;
    coef[j] = s / r[j * p + j]!;
  }
  return { coef, r };
}

/** Inverse of an upper-triangular R (row-major). */
function invertUpper(r: Float64Array, p: number): Float64Array {
  const inv = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    inv[j * p + j] = 1 / r[j * p + j]!;
    for (let i = j - 1; i >= 0; i--) {
      let s = 0;
      for (let k = i + 1; k <= j; k++) s += r[i * p + k]! * inv[k * p + j]!;
      inv[i * p + j] = -s / r[i * p + i]!;
    }
  }
  return inv;
}

export function fitQuasiPoissonGlm(input: QuasiPoissonGlmInput): QuasiPoissonGlmFit {
  const { x, y, p } = input;
  const n = y.length;
  if (!Number.isInteger(p) || p < 1) throw new BaseeratError('VALIDATION', `p is ${p}, expected a positive integer`, { field: 'p' });
  if (x.length !== n * p) throw new BaseeratError('VALIDATION', `x has ${x.length} entries, expected n * p = ${n} * ${p}`, { field: 'x' });
  if (input.offset !== undefined && input.offset.length !== n) throw new BaseeratError('VALIDATION', `offset has length ${input.offset.length}, expected ${n}`, { field: 'offset' });
  if (input.weights !== undefined && input.weights.length !== n) throw new BaseeratError('VALIDATION', `weights has length ${input.weights.length}, expected ${n}`, { field: 'weights' });
  for (let i = 0; i < n; i++) if (!(y[i]! >= 0) || !Number.isFinite(y[i]!)) throw new BaseeratError('VALIDATION', `y[${i}] is ${y[i]}, expected a finite count >= 0`, { field: 'y' });
  if (input.weights !== undefined) for (let i = 0; i < n; i++) if (!(input.weights[i]! > 0)) throw new BaseeratError('VALIDATION', `weights[${i}] is ${input.weights[i]}, expected > 0`, { field: 'weights' });
  if (n <= p) throw new InsufficientDataError(`${n} observations cannot identify ${p} coefficients`, { n, p });
  const off = input.offset, wts = input.weights;
  const offset = (i: number): number => (off === undefined ? 0 : off[i]!);
  const weight = (i: number): number => (wts === undefined ? 1 : wts[i]!);
  const epsilon = input.epsilon ?? 1e-8;
  const maxIt = input.maxIterations ?? 25;

  const eta = new Float64Array(n);
  const mu = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    eta[i] = Math.log(y[i]! + 0.1); // R's poisson()$initialize: mustart = y + 0.1, eta = log(mustart)
    mu[i] = clampExp(eta[i]!);
  }
  let devOld = poissonDeviance(y, mu, weight);
  let coef: Float64Array = new Float64Array(p);
  let coefOld: Float64Array | undefined;
  let r: Float64Array = new Float64Array(0);
  const workingWeights = new Float64Array(n);
  const xw = new Float64Array(n * p);
  const zw = new Float64Array(n);
  let converged = false;
  let iterations = 0;
  let dev = devOld;
  for (let iter = 1; iter <= maxIt; iter++) {
    iterations = iter;
    for (let i = 0; i < n; i++) {
      const muEta = clampExp(eta[i]!);
      const w = (weight(i) * muEta * muEta) / mu[i]!;
      workingWeights[i] = w;
      const sw = Math.sqrt(w);
      zw[i] = sw * (eta[i]! - offset(i) + (y[i]! - mu[i]!) / muEta);
      for (let a = 0; a < p; a++) xw[a * n + i] = sw * x[i * p + a]!;
    }
    const ls = householderLeastSquares(xw, zw, n, p);
    r = ls.r;
    let start: Float64Array = ls.coef;
    for (let half = 0; ; half++) {
      for (let i = 0; i < n; i++) {
        let e = offset(i);
        for (let a = 0; a < p; a++) e += x[i * p + a]! * start[a]!;
        eta[i] = e;
        mu[i] = clampExp(e);
      }
      dev = poissonDeviance(y, mu, weight);
      if (Number.isFinite(dev)) break;
      if (coefOld === undefined || half >= maxIt) throw new InsufficientDataError('quasi-Poisson GLM: no finite deviance; the counts cannot be fitted', {});
      const prev = coefOld;
      start = start.map((s, a) => (s + prev[a]!) / 2);
    }
    coef = start;
    if (Math.abs(dev - devOld) / (Math.abs(dev) + 0.1) < epsilon) {
      converged = true;
      break;
    }
    devOld = dev;
    coefOld = coef;
  }
  const rInv = invertUpper(r, p);
  const covariance = new Float64Array(p * p);
  for (let a = 0; a < p; a++) {
    for (let b = 0; b < p; b++) {
      let s = 0;
      for (let k = Math.max(a, b); k < p; k++) s += rInv[a * p + k]! * rInv[b * p + k]!;
      covariance[a * p + b] = s;
    }
  }
  const hat = new Float64Array(n);
  let pearson = 0;
  for (let i = 0; i < n; i++) {
    const w = workingWeights[i]!;
    const sw = Math.sqrt(w);
    let h = 0;
    for (let j = 0; j < p; j++) {
      let q = 0;
      for (let a = 0; a <= j; a++) q += sw * x[i * p + a]! * rInv[a * p + j]!;
      h += q * q;
    }
    hat[i] = h;
    const res = (y[i]! - mu[i]!) / clampExp(eta[i]!);
    pearson += w * res * res;
  }
  const dfResidual = n - p;
  const dispersion = pearson / dfResidual;
  const standardErrors = new Float64Array(p);
  for (let a = 0; a < p; a++) standardErrors[a] = Math.sqrt(covariance[a * p + a]! * dispersion);
  return { coefficients: coef, covariance, standardErrors, fitted: mu, dispersion, workingWeights, hat, deviance: dev, iterations, converged, n, p, dfResidual };
}

/** Two-sided p-value of Student's t with df degrees of freedom: 2 P(T > |t|) = I_{df/(df+t^2)}(df/2, 1/2). */
export function studentTTwoSidedPValue(t: number, df: number): number {
  if (!(df > 0)) throw new BaseeratError('VALIDATION', `df is ${df}, expected > 0`, { field: 'df' });
  if (Number.isNaN(t)) return NaN;
  if (!Number.isFinite(t)) return 0;
  return regularizedBeta(df / (df + t * t), df / 2, 0.5);
}

/**
 * summary.glm's p-value for coefficient j: t = b_j / se_j on the residual degrees of freedom, se_j
 * scaled by `dispersion` (default the fit's Pearson dispersion).
 */
export function coefficientPValue(fit: QuasiPoissonGlmFit, j: number, dispersion = fit.dispersion): number {
  if (!(Number.isInteger(j) && j >= 0 && j < fit.p)) throw new BaseeratError('VALIDATION', `coefficient index is ${j}, expected 0..${fit.p - 1}`, { field: 'j' });
  const se = Math.sqrt(fit.covariance[j * fit.p + j]! * dispersion);
  return studentTTwoSidedPValue(fit.coefficients[j]! / se, fit.dfResidual);
}

/**
 * Linear predictor at a new covariate row x0 (plus offset) and its standard error scaled by the
 * estimated dispersion (or the one given), as predict.glm(type = "link", se.fit = TRUE). On the
 * response scale the fit is exp(eta) and its standard error exp(eta) * se (delta method).
 */
export function predictQuasiPoisson(fit: QuasiPoissonGlmFit, x0: ArrayLike<number>, offset = 0, dispersion = fit.dispersion): { eta: number; seEta: number } {
  const p = fit.p;
  if (x0.length !== p) throw new BaseeratError('VALIDATION', `x0 has ${x0.length} entries, expected ${p}`, { field: 'x0' });
  let eta = offset;
  let q = 0;
  for (let a = 0; a < p; a++) {
    eta += fit.coefficients[a]! * x0[a]!;
    let s = 0;
    for (let b = 0; b < p; b++) s += fit.covariance[a * p + b]! * x0[b]!;
    q += x0[a]! * s;
  }
  return { eta, seEta: Math.sqrt(q * dispersion) };
}
