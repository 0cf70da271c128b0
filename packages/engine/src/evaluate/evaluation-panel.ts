/**
 * The data every evaluation estimator reads: monthly incident counts for each area, each area with a
 * role (treated, comparison, buffer), and the index of the first month after the measure started.
 * Also the shared output shape of an effect (a rate ratio with its 95% interval) and the matching of
 * comparison areas on pre-period level and trend.
 *
 * Months are calendar months in a fixed UTC offset (Pakistan time, UTC+5, by default) so that an
 * incident at 23:30 on 31 January local time counts in January.
 */
import { BaseeratError, InsufficientDataError } from '../domain/errors.js';
import { betaQuantile, regularizedBeta } from '../stats/beta-distribution.js';
import { normalQuantile, twoSidedNormalPValue } from '../stats/normal-distribution.js';

export type AreaRole = 'treated' | 'comparison' | 'buffer';

export interface PanelArea {
  name: string;
  role: AreaRole;
  /** Incidents per period, one entry per `EvaluationPanel.periods`. */
  counts: Float64Array;
}

export interface EvaluationPanel {
  /** Period labels, `YYYY-MM`, consecutive. */
  periods: string[];
  /** Calendar month (1-12) of each period, for the seasonal harmonics. */
  monthOfYear: Int8Array;
  /** Index of the first period after the measure started (the first "post" period). */
  startIndex: number;
  areas: PanelArea[];
}

/** An effect on the rate scale: exp(log rate ratio) with a normal-theory 95% interval. */
export interface RateRatioEffect {
  rateRatio: number;
  lower: number;
  upper: number;
  logRateRatio: number;
  standardError: number;
  pValue: number;
  /** 100 (RR - 1): "-18" means incidents fell 18% relative to the counterfactual. */
  percentChange: number;
  percentLower: number;
  percentUpper: number;
  /** How the standard error was obtained, in words (e.g. "Newey-West HAC, lag 3"). */
  inference: string;
}

/** A counterfactual against the observed, per period, for a chart. */
export interface CounterfactualSeries {
  periods: string[];
  observed: number[];
  counterfactual: number[];
  startIndex: number;
}

/** Two-sided critical value of Student's t with `df` degrees of freedom: P(|T| > t) = alpha. */
export function studentTCritical(alpha: number, df: number): number {
  // P(|T| > t) = I_{df/(df+t^2)}(df/2, 1/2).
  const x = betaQuantile(alpha, df / 2, 0.5);
  return Math.sqrt((df * (1 - x)) / x);
}

/** Two-sided p-value of Student's t. */
export function studentTTwoSidedPValue(t: number, df: number): number {
  return regularizedBeta(df / (df + t * t), df / 2, 0.5);
}

/**
 * The effect from a log rate ratio and its standard error. With `df`, the interval and p-value use
 * Student's t with df degrees of freedom (e.g. G - 1 for G clusters, as Cameron and Miller 2015
 * recommend for cluster-robust inference); without, the normal.
 */
export function rateRatioEffect(logRateRatio: number, standardError: number, inference: string, confidence = 0.95, df?: number): RateRatioEffect {
  if (!Number.isFinite(logRateRatio) || !(standardError >= 0) || !Number.isFinite(standardError)) {
    throw new InsufficientDataError(`the effect is not estimable (log rate ratio ${logRateRatio}, standard error ${standardError})`, { logRateRatio, standardError });
  }
  if (df !== undefined && !(df >= 1)) throw new BaseeratError('VALIDATION', `df is ${df}, expected >= 1`, { field: 'df' });
  const z = df === undefined ? normalQuantile(1 - (1 - confidence) / 2) : studentTCritical(1 - confidence, df);
  const rr = Math.exp(logRateRatio), lo = Math.exp(logRateRatio - z * standardError), hi = Math.exp(logRateRatio + z * standardError);
  return {
    rateRatio: rr, lower: lo, upper: hi, logRateRatio, standardError,
    pValue: standardError > 0 ? (df === undefined ? twoSidedNormalPValue(logRateRatio / standardError) : studentTTwoSidedPValue(logRateRatio / standardError, df)) : logRateRatio === 0 ? 1 : 0,
    percentChange: 100 * (rr - 1), percentLower: 100 * (lo - 1), percentUpper: 100 * (hi - 1),
    inference,
  };
}

