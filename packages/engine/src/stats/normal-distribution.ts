/**
 * Standard normal distribution: lower and upper tail probabilities, two-sided p-values and the
 * quantile function.
 *
 * Answers: "how unusual is a z-score of 2.7?" for Gi*, Local Moran's I and Mann-Kendall, whose
 * p-values must agree with R's `pnorm` to about 1e-15 relative, also far in the tails (p of 1e-12 and
 * below is common for strong hot spots, and Benjamini-Hochberg ranks these tiny values).
 *
 * Method: W. J. Cody's rational Chebyshev approximations (Cody 1993, ACM TOMS algorithm 715), the
 * algorithm R's `pnorm` uses, with the same split of exp(-x^2/2) into an exactly representable part
 * and a small remainder so that upper tails keep full relative precision. The quantile is found by
 * Newton steps on that CDF (a few iterations; only used for critical values, not in hot loops).
 * Complexity: O(1) per call.
 *
 * Reference: Cody, W. J. (1993) "Algorithm 715: SPECFUN", ACM Transactions on Mathematical Software
 * 19(1), 22-32. Checked against R `pnorm` in test/stats/normal-distribution.test.ts.
 */

const A = [2.2352520354606837, 161.02823106855587, 1067.6894854603709, 18154.98125334356, 0.06568233791820745] as const;
const B = [47.202581904688245, 976.0985517377767, 10260.932208618979, 45507.78933502673] as const;
const C = [
  0.39894151208813466, 8.883149794388377, 93.50665613217785, 597.2702763948002, 2494.5375852903726,
  6848.190450536283, 11602.65143764735, 9842.714838383978, 1.0765576773720192e-8,
] as const;
const D = [
  22.266688044328117, 235.387901782625, 1519.3775994075547, 6485.558298266761, 18615.571640885097,
  34900.95272114598, 38912.00328609327, 19685.429676859992,
] as const;
const P = [0.215898534057957, 0.12740116116024736, 0.022235277870649807, 0.0014216191932278934, 2.9112874951168793e-5, 0.023073441764940174] as const;
const Q = [1.284260096144911, 0.4682382124808651, 0.06598813786892856, 0.0037823963320275824, 7.297515550839662e-5] as const;

const ONE_OVER_SQRT_2PI = 0.3989422804014327;
const SQRT_32 = 5.656854249492381;

/** exp(-y^2/2) * factor, with y^2 split so that the rounding error of y*y does not spoil tiny tails. */
function gaussianTail(y: number, factor: number): number {
  const ySixteenths = Math.trunc(y * 16) / 16;
  const remainder = (y - ySixteenths) * (y + ySixteenths);
  return Math.exp(-ySixteenths * ySixteenths * 0.5) * Math.exp(-remainder * 0.5) * factor;
}

/** P(Z > y) for y >= 0.67448975 (the tail beyond |x|), to full relative precision. */
function tailBeyond(y: number): number {
  if (y <= SQRT_32) {
    let num = C[8] * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + C[i]!) * y;
      den = (den + D[i]!) * y;
    }
    return gaussianTail(y, (num + C[7]) / (den + D[7]));
  }
  if (y < 38.5) {
    const xsq = 1 / (y * y);
    let num = P[5] * xsq;
    let den = xsq;
    for (let i = 0; i < 4; i++) {
      num = (num + P[i]!) * xsq;
      den = (den + Q[i]!) * xsq;
    }
    let t = (xsq * (num + P[4])) / (den + Q[4]);
    t = (ONE_OVER_SQRT_2PI - t) / y;
    return gaussianTail(y, t);
  }
  return 0;
}

/** For |x| <= 0.67448975: the odd part t with P(Z <= x) = 1/2 + t. */
function centralPart(x: number): number {
  const xsq = Math.abs(x) > 1.1e-16 ? x * x : 0;
  let num = A[4] * xsq;
  let den = xsq;
  for (let i = 0; i < 3; i++) {
    num = (num + A[i]!) * xsq;
    den = (den + B[i]!) * xsq;
  }
  return (x * (num + A[3])) / (den + B[3]);
}

/** Returns [P(Z <= x), P(Z > x)], each to full double precision. */
function normalBothTails(x: number): [number, number] {
  if (Number.isNaN(x)) return [Number.NaN, Number.NaN];
  const y = Math.abs(x);
  if (y <= 0.67448975) {
    const t = centralPart(x);
    return [0.5 + t, 0.5 - t];
  }
  const small = tailBeyond(y);
  return x > 0 ? [1 - small, small] : [small, 1 - small];
}

/** P(Z <= x) for a standard normal Z. */
export function normalCdf(x: number): number {
  return normalBothTails(x)[0];
}

/** P(Z > x), accurate in the far upper tail (no 1 - cdf cancellation). */
export function normalUpperTail(x: number): number {
  return normalBothTails(x)[1];
}

/** Two-sided p-value of a z-score, 2 P(Z > |z|), as R's `2 * pnorm(abs(z), lower.tail = FALSE)`. */
export function twoSidedNormalPValue(z: number): number {
  // Allocation-free: this runs once per cell in Gi* and Local Moran.
  const y = Math.abs(z);
  if (Number.isNaN(y)) return Number.NaN;
  return y <= 0.67448975 ? 2 * (0.5 - centralPart(y)) : 2 * tailBeyond(y);
}

/** Standard normal density. */
export function normalDensity(x: number): number {
  return ONE_OVER_SQRT_2PI * Math.exp(-0.5 * x * x);
}

/**
 * Quantile of the standard normal: the x with P(Z <= x) = p, for 0 < p < 1.
 * Bisection to bracket then Newton steps; accurate to about 1e-14 absolute in x.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return Number.NEGATIVE_INFINITY;
    if (p === 1) return Number.POSITIVE_INFINITY;
    throw new RangeError(`normalQuantile: p must lie in [0, 1], got ${p}`);
  }
  if (p > 0.5) return -normalQuantile(1 - p);
  // Lower half: Abramowitz & Stegun 26.2.23 as the starting guess (error < 4.5e-4), then Newton.
  const t = Math.sqrt(-2 * Math.log(p));
  let x = -(t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t));
  for (let i = 0; i < 50; i++) {
    const cdf = normalCdf(x);
    const step = (cdf - p) / Math.max(normalDensity(x), 1e-300);
    x -= step;
    if (Math.abs(step) < 1e-15 * Math.max(1, Math.abs(x))) break;
  }
  return x;
}
