import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { distanceToSegmentKm, matchZone, parseWatchZones, pointInPolygon, zonesContaining, type LonLat, type WatchZone } from '../../src/monitor/rules/watch-zone.js';

const ref = JSON.parse(readFileSync(new URL('../fixtures/reference/monitor-rules-watch-zones.json', import.meta.url), 'utf8')) as {
  line: number[][]; site: number[]; outer: number[][]; hole: number[][]; points: number[][];
  distLineKm: number[]; distGreatCircleLineKm: number[]; distSiteKm: number[]; insidePolygon: boolean[];
};
const P = (c: number[]): LonLat => [c[0]!, c[1]!];

function zones(features: unknown[]): WatchZone[] {
  const r = parseWatchZones({ type: 'FeatureCollection', features });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value.zones;
}
const feature = (geometry: unknown, properties: Record<string, unknown>): unknown => ({ type: 'Feature', geometry, properties });

describe('watch zones (reference: R geosphere::distHaversine to the densified line and site, sp::point.in.polygon)', () => {
  const [corridor, site, area] = zones([
    feature({ type: 'LineString', coordinates: ref.line }, { id: 'n25', name: 'N25 Quetta-Kalat', buffer_km: 5 }),
    feature({ type: 'Point', coordinates: ref.site }, { id: 'cantt', radius_km: 20 }),
    feature({ type: 'Polygon', coordinates: [ref.outer, ref.hole] }, { id: 'block' }),
  ]) as [WatchZone, WatchZone, WatchZone];

  it('distance to the polyline equals geosphere::dist2Line within 1e-4 relative + 5 m, and the great-circle segment within 100 m', () => {
    expect(ref.points.length).toBe(200);
    ref.points.forEach((p, i) => {
      const [lon, lat] = [p[0]!, p[1]!];
      let d = Infinity;
      for (let k = 1; k < ref.line.length; k++) d = Math.min(d, distanceToSegmentKm(lat, lon, P(ref.line[k - 1]!), P(ref.line[k]!)));
      const r = ref.distLineKm[i]!;
      expect(Math.abs(d - r), `point ${i}: ${d} vs R ${r}`).toBeLessThanOrEqual(1e-4 * r + 0.005);
      expect(Math.abs(d - ref.distGreatCircleLineKm[i]!)).toBeLessThanOrEqual(0.1);
    });
  });

  it('membership in the 5 km corridor and the 20 km radius agrees with R wherever R is more than 0.2 km from the edge', () => {
    let inCorridor = 0, inSite = 0;
    ref.points.forEach((p, i) => {
      const [lon, lat] = [p[0]!, p[1]!];
      const dl = ref.distLineKm[i]!, ds = ref.distSiteKm[i]!;
      if (Math.abs(dl - 5) > 0.2) expect(matchZone(corridor, lat, lon) !== null, `corridor point ${i} at ${dl} km`).toBe(dl <= 5);
      if (Math.abs(ds - 20) > 0.2) expect(matchZone(site, lat, lon) !== null, `site point ${i} at ${ds} km`).toBe(ds <= 20);
      const m = matchZone(site, lat, lon);
      if (m !== null) { inSite++; expect(m.distanceKm).toBeCloseTo(ds, 6); }
      if (matchZone(corridor, lat, lon) !== null) inCorridor++;
    });
    expect(inCorridor).toBeGreaterThan(5);
    expect(inSite).toBeGreaterThan(5);
  });

  it('polygon with a hole equals sp::point.in.polygon on 200 points', () => {
    let inside = 0;
    ref.points.forEach((p, i) => {
      const got = matchZone(area, p[1]!, p[0]!) !== null;
      expect(got, `point ${i}`).toBe(ref.insidePolygon[i]);
      if (got) inside++;
    });
    expect(inside).toBeGreaterThan(20);
    expect(ref.insidePolygon.filter((x) => !x).length).toBeGreaterThan(20);
  });

  it('hand-checked cases: centre, hole, boundary, just outside a radius, the segment end caps', () => {
    expect(pointInPolygon(67.0, 29.5, [ref.outer.map(P), ref.hole.map(P)])).toBe(false); // in the hole
    expect(pointInPolygon(66.6, 29.5, [ref.outer.map(P), ref.hole.map(P)])).toBe(true);
    expect(pointInPolygon(66.5, 29.5, [ref.outer.map(P)])).toBe(true); // on the boundary counts
    expect(pointInPolygon(67.6, 29.5, [ref.outer.map(P)])).toBe(false);
    // 0.18 degrees of latitude = 20.0 km: just inside and just outside a 20 km radius
    expect(matchZone(site, 30.2 + 0.179, 67.0)).not.toBeNull();
    expect(matchZone(site, 30.2 + 0.181, 67.0)).toBeNull();
    // beyond the end of the segment the distance is to the end point
    expect(distanceToSegmentKm(31.18, 66.99, [66.84, 29.8], [66.99, 30.18])).toBeCloseTo(111.19, 1);
    expect(distanceToSegmentKm(30, 67, [67, 29], [67, 31])).toBeCloseTo(0, 9);
    expect(zonesContaining([corridor, site, area], 30.19, 66.99).map((m) => m.zoneId)).toEqual(['n25', 'cantt']);
    expect(matchZone(site, NaN, 67)).toBeNull();
  });

  it('MultiPolygon and MultiLineString zones', () => {
    const [mp, ml] = zones([
      feature({ type: 'MultiPolygon', coordinates: [[ref.outer], [[[60, 25], [61, 25], [61, 26], [60, 25]]]] }, { id: 'mp' }),
      feature({ type: 'MultiLineString', coordinates: [[[60, 25], [61, 25]], [[62, 25], [62, 26]]] }, { id: 'ml', buffer_km: 2 }),
    ]) as [WatchZone, WatchZone];
    expect(matchZone(mp, 25.2, 60.8)).not.toBeNull();
    expect(matchZone(mp, 25.9, 60.2)).toBeNull();
    expect(matchZone(ml, 25.5, 62.01)).not.toBeNull(); // about 1 km east of the second line
    expect(matchZone(ml, 25.5, 61.5)).toBeNull();
  });
});

