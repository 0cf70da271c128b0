/**
 * Negative-binomial window scan: a prospective likelihood-ratio scan over the windows of 1..W periods
 * that end at the current period, against an outbreak-resistant baseline fitted only on earlier data.
 *
 * Answers: "do the last one, two or three weeks together hold more events than this district's
 * recent history makes plausible?" A single-week test (EARS, Farrington) misses an outbreak spread
 * over a few weeks whose weeks are each unremarkable; a CUSUM finds it but needs a guessed shift size
 * and reacts slowly. The scan takes, per period t, the window ending at t whose total is least
 * plausible, as Kulldorff's prospective space-time scan does in time (here with one area at a time).
 *
 * Baseline (per period t, from the `baselineWeeks` periods before t - W + 1, so no window period is in
 * its own baseline). Defaults since issue #6's robustness change: 52 periods weighted 0.5^(age / 6)
 * (step 5b) and a prior worth 8 periods, so the expected count is about half a recent level that
 * forgets a past outbreak within months and half the series' long-run level; before it, a flat 26-week
 * baseline with a prior worth 4, and before issue #6 a flat 52 (see docs/methods/spike-detection.md):
 *   1. mu = (sum y_j + k p) / (n + k): the mean of the baseline counts, shrunk toward a prior mean p
 *      with the weight of k periods (a gamma prior; p is `priorMean[t]` when given, e.g. a province
 *      rate times the district's share, otherwise the series' own mean over all earlier periods);
 *   2. dispersion phi = max(1, Pearson chi-square / (n - 1));
 *   3. outbreak resistance as in Farrington et al. (1996) and Noufaily et al. (2013): baseline periods
 *      whose Anscombe residual 3/2 (y^(2/3) - mu^(2/3)) / (mu^(1/6) sqrt(phi)) exceeds c (2.58) get the
 *      weight (c / r)^2, and mu and phi are refitted once with these weights;
 *   4. mu is floored at `minimumExpected` (0.05) so that a quiet district stays testable;
 *   5. optionally (`censorAlarmedWindows`), the periods of every alarmed window and the W - 1 periods
 *      after the alarm get weight 0 in all later baselines (off by default: it lowered detection at
 *      matched false-alarm rates in the benchmark).
 *   5b. `halfLifeWeeks` (default 6; Infinity for equal weights): baseline period j (age a = t - W - j, 0 for the period just before
 *      the window) gets weight 0.5^(a / halfLifeWeeks) in steps 1-3 (an exponentially weighted baseline;
 *      the down-weighting multiplies these weights);
 *   6. optionally (`excludeOutbreakThreshold`, off by default), the most outbreak-like window of 1..W
 *      baseline periods is left out of this baseline when its log-likelihood ratio against the fit of
 *      the other baseline periods reaches the threshold (up to `maxExcludedWindows` windows; only windows
 *      at least `excludeMinimumExcess` events above their expected total; only where the plain scan at
 *      `exclusionGate.h` alarmed `exclusionGate.alarms` times in the `exclusionGate.weeks` periods before
 *      the window). Tried for issue #6 (outbreaks that recur within months) and not adopted: see
 *      docs/benchmarks.md "a scan robust to how often outbreaks recur".
 * Counts per period are then negative binomial with mean mu and variance phi mu (size r = mu / (phi - 1);
 * Poisson when phi = 1), and the total of w periods is NB(w mu, w r), the distribution of a sum of w
 * independent such periods.
 *
 * Statistic: for window total Y and its expected total E = w mu with size R = w r, the generalised
 * log-likelihood ratio of "the mean is kappa E, kappa >= 1" against "the mean is E" (the MLE is
 * kappa E = Y):
 *   LLR = Y ln(Y / E) - (Y + R) ln((Y + R) / (E + R))   when Y > E, else 0
 *   (Poisson limit R -> infinity: Y ln(Y / E) - (Y - E)),
 * maximised over w = 1..W. An alarm is raised when the maximum reaches h. After an alarm the scan
 * restarts: later windows may not reach back to the alarmed period or before it (the reset of Höhle
 * and Paul's glrnb), so one surge pages once rather than once per window that contains it.
 *
 * Units: counts per period; the statistic and h are natural-log likelihood ratios (h = 4.6 is a
 * likelihood ratio of 100). Complexity: O(n (L + W log ymax)) for n periods and baseline length L.
 * False alarms: h sets them, but counts are sparse and clustered, so the rate must be measured on
 * real series; bench/detection/detection.bench.ts gives the curve of detection against false alarms
 * (docs/benchmarks.md "Detection").
 * How to read: `upperbound[t]` is the largest integer count at t that would not alarm given the
 * earlier counts of the windows; `windowWeeks[t]` is the length of the window that gave the maximum.
 *
 * References: Kulldorff M. (2001) "Prospective time periodic geographical disease surveillance using a
 * scan statistic", JRSS A 164(1):61-72; Höhle M. and Paul M. (2008) "Count data regression charts for
 * the monitoring of surveillance time series", CSDA 52(9):4357-4368 (the NB GLR and its reset);
 * Farrington C.P. et al. (1996) JRSS A 159(3):547-563 and Noufaily A. et al. (2013) Stat Med
 * 32(7):1206-1222 (Anscombe-residual down-weighting, threshold 2.58). Checked against an independent
 * implementation with scipy's negative binomial (scripts/reference/monitor-window-scan.py).
 */
