import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { DistrictIndex } from '../../src/geo/district-index.js';
import type { DistrictFeatureCollection } from '../../src/geo/district-index.js';
import { BaseeratError } from '../../src/domain/errors.js';
import { readFixture, shippedDistricts } from './shipped-data.js';

const districts = shippedDistricts();
const index = new DistrictIndex(districts);

const BALOCHISTAN = [
  'Awaran', 'Barkhan', 'Chagai', 'Chaman', 'Dera Bugti', 'Duki', 'Gwadar', 'Harnai', 'Jaffarabad', 'Jhal Magsi',
  'Kachhi (Bolan)', 'Kalat', 'Kech', 'Kharan', 'Khuzdar', 'Killa Abdullah', 'Killa Saifullah', 'Kohlu', 'Lasbela',
  'Loralai', 'Mastung', 'Musa Khel', 'Nasirabad', 'Nushki', 'Panjgur', 'Pishin', 'Quetta', 'Sherani', 'Sibi',
  'Sohbatpur', 'Surab', 'Washuk', 'Zhob', 'Ziarat',
];

// Bounding boxes computed here, independently of the index, only to skip hopeless turf calls.
const boxes = districts.features.map((f) => {
  const b = [Infinity, Infinity, -Infinity, -Infinity];
  for (const poly of (f.geometry as unknown as { coordinates: number[][][][] }).coordinates) {
    for (const ring of poly) for (const [x, y] of ring as [number, number][]) {
      b[0] = Math.min(b[0]!, x); b[1] = Math.min(b[1]!, y); b[2] = Math.max(b[2]!, x); b[3] = Math.max(b[3]!, y);
    }
  }
  return b;
});

/** Brute force: the first district in feature order whose polygon contains the point (turf). */
function bruteForce(lat: number, lon: number): number {
  for (let d = 0; d < districts.features.length; d++) {
    const b = boxes[d]!;
    if (lon < b[0]! || lat < b[1]! || lon > b[2]! || lat > b[3]!) continue;
    if (booleanPointInPolygon([lon, lat], districts.features[d] as never)) return d;
  }
  return -1;
}

