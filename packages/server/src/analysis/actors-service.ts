/**
 * actorsService: which groups drive the violence, where, how, how lethally, and is any escalating?
 * Threat-actor profiles over a window against the previous one (engine/analysis/actors.ts). Default
 * window: the calendar year (Pakistan time) holding the latest incident, against the year before.
 */
import { actorProfiles, type ActorProfile, type Caveat } from '@baseerat/engine';
import {
  classificationOf, comparisonWindow, coveredEnvelope, ISO, noIncidentsCaveat, readColumns, resolveFilter, timeExtent,
  type AnalysisContext, type AnalysisEnvelope, type AnalysisFilter, type CalendarUnit,
} from './analysis-request.js';

export interface ActorsServiceOptions {
  filter?: AnalysisFilter;
  /** Calendar unit of the default window. Default 'year'. */
  window?: CalendarUnit;
  alpha?: number;
}

export interface ActorsAnnotations {
  window: { from: string; to: string; previousFrom: string; chosen: 'given' | 'default' };
}

export type ActorsEnvelope = AnalysisEnvelope<'actors', { window: CalendarUnit; alpha: number }, { actors: ActorProfile[]; caveats: Caveat[] }, ActorsAnnotations>;

export async function actorsService(ctx: AnalysisContext, options: ActorsServiceOptions = {}): Promise<ActorsEnvelope> {
  const f = resolveFilter(options.filter ?? {}, ctx.geography);
  const unit = options.window ?? 'year';
  const alpha = options.alpha ?? 0.05;
  const given = f.fromMs !== undefined && f.toMs !== undefined;
  const w = comparisonWindow(f, given ? undefined : timeExtent(await readColumns(ctx, f))?.last, unit);
  const cols = await readColumns(ctx, f, { fromMs: w.previousFrom, toMs: w.to });
  const result = actorProfiles(cols, { from: w.from, to: w.to, previousFrom: w.previousFrom, alpha });
  return coveredEnvelope(ctx, 'actors', {
    window: { fromMs: w.previousFrom, toMs: w.to },
    classification: classificationOf(cols),
    filter: f,
    incidentsRead: cols.length,
    parameters: { window: unit, alpha },
    result,
    annotations: { window: { from: ISO(w.from), to: ISO(w.to), previousFrom: ISO(w.previousFrom), chosen: w.chosen } },
    caveats: noIncidentsCaveat(cols.length),
  });
}
