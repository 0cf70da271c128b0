/**
 * The Farrington flexible outbreak detector (Noufaily et al. 2013 improvements of Farrington et al.
 * 1996), step for step as R `surveillance::farringtonFlexible` (version 1.20) with integer time
 * points (`epochAsDate = FALSE`: the reference weeks of week t are t - freq, t - 2 freq, ...).
 *
 * Answers: "is this week's count higher than comparable weeks of past years, allowing for trend,
 * seasonality, overdispersion and past outbreaks?" For each evaluated period t:
 * 1. Baseline: the weeks t - i freq - w .. t - i freq + w for i = 1..b (and, when noPeriods > 1, every
 *    other past week since t - b freq - w, grouped into noPeriods - 1 seasonal blocks, the comparable
 *    windows forming level noPeriods), minus the pastWeeksNotIncluded most recent weeks and t itself.
 * 2. Quasi-Poisson GLM log mu = a [+ beta t] [+ block factor] [+ log population] by IRLS
 *    (stats/quasi-poisson-glm.ts); dispersion phi = max(Pearson dispersion, 1).
 * 3. Reweighting: Anscombe residuals s_i = 3/2 (y^(2/3) mu^(-1/6) - mu^(1/2)) / sqrt(phi (1 - h_i));
 *    weights gamma s_i^-2 where s_i > weightsThreshold (2.58; 1 in the 1996 paper), gamma elsewhere,
 *    gamma making them sum to n; refit.
 * 4. Trend kept only if b >= 3, its t-test p < pThresholdTrend and the prediction does not exceed the
 *    largest baseline count; otherwise refit (with reweighting) without it.
 * 5. Threshold: "delta": prediction mu0 and its delta-method variance, the 2/3-power transform,
 *    U = (mu0^(2/3) + z(1-alpha) (4/9 mu0^(1/3) (phi + se^2 / mu0))^(1/2))^(3/2);
 *    "nbPlugin": the (1 - alpha) quantile of a negative binomial with mean exp(eta0) and variance
 *    phi times the mean; "muan": the same with mean exp(eta0 + z(1-alpha) se(eta0)).
 * 6. Alarm when the count exceeds U, is not zero, and at least limit54[0] cases (5) fell in the last
 *    limit54[1] periods (4, including t); otherwise no alarm and (as R) no upper bound.
 *
 * Units: counts per period in, counts out (`expected` and `upperbound` are counts per period).
 * Complexity: O(n * fits * iterations * m p^2) with m = baseline size (about b (2w + 1), or b freq
 * with noPeriods > 1), p <= noPeriods + 2; 2 to 8 fits per period.
 * How to read: `upperbound` is the largest count that would not alarm; `score` = (y - mu0) / (U - mu0)
 * exceeds 1 on alarm ("delta" only: for the other methods R computes it on the log scale and it
 * only orders alarms). NaN in `upperbound` marks periods without a decision (too few recent cases,
 * or no converged fit) and is counted in `undetermined`.
 * False alarms: nominally alpha per period; Noufaily et al. (2013) found the 1996 version alarms far
 * too often and recommend weightsThreshold 2.58, noPeriods 10, pastWeeksNotIncluded 26 with "muan".
 *
 * References: Farrington C.P., Andrews N.J., Beale A.D., Catchpole M.A. (1996) "A statistical
 * algorithm for the early detection of outbreaks of infectious disease", JRSS A 159(3):547-563.
 * Noufaily A., Enki D.G., Farrington P., Garthwaite P., Andrews N., Charlett A. (2013) "An improved
 * algorithm for outbreak detection in multiple surveillance systems", Stat Med 32(7):1206-1222.
 * Salmon M., Schumacher D., Höhle M. (2016) "Monitoring count time series in R: aberration detection
 * in public health surveillance", J Stat Softw 70(10). Checked against farringtonFlexible on UCDP
 * Balochistan weekly series (scripts/reference/monitor-surveillance.R).
 */
import { BaseeratError, InsufficientDataError } from '../domain/errors.js';
import { negativeBinomialCdf, poissonCdf } from '../stats/count-distributions.js';
import { normalQuantile, normalUpperTail } from '../stats/normal-distribution.js';
import { coefficientPValue, fitQuasiPoissonGlm, predictQuasiPoisson, type QuasiPoissonGlmFit } from '../stats/quasi-poisson-glm.js';

