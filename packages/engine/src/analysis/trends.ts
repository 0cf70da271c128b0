/**
 * Trends: change of the incident rate against the previous period and the same period last year
 * (exact conditional Poisson test), per district with Benjamini-Hochberg adjustment, count series
 * with rolling rates, and a monotone-trend test (Mann-Kendall with Sen's slope and its interval).
 *
 * Answers: "are attacks up this month?" in a form that says how sure we are: 14 -> 23 incidents in
 * two weeks is "up 64%, not significant at the 5% level (p = 0.19)". Rates are per day of exposure,
 * so windows of different length compare fairly (February against January).
 *
 * Assumptions and caveats: the exact test treats counts as Poisson; incidents that come in bursts
 * (overdispersion, variance above the mean) make its p-values too small: each comparison measures
 * the daily variance-to-mean ratio over its two windows and warns above 1.5. Mann-Kendall assumes
 * no serial correlation and no seasonality; Sen's slope is a per-period change in counts.
 * Events dated only to the month or year are not counted in windows (caveat with the count).
 * Complexity: O(n) per comparison, O(m^2 log m) for a trend on m periods.
 * References: R poisson.test (stats/poisson-rate-test.ts); Mann (1945) and Kendall (1975)
 * (stats/mann-kendall.ts); Sen (1968) (stats/sens-slope.ts); Benjamini and Hochberg (1995).
 */
import { caveat, factCaveat, type Caveat } from '../domain/caveats.js';
import { BaseeratError, InsufficientDataError } from '../domain/errors.js';
import { benjaminiHochberg } from '../stats/benjamini-hochberg.js';
import { mannKendall } from '../stats/mann-kendall.js';
import { poissonRateTest } from '../stats/poisson-rate-test.js';
import { sensSlope } from '../stats/sens-slope.js';
import {
  DAY_MS, KARACHI_OFFSET_MS, localDay, localDayStart, nextPeriodStartDay, periodKeyOfDay, periodStartDay, TIME_PRECISION_INDEX,
  timeFitsPeriod, type Period, type TemporalColumns,
} from './aggregate.js';
import { coveredDaysWithin, describeSpan, mergeSpans, uncoveredSpans, type CoveredSpan } from './feed-coverage.js';

export interface WindowCount {
  /** [from, to), epoch ms. */
  from: number;
  to: number;
  count: number;
  /** Days of exposure: the window's length, or the days of it the feeds cover when coverage is given. */
  days: number;
  perDay: number;
}

export interface RateChange {
  current: WindowCount;
  baseline: WindowCount;
  /** Current rate / baseline rate; null when the baseline count is 0. */
  rateRatio: number | null;
  /** 100 (ratio - 1); null when the baseline count is 0. */
  percentChange: number | null;
  lower: number;
  upper: number | null;
  pValue: number;
  significant: boolean;
  direction: 'up' | 'down' | 'unchanged';
  /** One sentence for reports: "up 64% (23 vs 14), not significant at the 5% level (p = 0.19; 95% CI 0.81-3.45)". */
  summary: string;
  caveats: Caveat[];
}

