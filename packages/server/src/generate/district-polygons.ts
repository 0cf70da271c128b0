/**
 * District polygons of the shipped 2023 boundaries, for the synthetic feed: a uniform point inside
 * a district (rejection sampling in the district's bbox) and the district containing a point.
 *
 * Server-side because it reads the TopoJSON file; the generator itself (engine/synth) only sees the
 * two functions. When engine/geo's Geography lands, `locate` can come from it instead.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { feature } from 'topojson-client';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import type { Topology } from 'topojson-specification';
import type { DistrictGeometry } from '@baseerat/engine/synth/index';
import { BaseeratError } from '@baseerat/engine';

export const DEFAULT_TOPOLOGY_PATH = fileURLToPath(new URL('../../../../data/reference/pakistan-districts-2023/geography.topojson.json', import.meta.url));

interface DistrictShape {
  name: string;
  province: string;
  bbox: [number, number, number, number];
  feature: Feature<Polygon | MultiPolygon>;
}

function bboxOf(f: Feature<Polygon | MultiPolygon>): [number, number, number, number] {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  const rings = f.geometry.type === 'Polygon' ? f.geometry.coordinates : f.geometry.coordinates.flat();
  for (const ring of rings) for (const [x, y] of ring as [number, number][]) {
    if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y;
  }
  return [x0, y0, x1, y1];
}

/** Load the districts of one province (default Balochistan) from the shipped TopoJSON. */
export function loadDistrictShapes(province = 'Balochistan', path = DEFAULT_TOPOLOGY_PATH): DistrictShape[] {
  const topo = JSON.parse(readFileSync(path, 'utf8')) as Topology;
  const obj = topo.objects['districts'];
  if (obj === undefined) throw new BaseeratError('CONFIG', `no "districts" object in ${path}`, { field: 'topology' });
  const fc = feature(topo, obj) as unknown as { features: Feature<Polygon | MultiPolygon, { name: string; province: string }>[] };
  return fc.features
    .filter((f) => f.properties.province === province)
    .map((f) => ({ name: f.properties.name, province: f.properties.province, bbox: bboxOf(f), feature: f }));
}

/** The two functions the generator needs, over real polygons. */
export function districtGeometry(shapes: DistrictShape[]): DistrictGeometry {
  const byName = new Map(shapes.map((s) => [s.name, s]));
  return {
    samplePoint(district, rng) {
      const s = byName.get(district);
      if (s === undefined) throw new BaseeratError('VALIDATION', `unknown district ${JSON.stringify(district)}`, { field: 'district' });
      const [x0, y0, x1, y1] = s.bbox;
      for (let i = 0; i < 10_000; i++) {
        const lon = x0 + (x1 - x0) * rng.next();
        const lat = y0 + (y1 - y0) * rng.next();
        if (booleanPointInPolygon([lon, lat], s.feature)) return { lat, lon };
      }
      throw new BaseeratError('DEGENERATE_INPUT', `could not sample a point inside district ${district}`, { field: 'district' });
    },
    locate(lat, lon) {
      for (const s of shapes) {
        const [x0, y0, x1, y1] = s.bbox;
        if (lon < x0 || lon > x1 || lat < y0 || lat > y1) continue;
        if (booleanPointInPolygon([lon, lat], s.feature)) return s.name;
      }
      return undefined;
    },
  };
}