const MONTH_MS_GUARD = 400;

/** `YYYY-MM` of an epoch-ms time in a fixed UTC offset. */
export function monthLabel(ms: number, utcOffsetMinutes = 300): string {
  const d = new Date(ms + utcOffsetMinutes * 60_000);
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

function parseMonth(label: string, field: string): { y: number; m: number } {
  const r = /^(\d{4})-(\d{2})$/.exec(label);
  const y = Number(r?.[1]), m = Number(r?.[2]);
  if (r === null || m < 1 || m > 12) throw new BaseeratError('VALIDATION', `${field} is ${JSON.stringify(label)}, expected YYYY-MM`, { field });
  return { y, m };
}

/** The consecutive months from `first` to `last` inclusive. */
export function monthRange(first: string, last: string): string[] {
  const a = parseMonth(first, 'first'), b = parseMonth(last, 'last');
  const out: string[] = [];
  for (let y = a.y, m = a.m; y < b.y || (y === b.y && m <= b.m); m === 12 ? ((m = 1), (y += 1)) : (m += 1)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    if (out.length > MONTH_MS_GUARD * 12) throw new BaseeratError('VALIDATION', `month range ${first}..${last} is too long`, { field: 'last' });
  }
  if (out.length === 0) throw new BaseeratError('VALIDATION', `month range ${first}..${last} is empty`, { field: 'last' });
  return out;
}

export interface PanelBuildInput {
  /** Incident times (epoch ms) and, per incident, the index of its area in `areas` (-1: none). */
  time: ArrayLike<number>;
  area: ArrayLike<number>;
  areas: readonly { name: string; role: AreaRole }[];
  /** First and last month of the study window, `YYYY-MM`. */
  firstMonth: string;
  lastMonth: string;
  /** The first month after the measure started, `YYYY-MM`. */
  startMonth: string;
  utcOffsetMinutes?: number;
}

/** Bins incidents into an area x month panel. Incidents outside the window or without an area are skipped. */
export function buildMonthlyPanel(input: PanelBuildInput): EvaluationPanel {
  const periods = monthRange(input.firstMonth, input.lastMonth);
  const index = new Map(periods.map((p, i) => [p, i]));
  const startIndex = index.get(input.startMonth);
  if (startIndex === undefined) throw new BaseeratError('VALIDATION', `startMonth ${input.startMonth} is outside ${input.firstMonth}..${input.lastMonth}`, { field: 'startMonth' });
  if (input.time.length !== input.area.length) throw new BaseeratError('VALIDATION', `time has ${input.time.length} entries and area ${input.area.length}`, { field: 'area' });
  const areas: PanelArea[] = input.areas.map((a) => ({ name: a.name, role: a.role, counts: new Float64Array(periods.length) }));
  for (let i = 0; i < input.time.length; i++) {
    const a = input.area[i]!;
    const t = input.time[i]!;
    if (a < 0 || a >= areas.length || !Number.isFinite(t)) continue;
    const k = index.get(monthLabel(t, input.utcOffsetMinutes ?? 300));
    if (k !== undefined) areas[a]!.counts[k]! += 1;
  }
  return { periods, monthOfYear: Int8Array.from(periods, (p) => Number(p.slice(5))), startIndex, areas };
}

/** Element-wise sum of the counts of the areas with this role. */
export function roleTotal(panel: EvaluationPanel, role: AreaRole): Float64Array {
  const out = new Float64Array(panel.periods.length);
  for (const a of panel.areas) if (a.role === role) for (let t = 0; t < out.length; t++) out[t]! += a.counts[t]!;
  return out;
}

export function validatePanel(panel: EvaluationPanel): void {
  const T = panel.periods.length;
  if (panel.monthOfYear.length !== T) throw new BaseeratError('VALIDATION', `monthOfYear has ${panel.monthOfYear.length} entries, expected ${T}`, { field: 'monthOfYear' });
  if (!Number.isInteger(panel.startIndex) || panel.startIndex < 1 || panel.startIndex >= T) {
    throw new InsufficientDataError(`startIndex is ${panel.startIndex}: there must be at least one period before and one after the start (periods: ${T})`, { startIndex: panel.startIndex, periods: T });
  }
  for (const a of panel.areas) {
    if (a.counts.length !== T) throw new BaseeratError('VALIDATION', `area ${a.name} has ${a.counts.length} counts, expected ${T}`, { field: 'areas' });
    for (let t = 0; t < T; t++) {
      const c = a.counts[t]!;
      if (!(c >= 0) || !Number.isFinite(c)) throw new BaseeratError('VALIDATION', `area ${a.name} count ${t} is ${c}, expected a finite count >= 0`, { field: 'areas' });
    }
  }
}

/** Pre-period level (log mean, +0.5 so empty areas are finite) and trend (OLS slope of log(count + 0.5) per period). */
export function preLevelAndTrend(counts: ArrayLike<number>, startIndex: number, scale = 1): { level: number; trend: number } {
  const n = startIndex;
  let sy = 0, st = 0, stt = 0, sty = 0;
  for (let t = 0; t < n; t++) {
    const y = Math.log(counts[t]! / scale + 0.5);
    sy += y; st += t; stt += t * t; sty += t * y;
  }
  const den = n * stt - st * st;
  return { level: sy / n, trend: den > 0 ? (n * sty - st * sy) / den : 0 };
}

/**
 * Chooses the `k` comparison areas closest to the treated areas on pre-period level and trend
 * (Euclidean distance of log mean level and of log-linear trend times the pre-period length, so the
 * two are on the same scale: the change in log rate over the pre-period). Treated areas are compared
 * by their mean per area. Returns a new panel whose unchosen comparison areas are dropped.
 */
export function matchComparisonAreas(panel: EvaluationPanel, k: number): { panel: EvaluationPanel; chosen: string[]; distances: Record<string, number> } {
  validatePanel(panel);
  const treated = panel.areas.filter((a) => a.role === 'treated');
  if (treated.length === 0) throw new BaseeratError('VALIDATION', 'the panel has no treated area', { field: 'areas' });
  const tl = preLevelAndTrend(roleTotal(panel, 'treated'), panel.startIndex, treated.length);
  const L = panel.startIndex;
  const distances: Record<string, number> = {};
  const scored = panel.areas.filter((a) => a.role === 'comparison').map((a) => {
    const c = preLevelAndTrend(a.counts, panel.startIndex);
    const d = Math.hypot(c.level - tl.level, (c.trend - tl.trend) * L);
    distances[a.name] = d;
    return { a, d };
  });
  scored.sort((x, y) => x.d - y.d || (x.a.name < y.a.name ? -1 : 1));
  const keep = new Set(scored.slice(0, Math.max(0, k)).map((s) => s.a));
  return {
    panel: { ...panel, areas: panel.areas.filter((a) => a.role !== 'comparison' || keep.has(a)) },
    chosen: [...keep].map((a) => a.name),
    distances,
  };
}

/** Columns sin(2 pi k m / 12), cos(2 pi k m / 12) for k = 1..harmonics, in that order. */
export function monthHarmonics(month: number, harmonics: number): number[] {
  const out: number[] = [];
  for (let k = 1; k <= harmonics; k++) {
    out.push(Math.sin((2 * Math.PI * k * month) / 12), Math.cos((2 * Math.PI * k * month) / 12));
  }
  return out;
}
