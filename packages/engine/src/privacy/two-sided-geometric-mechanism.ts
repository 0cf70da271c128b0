/**
 * The two-sided geometric mechanism (Ghosh, Roughgarden and Sundararajan 2009): the integer
 * counterpart of the Laplace mechanism, for releasing counts under epsilon-differential privacy.
 *
 * What it answers: a noisy count c + X with P(X = k) = (1 - α) / (1 + α) · α^|k|, α = exp(-ε / Δ),
 * where Δ is the L1 sensitivity of the released vector (how much one incident can change it in
 * total: 1 per table it is counted in). The release is ε-differentially private for any
 * post-processing of its output.
 *
 * Units: incidents. Read the result through its error: E|X| = 2α / (1 - α²) (0.851 at ε = 1,
 * Δ = 1), Var X = 2α / (1 - α)², P(|X| <= h) = 1 - 2α^(h+1) / (1 + α).
 *
 * Sampling: X = G1 - G2 with G1, G2 independent geometric on {0, 1, ...}, P(G = k) = (1 - α) α^k,
 * drawn by inversion G = floor(ln U / ln α) from a 53-bit uniform U in (0, 1] built from two
 * 32-bit draws. Floating-point inversion is not the exact-arithmetic sampler of Canonne, Kamath and
 * Steinke (2020); the tail is cut where U reaches 2^-53 (|X| about 36.7/ε at Δ = 1), a probability
 * below 1e-15. Randomness is a parameter: real releases must pass a CSPRNG-backed `Rng` (the
 * server does), never a seeded one.
 *
 * Complexity: O(1) per draw. Checked against scipy.stats.dlaplace (pmf, E|X|, variance) in
 * packages/engine/test/privacy/two-sided-geometric-mechanism.test.ts
 * (scripts/reference/privacy-geometric-mechanism.py).
 */
import { BaseeratError } from '../domain/errors.js';
import type { Rng } from '../random/seeded-rng.js';

/** α = exp(-ε / Δ). */
export function geometricAlpha(epsilon: number, sensitivity = 1): number {
  if (!(epsilon > 0) || !Number.isFinite(epsilon)) {
    throw new BaseeratError('VALIDATION', `epsilon must be a finite number > 0, got ${epsilon}`, { field: 'epsilon' });
  }
  if (!(sensitivity > 0) || !Number.isFinite(sensitivity)) {
    throw new BaseeratError('VALIDATION', `sensitivity must be a finite number > 0, got ${sensitivity}`, { field: 'sensitivity' });
  }
  return Math.exp(-epsilon / sensitivity);
}

/** What the noise of one cell is expected to do, for the manifest. */
export interface GeometricNoiseSummary {
  epsilon: number;
  sensitivity: number;
  alpha: number;
  /** E|X| in incidents. */
  expectedAbsoluteError: number;
  /** Var X in incidents squared. */
  variance: number;
  /** Smallest h with P(|X| <= h) >= 0.95. */
  halfWidth95: number;
  /** P(X = 0). */
  probabilityExact: number;
}

export function geometricNoiseSummary(epsilon: number, sensitivity = 1): GeometricNoiseSummary {
  const alpha = geometricAlpha(epsilon, sensitivity);
  // P(|X| > h) = 2 α^(h+1) / (1 + α) <= 0.05  <=>  h >= ln(0.025 (1 + α)) / ln α - 1
  const h = Math.max(0, Math.ceil(Math.log(0.025 * (1 + alpha)) / Math.log(alpha) - 1 - 1e-12));
  return {
    epsilon,
    sensitivity,
    alpha,
    expectedAbsoluteError: (2 * alpha) / (1 - alpha * alpha),
    variance: (2 * alpha) / ((1 - alpha) * (1 - alpha)),
    halfWidth95: h,
    probabilityExact: (1 - alpha) / (1 + alpha),
  };
}

/** Uniform on (0, 1] with 53 bits: two 32-bit draws, so that the geometric tail is not cut at 2^-32. */
function uniform53(rng: Rng): number {
  const hi = Math.floor(rng.next() * 67108864); // 2^26
  const lo = Math.floor(rng.next() * 134217728); // 2^27
  return (hi * 134217728 + lo + 1) / 9007199254740992; // 2^53
}

function oneSidedGeometric(rng: Rng, logAlpha: number): number {
  return Math.floor(Math.log(uniform53(rng)) / logAlpha);
}

/** One draw of two-sided geometric noise with parameter α in (0, 1). */
export function sampleTwoSidedGeometric(rng: Rng, alpha: number): number {
  if (!(alpha > 0 && alpha < 1)) throw new BaseeratError('VALIDATION', `alpha must lie in (0, 1), got ${alpha}`, { field: 'alpha' });
  const la = Math.log(alpha);
  return oneSidedGeometric(rng, la) - oneSidedGeometric(rng, la);
}

/** Adds independent noise to every count (any order: the counts are read, never changed). */
export function addTwoSidedGeometricNoise(counts: ArrayLike<number>, epsilon: number, sensitivity: number, rng: Rng): Float64Array {
  const alpha = geometricAlpha(epsilon, sensitivity);
  const out = new Float64Array(counts.length);
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i]!;
    if (!Number.isInteger(c) || c < 0) throw new BaseeratError('VALIDATION', `counts[${i}] must be a non-negative integer, got ${c}`, { field: `counts[${i}]` });
    out[i] = c + sampleTwoSidedGeometric(rng, alpha);
  }
  return out;
}
