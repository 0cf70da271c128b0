/**
 * GeoJSON for maps: analysis cells as polygons (H3 hexagons by h3-js `cellToBoundary`, square-grid
 * cells by inverting the engine's local equirectangular projection) and district results joined to
 * the shipped 2023 district polygons. Coordinates are [longitude, latitude] (RFC 7946), rings closed.
 */
import { cellToBoundary, cellToLatLng, isValidCell } from 'h3-js';
import { BaseeratError, EARTH_RADIUS_METRES, type CellGrid, type DistrictFeatureCollection, type Geography } from '@baseerat/engine';

export type Position = [number, number];
export interface PolygonFeature<P> {
  type: 'Feature';
  id?: string;
  geometry: { type: 'Polygon'; coordinates: Position[][] };
  properties: P;
}
export interface FeatureCollection<F> {
  type: 'FeatureCollection';
  features: F[];
}

/** Cell centre (lat, lon) of an H3 cell or a square-grid cell `sq:<col>:<row>`. */
export function cellCentre(id: string, grid: CellGrid, squareOrigin?: { lat: number; lon: number }): { lat: number; lon: number } {
  if (grid.kind === 'h3') {
    const [lat, lon] = cellToLatLng(id);
    return { lat, lon };
  }
  const [col, row] = squareIndices(id);
  return unproject((col + 0.5) * grid.cellSizeMetres, (row + 0.5) * grid.cellSizeMetres, origin(squareOrigin));
}

function origin(o: { lat: number; lon: number } | undefined): { lat: number; lon: number } {
  if (o === undefined) throw new BaseeratError('VALIDATION', 'a square grid needs its origin (result.squareOrigin) to draw cells', { field: 'squareOrigin' });
  return o;
}

function squareIndices(id: string): [number, number] {
  const m = /^sq:(-?\d+):(-?\d+)$/.exec(id);
  if (m === null) throw new BaseeratError('VALIDATION', `cell id ${JSON.stringify(id)} is not a square-grid cell sq:<col>:<row>`, { field: 'cell' });
  return [Number(m[1]), Number(m[2])];
}

/** Inverse of the engine's projectEquirectangular. */
function unproject(x: number, y: number, o: { lat: number; lon: number }): { lat: number; lon: number } {
  const deg = 180 / Math.PI;
  return { lat: o.lat + (y / EARTH_RADIUS_METRES) * deg, lon: o.lon + (x / (EARTH_RADIUS_METRES * Math.cos(o.lat / deg))) * deg };
}

/** The cell's outline as a closed ring of [lon, lat]. */
export function cellRing(id: string, grid: CellGrid, squareOrigin?: { lat: number; lon: number }): Position[] {
  if (grid.kind === 'h3') {
    if (!isValidCell(id)) throw new BaseeratError('VALIDATION', `cell id ${JSON.stringify(id)} is not an H3 cell`, { field: 'cell' });
    const ring = cellToBoundary(id, true) as Position[];
    const a = ring[0]!, b = ring[ring.length - 1]!;
    if (a[0] !== b[0] || a[1] !== b[1]) ring.push([a[0], a[1]]);
    return ring;
  }
  const [c, r] = squareIndices(id);
  const s = grid.cellSizeMetres, o = origin(squareOrigin);
  const corners: [number, number][] = [[c * s, r * s], [(c + 1) * s, r * s], [(c + 1) * s, (r + 1) * s], [c * s, (r + 1) * s], [c * s, r * s]];
  return corners.map(([x, y]) => { const p = unproject(x, y, o); return [p.lon, p.lat]; });
}

export function cellFeatureCollection<P>(cells: readonly { id: string; properties: P }[], grid: CellGrid, squareOrigin?: { lat: number; lon: number }): FeatureCollection<PolygonFeature<P>> {
  return {
    type: 'FeatureCollection',
    features: cells.map((c) => ({ type: 'Feature', id: c.id, geometry: { type: 'Polygon', coordinates: [cellRing(c.id, grid, squareOrigin)] }, properties: c.properties })),
  };
}

/** District (2023 boundaries) containing a cell's centre, or the nearest within 10 km (coastal cells); null otherwise. */
export function districtOfPoint(geography: Geography, lat: number, lon: number): string | null {
  return geography.locate(lat, lon)?.district ?? geography.locateWithin(lat, lon, 10)?.district ?? null;
}

/**
 * The shipped district polygons with `properties` merged in by district name. Districts without a
 * row keep their own properties and get `fill(name)` (e.g. zeros) so that a choropleth shows them
 * as zero rather than missing; without `fill` they are left bare.
 */
export function joinDistricts<P extends Record<string, unknown>>(
  districts: DistrictFeatureCollection,
  byName: ReadonlyMap<string, P>,
  fill?: (name: string) => P,
): { type: 'FeatureCollection'; features: { type: 'Feature'; geometry: unknown; properties: Record<string, unknown> }[] } {
  return {
    type: 'FeatureCollection',
    features: districts.features.map((f) => {
      const name = typeof f.properties?.name === 'string' ? f.properties.name : '';
      const extra = byName.get(name) ?? fill?.(name) ?? {};
      return { type: 'Feature', geometry: f.geometry, properties: { ...(f.properties ?? {}), ...extra } };
    }),
  };
}
