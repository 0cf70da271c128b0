/**
 * EARS C1, C2 and C3 (the CDC's Early Aberration Reporting System) over one count series, step for
 * step as R `surveillance::earsC` (version 1.20).
 *
 * Answers: "is this period's count higher than the last few periods would lead us to expect?" with no
 * seasonality and no long history needed (7 periods of baseline), which is why it suits new feeds
 * and short series.
 * - C1: baseline = the `baseline` periods just before t; upper bound = mean + z(1 - alpha) * max(sd, minSigma).
 * - C2: the same baseline lagged by 2 (t-baseline-2 .. t-3), so that a ramp-up does not enter its own baseline.
 * - C3: uses the C2 statistic C2(s) = (x_s - mean_s) / max(sd_s, minSigma) of the two previous
 *   periods; as in `surveillance`, upper bound(t) = max(0, x_t + max(sd_t, minSigma) * (z - (C2(t-2) - 1)^+ - (C2(t-1) - 1)^+)),
 *   so the alarm at t fires when the two previous C2 excesses together exceed z. (This is the
 *   `surveillance` reading of C3; the CDC's original adds C2(t) as well.)
 * Alarm at t: x_t > upper bound(t). Defaults: baseline 7, minSigma 0, alpha 0.001 (C1, C2) or 0.025 (C3).
 *
 * Units: counts per period (day, week or month) in, counts out. Complexity: O(n * baseline).
 * How to read: the upper bound is the largest count that would not have raised an alarm. With
 * minSigma = 0 and a constant baseline (for instance seven zero weeks in a quiet district) C1 and C2
 * alarm on any count above the constant and C3 is undefined (0 / 0): the upper bound is then NaN and
 * the step is reported as undetermined. Use minSigma 0.5 to 1 for sparse series.
 * False alarms: under a normal baseline about alpha per period (0.1% for C1/C2); on sparse, skewed
 * counts much more (see docs/methods/spike-detection.md for the rates measured on UCDP series).
 *
 * Reference: Hutwagner L. et al. (2003) "The bioterrorism preparedness and response Early Aberration
 * Reporting System (EARS)", J Urban Health 80(Suppl 1); Fricker R. et al. (2008) Stat Med 27;
 * R package surveillance, function earsC. Checked against earsC on UCDP Balochistan weekly and monthly
 * series (scripts/reference/monitor-surveillance.R, test/monitor/ears-c1-c2-c3.test.ts).
 */
import { BaseeratError, InsufficientDataError } from '../domain/errors.js';
import { normalQuantile } from '../stats/normal-distribution.js';

export type EarsMethod = 'C1' | 'C2' | 'C3';

export interface EarsOptions {
  method?: EarsMethod;
  /** Number of baseline periods, at least 3; default 7. */
  baseline?: number;
  /** Floor on the baseline standard deviation; default 0 as in surveillance. */
  minSigma?: number;
  /** One-sided level; default 0.001 for C1 and C2, 0.025 for C3. */
  alpha?: number;
}

export interface EarsResult {
  method: EarsMethod;
  baseline: number;
  minSigma: number;
  alpha: number;
  /** Index of the first evaluated period (baseline, baseline + 2 or baseline + 4). */
  firstIndex: number;
  /** Upper bound per period, length n; NaN before firstIndex and where undefined (0 / 0 in C3). */
  upperbound: Float64Array;
  /** Baseline mean per period (C1, C2: the mean of the reference window; C3: the C2 window at t); NaN before firstIndex. */
  expected: Float64Array;
  /** 1 when x_t > upperbound_t; 0 otherwise, including undetermined steps. */
  alarm: Uint8Array;
  /** Periods at or after firstIndex whose upper bound is undefined (NaN). */
  undetermined: number;
}

/** Mean and sample standard deviation of x[from .. from+len-1], two-pass as R's mean and sd. */
function windowMeanSd(x: ArrayLike<number>, from: number, len: number): [number, number] {
  let s = 0;
  for (let i = from; i < from + len; i++) s += x[i]!;
  const m = s / len;
  let ss = 0;
  for (let i = from; i < from + len; i++) {
    const d = x[i]! - m;
    ss += d * d;
  }
  return [m, Math.sqrt(ss / (len - 1))];
}

interface EarsSettings { method: EarsMethod; baseline: number; minSigma: number; alpha: number; maxLag: number; z: number }