// Three decimals below 0.1 so that a p-value just under 0.05 never prints as "0.05".
const fmtP = (p: number) => (p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(p < 0.1 ? 3 : 2)}`);
const fmtR = (v: number) => (v >= 10 ? v.toFixed(1) : v.toFixed(2));

/** Compares counts x1 over t1 days with x0 over t0 days (exact Poisson test) and says it in words. */
export function describeChange(current: WindowCount, baseline: WindowCount, alpha = 0.05): RateChange {
  if (!(alpha > 0 && alpha < 1)) throw new BaseeratError('VALIDATION', `alpha must lie in (0, 1), got ${alpha}`, { field: 'alpha' });
  const r = poissonRateTest(current.count, current.days, baseline.count, baseline.days, 1 - alpha);
  const significant = r.pValue < alpha;
  const ratio = r.rateRatio;
  const direction = ratio === null ? (current.count > 0 ? 'up' : 'unchanged') : ratio > 1 ? 'up' : ratio < 1 ? 'down' : 'unchanged';
  const level = `${Math.round(alpha * 1000) / 10}%`;
  const sig = significant ? `significant at the ${level} level` : `not significant at the ${level} level`;
  const ci = `${Math.round((1 - alpha) * 1000) / 10}% CI ${fmtR(r.lower)}-${r.upper === null ? 'infinity' : fmtR(r.upper)}`;
  const counts = `${current.count} vs ${baseline.count}${current.days === baseline.days ? '' : `, rates per day ${current.perDay.toPrecision(3)} vs ${baseline.perDay.toPrecision(3)}`}`;
  let summary: string;
  if (ratio === null) summary = current.count === 0 ? `no incidents in either period` : `up from none to ${current.count}, ${sig} (${fmtP(r.pValue)})`;
  else if (direction === 'unchanged') summary = `unchanged (${counts}), ${fmtP(r.pValue)}`;
  else summary = `${direction} ${Math.round(Math.abs(ratio - 1) * 100)}% (${counts}), ${sig} (${fmtP(r.pValue)}; rate ratio ${fmtR(ratio)}, ${ci})`;
  const caveats: Caveat[] = [];
  if (current.count + baseline.count < 10) caveats.push(caveat('FEW_EVENTS', `only ${current.count + baseline.count} incidents in the two periods: only a large change could be significant`, current.count + baseline.count));
  return {
    current, baseline, rateRatio: ratio, percentChange: ratio === null ? null : (ratio - 1) * 100,
    lower: r.lower, upper: r.upper, pValue: r.pValue, significant, direction, summary, caveats,
  };
}

/** The same local clock time one calendar year earlier (29 February maps to 1 March). */
export function oneYearEarlier(ms: number): number {
  const local = new Date(ms + KARACHI_OFFSET_MS);
  return Date.UTC(local.getUTCFullYear() - 1, local.getUTCMonth(), local.getUTCDate(), local.getUTCHours(), local.getUTCMinutes(), local.getUTCSeconds(), local.getUTCMilliseconds()) - KARACHI_OFFSET_MS;
}

export interface CompareOptions {
  /** Current window [from, to), epoch ms. */
  from: number;
  to: number;
  alpha?: number;
  /** Only events for which this returns true (e.g. one category group). */
  include?: (index: number) => boolean;
  /**
   * Start of the previous window [previousFrom, from). Default: a window of the same length just
   * before (31 days before 1 March); pass the first of the previous month to compare calendar months
   * (rates per day make the different lengths comparable).
   */
  previousFrom?: number;
  /**
   * What the data cover (feed-coverage.ts: merged spans). When given, a window's exposure is the
   * days of it the feeds cover, and a window they do not cover at all is not compared (null, caveat
   * NO_DATA_FOR_COMPARISON): a period without data is not a period without incidents. Without it
   * every day counts, as if the feeds reported throughout.
   */
  coverage?: readonly CoveredSpan[];
}

export interface WindowComparison {
  /** The current window's count and exposure, also when nothing is compared. */
  current: WindowCount;
  /** Null when no feed covers the previous window (or the current one): not compared. */
  previous: RateChange | null;
  /** Null when no feed covers the same window a year earlier (or the current one): not compared. */
  lastYear: RateChange | null;
  caveats: Caveat[];
}

function checkWindow(from: number, to: number): void {
  if (!(Number.isFinite(from) && Number.isFinite(to) && from < to)) throw new BaseeratError('VALIDATION', `window needs finite from < to, got from = ${from}, to = ${to}`, { field: 'to' });
}

/** Daily counts for the local days of [from, to), events to the day or better only. */
function dailyCounts(cols: TemporalColumns, from: number, to: number, include: (i: number) => boolean): { days: Float64Array; coarse: number } {
  const d0 = localDay(from), d1 = localDay(to - 1);
  const days = new Float64Array(d1 - d0 + 1);
  let coarse = 0;
  for (let i = 0; i < cols.length; i++) {
    const t = cols.time[i]!;
    if (!(t >= from && t < to) || !include(i)) continue;
    if (cols.timePrecision[i]! > TIME_PRECISION_INDEX.day) { coarse++; continue; }
    days[localDay(t) - d0]! += 1;
  }
  return { days, coarse };
}

function windowCount(from: number, to: number, days: Float64Array, exposureDays = (to - from) / DAY_MS): WindowCount {
  let count = 0;
  for (const v of days) count += v;
  return { from, to, count, days: exposureDays, perDay: exposureDays > 0 ? count / exposureDays : 0 };
}

/**
 * Days of [from, to) that count as exposure: all of them without coverage; else the covered days,
 * or, when the feeds' records cover none of it but incidents lie in it (data stored outside the
 * ingest runs), the whole window (`outside` tells the caller to say so).
 */
function exposure(coverage: readonly CoveredSpan[] | undefined, from: number, to: number, count: number): { days: number; outside: boolean } {
  const length = (to - from) / DAY_MS;
  if (coverage === undefined) return { days: length, outside: false };
  const covered = coveredDaysWithin(coverage, from, to);
  if (covered === 0 && count > 0) return { days: length, outside: true };
  return { days: covered, outside: false };
}

const dayCount = (d: number) => { const r = Math.round(d * 10) / 10; return `${r} day${r === 1 ? '' : 's'}`; };

function dispersionCaveat(a: Float64Array, b: Float64Array): Caveat[] {
  const all = [...a, ...b];
  if (all.length < 14) return [];
  const mean = all.reduce((s, v) => s + v, 0) / all.length;
  if (mean === 0) return [];
  const variance = all.reduce((s, v) => s + (v - mean) ** 2, 0) / (all.length - 1);
  const ratio = variance / mean;
  return ratio > 1.5
    ? [caveat('OVERDISPERSED', `daily counts vary ${ratio.toFixed(1)} times more than a Poisson process would (incidents come in bursts): the exact test's p-value is too small, so treat borderline results as not significant`)]
    : [];
}

