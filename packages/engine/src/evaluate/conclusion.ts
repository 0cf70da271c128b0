/**
 * Plain-language conclusions written from the numbers, with their limits: what an analyst or a
 * commander reads first. Every sentence is derived from the estimates; nothing here decides whether a
 * measure "worked" beyond saying whether the 95% interval excludes no change.
 */
import type { RateRatioEffect } from './evaluation-panel.js';
import type { DifferenceInDifferencesResult } from './difference-in-differences.js';
import type { InterruptedTimeSeriesResult } from './interrupted-time-series.js';
import type { SyntheticControlResult } from './synthetic-control.js';
import type { WeightedDisplacementDifferenceResult } from './weighted-displacement-difference.js';
import type { PlaceboEstimate } from './robustness.js';

const pct = (v: number): string => {
  const r = Math.round(v);
  return `${r > 0 ? '+' : r < 0 ? '-' : ''}${Math.abs(r)}%`;
};
const pval = (p: number): string => (p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`);

/** "fell 18% (95% CI -30% to -4%)" or "changed by -5% (95% CI -20% to +12%), compatible with no change". */
export function describeEffect(e: RateRatioEffect): string {
  const ci = `(95% CI ${pct(e.percentLower)} to ${pct(e.percentUpper)})`;
  if (e.standardError === 0) return `changed by ${pct(e.percentChange)} (no interval available)`;
  if (e.upper < 1) return `fell ${Math.abs(e.percentChange).toFixed(0)}% ${ci}`;
  if (e.lower > 1) return `rose ${e.percentChange.toFixed(0)}% ${ci}`;
  return `changed by ${pct(e.percentChange)} ${ci}, which is compatible with no change`;
}

function placeboSentence(placebos: readonly PlaceboEstimate[] | undefined, what: string): string {
  if (placebos === undefined || placebos.length === 0) return '';
  const hits = placebos.filter((p) => p.significant);
  if (hits.length === 0) return ` No ${what} showed a comparable effect (${placebos.length} checked).`;
  return ` Warning: ${hits.length} of ${placebos.length} ${what}s also showed an "effect" (${hits.map((h) => h.label).join('; ')}), so the estimate may reflect something other than the measure.`;
}

export function conclusionForDid(r: DifferenceInDifferencesResult, placeboDates?: readonly PlaceboEstimate[], leaveOneOut?: readonly PlaceboEstimate[]): string {
  let s = `Incidents in the treated areas ${describeEffect(r.effect)} relative to the comparison areas (${r.comparisonAreas.join(', ')}); the estimate assumes parallel trends, which the pre-period `;
  if (r.preTrend === null) s += 'was too short to check.';
  else s += `${r.parallelTrendsSupported === true ? 'supports' : 'does not support'} (differential pre-trend ${pct(100 * (r.preTrend.rateRatio - 1))} per month, ${pval(r.preTrend.pValue)}).`;
  s += placeboSentence(placeboDates, 'placebo start date');
  if (leaveOneOut !== undefined && leaveOneOut.length > 1) {
    const rr = leaveOneOut.flatMap((p) => (p.effect === null ? [] : [p.effect.percentChange]));
    if (rr.length > 0) {
      const signs = leaveOneOut.filter((p) => p.effect !== null && p.significant === (r.effect.upper < 1 || r.effect.lower > 1)).length;
      s += ` Leaving out one comparison area at a time gives ${pct(Math.min(...rr))} to ${pct(Math.max(...rr))}${signs === leaveOneOut.length ? '' : ' and changes the verdict for some'}.`;
    }
  }
  return s;
}

export function conclusionForIts(r: InterruptedTimeSeriesResult, placeboDates?: readonly PlaceboEstimate[]): string {
  let s = `Incidents in the treated areas ${describeEffect(r.effect)} at the start of the measure, relative to their own pre-period trend${r.harmonics > 0 ? ' and season' : ''} (${r.family === 'poisson' ? 'Poisson' : 'negative-binomial'} segmented regression with Newey-West standard errors).`;
  if (r.slopeChange !== null) s += ` The monthly trend changed by ${pct(100 * (r.slopeChange.rateRatio - 1))} per month (95% CI ${pct(r.slopeChange.percentLower)} to ${pct(r.slopeChange.percentUpper)}).`;
  s += ' With no comparison areas, anything else that changed at the same time is attributed to the measure.';
  return s + placeboSentence(placeboDates, 'placebo start date');
}

export function conclusionForSynth(r: SyntheticControlResult): string {
  const top = r.weights.filter((w) => w.weight >= 0.005).slice(0, 5).map((w) => `${w.area} ${w.weight.toFixed(2)}`).join(', ');
  let s = `Incidents in the treated areas ${describeEffect(r.effect)} relative to a synthetic control (${top}); its pre-period fit error (RMSPE) is ${r.preRmspe.toFixed(2)} on an index averaging 1.`;
  if (r.rankPValue !== null) s += ` The post/pre error ratio ranks ${Math.round(r.rankPValue * (r.placebos.length + 1))} of ${r.placebos.length + 1} among the treated area and its placebos (rank p = ${r.rankPValue.toFixed(2)}).`;
  if (r.caveats.some((c) => c.code === 'POOR_PRE_FIT')) s += ' The donors reproduce the treated pre-period poorly, so the counterfactual is weak.';
  return s;
}

export function conclusionForWdd(r: WeightedDisplacementDifferenceResult): string {
  const dir = r.wdd < 0 ? 'fewer' : 'more';
  let s = `The weighted displacement difference is ${r.wdd.toFixed(0)} incidents (${Math.abs(r.wdd).toFixed(0)} ${dir} than the controls' change predicts, z = ${r.z.toFixed(2)}, ${pval(r.pValue)}).`;
  if (r.effect !== null) s += ` As a rate ratio the treated area ${describeEffect(r.effect)} relative to its control.`;
  if (r.wdq !== null && r.wdqReading !== null) s += ` Displacement quotient ${r.wdq.toFixed(2)}: ${r.wdqReading}.`;
  return s + ' The test assumes Poisson counts and equal-length windows.';
}