describe('DistrictIndex over the shipped 2023 districts', () => {
  it('loads all 156 districts, 34 of them in Balochistan, with division, bbox, centroid and area', () => {
    expect(index.districts).toHaveLength(156);
    const bal = index.districts.filter((d) => d.province === 'Balochistan');
    expect(bal.map((d) => d.name).sort()).toEqual(BALOCHISTAN);
    const perProvince = new Map<string, number>();
    for (const d of index.districts) perProvince.set(d.province, (perProvince.get(d.province) ?? 0) + 1);
    expect(Object.fromEntries(perProvince)).toEqual({
      Balochistan: 34, Sindh: 30, 'Khyber Pakhtunkhwa': 35, Punjab: 36, 'Azad Jammu & Kashmir': 10, 'Gilgit-Baltistan': 10, 'Islamabad Capital Territory': 1,
    });
    for (const d of index.districts) {
      expect(d.division === '' ? d.province : d.division).not.toBe('');
      expect(d.bbox[0]).toBeLessThan(d.bbox[2]);
      expect(d.bbox[1]).toBeLessThan(d.bbox[3]);
      expect(d.centroid.lon).toBeGreaterThan(d.bbox[0]);
      expect(d.centroid.lon).toBeLessThan(d.bbox[2]);
      expect(d.centroid.lat).toBeGreaterThan(d.bbox[1]);
      expect(d.centroid.lat).toBeLessThan(d.bbox[3]);
      expect(d.measuredAreaSqKm).toBeGreaterThan(0);
    }
    // Measured on the sphere from clipped OSM polygons, so only close to the census total (347,190 km^2, PBS Table 1).
    const balArea = bal.reduce((s, d) => s + d.measuredAreaSqKm, 0);
    expect(Math.abs(balArea - 347_190) / 347_190).toBeLessThan(0.02);
    // Quetta: published 3,447 km^2; measured must be close because it has no coast and no fold.
    expect(index.byDistrictName('Quetta')!.measuredAreaSqKm).toBeCloseTo(3447, -2);
  });

  it('places known points', () => {
    const cases: [string, number, number, string | undefined, string | undefined][] = [
      ['Quetta city', 30.18, 67.0, 'Quetta', 'Balochistan'],
      ['Gwadar town', 25.126, 62.322, 'Gwadar', 'Balochistan'],
      ['Turbat', 26.0, 63.05, 'Kech', 'Balochistan'],
      ['Hub (post-census district, folded into Lasbela)', 25.05, 66.88, 'Lasbela', 'Balochistan'],
      ['Chaman', 30.92, 66.45, 'Chaman', 'Balochistan'],
      ['Dera Murad Jamali', 28.55, 68.22, 'Nasirabad', 'Balochistan'],
      ['Sui', 28.64, 69.18, 'Dera Bugti', 'Balochistan'],
      ['Zhob', 31.34, 69.45, 'Zhob', 'Balochistan'],
      ['Lahore', 31.55, 74.34, 'Lahore', 'Punjab'],
      ['Peshawar', 34.01, 71.58, 'Peshawar', 'Khyber Pakhtunkhwa'],
      ['Karachi Saddar', 24.86, 67.01, 'Karachi South', 'Sindh'],
      ['Islamabad', 33.7, 73.05, 'Islamabad', 'Islamabad Capital Territory'],
      ['Arabian Sea off Ormara', 24.5, 64.5, undefined, undefined],
      ['Arabian Sea, far out', 23.0, 64.0, undefined, undefined],
      ['Kandahar (Afghanistan)', 31.61, 65.71, undefined, undefined],
      ['Zahedan (Iran)', 29.5, 60.86, undefined, undefined],
      ['London', 51.5, -0.12, undefined, undefined],
    ];
    for (const [label, lat, lon, district, province] of cases) {
      const m = index.locate(lat, lon);
      expect({ label, district: m?.district, province: m?.province }).toEqual({ label, district, province });
    }
  });

  it('agrees with R sf (GEOS) on 26,416 points: every UCDP event and 20,000 random points', () => {
    const ref = readFixture<{ districts: number; points: { id: string[]; lat: number[]; lon: number[]; district: (string | null)[] } }>('geography-locate.json');
    expect(ref.districts).toBe(156);
    const p = ref.points;
    expect(p.id.length).toBe(26_416);
    const got = index.locateMany(Float64Array.from(p.lat), Float64Array.from(p.lon));
    const mismatches: string[] = [];
    let inside = 0;
    for (let i = 0; i < p.id.length; i++) {
      const name = got[i]! >= 0 ? index.districts[got[i]!]!.name : null;
      if (name !== null) inside++;
      if (name !== p.district[i]) mismatches.push(`${p.id[i]} ${p.lat[i]},${p.lon[i]}: ${name} vs sf ${p.district[i]}`);
    }
    expect(mismatches).toEqual([]);
    // Guards against a vacuous pass: both inside and outside points are exercised.
    expect(inside).toBeGreaterThan(10_000);
    expect(p.id.length - inside).toBeGreaterThan(10_000);
  });

  it('property: locate equals brute-force point-in-polygon on random points in the bbox (turf, fixed seed)', () => {
    fc.assert(
      fc.property(fc.double({ min: 23.6, max: 37.1, noNaN: true }), fc.double({ min: 60.8, max: 77.2, noNaN: true }), (lat, lon) => {
        expect(index.locateIndex(lat, lon)).toBe(bruteForce(lat, lon));
      }),
      { seed: 20231, numRuns: 3000 },
    );
  });

  it('property: points near district boundaries (vertices jittered by up to 200 m) agree with brute force', () => {
    const jitter = fc.tuple(fc.integer({ min: 1, max: 2000 }), fc.boolean()).map(([u, neg]) => (neg ? -u : u) * 1e-6);
    const vertices: [number, number][] = [];
    for (const f of districts.features) {
      const g = f.geometry as { type: 'MultiPolygon'; coordinates: number[][][][] };
      for (const poly of g.coordinates) for (const ring of poly) for (let i = 0; i < ring.length; i += 25) vertices.push([ring[i]![0]!, ring[i]![1]!]);
    }
    fc.assert(
      // Offsets of 1..2000 micro-degrees (0.1 m..200 m), never 0: a point exactly on a boundary
      // belongs to both districts (turf says inside both, the ray cast picks one side).
      fc.property(fc.nat({ max: vertices.length - 1 }), jitter, jitter, (k, dx, dy) => {
        const [lon, lat] = vertices[k]!;
        expect(index.locateIndex(lat + dy, lon + dx)).toBe(bruteForce(lat + dy, lon + dx));
      }),
      { seed: 7, numRuns: 1500 },
    );
  });

  it('the answer does not depend on the grid size', () => {
    const coarse = new DistrictIndex(districts, { cellDegrees: 0.5 });
    const fine = new DistrictIndex(districts, { cellDegrees: 0.03 });
    fc.assert(
      fc.property(fc.double({ min: 24, max: 37, noNaN: true }), fc.double({ min: 61, max: 77, noNaN: true }), (lat, lon) => {
        const a = index.locateIndex(lat, lon);
        expect(coarse.locateIndex(lat, lon)).toBe(a);
        expect(fine.locateIndex(lat, lon)).toBe(a);
      }),
      { seed: 99, numRuns: 1000 },
    );
  });

  it('locateMany equals locate point by point; bad input gives -1 or a named error', () => {
    const lat = Float64Array.of(30.18, 25.126, 23.0, Number.NaN, 31.55, Infinity);
    const lon = Float64Array.of(67.0, 62.322, 64.0, 67.0, Number.NaN, 70);
    const out = index.locateMany(lat, lon);
    expect([...out].map((d) => (d < 0 ? null : index.districts[d]!.name))).toEqual(['Quetta', 'Gwadar', null, null, null, null]);
    expect(() => index.locateMany(new Float64Array(2), new Float64Array(3))).toThrow(/lat has 2 values but lon has 3/);
  });

  it('distanceToDistrictKm: 0 inside, the gap to the boundary outside', () => {
    const quetta = index.byDistrictName('Quetta')!.index;
    expect(index.distanceToDistrictKm(quetta, 30.18, 67.0)).toBe(0);
    // Gwadar town is about 600 km from Quetta district.
    const d = index.distanceToDistrictKm(quetta, 25.126, 62.322);
    expect(d).toBeGreaterThan(500);
    expect(d).toBeLessThan(800);
  });
});

