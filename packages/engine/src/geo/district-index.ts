/**
 * District lookup: which 2023 district contains a point.
 *
 * What it answers: for a longitude/latitude (WGS84 degrees) the district and province containing it,
 * or nothing outside Pakistan's districts (at sea, abroad).
 *
 * How: a uniform grid over the districts' extent (default 0.05 degree, about 5 km). At build time
 * every edge of every district marks the cells its bounding box touches, and each cell row is
 * scanned once per district at its centre line to find cells lying wholly inside one district.
 * A query then costs one array read for an interior cell; for a boundary cell it runs an even-odd
 * ray cast against only the candidate districts' edges that cross that cell's row (a few dozen
 * edges), never the whole polygon. Build O(E x rows spanned per edge + cells); query O(1) inside,
 * O(edges in the strip) near a boundary. Measured figures: docs/methods/geography.md.
 *
 * Reading the result: `locateIndex` gives the district's position in `districts` (-1 outside).
 * A point exactly on a shared boundary goes to one of the two districts (the lower index);
 * districts are assumed not to overlap. Where OSM's polygons overlap by a sliver the lower index
 * wins, which is also what a brute-force scan in feature order returns.
 *
 * Areas are measured on the sphere (R = 6371.0088 km) from these polygons, which are clipped to the
 * coastline: they knowingly differ from the census's published areas (see Geography).
 */
import { BaseeratError } from '../domain/errors.js';

/** The subset of GeoJSON that the index reads (kept structural so the engine needs no GeoJSON package). */
export type Position = readonly number[];
export interface PolygonGeometry {
  type: 'Polygon';
  coordinates: readonly (readonly Position[])[];
}
export interface MultiPolygonGeometry {
  type: 'MultiPolygon';
  coordinates: readonly (readonly (readonly Position[])[])[];
}
export interface DistrictFeature {
  type: 'Feature';
  properties: { name?: unknown; province?: unknown; division?: unknown; [k: string]: unknown } | null;
  geometry: PolygonGeometry | MultiPolygonGeometry | { type: string } | null;
}
export interface DistrictFeatureCollection {
  type: 'FeatureCollection';
  features: readonly DistrictFeature[];
}

export interface DistrictInfo {
  /** Position in the index; what locateMany returns. */
  index: number;
  name: string;
  province: string;
  division: string;
  /** [minLon, minLat, maxLon, maxLat] in degrees. */
  bbox: [number, number, number, number];
  /** Area-weighted centroid of the polygons in lon/lat degrees (planar; may fall outside a concave district). */
  centroid: { lat: number; lon: number };
  /** Area measured from the polygons on a sphere, square kilometres. */
  measuredAreaSqKm: number;
}

export interface DistrictIndexOptions {
  /** Grid cell size in degrees; default 0.05. */
  cellDegrees?: number;
}

const EARTH_RADIUS_KM = 6371.0088;
const RAD = Math.PI / 180;

/** Signed spherical area of a ring (km^2), the formula used by d3-geo/turf for small rings. */
function ringAreaSqKm(ring: readonly Position[]): number {
  const n = ring.length;
  if (n < 3) return 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const p1 = ring[i]!;
    const p2 = ring[(i + 1) % n]!;
    const p3 = ring[(i + 2) % n]!;
    total += (p3[0]! - p1[0]!) * RAD * Math.sin(p2[1]! * RAD);
  }
  return (total * EARTH_RADIUS_KM * EARTH_RADIUS_KM) / 2;
}

/** Planar signed area and first moments of a ring (degrees), for the centroid. */
function ringMoments(ring: readonly Position[]): { a: number; cx: number; cy: number } {
  let a = 0;
  let cx = 0;
  let cy = 0;
  const n = ring.length;
  for (let i = 0; i < n; i++) {
    const p = ring[i]!;
    const q = ring[(i + 1) % n]!;
    const cross = p[0]! * q[1]! - q[0]! * p[1]!;
    a += cross;
    cx += (p[0]! + q[0]!) * cross;
    cy += (p[1]! + q[1]!) * cross;
  }
  return { a: a / 2, cx: cx / 6, cy: cy / 6 };
}