import { BaseeratError } from '../domain/errors.js';

export interface NegativeBinomialWindowScanOptions {
  /** Longest window in periods (windows of 1..maxWindow periods ending at t); default 3. */
  maxWindow?: number;
  /** Baseline length in periods, before the longest window; default 52, weighted by age (`halfLifeWeeks`); a flat 26 between issue #6's two changes, a flat 52 before. */
  baselineWeeks?: number;
  /** Fewest baseline periods needed to test a period (earlier periods get NaN and no alarm); default 8. */
  minimumBaselineWeeks?: number;
  /** Alarm threshold on the log-likelihood ratio; default 4.6 (a likelihood ratio of about 100). */
  h?: number;
  /** Anscombe-residual threshold above which a baseline period is down-weighted; default 2.58. Infinity disables. */
  downweightThreshold?: number;
  /** Prior mean per period (one number or one per period); default: the series' mean before the baseline. */
  priorMean?: number | ArrayLike<number>;
  /** Weight of the prior, in periods; default 8 (4 before issue #6's robustness change). 0 disables the prior. */
  priorWeeks?: number;
  /** Floor of the expected count per period; default 0.05. */
  minimumExpected?: number;
  /** Restart the scan after an alarm (windows do not reach back to an alarmed period); default true. */
  restartAfterAlarm?: boolean;
  /** Leave the periods of an alarmed window, and the maxWindow - 1 periods after the alarm, out of later baselines; default false. */
  censorAlarmedWindows?: boolean;
  /**
   * Leave out of each baseline its most outbreak-like window of 1..maxWindow periods when that window's
   * log-likelihood ratio against the rest of the baseline (fitted without it) reaches this value; repeated
   * up to `maxExcludedWindows` times per baseline. Default Infinity (off).
   */
  excludeOutbreakThreshold?: number;
  /** Most windows left out of one baseline by `excludeOutbreakThreshold`; default 1. */
  maxExcludedWindows?: number;
  /** A window is left out only if its total exceeds its expected total (under the rest) by at least this many events; default 0. */
  excludeMinimumExcess?: number;
  /**
   * Exclude (above) only at periods with at least `alarms` alarms of the plain scan at threshold `h`
   * (without exclusion) in the `weeks` periods before the window; default: always.
   */
  exclusionGate?: { h: number; weeks: number; alarms: number };
  /** Baseline period weights halve every `halfLifeWeeks` periods of age (an exponentially weighted baseline); default 6 since issue #6's robustness change; Infinity gives equal weights (the scan before it). */
  halfLifeWeeks?: number;
}

export interface NegativeBinomialWindowScanResult {
  /** Expected count per period (the baseline mean mu); NaN where untested. */
  expected: Float64Array;
  /** Dispersion phi (variance / mean) of the baseline, >= 1; NaN where untested. */
  dispersion: Float64Array;
  /** Largest log-likelihood ratio over the windows ending at t; NaN where untested. */
  statistic: Float64Array;
  /** Length of the window that gave the statistic (0 where untested or no window exceeds its expectation). */
  windowWeeks: Uint8Array;
  /** Observed and expected total of that window. */
  windowCount: Float64Array;
  windowExpected: Float64Array;
  /** Largest integer count at t that would not alarm (given the window's earlier counts); NaN where untested. */
  upperbound: Float64Array;
  alarm: Uint8Array;
  h: number;
}

