/**
 * Sandwich (robust) covariance matrices for log-link GLMs: heteroskedasticity-and-autocorrelation
 * consistent (Newey-West, Bartlett kernel) for one time series, and cluster-robust (by area) for a
 * panel.
 *
 * Answers: "how uncertain are these coefficients if the counts are overdispersed and correlated over
 * time (HAC) or within an area (cluster)?" Model-based GLM standard errors assume independent
 * Poisson (or NB) counts; month-to-month correlation of incident counts makes them too small.
 * Units: a p x p covariance of the coefficients (log rate ratios); square roots of its diagonal are
 * standard errors.
 * Complexity: O(n p^2 + L n p) for Newey-West with lag L; O(n p + G p^2) for G clusters.
 * How to read: compare robust and model-based standard errors; a robust SE much larger than the
 * model SE signals overdispersion or serial correlation that the model ignores.
 *
 * Definitions follow R `sandwich` 3.0 exactly: estimating functions u_i = (y_i - mu_i) mu_i / V(mu_i)
 * x_i (dispersion 1 for Poisson and negative binomial, as `estfun.glm`), bread B = n (X'WX)^-1 (as
 * `bread.glm`), and V = B M B / n.
 *  - `neweyWestCovariance`: M = (1/n) sum_{l=0..L} w_l (G_l + G_l'), G_0 counted once, Bartlett
 *    weights w_l = 1 - l / (L + 1): R `NeweyWest(fit, lag = L, prewhite = FALSE, adjust = FALSE)`.
 *  - `clusterRobustCovariance`: M = (1/n) sum_g U_g U_g' with U_g the sum of u_i in cluster g, times
 *    G/(G-1) and (n-1)/(n-p) (the HC1 small-sample factors): R `vcovCL(fit, cluster, type = "HC1")`.
 * References: Newey and West (1987, 1994), Econometrica 55, Rev. Econ. Stud. 61; Zeileis (2004),
 * "Econometric computing with HC and HAC covariance matrix estimators", J. Stat. Software 11(10);
 * Cameron, Gelbach and Miller (2008) on few clusters.
 */
import { BaseeratError } from '../domain/errors.js';
import type { GlmFit, GlmInput } from '../stats/poisson-glm.js';

/** Per-observation estimating functions u_i (row-major n x p) of a log-link GLM fit. */
export function glmEstimatingFunctions(input: Pick<GlmInput, 'y' | 'x' | 'p' | 'weights'>, fit: GlmFit, variance: (mu: number) => number): Float64Array {
  const n = input.y.length, p = input.p;
  const u = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    const mu = fit.fitted[i]!;
    const w = input.weights === undefined ? 1 : input.weights[i]!;
    const r = (w * (input.y[i]! - mu) * mu) / variance(mu);
    for (let a = 0; a < p; a++) u[i * p + a] = r * input.x[i * p + a]!;
  }
  return u;
}

/** (X'WX)^-1 M (X'WX)^-1 * n, where `meat` is already divided by n: the sandwich as R assembles it. */
function assemble(covUnscaled: Float64Array, meat: Float64Array, p: number, n: number): Float64Array {
  const tmp = new Float64Array(p * p);
  for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) {
    let s = 0;
    for (let c = 0; c < p; c++) s += covUnscaled[a * p + c]! * meat[c * p + b]!;
    tmp[a * p + b] = s;
  }
  const out = new Float64Array(p * p);
  for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) {
    let s = 0;
    for (let c = 0; c < p; c++) s += tmp[a * p + c]! * covUnscaled[c * p + b]!;
    out[a * p + b] = s * n;
  }
  return out;
}

/** Newey and West's (1994) rule-of-thumb lag, floor(4 (n/100)^(2/9)). */
export function neweyWestDefaultLag(n: number): number {
  return Math.floor(4 * Math.pow(n / 100, 2 / 9));
}

/** HAC covariance with Bartlett weights and a fixed lag (no prewhitening, no small-sample adjustment). */
export function neweyWestCovariance(estfun: Float64Array, fit: Pick<GlmFit, 'covariance' | 'p' | 'n'>, lag: number): Float64Array {
  const { p, n } = fit;
  if (!Number.isInteger(lag) || lag < 0 || lag >= n) throw new BaseeratError('VALIDATION', `lag is ${lag}, expected an integer in [0, ${n - 1}]`, { field: 'lag' });
  const meat = new Float64Array(p * p);
  for (let l = 0; l <= lag; l++) {
    const w = l === 0 ? 1 : 1 - l / (lag + 1);
    for (let i = l; i < n; i++) {
      for (let a = 0; a < p; a++) {
        const ua = estfun[i * p + a]!;
        for (let b = 0; b < p; b++) {
          const v = w * ua * estfun[(i - l) * p + b]!;
          meat[a * p + b]! += v;
          if (l > 0) meat[b * p + a]! += v;
        }
      }
    }
  }
  for (let k = 0; k < p * p; k++) meat[k]! /= n;
  return assemble(fit.covariance, meat, p, n);
}

/** Cluster-robust covariance (HC1 with the G/(G-1) cluster adjustment). `cluster[i]` is any integer label. */
export function clusterRobustCovariance(estfun: Float64Array, fit: Pick<GlmFit, 'covariance' | 'p' | 'n'>, cluster: ArrayLike<number>): { covariance: Float64Array; clusters: number } {
  const { p, n } = fit;
  if (cluster.length !== n) throw new BaseeratError('VALIDATION', `cluster has length ${cluster.length}, expected ${n}`, { field: 'cluster' });
  const sums = new Map<number, Float64Array>();
  for (let i = 0; i < n; i++) {
    const g = cluster[i]!;
    let s = sums.get(g);
    if (s === undefined) sums.set(g, (s = new Float64Array(p)));
    for (let a = 0; a < p; a++) s[a]! += estfun[i * p + a]!;
  }
  const G = sums.size;
  if (G < 2) throw new BaseeratError('DEGENERATE_INPUT', `cluster-robust covariance needs at least 2 clusters, got ${G}`, { field: 'cluster' });
  const meat = new Float64Array(p * p);
  for (const s of sums.values()) for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) meat[a * p + b]! += s[a]! * s[b]!;
  const adj = (G / (G - 1)) * ((n - 1) / (n - p));
  for (let k = 0; k < p * p; k++) meat[k] = (meat[k]! * adj) / n;
  return { covariance: assemble(fit.covariance, meat, p, n), clusters: G };
}

/** Square roots of the diagonal. */
export function standardErrorsOf(covariance: Float64Array, p: number): Float64Array {
  const se = new Float64Array(p);
  for (let a = 0; a < p; a++) se[a] = Math.sqrt(Math.max(0, covariance[a * p + a]!));
  return se;
}
