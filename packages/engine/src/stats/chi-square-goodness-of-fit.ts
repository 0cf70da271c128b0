/**
 * Pearson chi-square goodness-of-fit test of observed counts against expected proportions, as
 * scipy.stats.chisquare(f_obs, f_exp) / R chisq.test(x, p = w / sum(w)).
 *
 * Answers: are incidents spread over the categories (hours, weekdays, months) as the exposure
 * predicts? Weights are exposures (for example the number of Mondays in the period), so a month
 * that occurred twice is expected to hold twice the events. Categories with zero weight must have
 * zero observations and are dropped (df counts only the rest). Units: statistic chi-square with
 * k - 1 degrees of freedom. Complexity O(k). Read: a small p-value says the profile is not flat
 * relative to exposure; look at the standardized residuals (obs - exp) / sqrt(exp) for where.
 * The chi-square approximation is poor when expected counts are under 5: `smallExpected` counts them.
 * Reference: Pearson (1900); Cochran (1954) for the expected-count rule.
 */
import { BaseeratError, InsufficientDataError } from '../domain/errors.js';
import { chiSquareSurvival } from './gamma-distribution.js';

export interface ChiSquareResult {
  statistic: number;
  df: number;
  pValue: number;
  expected: number[];
  /** (observed - expected) / sqrt(expected); 0 where the weight is 0. */
  residuals: number[];
  /** Number of categories with expected count below 5. */
  smallExpected: number;
}

export function chiSquareGoodnessOfFit(observed: ArrayLike<number>, weights: ArrayLike<number>): ChiSquareResult {
  const k = observed.length;
  if (weights.length !== k) throw new BaseeratError('VALIDATION', `weights has length ${weights.length}, observed ${k}`, { field: 'weights' });
  let total = 0, wsum = 0, used = 0;
  for (let i = 0; i < k; i++) {
    const o = observed[i]!, w = weights[i]!;
    if (!(o >= 0 && Number.isFinite(o))) throw new BaseeratError('VALIDATION', `observed[${i}] must be a non-negative count, got ${o}`, { field: 'observed' });
    if (!(w >= 0 && Number.isFinite(w))) throw new BaseeratError('VALIDATION', `weights[${i}] must be non-negative, got ${w}`, { field: 'weights' });
    if (w === 0 && o > 0) throw new BaseeratError('VALIDATION', `observed[${i}] = ${o} but its exposure weight is 0`, { field: 'weights' });
    total += o; wsum += w;
    if (w > 0) used++;
  }
  if (used < 2) throw new InsufficientDataError(`chi-square test needs at least 2 categories with exposure, got ${used}`, { used });
  if (total === 0) throw new InsufficientDataError('chi-square test needs at least one observation, got 0', { total });
  const expected: number[] = [], residuals: number[] = [];
  let statistic = 0, smallExpected = 0;
  for (let i = 0; i < k; i++) {
    const e = (total * weights[i]!) / wsum;
    expected.push(e);
    if (e === 0) { residuals.push(0); continue; }
    const r = (observed[i]! - e) / Math.sqrt(e);
    residuals.push(r);
    statistic += r * r;
    if (e < 5) smallExpected++;
  }
  const df = used - 1;
  return { statistic, df, pValue: chiSquareSurvival(statistic, df), expected, residuals, smallExpected };
}
