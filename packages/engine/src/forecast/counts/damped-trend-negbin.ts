/**
 * Damped-trend negative binomial count forecast: each district's mean follows Holt's linear
 * method with a damped trend (Gardner and McKenzie 1985), the predictive distribution is a negative
 * binomial NB2 around it whose dispersion is estimated from the method's own h-step errors before
 * the origin, and the smoothing parameters are chosen by CRPS on earlier origins only.
 *
 * Answers: "if each district keeps moving the way it has lately (with the trend fading out), what
 * is the distribution of its count h periods ahead?" — the candidate that can follow a rising or
 * falling series, which the recent-rate model and the benchmarks cannot.
 *
 * Point forecast (error-correction form of ETS(A,Ad,N), Hyndman et al. 2008, as R forecast::ets
 * with model "AAN", damped = TRUE): with states l, b after each period and one-step error
 * e_t = y_t - (l_{t-1} + phi b_{t-1}),
 *     l_t = l_{t-1} + phi b_{t-1} + alpha e_t,   b_t = phi b_{t-1} + beta e_t,
 *     forecast h periods ahead of t:  l_t + (phi + phi^2 + ... + phi^h) b_t,
 * run on the count scale of each district; the mean is that forecast floored at 0. Initial states:
 * l = the first column's count, b = 0 (the recursion then runs from the second column; with
 * alpha >= 0.2 and decades of history the start is forgotten).
 * Predictive: y ~ NB2(mu, size = 1 / k), Var = mu + k mu^2, with k the moment estimate over the
 * province's districts from the h-step forecasts whose targets are the DISPERSION_WINDOW periods
 * before the origin: k = max(0, sum((y - m)^2 - m) / sum(m^2)) (k = 0: Poisson). So the interval
 * width is what the method's own recent h-step errors were, not a plug-in Poisson.
 * Parameters: (alpha, beta, phi) from PARAMETER_GRID, chosen for each origin and horizon by the
 * lowest mean CRPS over the earlier origins q in [o - h - SELECTION_ORIGINS + 1, o - h] (every
 * target q + h - 1 before the origin), as the recent-rate model chooses its half-life; the choice
 * and the forecast never read a column at or after the origin.
 * Units: counts per district per period. Complexity: O(units x periods) per parameter set for the
 * states (cached per panel), O(units x DISPERSION_WINDOW) per forecast.
 * Reference: Gardner and McKenzie (1985), Forecasting trends in time series, Management Science
 * 31(10); Hyndman, Koehler, Ord and Snyder (2008), Forecasting with Exponential Smoothing, ch. 2-3.
 * The recursion and point forecasts are checked against R forecast::ets / forecast
 * (scripts/reference/counts-damped-trend-reference.R).
 */
import { InsufficientDataError } from '../../domain/errors.js';
import { negativeBinomialPmf, poissonDistribution, type IntegerDistribution } from '../../stats/count-distributions.js';
import { regularizedBeta } from '../../stats/beta-distribution.js';
import { crpsInteger } from '../../stats/crps.js';
import type { CountPanel } from './count-panel.js';
import { chooseOnEarlierOrigins } from './earlier-origin-choice.js';
import { SELECTION_ORIGINS } from './recent-rate-gamma-poisson.js';

export interface DampedTrendParameters { alpha: number; beta: number; phi: number }

/** alpha in {0.2, 0.5, 0.8}, beta = alpha x {0.1, 0.3} (ets' beta, below alpha), phi in {0.8, 0.9, 0.98}. */
export const DAMPED_TREND_GRID: readonly DampedTrendParameters[] = [0.2, 0.5, 0.8].flatMap((alpha) =>
  [0.1, 0.3].flatMap((bs) => [0.8, 0.9, 0.98].map((phi) => ({ alpha, beta: alpha * bs, phi }))));
/** Parameters used when no earlier origin can be scored. */
export const DEFAULT_DAMPED_TREND: DampedTrendParameters = { alpha: 0.5, beta: 0.05, phi: 0.9 };
/** Periods before the origin whose h-step errors estimate the dispersion. */
export const DISPERSION_WINDOW = 24;

