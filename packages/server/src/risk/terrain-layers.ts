/**
 * Risk-terrain layers supplied by the user as GeoJSON (roads, the border, gas fields, ports, CPEC
 * routes, checkpoints), turned into one factor value per area: log(1 + km from the area's centre
 * to the nearest feature), or log(1 + point features within a radius). Nothing is downloaded: the
 * layers are files the analyst gives.
 *
 * Distances: points, line segments and polygon rings (the boundary; a centre inside a polygon is
 * at distance 0) on a local equirectangular projection around the area's centre, exact enough at
 * the tens of km that matter here (error below 0.5 % within 500 km away from the poles).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BaseeratError } from '@baseerat/engine';
import { z } from 'zod';

export const TerrainLayerSpecSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'a short lower-case name (letters, digits, _)'),
  measure: z.enum(['distance', 'density']).default('distance'),
  /** For density: count point features within this many km. */
  radiusKm: z.number().positive().max(500).default(10),
});
export type TerrainLayerSpec = z.infer<typeof TerrainLayerSpecSchema>;

type Pos = readonly [number, number];
export interface TerrainLayer {
  spec: TerrainLayerSpec;
  points: Pos[];
  segments: [Pos, Pos][];
  polygons: Pos[][][];
  features: number;
}

const KM_PER_DEG = 111.19492664455873; // 6371.0088 km * pi / 180

function asPos(c: unknown, where: string): Pos {
  if (!Array.isArray(c) || c.length < 2 || typeof c[0] !== 'number' || typeof c[1] !== 'number' || !Number.isFinite(c[0]) || !Number.isFinite(c[1])) {
    throw new BaseeratError('VALIDATION', `${where}: expected a [lon, lat] position, got ${JSON.stringify(c)?.slice(0, 60)}`, { field: 'layer' });
  }
  return [c[0], c[1]];
}

/** Reads a GeoJSON FeatureCollection (or a single Feature / geometry) into points, segments and polygons. */
export function parseTerrainLayer(spec: TerrainLayerSpec, geojson: unknown): TerrainLayer {
  const layer: TerrainLayer = { spec, points: [], segments: [], polygons: [], features: 0 };
  const where = `layer ${spec.name}`;
  const line = (cs: unknown, w: string) => {
    if (!Array.isArray(cs)) throw new BaseeratError('VALIDATION', `${w}: expected an array of positions`, { field: 'layer' });
    const ps = cs.map((c, i) => asPos(c, `${w}[${i}]`));
    for (let i = 1; i < ps.length; i++) layer.segments.push([ps[i - 1]!, ps[i]!]);
    if (ps.length === 1) layer.points.push(ps[0]!);
    return ps;
  };
  const geometry = (g: unknown, w: string): void => {
    if (g === null || typeof g !== 'object') throw new BaseeratError('VALIDATION', `${w}: expected a GeoJSON geometry`, { field: 'layer' });
    const o = g as { type?: unknown; coordinates?: unknown; geometries?: unknown };
    const cs = o.coordinates;
    switch (o.type) {
      case 'Point': layer.points.push(asPos(cs, w)); break;
      case 'MultiPoint': (cs as unknown[]).forEach((c, i) => layer.points.push(asPos(c, `${w}[${i}]`))); break;
      case 'LineString': line(cs, w); break;
      case 'MultiLineString': (cs as unknown[]).forEach((l, i) => line(l, `${w}[${i}]`)); break;
      case 'Polygon': layer.polygons.push((cs as unknown[]).map((r, i) => line(r, `${w}[${i}]`))); break;
      case 'MultiPolygon': (cs as unknown[]).forEach((p, j) => layer.polygons.push((p as unknown[]).map((r, i) => line(r, `${w}[${j}][${i}]`)))); break;
      case 'GeometryCollection': (o.geometries as unknown[]).forEach((x, i) => geometry(x, `${w}.geometries[${i}]`)); break;
      default: throw new BaseeratError('VALIDATION', `${w}: geometry type ${JSON.stringify(o.type)} is not a GeoJSON geometry`, { field: 'layer' });
    }
  };
  const g = geojson as { type?: unknown; features?: unknown; geometry?: unknown };
  if (g?.type === 'FeatureCollection') {
    if (!Array.isArray(g.features)) throw new BaseeratError('VALIDATION', `${where}: features must be an array`, { field: 'layer' });
    g.features.forEach((f: { geometry?: unknown }, i: number) => { if (f?.geometry !== null && f?.geometry !== undefined) { geometry(f.geometry, `${where} feature ${i}`); layer.features++; } });
  } else if (g?.type === 'Feature') {
    geometry(g.geometry, `${where} feature`); layer.features = 1;
  } else {
    geometry(g, where); layer.features = 1;
  }
  if (layer.points.length + layer.segments.length === 0) throw new BaseeratError('VALIDATION', `${where} has no geometry`, { field: 'layer' });
  return layer;
}

