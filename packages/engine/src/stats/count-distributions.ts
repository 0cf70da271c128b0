/**
 * Poisson and negative binomial (NB2: mean mu, size theta, variance mu + mu^2 / theta) count
 * distributions: pmf, cdf, quantile, and the truncated probability vector that forecasts carry.
 *
 * Answers: "what is P(count = k) / P(count <= k) / the p-quantile?" for a predicted mean.
 * Units: counts (events per district per period). Complexity: pmf O(1); cdf O(1) through the
 * regularized incomplete gamma / beta functions (about 1e-13 relative); quantile O(answer).
 * `IntegerDistribution` holds P(X = 0..K) and the mass P(X > K) left beyond the truncation point,
 * so every score can account for what was cut off instead of assuming it is zero.
 * References: R `dpois`/`ppois`/`qpois`, `dnbinom`/`pnbinom`/`qnbinom` with `mu` and `size`
 * (checked in test/stats/count-distributions.test.ts against scripts/reference/counts-scores-reference.R).
 */
import { BaseeratError } from '../domain/errors.js';
import { regularizedBeta } from './beta-distribution.js';
import { logGamma, regularizedGammaQ } from './gamma-distribution.js';

/** P(X = k) for k = 0..pmf.length-1, and P(X > pmf.length-1) in `tail`. */
export interface IntegerDistribution {
  pmf: Float64Array;
  tail: number;
}

function checkMean(name: string, v: number): void {
  if (!(v >= 0) || !Number.isFinite(v)) throw new BaseeratError('VALIDATION', `${name} is ${v}, expected a finite number >= 0`, { field: name });
}
function checkSize(theta: number): void {
  if (!(theta > 0)) throw new BaseeratError('VALIDATION', `theta (size) is ${theta}, expected > 0 (use Poisson for theta = infinity)`, { field: 'theta' });
}

export function poissonPmf(k: number, lambda: number): number {
  checkMean('lambda', lambda);
  if (!Number.isInteger(k) || k < 0) return 0;
  if (lambda === 0) return k === 0 ? 1 : 0;
  return Math.exp(k * Math.log(lambda) - lambda - logGamma(k + 1));
}

export function poissonCdf(k: number, lambda: number): number {
  checkMean('lambda', lambda);
  if (k < 0) return 0;
  if (lambda === 0) return 1;
  return regularizedGammaQ(Math.floor(k) + 1, lambda);
}

export function negativeBinomialPmf(k: number, mu: number, theta: number): number {
  checkMean('mu', mu);
  checkSize(theta);
  if (!Number.isInteger(k) || k < 0) return 0;
  if (mu === 0) return k === 0 ? 1 : 0;
  return Math.exp(
    logGamma(k + theta) - logGamma(theta) - logGamma(k + 1) + theta * Math.log(theta / (theta + mu)) + (k === 0 ? 0 : k * (Math.log(mu) - Math.log(theta + mu))),
  );
}

export function negativeBinomialCdf(k: number, mu: number, theta: number): number {
  checkMean('mu', mu);
  checkSize(theta);
  if (k < 0) return 0;
  if (mu === 0) return 1;
  return regularizedBeta(theta / (theta + mu), theta, Math.floor(k) + 1);
}

/** Smallest k with F(k) >= p, as R's q* functions (with R's fuzz of 64 epsilon against rounding). */
function quantileBySearch(p: number, pmf: (k: number) => number, start = 0): number {
  if (!(p >= 0 && p <= 1)) throw new BaseeratError('VALIDATION', `p is ${p}, expected 0 <= p <= 1`, { field: 'p' });
  if (p === 1) return Infinity;
  const target = p * (1 - 64 * Number.EPSILON);
  let k = start, f = 0;
  for (let j = 0; j < start; j++) f += pmf(j);
  for (;;) {
    f += pmf(k);
    if (f >= target) return k;
    k += 1;
    if (k > 1e8) throw new BaseeratError('VALIDATION', `quantile search for p = ${p} did not end below 1e8`, { field: 'p' });
  }
}

export function poissonQuantile(p: number, lambda: number): number {
  checkMean('lambda', lambda);
  return quantileBySearch(p, (k) => poissonPmf(k, lambda));
}

export function negativeBinomialQuantile(p: number, mu: number, theta: number): number {
  checkMean('mu', mu);
  checkSize(theta);
  return quantileBySearch(p, (k) => negativeBinomialPmf(k, mu, theta));
}

/**
 * Probabilities from 0 up to the first K at or above the mean where P(X > K) < tailTolerance.
 * The tail is computed from the cdf, not as 1 - sum, so it is accurate even when tiny.
 */
