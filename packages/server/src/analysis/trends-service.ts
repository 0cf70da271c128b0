/**
 * trendsService: is the incident rate up or down? The current window against the previous window and
 * the same window a year earlier (exact conditional Poisson test), the same per district with
 * Benjamini-Hochberg across districts, and a Mann-Kendall test with Sen's slope on the monthly series
 * that ends with the window. The statistics are engine/analysis/trends.ts; this file chooses the
 * windows, reads the store and wraps the answer.
 *
 * An incomplete latest period is not read as a fall. The data end at `asOf` when given (a report's
 * `now`) and, for the default window, at the end of the Pakistan day of the latest incident. A window
 * that reaches past the data end is cut there and then compared like any window that is not whole
 * months: with the same number of days just before and the same dates a year earlier (caveat
 * INCOMPLETE_LATEST_PERIOD). The Mann-Kendall test leaves out a last month that is only partly in
 * the window (caveat PARTIAL_MONTH_LEFT_OUT); the monthly series still shows it with its days.
 *
 * A month without data is not a month without incidents. The periods the feeds covered come from
 * the ingest runs (feed-coverage-service.ts). A comparison window no feed covers is not compared
 * (null, caveat NO_DATA_FOR_COMPARISON with its dates); a window covered in part is compared per
 * covered day (PARTLY_COVERED). The monthly series has null for a month no feed covers
 * (NO_DATA_PERIODS), and the Mann-Kendall test runs only over the covered stretch that ends with
 * the window (TREND_COVERED_STRETCH), or is not run when that stretch is under 3 months. A store
 * whose runs recorded no range reads as before, with the caveat COVERAGE_UNKNOWN.
 */
import {
  caveat, changeByDistrict, factCaveat, compareWindows, countSeries, coveredCountSeries, DAY_MS, InsufficientDataError, KARACHI_OFFSET_MS, lastCoveredStretchStart,
  notComparedSummary, oneYearEarlier, trendTest,
  type AreaChange, type Caveat, type CoveredCountSeries, type TrendResult, type WindowComparison,
} from '@baseerat/engine';
import { coverageSpans } from './feed-coverage-service.js';
import {
  calendarUnitStart, classificationOf, comparisonWindow, coveredEnvelope, endOfLocalDay, ISO, noIncidentsCaveat, previousWindowStart, readColumns, resolveFilter, timeExtent,
  type AnalysisContext, type AnalysisEnvelope, type AnalysisFilter, type CalendarUnit, type ComparisonWindow,
} from './analysis-request.js';

export interface TrendsOptions {
  filter?: AnalysisFilter;
  /** Calendar unit of the default window (the one holding the latest incident). Default 'month'. */
  window?: CalendarUnit;
  /** Months in the Mann-Kendall series, ending with the current window. Default 36. */
  seriesMonths?: number;
  alpha?: number;
  /** The time the data are known up to (a report's `now`; default `ctx.now`): a window reaching past it is cut there. */
  asOf?: Date;
}

export interface TrendsResult {
  comparison: WindowComparison;
  byDistrict: { areas: AreaChange[]; caveats: Caveat[] };
  /** Monthly counts; null for a month no feed covers (no data, not 0). */
  series: CoveredCountSeries;
  /** Null when the series is too short for a trend test (a caveat says why). */
  trend: TrendResult | null;
  caveats: Caveat[];
}

export interface TrendsAnnotations {
  window: {
    from: string; to: string; previousFrom: string; lastYearFrom: string; lastYearTo: string; chosen: 'given' | 'default'; seriesFrom: string;
    /** The end of the window before it was cut at the data end (equal to `to` when it was not cut). */
    requestedTo: string;
  };
  /** The three sentences an analyst reads first ("not compared: no data for ..." for a window no feed covers). */
  sentences: { previous: string; lastYear: string; trend: string | null };
  /** The months the Mann-Kendall test ran over ('YYYY-MM', both inclusive); null without a test. */
  trendMonths: { from: string; to: string; count: number } | null;
  /** Whether the ingest runs recorded which periods the feeds covered (false: every month counts as covered). */
  coverageKnown: boolean;
}

export type TrendsEnvelope = AnalysisEnvelope<'trends', Required<Omit<TrendsOptions, 'filter' | 'asOf'>>, TrendsResult, TrendsAnnotations>;