function pointInRing(lon: number, lat: number, ring: readonly Pos[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!, [xj, yj] = ring[j]!;
    if ((yi > lat) !== (yj > lat) && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Distance in km from (lat, lon) to the nearest feature of the layer (0 inside a polygon). */
export function distanceToLayerKm(layer: TerrainLayer, lat: number, lon: number): number {
  const kx = KM_PER_DEG * Math.cos((lat * Math.PI) / 180), ky = KM_PER_DEG;
  for (const poly of layer.polygons) {
    if (poly[0] !== undefined && pointInRing(lon, lat, poly[0]) && !poly.slice(1).some((h) => pointInRing(lon, lat, h))) return 0;
  }
  let best = Infinity;
  for (const [x, y] of layer.points) best = Math.min(best, Math.hypot((x - lon) * kx, (y - lat) * ky));
  for (const [[x1, y1], [x2, y2]] of layer.segments) {
    const ax = (x1 - lon) * kx, ay = (y1 - lat) * ky, bx = (x2 - lon) * kx, by = (y2 - lat) * ky;
    const dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
    const t = len2 > 0 ? Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len2)) : 0;
    best = Math.min(best, Math.hypot(ax + t * dx, ay + t * dy));
  }
  return best;
}

/** Point features (and line/polygon vertices) within radiusKm of (lat, lon). */
export function pointsWithinKm(layer: TerrainLayer, lat: number, lon: number, radiusKm: number): number {
  const kx = KM_PER_DEG * Math.cos((lat * Math.PI) / 180);
  let n = 0;
  for (const [x, y] of layer.points) if (Math.hypot((x - lon) * kx, (y - lat) * KM_PER_DEG) <= radiusKm) n++;
  return n;
}

/** The factor of one layer for area centres: log(1 + km) or log(1 + count within the radius). */
export function terrainFactor(layer: TerrainLayer, centres: readonly { lat: number; lon: number }[]): { name: string; description: string; values: Float64Array } {
  const s = layer.spec;
  const values = Float64Array.from(centres, (c) => Math.log1p(s.measure === 'distance' ? distanceToLayerKm(layer, c.lat, c.lon) : pointsWithinKm(layer, c.lat, c.lon, s.radiusKm)));
  return {
    name: `${s.name}_${s.measure}`,
    description: s.measure === 'distance' ? `log(1 + km from the area's centre to the nearest ${s.name} feature)` : `log(1 + ${s.name} points within ${s.radiusKm} km of the area's centre)`,
    values,
  };
}

/**
 * Every `*.geojson` file of a directory as a distance layer named after the file
 * (`cpec_routes.geojson` -> `cpec_routes`); `NAME.density-KM.geojson` makes a density layer with
 * that radius. What `baseerat serve --risk-layers DIR` gives `GET /api/risk` and `POST /api/allocation`.
 */
export function loadTerrainLayerDir(dir: string): TerrainLayer[] {
  let files: string[];
  try { files = readdirSync(dir).filter((f) => f.toLowerCase().endsWith('.geojson')).sort(); } catch (e) {
    throw new BaseeratError('CONFIG', `risk layers: cannot read directory ${dir} (${(e as Error).message})`, { field: 'riskLayers' });
  }
  return files.map((f) => {
    const m = /^(.+?)(?:\.density-([0-9.]+))?\.geojson$/i.exec(f)!;
    const name = m[1]!.toLowerCase().replace(/[^a-z0-9_]/g, '_').replace(/^[^a-z]+/, '');
    const spec = TerrainLayerSpecSchema.safeParse({ name, measure: m[2] === undefined ? 'distance' : 'density', ...(m[2] === undefined ? {} : { radiusKm: Number(m[2]) }) });
    if (!spec.success) throw new BaseeratError('CONFIG', `risk layer ${f}: ${spec.error.issues.map((i) => i.message).join('; ')}`, { field: 'riskLayers' });
    let json: unknown;
    try { json = JSON.parse(readFileSync(join(dir, f), 'utf8')); } catch (e) {
      throw new BaseeratError('CONFIG', `risk layer ${f}: not JSON (${(e as Error).message})`, { field: 'riskLayers' });
    }
    return parseTerrainLayer(spec.data, json);
  });
}
