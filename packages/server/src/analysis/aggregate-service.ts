/**
 * aggregateService: counts and harm by district (or H3 cell) and by month (or week, day, or the whole
 * window), with rates per 100,000 residents from the 2023 census for districts
 * (engine/analysis/aggregate.ts). The annotations total each district over the window, joined to its
 * population, for the terminal table and the district choropleth GeoJSON.
 */
import { aggregate, type AggregateOptions, type AggregateResult, type Period } from '@baseerat/engine';
import {
  classificationOf, coveredEnvelope, noIncidentsCaveat, readColumns, readWindow, resolveFilter,
  type AnalysisContext, type AnalysisEnvelope, type AnalysisFilter,
} from './analysis-request.js';
import { joinDistricts } from './geojson.js';
import type { DistrictFeatureCollection, Geography } from '@baseerat/engine';

export interface AggregateServiceOptions {
  filter?: AnalysisFilter;
  /** 'district' (default) or an H3 resolution 5-9. */
  space?: 'district' | { h3: number };
  /** 'month' (default), 'week', 'day' or 'none' (one row per area over the whole window). */
  period?: Period | 'none';
  byGroup?: boolean;
}

export interface DistrictTotal {
  district: string;
  count: number;
  killed: number;
  injured: number;
  abducted: number;
  harm: number;
  population: number | null;
  countPer100k: number | null;
  harmPer100k: number | null;
}

export interface AggregateAnnotations {
  /** District rows summed over periods and groups, largest count first (district space only). */
  districtTotals: DistrictTotal[];
}

export type AggregateEnvelope = AnalysisEnvelope<'aggregate', AggregateOptions, AggregateResult, AggregateAnnotations>;

export async function aggregateService(ctx: AnalysisContext, options: AggregateServiceOptions = {}): Promise<AggregateEnvelope> {
  const f = resolveFilter(options.filter ?? {}, ctx.geography);
  const cols = await readColumns(ctx, f);
  const space = options.space ?? 'district';
  const period = options.period ?? 'month';
  const population: Record<string, number> = {};
  for (const name of cols.districtNames) {
    const p = ctx.geography.population(name);
    if (p !== undefined && p > 0) population[name] = p;
  }
  const engineOptions: AggregateOptions = {
    space: space === 'district' ? { kind: 'district' } : { kind: 'h3', resolution: space.h3 },
    ...(period === 'none' ? {} : { period }),
    ...(options.byGroup === true ? { byCategoryGroup: true } : {}),
    ...(space === 'district' ? { population } : {}),
  };
  const result = aggregate(cols, engineOptions);
  const totals = new Map<string, DistrictTotal>();
  if (space === 'district') {
    for (const r of result.rows) {
      const name = r.area!;
      let t = totals.get(name);
      if (t === undefined) {
        const pop = population[name] ?? null;
        t = { district: name, count: 0, killed: 0, injured: 0, abducted: 0, harm: 0, population: pop, countPer100k: null, harmPer100k: null };
        totals.set(name, t);
      }
      t.count += r.count; t.killed += r.killed; t.injured += r.injured; t.abducted += r.abducted; t.harm += r.harm;
    }
    for (const t of totals.values()) if (t.population !== null) { t.countPer100k = (t.count / t.population) * 1e5; t.harmPer100k = (t.harm / t.population) * 1e5; }
  }
  const { population: _p, ...parameters } = engineOptions;
  return coveredEnvelope(ctx, 'aggregate', {
    window: readWindow(f, cols),
    classification: classificationOf(cols),
    filter: f,
    incidentsRead: cols.length,
    parameters,
    result,
    annotations: { districtTotals: [...totals.values()].sort((a, b) => b.count - a.count || (a.district < b.district ? -1 : 1)) },
    caveats: noIncidentsCaveat(cols.length),
  });
}

/**
 * District polygons (2023) with the window's totals; districts without incidents get zeros, and a
 * rate of zero only where the census gives a population (else null).
 */
export function aggregateGeoJSON(env: AggregateEnvelope, districts: DistrictFeatureCollection, geography: Geography): ReturnType<typeof joinDistricts> {
  const byName = new Map(env.annotations.districtTotals.map((t) => [t.district, { ...t } as Record<string, unknown>]));
  return joinDistricts(districts, byName, (name) => {
    const population = geography.population(name) ?? null;
    const rate = population !== null && population > 0 ? 0 : null;
    return { district: name, count: 0, killed: 0, injured: 0, abducted: 0, harm: 0, population, countPer100k: rate, harmPer100k: rate };
  });
}
