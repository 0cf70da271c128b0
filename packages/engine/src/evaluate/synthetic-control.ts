/**
 * Synthetic control: a weighted mix of comparison (donor) areas, weights non-negative and summing to
 * one, that best reproduces the treated areas' pre-period monthly series; after the start, the mix
 * is the counterfactual.
 *
 * Answers: "what would the treated areas have recorded without the measure, judged by the donor mix
 * that tracked them before?" Each series is divided by its own pre-period mean (an index, 1 = the
 * pre-period average) so that areas of different size can be mixed; the counterfactual in counts is
 * the treated pre-period mean times the synthetic index.
 * Units: `effect.rateRatio` = observed post-period total / synthetic post-period total.
 * `preRmspe` / `postRmspe` are root mean squared prediction errors of the index (dimensionless).
 * Inference (placebo in space, Abadie, Diamond and Hainmueller 2010): each donor in turn is treated
 * as if it had received the measure, with the other donors as its pool. `rankPValue` is the share of
 * all units (treated and placebos) whose post/pre RMSPE ratio is at least the treated one's; with J
 * donors it cannot be below 1/(J+1). The interval is normal-theory with the standard deviation of the
 * placebos' log rate ratios as the standard error: it assumes the treated area's prediction error
 * is like the donors'.
 * Complexity: (J + 1) simplex least-squares fits of at most J donors, O(J^4 + J^2 L) overall.
 * References: Abadie, Diamond and Hainmueller (2010), JASA 105(490); Saunders, Lundberg, Braga,
 * Ridgeway and Miles (2015), J. Quant. Criminology 31; Robbins, Saunders and Kilmer (2017), JASA 112.
 */
import { caveat, type Caveat } from '../domain/caveats.js';
import { InsufficientDataError } from '../domain/errors.js';
import { normalQuantile, twoSidedNormalPValue } from '../stats/normal-distribution.js';
import { simplexLeastSquares } from './simplex-least-squares.js';
import { roleTotal, validatePanel, type CounterfactualSeries, type EvaluationPanel, type RateRatioEffect } from './evaluation-panel.js';

export interface SyntheticControlOptions {
  /** Run the placebo-in-space loop (default true; the robustness loops switch it off). */
  placebos?: boolean;
}

export interface SyntheticFit {
  weights: Float64Array;
  synthetic: Float64Array;
  preRmspe: number;
  postRmspe: number;
  logRateRatio: number;
}

/** Fits one unit (index series `target`) on donors (J x T index rows); pre-period is [0, startIndex). */
export function fitSyntheticUnit(target: Float64Array, donors: Float64Array[], startIndex: number, targetPreMean = 1): SyntheticFit {
  const T = target.length, J = donors.length;
  const D = new Float64Array(J * startIndex);
  for (let j = 0; j < J; j++) for (let t = 0; t < startIndex; t++) D[j * startIndex + t] = donors[j]![t]!;
  const sol = simplexLeastSquares(D, J, target.subarray(0, startIndex));
  const synthetic = new Float64Array(T);
  for (let t = 0; t < T; t++) { let s = 0; for (let j = 0; j < J; j++) s += sol.weights[j]! * donors[j]![t]!; synthetic[t] = s; }
  let pre = 0, post = 0, obs = 0, syn = 0;
  for (let t = 0; t < T; t++) {
    const e = (target[t]! - synthetic[t]!) ** 2;
    if (t < startIndex) pre += e; else { post += e; obs += target[t]!; syn += synthetic[t]!; }
  }
  // +0.5 / mean keeps a zero post-period finite (the same continuity correction for every unit).
  const half = 0.5 / Math.max(targetPreMean, 1e-9);
  return {
    weights: sol.weights, synthetic,
    preRmspe: Math.sqrt(pre / startIndex), postRmspe: Math.sqrt(post / (T - startIndex)),
    logRateRatio: Math.log((obs + half) / (syn + half)),
  };
}

export interface SyntheticControlResult {
  method: 'synth';
  weights: { area: string; weight: number }[];
  preRmspe: number;
  postRmspe: number;
  /** postRmspe / preRmspe of the treated series. */
  rmspeRatio: number;
  effect: RateRatioEffect;
  /** Share of treated + placebos with an RMSPE ratio at least the treated one's. Null without placebos. */
  rankPValue: number | null;
  placebos: { area: string; preRmspe: number; rmspeRatio: number; rateRatio: number }[];
  series: CounterfactualSeries;
  caveats: Caveat[];
}

function preMean(c: Float64Array, startIndex: number): number {
  let s = 0;
  for (let t = 0; t < startIndex; t++) s += c[t]!;
  return s / startIndex;
}

function std(values: number[]): number {
  const m = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / (values.length - 1));
}