/** Checked options and series (the same checks and errors for every period or the latest only). */
function earsSettings(series: ArrayLike<number>, options: EarsOptions): EarsSettings {
  const method = options.method ?? 'C1';
  const baseline = options.baseline ?? 7;
  const minSigma = options.minSigma ?? 0;
  const alpha = options.alpha ?? (method === 'C3' ? 0.025 : 0.001);
  if (method !== 'C1' && method !== 'C2' && method !== 'C3') throw new BaseeratError('VALIDATION', `method is ${String(method)}, expected C1, C2 or C3`, { field: 'method' });
  if (!Number.isInteger(baseline) || baseline < 3) throw new BaseeratError('VALIDATION', `baseline is ${baseline}, expected an integer >= 3`, { field: 'baseline' });
  if (!(minSigma >= 0)) throw new BaseeratError('VALIDATION', `minSigma is ${minSigma}, expected >= 0`, { field: 'minSigma' });
  if (!(alpha > 0 && alpha < 1)) throw new BaseeratError('VALIDATION', `alpha is ${alpha}, expected 0 < alpha < 1`, { field: 'alpha' });
  const n = series.length;
  for (let i = 0; i < n; i++) {
    const v = series[i]!;
    if (!Number.isFinite(v)) throw new BaseeratError('VALIDATION', `series[${i}] is ${v}, expected a finite count`, { field: 'series' });
  }
  const maxLag = method === 'C1' ? baseline : method === 'C2' ? baseline + 2 : baseline + 4;
  if (n <= maxLag) throw new InsufficientDataError(`EARS ${method} with baseline ${baseline} needs more than ${maxLag} periods, got ${n}`, { n, maxLag });
  return { method, baseline, minSigma, alpha, maxLag, z: normalQuantile(1 - alpha) };
}

/** C1 or C2 at t: [upper bound, baseline mean]. */
function c1c2At(series: ArrayLike<number>, t: number, s: EarsSettings): [number, number] {
  const lag = s.method === 'C1' ? 1 : 3;
  const [m, sd] = windowMeanSd(series, t - lag - s.baseline + 1, s.baseline);
  return [m + s.z * Math.max(sd, s.minSigma), m];
}

/** The C2 window at t (lag 3): [baseline mean, max(sd, minSigma), C2 statistic]. */
function c2At(series: ArrayLike<number>, t: number, s: EarsSettings): [number, number, number] {
  const [m, sd] = windowMeanSd(series, t - 3 - s.baseline + 1, s.baseline);
  const sigma = Math.max(sd, s.minSigma);
  return [m, sigma, (series[t]! - m) / sigma];
}

/** C3's upper bound at t from the C2 statistics at t - 2 and t - 1 and the C2 sigma at t. */
function c3Bound(x: number, sigma: number, c2Before2: number, c2Before1: number, z: number): number {
  const excess = Math.max(0, c2Before2 - 1) + Math.max(0, c2Before1 - 1);
  return Math.max(0, x + sigma * (z - excess));
}

/** EARS C1/C2/C3 over a count series (one value per period, oldest first). */
export function earsC(series: ArrayLike<number>, options: EarsOptions = {}): EarsResult {
  const s = earsSettings(series, options);
  const { method, baseline, minSigma, alpha, maxLag } = s;
  const n = series.length;
  const upperbound = new Float64Array(n).fill(NaN);
  const expected = new Float64Array(n).fill(NaN);
  const alarm = new Uint8Array(n);
  if (method !== 'C3') {
    for (let t = maxLag; t < n; t++) [upperbound[t], expected[t]] = c1c2At(series, t, s);
  } else {
    // C2 statistic at every t from maxLag - 2; its window sd at t is reused for the bound.
    const c2 = new Float64Array(n).fill(NaN);
    const sigma = new Float64Array(n).fill(NaN);
    for (let t = maxLag - 2; t < n; t++) [expected[t], sigma[t], c2[t]] = c2At(series, t, s);
    for (let t = 0; t < maxLag; t++) expected[t] = NaN;
    for (let t = maxLag; t < n; t++) upperbound[t] = c3Bound(series[t]!, sigma[t]!, c2[t - 2]!, c2[t - 1]!, s.z);
  }
  let undetermined = 0;
  for (let t = maxLag; t < n; t++) {
    const u = upperbound[t]!;
    if (Number.isNaN(u)) undetermined++;
    else if (series[t]! > u) alarm[t] = 1;
  }
  return { method, baseline, minSigma, alpha, firstIndex: maxLag, upperbound, expected, alarm, undetermined };
}

export interface EarsLatestPeriod {
  method: EarsMethod;
  alpha: number;
  firstIndex: number;
  /** `earsC(series, options)` at its last period: upperbound, expected and alarm (1 or 0). */
  upperbound: number;
  expected: number;
  alarm: number;
}

/**
 * `earsC` at the last period only (the same checks, errors and arithmetic): O(baseline) instead of
 * O(n baseline), no arrays. For a live rule that needs only the period an event falls in.
 */
export function earsCLatestPeriod(series: ArrayLike<number>, options: EarsOptions = {}): EarsLatestPeriod {
  const s = earsSettings(series, options);
  const t = series.length - 1;
  let upperbound: number, expected: number;
  if (s.method !== 'C3') [upperbound, expected] = c1c2At(series, t, s);
  else {
    const [, , before2] = c2At(series, t - 2, s);
    const [, , before1] = c2At(series, t - 1, s);
    const [m, sigma] = c2At(series, t, s);
    expected = m;
    upperbound = c3Bound(series[t]!, sigma, before2, before1, s.z);
  }
  const alarm = !Number.isNaN(upperbound) && series[t]! > upperbound ? 1 : 0;
  return { method: s.method, alpha: s.alpha, firstIndex: s.maxLag, upperbound, expected, alarm };
}
