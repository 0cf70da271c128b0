/**
 * Probabilistic forecasts of incident counts per district and period (month or ISO week), for
 * horizons h = 1, 2, 3 periods after the origin, and the VIEWS benchmarks they must beat.
 *
 * GLM models (fitted jointly on every district of a province: one panel regression):
 *   log E[y(u, t)] = offset(t) + b0 + b1 log(1 + y(u, t-h)) + b2 log(1 + mean of y(u, t-h-11 .. t-h))
 *                    [+ b3 log(1 + mean over boundary neighbours v of y(v, t-h))] + b4 sin(a_t) + b5 cos(a_t)
 *   with y ~ Poisson or NB2 (theta by ML), a_t the month-of-year (or week-of-year) angle and, for
 *   months, offset = log(days in the month). Horizons are *direct*: the model for horizon h is its
 *   own regression on lags at t-h, so an h-step forecast needs no simulation and uses only data up
 *   to the period before the origin.
 * 'auto' fits the four variants (Poisson / NB x with / without the spatial lag) on
 *   the training data of each origin and horizon and keeps the lowest AIC: the choice never sees
 *   the period being forecast.
 * The default model is not a GLM: 'recent-rate-gamma-poisson' (see recent-rate-gamma-poisson.ts).
 * Benchmarks (VIEWS prediction competitions): last observed value with Poisson noise, Poisson with
 *   the district's historical mean, and the bootstrap (empirical distribution) of the district's
 *   past values.
 *
 * Units: counts per district per period. Complexity per fit: O(iterations * rows * p^2) with
 *   rows = districts x training periods (about 7,000 for Balochistan monthly), p <= 6.
 * Known limits: plug-in predictive distributions (coefficient uncertainty ignored, so intervals
 *   are somewhat too narrow); a district's level is carried by its own 12-period mean, not by a
 *   district effect; no covariates beyond past counts and season.
 * Reference: the GLM kernels are checked against R glm / MASS::glm.nb (stats/); the model is
 *   judged by the rolling-origin backtest in count-backtest.ts (docs/methods/count-forecast.md).
 */
import { BaseeratError, InsufficientDataError } from '../../domain/errors.js';
import {
  empiricalDistribution, negativeBinomialDistribution, poissonDistribution, type IntegerDistribution,
} from '../../stats/count-distributions.js';
import { fitNegativeBinomialGlm, type NegativeBinomialGlmFit } from '../../stats/negative-binomial-glm.js';
import { fitPoissonGlm, type PoissonGlmFit } from '../../stats/poisson-glm.js';
import { periodOfColumn, periodStartMs, seasonAngle, targetIsContiguous, type CountPanel } from './count-panel.js';
import { crpsInteger } from '../../stats/crps.js';
import { distributionQuantile } from '../../stats/count-distributions.js';
import { centralInterval } from './count-forecast-scores.js';
import { forecastRecentRate, type RecentRateFit } from './recent-rate-gamma-poisson.js';
import { forecastDampedTrend, type DampedTrendFit } from './damped-trend-negbin.js';

export const GLM_MODELS = ['poisson-glm', 'negbin-glm', 'poisson-glm-no-spatial', 'negbin-glm-no-spatial'] as const;
export const BENCHMARK_MODELS = ['last-value-poisson', 'historical-mean-poisson', 'bootstrap-past-values'] as const;
export const RATE_MODELS = ['recent-rate-gamma-poisson'] as const;
/** Models with a trend (damped-trend-negbin.ts): the candidate that can follow a rising or falling series. */
export const TREND_MODELS = ['damped-trend-negbin'] as const;
/** The model chosen per origin and horizon by backtest CRPS on earlier origins among SELECTION_CANDIDATES (see selectCountModel). */
export const SELECTED_MODEL = 'backtest-selected' as const;
export const COUNT_MODELS = [SELECTED_MODEL, ...RATE_MODELS, ...TREND_MODELS, 'auto', ...GLM_MODELS, ...BENCHMARK_MODELS] as const;
export type GlmModelName = (typeof GLM_MODELS)[number];
export type CountModelName = (typeof COUNT_MODELS)[number];
/**
 * The default: whichever of the recent-rate gamma-Poisson and the three benchmarks scored the lowest
 * mean CRPS on the earlier origins (selectCountModel), so that a model that loses to "same as last
 * month" is never the one shown. Until 2026-11-27 the default was the recent-rate model itself, and
 * before that 'auto' (GLM by AIC), which lost to the historical-mean benchmark in mean CRPS on UCDP
 * Balochistan (docs/methods/count-forecast.md).
 */