export type FarringtonThresholdMethod = 'delta' | 'nbPlugin' | 'muan';
export type FarringtonPowerTransform = '2/3' | '1/2' | 'none';

export interface FarringtonFlexibleOptions {
  /** Periods per year: 52 for weeks, 12 for months. Default 52. */
  freq?: number;
  /** Years back; default 5. */
  b?: number;
  /** Half-width of the comparable window; default 3. */
  w?: number;
  reweight?: boolean;
  /** Anscombe residual above which a baseline week is down-weighted; default 2.58 (1 in Farrington 1996). */
  weightsThreshold?: number;
  /** One-sided level; default 0.05 as in surveillance. */
  alpha?: number;
  trend?: boolean;
  pThresholdTrend?: number;
  /** [cases, periods]: no alarm unless at least `cases` in the last `periods` periods. Default [5, 4]. */
  limit54?: readonly [number, number];
  powertrans?: FarringtonPowerTransform;
  populationOffset?: boolean;
  /** Population per period (needed when populationOffset is true). */
  population?: ArrayLike<number>;
  /** Seasonal factor levels; 1 = only the comparable windows (Farrington 1996). Default 1. */
  noPeriods?: number;
  /** Recent periods left out of the baseline; default w. */
  pastWeeksNotIncluded?: number;
  thresholdMethod?: FarringtonThresholdMethod;
  /**
   * Dispersion used for the trend test and the standard error of the prediction after reweighting.
   * 'surveillance' (default) reproduces R surveillance 1.20, whose model object carries the
   * reweighting weights where the working weights belong, so that this dispersion is the Pearson
   * one with each term divided by mu again (larger when counts are below 1, smaller above).
   * 'pearson' uses the textbook quasi-Poisson dispersion (Noufaily et al. 2013 as written).
   */
  predictionDispersion?: 'surveillance' | 'pearson';
  /** First period to evaluate (0-based); default and minimum freq * b + w. */
  firstIndex?: number;
}

export interface FarringtonFlexibleResult {
  firstIndex: number;
  /** Per period, length n; NaN before firstIndex and where there is no decision. */
  upperbound: Float64Array;
  expected: Float64Array;
  /** (y - prediction) / (upperbound - prediction), as surveillance's `score`; NaN before firstIndex or without fit. */
  score: Float64Array;
  /** max(dispersion, 1) of the final model; NaN before firstIndex or without fit. */
  phi: Float64Array;
  /**
   * surveillance's `pvalue`: P(count >= y) under the threshold's distribution (delta: the normal
   * approximation on the power scale; nbPlugin/muan: the negative binomial or Poisson plug-in).
   * With the delta method, y > 0 and enough recent cases, alarm <=> pValue < alpha, so one run gives
   * the alarms at every level (used by bench/detection). NaN where there is no fit.
   */
  pValue: Float64Array;
  /** 1 where the trend was kept. */
  trend: Uint8Array;
  alarm: Uint8Array;
  /** Periods from firstIndex on with no decision because of the minimum-count rule. */
  belowMinimumCount: number;
  /** Periods from firstIndex on where no GLM converged (R gives NA and a warning). */
  notConverged: number;
}

interface BaselineData {
  y: Float64Array;
  /** 1-based time as in R (wtime = index). */
  time: Float64Array;
  block: Int32Array;
  logPopulation: Float64Array;
}

interface Settings {
  freq: number; b: number; w: number; reweight: boolean; weightsThreshold: number; alpha: number;
  trend: boolean; pThresholdTrend: number; limitCases: number; limitPeriods: number;
  powertrans: FarringtonPowerTransform; populationOffset: boolean; noPeriods: number;
  pastWeeksNotIncluded: number; thresholdMethod: FarringtonThresholdMethod; predictionDispersion: 'surveillance' | 'pearson';
}