function polygonsOf(feature: DistrictFeature, at: number): (readonly (readonly Position[])[])[] {
  const g = feature.geometry;
  if (g !== null && g.type === 'Polygon') return [(g as PolygonGeometry).coordinates];
  if (g !== null && g.type === 'MultiPolygon') return [...(g as MultiPolygonGeometry).coordinates];
  throw new BaseeratError('VALIDATION', `district feature ${at}: geometry.type is ${g === null ? 'null' : JSON.stringify(g.type)}, expected Polygon or MultiPolygon`, {
    field: 'geometry.type',
  });
}

function textProperty(feature: DistrictFeature, key: 'name' | 'province' | 'division', at: number, required: boolean): string {
  const v = feature.properties?.[key];
  if (typeof v === 'string' && v.trim() !== '') return v;
  if (!required) return '';
  throw new BaseeratError('VALIDATION', `district feature ${at}: properties.${key} is ${JSON.stringify(v)}, expected a non-empty string`, {
    field: `properties.${key}`,
  });
}

export class DistrictIndex {
  readonly districts: readonly DistrictInfo[];
  private readonly byName = new Map<string, number>();
  // Grid geometry.
  private readonly x0: number;
  private readonly y0: number;
  private readonly cs: number;
  private readonly nx: number;
  private readonly ny: number;
  /** Per cell: district index when the cell lies wholly inside one district, -1 when wholly outside, -2 to test candidates. */
  private readonly cellDirect: Int32Array;
  /** CSR lists of candidate districts for cells marked -2, ascending district index. */
  private readonly candStart: Int32Array;
  private readonly cand: Int32Array;
  /** Edges as x1,y1,x2,y2 quadruples. */
  private readonly edges: Float64Array;
  /** CSR: for (district d, row r) at d*ny+r, the edges of d whose y-range meets row r. */
  private readonly stripStart: Int32Array;
  private readonly strip: Int32Array;
  /** Edges of district d are edges[districtEdgeStart[d] .. districtEdgeStart[d+1]) (edges come grouped by district). */
  private readonly districtEdgeStart: Int32Array;

