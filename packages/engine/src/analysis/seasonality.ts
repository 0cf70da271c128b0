/**
 * Seasonality profiles: incidents by hour of day, day of week, Gregorian month and Hijri month
 * (Pakistan time), each with a chi-square test of "no seasonality" whose expected counts follow
 * exposure: the number of Mondays, of days in March or of days in Muharram that the window held.
 *
 * Answers: are attacks concentrated at night, on Fridays, in Muharram or Ramadan, beyond what the
 * calendar alone gives? Read `ratio` (observed / expected; 1.5 = half as many again as a flat
 * profile predicts) and the standardized residuals; the p-value says whether the whole profile is
 * flat, adjusted across the four profiles by Benjamini-Hochberg (`pAdjusted`).
 *
 * Which events: hour needs an exact time; weekday and Hijri month a time to the day; Gregorian
 * month a time to the month. Others are counted in caveats. The window is taken as whole local
 * days. The chi-square test assumes independent events: incidents that come in bursts (one clash
 * reported as several events, a wave of attacks) overstate significance; read small p-values from
 * bursty series with care. Complexity: O(n + days in the window).
 * References: Pearson's chi-square (stats/chi-square-goodness-of-fit.ts, checked against R
 * chisq.test); Hijri dates from islamic-calendar.ts (Umm al-Qura).
 */
import { caveat, type Caveat } from '../domain/caveats.js';
import { BaseeratError, InsufficientDataError } from '../domain/errors.js';
import { benjaminiHochberg } from '../stats/benjamini-hochberg.js';
import { chiSquareGoodnessOfFit } from '../stats/chi-square-goodness-of-fit.js';
import { KARACHI_OFFSET_MS, localDate, localDay, TIME_PRECISION_INDEX, type TemporalColumns } from './aggregate.js';
import { HIJRI_MONTHS, hijriCalendar, type HijriMethod } from './islamic-calendar.js';

export type SeasonalDimension = 'hour' | 'weekday' | 'month' | 'hijriMonth';

export interface SeasonalProfile {
  dimension: SeasonalDimension;
  labels: string[];
  observed: number[];
  /** Days of exposure of each category in the window (hours: days in the window). */
  exposureDays: number[];
  expected: number[];
  /** observed / expected; null where nothing was expected (no exposure). */
  ratio: (number | null)[];
  /** (observed - expected) / sqrt(expected); 0 where nothing was expected. */
  residuals: number[];
  /** Events in this profile. */
  events: number;
  /** Chi-square test of a flat (exposure-proportional) profile; null when it cannot be computed. */
  test: { statistic: number; df: number; pValue: number; pAdjusted: number } | null;
  caveats: Caveat[];
}

export interface SeasonalityOptions {
  /** Window, epoch ms, [from, to): exposures are counted over its local days. */
  from: number;
  to: number;
  hijri?: { method?: HijriMethod; dayShift?: number };
}

export interface SeasonalityResult {
  hour: SeasonalProfile;
  weekday: SeasonalProfile;
  month: SeasonalProfile;
  hijriMonth: SeasonalProfile;
  hijriMethod: HijriMethod;
  caveats: Caveat[];
}

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const HOURS = Array.from({ length: 24 }, (_, h) => `${String(h).padStart(2, '0')}:00`);

function profile(dimension: SeasonalDimension, labels: string[], observed: number[], exposure: number[], excluded: number, excludedWhy: string): SeasonalProfile {
  const events = observed.reduce((a, b) => a + b, 0);
  const caveats: Caveat[] = [];
  if (excluded > 0) caveats.push(caveat('SEASONALITY_EXCLUDED', `${excluded} events ${excludedWhy} and are not in the ${dimension} profile`, excluded));
  let test: SeasonalProfile['test'] = null;
  let expected = exposure.map(() => 0), residuals = exposure.map(() => 0);
  try {
    const r = chiSquareGoodnessOfFit(observed, exposure);
    expected = r.expected; residuals = r.residuals;
    test = { statistic: r.statistic, df: r.df, pValue: r.pValue, pAdjusted: r.pValue };
    if (r.smallExpected > 0) caveats.push(caveat('SMALL_EXPECTED', `${r.smallExpected} of ${labels.length} ${dimension} categories expect fewer than 5 events: the chi-square p-value is approximate`, r.smallExpected));
  } catch (e) {
    if (!(e instanceof InsufficientDataError)) throw e;
    caveats.push(caveat('NO_TEST', `no chi-square test for the ${dimension} profile: ${e.message}`));
  }
  if (events > 0 && events < 30) caveats.push(caveat('FEW_EVENTS', `only ${events} events in the ${dimension} profile: the test has little power`, events));
  return {
    dimension, labels, observed, exposureDays: exposure, expected,
    ratio: expected.map((e, i) => (e > 0 ? observed[i]! / e : null)),
    residuals, events, test, caveats,
  };
}