function truncated(pmf: (k: number) => number, survival: (k: number) => number, mean: number, tailTolerance: number): IntegerDistribution {
  if (!(tailTolerance > 0 && tailTolerance < 1)) throw new BaseeratError('VALIDATION', `tailTolerance is ${tailTolerance}, expected 0 < t < 1`, { field: 'tailTolerance' });
  const out: number[] = [];
  let k = 0;
  let tail = 1;
  for (;;) {
    out.push(pmf(k));
    if (k >= mean) {
      tail = survival(k);
      if (tail < tailTolerance) break;
    }
    k += 1;
    if (k > 1e7) throw new BaseeratError('VALIDATION', `distribution with mean ${mean} needs more than 1e7 support points`, { field: 'mean' });
  }
  return { pmf: Float64Array.from(out), tail: Math.max(0, tail) };
}

export function poissonDistribution(lambda: number, tailTolerance = 1e-12): IntegerDistribution {
  checkMean('lambda', lambda);
  if (lambda === 0) return { pmf: Float64Array.of(1), tail: 0 };
  return truncated((k) => poissonPmf(k, lambda), (k) => 1 - regularizedGammaQ(k + 1, lambda), lambda, tailTolerance);
}

export function negativeBinomialDistribution(mu: number, theta: number, tailTolerance = 1e-12): IntegerDistribution {
  checkMean('mu', mu);
  checkSize(theta);
  if (mu === 0) return { pmf: Float64Array.of(1), tail: 0 };
  // P(X > k) = I_{1-p}(k+1, theta) with p = theta/(theta+mu): the complement computed directly.
  return truncated((k) => negativeBinomialPmf(k, mu, theta), (k) => regularizedBeta(mu / (theta + mu), k + 1, theta), mu, tailTolerance);
}

/** The empirical distribution of observed counts (bootstrap of past values). */
export function empiricalDistribution(values: ArrayLike<number>): IntegerDistribution {
  if (values.length === 0) throw new BaseeratError('VALIDATION', 'values is empty: an empirical distribution needs at least one value', { field: 'values' });
  let max = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v) || v < 0) throw new BaseeratError('VALIDATION', `values[${i}] is ${v}, expected a count`, { field: 'values' });
    if (v > max) max = v;
  }
  const pmf = new Float64Array(max + 1);
  for (let i = 0; i < values.length; i++) pmf[values[i]!]! += 1;
  for (let k = 0; k <= max; k++) pmf[k] = pmf[k]! / values.length;
  return { pmf, tail: 0 };
}

/** Mixture sum_j w_j D_j (weights are normalised); used for simulated multi-step distributions. */
export function mixDistributions(parts: readonly IntegerDistribution[], weights?: readonly number[]): IntegerDistribution {
  if (parts.length === 0) throw new BaseeratError('VALIDATION', 'parts is empty', { field: 'parts' });
  const w = weights ?? parts.map(() => 1);
  const total = w.reduce((a, b) => a + b, 0);
  const len = Math.max(...parts.map((d) => d.pmf.length));
  const pmf = new Float64Array(len);
  let tail = 0;
  parts.forEach((d, j) => {
    const wj = (w[j] ?? 0) / total;
    for (let k = 0; k < d.pmf.length; k++) pmf[k]! += wj * d.pmf[k]!;
    tail += wj * d.tail;
  });
  return { pmf, tail };
}

export function distributionMean(d: IntegerDistribution): number {
  let m = 0;
  for (let k = 0; k < d.pmf.length; k++) m += k * d.pmf[k]!;
  return m;
}

/** F(k) of a truncated distribution (k beyond the support: 1 - tail). */
export function distributionCdf(d: IntegerDistribution, k: number): number {
  if (k < 0) return 0;
  let f = 0;
  const top = Math.min(Math.floor(k), d.pmf.length - 1);
  for (let j = 0; j <= top; j++) f += d.pmf[j]!;
  return f;
}

/** Smallest k with F(k) >= p; when p falls in the truncated tail, the last support point + 1 (a lower bound). */
export function distributionQuantile(d: IntegerDistribution, p: number): number {
  if (!(p >= 0 && p <= 1)) throw new BaseeratError('VALIDATION', `p is ${p}, expected 0 <= p <= 1`, { field: 'p' });
  const target = p * (1 - 64 * Number.EPSILON);
  let f = 0;
  for (let k = 0; k < d.pmf.length; k++) {
    f += d.pmf[k]!;
    if (f >= target) return k;
  }
  return d.pmf.length;
}
