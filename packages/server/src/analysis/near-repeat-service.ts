/**
 * nearRepeatService: after an incident, is another more likely nearby and soon? The Knox test with
 * seeded permutations and Benjamini-Hochberg across bands (engine/analysis/near-repeat.ts).
 *
 * Default bands suit province-scale conflict data such as UCDP Balochistan: 0-1 / 1-5 / 5-10 /
 * 10-25 km x 0-7 / 7-14 / 14-30 / 30-60 days. Only exactly located incidents are used by default:
 * a position known to within 25 km cannot be put in a 1 km band (pass exactOnly false to include them,
 * with the engine's caveat). Police data with street addresses wants the engine's 100 m - 1.6 km bands.
 */
import { nearRepeat, type NearRepeatOptions, type NearRepeatResult } from '@baseerat/engine';
import {
  classificationOf, coveredEnvelope, noIncidentsCaveat, readColumns, readWindow, resolveFilter,
  type AnalysisContext, type AnalysisEnvelope, type AnalysisFilter,
} from './analysis-request.js';

export const DEFAULT_NEAR_REPEAT_SPACE_BANDS_M = [1000, 5000, 10000, 25000] as const;
export const DEFAULT_NEAR_REPEAT_TIME_BANDS_DAYS = [7, 14, 30, 60] as const;

export interface NearRepeatServiceOptions {
  filter?: AnalysisFilter;
  spaceBandsMetres?: readonly number[];
  timeBandsDays?: readonly number[];
  /** Only exactly located incidents. Default true. */
  exactOnly?: boolean;
  permutations?: number;
  seed?: number;
  alpha?: number;
}

export type NearRepeatEnvelope = AnalysisEnvelope<'near-repeat', NearRepeatOptions, NearRepeatResult, Record<string, never>>;

export function nearRepeatEngineOptions(o: NearRepeatServiceOptions): NearRepeatOptions {
  return {
    spaceBandsMetres: [...(o.spaceBandsMetres ?? DEFAULT_NEAR_REPEAT_SPACE_BANDS_M)],
    timeBandsDays: [...(o.timeBandsDays ?? DEFAULT_NEAR_REPEAT_TIME_BANDS_DAYS)],
    precision: o.exactOnly ?? true ? 'exact' : 'near',
    permutations: o.permutations ?? 999,
    seed: o.seed ?? 1,
    alpha: o.alpha ?? 0.05,
  };
}

export async function nearRepeatService(ctx: AnalysisContext, options: NearRepeatServiceOptions = {}): Promise<NearRepeatEnvelope> {
  const f = resolveFilter(options.filter ?? {}, ctx.geography);
  const cols = await readColumns(ctx, f);
  const engineOptions = nearRepeatEngineOptions(options);
  ctx.onProgress?.({ phase: 'start', label: `Knox test, ${engineOptions.permutations} permutations`, total: engineOptions.permutations! });
  const label = `Knox test, ${engineOptions.permutations} permutations`;
  const result = nearRepeat(cols, { ...engineOptions, onProgress: (done, total) => ctx.onProgress?.({ phase: 'progress', label, done, total }) });
  ctx.onProgress?.({ phase: 'done', label: 'Knox test' });
  return coveredEnvelope(ctx, 'near-repeat', {
    window: readWindow(f, cols),
    classification: classificationOf(cols),
    filter: f,
    incidentsRead: cols.length,
    parameters: engineOptions,
    result,
    annotations: {},
    caveats: noIncidentsCaveat(cols.length),
  });
}