describe('parseWatchZones: bad input -> errors naming the feature index and field', () => {
  const bad = (features: unknown[]) => {
    const r = parseWatchZones({ type: 'FeatureCollection', features });
    expect(r.ok).toBe(false);
    return r.ok ? [] : r.error;
  };
  it('a Point without radius_km', () => {
    const e = bad([feature({ type: 'Point', coordinates: [67, 30] }, { id: 'a', radius_km: 3 }), feature({ type: 'Point', coordinates: [67, 30] }, { id: 'b' })]);
    expect(e).toEqual([{ field: 'features[1].properties.radius_km', message: expect.stringContaining('radius_km') }]);
  });
  it('a LineString without buffer_km, a latitude out of range, a missing id, a duplicate id, an unknown geometry', () => {
    const e = bad([
      feature({ type: 'LineString', coordinates: [[67, 30], [67, 31]] }, { id: 'l' }),
      feature({ type: 'Point', coordinates: [67, 95] }, { id: 'p', radius_km: 1 }),
      feature({ type: 'Point', coordinates: [67, 30] }, { radius_km: 1 }),
      feature({ type: 'Point', coordinates: [67, 30] }, { id: 'l', radius_km: 1 }),
      feature({ type: 'Circle', coordinates: [67, 30] }, { id: 'c' }),
      feature({ type: 'Polygon', coordinates: [[[67, 30], [68, 30], [67, 30]]] }, { id: 'tri' }),
    ]);
    const fields = e.map((i) => i.field);
    expect(fields).toContain('features[0].properties.buffer_km');
    expect(fields).toContain('features[1].geometry.coordinates.1');
    expect(fields).toContain('features[2].properties.id');
    expect(fields).toContain('features[3].properties.id');
    expect(fields).toContain('features[4].geometry.type');
    expect(fields.some((f) => f.startsWith('features[5].geometry.coordinates'))).toBe(true);
    expect(e.find((i) => i.field === 'features[3].properties.id')?.value).toBe('l');
  });
  it('not a FeatureCollection; never throws on arbitrary input', () => {
    for (const x of [null, 3, 'x', [], { type: 'Feature' }, { type: 'FeatureCollection' }]) expect(parseWatchZones(x).ok).toBe(false);
    expect(parseWatchZones({ type: 'FeatureCollection', features: [] })).toEqual({ ok: true, value: { zones: [], caveats: [] } });
  });
  it('a segment longer than 200 km gives a caveat', () => {
    const r = parseWatchZones({ type: 'FeatureCollection', features: [feature({ type: 'LineString', coordinates: [[62, 25], [66, 30]] }, { id: 'long', buffer_km: 1 })] });
    expect(r.ok && r.value.caveats.map((c) => c.code)).toEqual(['long-segments']);
  });
});