/**
 * The damped-trend recursion on y[0..n-1] from initial states (l0, b0) before y[0]: the one-step
 * forecasts (fitted[t] = l_{t-1} + phi b_{t-1}) and the states after each observation. Exported for
 * the check against R forecast::ets.
 */
export function dampedTrendFilter(y: ArrayLike<number>, p: DampedTrendParameters, l0: number, b0: number): { fitted: Float64Array; level: Float64Array; trend: Float64Array } {
  const n = y.length;
  const fitted = new Float64Array(n), level = new Float64Array(n), trend = new Float64Array(n);
  let l = l0, b = b0;
  for (let t = 0; t < n; t++) {
    const f = l + p.phi * b;
    const e = y[t]! - f;
    fitted[t] = f;
    l = f + p.alpha * e;
    b = p.phi * b + p.beta * e;
    level[t] = l; trend[t] = b;
  }
  return { fitted, level, trend };
}

/** Point forecasts 1..h periods after the last state: l + (phi + ... + phi^j) b. */
export function dampedTrendForecast(level: number, trend: number, phi: number, h: number): number[] {
  const out: number[] = [];
  let s = 0, ph = 1;
  for (let j = 1; j <= h; j++) { ph *= phi; s += ph; out.push(level + s * trend); }
  return out;
}

/**
 * negativeBinomialDistribution(mu, size, tol) of stats/count-distributions.ts, the same vector (to
 * 1e-9 relative, deep tail included) and tail, without its exact survival function and log-gamma at every support point: the exact P(X > k) (regularized
 * beta) is evaluated only once 1 - (running sum of the pmf) is below 100 tol. With the dispersions
 * this model estimates (size well below 1) the support runs to thousands of points, and the
 * continued fraction at each of them made one forecast cost seconds.
 */
export function negativeBinomialVector(mu: number, size: number, tol: number): IntegerDistribution {
  if (mu === 0) return { pmf: Float64Array.of(1), tail: 0 };
  const out: number[] = [];
  let cdf = 0;
  // pmf by the recurrence P(k + 1) = P(k) (k + size) / (k + 1) mu / (size + mu) from P(0) (relative error about k x 1e-16)
  const r = mu / (size + mu);
  let q = negativeBinomialPmf(0, mu, size);
  for (let k = 0; ; k++) {
    if (k > 0) q *= ((k - 1 + size) / k) * r;
    out.push(q);
    cdf += q;
    if (k >= mu && 1 - cdf < 100 * tol) {
      const tail = regularizedBeta(mu / (size + mu), k + 1, size);
      if (tail < tol) return { pmf: Float64Array.from(out), tail: Math.max(0, tail) };
    }
    if (k > 1e7) throw new InsufficientDataError(`negative binomial with mean ${mu} and size ${size} needs more than 1e7 support points`, { mu, size });
  }
}

const dampSum = (phi: number, h: number): number => { let s = 0, ph = 1; for (let j = 1; j <= h; j++) { ph *= phi; s += ph; } return s; };

interface States { level: Float64Array; trend: Float64Array }

/** States of every unit after each column (unit-major), for one parameter set; column 0 is the initial state (l = y0, b = 0). */
function statesOf(panel: CountPanel, p: DampedTrendParameters, cache?: Map<string, unknown>): States {
  const key = `dt|states|${p.alpha}|${p.beta}|${p.phi}`;
  const hit = cache?.get(key);
  if (hit !== undefined) return hit as States;
  const T = panel.nPeriods, U = panel.units.length;
  const level = new Float64Array(U * T), trend = new Float64Array(U * T);
  for (let u = 0; u < U; u++) {
    const y = panel.counts.subarray(u * T, (u + 1) * T);
    level[u * T] = y[0]!; trend[u * T] = 0;
    if (T > 1) {
      const r = dampedTrendFilter(y.subarray(1), p, y[0]!, 0);
      level.set(r.level, u * T + 1); trend.set(r.trend, u * T + 1);
    }
  }
  const out = { level, trend };
  cache?.set(key, out);
  return out;
}