/** surveillance's `blocks` and `algo.farrington.data.glm` for 0-based period t. */
function baselineData(series: ArrayLike<number>, logPop: Float64Array | undefined, t: number, s: Settings): BaselineData {
  const { freq, b, w, noPeriods: p } = s;
  const start = t - b * freq - w;
  const len = t - start + 1;
  const factor = new Int32Array(len); // 0 = not in the baseline
  for (let j = t - w; j <= t; j++) factor[j - start] = p;
  for (let i = 1; i <= b; i++) {
    const ref = t - i * freq;
    for (let j = ref - w; j <= ref + w; j++) factor[j - start] = p;
    if (p !== 1) {
      const period = freq - 2 * w - 1;
      const base = Math.floor(period / (p - 1));
      const rest = period % (p - 1);
      let pos = ref + w + 1;
      for (let level = 1; level <= p - 1; level++) {
        const blockLength = base + (level <= rest ? 1 : 0);
        for (let j = 0; j < blockLength; j++) factor[pos + j - start] = level;
        pos += blockLength;
      }
    }
  }
  for (let j = Math.max(start, t - s.pastWeeksNotIncluded); j <= t; j++) factor[j - start] = 0;
  let m = 0;
  for (let j = 0; j < len; j++) if (factor[j] !== 0) m++;
  const out: BaselineData = { y: new Float64Array(m), time: new Float64Array(m), block: new Int32Array(m), logPopulation: new Float64Array(m) };
  let k = 0;
  for (let j = 0; j < len; j++) {
    if (factor[j] === 0) continue;
    out.y[k] = series[start + j]!;
    out.time[k] = start + j + 1;
    out.block[k] = factor[j]!;
    out.logPopulation[k] = logPop === undefined ? 0 : logPop[start + j]!;
    k++;
  }
  return out;
}

interface Design {
  x: Float64Array;
  p: number;
  /** Sorted block levels present; the first is the reference level (treatment contrasts). */
  levels: number[];
}

function designMatrix(d: BaselineData, withTime: boolean, withFactors: boolean): Design {
  const levels = withFactors ? [...new Set(d.block)].sort((u, v) => u - v) : [];
  const p = 1 + (withTime ? 1 : 0) + Math.max(0, levels.length - 1);
  const m = d.y.length;
  const x = new Float64Array(m * p);
  for (let i = 0; i < m; i++) {
    x[i * p] = 1;
    let c = 1;
    if (withTime) x[i * p + c++] = d.time[i]!;
    for (let l = 1; l < levels.length; l++) x[i * p + c++] = d.block[i] === levels[l] ? 1 : 0;
  }
  return { x, p, levels };
}

function rowFor(design: Design, withTime: boolean, time: number, level: number): Float64Array {
  const row = new Float64Array(design.p);
  row[0] = 1;
  let c = 1;
  if (withTime) row[c++] = time;
  for (let l = 1; l < design.levels.length; l++) row[c++] = design.levels[l] === level ? 1 : 0;
  return row;
}

interface FlexibleFit {
  fit: QuasiPoissonGlmFit;
  design: Design;
  withTime: boolean;
  phi: number;
  /** Dispersion behind the trend test and the prediction's standard error (see `SURVEILLANCE_DISPERSION`). */
  inferenceDispersion: number;
}

function tryFit(d: BaselineData, design: Design, offset: Float64Array | undefined, weights?: Float64Array): QuasiPoissonGlmFit | undefined {
  try {
    const input = { y: d.y, x: design.x, p: design.p, ...(offset === undefined ? {} : { offset }), ...(weights === undefined ? {} : { weights }) };
    return fitQuasiPoissonGlm(input);
  } catch (e) {
    if (e instanceof InsufficientDataError) return undefined;
    throw e;
  }
}

/** surveillance's algo.farrington.fitGLM.flexible: fit, fall back to no trend, reweight and refit. */
function fitFlexible(d: BaselineData, s: Settings, timeTrend: boolean): FlexibleFit | undefined {
  const withFactors = s.noPeriods !== 1;
  const offset = s.populationOffset ? d.logPopulation : undefined;
  let withTime = timeTrend;
  let design = designMatrix(d, withTime, withFactors);
  let fit = tryFit(d, design, offset);
  if (fit === undefined || !fit.converged) {
    if (!timeTrend) return undefined;
    withTime = false;
    design = designMatrix(d, false, withFactors);
    fit = tryFit(d, design, offset);
    if (fit === undefined || !fit.converged) return undefined;
  }
  let phi = Math.max(fit.dispersion, 1);
  let omega: Float64Array | undefined;
  if (s.reweight) {
    const n = d.y.length;
    const resid = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const y = d.y[i]!, mu = fit.fitted[i]!;
      resid[i] = (1.5 * (Math.pow(y, 2 / 3) * Math.pow(mu, -1 / 6) - Math.sqrt(mu))) / Math.sqrt(phi * (1 - fit.hat[i]!));
    }
    let denom = 0;
    for (let i = 0; i < n; i++) denom += resid[i]! > s.weightsThreshold ? Math.pow(resid[i]!, -2) : 1;
    const gamma = n / denom;
    omega = new Float64Array(n);
    for (let i = 0; i < n; i++) omega[i] = resid[i]! > s.weightsThreshold ? gamma * Math.pow(resid[i]!, -2) : gamma;
    // R does not check convergence of the reweighted fit; only a singular design stops it here.
    const refit = tryFit(d, design, offset, omega);
    if (refit === undefined) return undefined;
    fit = refit;
    phi = Math.max(fit.dispersion, 1);
  }
  let inferenceDispersion = fit.dispersion;
  if (omega !== undefined && s.predictionDispersion === 'surveillance') {
    // surveillance 1.20 stores the reweighting weights in model$weights, where summary.glm and
    // predict.glm expect the working weights: the dispersion they then use is
    // sum omega (y - mu)^2 / mu^2 / df, i.e. the Pearson terms divided by mu once more.
    let sum = 0;
    for (let i = 0; i < d.y.length; i++) {
      const mu = fit.fitted[i]!;
      const r = (d.y[i]! - mu) / mu;
      sum += omega[i]! * r * r;
    }
    inferenceDispersion = sum / fit.dfResidual;
  }
  return { fit, design, withTime, phi, inferenceDispersion };
}