/**
 * Generalised log-likelihood ratio of a negative binomial total Y with mean kappa * E (kappa >= 1, MLE)
 * against mean E, size R (R = Infinity gives the Poisson ratio). Zero when Y <= E.
 */
export function negativeBinomialExcessLogLikelihoodRatio(count: number, expected: number, size: number): number {
  if (!(expected > 0) || !Number.isFinite(expected)) throw new BaseeratError('VALIDATION', `expected is ${expected}, expected a finite mean > 0`, { field: 'expected' });
  if (!(size > 0)) throw new BaseeratError('VALIDATION', `size is ${size}, expected > 0 (Infinity for Poisson)`, { field: 'size' });
  if (!(count > expected)) return 0;
  const poissonPart = count * Math.log(count / expected);
  if (size === Infinity) return poissonPart - (count - expected);
  return poissonPart - (count + size) * Math.log((count + size) / (expected + size));
}

interface Baseline { mu: number; phi: number }

/** Weighted fit of step 1-2 above; weights may be undefined (all 1). */
function fitBaseline(y: ArrayLike<number>, from: number, to: number, weights: Float64Array | undefined, prior: number, priorWeeks: number): Baseline {
  let sw = 0, swy = 0;
  for (let j = from; j < to; j++) {
    const w = weights ? weights[j - from]! : 1;
    sw += w;
    swy += w * y[j]!;
  }
  const mu = sw + priorWeeks > 0 ? (swy + priorWeeks * prior) / (sw + priorWeeks) : 0;
  let chi = 0;
  if (mu > 0) {
    for (let j = from; j < to; j++) {
      const w = weights ? weights[j - from]! : 1;
      const d = y[j]! - mu;
      chi += (w * d * d) / mu;
    }
  }
  const phi = sw > 1 && mu > 0 ? Math.max(1, chi / (sw - 1)) : 1;
  return { mu, phi };
}

/**
 * Step 5 above (`excludeOutbreakThreshold`): sets to 0 the mask of the window of 1..maxWindow included
 * periods of [from, to) whose total is least plausible under the fit of the other included periods, if
 * its log-likelihood ratio reaches `threshold`; up to `times` windows, each against the rest left after
 * the previous ones. At least `minimumWeeks` periods stay included.
 */
function excludeOutbreakWindows(
  y: ArrayLike<number>, from: number, to: number, mask: Float64Array, prior: number, priorWeeks: number,
  maxWindow: number, threshold: number, times: number, minimumExcess: number, minimumWeeks: number, minimumExpected: number,
): void {
  for (let e = 0; e < times; e++) {
    let n = 0, s1 = 0, s2 = 0;
    for (let j = from; j < to; j++) {
      if (mask[j - from]! === 0) continue;
      const v = y[j]!;
      n++; s1 += v; s2 += v * v;
    }
    let best = 0, bestFrom = -1, bestW = 0;
    for (let a = from; a < to; a++) {
      let bY = 0, bY2 = 0;
      for (let w = 1; w <= maxWindow && a + w <= to; w++) {
        const j = a + w - 1;
        if (mask[j - from]! === 0) break;
        const v = y[j]!;
        bY += v; bY2 += v * v;
        const rest = n - w;
        if (rest < minimumWeeks) break;
        const r1 = s1 - bY, r2 = s2 - bY2;
        const mu = (r1 + priorWeeks * prior) / (rest + priorWeeks);
        let phi = 1;
        if (mu > 0 && rest > 1) phi = Math.max(1, (r2 - 2 * mu * r1 + rest * mu * mu) / mu / (rest - 1));
        const m = Math.max(minimumExpected, mu);
        const size = phi > 1 ? m / (phi - 1) : Infinity;
        if (bY - w * m < minimumExcess) continue;
        const llr = negativeBinomialExcessLogLikelihoodRatio(bY, w * m, w * size);
        if (llr > best) { best = llr; bestFrom = a; bestW = w; }
      }
    }
    if (best < threshold || bestFrom < 0) return;
    for (let j = bestFrom; j < bestFrom + bestW; j++) mask[j - from] = 0;
  }
}

