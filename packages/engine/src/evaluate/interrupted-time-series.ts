/**
 * Interrupted time series: segmented Poisson or negative-binomial regression of the monthly counts of
 * the treated areas, with a level change (and optionally a slope change) at the start of the measure,
 * month-of-year harmonics for seasonality and Newey-West (HAC) standard errors.
 *
 * Answers: "after the measure started, did incidents in the treated areas jump (or start to trend)
 * away from what their own pre-period trend and season predicted?"
 * Model: log E[y_t] = b0 + b1 t + b2 post_t [+ b3 (t - t0) post_t] + sum_k (s_k sin(2 pi k m_t / 12) + c_k cos(...)).
 * Design columns, in order: (Intercept), t, post, [tSince], sin1, cos1, sin2, cos2, ... with t = 0..T-1,
 * post = 1 from the start period on, tSince = max(0, t - t0).
 * Units: `effect` is exp(b2), the rate ratio of the level change (0.8 = 20% fewer incidents than the
 * counterfactual from the first post month); `slopeChange` is exp(b3), the multiplicative change per
 * month in the trend.
 * Inference: the larger of the Newey-West and the model-based standard error, t(T - p) intervals.
 * Complexity: O(iterations T p^2) with p <= 4 + 2 harmonics; microseconds for a few hundred months.
 * How to read: the counterfactual is the fitted series with post and tSince set to 0. The design has
 * no comparison group: anything else that changed at the start date (a new recording practice, a
 * province-wide event) is attributed to the measure. Prefer difference in differences when comparison
 * areas exist, and check `placeboStarts` in the robustness output.
 * References: Bernal, Cummins and Gasparrini (2017), "Interrupted time series regression for the
 * evaluation of public health interventions: a tutorial", Int. J. Epidemiology 46(1); Newey and West
 * (1987). Checked against R glm, MASS::glm.nb and sandwich::NeweyWest
 * (scripts/reference/evaluate-reference.R).
 */
import { caveat, type Caveat } from '../domain/caveats.js';
import { BaseeratError, InsufficientDataError } from '../domain/errors.js';
import { fitPoissonGlm, POISSON_FAMILY, type GlmFit } from '../stats/poisson-glm.js';
import { fitNegativeBinomialGlm, negativeBinomialFamily } from '../stats/negative-binomial-glm.js';
import { glmEstimatingFunctions, neweyWestCovariance, neweyWestDefaultLag, standardErrorsOf } from './glm-sandwich-covariance.js';
import { monthHarmonics, rateRatioEffect, type CounterfactualSeries, type RateRatioEffect } from './evaluation-panel.js';

export type CountFamily = 'poisson' | 'negative-binomial' | 'auto';

export interface InterruptedTimeSeriesOptions {
  /** 'auto' (default) fits Poisson and switches to negative binomial when the Pearson dispersion exceeds 1.5. */
  family?: CountFamily;
  /** Also estimate a change of slope at the start. Default false. */
  slopeChange?: boolean;
  /** Pairs of month harmonics. Default 1 when there are at least 24 pre-period months, else 0. At most 5. */
  harmonics?: number;
  /** Newey-West lag; default floor(4 (T/100)^(2/9)). */
  lag?: number;
  /** Period labels for the chart series (default "0", "1", ...). */
  periods?: readonly string[];
  /** IRLS convergence tolerance (R glm.control epsilon); default 1e-8 as R. */
  epsilon?: number;
}

export interface InterruptedTimeSeriesResult {
  method: 'its';
  family: 'poisson' | 'negative-binomial';
  columns: string[];
  coefficients: number[];
  /** Newey-West HAC standard errors. */
  standardErrors: number[];
  /** Model-based GLM standard errors, for comparison. */
  modelStandardErrors: number[];
  lag: number;
  harmonics: number;
  /** Pearson chi-square / residual df of the Poisson fit: > 1 means overdispersion. */
  poissonDispersion: number;
  theta: number | null;
  effect: RateRatioEffect;
  slopeChange: RateRatioEffect | null;
  /** Observed post-period total / counterfactual post-period total. */
  postObservedOverCounterfactual: number;
  series: CounterfactualSeries;
  caveats: Caveat[];
}

/** The ITS design matrix (row-major T x p) and its column names. */
export function interruptedTimeSeriesDesign(T: number, startIndex: number, monthOfYear: ArrayLike<number>, slope: boolean, harmonics: number): { x: Float64Array; p: number; columns: string[] } {
  const columns = ['(Intercept)', 't', 'post', ...(slope ? ['tSince'] : [])];
  for (let k = 1; k <= harmonics; k++) columns.push(`sin${k}`, `cos${k}`);
  const p = columns.length;
  const x = new Float64Array(T * p);
  for (let t = 0; t < T; t++) {
    const post = t >= startIndex ? 1 : 0;
    const row = [1, t, post, ...(slope ? [post * (t - startIndex)] : []), ...monthHarmonics(monthOfYear[t]!, harmonics)];
    for (let a = 0; a < p; a++) x[t * p + a] = row[a]!;
  }
  return { x, p, columns };
}

