import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { haversineDistanceKm } from '../../src/link/haversine-distance.js';
import { destinationPoint, watchZonesFeatureCollection } from '../../src/monitor/rules/watch-zone-outline.js';
import { matchZone, parseWatchZones, type WatchZone } from '../../src/monitor/rules/watch-zone.js';

const ref = JSON.parse(readFileSync(new URL('../fixtures/reference/monitor-watch-zone-outline.json', import.meta.url), 'utf8')) as {
  cases: { centre: [number, number]; distanceKm: number; bearing: number; lon: number; lat: number }[];
};

function zones(features: unknown[]): WatchZone[] {
  const r = parseWatchZones({ type: 'FeatureCollection', features });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value.zones;
}

describe('watch zone outlines (reference: R geosphere::destPoint on the sphere, f = 0)', () => {
  it('destination points equal geosphere to 1e-9 degrees', () => {
    expect(ref.cases.length).toBe(96);
    for (const c of ref.cases) {
      const [lon, lat] = destinationPoint(c.centre, c.distanceKm, c.bearing);
      expect(Math.abs(lon - c.lon), JSON.stringify(c)).toBeLessThan(1e-9);
      expect(Math.abs(lat - c.lat), JSON.stringify(c)).toBeLessThan(1e-9);
    }
  });

  it('a radius zone is drawn as a closed ring on its boundary, so the map shows where the rule fires', () => {
    const [site] = zones([{ type: 'Feature', geometry: { type: 'Point', coordinates: [66.99, 30.18] }, properties: { id: 'cantt', name: 'Quetta cantonment', radius_km: 20 } }]) as [WatchZone];
    const fc = watchZonesFeatureCollection([site], 32);
    const f = fc.features[0]!;
    expect(f.properties).toEqual({ id: 'cantt', name: 'Quetta cantonment', kind: 'radius', radiusKm: 20 });
    if (f.geometry.type !== 'Polygon') throw new Error(`expected a polygon, got ${f.geometry.type}`);
    const ring = f.geometry.coordinates[0]!;
    expect(ring.length).toBe(33);
    expect(ring[0]).toEqual(ring[32]);
    for (const [lon, lat] of ring) expect(Math.abs(haversineDistanceKm(30.18, 66.99, lat, lon) - 20)).toBeLessThan(1e-9);
    // Just inside the drawn ring the rule matches, just outside it does not.
    const [lonN, latN] = ring[0]!;
    expect(matchZone(site, 30.18 + (latN - 30.18) * 0.999, lonN)).not.toBeNull();
    expect(matchZone(site, 30.18 + (latN - 30.18) * 1.001, lonN)).toBeNull();
  });

  it('corridors keep their lines and buffer, areas their rings and holes, in the given order', () => {
    const outer = [[66, 30], [67, 30], [67, 31], [66, 31], [66, 30]];
    const hole = [[66.4, 30.4], [66.6, 30.4], [66.6, 30.6], [66.4, 30.6], [66.4, 30.4]];
    const zs = zones([
      { type: 'Feature', geometry: { type: 'LineString', coordinates: [[66.9, 30.2], [66.6, 29.0]] }, properties: { id: 'n25', buffer_km: 5 } },
      { type: 'Feature', geometry: { type: 'Polygon', coordinates: [outer, hole] }, properties: { id: 'block', name: 'Block' } },
    ]);
    const [corridor, area] = watchZonesFeatureCollection(zs).features;
    expect(corridor!.geometry).toEqual({ type: 'MultiLineString', coordinates: [[[66.9, 30.2], [66.6, 29.0]]] });
    expect(corridor!.properties.bufferKm).toBe(5);
    expect(area!.geometry).toEqual({ type: 'MultiPolygon', coordinates: [[outer, hole]] });
    expect(area!.properties).toEqual({ id: 'block', name: 'Block', kind: 'area' });
  });
});