  constructor(collection: DistrictFeatureCollection, options: DistrictIndexOptions = {}) {
    const cs = options.cellDegrees ?? 0.05;
    if (!(cs > 0 && cs <= 5)) {
      throw new BaseeratError('VALIDATION', `cellDegrees is ${cs}, expected a number in (0, 5]`, { field: 'cellDegrees' });
    }
    const features = collection.features;
    if (features.length === 0) {
      throw new BaseeratError('VALIDATION', 'features is empty: a district index needs at least one district', { field: 'features' });
    }
    this.cs = cs;

    // Pass 1: district metadata and edges, written straight into typed arrays (plain loops: this
    // runs over every vertex of the country at load time).
    const polygonsPerDistrict = features.map((f, d) => polygonsOf(f, d));
    let maxEdges = 0;
    for (const polys of polygonsPerDistrict) for (const poly of polys) for (const ring of poly) maxEdges += ring.length;
    const edges = new Float64Array(4 * maxEdges);
    const edgeOwner = new Int32Array(maxEdges);
    let nEdges = 0;
    const infos: DistrictInfo[] = [];
    let gx0 = Infinity;
    let gy0 = Infinity;
    let gx1 = -Infinity;
    let gy1 = -Infinity;
    for (let d = 0; d < features.length; d++) {
      const f = features[d]!;
      const name = textProperty(f, 'name', d, true);
      const province = textProperty(f, 'province', d, true);
      const division = textProperty(f, 'division', d, false);
      let bx0 = Infinity;
      let by0 = Infinity;
      let bx1 = -Infinity;
      let by1 = -Infinity;
      let area = 0;
      let ma = 0;
      let mx = 0;
      let my = 0;
      for (const polygon of polygonsPerDistrict[d]!) {
        for (let ri = 0; ri < polygon.length; ri++) {
          const ring = polygon[ri]!;
          const sphere = Math.abs(ringAreaSqKm(ring));
          const m = ringMoments(ring);
          // Outer ring adds, holes subtract, whatever the winding the source used.
          const sign = ri === 0 ? 1 : -1;
          area += sign * sphere;
          const am = Math.abs(m.a);
          const s = m.a === 0 ? 0 : (sign * am) / m.a;
          ma += sign * am;
          mx += s * m.cx;
          my += s * m.cy;
          const n = ring.length;
          for (let i = 0; i < n; i++) {
            const p = ring[i]!;
            const q = ring[i + 1 === n ? 0 : i + 1]!;
            const px = p[0]!;
            const py = p[1]!;
            const qx = q[0]!;
            const qy = q[1]!;
            if (!Number.isFinite(px) || !Number.isFinite(py)) {
              throw new BaseeratError('VALIDATION', `district ${name}: coordinate [${px}, ${py}] is not finite`, { field: 'geometry.coordinates' });
            }
            if (px < bx0) bx0 = px;
            if (px > bx1) bx1 = px;
            if (py < by0) by0 = py;
            if (py > by1) by1 = py;
            if (px === qx && py === qy) continue;
            const o = 4 * nEdges;
            edges[o] = px;
            edges[o + 1] = py;
            edges[o + 2] = qx;
            edges[o + 3] = qy;
            edgeOwner[nEdges++] = d;
          }
        }
      }
      if (this.byName.has(name)) {
        throw new BaseeratError('VALIDATION', `district name ${JSON.stringify(name)} appears twice`, { field: 'properties.name' });
      }
      this.byName.set(name, d);
      gx0 = Math.min(gx0, bx0);
      gy0 = Math.min(gy0, by0);
      gx1 = Math.max(gx1, bx1);
      gy1 = Math.max(gy1, by1);
      infos.push({
        index: d,
        name,
        province,
        division,
        bbox: [bx0, by0, bx1, by1],
        centroid: ma !== 0 ? { lon: mx / ma, lat: my / ma } : { lon: (bx0 + bx1) / 2, lat: (by0 + by1) / 2 },
        measuredAreaSqKm: area,
      });
    }
    this.districts = infos;
    this.edges = edges.slice(0, 4 * nEdges);
    this.districtEdgeStart = new Int32Array(infos.length + 1);
    for (let e = 0; e < nEdges; e++) this.districtEdgeStart[edgeOwner[e]! + 1]!++;
    for (let d = 1; d <= infos.length; d++) this.districtEdgeStart[d] = this.districtEdgeStart[d]! + this.districtEdgeStart[d - 1]!;

    // Grid: one cell of margin so that every coordinate floors inside it.
    this.x0 = Math.floor(gx0 / cs) * cs - cs;
    this.y0 = Math.floor(gy0 / cs) * cs - cs;
    this.nx = Math.ceil((gx1 - this.x0) / cs) + 2;
    this.ny = Math.ceil((gy1 - this.y0) / cs) + 2;
    const nx = this.nx;
    const ny = this.ny;
    const nd = infos.length;
    const ncell = nx * ny;

    // Strips: per (district, row), the edges whose y-range meets that row.
    const stripCount = new Int32Array(nd * ny + 1);
    const rowRange = new Int32Array(nEdges * 2);
    for (let e = 0; e < nEdges; e++) {
      const y1 = this.edges[4 * e + 1]!;
      const y2 = this.edges[4 * e + 3]!;
      const r0 = this.row(Math.min(y1, y2));
      const r1 = this.row(Math.max(y1, y2));
      rowRange[2 * e] = r0;
      rowRange[2 * e + 1] = r1;
      const base = edgeOwner[e]! * ny;
      for (let r = r0; r <= r1; r++) stripCount[base + r + 1]!++;
    }
    for (let i = 1; i <= nd * ny; i++) stripCount[i] = stripCount[i]! + stripCount[i - 1]!;
    this.stripStart = stripCount;
    this.strip = new Int32Array(stripCount[nd * ny]!);
    const fill = stripCount.slice(0, nd * ny);
    for (let e = 0; e < nEdges; e++) {
      const base = edgeOwner[e]! * ny;
      for (let r = rowRange[2 * e]!; r <= rowRange[2 * e + 1]!; r++) this.strip[fill[base + r]!++] = e;
    }

    // (cell, district) pairs: boundary marks for every cell an edge's bbox touches, interior marks
    // for cells whose centre lies inside a district. Edges come grouped by district, so a stamp
    // per cell keeps the pairs unique without a hash map.
    const pairCell: number[] = [];
    const pairDistrict: number[] = [];
    const pairBoundary: number[] = [];
    const stamp = new Int32Array(ncell).fill(-1);
    for (let e = 0; e < nEdges; e++) {
      const ex1 = this.edges[4 * e]!;
      const ex2 = this.edges[4 * e + 2]!;
      const c0 = this.col(Math.min(ex1, ex2));
      const c1 = this.col(Math.max(ex1, ex2));
      const d = edgeOwner[e]!;
      for (let r = rowRange[2 * e]!; r <= rowRange[2 * e + 1]!; r++) {
        for (let c = c0; c <= c1; c++) {
          const cell = r * nx + c;
          if (stamp[cell] === d) continue;
          stamp[cell] = d;
          pairCell.push(cell);
          pairDistrict.push(d);
          pairBoundary.push(1);
        }
      }
    }

    // Interior marks: scan each district's strip at the row's centre line; cells whose centre lies
    // between a pair of crossings are inside that district.
    const xs: number[] = [];
    for (let d = 0; d < nd; d++) {
      const bb = infos[d]!.bbox;
      const r0 = this.row(bb[1]);
      const r1 = this.row(bb[3]);
      for (let r = r0; r <= r1; r++) {
        const y = this.y0 + (r + 0.5) * cs;
        xs.length = 0;
        const s0 = this.stripStart[d * ny + r]!;
        const s1 = this.stripStart[d * ny + r + 1]!;
        for (let s = s0; s < s1; s++) {
          const e = this.strip[s]!;
          const ax = this.edges[4 * e]!;
          const ay = this.edges[4 * e + 1]!;
          const bx = this.edges[4 * e + 2]!;
          const by = this.edges[4 * e + 3]!;
          if (ay > y !== by > y) xs.push(ax + ((y - ay) * (bx - ax)) / (by - ay));
        }
        xs.sort((a, b) => a - b);
        for (let k = 0; k + 1 < xs.length; k += 2) {
          // Cell centre x0 + (c + 0.5) cs must satisfy xa < centre < xb, matching the ray-cast rule.
          const ca = Math.max(0, Math.floor((xs[k]! - this.x0) / cs - 0.5) + 1);
          const cb = Math.min(nx - 1, Math.ceil((xs[k + 1]! - this.x0) / cs - 0.5) - 1);
          for (let c = ca; c <= cb; c++) {
            pairCell.push(r * nx + c);
            pairDistrict.push(d);
            pairBoundary.push(0);
          }
        }
      }
    }

    // Resolve cells: one interior district and no boundary -> direct answer; anything else -> candidates.
    const count = new Int32Array(ncell);
    const onlyInterior = new Uint8Array(ncell).fill(1);
    for (let p = 0; p < pairCell.length; p++) {
      const cell = pairCell[p]!;
      count[cell]!++;
      if (pairBoundary[p] === 1) onlyInterior[cell] = 0;
    }
    this.cellDirect = new Int32Array(ncell).fill(-1);
    const candCount = new Int32Array(ncell + 1);
    for (let cell = 0; cell < ncell; cell++) {
      const k = count[cell]!;
      if (k === 0) continue;
      if (k === 1 && onlyInterior[cell] === 1) this.cellDirect[cell] = -3; // filled below
      else this.cellDirect[cell] = -2;
    }
    for (let p = 0; p < pairCell.length; p++) {
      const cell = pairCell[p]!;
      if (this.cellDirect[cell] === -3) this.cellDirect[cell] = pairDistrict[p]!;
    }
    for (let p = 0; p < pairCell.length; p++) {
      const cell = pairCell[p]!;
      if (this.cellDirect[cell] === -2) candCount[cell + 1]!++;
    }
    for (let i = 1; i <= ncell; i++) candCount[i] = candCount[i]! + candCount[i - 1]!;
    this.candStart = candCount;
    const cand = new Int32Array(candCount[ncell]!).fill(-1);
    const pos = candCount.slice(0, ncell);
    for (let p = 0; p < pairCell.length; p++) {
      const cell = pairCell[p]!;
      if (this.cellDirect[cell] !== -2) continue;
      const d = pairDistrict[p]!;
      // A district can be both a boundary and an interior mark of one cell: keep it once.
      let dup = false;
      for (let k = candCount[cell]!; k < pos[cell]!; k++) if (cand[k] === d) dup = true;
      if (!dup) cand[pos[cell]!++] = d;
    }
    // Sort each list ascending (lower index wins, as in a scan in feature order); unused slots stay -1 at the end.
    for (let cell = 0; cell < ncell; cell++) {
      const a = candCount[cell]!;
      const b = pos[cell]!;
      if (b - a > 1) cand.subarray(a, b).sort();
    }
    this.cand = cand;
  }