export interface DampedTrendFit {
  parameters: DampedTrendParameters;
  /** NB2 dispersion k (Var = mu + k mu^2); 0 = Poisson. */
  dispersion: number;
  /** Target periods whose h-step errors estimated k. */
  dispersionPeriods: number;
  /** Mean CRPS of every parameter set on the earlier origins (empty when none could be scored). */
  selection: { parameters: DampedTrendParameters; pastCases: number; meanCrps: number }[];
  pastOrigins: number;
}

interface Prediction { distributions: IntegerDistribution[]; dispersion: number; dispersionPeriods: number }

/** Predictive distributions of every unit for origin + h - 1 from columns before `origin`, one parameter set. */
export function dampedTrendPredictive(panel: CountPanel, origin: number, h: number, p: DampedTrendParameters, tol: number, cache?: Map<string, unknown>): Prediction {
  const key = `dt|pred|${p.alpha}|${p.beta}|${p.phi}|${origin}|${h}|${tol}`;
  const hit = cache?.get(key);
  if (hit !== undefined) return hit as Prediction;
  if (origin < 1) throw new InsufficientDataError(`origin column ${origin} leaves no history`, { origin });
  const T = panel.nPeriods, U = panel.units.length;
  const st = statesOf(panel, p, cache);
  const S = dampSum(p.phi, h);
  // dispersion: h-step forecasts made at state s = t - h for targets t in [origin - W, origin - 1] (t - h >= 0)
  let num = 0, den = 0, periods = 0;
  for (let t = Math.max(h, origin - DISPERSION_WINDOW); t < origin; t++) {
    periods++;
    const s = t - h;
    for (let u = 0; u < U; u++) {
      const m = Math.max(0, st.level[u * T + s]! + S * st.trend[u * T + s]!);
      const y = panel.counts[u * T + t]!;
      num += (y - m) ** 2 - m; den += m * m;
    }
  }
  const k = den > 0 ? Math.max(0, num / den) : 0;
  const distributions: IntegerDistribution[] = [];
  for (let u = 0; u < U; u++) {
    const mu = Math.max(0, st.level[u * T + origin - 1]! + S * st.trend[u * T + origin - 1]!);
    distributions.push(k < 1e-9 || mu === 0 ? poissonDistribution(mu, tol) : negativeBinomialVector(mu, 1 / k, tol));
  }
  const out = { distributions, dispersion: k, dispersionPeriods: periods };
  cache?.set(key, out);
  return out;
}

function pastMeanCrps(panel: CountPanel, q: number, h: number, p: DampedTrendParameters, cache: Map<string, unknown> | undefined): number {
  const key = `dt|crps|${p.alpha}|${p.beta}|${p.phi}|${q}|${h}`;
  const hit = cache?.get(key);
  if (typeof hit === 'number') return hit;
  const T = panel.nPeriods;
  const pr = dampedTrendPredictive(panel, q, h, p, 1e-12, cache);
  let sum = 0;
  pr.distributions.forEach((d, u) => { sum += crpsInteger(d, panel.counts[u * T + q + h - 1]!); });
  const m = sum / pr.distributions.length;
  cache?.set(key, m);
  return m;
}

/** The forecast for origin + horizon - 1 with the parameters chosen on earlier origins. */
export function forecastDampedTrend(
  panel: CountPanel, origin: number, horizon: number, tol: number, cache?: Map<string, unknown>,
): { distributions: IntegerDistribution[]; fit: DampedTrendFit } {
  const choice = chooseOnEarlierOrigins(panel, origin, horizon, SELECTION_ORIGINS, DAMPED_TREND_GRID, DEFAULT_DAMPED_TREND, (q, p) => pastMeanCrps(panel, q, horizon, p, cache));
  const chosen = choice.chosen;
  const selection: DampedTrendFit['selection'] = choice.scored.map((c) => ({ parameters: c.candidate, pastCases: c.pastCases, meanCrps: c.meanCrps }));
  const pr = dampedTrendPredictive(panel, origin, horizon, chosen, tol, cache);
  return {
    distributions: pr.distributions,
    fit: { parameters: chosen, dispersion: pr.dispersion, dispersionPeriods: pr.dispersionPeriods, selection, pastOrigins: choice.pastOrigins },
  };
}
