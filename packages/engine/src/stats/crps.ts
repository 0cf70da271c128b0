/**
 * Continuous ranked probability score of an integer predictive distribution F for an observed
 * count y: CRPS(F, y) = sum over k >= 0 of (F(k) - 1{k >= y})^2 (Gneiting and Raftery 2007; for
 * counts Czado, Gneiting and Held 2009). Lower is better; 0 only for a point mass on y.
 *
 * Answers: "how far, in counts, was the forecast distribution from what happened?" Units: counts
 * (the CRPS of a point forecast is its absolute error), so it can be averaged over districts and
 * months and compared between models on the same outcomes.
 * The sum runs over the stored support of F and, past it, over the tail mass: (1 - tail)^2 for each
 * k < y beyond the support (F is at least 1 - tail there) and nothing for k >= y (each term is at
 * most tail^2, and the stored distributions stop where tail < 1e-12). Complexity O(K + y).
 * `crpsPoisson` and `crpsNegativeBinomial` build the distribution truncated at 1e-12 first.
 * Reference: R, explicit summation with ppois/pnbinom, and the closed form for the Poisson of Wei
 * and Held (2014) with Bessel functions (scripts/reference/counts-scores-reference.R).
 */
import { BaseeratError } from '../domain/errors.js';
import { negativeBinomialDistribution, poissonDistribution, type IntegerDistribution } from './count-distributions.js';

export function crpsInteger(d: IntegerDistribution, y: number): number {
  if (!Number.isInteger(y) || y < 0) throw new BaseeratError('VALIDATION', `y is ${y}, expected a count`, { field: 'y' });
  let s = 0, f = 0;
  const K = d.pmf.length;
  for (let k = 0; k < K; k++) {
    f += d.pmf[k]!;
    const r = k >= y ? f - 1 : f;
    s += r * r;
  }
  if (y > K) {
    const fBeyond = 1 - d.tail;
    s += (y - K) * fBeyond * fBeyond;
  }
  return s;
}

export function crpsPoisson(lambda: number, y: number): number {
  return crpsInteger(poissonDistribution(lambda, 1e-12), y);
}

export function crpsNegativeBinomial(mu: number, theta: number, y: number): number {
  return crpsInteger(negativeBinomialDistribution(mu, theta, 1e-12), y);
}
