/**
 * Watch zones: the places a district officer wants to hear about at once, whatever the counts say.
 * A zone is a GeoJSON feature with an `id`:
 *   - Point + `radius_km`: a radius around a site (a cantonment, a gas field, a shrine);
 *   - LineString / MultiLineString + `buffer_km`: a corridor along a highway, a railway, a pipeline;
 *   - Polygon / MultiPolygon: an area as drawn (holes are honoured).
 *
 * What it answers: is an event at (lat, lon) inside the zone, and how far is it from the site,
 * line or boundary (km; 0 inside a polygon).
 * Units: degrees WGS84 in, kilometres out.
 * Complexity: O(1) for the bbox prefilter; O(v) for the v vertices of a zone that passes it.
 * How distances are computed, and why:
 *   - to a point: great-circle (haversine, mean Earth radius 6371.0088 km);
 *   - to a line segment: the foot of the perpendicular is found in a local equirectangular
 *     projection at the segment's mid-latitude (x = cos(phi0) dlon, y = dlat), then the distance to
 *     that foot is measured on the sphere (haversine). The segment is the straight lon/lat line a
 *     web map draws. Against the R reference (scripts/reference/monitor-rules-watch-zones.R:
 *     haversine to the line densified every 5 m) on 200 points near the N25 the difference is
 *     below 1 m; the great-circle segment is within 100 m of it. Both are far below the jitter of
 *     reported coordinates (UCDP `where_prec` 2 is "within 25 km").
 *     Long segments should be split into shorter ones by the zone's author; the parser says so in
 *     a caveat when a segment is longer than 200 km.
 *   - point in polygon: even-odd ray casting in lon/lat (edges treated as straight in degrees,
 *     which is how GeoJSON polygons are drawn on a web map); on the boundary counts as inside.
 * The antimeridian is not handled (Pakistan is far from it).
 * Reference: Sinnott (1984) for the haversine; O'Rourke, Computational Geometry in C (1998), 7.4
 * for the crossing test.
 */
import { z } from 'zod';
import type { FieldIssue, Result } from '../../domain/errors.js';
import { caveat, type Caveat } from '../../domain/caveats.js';
import { EARTH_RADIUS_KM, haversineDistanceKm } from '../../link/haversine-distance.js';

const RAD = Math.PI / 180;
const KM_PER_DEGREE_LAT = EARTH_RADIUS_KM * RAD;

export type LonLat = readonly [lon: number, lat: number];

export type WatchZoneShape =
  | { kind: 'radius'; centre: LonLat; radiusKm: number }
  | { kind: 'corridor'; lines: readonly (readonly LonLat[])[]; bufferKm: number }
  | { kind: 'area'; polygons: readonly (readonly (readonly LonLat[])[])[] };

export interface WatchZone {
  id: string;
  name: string;
  shape: WatchZoneShape;
  /** [minLon, minLat, maxLon, maxLat], already widened by the radius or buffer. */
  bbox: readonly [number, number, number, number];
}

export interface ZoneMatch {
  zoneId: string;
  /** km from the site or line; 0 inside a polygon. */
  distanceKm: number;
}

const lonLat = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]).rest(z.number());
const ring = z.array(lonLat).min(4);
const properties = z.looseObject({
  id: z.string().min(1),
  name: z.string().min(1).optional(),
  radius_km: z.number().positive().max(500).optional(),
  buffer_km: z.number().positive().max(100).optional(),
});
const geometry = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('Point'), coordinates: lonLat }),
  z.looseObject({ type: z.literal('LineString'), coordinates: z.array(lonLat).min(2) }),
  z.looseObject({ type: z.literal('MultiLineString'), coordinates: z.array(z.array(lonLat).min(2)).min(1) }),
  z.looseObject({ type: z.literal('Polygon'), coordinates: z.array(ring).min(1) }),
  z.looseObject({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(ring).min(1)).min(1) }),
]);
const feature = z.looseObject({ type: z.literal('Feature'), properties, geometry });
const featureCollection = z.looseObject({ type: z.literal('FeatureCollection'), features: z.array(z.unknown()) });