function valueAt(v: number | ArrayLike<number>, t: number): number {
  return typeof v === 'number' ? v : v[t]!;
}

/** Checked options, the series' prefix sums and the buffers the periods share. */
interface ScanContext {
  series: ArrayLike<number>;
  maxWindow: number; baselineWeeks: number; minimumBaselineWeeks: number; h: number; c: number;
  priorWeeks: number; minimumExpected: number; restart: boolean; censorAlarms: boolean;
  excluding: boolean; excludeThreshold: number; maxExcluded: number; minimumExcess: number;
  priorOption: number | ArrayLike<number> | undefined;
  cumulative: Float64Array;
  /** Step 5b's weight by age (0 for the period just before the window), computed once, not per period and test. */
  decay: Float64Array | undefined;
  gate: { h: number; weeks: number; alarms: number } | undefined;
  weights: Float64Array;
}

/**
 * Step 5b's weights 0.5^(a / halfLife) for ages 0 .. length - 1, kept per (length, half-life): a
 * live rule asks for the same few tables at every event, and Math.pow of a fractional exponent is
 * slow. Read-only: callers never write to them.
 */
const decayTables = new Map<string, Float64Array>();
function decayWeights(length: number, halfLife: number): Float64Array {
  const key = `${length}|${halfLife}`;
  let d = decayTables.get(key);
  if (d === undefined) {
    d = new Float64Array(length);
    for (let a = 0; a < length; a++) d[a] = Math.pow(0.5, a / halfLife);
    if (decayTables.size >= 64) decayTables.clear();
    decayTables.set(key, d);
  }
  return d;
}

function integer(name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) throw new BaseeratError('VALIDATION', `${name} is ${v}, expected an integer >= ${min}`, { field: name });
}

function scanContext(series: ArrayLike<number>, options: NegativeBinomialWindowScanOptions): ScanContext {
  const n = series.length;
  const maxWindow = options.maxWindow ?? 3;
  const baselineWeeks = options.baselineWeeks ?? 52;
  const minimumBaselineWeeks = options.minimumBaselineWeeks ?? 8;
  const h = options.h ?? 4.6;
  const c = options.downweightThreshold ?? 2.58;
  const priorWeeks = options.priorWeeks ?? 8;
  const minimumExpected = options.minimumExpected ?? 0.05;
  const restart = options.restartAfterAlarm ?? true;
  const censorAlarms = options.censorAlarmedWindows ?? false;
  const excludeThreshold = options.excludeOutbreakThreshold ?? Infinity;
  const maxExcluded = options.maxExcludedWindows ?? 1;
  const minimumExcess = options.excludeMinimumExcess ?? 0;
  integer('maxWindow', maxWindow, 1);
  if (maxWindow > 255) throw new BaseeratError('VALIDATION', `maxWindow is ${maxWindow}, expected at most 255`, { field: 'maxWindow' });
  integer('baselineWeeks', baselineWeeks, 2);
  integer('minimumBaselineWeeks', minimumBaselineWeeks, 2);
  if (minimumBaselineWeeks > baselineWeeks) throw new BaseeratError('VALIDATION', `minimumBaselineWeeks is ${minimumBaselineWeeks}, expected <= baselineWeeks ${baselineWeeks}`, { field: 'minimumBaselineWeeks' });
  if (!(h > 0) || !Number.isFinite(h)) throw new BaseeratError('VALIDATION', `h is ${h}, expected a finite number > 0`, { field: 'h' });
  if (!(c > 0)) throw new BaseeratError('VALIDATION', `downweightThreshold is ${c}, expected > 0`, { field: 'downweightThreshold' });
  if (!(priorWeeks >= 0) || !Number.isFinite(priorWeeks)) throw new BaseeratError('VALIDATION', `priorWeeks is ${priorWeeks}, expected a finite number >= 0`, { field: 'priorWeeks' });
  if (!(excludeThreshold > 0)) throw new BaseeratError('VALIDATION', `excludeOutbreakThreshold is ${excludeThreshold}, expected > 0`, { field: 'excludeOutbreakThreshold' });
  integer('maxExcludedWindows', maxExcluded, 0);
  if (!(minimumExcess >= 0) || !Number.isFinite(minimumExcess)) throw new BaseeratError('VALIDATION', `excludeMinimumExcess is ${minimumExcess}, expected a finite number >= 0`, { field: 'excludeMinimumExcess' });
  if (!(minimumExpected > 0)) throw new BaseeratError('VALIDATION', `minimumExpected is ${minimumExpected}, expected > 0`, { field: 'minimumExpected' });
  const priorOption = options.priorMean;
  if (priorOption !== undefined && typeof priorOption !== 'number' && priorOption.length !== n) {
    throw new BaseeratError('VALIDATION', `priorMean has length ${priorOption.length}, expected ${n}`, { field: 'priorMean' });
  }
  const cumulative = new Float64Array(n + 1);
  for (let t = 0; t < n; t++) {
    const x = series[t]!;
    if (!(x >= 0) || !Number.isFinite(x)) throw new BaseeratError('VALIDATION', `series[${t}] is ${x}, expected a finite count >= 0`, { field: 'series' });
    cumulative[t + 1] = cumulative[t]! + x;
  }
  const excluding = excludeThreshold !== Infinity && maxExcluded > 0;
  const halfLife = options.halfLifeWeeks ?? 6;
  if (!(halfLife > 0)) throw new BaseeratError('VALIDATION', `halfLifeWeeks is ${halfLife}, expected > 0`, { field: 'halfLifeWeeks' });
  const decay = halfLife !== Infinity ? decayWeights(baselineWeeks, halfLife) : undefined;
  const gate = options.exclusionGate;
  if (gate && (!(gate.h > 0) || !Number.isFinite(gate.h) || !Number.isInteger(gate.weeks) || gate.weeks < 1 || !Number.isInteger(gate.alarms) || gate.alarms < 0)) {
    throw new BaseeratError('VALIDATION', `exclusionGate is ${JSON.stringify(gate)}, expected h > 0, integer weeks >= 1 and alarms >= 0`, { field: 'exclusionGate' });
  }
  return {
    series, maxWindow, baselineWeeks, minimumBaselineWeeks, h, c, priorWeeks, minimumExpected, restart, censorAlarms,
    excluding, excludeThreshold, maxExcluded, minimumExcess, priorOption, cumulative, decay, gate, weights: new Float64Array(baselineWeeks),
  };
}