  private row(y: number): number {
    return Math.floor((y - this.y0) / this.cs);
  }
  private col(x: number): number {
    return Math.floor((x - this.x0) / this.cs);
  }

  /** Even-odd ray cast of (x, y) against district d using only the edges in row r's strip. */
  private inside(d: number, r: number, x: number, y: number): boolean {
    const s0 = this.stripStart[d * this.ny + r]!;
    const s1 = this.stripStart[d * this.ny + r + 1]!;
    const ed = this.edges;
    const st = this.strip;
    let inside = false;
    for (let s = s0; s < s1; s++) {
      const o = 4 * st[s]!;
      const ay = ed[o + 1]!;
      const by = ed[o + 3]!;
      if (ay > y !== by > y) {
        const ax = ed[o]!;
        const bx = ed[o + 2]!;
        if (x < ax + ((y - ay) * (bx - ax)) / (by - ay)) inside = !inside;
      }
    }
    return inside;
  }

  /** Position in `districts` of the district containing (lat, lon), or -1. */
  locateIndex(lat: number, lon: number): number {
    const c = Math.floor((lon - this.x0) / this.cs);
    const r = Math.floor((lat - this.y0) / this.cs);
    // NaN fails both comparisons, so non-finite input lands here too.
    if (!(c >= 0 && c < this.nx && r >= 0 && r < this.ny)) return -1;
    const cell = r * this.nx + c;
    const direct = this.cellDirect[cell]!;
    if (direct !== -2) return direct;
    const k1 = this.candStart[cell + 1]!;
    for (let k = this.candStart[cell]!; k < k1; k++) {
      const d = this.cand[k]!;
      if (d < 0) break;
      if (this.inside(d, r, lon, lat)) return d;
    }
    return -1;
  }