export function interruptedTimeSeries(counts: ArrayLike<number>, startIndex: number, monthOfYear: ArrayLike<number>, options: InterruptedTimeSeriesOptions = {}): InterruptedTimeSeriesResult {
  const T = counts.length;
  if (monthOfYear.length !== T) throw new BaseeratError('VALIDATION', `monthOfYear has ${monthOfYear.length} entries, expected ${T}`, { field: 'monthOfYear' });
  if (!Number.isInteger(startIndex) || startIndex < 3 || startIndex > T - 1) {
    throw new InsufficientDataError(`startIndex is ${startIndex}: ITS needs at least 3 periods before and 1 after the start (periods: ${T})`, { startIndex, T });
  }
  const slope = options.slopeChange ?? false;
  const harmonics = options.harmonics ?? (startIndex >= 24 ? 1 : 0);
  if (!Number.isInteger(harmonics) || harmonics < 0 || harmonics > 5) throw new BaseeratError('VALIDATION', `harmonics is ${harmonics}, expected an integer 0-5`, { field: 'harmonics' });
  const caveats: Caveat[] = [];
  const design = interruptedTimeSeriesDesign(T, startIndex, monthOfYear, slope, harmonics);
  if (T <= design.p + 2) throw new InsufficientDataError(`${T} periods cannot support ${design.p} coefficients`, { T, p: design.p });
  const y = Float64Array.from(counts);
  let total = 0;
  for (let t = 0; t < startIndex; t++) total += y[t]!;
  if (total === 0) throw new InsufficientDataError('no incident in the pre-period of the treated areas: nothing to compare with', { field: 'counts' });
  const input = { y, x: design.x, p: design.p, ...(options.epsilon === undefined ? {} : { epsilon: options.epsilon, maxIterations: 100 }) };
  const pois = fitPoissonGlm(input);
  let pearson = 0;
  for (let t = 0; t < T; t++) pearson += (y[t]! - pois.fitted[t]!) ** 2 / pois.fitted[t]!;
  const dispersion = pearson / pois.dfResidual;
  const wanted = options.family ?? 'auto';
  const useNb = wanted === 'negative-binomial' || (wanted === 'auto' && dispersion > 1.5);
  let fit: GlmFit = pois;
  let theta: number | null = null;
  let variance = POISSON_FAMILY.variance;
  if (useNb) {
    try {
      const nb = fitNegativeBinomialGlm(input);
      fit = nb;
      theta = nb.theta;
      variance = negativeBinomialFamily(nb.theta).variance;
      if (!nb.thetaConverged) caveats.push(caveat('THETA_NOT_CONVERGED', 'the negative-binomial dispersion did not converge; the estimate is close to Poisson'));
    } catch (e) {
      if (!(e instanceof InsufficientDataError)) throw e;
      caveats.push(caveat('NB_FAILED', `negative binomial could not be fitted (${e.message}); Poisson with HAC standard errors used`));
    }
  }
  if (!fit.converged) caveats.push(caveat('GLM_NOT_CONVERGED', `the regression did not converge in ${fit.iterations} iterations`));
  const lag = options.lag ?? neweyWestDefaultLag(T);
  const u = glmEstimatingFunctions(input, fit, variance);
  const cov = neweyWestCovariance(u, fit, lag);
  const se = standardErrorsOf(cov, design.p);
  const df = T - design.p;
  // HAC standard errors from a few dozen months are biased down (the simulation study measured 85%
  // coverage); the larger of HAC and model-based (Angrist and Pischke 2009, section 8.2) with t(T - p)
  // critical values (as Stata's newey) is the conservative choice.
  const chosen = (k: number) => Math.max(se[k]!, fit.standardErrors[k]!);
  const which = se[2]! >= fit.standardErrors[2]! ? 'Newey-West HAC' : 'model-based (larger than HAC)';
  const inference = `${which} standard error (Bartlett lag ${lag} for HAC), ${theta === null ? 'Poisson' : 'negative binomial'} regression, t with ${df} df`;
  const effect = rateRatioEffect(fit.coefficients[2]!, chosen(2), inference, 0.95, df);
  const slopeEffect = slope ? rateRatioEffect(fit.coefficients[3]!, chosen(3), inference, 0.95, df) : null;
  // The counterfactual switches off post and tSince but keeps trend and season.
  const counterfactual: number[] = [];
  let postObs = 0, postCf = 0;
  for (let t = 0; t < T; t++) {
    let e = 0;
    for (let a = 0; a < design.p; a++) {
      const col = design.columns[a]!;
      if (col === 'post' || col === 'tSince') continue;
      e += design.x[t * design.p + a]! * fit.coefficients[a]!;
    }
    counterfactual.push(Math.exp(e));
    if (t >= startIndex) { postObs += y[t]!; postCf += Math.exp(e); }
  }
  if (startIndex < 12) caveats.push(caveat('SHORT_PRE_PERIOD', `only ${startIndex} months before the start: the pre-period trend and season are poorly known`));
  if (harmonics === 0) caveats.push(caveat('NO_SEASONALITY', 'no seasonal terms (fewer than 24 pre-period months): a seasonal swing at the start date can look like an effect'));
  if (total < 30) caveats.push(caveat('FEW_EVENTS', `${total} incidents in the pre-period: the test has little power`, total));
  if (T - startIndex < 6) caveats.push(caveat('SHORT_POST_PERIOD', `only ${T - startIndex} months after the start`));
  caveats.push(caveat('NO_COMPARISON_GROUP', 'an interrupted time series has no comparison areas: anything else that changed at the start date is attributed to the measure'));
  return {
    method: 'its',
    family: theta === null ? 'poisson' : 'negative-binomial',
    columns: design.columns,
    coefficients: Array.from(fit.coefficients),
    standardErrors: Array.from(se),
    modelStandardErrors: Array.from(fit.standardErrors),
    lag,
    harmonics,
    poissonDispersion: dispersion,
    theta,
    effect,
    slopeChange: slopeEffect,
    postObservedOverCounterfactual: postCf > 0 ? postObs / postCf : 0,
    series: { periods: options.periods === undefined ? Array.from({ length: T }, (_, t) => String(t)) : [...options.periods], observed: Array.from(y), counterfactual, startIndex },
    caveats,
  };
}