describe('DistrictIndex on small hand-made polygons', () => {
  // Two unit squares side by side; the first has a square hole; a third district is a triangle.
  const fcol: DistrictFeatureCollection = {
    type: 'FeatureCollection',
    features: [
      { type: 'Feature', properties: { name: 'A', province: 'P' }, geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]], [[0.25, 0.25], [0.75, 0.25], [0.75, 0.75], [0.25, 0.75], [0.25, 0.25]]] } },
      { type: 'Feature', properties: { name: 'B', province: 'P', division: 'D' }, geometry: { type: 'MultiPolygon', coordinates: [[[[1, 0], [2, 0], [2, 1], [1, 1], [1, 0]]], [[[3, 3], [4, 3], [4, 4], [3, 4], [3, 3]]]] } },
      { type: 'Feature', properties: { name: 'C', province: 'Q' }, geometry: { type: 'Polygon', coordinates: [[[0, 2], [2, 2], [1, 3], [0, 2]]] } },
    ],
  };
  const small = new DistrictIndex(fcol, { cellDegrees: 0.1 });

  it('holes, multipolygons and areas', () => {
    expect(small.locate(0.1, 0.1)?.district).toBe('A');
    expect(small.locate(0.5, 0.5)).toBeUndefined(); // in A's hole
    expect(small.locate(0.5, 1.5)?.district).toBe('B');
    expect(small.locate(3.5, 3.5)?.district).toBe('B');
    expect(small.locate(2.5, 1.0)?.district).toBe('C');
    expect(small.locate(2.9, 0.2)).toBeUndefined(); // beside the triangle's apex
    const a = small.byDistrictName('A')!;
    // 1 - 0.25 = 0.75 square degrees near the equator: 0.75 * 111.195^2 km^2 within 0.1%.
    expect(a.measuredAreaSqKm / (0.75 * 111.195 ** 2)).toBeCloseTo(1, 3);
    expect(a.centroid.lon).toBeCloseTo(0.5, 10);
    expect(small.byDistrictName('C')!.centroid.lat).toBeCloseTo(7 / 3, 10);
  });

  it('distance to a district: perpendicular and corner cases against the analytic value', () => {
    const kmPerDegree = (Math.PI / 180) * 6371.0088;
    const b = small.byDistrictName('B')!.index;
    // 0.5 degree east of B's eastern edge near the equator; the local equirectangular projection
    // scales longitude by cos(0.5 deg), so agreement is to 1e-4 relative, not exact.
    expect(Math.abs(small.distanceToDistrictKm(b, 0.5, 2.5) / (0.5 * kmPerDegree) - 1)).toBeLessThan(1e-4);
    // Inside A's hole: 0.25 degree from the hole's edges, measured to A's boundary.
    const a = small.byDistrictName('A')!.index;
    expect(Math.abs(small.distanceToDistrictKm(a, 0.5, 0.5) / (0.25 * kmPerDegree) - 1)).toBeLessThan(1e-4);
    expect(small.distanceToDistrictKm(a, 0.1, 0.1)).toBe(0);
    // Snap: the hole's centre is 27.8 km from A.
    expect(small.nearest(0.5, 0.5, 30)?.index).toBe(a);
  });

  it('rejects bad input with errors that name the field', () => {
    expect(() => new DistrictIndex({ type: 'FeatureCollection', features: [] })).toThrow(BaseeratError);
    expect(() => new DistrictIndex(fcol, { cellDegrees: 0 })).toThrow(/cellDegrees is 0/);
    const noName: DistrictFeatureCollection = { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { province: 'P' }, geometry: fcol.features[0]!.geometry }] };
    expect(() => new DistrictIndex(noName)).toThrow(/properties.name is undefined/);
    const point: DistrictFeatureCollection = { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { name: 'X', province: 'P' }, geometry: { type: 'Point' } }] };
    expect(() => new DistrictIndex(point)).toThrow(/geometry.type is "Point"/);
    const twice: DistrictFeatureCollection = { type: 'FeatureCollection', features: [fcol.features[0]!, fcol.features[0]!] };
    expect(() => new DistrictIndex(twice)).toThrow(/appears twice/);
  });
});

