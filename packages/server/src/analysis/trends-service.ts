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
 */
import {
  caveat, changeByDistrict, compareWindows, countSeries, DAY_MS, InsufficientDataError, KARACHI_OFFSET_MS, oneYearEarlier, trendTest,
  type AreaChange, type Caveat, type CountSeries, type TrendResult, type WindowComparison,
} from '@baseerat/engine';
import {
  calendarUnitStart, classificationOf, comparisonWindow, endOfLocalDay, envelope, ISO, noIncidentsCaveat, previousWindowStart, readColumns, resolveFilter, timeExtent,
  type AnalysisContext, type AnalysisEnvelope, type AnalysisFilter, type CalendarUnit, type ComparisonWindow,
} from './analysis-request.js';

export interface TrendsOptions {
  filter?: AnalysisFilter;
  /** Calendar unit of the default window (the one holding the latest incident). Default 'month'. */
  window?: CalendarUnit;
  /** Months in the Mann-Kendall series, ending with the current window. Default 36. */
  seriesMonths?: number;
  alpha?: number;
  /** The time the data are known up to (a report's `now`): a window reaching past it is cut there. */
  asOf?: Date;
}

export interface TrendsResult {
  comparison: WindowComparison;
  byDistrict: { areas: AreaChange[]; caveats: Caveat[] };
  series: CountSeries;
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
  /** The three sentences an analyst reads first. */
  sentences: { previous: string; lastYear: string; trend: string | null };
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
  const asOf = options.asOf?.getTime();
  const requested = comparisonWindow(f, latest, unit);
  // where the data end: asOf, and for the default window the day of the latest incident
  const latestEnd = requested.chosen === 'default' && latest !== undefined ? endOfLocalDay(latest) : Infinity;
  const dataEnd = Math.min(asOf ?? Infinity, latestEnd);
  const why = dataEnd === asOf ? `as of ${ISO(asOf)}` : 'the day of the latest incident';
  const { window: w, caveats: cutCaveats } = cutAtDataEnd(requested, dataEnd, why);
  const lastYearFrom = oneYearEarlier(w.from), lastYearTo = oneYearEarlier(w.to);
  const seriesFrom = Math.min(calendarUnitStart(w.to - 1, 'month', 1 - seriesMonths), w.from);
  const readFrom = Math.min(w.previousFrom, lastYearFrom, seriesFrom);
  cols = await readColumns(ctx, f, { fromMs: readFrom, toMs: w.to });

  const comparison = compareWindows(cols, { from: w.from, to: w.to, previousFrom: w.previousFrom, alpha });
  const byDistrict = changeByDistrict(cols, { from: w.from, to: w.to, previousFrom: w.previousFrom, alpha });
  const series = countSeries(cols, { from: seriesFrom, to: w.to, period: 'month' });
  const caveats: Caveat[] = [...noIncidentsCaveat(cols.length), ...cutCaveats];
  // a last month only partly in the window would read as a fall at the series' end: left out of the test
  const lastPartial = calendarUnitStart(w.to, 'month') !== w.to;
  if (lastPartial) {
    const i = series.keys.length - 1;
    const d = Math.round(series.days[i]! * 10) / 10;
    caveats.push(caveat('PARTIAL_MONTH_LEFT_OUT', `the trend test leaves out ${series.keys[i]!}, which the window covers only in part (${d} day${d === 1 ? '' : 's'})`));
  }
  let trend: TrendResult | null = null;
  try {
    trend = trendTest(lastPartial ? series.counts.slice(0, -1) : series.counts, { alpha, unit: 'month' });
  } catch (e) {
    if (!(e instanceof InsufficientDataError)) throw e;
    caveats.push(caveat('NO_TREND_TEST', `no trend test: ${e.message}`));
  }
  const result: TrendsResult = { comparison, byDistrict, series, trend, caveats: [...comparison.caveats] };
  return envelope('trends', {
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
      sentences: { previous: comparison.previous.summary, lastYear: comparison.lastYear.summary, trend: trend?.summary ?? null },
    },
    caveats,
  });
}
