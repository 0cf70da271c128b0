/**
 * emergingHotspotsService: which hot spots are new, intensifying, persistent, fading or sporadic?
 * Builds a monthly or weekly space-time cube (Pakistan-time calendar months, ISO weeks) of H3 cells
 * and runs the engine's emerging hot spot analysis (space-time Gi*, FDR, Mann-Kendall on each cell's
 * z series, 17 categories). Default window: the 36 months (or 52 weeks) ending with the latest
 * incident's month (week).
 */
import {
  analyseEmergingHotspots, BaseeratError, buildSpaceTimeCube, DAY_MS, localDay, localDayStart, periodKeyOfDay, periodStartDay,
  type CellGrid, type EmergingHotspotResult, type SpaceTimeCubeOptions,
} from '@baseerat/engine';
import {
  calendarUnitStart, classificationOf, coveredEnvelope, ISO, noIncidentsCaveat, readColumns, resolveFilter, timeExtent,
  type AnalysisContext, type AnalysisEnvelope, type AnalysisFilter,
} from './analysis-request.js';
import { cellCentre, cellFeatureCollection, districtOfPoint } from './geojson.js';

export interface EmergingHotspotsServiceOptions {
  filter?: AnalysisFilter;
  period?: 'month' | 'week';
  /** Steps in the default window (36 months or 52 weeks). */
  steps?: number;
  /** H3 resolution 5-9. Default 5. */
  resolution?: number;
  k?: number;
  /** Neighbourhood time lag in steps. Default 1. */
  timeLag?: number;
  alpha?: number;
  includeNear?: boolean;
}

/** Step boundaries: Pakistan-time month starts or ISO-week Mondays, covering [from, to). */
export function stepEdgesFor(period: 'month' | 'week', from: number, to: number): number[] {
  const edges: number[] = [];
  if (period === 'month') {
    for (let s = calendarUnitStart(from, 'month'); ; s = calendarUnitStart(s, 'month', 1)) { edges.push(s); if (s >= to) break; }
  } else {
    for (let d = periodStartDay(localDay(from), 'week'); ; d += 7) { const s = localDayStart(d); edges.push(s); if (s >= to) break; }
  }
  return edges;
}

export interface EmergingAnnotations {
  window: { from: string; to: string; chosen: 'given' | 'default' };
  /** Label of each step: 'YYYY-MM' or 'YYYY-Www'. */
  steps: string[];
  cube: { nEvents: number; nInCube: number };
  districtOfCell: Record<string, string | null>;
  /** Centre of each cell as [lon, lat], so a map can draw the cells without an H3 library. */
  centreOfCell: Record<string, [number, number]>;
}

export type EmergingEnvelope = AnalysisEnvelope<'emerging', { period: 'month' | 'week'; grid: CellGrid; k: number; timeLag: number; alpha: number; includeNear: boolean }, EmergingHotspotResult, EmergingAnnotations>;

export async function emergingHotspotsService(ctx: AnalysisContext, options: EmergingHotspotsServiceOptions = {}): Promise<EmergingEnvelope> {
  const f = resolveFilter(options.filter ?? {}, ctx.geography);
  const period = options.period ?? 'month';
  const grid: CellGrid = { kind: 'h3', resolution: options.resolution ?? 5 };
  const k = options.k ?? 1, timeLag = options.timeLag ?? 1, alpha = options.alpha ?? 0.05, includeNear = options.includeNear ?? true;
  let from = f.fromMs, to = f.toMs;
  let chosen: 'given' | 'default' = 'given';
  if (from === undefined || to === undefined) {
    chosen = 'default';
    const all = await readColumns(ctx, f);
    const ext = timeExtent(all);
    if (ext === undefined) throw new BaseeratError('INSUFFICIENT_DATA', 'no incident with a valid time matches the filter', { field: 'filter' });
    const steps = options.steps ?? (period === 'month' ? 36 : 52);
    if (!(Number.isInteger(steps) && steps >= 3)) throw new BaseeratError('VALIDATION', `steps must be an integer of at least 3, got ${steps}`, { field: 'steps' });
    to ??= period === 'month' ? calendarUnitStart(ext.last, 'month', 1) : localDayStart(periodStartDay(localDay(ext.last), 'week') + 7);
    from ??= period === 'month' ? calendarUnitStart(to - 1, 'month', 1 - steps) : to - steps * 7 * DAY_MS;
  }
  const stepEdges = stepEdgesFor(period, from, to);
  const cols = await readColumns(ctx, f, { fromMs: stepEdges[0]!, toMs: stepEdges[stepEdges.length - 1]! });
  const cubeOptions: SpaceTimeCubeOptions = { grid, stepEdges, neighbours: { kind: 'kring', k }, includeNear };
  const cube = buildSpaceTimeCube(cols, cubeOptions);
  const result = analyseEmergingHotspots(cube, { grid, neighbours: { kind: 'kring', k }, timeLag, alpha });
  const districtOfCell: Record<string, string | null> = {};
  const centreOfCell: Record<string, [number, number]> = {};
  for (const c of result.cells) {
    const p = cellCentre(c.id, grid);
    districtOfCell[c.id] = districtOfPoint(ctx.geography, p.lat, p.lon);
    centreOfCell[c.id] = [p.lon, p.lat];
  }
  return coveredEnvelope(ctx, 'emerging', {
    window: { fromMs: stepEdges[0]!, toMs: stepEdges[stepEdges.length - 1]! },
    classification: classificationOf(cols),
    filter: f,
    incidentsRead: cols.length,
    parameters: { period, grid, k, timeLag, alpha, includeNear },
    result,
    annotations: {
      window: { from: ISO(stepEdges[0]!), to: ISO(stepEdges[stepEdges.length - 1]!), chosen },
      steps: stepEdges.slice(0, -1).map((s) => periodKeyOfDay(localDay(s), period)),
      cube: { nEvents: cube.nEvents, nInCube: cube.nInCube },
      districtOfCell,
      centreOfCell,
    },
    caveats: noIncidentsCaveat(cols.length),
  });
}

/** Cells as polygons with their category, trend and total count. */
export function emergingGeoJSON(env: EmergingEnvelope): ReturnType<typeof cellFeatureCollection> {
  const grid = env.parameters.grid as CellGrid;
  return cellFeatureCollection(env.result.cells.map((c) => ({
    id: c.id,
    properties: { id: c.id, category: c.category, tau: c.tau, trendP: c.trendP, totalCount: c.totalCount, district: env.annotations.districtOfCell[c.id] ?? null, status: c.status.join(',') },
  })), grid);
}