  /** District and province containing (lat, lon); undefined outside every district. */
  locate(lat: number, lon: number): { district: string; province: string } | undefined {
    const d = this.locateIndex(lat, lon);
    if (d < 0) return undefined;
    const info = this.districts[d]!;
    return { district: info.name, province: info.province };
  }

  /** District positions for many points (-1 outside). Arrays must have the same length. */
  locateMany(lat: Float64Array, lon: Float64Array): Int32Array {
    if (lat.length !== lon.length) {
      throw new BaseeratError('VALIDATION', `lat has ${lat.length} values but lon has ${lon.length}`, { field: 'lon' });
    }
    const out = new Int32Array(lat.length);
    for (let i = 0; i < lat.length; i++) out[i] = this.locateIndex(lat[i]!, lon[i]!);
    return out;
  }

  /**
   * Distance in km from a point to the boundary of district d (0 inside it), on a local
   * equirectangular projection: accurate to well under 1% at the tens of km this is used for
   * (classifying disagreements near boundaries). O(edges of d).
   */
  distanceToDistrictKm(d: number, lat: number, lon: number): number {
    if (!(d >= 0 && d < this.districts.length)) {
      throw new BaseeratError('VALIDATION', `district index is ${d}, expected 0..${this.districts.length - 1}`, { field: 'district' });
    }
    if (this.locateIndex(lat, lon) === d) return 0;
    const kx = Math.cos(lat * RAD) * RAD * EARTH_RADIUS_KM;
    const ky = RAD * EARTH_RADIUS_KM;
    let best = Infinity;
    const ed = this.edges;
    for (let e = this.districtEdgeStart[d]!; e < this.districtEdgeStart[d + 1]!; e++) {
      const ax = (ed[4 * e]! - lon) * kx;
      const ay = (ed[4 * e + 1]! - lat) * ky;
      const bx = (ed[4 * e + 2]! - lon) * kx;
      const by = (ed[4 * e + 3]! - lat) * ky;
      const dx = bx - ax;
      const dy = by - ay;
      const len2 = dx * dx + dy * dy;
      const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len2));
      const px = ax + t * dx;
      const py = ay + t * dy;
      const dist = Math.sqrt(px * px + py * py);
      if (dist < best) best = dist;
    }
    return best;
  }

  /**
   * The district containing the point or, for a point outside every district (just off the
   * clipped coastline, a few hundred metres across a border as OSM draws it), the nearest district
   * whose boundary is within `maxKm`. Returns the district position and the distance (0 inside),
   * or undefined. O(1) inside; outside O(edges of the districts whose bbox is within maxKm).
   */
  nearest(lat: number, lon: number, maxKm: number): { index: number; distanceKm: number } | undefined {
    if (!(maxKm >= 0)) throw new BaseeratError('VALIDATION', `maxKm is ${maxKm}, expected a non-negative number`, { field: 'maxKm' });
    if (!Number.isFinite(lat) || !Number.isFinite(lon)) return undefined;
    const inside = this.locateIndex(lat, lon);
    if (inside >= 0) return { index: inside, distanceKm: 0 };
    // Degrees of latitude and longitude that maxKm can span here (conservative for the bbox test).
    const dLat = maxKm / (RAD * EARTH_RADIUS_KM);
    const dLon = maxKm / (RAD * EARTH_RADIUS_KM * Math.max(Math.cos((Math.abs(lat) + dLat) * RAD), 1e-6));
    let best: { index: number; distanceKm: number } | undefined;
    for (const d of this.districts) {
      const b = d.bbox;
      if (lon < b[0] - dLon || lon > b[2] + dLon || lat < b[1] - dLat || lat > b[3] + dLat) continue;
      const km = this.distanceToDistrictKm(d.index, lat, lon);
      if (km <= maxKm && (best === undefined || km < best.distanceKm)) best = { index: d.index, distanceKm: km };
    }
    return best;
  }

  /** District by canonical name (exact, as in the boundaries). */
  byDistrictName(name: string): DistrictInfo | undefined {
    const d = this.byName.get(name);
    return d === undefined ? undefined : this.districts[d];
  }

  /** Grid statistics, for the method page and benchmarks. */
  gridStats(): { cellDegrees: number; columns: number; rows: number; interiorCells: number; boundaryCells: number; edges: number } {
    let interiorCells = 0;
    let boundaryCells = 0;
    for (const v of this.cellDirect) {
      if (v >= 0) interiorCells++;
      else if (v === -2) boundaryCells++;
    }
    return { cellDegrees: this.cs, columns: this.nx, rows: this.ny, interiorCells, boundaryCells, edges: this.edges.length / 4 };
  }
}
