/**
 * `evaluateLatestPeriod(series, detector, options)`: the last step of `evaluateSeries` (the same
 * alarm, detector alarm, expected count, threshold and explanation, the same errors), computed for
 * that period alone.
 *
 * Answers the live rule's question, "does the period this event falls in alarm?", without building
 * every period's step: a spike rule evaluated for every arriving event used to run the detector over
 * its whole lookback and keep only the last step (about 26 KB allocated per event for 60 weeks).
 * Per detector:
 * - EARS C1/C2: one baseline window; C3: the C2 windows of the last three periods.
 * - Farrington flexible: one period's GLM fits (each period depends on the series alone).
 * - Poisson CUSUM: stateful, so the sum is carried through every period (with the default trailing
 *   mean computed per period, not stored), without arrays.
 * - Negative-binomial window scan: the last period's baseline, and as many earlier ones as needed
 *   to know whether an alarm within maxWindow - 1 periods restarts the scan (see
 *   `negativeBinomialWindowScanLatestPeriod`); the whole scan when alarmed windows are censored or
 *   exclusion is gated.
 * Complexity: EARS O(n + baseline); Farrington one period's fits; CUSUM O(n window) with the trailing
 * mean (O(n) with a given mu0); window scan O(n + L) on a quiet series. Equality with `evaluateSeries`'
 * last step is a property test over random series and options (test/monitor/evaluate-latest-period.test.ts).
 * `step` is undefined only for an empty series that the detector accepts (CUSUM, window scan).
 * Pure: no clock, no IO.
 */
import { BaseeratError } from '../domain/errors.js';
import { earsCLatestPeriod } from './ears-c1-c2-c3.js';
import { farringtonFlexibleLatestPeriod } from './farrington-flexible.js';
import { checkTrailingMean, poissonCusumLatestPeriod, trailingMeanAt } from './cusum.js';
import { negativeBinomialWindowScanLatestPeriod } from './negative-binomial-window-scan.js';
import { checkedMinimumCount, detectorLabel, stepEvaluation, type Detector, type EvaluateSeriesOptions, type StepEvaluation } from './evaluate-series.js';

export interface LatestPeriodEvaluation {
  /** As `SeriesEvaluation.detector`. */
  detector: string;
  firstIndex: number;
  /** `evaluateSeries(...).steps[n - 1]`. */
  step: StepEvaluation | undefined;
}

function lastStep(series: ArrayLike<number>, minimumCount: number, firstIndex: number, expected: number, threshold: number, alarm: boolean): StepEvaluation | undefined {
  const t = series.length - 1;
  return t < 0 ? undefined : stepEvaluation(t, series[t]!, firstIndex, expected, threshold, alarm, minimumCount);
}

/** Period t's trailing mean (the CUSUM's default in-control mean), as a function for `poissonCusumLatestPeriod`. */
function trailingMeanOf(series: ArrayLike<number>, window: number, gap: number, minimumMean: number): (t: number) => number {
  return (t) => trailingMeanAt(series, t, window, gap, minimumMean);
}

export function evaluateLatestPeriod(series: ArrayLike<number>, detector: Detector, options: EvaluateSeriesOptions = {}): LatestPeriodEvaluation {
  const minimumCount = checkedMinimumCount(options);
  const t = series.length - 1;
  if (detector.kind === 'ears') {
    const r = earsCLatestPeriod(series, detector.options ?? {});
    return { detector: detectorLabel.ears(r.method), firstIndex: r.firstIndex, step: lastStep(series, minimumCount, r.firstIndex, r.expected, r.upperbound, r.alarm === 1) };
  }
  if (detector.kind === 'farrington') {
    const { firstIndex, period: p } = farringtonFlexibleLatestPeriod(series, detector.options ?? {});
    return { detector: detectorLabel.farrington(detector.options), firstIndex, step: lastStep(series, minimumCount, firstIndex, p?.expected ?? NaN, p?.upperbound ?? NaN, p?.alarm ?? false) };
  }
  if (detector.kind === 'cusum') {
    const { window = 52, gap = 4, minimumMean = 0.05, mu0: given, ...rest } = detector.options ?? {};
    if (given === undefined) checkTrailingMean(window, gap, minimumMean);
    const mu0 = given ?? trailingMeanOf(series, window, gap, minimumMean);
    const r = poissonCusumLatestPeriod(series, { ...rest, mu0 });
    const expected = t < 0 ? NaN : typeof mu0 === 'number' ? mu0 : typeof mu0 === 'function' ? mu0(t) : mu0[t]!;
    return { detector: detectorLabel.cusum(r?.h ?? rest.h ?? 5), firstIndex: 0, step: r === undefined ? undefined : lastStep(series, minimumCount, 0, expected, r.upperbound, r.alarm) };
  }
  if (detector.kind === 'window-scan') {
    const r = negativeBinomialWindowScanLatestPeriod(series, detector.options ?? {});
    return { detector: detectorLabel.windowScan(detector.options?.h ?? 4.6), firstIndex: r?.firstIndex ?? 0, step: r === undefined ? undefined : lastStep(series, minimumCount, r.firstIndex, r.expected, r.upperbound, r.alarm === 1) };
  }
  throw new BaseeratError('VALIDATION', `detector kind is ${String((detector as { kind: unknown }).kind)}, expected ears, farrington, cusum or window-scan`, { field: 'detector.kind' });
}