export const DEFAULT_COUNT_MODEL: CountModelName = SELECTED_MODEL;
/**
 * The candidates of 'backtest-selected', benchmarks first: on equal scores the simpler model wins.
 * The GLMs are left out: they lost to the benchmarks on UCDP Balochistan and cost a fit per earlier origin.
 */
export const SELECTION_CANDIDATES: readonly CountModelName[] = [...BENCHMARK_MODELS, 'recent-rate-gamma-poisson'];
// 'damped-trend-negbin' is not a candidate: added, it made the choice worse on UCDP Balochistan
// (backtest CRPS 0.0798 against 0.0792) and on the demo's 2024 (10.31 against 9.35), see
// docs/methods/count-forecast.md; it can be asked for by name.
/** Earlier origins whose forecasts are scored to choose the model (as the recent-rate half-life). */
export const MODEL_SELECTION_ORIGINS = 24;

export function isBenchmarkModel(m: string): boolean {
  return (BENCHMARK_MODELS as readonly string[]).includes(m);
}

/** Periods in the own-count moving mean. */
export const LAG_WINDOW = 12;

export function isCountModelName(s: string): s is CountModelName {
  return (COUNT_MODELS as readonly string[]).includes(s);
}

interface GlmSpec { family: 'poisson' | 'negative-binomial'; spatial: boolean }
const SPECS: Record<GlmModelName, GlmSpec> = {
  'poisson-glm': { family: 'poisson', spatial: true },
  'negbin-glm': { family: 'negative-binomial', spatial: true },
  'poisson-glm-no-spatial': { family: 'poisson', spatial: false },
  'negbin-glm-no-spatial': { family: 'negative-binomial', spatial: false },
};

function covariateNames(spatial: boolean): string[] {
  return ['(Intercept)', 'log1p(own lag)', `log1p(own mean of ${LAG_WINDOW})`, ...(spatial ? ['log1p(neighbour mean lag)'] : []), 'sin(season)', 'cos(season)'];
}

/** Moving sums of each unit's counts, so that a window mean is O(1). */
function prefixSums(panel: CountPanel): Float64Array {
  const T = panel.nPeriods;
  const cs = new Float64Array(panel.units.length * (T + 1));
  for (let u = 0; u < panel.units.length; u++) {
    for (let t = 0; t < T; t++) cs[u * (T + 1) + t + 1] = cs[u * (T + 1) + t]! + panel.counts[u * T + t]!;
  }
  return cs;
}

function offsetOf(panel: CountPanel, t: number): number {
  if (panel.period === 'week') return 0;
  const p = periodOfColumn(panel, t);
  return Math.log((periodStartMs(p + 1, 'month') - periodStartMs(p, 'month')) / 86400000);
}

/** Writes the covariates for unit u, target column t, horizon h (lags at t - h) into out[at..]. */
function writeRow(panel: CountPanel, cs: Float64Array, u: number, t: number, h: number, spatial: boolean, out: Float64Array, at: number): void {
  const T = panel.nPeriods;
  const last = t - h;
  let j = at;
  out[j++] = 1;
  out[j++] = Math.log1p(panel.counts[u * T + last]!);
  out[j++] = Math.log1p((cs[u * (T + 1) + last + 1]! - cs[u * (T + 1) + last + 1 - LAG_WINDOW]!) / LAG_WINDOW);
  if (spatial) {
    const nb = panel.neighbours[u]!;
    let s = 0;
    for (const v of nb) s += panel.counts[v * T + last]!;
    out[j++] = Math.log1p(nb.length === 0 ? 0 : s / nb.length);
  }
  const a = seasonAngle(periodOfColumn(panel, t), panel.period);
  out[j++] = Math.sin(a);
  out[j++] = Math.cos(a);
}

export interface FittedCountGlm {
  model: GlmModelName;
  horizon: number;
  family: 'poisson' | 'negative-binomial';
  covariates: { name: string; estimate: number; standardError: number }[];
  /** NB size parameter; absent for Poisson. */
  theta?: number;
  aic: number;
  trainingRows: number;
  trainingEvents: number;
  converged: boolean;
  /** Candidates 'auto' compared, with their AIC (only for 'auto'). */
  candidates?: { model: GlmModelName; aic?: number; error?: string }[];
}

interface InternalFit { info: FittedCountGlm; coef: Float64Array; spatial: boolean }