/** The baseline of period t: [from, to), or undefined when t has too little history to be tested (always a prefix of the periods). */
function baselineRange(x: ScanContext, t: number): [number, number] | undefined {
  const to = t - x.maxWindow + 1; // exclusive end of the baseline
  const from = Math.max(0, to - x.baselineWeeks);
  return to - from < x.minimumBaselineWeeks ? undefined : [from, to];
}

/** The prior mean and its weight at period t (steps 1), checked. */
function priorAt(x: ScanContext, t: number, from: number): [number, number] {
  let prior = 0;
  let k = x.priorWeeks;
  if (x.priorOption !== undefined) prior = valueAt(x.priorOption, t);
  else if (from > 0) prior = x.cumulative[from]! / from;
  else k = 0;
  if (!(prior >= 0) || !Number.isFinite(prior)) throw new BaseeratError('VALIDATION', `priorMean[${t}] is ${prior}, expected a finite mean >= 0`, { field: 'priorMean' });
  return [prior, k];
}

/**
 * Steps 1-6 for the tested period t: the expected count mu (floored) and the dispersion phi.
 * `censored` marks periods left out of every baseline (step 5; undefined when none is); `gateOpen`
 * whether step 6 may run.
 */
function baselineAt(x: ScanContext, t: number, from: number, to: number, censored: Uint8Array | undefined, gateOpen: boolean): Baseline {
  const { series, weights } = x;
  const [prior, k] = priorAt(x, t, from);
  let base: Float64Array | undefined;
  if (censored || x.excluding || x.decay) {
    base = new Float64Array(to - from);
    for (let j = from; j < to; j++) base[j - from] = censored?.[j] ? 0 : 1;
  }
  if (x.excluding && base && gateOpen) excludeOutbreakWindows(series, from, to, base, prior, k, x.maxWindow, x.excludeThreshold, x.maxExcluded, x.minimumExcess, x.minimumBaselineWeeks, x.minimumExpected);
  if (x.decay && base) for (let j = from; j < to; j++) base[j - from] = base[j - from]! * x.decay[to - 1 - j]!;
  let fit = fitBaseline(series, from, to, base, prior, k);
  if (x.c !== Infinity && fit.mu > 0) {
    const mu23 = Math.cbrt(fit.mu * fit.mu);
    const scale = Math.pow(fit.mu, 1 / 6) * Math.sqrt(fit.phi);
    let any = false;
    for (let j = from; j < to; j++) {
      const r = (1.5 * (Math.cbrt(series[j]! * series[j]!) - mu23)) / scale;
      const w = r > x.c ? (x.c / r) * (x.c / r) : 1;
      if (w < 1) any = true;
      weights[j - from] = w * (base ? base[j - from]! : 1);
    }
    if (any) fit = fitBaseline(series, from, to, weights.subarray(0, to - from), prior, k);
  }
  return { mu: Math.max(x.minimumExpected, fit.mu), phi: fit.phi };
}