/** Current window against the previous window of equal length and against the same window a year earlier. */
export function compareWindows(cols: TemporalColumns, options: CompareOptions): WindowComparison {
  const { from, to } = options;
  checkWindow(from, to);
  const include = options.include ?? (() => true);
  const alpha = options.alpha ?? 0.05;
  const cur = dailyCounts(cols, from, to, include);
  const prevFrom = options.previousFrom ?? from - (to - from);
  if (!(prevFrom < from)) throw new BaseeratError('VALIDATION', `previousFrom must be before from, got ${prevFrom}`, { field: 'previousFrom' });
  const prev = dailyCounts(cols, prevFrom, from, include);
  const lyFrom = oneYearEarlier(from), lyTo = oneYearEarlier(to);
  const ly = dailyCounts(cols, lyFrom, lyTo, include);
  const caveats: Caveat[] = [];
  const cov = options.coverage;
  const sum = (a: Float64Array) => a.reduce((x, v) => x + v, 0);
  const windows = [
    { name: 'current period', from, to, daily: cur.days },
    { name: 'previous period', from: prevFrom, to: from, daily: prev.days },
    { name: 'same period a year earlier', from: lyFrom, to: lyTo, daily: ly.days },
  ].map((w) => ({ ...w, exp: exposure(cov, w.from, w.to, sum(w.daily)) }));
  for (const w of windows) {
    const length = (w.to - w.from) / DAY_MS;
    const span = describeSpan({ from: w.from, to: w.to });
    if (w.exp.outside) caveats.push(caveat('OUTSIDE_COVERAGE', `incidents lie in the ${w.name} (${span}), which no ingest run's recorded range covers: the whole period is counted as covered`));
    else if (w.exp.days > 0 && w.exp.days < length - 1e-9) {
      caveats.push(factCaveat('PARTLY_COVERED', `the feeds cover ${dayCount(w.exp.days)} of the ${dayCount(length)} of the ${w.name} (${span}): its rate is per covered day`,
        { fact: 'NOT_COVERED', periods: uncoveredSpans(cov!, w.from, w.to) }, `the ${w.name} (${span}) is rated per covered day (${dayCount(w.exp.days)} of ${dayCount(length)})`, Math.round(w.exp.days * 10) / 10));
    }
  }
  const [wc, wp, wl] = windows as [typeof windows[0], typeof windows[0], typeof windows[0]];
  const current = windowCount(from, to, cur.days, wc.exp.days);
  let previous: RateChange | null = null, lastYear: RateChange | null = null;
  if (wc.exp.days === 0) {
    caveats.push(factCaveat('NO_DATA_IN_WINDOW', `no feed covers the current period (${describeSpan({ from, to })}): nothing is compared; a period without data is not a period without incidents`,
      { fact: 'NOT_COVERED', periods: [{ from, to }] }, `the current period (${describeSpan({ from, to })}) is not compared with anything`));
  } else {
    for (const [w, set] of [[wp, (r: RateChange) => { previous = r; }], [wl, (r: RateChange) => { lastYear = r; }]] as const) {
      if (w.exp.days === 0) {
        caveats.push(factCaveat('NO_DATA_FOR_COMPARISON', `no feed covers the ${w.name} (${describeSpan({ from: w.from, to: w.to })}): it is not compared; a period without data is not a period without incidents`,
          { fact: 'NOT_COVERED', periods: [{ from: w.from, to: w.to }] }, `the ${w.name} (${describeSpan({ from: w.from, to: w.to })}) is not compared`));
        continue;
      }
      const r = describeChange(current, windowCount(w.from, w.to, w.daily, w.exp.days), alpha);
      r.caveats.push(...dispersionCaveat(cur.days, w.daily));
      set(r);
    }
  }
  const coarse = cur.coarse + prev.coarse + ly.coarse;
  if (coarse > 0) caveats.push(caveat('TIME_TOO_COARSE', `${coarse} incidents dated only to the month or year were left out of the comparison windows`, coarse));
  let noTime = 0;
  for (let i = 0; i < cols.length; i++) if (Number.isNaN(cols.time[i]!) && include(i)) noTime++;
  if (noTime > 0) caveats.push(caveat('NO_TIME', `${noTime} incidents without a valid time were left out`, noTime));
  return { current, previous, lastYear, caveats };
}