/**
 * Smallest k with cdf(k) >= p (1 - 64 eps), as R's qpois/qnbinom, by doubling then bisection: the
 * negative binomial plug-in can have a tiny size (mean / (phi - 1)) and a quantile in the millions,
 * where summing probabilities from 0 would take that many steps.
 */
function discreteQuantile(p: number, cdf: (k: number) => number): number {
  const target = p * (1 - 64 * Number.EPSILON);
  if (cdf(0) >= target) return 0;
  let lo = 0, hi = 1;
  while (cdf(hi) < target) {
    lo = hi;
    hi *= 2;
    if (hi > 2 ** 52) return Infinity;
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (cdf(mid) >= target) hi = mid; else lo = mid;
  }
  return hi;
}

/** Upper bound, and the standard error and exponent of the power scale it is built on. */
function farringtonThreshold(mu0: number, seMu0: number, phi: number, z: number, transform: FarringtonPowerTransform): [number, number, number] {
  const tau = phi + (seMu0 * seMu0) / mu0;
  const [se, e] = transform === 'none' ? [Math.sqrt(mu0 * tau), 1] : transform === '1/2' ? [Math.sqrt(tau / 4), 0.5] : [Math.sqrt((4 / 9) * Math.pow(mu0, 1 / 3) * tau), 2 / 3];
  return [Math.pow(Math.pow(mu0, e) + z * se, 1 / e), se, e];
}

function settingsFrom(options: FarringtonFlexibleOptions): Settings {
  const w = options.w ?? 3;
  const limit = options.limit54 ?? [5, 4];
  return {
    freq: options.freq ?? 52, b: options.b ?? 5, w, reweight: options.reweight ?? true,
    weightsThreshold: options.weightsThreshold ?? 2.58, alpha: options.alpha ?? 0.05, trend: options.trend ?? true,
    pThresholdTrend: options.pThresholdTrend ?? 0.05, limitCases: limit[0], limitPeriods: limit[1],
    powertrans: options.powertrans ?? '2/3', populationOffset: options.populationOffset ?? false,
    noPeriods: options.noPeriods ?? 1, pastWeeksNotIncluded: options.pastWeeksNotIncluded ?? w,
    thresholdMethod: options.thresholdMethod ?? 'delta', predictionDispersion: options.predictionDispersion ?? 'surveillance',
  };
}

function int(name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) throw new BaseeratError('VALIDATION', `${name} is ${v}, expected an integer >= ${min}`, { field: name });
}

