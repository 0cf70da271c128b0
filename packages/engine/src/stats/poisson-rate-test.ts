/**
 * Exact conditional test comparing two Poisson rates with exposures, as R
 * `poisson.test(c(x1, x0), c(t1, t0))`: given n = x1 + x0, x1 ~ Binomial(n, t1 / (t1 + t0)) under
 * equal rates, so the binomial test gives the p-value and the Clopper-Pearson interval for the
 * binomial probability q maps to the rate ratio as q / (1 - q) * t0 / t1.
 *
 * Answers: did the rate change between two periods (or differ between two areas)? Units: the rate
 * ratio is dimensionless (x1/t1 over x0/t0); exposures in any common unit (days, person-years).
 * Complexity: O(x1 + x0). Read: ratio 1.64 with CI [0.82, 3.4] and p = 0.18 means "up 64%, not
 * significant at the 5% level". The test assumes Poisson counts: overdispersed series (clustered
 * attacks) make it anti-conservative; the analyses say so in a caveat.
 * Reference: R stats::poisson.test; Przyborowski and Wilenski (1940), Biometrika 31.
 */
import { BaseeratError } from '../domain/errors.js';
import { binomialTest } from './binomial-distribution.js';

export interface PoissonRateTestResult {
  /** (x1 / t1) / (x0 / t0); null when x0 = 0 (infinite or undefined). */
  rateRatio: number | null;
  /** Confidence interval for the rate ratio; upper is null when infinite (x0 = 0). */
  lower: number;
  upper: number | null;
  /** Two-sided exact p-value of H0: equal rates. 1 when both counts are 0. */
  pValue: number;
  /** Count expected in period 1 under equal rates: (x1 + x0) t1 / (t1 + t0). */
  expected1: number;
}

export function poissonRateTest(x1: number, t1: number, x0: number, t0: number, confidence = 0.95): PoissonRateTestResult {
  for (const [name, v] of [['x1', x1], ['x0', x0]] as const) {
    if (!(Number.isInteger(v) && v >= 0)) throw new BaseeratError('VALIDATION', `Poisson count ${name} must be a non-negative integer, got ${v}`, { field: name });
  }
  for (const [name, v] of [['t1', t1], ['t0', t0]] as const) {
    if (!(v > 0 && Number.isFinite(v))) throw new BaseeratError('VALIDATION', `exposure ${name} must be positive and finite, got ${v}`, { field: name });
  }
  const n = x1 + x0;
  const q0 = t1 / (t1 + t0);
  if (n === 0) return { rateRatio: null, lower: 0, upper: null, pValue: 1, expected1: 0 };
  const b = binomialTest(x1, n, q0, confidence);
  const toRatio = (q: number): number | null => (q >= 1 ? null : (q / (1 - q)) * (t0 / t1));
  return {
    rateRatio: x0 === 0 ? null : (x1 / t1) / (x0 / t0),
    lower: toRatio(b.lower) ?? 0,
    upper: toRatio(b.upper),
    pValue: b.pValue,
    expected1: n * q0,
  };
}