interface WindowsResult { best: number; bestW: number; bestY: number; bestE: number; bound: number }

/** The statistic over the windows of 1..longest periods ending at t; with `withBound`, the upper bound too (else NaN). */
function windowsAt(x: ScanContext, t: number, { mu, phi }: Baseline, longest: number, withBound: boolean): WindowsResult {
  const size = phi > 1 ? mu / (phi - 1) : Infinity;
  let best = 0, bestW = 0, bestY = 0, bestE = 0;
  let bound = Infinity;
  for (let w = 1; w <= longest && t - w + 1 >= 0; w++) {
    const total = x.cumulative[t + 1]! - x.cumulative[t - w + 1]!;
    const e = w * mu, sz = w * size;
    const llr = negativeBinomialExcessLogLikelihoodRatio(total, e, sz);
    if (llr > best) { best = llr; bestW = w; bestY = total; bestE = e; }
    if (!withBound) continue;
    // Largest window total with LLR < h (the LLR increases in the total above e), minus the earlier weeks.
    let lo = Math.floor(e), hi = Math.max(lo + 1, Math.ceil(2 * e) + 1);
    while (negativeBinomialExcessLogLikelihoodRatio(hi, e, sz) < x.h) { lo = hi; hi *= 2; }
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (negativeBinomialExcessLogLikelihoodRatio(mid, e, sz) < x.h) lo = mid; else hi = mid;
    }
    bound = Math.min(bound, lo - (total - x.series[t]!));
  }
  return { best, bestW, bestY, bestE, bound: withBound ? Math.max(-1, bound) : NaN };
}

export function negativeBinomialWindowScan(series: ArrayLike<number>, options: NegativeBinomialWindowScanOptions = {}): NegativeBinomialWindowScanResult {
  const x = scanContext(series, options);
  const n = series.length;
  const { gate, h } = x;
  let gateCount: Int32Array | undefined; // prefix counts of the gate's alarms
  if (x.excluding && gate) {
    const { exclusionGate: _g, ...plain } = options;
    const g = negativeBinomialWindowScan(series, { ...plain, h: gate.h, excludeOutbreakThreshold: Infinity });
    gateCount = new Int32Array(n + 1);
    for (let t = 0; t < n; t++) gateCount[t + 1] = gateCount[t]! + g.alarm[t]!;
  }

  const expected = new Float64Array(n).fill(NaN);
  const dispersion = new Float64Array(n).fill(NaN);
  const statistic = new Float64Array(n).fill(NaN);
  const windowWeeks = new Uint8Array(n);
  const windowCount = new Float64Array(n);
  const windowExpected = new Float64Array(n);
  const upperbound = new Float64Array(n).fill(NaN);
  const alarm = new Uint8Array(n);
  // 1 for periods left out of every later baseline (alarmed windows and the periods just after them).
  const censored = new Uint8Array(n);
  let anyCensored = false;
  let lastAlarm = -1;

  for (let t = 0; t < n; t++) {
    const range = baselineRange(x, t);
    if (range === undefined) continue;
    const [from, to] = range;
    const gateOpen = !gateCount || !gate || gateCount[to]! - gateCount[Math.max(0, to - gate.weeks)]! >= gate.alarms;
    const fit = baselineAt(x, t, from, to, anyCensored ? censored : undefined, gateOpen);
    expected[t] = fit.mu;
    dispersion[t] = fit.phi;
    const longest = x.restart ? Math.min(x.maxWindow, t - lastAlarm) : x.maxWindow;
    const r = windowsAt(x, t, fit, longest, true);
    statistic[t] = r.best;
    windowWeeks[t] = r.bestW;
    windowCount[t] = r.bestY;
    windowExpected[t] = r.bestE;
    upperbound[t] = r.bound;
    if (r.best >= h) {
      alarm[t] = 1;
      lastAlarm = t;
      if (x.censorAlarms) {
        for (let j = Math.max(0, t - r.bestW + 1); j < Math.min(n, t + x.maxWindow); j++) censored[j] = 1;
        anyCensored = true;
      }
    }
  }
  return { expected, dispersion, statistic, windowWeeks, windowCount, windowExpected, upperbound, alarm, h };
}