export interface ParsedWatchZones {
  zones: WatchZone[];
  caveats: Caveat[];
}

const pos = (c: readonly number[]): LonLat => [c[0]!, c[1]!];

/**
 * Parse a GeoJSON FeatureCollection of watch zones. Never throws: every problem is returned with
 * the field as `features[i].<path>` so the author can find the feature.
 */
export function parseWatchZones(input: unknown): Result<ParsedWatchZones> {
  const fc = featureCollection.safeParse(input);
  if (!fc.success) {
    return { ok: false, error: fc.error.issues.map((i) => ({ field: i.path.join('.') || '(root)', message: i.message })) };
  }
  const issues: FieldIssue[] = [];
  const zones: WatchZone[] = [];
  const seen = new Set<string>();
  let longSegments = 0;
  fc.data.features.forEach((raw, index) => {
    const f = feature.safeParse(raw);
    if (!f.success) {
      for (const i of f.error.issues) issues.push({ field: [`features[${index}]`, ...i.path.map(String)].join('.'), message: i.message });
      return;
    }
    const { properties: p, geometry: g } = f.data;
    const at = `features[${index}]`;
    if (seen.has(p.id)) { issues.push({ field: `${at}.properties.id`, value: p.id, message: `zone id '${p.id}' is used twice` }); return; }
    seen.add(p.id);
    let shape: WatchZoneShape;
    if (g.type === 'Point') {
      if (p.radius_km === undefined) { issues.push({ field: `${at}.properties.radius_km`, message: 'a Point zone needs radius_km (a positive number of km)' }); return; }
      shape = { kind: 'radius', centre: pos(g.coordinates), radiusKm: p.radius_km };
    } else if (g.type === 'LineString' || g.type === 'MultiLineString') {
      if (p.buffer_km === undefined) { issues.push({ field: `${at}.properties.buffer_km`, message: `a ${g.type} zone needs buffer_km (a positive number of km)` }); return; }
      const lines = (g.type === 'LineString' ? [g.coordinates] : g.coordinates).map((l) => l.map(pos));
      for (const l of lines) for (let k = 1; k < l.length; k++) if (haversineDistanceKm(l[k - 1]![1], l[k - 1]![0], l[k]![1], l[k]![0]) > 200) longSegments++;
      shape = { kind: 'corridor', lines, bufferKm: p.buffer_km };
    } else {
      const polys = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates).map((poly) => poly.map((r) => r.map(pos)));
      shape = { kind: 'area', polygons: polys };
    }
    zones.push({ id: p.id, name: p.name ?? p.id, shape, bbox: zoneBbox(shape) });
  });
  if (issues.length > 0) return { ok: false, error: issues };
  const caveats = longSegments > 0 ? [caveat('long-segments', `${longSegments} line segments are longer than 200 km: the local projection loses accuracy; split them`, longSegments)] : [];
  return { ok: true, value: { zones, caveats } };
}

function zoneBbox(shape: WatchZoneShape): [number, number, number, number] {
  let minLon = Infinity, minLat = Infinity, maxLon = -Infinity, maxLat = -Infinity;
  const add = (p: LonLat): void => {
    if (p[0] < minLon) minLon = p[0];
    if (p[0] > maxLon) maxLon = p[0];
    if (p[1] < minLat) minLat = p[1];
    if (p[1] > maxLat) maxLat = p[1];
  };
  let padKm = 0;
  if (shape.kind === 'radius') { add(shape.centre); padKm = shape.radiusKm; }
  else if (shape.kind === 'corridor') { shape.lines.forEach((l) => l.forEach(add)); padKm = shape.bufferKm; }
  else shape.polygons.forEach((poly) => poly[0]?.forEach(add));
  if (padKm === 0) return [minLon, minLat, maxLon, maxLat];
  // Widen generously (10%) so that the prefilter never rejects a point the exact test would accept.
  const dLat = (padKm / KM_PER_DEGREE_LAT) * 1.1;
  const cosLat = Math.max(0.01, Math.cos(Math.max(Math.abs(minLat - dLat), Math.abs(maxLat + dLat)) * RAD));
  const dLon = Math.min(180, dLat / cosLat);
  return [minLon - dLon, minLat - dLat, maxLon + dLon, maxLat + dLat];
}