function checkOriginHorizon(panel: CountPanel, origin: number, horizon: number): void {
  if (!Number.isInteger(horizon) || horizon < 1) throw new BaseeratError('VALIDATION', `horizon is ${horizon}, expected an integer >= 1`, { field: 'horizon' });
  if (!Number.isInteger(origin) || origin < LAG_WINDOW || origin > panel.nPeriods) {
    throw new InsufficientDataError(`origin column ${origin} needs at least ${LAG_WINDOW} periods of history inside the panel of ${panel.nPeriods}`, { origin });
  }
}

function fitSpec(panel: CountPanel, cs: Float64Array, model: GlmModelName, origin: number, h: number): InternalFit {
  const spec = SPECS[model];
  const names = covariateNames(spec.spatial);
  const p = names.length;
  const firstT = h + LAG_WINDOW - 1;
  const nT = origin - firstT;
  const U = panel.units.length;
  if (nT < 1) throw new InsufficientDataError(`no training periods before origin column ${origin} for horizon ${h}`, { origin, horizon: h });
  const n = nT * U;
  const x = new Float64Array(n * p);
  const y = new Float64Array(n);
  const offset = new Float64Array(n);
  let i = 0, events = 0;
  for (let t = firstT; t < origin; t++) {
    const off = offsetOf(panel, t);
    for (let u = 0; u < U; u++) {
      writeRow(panel, cs, u, t, h, spec.spatial, x, i * p);
      y[i] = panel.counts[u * panel.nPeriods + t]!;
      events += y[i]!;
      offset[i] = off;
      i++;
    }
  }
  if (events < 2 * p) throw new InsufficientDataError(`only ${events} events in the training data: too few for ${p} coefficients`, { events, p });
  const input = { y, x, p, offset };
  const nb: NegativeBinomialGlmFit | undefined = spec.family === 'negative-binomial' ? fitNegativeBinomialGlm(input) : undefined;
  const fit: PoissonGlmFit | NegativeBinomialGlmFit = nb ?? fitPoissonGlm(input);
  const info: FittedCountGlm = {
    model,
    horizon: h,
    family: spec.family,
    covariates: names.map((name, j) => ({ name, estimate: fit.coefficients[j]!, standardError: fit.standardErrors[j]! })),
    aic: fit.aic,
    trainingRows: n,
    trainingEvents: events,
    converged: fit.converged && (nb === undefined || nb.thetaConverged),
  };
  if (nb !== undefined) info.theta = nb.theta;
  return { info, coef: fit.coefficients, spatial: spec.spatial };
}

/** Fits already made for one panel, keyed by model, origin and horizon (the backtest shares them between 'auto' and the named GLMs). */
export type CountFitCache = Map<string, unknown>;

function fitSpecCached(panel: CountPanel, cs: Float64Array, model: GlmModelName, origin: number, h: number, cache: CountFitCache | undefined): InternalFit {
  const key = `${model}|${origin}|${h}`;
  const hit = cache?.get(key);
  if (hit instanceof Error) throw hit;
  if (hit !== undefined) return hit as InternalFit;
  try {
    const f = fitSpec(panel, cs, model, origin, h);
    cache?.set(key, f);
    return f;
  } catch (e) {
    if (e instanceof InsufficientDataError) cache?.set(key, e);
    throw e;
  }
}

function fitModel(panel: CountPanel, cs: Float64Array, model: GlmModelName | 'auto', origin: number, h: number, cache: CountFitCache | undefined): InternalFit {
  if (model !== 'auto') return fitSpecCached(panel, cs, model, origin, h, cache);
  let best: InternalFit | undefined;
  const candidates: { model: GlmModelName; aic?: number; error?: string }[] = [];
  for (const m of GLM_MODELS) {
    try {
      const f = fitSpecCached(panel, cs, m, origin, h, cache);
      candidates.push({ model: m, aic: f.info.aic });
      if (Number.isFinite(f.info.aic) && (best === undefined || f.info.aic < best.info.aic)) best = f;
    } catch (e) {
      if (!(e instanceof InsufficientDataError)) throw e;
      candidates.push({ model: m, error: e.message });
    }
  }
  if (best === undefined) throw new InsufficientDataError(`no count model could be fitted before origin column ${origin}: ${candidates.map((c) => c.error).join('; ')}`, {});
  return { ...best, info: { ...best.info, candidates } };
}

/** Scores of one candidate on the earlier origins of a model selection. */
export interface CandidateScore {
  model: CountModelName;
  /** One of the VIEWS benchmarks (last value, historical mean, bootstrap). */
  baseline: boolean;
  /** District x origin cases scored. */
  cases: number;
  meanCrps: number;
  /** Absolute error of the predictive median. */
  meanAbsoluteError: number;
  /** Share of outcomes inside the central 50% and 90% intervals. */
  coverage50: number;
  coverage90: number;
}