function checkSettings(s: Settings, n: number, options: FarringtonFlexibleOptions): void {
  int('freq', s.freq, 1); int('b', s.b, 1); int('w', s.w, 0); int('noPeriods', s.noPeriods, 1);
  int('pastWeeksNotIncluded', s.pastWeeksNotIncluded, 0); int('limit54[1]', s.limitPeriods, 1);
  if (!(s.limitCases >= 0)) throw new BaseeratError('VALIDATION', `limit54[0] is ${s.limitCases}, expected >= 0`, { field: 'limit54' });
  if (!(s.alpha > 0 && s.alpha < 0.5)) throw new BaseeratError('VALIDATION', `alpha is ${s.alpha}, expected 0 < alpha < 0.5`, { field: 'alpha' });
  if (!(s.weightsThreshold > 0)) throw new BaseeratError('VALIDATION', `weightsThreshold is ${s.weightsThreshold}, expected > 0`, { field: 'weightsThreshold' });
  if (2 * s.w + 1 > s.freq) throw new BaseeratError('VALIDATION', `w is ${s.w}: the window 2w + 1 exceeds freq ${s.freq}`, { field: 'w' });
  if (s.noPeriods > 1 && s.freq - 2 * s.w - 1 < s.noPeriods - 1) {
    throw new BaseeratError('VALIDATION', `noPeriods is ${s.noPeriods}: only ${s.freq - 2 * s.w - 1} weeks lie between windows`, { field: 'noPeriods' });
  }
  if (!['delta', 'nbPlugin', 'muan'].includes(s.thresholdMethod)) throw new BaseeratError('VALIDATION', `thresholdMethod is ${s.thresholdMethod}, expected delta, nbPlugin or muan`, { field: 'thresholdMethod' });
  if (!['2/3', '1/2', 'none'].includes(s.powertrans)) throw new BaseeratError('VALIDATION', `powertrans is ${s.powertrans}, expected 2/3, 1/2 or none`, { field: 'powertrans' });
  if (s.populationOffset) {
    const pop = options.population;
    if (pop === undefined || pop.length !== n) throw new BaseeratError('VALIDATION', `population has length ${pop?.length ?? 0}, expected ${n} with populationOffset`, { field: 'population' });
    for (let i = 0; i < n; i++) if (!(pop[i]! > 0)) throw new BaseeratError('VALIDATION', `population[${i}] is ${pop[i]}, expected > 0`, { field: 'population' });
  }
}

interface Prepared { s: Settings; firstIndex: number; logPop: Float64Array | undefined; z: number }

/** Checked options and series (the same checks and errors for every period or the latest only). */
function prepare(series: ArrayLike<number>, options: FarringtonFlexibleOptions): Prepared {
  const s = settingsFrom(options);
  const n = series.length;
  checkSettings(s, n, options);
  for (let i = 0; i < n; i++) {
    const v = series[i]!;
    if (!(v >= 0) || !Number.isFinite(v)) throw new BaseeratError('VALIDATION', `series[${i}] is ${v}, expected a finite count >= 0`, { field: 'series' });
  }
  const minFirst = s.freq * s.b + s.w;
  const firstIndex = options.firstIndex ?? minFirst;
  if (!Number.isInteger(firstIndex) || firstIndex < minFirst) throw new BaseeratError('VALIDATION', `firstIndex is ${firstIndex}, expected an integer >= freq * b + w = ${minFirst}`, { field: 'firstIndex' });
  if (n <= firstIndex) throw new InsufficientDataError(`Farrington with b = ${s.b}, w = ${s.w}, freq = ${s.freq} needs more than ${firstIndex} periods, got ${n}`, { n, firstIndex });
  let logPop: Float64Array | undefined;
  if (s.populationOffset) {
    const pop = options.population!;
    logPop = new Float64Array(n);
    for (let i = 0; i < n; i++) logPop[i] = Math.log(pop[i]!);
  }
  return { s, firstIndex, logPop, z: normalQuantile(1 - s.alpha) };
}

/** One evaluated period (NaN where R gives NA); `undefined` when no GLM converged. */
export interface FarringtonPeriod {
  upperbound: number;
  expected: number;
  score: number;
  pValue: number;
  phi: number;
  trend: boolean;
  alarm: boolean;
  /** Too few cases in the last limit54[1] periods: no decision (upperbound and expected NaN). */
  belowMinimumCount: boolean;
}