/** The comparison's summary sentence for a window that was not compared (no feed covers it). */
export function notComparedSummary(c: WindowComparison, which: 'previous' | 'lastYear'): string | null {
  if (c[which] !== null) return null;
  const code = c.caveats.find((x) => x.code === 'NO_DATA_IN_WINDOW') ?? c.caveats.find((x) => x.code === 'NO_DATA_FOR_COMPARISON' && x.message.includes(which === 'previous' ? 'previous period' : 'a year earlier'));
  const span = code === undefined ? undefined : /\(([^)]*)\)/.exec(code.message)?.[1];
  return `not compared: no data${span === undefined ? '' : ` for ${span}`} (no feed covers it)`;
}

export interface AreaChange extends RateChange {
  area: string;
  /** Benjamini-Hochberg adjusted p-value across all areas compared. */
  pAdjusted: number;
  significantAfterAdjustment: boolean;
}

/** Current window against the previous one, per district, with BH adjustment across districts. */
export function changeByDistrict(cols: TemporalColumns, options: CompareOptions): { areas: AreaChange[]; caveats: Caveat[] } {
  const { from, to } = options;
  checkWindow(from, to);
  const alpha = options.alpha ?? 0.05;
  const include = options.include ?? (() => true);
  const caveats: Caveat[] = [];
  const seen = new Set<number>();
  let noDistrict = 0;
  for (let i = 0; i < cols.length; i++) {
    const t = cols.time[i]!;
    if (!(t >= (options.previousFrom ?? from - (to - from)) && t < to) || !include(i)) continue;
    if (cols.district[i]! >= 0 && cols.districtNames[cols.district[i]!] !== undefined) seen.add(cols.district[i]!); else noDistrict++;
  }
  if (noDistrict > 0) caveats.push(caveat('NO_DISTRICT', `${noDistrict} incidents without a district are not in any district's comparison`, noDistrict));
  const areas: AreaChange[] = [];
  let notCompared = 0;
  for (const d of [...seen].sort((a, b) => a - b)) {
    const c = compareWindows(cols, { ...options, alpha, include: (i) => cols.district[i] === d && include(i) });
    // no feed covers the previous window (or the current one): the district is not compared
    if (c.previous === null) { notCompared++; continue; }
    areas.push({ ...c.previous, area: cols.districtNames[d]!, pAdjusted: c.previous.pValue, significantAfterAdjustment: false });
  }
  if (notCompared > 0) {
    const previous = { from: options.previousFrom ?? from - (to - from), to: from };
    caveats.push(factCaveat('NO_DATA_FOR_COMPARISON', `${notCompared} district${notCompared === 1 ? ' is' : 's are'} not compared: no feed covers the previous period (${describeSpan(previous)})`,
      { fact: 'NOT_COVERED', periods: [previous] }, `${notCompared} district${notCompared === 1 ? ' is' : 's are'} not compared with the previous period`, notCompared));
  }
  const adj = benjaminiHochberg(areas.map((a) => a.pValue));
  areas.forEach((a, i) => { a.pAdjusted = adj[i]!; a.significantAfterAdjustment = adj[i]! < alpha; });
  if (areas.length > 1) caveats.push(caveat('MULTIPLE_TESTING', `${areas.length} districts compared: use pAdjusted (Benjamini-Hochberg, false discovery rate ${alpha}) before calling a district's change significant`, areas.length));
  areas.sort((a, b) => a.pAdjusted - b.pAdjusted || (a.area < b.area ? -1 : 1));
  return { areas, caveats };
}

