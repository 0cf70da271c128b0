/**
 * Watch zones as GeoJSON geometries a map can draw: a radius zone becomes the circle of its radius
 * (a polygon of `segments` vertices at exactly `radiusKm` great-circle distance from the centre),
 * a corridor its centre lines (the buffer goes in the feature's properties: a map draws the line,
 * the rule measures the distance), an area its polygons as given.
 * Units: degrees WGS84 out; kilometres in properties. Complexity: O(segments) per radius zone,
 * O(v) for the v vertices of the others.
 * Reference: destination point on a sphere given distance and bearing (Sinnott 1984; the same
 * formula as R geosphere::destPoint on a sphere), with the mean Earth radius the rules use, so the
 * drawn circle is the set of points the rule's haversine distance puts exactly on the boundary.
 */
import { EARTH_RADIUS_KM } from '../../link/haversine-distance.js';
import type { LonLat, WatchZone } from './watch-zone.js';

const RAD = Math.PI / 180;

export type ZoneGeometry =
  | { type: 'Polygon'; coordinates: [number, number][][] }
  | { type: 'MultiLineString'; coordinates: [number, number][][] }
  | { type: 'MultiPolygon'; coordinates: [number, number][][][] };

export interface ZoneFeature {
  type: 'Feature';
  geometry: ZoneGeometry;
  properties: { id: string; name: string; kind: 'radius' | 'corridor' | 'area'; radiusKm?: number; bufferKm?: number };
}

/** The point `distanceKm` from (lon, lat) along the initial bearing `bearingDeg` (clockwise from north). */
export function destinationPoint(centre: LonLat, distanceKm: number, bearingDeg: number): [number, number] {
  const d = distanceKm / EARTH_RADIUS_KM, b = bearingDeg * RAD;
  const phi1 = centre[1] * RAD, lambda1 = centre[0] * RAD;
  const phi2 = Math.asin(Math.sin(phi1) * Math.cos(d) + Math.cos(phi1) * Math.sin(d) * Math.cos(b));
  const lambda2 = lambda1 + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(phi1), Math.cos(d) - Math.sin(phi1) * Math.sin(phi2));
  return [((lambda2 / RAD + 540) % 360) - 180, phi2 / RAD];
}

/** A zone as a GeoJSON feature; `segments` vertices for a circle (default 64, at least 8). */
export function watchZoneFeature(zone: WatchZone, segments = 64): ZoneFeature {
  const n = Math.max(8, Math.floor(segments));
  const s = zone.shape;
  if (s.kind === 'radius') {
    const ring: [number, number][] = [];
    for (let i = 0; i < n; i++) ring.push(destinationPoint(s.centre, s.radiusKm, (360 * i) / n));
    ring.push(ring[0]!);
    return { type: 'Feature', geometry: { type: 'Polygon', coordinates: [ring] }, properties: { id: zone.id, name: zone.name, kind: 'radius', radiusKm: s.radiusKm } };
  }
  if (s.kind === 'corridor') {
    const lines = s.lines.map((l) => l.map((p) => [p[0], p[1]] as [number, number]));
    return { type: 'Feature', geometry: { type: 'MultiLineString', coordinates: lines }, properties: { id: zone.id, name: zone.name, kind: 'corridor', bufferKm: s.bufferKm } };
  }
  const polys = s.polygons.map((poly) => poly.map((ring) => ring.map((p) => [p[0], p[1]] as [number, number])));
  return { type: 'Feature', geometry: { type: 'MultiPolygon', coordinates: polys }, properties: { id: zone.id, name: zone.name, kind: 'area' } };
}

/** Every zone as one FeatureCollection, in the given order. */
export function watchZonesFeatureCollection(zones: readonly WatchZone[], segments = 64): { type: 'FeatureCollection'; features: ZoneFeature[] } {
  return { type: 'FeatureCollection', features: zones.map((z) => watchZoneFeature(z, segments)) };
}