export function syntheticControl(panel: EvaluationPanel, options: SyntheticControlOptions = {}): SyntheticControlResult {
  validatePanel(panel);
  const caveats: Caveat[] = [];
  const s = panel.startIndex, T = panel.periods.length;
  const treated = roleTotal(panel, 'treated');
  const tMean = preMean(treated, s);
  if (!(tMean > 0)) throw new InsufficientDataError('the treated areas have no incident in the pre-period', { field: 'treated' });
  const pool = panel.areas.filter((a) => a.role === 'comparison');
  const donors = pool.filter((a) => preMean(a.counts, s) > 0);
  if (donors.length < pool.length) caveats.push(caveat('EMPTY_DONORS_DROPPED', `${pool.length - donors.length} comparison area(s) without pre-period incidents cannot be donors`, pool.length - donors.length));
  if (donors.length < 2) throw new InsufficientDataError(`synthetic control needs at least 2 donor areas with pre-period incidents, got ${donors.length}`, { field: 'comparison' });
  const index = donors.map((a) => { const m = preMean(a.counts, s); return Float64Array.from(a.counts, (c) => c / m); });
  const target = Float64Array.from(treated, (c) => c / tMean);
  const fit = fitSyntheticUnit(target, index, s, tMean);
  const ratio = fit.postRmspe / Math.max(fit.preRmspe, 1e-12);
  const placebos: SyntheticControlResult['placebos'] = [];
  let rankPValue: number | null = null;
  let effect: RateRatioEffect;
  const z = normalQuantile(0.975);
  const pointOnly = (why: string): RateRatioEffect => ({
    rateRatio: Math.exp(fit.logRateRatio), lower: 0, upper: 0, logRateRatio: fit.logRateRatio, standardError: 0, pValue: 1,
    percentChange: 100 * (Math.exp(fit.logRateRatio) - 1), percentLower: -100, percentUpper: -100, inference: why,
  });
  if (options.placebos !== false && donors.length >= 3) {
    for (let j = 0; j < donors.length; j++) {
      const others = index.filter((_, k) => k !== j);
      const pf = fitSyntheticUnit(index[j]!, others, s, preMean(donors[j]!.counts, s));
      placebos.push({ area: donors[j]!.name, preRmspe: pf.preRmspe, rmspeRatio: pf.postRmspe / Math.max(pf.preRmspe, 1e-12), rateRatio: Math.exp(pf.logRateRatio) });
    }
    rankPValue = (1 + placebos.filter((p) => p.rmspeRatio >= ratio).length) / (placebos.length + 1);
    const se = std(placebos.map((p) => Math.log(p.rateRatio)));
    const lr = fit.logRateRatio;
    effect = {
      rateRatio: Math.exp(lr), lower: Math.exp(lr - z * se), upper: Math.exp(lr + z * se), logRateRatio: lr, standardError: se,
      pValue: se > 0 ? twoSidedNormalPValue(lr / se) : 1,
      percentChange: 100 * (Math.exp(lr) - 1), percentLower: 100 * (Math.exp(lr - z * se) - 1), percentUpper: 100 * (Math.exp(lr + z * se) - 1),
      inference: `placebo-in-space: standard deviation of ${placebos.length} donor placebo log rate ratios`,
    };
    if (donors.length < 19) caveats.push(caveat('FEW_PLACEBOS', `${donors.length} donors: the placebo rank p-value cannot be below ${(1 / (donors.length + 1)).toFixed(3)} and the interval rests on few placebos`));
  } else {
    effect = pointOnly(options.placebos === false ? 'point estimate only (placebos not run)' : 'point estimate only: fewer than 3 donors for placebos');
    if (options.placebos !== false) caveats.push(caveat('NO_PLACEBO_INFERENCE', 'fewer than 3 donor areas: no placebo inference, the interval is not available'));
  }
  // The index averages 1 before the start: a typical miss above 0.2 means the donors cannot reproduce the treated series.
  if (fit.preRmspe > 0.2) {
    caveats.push(caveat('POOR_PRE_FIT', `the synthetic series tracks the treated pre-period poorly (RMSPE ${fit.preRmspe.toFixed(3)} of an index that averages 1)`));
  }
  if (s < 12) caveats.push(caveat('SHORT_PRE_PERIOD', `only ${s} pre-period months to fit the weights`));
  const weights = donors.map((a, j) => ({ area: a.name, weight: fit.weights[j]! })).sort((a, b) => b.weight - a.weight);
  return {
    method: 'synth',
    weights,
    preRmspe: fit.preRmspe,
    postRmspe: fit.postRmspe,
    rmspeRatio: ratio,
    effect,
    rankPValue,
    placebos,
    series: { periods: [...panel.periods], observed: Array.from(treated), counterfactual: Array.from(fit.synthetic, (v) => v * tMean), startIndex: s },
    caveats: T - s < 3 ? [...caveats, caveat('SHORT_POST_PERIOD', `only ${T - s} post-period months`)] : caveats,
  };
}