export interface CountSeries {
  period: Period;
  keys: string[];
  counts: number[];
  /** Days of each period inside [from, to) (months differ; the first and last may be partial). */
  days: number[];
  caveats: Caveat[];
}

/** Counts per period over [from, to), zeros included. */
export function countSeries(cols: TemporalColumns, options: { from: number; to: number; period: Period; include?: (index: number) => boolean }): CountSeries {
  const { from, to, period } = options;
  checkWindow(from, to);
  const include = options.include ?? (() => true);
  const keys: string[] = [], days: number[] = [];
  const index = new Map<string, number>();
  const first = localDay(from), last = localDay(to - 1);
  for (let d = periodStartDay(first, period); d <= last; d = nextPeriodStartDay(d, period)) {
    index.set(periodKeyOfDay(d, period), keys.length);
    keys.push(periodKeyOfDay(d, period));
    const a = Math.max(localDayStart(d), from), b = Math.min(localDayStart(nextPeriodStartDay(d, period)), to);
    days.push((b - a) / DAY_MS);
  }
  const counts = new Array<number>(keys.length).fill(0);
  let coarse = 0;
  for (let i = 0; i < cols.length; i++) {
    const t = cols.time[i]!;
    if (!(t >= from && t < to) || !include(i)) continue;
    if (!timeFitsPeriod(cols.timePrecision[i]!, period)) { coarse++; continue; }
    counts[index.get(periodKeyOfDay(localDay(t), period))!]! += 1;
  }
  const caveats: Caveat[] = [];
  if (coarse > 0) caveats.push(caveat('TIME_TOO_COARSE', `${coarse} incidents are dated too coarsely for ${period}s and are not in the series`, coarse));
  if (days[0]! < days[Math.min(1, days.length - 1)]! || days[days.length - 1]! < days[0]!) {
    caveats.push(caveat('PARTIAL_PERIOD', 'the first or last period is only partly inside the window: compare rates per day, not counts'));
  }
  return { period, keys, counts, days, caveats };
}

/**
 * A count series with the periods no feed covers marked: `counts[i]` is null ("no data") when the
 * feeds cover none of period i and no incident lies in it; a period with incidents is never null
 * (OUTSIDE_COVERAGE says when its incidents lie outside every recorded range).
 */
export interface CoveredCountSeries extends Omit<CountSeries, 'counts'> {
  counts: (number | null)[];
  /** Days of each period (inside [from, to)) that the feeds cover. */
  coveredDays: number[];
}

/** countSeries with no-data periods as null (see CoveredCountSeries). */
export function coveredCountSeries(cols: TemporalColumns, options: { from: number; to: number; period: Period; coverage: readonly CoveredSpan[]; include?: (index: number) => boolean }): CoveredCountSeries {
  const base = countSeries(cols, options);
  const { from, to, period, coverage } = options;
  const counts: (number | null)[] = [], coveredDays: number[] = [];
  const caveats = [...base.caveats];
  const noData: string[] = [], outside: string[] = [], partly: string[] = [];
  const noDataSpans: CoveredSpan[] = [], partlyGaps: CoveredSpan[] = [];
  let d = periodStartDay(localDay(from), period);
  for (let i = 0; i < base.keys.length; i++, d = nextPeriodStartDay(d, period)) {
    const a = Math.max(localDayStart(d), from), b = Math.min(localDayStart(nextPeriodStartDay(d, period)), to);
    const covered = coveredDaysWithin(coverage, a, b);
    const n = base.counts[i]!;
    coveredDays.push(covered);
    if (covered === 0 && n === 0) { counts.push(null); noData.push(base.keys[i]!); noDataSpans.push({ from: a, to: b }); continue; }
    counts.push(n);
    if (covered === 0) outside.push(base.keys[i]!);
    else if (covered < base.days[i]! - 1e-9) { partly.push(base.keys[i]!); partlyGaps.push(...uncoveredSpans(coverage, a, b)); }
  }
  const list = (keys: string[]) => (keys.length <= 6 ? keys.join(', ') : `${keys.slice(0, 3).join(', ')} ... ${keys.slice(-2).join(', ')}`);
  const ofSeries = (keys: string[]) => `${keys.length} ${period}${keys.length === 1 ? '' : 's'} of the series (${list(keys)})`;
  if (noData.length > 0) {
    caveats.push(factCaveat('NO_DATA_PERIODS', `no feed covers ${ofSeries(noData)}: they are shown as no data, not as 0`,
      { fact: 'NOT_COVERED', periods: mergeSpans(noDataSpans) }, `${ofSeries(noData)} ${noData.length === 1 ? 'is' : 'are'} shown as no data, not as 0`, noData.length));
  }
  if (outside.length > 0) caveats.push(caveat('OUTSIDE_COVERAGE', `incidents lie in ${list(outside)}, which no ingest run's recorded range covers`, outside.length));
  if (partly.length > 0) {
    caveats.push(factCaveat('PARTLY_COVERED', `the feeds cover only part of ${list(partly)}: those counts are for the covered days`,
      { fact: 'NOT_COVERED', periods: mergeSpans(partlyGaps) }, `the counts of ${list(partly)} are for the days the feeds cover`, partly.length));
  }
  return { ...base, counts, coveredDays, caveats };
}