export interface CountModelSelection {
  /** The candidate with the lowest mean CRPS (the first in SELECTION_CANDIDATES order on a tie). */
  chosen: CountModelName;
  horizon: number;
  /** Earlier origins scored: every target is before the origin and follows its own origin without a left-out period. */
  pastOrigins: number;
  /** First and last of those origins (panel columns); absent when there were none. */
  originColumns?: [number, number];
  /** Lowest mean CRPS first. */
  candidates: CandidateScore[];
  /** True when no earlier origin could be scored and the chosen model is the fallback (the recent-rate model). */
  fallback: boolean;
}

interface CaseSums { n: number; crps: number; ae: number; c50: number; c90: number }

function candidateSums(panel: CountPanel, model: CountModelName, q: number, h: number, cache: CountFitCache | undefined): CaseSums {
  const key = `sel|${model}|${q}|${h}`;
  const hit = cache?.get(key);
  if (hit !== undefined) return hit as CaseSums;
  const T = panel.nPeriods;
  const f = forecastDistrictCounts(panel, { model, origin: q, horizon: h, ...(cache === undefined ? {} : { fitCache: cache }) });
  const out: CaseSums = { n: 0, crps: 0, ae: 0, c50: 0, c90: 0 };
  f.distributions.forEach((d, u) => {
    const y = panel.counts[u * T + q + h - 1]!;
    out.n++;
    out.crps += crpsInteger(d, y);
    out.ae += Math.abs(distributionQuantile(d, 0.5) - y);
    const i50 = centralInterval(d, 0.5), i90 = centralInterval(d, 0.9);
    if (y >= i50.lower && y <= i50.upper) out.c50++;
    if (y >= i90.lower && y <= i90.upper) out.c90++;
  });
  cache?.set(key, out);
  return out;
}

/**
 * Chooses the model for origin `origin` and horizon h: every candidate forecasts from each earlier
 * origin q in [origin - h - windowOrigins + 1, origin - h] (so that every target q + h - 1 is
 * before the origin: the choice never sees the period forecast) and the candidate with the lowest
 * mean CRPS over those district x origin cases is chosen. Origins whose target lies across a
 * left-out (uncovered) period are skipped. Without any earlier origin the recent-rate model is
 * used (fallback). Coverage of the 50% and 90% intervals is reported beside the CRPS.
 */
export function selectCountModel(
  panel: CountPanel, origin: number, horizon: number,
  opts: { candidates?: readonly CountModelName[]; windowOrigins?: number; cache?: CountFitCache } = {},
): CountModelSelection {
  const candidates = opts.candidates ?? SELECTION_CANDIDATES;
  if (candidates.length === 0 || candidates.includes(SELECTED_MODEL)) throw new BaseeratError('VALIDATION', `candidates must be non-empty and not include ${SELECTED_MODEL}`, { field: 'candidates' });
  const W = opts.windowOrigins ?? MODEL_SELECTION_ORIGINS;
  const cache = opts.cache ?? new Map<string, unknown>();
  const last = origin - horizon;
  const first = Math.max(LAG_WINDOW, last - W + 1);
  const qs: number[] = [];
  for (let q = first; q <= last; q++) if (targetIsContiguous(panel, q, horizon)) qs.push(q);
  const sums = new Map<CountModelName, CaseSums>(candidates.map((m) => [m, { n: 0, crps: 0, ae: 0, c50: 0, c90: 0 }]));
  const used: number[] = [];
  for (const q of qs) {
    // every candidate is scored on the same cases: an origin where one cannot be fitted is skipped for all
    let row: [CountModelName, CaseSums][];
    try {
      row = candidates.map((m) => [m, candidateSums(panel, m, q, horizon, cache)]);
    } catch (e) {
      if (e instanceof InsufficientDataError) continue;
      throw e;
    }
    used.push(q);
    for (const [m, c] of row) {
      const a = sums.get(m)!;
      a.n += c.n; a.crps += c.crps; a.ae += c.ae; a.c50 += c.c50; a.c90 += c.c90;
    }
  }
  const scores: CandidateScore[] = candidates.map((m) => {
    const a = sums.get(m)!;
    const n = Math.max(1, a.n);
    return { model: m, baseline: isBenchmarkModel(m), cases: a.n, meanCrps: a.n === 0 ? NaN : a.crps / n, meanAbsoluteError: a.n === 0 ? NaN : a.ae / n, coverage50: a.n === 0 ? NaN : a.c50 / n, coverage90: a.n === 0 ? NaN : a.c90 / n };
  });
  let chosen: CountModelName = 'recent-rate-gamma-poisson';
  const fallback = used.length === 0;
  if (!fallback) {
    let best = Infinity;
    for (const c of scores) if (c.meanCrps < best) { best = c.meanCrps; chosen = c.model; }
  }
  const sorted = fallback ? scores : [...scores].sort((a, b) => a.meanCrps - b.meanCrps);
  return {
    chosen, horizon, pastOrigins: used.length, candidates: sorted, fallback,
    ...(used.length === 0 ? {} : { originColumns: [used[0]!, used[used.length - 1]!] as [number, number] }),
  };
}