/**
 * Distance in km from (lat, lon) to the segment a-b: the nearest point is found in an
 * equirectangular projection at the segment's mid-latitude, and the distance to it is measured on
 * the sphere (haversine), so the projection's error only moves the foot point (a second-order error).
 */
export function distanceToSegmentKm(lat: number, lon: number, a: LonLat, b: LonLat): number {
  const k = Math.cos(((a[1] + b[1]) / 2) * RAD);
  const bx = (b[0] - a[0]) * k, by = b[1] - a[1];
  const px = (lon - a[0]) * k, py = lat - a[1];
  const len2 = bx * bx + by * by;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, (px * bx + py * by) / len2));
  return haversineDistanceKm(lat, lon, a[1] + t * (b[1] - a[1]), a[0] + t * (b[0] - a[0]));
}

function onSegment(lon: number, lat: number, a: LonLat, b: LonLat): boolean {
  const cross = (b[0] - a[0]) * (lat - a[1]) - (b[1] - a[1]) * (lon - a[0]);
  if (Math.abs(cross) > 1e-12) return false;
  return lon >= Math.min(a[0], b[0]) && lon <= Math.max(a[0], b[0]) && lat >= Math.min(a[1], b[1]) && lat <= Math.max(a[1], b[1]);
}

/** -1 outside, 0 on the boundary, 1 inside (even-odd crossing test). */
function ringSide(lon: number, lat: number, r: readonly LonLat[]): -1 | 0 | 1 {
  let inside = false;
  for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
    const a = r[i]!, b = r[j]!;
    if (onSegment(lon, lat, a, b)) return 0;
    if ((a[1] > lat) !== (b[1] > lat) && lon < ((b[0] - a[0]) * (lat - a[1])) / (b[1] - a[1]) + a[0]) inside = !inside;
  }
  return inside ? 1 : -1;
}

/** True when the point is inside the polygon's outer ring (or on it) and not strictly inside any hole. */
export function pointInPolygon(lon: number, lat: number, polygon: readonly (readonly LonLat[])[]): boolean {
  const outer = polygon[0];
  if (outer === undefined || ringSide(lon, lat, outer) < 0) return false;
  for (let h = 1; h < polygon.length; h++) if (ringSide(lon, lat, polygon[h]!) > 0) return false;
  return true;
}

/** The zone's match for a point, or null when the point is outside it. */
export function matchZone(zone: WatchZone, lat: number, lon: number): ZoneMatch | null {
  if (!Number.isFinite(lat) || !Number.isFinite(lon)) return null;
  const [x0, y0, x1, y1] = zone.bbox;
  if (lon < x0 || lon > x1 || lat < y0 || lat > y1) return null;
  const s = zone.shape;
  if (s.kind === 'radius') {
    const d = haversineDistanceKm(lat, lon, s.centre[1], s.centre[0]);
    return d <= s.radiusKm ? { zoneId: zone.id, distanceKm: d } : null;
  }
  if (s.kind === 'corridor') {
    let best = Infinity;
    for (const l of s.lines) for (let k = 1; k < l.length; k++) best = Math.min(best, distanceToSegmentKm(lat, lon, l[k - 1]!, l[k]!));
    return best <= s.bufferKm ? { zoneId: zone.id, distanceKm: best } : null;
  }
  for (const poly of s.polygons) if (pointInPolygon(lon, lat, poly)) return { zoneId: zone.id, distanceKm: 0 };
  return null;
}

/** All zones that contain the point, in the order given. */
export function zonesContaining(zones: readonly WatchZone[], lat: number, lon: number): ZoneMatch[] {
  const out: ZoneMatch[] = [];
  for (const z of zones) {
    const m = matchZone(z, lat, lon);
    if (m !== null) out.push(m);
  }
  return out;
}
