/**
 * One entry point for the spike detectors: run EARS, Farrington flexible or the Poisson CUSUM over a
 * count series and return, per period, the alarm, the expected count, the threshold and an
 * explanation an analyst can check ({ count, expected, threshold, rule }).
 *
 * The minimum-count rule: a statistical alarm pages people only when the period's count reaches
 * `minimumCount` (default 2), so that one event in a district that usually has none (EARS's upper
 * bound is then 0, and any event is "significant") does not wake the province. Categories flagged
 * `severe` (a mass-casualty attack, an assassination) page from a single event. Suppressed alarms are
 * kept, with rule 'suppressed-minimum-count', so the dashboard can still show them.
 *
 * False alarms: `nominalFalseAlarmRate` is the per-period rate the detector is designed for (alpha
 * for EARS and Farrington; for the CUSUM the inverse of Lucas's in-control run length is not computed
 * here and the field is null). On sparse, overdispersed security counts the real rate differs; the
 * rates measured on UCDP Balochistan series are in docs/methods/spike-detection.md.
 * Complexity: that of the detector plus O(n). Pure: no clock, no IO.
 */
import { BaseeratError } from '../domain/errors.js';
import { caveat, type Caveat } from '../domain/caveats.js';
import { earsC, type EarsMethod, type EarsOptions } from './ears-c1-c2-c3.js';
import { farringtonFlexible, type FarringtonFlexibleOptions } from './farrington-flexible.js';
import { poissonCusum, trailingMean, type PoissonCusumOptions } from './cusum.js';
import { negativeBinomialWindowScan, type NegativeBinomialWindowScanOptions } from './negative-binomial-window-scan.js';

export interface CusumDetectorOptions extends Omit<PoissonCusumOptions, 'mu0'> {
  /** In-control mean; default the trailing mean (window 52, gap 4, floor 0.05). */
  mu0?: number | ArrayLike<number>;
  window?: number;
  gap?: number;
  minimumMean?: number;
}

export type Detector =
  | { kind: 'ears'; options?: EarsOptions }
  | { kind: 'farrington'; options?: FarringtonFlexibleOptions }
  | { kind: 'cusum'; options?: CusumDetectorOptions }
  | { kind: 'window-scan'; options?: NegativeBinomialWindowScanOptions };

export interface EvaluateSeriesOptions {
  /** Count at which a statistical alarm pages; default 2. */
  minimumCount?: number;
  /** Severe category: a single event is enough (minimumCount 1). */
  severe?: boolean;
}

export type StepRule = 'not-evaluated' | 'undetermined' | 'below-threshold' | 'alarm' | 'suppressed-minimum-count';

export interface StepExplanation {
  count: number;
  /** Expected count (NaN when the detector gives none for this period). */
  expected: number;
  /** Largest count that would not alarm (NaN when undetermined or not evaluated). */
  threshold: number;
  rule: StepRule;
  /** The rule in words, e.g. "7 > threshold 4.2 (expected 1.3)". */
  text: string;
}

export interface StepEvaluation {
  index: number;
  alarm: boolean;
  /** The detector's own alarm, before the minimum-count rule. */
  detectorAlarm: boolean;
  expected: number;
  threshold: number;
  explanation: StepExplanation;
}

export interface SeriesEvaluation {
  detector: string;
  firstIndex: number;
  steps: StepEvaluation[];
  alarms: number;
  suppressed: number;
  undetermined: number;
  nominalFalseAlarmRate: number | null;
  caveats: Caveat[];
}

const fmt = (v: number): string => (Number.isNaN(v) ? 'n/a' : Number.isInteger(v) ? String(v) : v.toFixed(2));

/** The detector's name in `SeriesEvaluation.detector` (and the spike rule's explanation). */
export const detectorLabel = {
  ears: (method: EarsMethod): string => `EARS ${method}`,
  farrington: (options: FarringtonFlexibleOptions | undefined): string => `Farrington flexible (${options?.thresholdMethod ?? 'delta'})`,
  cusum: (h: number): string => `Poisson CUSUM (h ${h})`,
  windowScan: (h: number): string => `negative-binomial window scan (h ${h})`,
};

/** Fewest events in a period for an alarm to page when no `minimumCount` is given (not severe). */
export const DEFAULT_MINIMUM_COUNT = 2;

/** The minimum count the options give (severe: 1), checked. */
export function checkedMinimumCount(options: EvaluateSeriesOptions): number {
  const minimumCount = options.severe === true ? 1 : options.minimumCount ?? DEFAULT_MINIMUM_COUNT;
  if (!(minimumCount >= 0)) throw new BaseeratError('VALIDATION', `minimumCount is ${minimumCount}, expected >= 0`, { field: 'minimumCount' });
  return minimumCount;
}

/**
 * Period t's step from the detector's values there (expected and threshold are read only from
 * `firstIndex` on): the rule, its text and the minimum-count rule. The one place a step is built,
 * for `evaluateSeries` and `evaluateLatestPeriod` alike.
 */
