/**
 * Mann-Kendall trend test: does a series tend to go up (or down) over time, without assuming a
 * straight line or normal errors?
 *
 * Answers: "is this cell's Gi* z-score (or this district's monthly count) trending?" For a series
 * x_1..x_n in time order:
 *
 *   S      = sum_{i<j} sign(x_j - x_i)
 *   Var(S) = [n(n-1)(2n+5) - sum_t t(t-1)(2t+5)] / 18      (t = size of each group of tied values)
 *   z      = (S - sign(S)) / sqrt(Var(S))                   (continuity correction; 0 when S = 0)
 *   p      = 2 P(Z > |z|)                                   (two-sided, normal approximation)
 *   tau    = S / sqrt((n0 - n1) n0),  n0 = n(n-1)/2, n1 = sum_t t(t-1)/2   (Kendall's tau-b against time)
 *
 * Units: S is a count of concordant minus discordant pairs; tau in [-1, 1]; p a probability.
 * The normal approximation is fair from about n = 10; for n < 10 the result carries a caveat.
 * Complexity: O(n^2) pairs (n is a number of time steps, typically under a few hundred) plus
 * O(n log n) for ties.
 *
 * References: Mann, H. B. (1945) Econometrica 13, 245-259; Kendall, M. G. (1975) Rank Correlation
 * Methods; R `Kendall::MannKendall` (used by sfdep). Checked against R `cor.test(time, x, method =
 * "kendall", exact = FALSE, continuity = TRUE)` (same S, Var(S), z and p when time has no ties)
 * and `cor(method = "kendall")` (tau-b) in test/stats/mann-kendall.test.ts.
 */
import { caveat, type Caveat } from '../domain/caveats.js';
import { BaseeratError, InsufficientDataError } from '../domain/errors.js';
import { twoSidedNormalPValue } from './normal-distribution.js';

export interface MannKendallResult {
  readonly n: number;
  readonly S: number;
  readonly varS: number;
  readonly tau: number;
  readonly z: number;
  /** Two-sided p-value. */
  readonly p: number;
  readonly caveats: Caveat[];
}

export function mannKendall(series: ArrayLike<number>): MannKendallResult {
  const n = series.length;
  if (n < 3) throw new InsufficientDataError(`Mann-Kendall needs at least 3 time steps, got n = ${n}`, { n });
  for (let i = 0; i < n; i++) {
    const v = series[i]!;
    if (!Number.isFinite(v)) throw new BaseeratError('VALIDATION', `series[${i}] is not finite: ${v}`, { field: 'series' });
  }
  let S = 0;
  for (let i = 0; i < n - 1; i++) {
    const xi = series[i]!;
    for (let j = i + 1; j < n; j++) {
      const d = series[j]! - xi;
      S += d > 0 ? 1 : d < 0 ? -1 : 0;
    }
  }
  const sorted = Float64Array.from(series as ArrayLike<number>).sort();
  let tieTerm = 0;
  let tiePairs = 0;
  let run = 1;
  for (let i = 1; i <= n; i++) {
    if (i < n && sorted[i] === sorted[i - 1]) {
      run++;
      continue;
    }
    if (run > 1) {
      tieTerm += run * (run - 1) * (2 * run + 5);
      tiePairs += (run * (run - 1)) / 2;
    }
    run = 1;
  }
  const varS = (n * (n - 1) * (2 * n + 5) - tieTerm) / 18;
  const n0 = (n * (n - 1)) / 2;
  const caveats: Caveat[] = [];
  if (varS <= 0 || n0 - tiePairs <= 0) {
    caveats.push(caveat('MANN_KENDALL_CONSTANT', `all ${n} values are equal: no trend can be tested`, n));
    return { n, S: 0, varS: 0, tau: 0, z: 0, p: 1, caveats };
  }
  const z = S === 0 ? 0 : (S - Math.sign(S)) / Math.sqrt(varS);
  const tau = S / Math.sqrt((n0 - tiePairs) * n0);
  if (n < 10) caveats.push(caveat('MANN_KENDALL_SHORT_SERIES', `only ${n} time steps: the normal approximation of the Mann-Kendall test is rough below 10`, n));
  return { n, S, varS, tau, z, p: twoSidedNormalPValue(z), caveats };
}
