/**
 * Recent-rate gamma-Poisson (empirical Bayes) count forecast, with its half-life chosen by CRPS on
 * earlier origins only: the default district count model.
 *
 * Answers: "given each district's recent record, and how districts of the province differ, what is
 * the distribution of next period's count?" Each district u has a rate lambda_u; the likelihood of
 * its past counts is down-weighted with age a (periods before the origin) by w(a) = 0.5^(a / H)
 * (H = half-life; H = Infinity weighs all history equally). With s_u = sum w y(u) and n = sum w:
 *   prior      lambda_u ~ Gamma(alpha, beta), fitted across the province's districts by moments:
 *              mean m0 = mean of s_u / n, variance v = var(s_u / n) - m0 / n (Poisson part removed,
 *              floored at 1e-6), beta = m0 / v, alpha = m0 beta;
 *   predictive y(u, next) ~ NB2(mu = (alpha + s_u) / (beta + n), size = alpha + s_u), the posterior
 *              predictive of the gamma-Poisson: a quiet district is pulled towards the province
 *              mean, and the rate's uncertainty widens the distribution (no plug-in).
 * The same distribution is the forecast for every horizon; what differs by horizon is H.
 * Selection of H: for origin o and horizon h, every H of HALF_LIVES forecasts from each earlier
 * origin q in [o - h - SELECTION_ORIGINS + 1, o - h] (so every target q + h - 1 is before o) and
 * the H with the lowest mean CRPS over those cases is used. The choice never sees a period at or
 * after the origin. Without an earlier origin H falls back to DEFAULT_HALF_LIFE.
 * Units: counts per district per period. Complexity: O(units x periods) per forecast, times
 * HALF_LIVES x SELECTION_ORIGINS for the selection (cached across origins in the backtest).
 * Reference: gamma-Poisson empirical Bayes (Clayton and Kaldor 1987 method-of-moments prior);
 * recency weighting as in exponentially weighted averages; CRPS selection as in VIEWS scoring.
 * Judged by the rolling-origin backtest (docs/methods/count-forecast.md).
 */
import { InsufficientDataError } from '../../domain/errors.js';
import { negativeBinomialDistribution, poissonDistribution, type IntegerDistribution } from '../../stats/count-distributions.js';
import { crpsInteger } from '../../stats/crps.js';
import type { CountPanel } from './count-panel.js';
import { chooseOnEarlierOrigins } from './earlier-origin-choice.js';

/** Candidate half-lives in periods; Infinity = all history weighted equally. */
export const HALF_LIVES: readonly number[] = [3, 6, 12, 24, 48, Infinity];
/** Earlier origins scored to choose the half-life. */
export const SELECTION_ORIGINS = 24;
/** Half-life used when no earlier origin can be scored. */
export const DEFAULT_HALF_LIFE = 12;
const VARIANCE_FLOOR = 1e-6;

export interface RecentRateFit {
  halfLife: number;
  /** Gamma prior across the province's districts (rate per period). */
  prior: { alpha: number; beta: number };
  /** Effective number of periods: the sum of the weights. */
  weightSum: number;
  /** Mean CRPS of every candidate half-life on the earlier origins (absent when none could be scored). */
  selection: { halfLife: number; pastCases: number; meanCrps: number }[];
  pastOrigins: number;
}

/** Cache of distributions keyed by half-life and origin (shared between origins and horizons). */
export type RecentRateCache = Map<string, unknown>;

interface Prediction { distributions: IntegerDistribution[]; alpha: number; beta: number; weightSum: number }

/** Gamma-Poisson predictive distributions of every unit from panel columns before `origin`. */
export function recentRatePredictive(panel: CountPanel, origin: number, halfLife: number, tol: number, cache?: RecentRateCache): Prediction {
  const key = `rr|${halfLife}|${origin}|${tol}`;
  const hit = cache?.get(key);
  if (hit !== undefined) return hit as Prediction;
  const T = panel.nPeriods;
  const U = panel.units.length;
  if (origin < 1) throw new InsufficientDataError(`origin column ${origin} leaves no history`, { origin });
  const w = new Float64Array(origin);
  let n = 0;
  for (let t = 0; t < origin; t++) { w[t] = halfLife === Infinity ? 1 : Math.pow(0.5, (origin - 1 - t) / halfLife); n += w[t]!; }
  const s = new Float64Array(U);
  for (let u = 0; u < U; u++) {
    let a = 0;
    for (let t = 0; t < origin; t++) a += w[t]! * panel.counts[u * T + t]!;
    s[u] = a;
  }
  let m0 = 0;
  for (let u = 0; u < U; u++) m0 += s[u]! / n;
  m0 /= U;
  let v = 0;
  for (let u = 0; u < U; u++) v += (s[u]! / n - m0) ** 2;
  v = Math.max(v / U - m0 / n, VARIANCE_FLOOR);
  const beta = m0 / v, alpha = m0 * beta;
  const distributions: IntegerDistribution[] = [];
  for (let u = 0; u < U; u++) {
    if (m0 === 0) { distributions.push(poissonDistribution(0, tol)); continue; }
    const size = alpha + s[u]!;
    distributions.push(negativeBinomialDistribution(size / (beta + n), size, tol));
  }
  const out = { distributions, alpha, beta, weightSum: n };
  cache?.set(key, out);
  return out;
}

function pastMeanCrps(panel: CountPanel, q: number, h: number, halfLife: number, cache: RecentRateCache | undefined): number {
  const key = `rrcrps|${halfLife}|${q}|${h}`;
  const hit = cache?.get(key);
  if (typeof hit === 'number') return hit;
  const T = panel.nPeriods;
  const target = q + h - 1;
  const p = recentRatePredictive(panel, q, halfLife, 1e-12, cache);
  let sum = 0;
  p.distributions.forEach((d, u) => { sum += crpsInteger(d, panel.counts[u * T + target]!); });
  const m = sum / p.distributions.length;
  cache?.set(key, m);
  return m;
}

/** The forecast for origin + horizon - 1 with the half-life chosen on earlier origins. */
export function forecastRecentRate(
  panel: CountPanel, origin: number, horizon: number, tol: number, cache?: RecentRateCache,
): { distributions: IntegerDistribution[]; fit: RecentRateFit } {
  const choice = chooseOnEarlierOrigins(panel, origin, horizon, SELECTION_ORIGINS, HALF_LIVES, DEFAULT_HALF_LIFE, (q, H) => pastMeanCrps(panel, q, horizon, H, cache));
  const halfLife = choice.chosen;
  const selection: RecentRateFit['selection'] = choice.scored.map((c) => ({ halfLife: c.candidate, pastCases: c.pastCases, meanCrps: c.meanCrps }));
  const p = recentRatePredictive(panel, origin, halfLife, tol, cache);
  return {
    distributions: p.distributions,
    fit: { halfLife, prior: { alpha: p.alpha, beta: p.beta }, weightSum: p.weightSum, selection, pastOrigins: choice.pastOrigins },
  };
}