/**
 * Start index of the last run of covered periods (non-null counts) that ends at index `end`
 * (inclusive): the stretch a trend test may run over. -1 when `end` itself has no data.
 */
export function lastCoveredStretchStart(counts: readonly (number | null)[], end = counts.length - 1): number {
  if (end < 0 || end >= counts.length || counts[end] === null) return -1;
  let i = end;
  while (i > 0 && counts[i - 1] !== null) i--;
  return i;
}

/** Rolling rate per day over the last `window` periods (null until `window` periods are available). */
export function rollingRates(series: Pick<CountSeries, 'counts' | 'days'>, window: number): (number | null)[] {
  if (!(Number.isInteger(window) && window >= 1)) throw new BaseeratError('VALIDATION', `window must be a positive integer, got ${window}`, { field: 'window' });
  const { counts, days } = series;
  const out: (number | null)[] = [];
  let c = 0, d = 0;
  for (let i = 0; i < counts.length; i++) {
    c += counts[i]!; d += days[i]!;
    if (i >= window) { c -= counts[i - window]!; d -= days[i - window]!; }
    out.push(i >= window - 1 && d > 0 ? c / d : null);
  }
  return out;
}

export interface TrendResult {
  n: number;
  /** Mann-Kendall statistic S, Kendall's tau, z and the two-sided p-value. */
  S: number;
  tau: number;
  z: number;
  pValue: number;
  /** Sen's slope: change per period, with its confidence interval (null when too short). */
  slope: number;
  slopeLower: number | null;
  slopeUpper: number | null;
  direction: 'increasing' | 'decreasing' | 'no trend';
  summary: string;
  caveats: Caveat[];
}

/** Mann-Kendall test with Sen's slope on a series in time order (e.g. monthly counts). */
export function trendTest(values: ArrayLike<number>, options: { alpha?: number; unit?: string } = {}): TrendResult {
  const alpha = options.alpha ?? 0.05;
  const unit = options.unit ?? 'period';
  if (values.length < 3) throw new InsufficientDataError(`a trend test needs at least 3 periods, got ${values.length}`, { n: values.length });
  const mk = mannKendall(values);
  const sen = sensSlope(values, undefined, 1 - alpha);
  const direction = mk.p < alpha ? (mk.S > 0 ? 'increasing' : 'decreasing') : 'no trend';
  const slopeText = `Sen's slope ${sen.slope.toPrecision(3)} per ${unit}${sen.lower === null || sen.upper === null ? '' : ` (${Math.round((1 - alpha) * 100)}% CI ${sen.lower.toPrecision(3)} to ${sen.upper.toPrecision(3)})`}`;
  const summary = direction === 'no trend'
    ? `no significant monotone trend over ${mk.n} ${unit}s (Mann-Kendall ${fmtP(mk.p)}); ${slopeText}`
    : `${direction} over ${mk.n} ${unit}s (Mann-Kendall tau ${mk.tau.toFixed(2)}, ${fmtP(mk.p)}); ${slopeText}`;
  const caveats = [...mk.caveats];
  caveats.push(caveat('TREND_ASSUMPTIONS', 'Mann-Kendall assumes no serial correlation and no seasonal cycle; bursts or a seasonal pattern (Muharram, the fighting season) can make a trend look significant'));
  return { n: mk.n, S: mk.S, tau: mk.tau, z: mk.z, pValue: mk.p, slope: sen.slope, slopeLower: sen.lower, slopeUpper: sen.upper, direction, summary, caveats };
}