export function stepEvaluation(t: number, count: number, firstIndex: number, expected: number, threshold: number, detectorAlarm: boolean, minimumCount: number): StepEvaluation {
  const e = t < firstIndex ? NaN : expected;
  const u = t < firstIndex ? NaN : threshold;
  let rule: StepRule;
  let text: string;
  if (t < firstIndex) {
    rule = 'not-evaluated';
    text = `not evaluated: the detector needs ${firstIndex} earlier periods`;
  } else if (Number.isNaN(u)) {
    rule = 'undetermined';
    text = `no threshold for this period (count ${fmt(count)})`;
  } else if (!detectorAlarm) {
    rule = 'below-threshold';
    text = `${fmt(count)} within threshold ${fmt(u)} (expected ${fmt(e)})`;
  } else if (count < minimumCount) {
    rule = 'suppressed-minimum-count';
    text = `${fmt(count)} > threshold ${fmt(u)} (expected ${fmt(e)}) but below the minimum count ${minimumCount}`;
  } else {
    rule = 'alarm';
    text = `${fmt(count)} > threshold ${fmt(u)} (expected ${fmt(e)})`;
  }
  return { index: t, alarm: rule === 'alarm', detectorAlarm, expected: e, threshold: u, explanation: { count, expected: e, threshold: u, rule, text } };
}

export function evaluateSeries(series: ArrayLike<number>, detector: Detector, options: EvaluateSeriesOptions = {}): SeriesEvaluation {
  const minimumCount = checkedMinimumCount(options);
  const n = series.length;
  let name: string;
  let firstIndex: number;
  let alarm: Uint8Array;
  let expected: ArrayLike<number>;
  let threshold: ArrayLike<number>;
  let nominal: number | null;
  const caveats: Caveat[] = [];
  if (detector.kind === 'ears') {
    const r = earsC(series, detector.options ?? {});
    name = detectorLabel.ears(r.method);
    ({ firstIndex, alarm, expected } = r);
    threshold = r.upperbound;
    nominal = r.alpha;
    if (r.undetermined > 0) caveats.push(caveat('ears-undefined', `${r.undetermined} periods have a constant baseline and minSigma 0, so C3 is undefined; set minSigma to 0.5 or 1`, r.undetermined));
  } else if (detector.kind === 'farrington') {
    const r = farringtonFlexible(series, detector.options ?? {});
    name = detectorLabel.farrington(detector.options);
    ({ firstIndex, alarm, expected } = r);
    threshold = r.upperbound;
    nominal = detector.options?.alpha ?? 0.05;
    if (r.belowMinimumCount > 0) caveats.push(caveat('farrington-few-recent-cases', `${r.belowMinimumCount} periods had fewer than ${detector.options?.limit54?.[0] ?? 5} cases in the last ${detector.options?.limit54?.[1] ?? 4} periods: no decision`, r.belowMinimumCount));
    if (r.notConverged > 0) caveats.push(caveat('farrington-no-fit', `${r.notConverged} periods: the GLM did not converge, no decision`, r.notConverged));
  } else if (detector.kind === 'cusum') {
    const o = detector.options ?? {};
    const mu0 = o.mu0 ?? trailingMean(series, o.window ?? 52, o.gap ?? 4, o.minimumMean ?? 0.05);
    const { window: _w, gap: _g, minimumMean: _m, ...rest } = o;
    const r = poissonCusum(series, { ...rest, mu0 });
    name = detectorLabel.cusum(r.h);
    firstIndex = 0;
    alarm = r.alarm;
    expected = typeof mu0 === 'number' ? new Float64Array(n).fill(mu0) : mu0;
    threshold = r.upperbound;
    nominal = null;
    if (o.mu0 === undefined) caveats.push(caveat('cusum-trailing-mean', `in-control mean from the trailing ${o.window ?? 52} periods (gap ${o.gap ?? 4}); the first periods have little history`));
  } else if (detector.kind === 'window-scan') {
    const r = negativeBinomialWindowScan(series, detector.options ?? {});
    name = detectorLabel.windowScan(r.h);
    const first = r.statistic.findIndex((v) => !Number.isNaN(v));
    firstIndex = first === -1 ? n : first;
    alarm = r.alarm;
    expected = r.expected;
    threshold = r.upperbound;
    nominal = null;
  } else {
    throw new BaseeratError('VALIDATION', `detector kind is ${String((detector as { kind: unknown }).kind)}, expected ears, farrington, cusum or window-scan`, { field: 'detector.kind' });
  }
  const steps: StepEvaluation[] = new Array(n);
  let alarms = 0, suppressed = 0, undetermined = 0;
  for (let t = 0; t < n; t++) {
    const step = stepEvaluation(t, series[t]!, firstIndex, expected[t]!, threshold[t]!, alarm[t] === 1, minimumCount);
    const rule = step.explanation.rule;
    if (rule === 'undetermined') undetermined++;
    else if (rule === 'suppressed-minimum-count') suppressed++;
    else if (rule === 'alarm') alarms++;
    steps[t] = step;
  }
  if (suppressed > 0) caveats.push(caveat('minimum-count', `${suppressed} statistical alarms were below the minimum count of ${minimumCount} and did not page`, suppressed));
  return { detector: name, firstIndex, steps, alarms, suppressed, undetermined, nominalFalseAlarmRate: nominal, caveats };
}
