/**
 * seasonalityService: hour of day, day of week, Gregorian and Hijri month profiles with exposure-
 * adjusted chi-square tests (engine/analysis/seasonality.ts) over the filter's window, or, without
 * one, the whole local days from the first to the last incident that match.
 */
import { seasonality, type SeasonalityResult } from '@baseerat/engine';
import {
  classificationOf, coveredEnvelope, endOfLocalDay, ISO, noIncidentsCaveat, readColumns, resolveFilter, timeExtent,
  type AnalysisContext, type AnalysisEnvelope, type AnalysisFilter,
} from './analysis-request.js';
import { BaseeratError, localDay, localDayStart } from '@baseerat/engine';

export interface SeasonalityServiceOptions {
  filter?: AnalysisFilter;
}

export interface SeasonalityAnnotations {
  window: { from: string; to: string; chosen: 'given' | 'data' };
}

export type SeasonalityEnvelope = AnalysisEnvelope<'seasonality', { hijriMethod: string }, SeasonalityResult, SeasonalityAnnotations>;

export async function seasonalityService(ctx: AnalysisContext, options: SeasonalityServiceOptions = {}): Promise<SeasonalityEnvelope> {
  const f = resolveFilter(options.filter ?? {}, ctx.geography);
  const cols = await readColumns(ctx, f);
  const extent = timeExtent(cols);
  if (extent === undefined && (f.fromMs === undefined || f.toMs === undefined)) {
    throw new BaseeratError('INSUFFICIENT_DATA', 'no incident with a valid time matches the filter: give from and to for an empty window', { field: 'filter' });
  }
  const from = f.fromMs ?? localDayStart(localDay(extent!.first));
  const to = f.toMs ?? endOfLocalDay(extent!.last);
  const result = seasonality(cols, { from, to });
  return coveredEnvelope(ctx, 'seasonality', {
    window: { fromMs: from, toMs: to },
    classification: classificationOf(cols),
    filter: f,
    incidentsRead: cols.length,
    parameters: { hijriMethod: result.hijriMethod },
    result,
    annotations: { window: { from: ISO(from), to: ISO(to), chosen: f.fromMs !== undefined && f.toMs !== undefined ? 'given' : 'data' } },
    caveats: noIncidentsCaveat(cols.length),
  });
}
