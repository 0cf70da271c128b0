/**
 * trendsService: is the incident rate up or down? The current window against the previous window and
 * the same window a year earlier (exact conditional Poisson test), the same per district with
 * Benjamini-Hochberg across districts, and a Mann-Kendall test with Sen's slope on the monthly series
 * that ends with the window. The statistics are engine/analysis/trends.ts; this file chooses the
 * windows, reads the store and wraps the answer.
 */
import {
  caveat, changeByDistrict, compareWindows, countSeries, InsufficientDataError, oneYearEarlier, trendTest,
  type AreaChange, type Caveat, type CountSeries, type TrendResult, type WindowComparison,
} from '@baseerat/engine';
import {
  calendarUnitStart, classificationOf, comparisonWindow, envelope, ISO, noIncidentsCaveat, readColumns, resolveFilter, timeExtent,
  type AnalysisContext, type AnalysisEnvelope, type AnalysisFilter, type CalendarUnit,
} from './analysis-request.js';

export interface TrendsOptions {
  filter?: AnalysisFilter;
  /** Calendar unit of the default window (the one holding the latest incident). Default 'month'. */
  window?: CalendarUnit;
  /** Months in the Mann-Kendall series, ending with the current window. Default 36. */
  seriesMonths?: number;
  alpha?: number;
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
  window: { from: string; to: string; previousFrom: string; lastYearFrom: string; lastYearTo: string; chosen: 'given' | 'default'; seriesFrom: string };
  /** The three sentences an analyst reads first. */
  sentences: { previous: string; lastYear: string; trend: string | null };
}

export type TrendsEnvelope = AnalysisEnvelope<'trends', Required<Omit<TrendsOptions, 'filter'>>, TrendsResult, TrendsAnnotations>;

export async function trendsService(ctx: AnalysisContext, options: TrendsOptions = {}): Promise<TrendsEnvelope> {
  const f = resolveFilter(options.filter ?? {}, ctx.geography);
  const unit = options.window ?? 'month';
  const seriesMonths = options.seriesMonths ?? 36;
  const alpha = options.alpha ?? 0.05;
  // The latest incident picks the default window, so without a given window the store is read whole.
  const given = f.fromMs !== undefined && f.toMs !== undefined;
  let cols = await readColumns(ctx, f, given ? { toMs: f.toMs! } : {});
  const w = comparisonWindow(f, timeExtent(cols)?.last, unit);
  const lastYearFrom = oneYearEarlier(w.from), lastYearTo = oneYearEarlier(w.to);
  const seriesFrom = Math.min(calendarUnitStart(w.to - 1, 'month', 1 - seriesMonths), w.from);
  const readFrom = Math.min(w.previousFrom, lastYearFrom, seriesFrom);
  cols = await readColumns(ctx, f, { fromMs: readFrom, toMs: w.to });

  const comparison = compareWindows(cols, { from: w.from, to: w.to, previousFrom: w.previousFrom, alpha });
  const byDistrict = changeByDistrict(cols, { from: w.from, to: w.to, previousFrom: w.previousFrom, alpha });
  const series = countSeries(cols, { from: seriesFrom, to: w.to, period: 'month' });
  const caveats: Caveat[] = [...noIncidentsCaveat(cols.length)];
  let trend: TrendResult | null = null;
  try {
    trend = trendTest(series.counts, { alpha, unit: 'month' });
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
      window: { from: ISO(w.from), to: ISO(w.to), previousFrom: ISO(w.previousFrom), lastYearFrom: ISO(lastYearFrom), lastYearTo: ISO(lastYearTo), chosen: w.chosen, seriesFrom: ISO(seriesFrom) },
      sentences: { previous: comparison.previous.summary, lastYear: comparison.lastYear.summary, trend: trend?.summary ?? null },
    },
    caveats,
  });
}