/** Steps 1-6 above for period t (which depends on the series only, not on other periods' results). */
function evaluatePeriod(series: ArrayLike<number>, t: number, { s, logPop, z }: Prepared): FarringtonPeriod | undefined {
  const linkScale = s.thresholdMethod !== 'delta';
  const d = baselineData(series, logPop, t, s);
  let model = fitFlexible(d, s, s.trend);
  const offsetNow = logPop === undefined ? 0 : logPop[t]!;
  let doTrend = false;
  if (model !== undefined && model.withTime) {
    const pred = predictQuasiPoisson(model.fit, rowFor(model.design, true, t + 1, s.noPeriods), offsetNow, model.inferenceDispersion);
    let maxY = 0;
    for (let i = 0; i < d.y.length; i++) maxY = Math.max(maxY, d.y[i]!);
    const significant = coefficientPValue(model.fit, 1, model.inferenceDispersion) < s.pThresholdTrend;
    doTrend = s.b >= 3 && significant && Math.exp(pred.eta) <= maxY;
    if (!doTrend) model = fitFlexible(d, s, false);
  }
  if (model === undefined) return undefined;
  const { eta, seEta } = predictQuasiPoisson(model.fit, rowFor(model.design, model.withTime, t + 1, s.noPeriods), offsetNow, model.inferenceDispersion);
  const phi = model.phi;
  const y = series[t]!;
  let upper: number;
  let predFit: number;
  let pValue: number;
  if (!linkScale) {
    const mu0 = Math.max(Math.exp(eta), Number.EPSILON);
    predFit = mu0;
    const [u, se, e] = farringtonThreshold(mu0, seEta * mu0, phi, z, s.powertrans);
    upper = u;
    pValue = normalUpperTail((Math.pow(y, e) - Math.pow(mu0, e)) / se);
  } else {
    predFit = eta;
    const muQ = Math.exp(s.thresholdMethod === 'nbPlugin' ? eta : eta + z * seEta);
    upper = !Number.isFinite(muQ)
      ? NaN
      : phi > 1
        ? discreteQuantile(1 - s.alpha, (k) => negativeBinomialCdf(k, muQ, muQ / (phi - 1)))
        : discreteQuantile(1 - s.alpha, (k) => poissonCdf(k, muQ));
    pValue = !Number.isFinite(muQ) ? NaN : y <= 0 ? 1 : phi !== 1 ? 1 - negativeBinomialCdf(y - 1, muQ, muQ / (phi - 1)) : 1 - poissonCdf(y - 1, muQ);
  }
  const score = Number.isNaN(upper) ? NaN : (y - predFit) / (upper - predFit);
  let recent = 0;
  for (let j = t - s.limitPeriods + 1; j <= t; j++) recent += series[j]!;
  const out: FarringtonPeriod = { upperbound: NaN, expected: NaN, score, pValue, phi, trend: doTrend, alarm: false, belowMinimumCount: recent < s.limitCases };
  if (out.belowMinimumCount) return out;
  out.upperbound = upper;
  if (!Number.isNaN(upper)) out.expected = linkScale ? Math.exp(eta) : predFit;
  out.alarm = score > 1 && y !== 0;
  return out;
}

/** Farrington flexible over a count series (one count per period, oldest first). */
export function farringtonFlexible(series: ArrayLike<number>, options: FarringtonFlexibleOptions = {}): FarringtonFlexibleResult {
  const prepared = prepare(series, options);
  const { firstIndex } = prepared;
  const n = series.length;
  const result: FarringtonFlexibleResult = {
    firstIndex,
    upperbound: new Float64Array(n).fill(NaN),
    expected: new Float64Array(n).fill(NaN),
    score: new Float64Array(n).fill(NaN),
    pValue: new Float64Array(n).fill(NaN),
    phi: new Float64Array(n).fill(NaN),
    trend: new Uint8Array(n),
    alarm: new Uint8Array(n),
    belowMinimumCount: 0,
    notConverged: 0,
  };
  for (let t = firstIndex; t < n; t++) {
    const r = evaluatePeriod(series, t, prepared);
    if (r === undefined) {
      result.notConverged++;
      continue;
    }
    result.phi[t] = r.phi;
    result.score[t] = r.score;
    result.pValue[t] = r.pValue;
    result.trend[t] = r.trend ? 1 : 0;
    result.upperbound[t] = r.upperbound;
    result.expected[t] = r.expected;
    if (r.belowMinimumCount) result.belowMinimumCount++;
    if (r.alarm) result.alarm[t] = 1;
  }
  return result;
}

/**
 * `farringtonFlexible` at the last period only (the same checks, errors and arithmetic; each period's
 * fit depends on the series alone): one period's GLM fits instead of n - firstIndex. `period` is
 * undefined where no GLM converged.
 */
export function farringtonFlexibleLatestPeriod(series: ArrayLike<number>, options: FarringtonFlexibleOptions = {}): { firstIndex: number; period: FarringtonPeriod | undefined } {
  const prepared = prepare(series, options);
  return { firstIndex: prepared.firstIndex, period: evaluatePeriod(series, series.length - 1, prepared) };
}