export function seasonality(cols: TemporalColumns, options: SeasonalityOptions): SeasonalityResult {
  const { from, to } = options;
  if (!(Number.isFinite(from) && Number.isFinite(to) && from < to)) throw new BaseeratError('VALIDATION', `seasonality window needs finite from < to, got from = ${from}, to = ${to}`, { field: 'to' });
  const cal = hijriCalendar(options.hijri ?? {});
  const firstDay = localDay(from), lastDay = localDay(to - 1);
  const days = lastDay - firstDay + 1;
  if (days > 366 * 200) throw new BaseeratError('VALIDATION', `seasonality window of ${days} days is implausibly long`, { field: 'from' });

  const wdExp = new Array<number>(7).fill(0), mExp = new Array<number>(12).fill(0), hExp = new Array<number>(12).fill(0);
  for (let d = firstDay; d <= lastDay; d++) {
    const g = localDate(d);
    wdExp[g.weekday]! += 1; mExp[g.month - 1]! += 1; hExp[cal.fromDay(d).month - 1]! += 1;
  }
  const hourObs = new Array<number>(24).fill(0), wdObs = new Array<number>(7).fill(0), mObs = new Array<number>(12).fill(0), hjObs = new Array<number>(12).fill(0);
  let notExact = 0, notDay = 0, notMonth = 0, inWindow = 0, noTime = 0;
  for (let i = 0; i < cols.length; i++) {
    const t = cols.time[i]!;
    if (Number.isNaN(t)) { noTime++; continue; }
    if (!(t >= from && t < to)) continue;
    inWindow++;
    const p = cols.timePrecision[i]!;
    const d = localDay(t);
    if (p === TIME_PRECISION_INDEX.exact) hourObs[Math.floor((((t + KARACHI_OFFSET_MS) % 86400000) + 86400000) % 86400000 / 3600000)]! += 1;
    else notExact++;
    if (p <= TIME_PRECISION_INDEX.day) { wdObs[localDate(d).weekday]! += 1; hjObs[cal.fromDay(d).month - 1]! += 1; } else notDay++;
    if (p <= TIME_PRECISION_INDEX.month) mObs[localDate(d).month - 1]! += 1; else notMonth++;
  }
  const result: SeasonalityResult = {
    hour: profile('hour', HOURS, hourObs, new Array<number>(24).fill(days), notExact, 'have no exact time (known only to the day or coarser)'),
    weekday: profile('weekday', WEEKDAYS, wdObs, wdExp, notDay, 'are dated only to the month or year'),
    month: profile('month', MONTHS, mObs, mExp, notMonth, 'are dated only to the year'),
    hijriMonth: profile('hijriMonth', [...HIJRI_MONTHS], hjObs, hExp, notDay, 'are dated only to the month or year'),
    hijriMethod: cal.method,
    caveats: [],
  };
  const tested = (['hour', 'weekday', 'month', 'hijriMonth'] as const).filter((k) => result[k].test !== null);
  const adj = benjaminiHochberg(tested.map((k) => result[k].test!.pValue));
  tested.forEach((k, i) => { result[k].test!.pAdjusted = adj[i]!; });
  if (inWindow === 0) result.caveats.push(caveat('NO_EVENTS', 'no events in the window'));
  if (noTime > 0) result.caveats.push(caveat('NO_TIME', `${noTime} events without a valid time were left out`, noTime));
  result.caveats.push(caveat('HIJRI_CALENDAR', cal.method === 'umalqura'
    ? `Hijri months follow the Umm al-Qura calendar${cal.dayShift === 0 ? '' : ` shifted by ${cal.dayShift} day(s)`}; Pakistan's moon-sighting months can start a day later`
    : 'Hijri months follow the tabular Islamic calendar (Umm al-Qura unavailable in this engine): month starts may be off by one or two days'));
  if (days < 365) result.caveats.push(caveat('SHORT_WINDOW', `the window covers ${days} days, less than a year: some months are missing or seen once, so month profiles confound season with trend`, days));
  return result;
}