/** Period s's baseline (tested, without censoring), computed once per `fits`. */
function fitOf(x: ScanContext, fits: Map<number, Baseline>, s: number): Baseline {
  let fit = fits.get(s);
  if (fit === undefined) {
    const [from, to] = baselineRange(x, s)!;
    fit = baselineAt(x, s, from, to, undefined, true);
    fits.set(s, fit);
  }
  return fit;
}

export interface WindowScanLatestPeriod {
  /** First tested period (n when none is). */
  firstIndex: number;
  /** The scan's expected, upperbound and alarm at the last period; NaN and 0 where it is not tested. */
  expected: number;
  upperbound: number;
  alarm: number;
  h: number;
}

/**
 * `negativeBinomialWindowScan` at the last period only, with the same result. A period's baseline
 * depends on the series alone (unless alarmed windows are censored, or exclusion is gated by
 * another scan: then the whole scan runs); the scan's only other state is the restart after an
 * alarm, which reaches back maxWindow - 1 periods. A period whose unrestricted statistic (all
 * windows) is below h cannot alarm whatever came before it, so walking back from the last period to
 * the first maxWindow - 1 such periods in a row (or to the start) finds a point before which no
 * alarm can reach: the scan runs forward from there. On a quiet series that is maxWindow periods
 * instead of n, and no upper bound but the last.
 */
export function negativeBinomialWindowScanLatestPeriod(series: ArrayLike<number>, options: NegativeBinomialWindowScanOptions = {}): WindowScanLatestPeriod | undefined {
  const x = scanContext(series, options);
  const n = series.length;
  if (n === 0) return undefined;
  const firstIndex = Math.min(n, x.minimumBaselineWeeks + x.maxWindow - 1);
  if (x.censorAlarms || (x.excluding && x.gate)) {
    const r = negativeBinomialWindowScan(series, options);
    return { firstIndex, expected: r.expected[n - 1]!, upperbound: r.upperbound[n - 1]!, alarm: r.alarm[n - 1]!, h: x.h };
  }
  // the full scan checks the prior of every tested period: so does this
  for (let t = firstIndex; t < n; t++) priorAt(x, t, baselineRange(x, t)![0]);
  const t = n - 1;
  if (t < firstIndex) return { firstIndex, expected: NaN, upperbound: NaN, alarm: 0, h: x.h };
  const fits = new Map<number, Baseline>();
  // Walk back: `start` is the first period from which the restart can be ignored (without restarts, t).
  let start = x.restart ? firstIndex : t;
  if (x.restart) {
    let quiet = 0;
    for (let s = t - 1; s >= firstIndex && quiet < x.maxWindow - 1; s--) {
      quiet = windowsAt(x, s, fitOf(x, fits, s), x.maxWindow, false).best >= x.h ? 0 : quiet + 1;
      if (quiet === x.maxWindow - 1) start = s + x.maxWindow - 1;
    }
    if (x.maxWindow === 1) start = t;
  }
  let lastAlarm = start - x.maxWindow;
  for (let s = start; s < t; s++) {
    const longest = x.restart ? Math.min(x.maxWindow, s - lastAlarm) : x.maxWindow;
    if (windowsAt(x, s, fitOf(x, fits, s), longest, false).best >= x.h) lastAlarm = s;
  }
  const fit = fitOf(x, fits, t);
  const longest = x.restart ? Math.min(x.maxWindow, t - lastAlarm) : x.maxWindow;
  const r = windowsAt(x, t, fit, longest, true);
  return { firstIndex, expected: fit.mu, upperbound: r.bound, alarm: r.best >= x.h ? 1 : 0, h: x.h };
}