export interface DistrictCountForecast {
  model: CountModelName;
  horizon: number;
  /** Panel column of the forecast period (origin + horizon - 1). */
  target: number;
  /** One predictive distribution per unit of the panel, in panel order. */
  distributions: IntegerDistribution[];
  /** The fitted regression (GLM models only). */
  fitted?: FittedCountGlm;
  /** Half-life, prior and selection scores (recent-rate-gamma-poisson only, or when it was selected). */
  recentRate?: RecentRateFit;
  /** Parameters, dispersion and selection scores (damped-trend-negbin only, or when it was selected). */
  dampedTrend?: DampedTrendFit;
  /** How 'backtest-selected' chose (backtest-selected only); `model` is then the chosen candidate's name in `selection.chosen`. */
  selection?: CountModelSelection;
}

/**
 * Forecast of every unit for period origin + horizon - 1, using only panel columns before `origin`
 * (the panel may extend past it; those columns are never read). `tailTolerance` is where the
 * probability vectors stop (P(X > K) below it).
 */
export function forecastDistrictCounts(
  panel: CountPanel,
  opts: { model?: CountModelName; origin: number; horizon: number; tailTolerance?: number; fitCache?: CountFitCache },
): DistrictCountForecast {
  const model = opts.model ?? DEFAULT_COUNT_MODEL;
  const { origin, horizon } = opts;
  checkOriginHorizon(panel, origin, horizon);
  const tol = opts.tailTolerance ?? 1e-12;
  const T = panel.nPeriods;
  const U = panel.units.length;
  const target = origin + horizon - 1;
  const distributions: IntegerDistribution[] = [];
  if (model === SELECTED_MODEL) {
    // a cache even when the caller gives none: the candidates' own choices (half-lives) reuse the earlier origins' scores
    const cache = opts.fitCache ?? new Map<string, unknown>();
    const selection = selectCountModel(panel, origin, horizon, { cache });
    const f = forecastDistrictCounts(panel, { ...opts, model: selection.chosen, fitCache: cache });
    return { ...f, model, selection };
  }
  if (model === 'recent-rate-gamma-poisson') {
    const r = forecastRecentRate(panel, origin, horizon, tol, opts.fitCache);
    return { model, horizon, target, distributions: r.distributions, recentRate: r.fit };
  }
  if (model === 'damped-trend-negbin') {
    const r = forecastDampedTrend(panel, origin, horizon, tol, opts.fitCache);
    return { model, horizon, target, distributions: r.distributions, dampedTrend: r.fit };
  }
  if (model === 'last-value-poisson') {
    for (let u = 0; u < U; u++) distributions.push(poissonDistribution(panel.counts[u * T + origin - 1]!, tol));
    return { model, horizon, target, distributions };
  }
  if (model === 'historical-mean-poisson' || model === 'bootstrap-past-values') {
    for (let u = 0; u < U; u++) {
      const past = panel.counts.subarray(u * T, u * T + origin);
      if (model === 'bootstrap-past-values') distributions.push(empiricalDistribution(past));
      else distributions.push(poissonDistribution(past.reduce((a, b) => a + b, 0) / origin, tol));
    }
    return { model, horizon, target, distributions };
  }
  const cs = prefixSums(panel);
  const fit = fitModel(panel, cs, model, origin, horizon, opts.fitCache);
  const p = fit.coef.length;
  const row = new Float64Array(p);
  const theta = fit.info.theta;
  // The forecast row uses lags at target - horizon = origin - 1: the last period before the origin.
  const off = offsetOf(panel, target);
  for (let u = 0; u < U; u++) {
    writeRow(panel, cs, u, target, horizon, fit.spatial, row, 0);
    let eta = off;
    for (let j = 0; j < p; j++) eta += row[j]! * fit.coef[j]!;
    const mu = Math.exp(eta);
    distributions.push(theta === undefined ? poissonDistribution(mu, tol) : negativeBinomialDistribution(mu, theta, tol));
  }
  return { model, horizon, target, distributions, fitted: fit.info };
}
