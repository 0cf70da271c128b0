/**
 * Minimal reader of ESRI polygon shapefiles (.shp shape type 5): each record is a bounding box,
 * part offsets and little-endian double points. Enough for the NIJ police-district file; no .dbf
 * attributes, no Z/M types. Returns an error instead of throwing on a malformed file.
 */
import { readFileSync } from 'node:fs';
import type { Result } from '@baseerat/engine';

export type Ring = Float64Array; // x0, y0, x1, y1, ...

export interface ShapefilePolygon {
  readonly rings: Ring[];
}

export function parsePolygonShapefile(buf: Uint8Array): Result<ShapefilePolygon[], string> {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (buf.byteLength < 100 || view.getInt32(0, false) !== 9994) return { ok: false, error: 'not a shapefile (file code is not 9994)' };
  const shapeType = view.getInt32(32, true);
  if (shapeType !== 5) return { ok: false, error: `shape type ${shapeType} is not 5 (polygon)` };
  const out: ShapefilePolygon[] = [];
  let off = 100;
  while (off + 8 <= buf.byteLength) {
    const contentBytes = view.getInt32(off + 4, false) * 2;
    const c = off + 8;
    if (c + contentBytes > buf.byteLength) return { ok: false, error: `record at byte ${off} runs past the end of the file` };
    const type = view.getInt32(c, true);
    if (type === 0) { off = c + contentBytes; continue; } // null shape
    if (type !== 5) return { ok: false, error: `record at byte ${off} has shape type ${type}, expected 5` };
    const numParts = view.getInt32(c + 36, true);
    const numPoints = view.getInt32(c + 40, true);
    const partsAt = c + 44;
    const pointsAt = partsAt + 4 * numParts;
    if (pointsAt + 16 * numPoints > c + contentBytes || numParts < 1 || numPoints < 0) return { ok: false, error: `record at byte ${off} has inconsistent part/point counts` };
    const rings: Ring[] = [];
    for (let p = 0; p < numParts; p++) {
      const s = view.getInt32(partsAt + 4 * p, true);
      const e = p + 1 < numParts ? view.getInt32(partsAt + 4 * (p + 1), true) : numPoints;
      if (s < 0 || e > numPoints || e < s) return { ok: false, error: `record at byte ${off} has a bad part offset` };
      const ring = new Float64Array(2 * (e - s));
      for (let q = s; q < e; q++) {
        ring[2 * (q - s)] = view.getFloat64(pointsAt + 16 * q, true);
        ring[2 * (q - s) + 1] = view.getFloat64(pointsAt + 16 * q + 8, true);
      }
      rings.push(ring);
    }
    out.push({ rings });
    off = c + contentBytes;
  }
  return { ok: true, value: out };
}

export function readPolygonShapefile(path: string): Result<ShapefilePolygon[], string> {
  return parsePolygonShapefile(readFileSync(path));
}

/** Signed area of a ring (shoelace): negative for clockwise rings, the shapefile's outer rings. */
export function ringSignedArea(r: Ring): number {
  let s = 0;
  const n = r.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) s += r[2 * j]! * r[2 * i + 1]! - r[2 * i]! * r[2 * j + 1]!;
  return s / 2;
}

/** Area of a polygon: outer rings (clockwise) minus holes (counter-clockwise). */
export function polygonArea(p: ShapefilePolygon): number {
  let s = 0;
  for (const r of p.rings) s -= ringSignedArea(r);
  return s;
}

/** Even-odd point in polygon over all rings (so holes are excluded). */
export function polygonContains(p: ShapefilePolygon, x: number, y: number): boolean {
  let inside = false;
  for (const r of p.rings) {
    const n = r.length / 2;
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const xi = r[2 * i]!, yi = r[2 * i + 1]!, xj = r[2 * j]!, yj = r[2 * j + 1]!;
      if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}