const pakistanDate = (ms: number): string => new Date(ms + KARACHI_OFFSET_MS).toISOString().slice(0, 10);

/**
 * The window cut at the data end, when the data end inside it: the part the data cover, compared
 * with the same length just before (previousWindowStart: whole months only when both ends are month
 * starts). Unchanged, without a caveat, when the data reach the window's end.
 */
export function cutAtDataEnd(w: ComparisonWindow, dataEnd: number, why: string): { window: ComparisonWindow; caveats: Caveat[] } {
  if (!(dataEnd > w.from && dataEnd < w.to)) return { window: w, caveats: [] };
  const days = Math.round((dataEnd - w.from) / DAY_MS);
  const cut: ComparisonWindow = { from: w.from, to: dataEnd, previousFrom: previousWindowStart(w.from, dataEnd), chosen: w.chosen };
  return {
    window: cut,
    caveats: [caveat('INCOMPLETE_LATEST_PERIOD', `the data end on ${pakistanDate(dataEnd - 1)} (${why}), inside the period ${pakistanDate(w.from)} to ${pakistanDate(w.to - 1)}: `
      + `it is compared over the ${days} day${days === 1 ? '' : 's'} the data cover, with the same number of days just before and the same dates a year earlier, not as a whole period (a part-period count is not a fall)`, days)],
  };
}

