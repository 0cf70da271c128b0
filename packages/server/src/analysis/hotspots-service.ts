/**
 * hotspotsService: where incidents concentrate beyond chance. Getis-Ord Gi* with Benjamini-Hochberg
 * FDR on H3 cells (resolution 5-9) or a square grid, optionally Local Moran's I with seeded
 * permutations (engine/analysis/hotspots.ts). The service reads the store, names the district of each
 * cell's centre (2023 boundaries), ranks the hot cells and draws the cells as GeoJSON.
 */
import { gridDisk } from 'h3-js';
import { analyseHotspots, DEFAULT_HARM_WEIGHTS, type CellGrid, type HotspotOptions, type HotspotResult } from '@baseerat/engine';
import type { IncidentColumns } from '../store/index.js';
import {
  classificationOf, coveredEnvelope, noIncidentsCaveat, readColumns, readWindow, resolveFilter,
  type AnalysisContext, type AnalysisEnvelope, type AnalysisFilter,
} from './analysis-request.js';
import { cellCentre, cellFeatureCollection, districtOfPoint } from './geojson.js';

export interface HotspotsServiceOptions {
  filter?: AnalysisFilter;
  /** H3 resolution 5-9. Default 5 (about 15 km between cell centres: UCDP positions are often within 25 km only). */
  resolution?: number;
  /** Square cells of this size in metres instead of H3. */
  squareMetres?: number;
  /** k-ring neighbours. Default 1. */
  k?: number;
  /** Also compute Local Moran's I with permutations. Default false. */
  moran?: boolean;
  permutations?: number;
  seed?: number;
  /** Bin events located only within 25 km. Default true (the engine's default; a caveat counts them). */
  includeNear?: boolean;
  /** Analyse incident counts or harm (killed + 0.5 injured + 0.5 abducted). Default 'count'. */
  measure?: 'count' | 'harm';
  /** Hot cells listed in the annotations. Default 15. */
  top?: number;
}

export interface RankedCell {
  id: string;
  district: string | null;
  lat: number;
  lon: number;
  count: number;
  value: number;
  /** Incidents in the cell and its k-ring neighbours: what Gi* sums (a cell with none of its own can be hot). */
  neighbourhoodCount: number;
  giZ: number;
  giPFdr: number;
  giBinFdr: number;
}

export interface HotspotsAnnotations {
  /** District of each study cell's centre (null outside Pakistan's 2023 districts). */
  districtOfCell: Record<string, string | null>;
  /** Hot cells after FDR, strongest first. */
  topHot: RankedCell[];
  /** Cold cells after FDR, strongest first. */
  topCold: RankedCell[];
}

export type HotspotsEnvelope = AnalysisEnvelope<'hotspots', Omit<HotspotOptions, 'weights'> & { measure: 'count' | 'value' }, HotspotResult, HotspotsAnnotations>;

/** The engine options a service request turns into (exported so tests run the engine with the same ones). */
export function hotspotEngineOptions(cols: Pick<IncidentColumns, 'killed' | 'injured' | 'abducted' | 'length'>, o: HotspotsServiceOptions): HotspotOptions & { measure: 'count' | 'value' } {
  const grid: CellGrid = o.squareMetres === undefined ? { kind: 'h3', resolution: o.resolution ?? 5 } : { kind: 'square', cellSizeMetres: o.squareMetres };
  const base: HotspotOptions & { measure: 'count' | 'value' } = {
    grid,
    neighbours: { kind: 'kring', k: o.k ?? 1 },
    statistics: o.moran === true ? ['giStar', 'localMoran'] : ['giStar'],
    includeNear: o.includeNear ?? true,
    measure: o.measure === 'harm' ? 'value' : 'count',
    permutations: o.permutations ?? 999,
    seed: o.seed ?? 12345,
  };
  if (o.measure === 'harm') {
    const w = new Float64Array(cols.length);
    for (let i = 0; i < cols.length; i++) w[i] = DEFAULT_HARM_WEIGHTS.killed * cols.killed[i]! + DEFAULT_HARM_WEIGHTS.injured * cols.injured[i]! + DEFAULT_HARM_WEIGHTS.abducted * cols.abducted[i]!;
    base.weights = w;
  }
  return base;
}

export async function hotspotsService(ctx: AnalysisContext, options: HotspotsServiceOptions = {}): Promise<HotspotsEnvelope> {
  const f = resolveFilter(options.filter ?? {}, ctx.geography);
  const cols = await readColumns(ctx, f);
  const engineOptions = hotspotEngineOptions(cols, options);
  const moran = engineOptions.statistics?.includes('localMoran') === true;
  const label = `Local Moran, ${engineOptions.permutations} permutations`;
  if (moran) ctx.onProgress?.({ phase: 'start', label });
  const result = analyseHotspots(cols, moran ? { ...engineOptions, onProgress: (done, total) => ctx.onProgress?.({ phase: 'progress', label, done, total }) } : engineOptions);
  if (moran) ctx.onProgress?.({ phase: 'done', label: 'Local Moran' });
  const districtOfCell: Record<string, string | null> = {};
  const centres = new Map<string, { lat: number; lon: number }>();
  for (const c of result.cells) {
    const p = cellCentre(c.id, result.grid, result.squareOrigin);
    centres.set(c.id, p);
    districtOfCell[c.id] = districtOfPoint(ctx.geography, p.lat, p.lon);
  }
  const countOf = new Map(result.cells.map((c) => [c.id, c.count]));
  const k = options.k ?? 1;
  const ring = (id: string): string[] => {
    if (result.grid.kind === 'h3') return gridDisk(id, k);
    const [, col, row] = id.split(':').map(Number) as [number, number, number];
    const out: string[] = [];
    for (let dc = -k; dc <= k; dc++) for (let dr = -k; dr <= k; dr++) out.push(`sq:${col + dc}:${row + dr}`);
    return out;
  };
  const neighbourhoodCount = (id: string): number => ring(id).reduce((s, d) => s + (countOf.get(d) ?? 0), 0);
  const rank = (sign: 1 | -1): RankedCell[] => result.cells
    .filter((c) => c.giBinFdr !== undefined && sign * c.giBinFdr > 0)
    .sort((a, b) => sign * (b.giZ! - a.giZ!) || (a.id < b.id ? -1 : 1))
    .slice(0, options.top ?? 15)
    .map((c) => ({ id: c.id, district: districtOfCell[c.id] ?? null, ...centres.get(c.id)!, count: c.count, value: c.value, neighbourhoodCount: neighbourhoodCount(c.id), giZ: c.giZ!, giPFdr: c.giPFdr!, giBinFdr: c.giBinFdr! }));
  const { weights: _weights, ...parameters } = engineOptions;
  return coveredEnvelope(ctx, 'hotspots', {
    window: readWindow(f, cols),
    classification: classificationOf(cols),
    filter: f,
    incidentsRead: cols.length,
    parameters,
    result,
    annotations: { districtOfCell, topHot: rank(1), topCold: rank(-1) },
    caveats: noIncidentsCaveat(cols.length),
  });
}

/** The study cells as polygons with their statistics and district, for a map. */
export function hotspotsGeoJSON(env: HotspotsEnvelope): ReturnType<typeof cellFeatureCollection> {
  const grid = env.result.grid as CellGrid;
  const origin = env.result.squareOrigin as { lat: number; lon: number } | undefined;
  return cellFeatureCollection(env.result.cells.map((c) => ({ id: c.id, properties: { ...c, district: env.annotations.districtOfCell[c.id] ?? null } })), grid, origin);
}
