/**
 * Binomial distribution and the exact binomial test, as R `binom.test`: two-sided p-value by the
 * "probabilities no larger than the observed" rule, and the Clopper-Pearson interval.
 *
 * Units: counts and proportions. Complexity: O(n) for the two-sided p-value (one pass over the
 * support), O(log) bisection for the interval. Reference: R stats::binom.test source (R 4.x);
 * Clopper and Pearson (1934), Biometrika 26(4).
 */
import { BaseeratError } from '../domain/errors.js';
import { betaQuantile, regularizedBeta } from './beta-distribution.js';
import { logGamma } from './gamma-distribution.js';

function checkNp(n: number, p: number): void {
  if (!(Number.isInteger(n) && n >= 0)) throw new BaseeratError('VALIDATION', `binomial n must be a non-negative integer, got n = ${n}`, { field: 'n' });
  if (!(p >= 0 && p <= 1)) throw new BaseeratError('VALIDATION', `binomial p must lie in [0, 1], got p = ${p}`, { field: 'p' });
}

/** P(X = k) for X ~ Binomial(n, p). */
export function binomialPmf(k: number, n: number, p: number): number {
  checkNp(n, p);
  if (!Number.isInteger(k) || k < 0 || k > n) return 0;
  if (p === 0) return k === 0 ? 1 : 0;
  if (p === 1) return k === n ? 1 : 0;
  const lchoose = logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
  return Math.exp(lchoose + k * Math.log(p) + (n - k) * Math.log1p(-p));
}

/** P(X <= k) for X ~ Binomial(n, p). */
export function binomialCdf(k: number, n: number, p: number): number {
  checkNp(n, p);
  if (k < 0) return 0;
  if (k >= n) return 1;
  const kk = Math.floor(k);
  if (p === 0) return 1;
  if (p === 1) return 0;
  return regularizedBeta(1 - p, n - kk, kk + 1);
}

/** P(X > k) for X ~ Binomial(n, p), without cancellation. */
export function binomialSurvival(k: number, n: number, p: number): number {
  checkNp(n, p);
  if (k < 0) return 1;
  if (k >= n) return 0;
  const kk = Math.floor(k);
  if (p === 0) return 0;
  if (p === 1) return 1;
  return regularizedBeta(p, kk + 1, n - kk);
}

export interface BinomialTestResult {
  /** Two-sided exact p-value. */
  pValue: number;
  /** x / n. */
  estimate: number;
  /** Clopper-Pearson interval for the success probability. */
  lower: number;
  upper: number;
}

/**
 * Exact two-sided binomial test of H0: probability = p, with a Clopper-Pearson interval at `confidence`.
 * Read: pValue is the probability, under H0, of an outcome no more likely than the one observed.
 */
export function binomialTest(x: number, n: number, p: number, confidence = 0.95): BinomialTestResult {
  checkNp(n, p);
  if (!(Number.isInteger(x) && x >= 0 && x <= n)) throw new BaseeratError('VALIDATION', `binomial x must be an integer in [0, n = ${n}], got x = ${x}`, { field: 'x' });
  if (n === 0) throw new BaseeratError('VALIDATION', 'binomial test needs n >= 1, got n = 0', { field: 'n' });
  if (!(confidence > 0 && confidence < 1)) throw new BaseeratError('VALIDATION', `confidence must lie in (0, 1), got ${confidence}`, { field: 'confidence' });
  const pValue = twoSidedP(x, n, p);
  const alpha = 1 - confidence;
  const lower = x === 0 ? 0 : betaQuantile(alpha / 2, x, n - x + 1);
  const upper = x === n ? 1 : betaQuantile(1 - alpha / 2, x + 1, n - x);
  return { pValue, estimate: x / n, lower, upper };
}

function twoSidedP(x: number, n: number, p: number): number {
  // R's relative tolerance: outcomes whose probability equals the observed one up to rounding count as "as extreme".
  const relErr = 1 + 1e-7;
  if (p === 0) return x === 0 ? 1 : 0;
  if (p === 1) return x === n ? 1 : 0;
  const d = binomialPmf(x, n, p);
  const m = n * p;
  if (x === m) return 1;
  let result: number;
  if (x < m) {
    let y = 0;
    for (let i = Math.ceil(m); i <= n; i++) if (binomialPmf(i, n, p) <= d * relErr) y++;
    result = binomialCdf(x, n, p) + binomialSurvival(n - y, n, p);
  } else {
    let y = 0;
    for (let i = 0; i <= Math.floor(m); i++) if (binomialPmf(i, n, p) <= d * relErr) y++;
    result = binomialCdf(y - 1, n, p) + binomialSurvival(x - 1, n, p);
  }
  return Math.min(1, result);
}