export async function trendsService(ctx: AnalysisContext, options: TrendsOptions = {}): Promise<TrendsEnvelope> {
  const f = resolveFilter(options.filter ?? {}, ctx.geography);
  const unit = options.window ?? 'month';
  const seriesMonths = options.seriesMonths ?? 36;
  const alpha = options.alpha ?? 0.05;
  // The latest incident picks the default window, so without a given window the store is read whole.
  const given = f.fromMs !== undefined && f.toMs !== undefined;
  let cols = await readColumns(ctx, f, given ? { toMs: f.toMs! } : {});
  const latest = timeExtent(cols)?.last;
  // the data end at the analysis's as-of instant: the option (a report's now), else the end of the
  // Pakistan day of the request (ctx.now: windows stay whole days, as coverage is)
  const asOf = options.asOf?.getTime();
  const requestDayEnd = ctx.now === undefined ? undefined : endOfLocalDay(ctx.now.getTime());
  const requested = comparisonWindow(f, latest, unit);
  // where the data end: asOf, and for the default window the day of the latest incident
  const latestEnd = requested.chosen === 'default' && latest !== undefined ? endOfLocalDay(latest) : Infinity;
  const dataEnd = Math.min(asOf ?? Infinity, requestDayEnd ?? Infinity, latestEnd);
  const why = dataEnd === asOf ? `as of ${ISO(asOf)}` : dataEnd === latestEnd ? 'the day of the latest incident' : 'the day the analysis was made';
  const { window: w, caveats: cutCaveats } = cutAtDataEnd(requested, dataEnd, why);
  const lastYearFrom = oneYearEarlier(w.from), lastYearTo = oneYearEarlier(w.to);
  const seriesFrom = Math.min(calendarUnitStart(w.to - 1, 'month', 1 - seriesMonths), w.from);
  const readFrom = Math.min(w.previousFrom, lastYearFrom, seriesFrom);
  cols = await readColumns(ctx, f, { fromMs: readFrom, toMs: w.to });
  const coverage = await coverageSpans(ctx);

  const cmp = { from: w.from, to: w.to, previousFrom: w.previousFrom, alpha, ...(coverage === undefined ? {} : { coverage }) };
  const comparison = compareWindows(cols, cmp);
  const byDistrict = changeByDistrict(cols, cmp);
  const seriesOptions = { from: seriesFrom, to: w.to, period: 'month' as const };
  const series: CoveredCountSeries = coverage === undefined
    ? (({ counts, ...rest }) => ({ ...rest, counts: [...counts], coveredDays: [...rest.days] }))(countSeries(cols, seriesOptions))
    : coveredCountSeries(cols, { ...seriesOptions, coverage });
  const caveats: Caveat[] = [...noIncidentsCaveat(cols.length), ...cutCaveats];
  if (coverage === undefined) {
    caveats.push(caveat('COVERAGE_UNKNOWN', 'no ingest run recorded which period its feed covered (data stored outside the ingest path): every month counts as covered, so a month without data reads as 0 incidents'));
  }
  // a last month only partly in the window would read as a fall at the series' end: left out of the test
  const lastPartial = calendarUnitStart(w.to, 'month') !== w.to;
  if (lastPartial) {
    const i = series.keys.length - 1;
    const d = Math.round(series.days[i]! * 10) / 10;
    caveats.push(caveat('PARTIAL_MONTH_LEFT_OUT', `the trend test leaves out ${series.keys[i]!}, which the window covers only in part (${d} day${d === 1 ? '' : 's'})`));
  }
  // a month of the series ('YYYY-MM') as the period [from, to) it spans inside the series
  const monthOfSeries = (key: string) => {
    const [y, m] = key.split('-').map(Number) as [number, number];
    return { from: Math.max(seriesFrom, Date.UTC(y, m - 1, 1) - KARACHI_OFFSET_MS), to: Math.min(w.to, Date.UTC(y, m, 1) - KARACHI_OFFSET_MS) };
  };
  // the test runs over the months the feeds cover without a gap, up to the window's last whole month
  const end = series.keys.length - 1 - (lastPartial ? 1 : 0);
  const start = lastCoveredStretchStart(series.counts, end);
  let trend: TrendResult | null = null;
  let trendMonths: TrendsAnnotations['trendMonths'] = null;
  if (start < 0) {
    caveats.push(end < 0 ? caveat('NO_TREND_TEST', 'no trend test: no whole month in the series')
      : factCaveat('NO_TREND_TEST', `no trend test: no feed covers ${series.keys[end]!}, the last month of the series`,
        { fact: 'NOT_COVERED', periods: [monthOfSeries(series.keys[end]!)] }, `there is no trend test (no data for ${series.keys[end]!}, the last month of the series)`));
  } else {
    if (start > 0) {
      const stretch = end === start ? `the month ${series.keys[start]!}` : `the ${end - start + 1} months ${series.keys[start]!} to ${series.keys[end]!}`;
      caveats.push(factCaveat('TREND_COVERED_STRETCH', `the trend test runs over ${stretch} that the feeds cover without a gap up to the window; no feed covers ${series.keys[start - 1]!}, so the months before it are not in the test`,
        { fact: 'NOT_COVERED', periods: [monthOfSeries(series.keys[start - 1]!)] }, `the trend test runs over ${stretch} only`, end - start + 1));
    }
    try {
      trend = trendTest(series.counts.slice(start, end + 1) as number[], { alpha, unit: 'month' });
      trendMonths = { from: series.keys[start]!, to: series.keys[end]!, count: end - start + 1 };
    } catch (e) {
      if (!(e instanceof InsufficientDataError)) throw e;
      caveats.push(caveat('NO_TREND_TEST', `no trend test: ${e.message}${start > 0 ? ` (the months the feeds cover without a gap up to the window, ${start === end ? series.keys[start]! : `${series.keys[start]!} to ${series.keys[end]!}`})` : ''}`));
    }
  }
  // the series' coverage caveats are the analysis's own (its other caveats stay with the series, as before)
  const coverageCodes = new Set(['NO_DATA_PERIODS', 'OUTSIDE_COVERAGE', 'PARTLY_COVERED']);
  const result: TrendsResult = { comparison, byDistrict, series, trend, caveats: [...comparison.caveats, ...series.caveats.filter((c) => coverageCodes.has(c.code))] };
  return coveredEnvelope(ctx, 'trends', {
    window: { fromMs: readFrom, toMs: w.to },
    ...(asOf === undefined ? {} : { asOf }),
    classification: classificationOf(cols),
    filter: f,
    incidentsRead: cols.length,
    parameters: { window: unit, seriesMonths, alpha },
    result,
    annotations: {
      window: {
        from: ISO(w.from), to: ISO(w.to), previousFrom: ISO(w.previousFrom), lastYearFrom: ISO(lastYearFrom), lastYearTo: ISO(lastYearTo),
        chosen: w.chosen, seriesFrom: ISO(seriesFrom), requestedTo: ISO(requested.to),
      },
      sentences: {
        previous: comparison.previous?.summary ?? notComparedSummary(comparison, 'previous')!,
        lastYear: comparison.lastYear?.summary ?? notComparedSummary(comparison, 'lastYear')!,
        trend: trend?.summary ?? null,
      },
      trendMonths,
      coverageKnown: coverage !== undefined,
    },
    caveats,
  });
}