describe('nearest district for points just outside every district', () => {
  it('snaps within the tolerance only, and reports the distance', () => {
    // Ghulam Khan border crossing as UCDP places it (33.143889N 70.023889E): outside OSM's North Waziristan.
    expect(index.locate(33.143889, 70.023889)).toBeUndefined();
    const n = index.nearest(33.143889, 70.023889, 5)!;
    expect(index.districts[n.index]!.name).toBe('North Waziristan');
    expect(n.distanceKm).toBeGreaterThan(0);
    expect(n.distanceKm).toBeLessThan(5);
    expect(index.nearest(33.143889, 70.023889, n.distanceKm / 2)).toBeUndefined();
    // Inside: distance 0, same answer as locate.
    expect(index.nearest(30.18, 67.0, 5)).toEqual({ index: index.byDistrictName('Quetta')!.index, distanceKm: 0 });
    // Far at sea: nothing within 5 km.
    expect(index.nearest(23.0, 64.0, 5)).toBeUndefined();
    expect(() => index.nearest(30, 67, -1)).toThrow(/maxKm is -1/);
  });

  it('property: the snapped district is the one at the smallest boundary distance (brute force over all districts)', () => {
    fc.assert(
      fc.property(fc.double({ min: 23.6, max: 37.1, noNaN: true }), fc.double({ min: 60.8, max: 77.2, noNaN: true }), (lat, lon) => {
        fc.pre(index.locateIndex(lat, lon) < 0);
        let best = Infinity;
        for (const d of index.districts) best = Math.min(best, index.distanceToDistrictKm(d.index, lat, lon));
        const n = index.nearest(lat, lon, 30);
        if (best <= 30) expect(n?.distanceKm).toBeCloseTo(best, 9);
        else expect(n).toBeUndefined();
      }),
      { seed: 17, numRuns: 150 },
    );
  });
});
