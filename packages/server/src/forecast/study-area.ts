/**
 * The study area of the NIJ mode: the union of the 60 Portland Police Bureau district polygons
 * shipped in data/reference/portland-nij/Portland_Police_Districts. A in PAI is their total area,
 * because the challenge scored forecasts over the bureau's jurisdiction, not over the events' hull
 * (a hull or box would add river and county land and inflate every PAI alike).
 */
import { cellRing, gridCellCentre, type BoundingBox, type SquareGrid } from '@baseerat/engine/forecast/index';
import { BaseeratError } from '@baseerat/engine';
import { polygonArea, polygonContains, readPolygonShapefile, type ShapefilePolygon } from './shapefile-polygons.js';

export interface StudyArea {
  readonly polygons: ShapefilePolygon[];
  readonly bbox: BoundingBox;
  readonly area: number;
  /** Polygon bboxes for a quick reject. */
  readonly boxes: Float64Array;
}

export function loadStudyArea(shpPath: string): StudyArea {
  const r = readPolygonShapefile(shpPath);
  if (!r.ok) throw new BaseeratError('PARSE', `study area ${shpPath}: ${r.error}`, { field: 'studyArea' });
  const polygons = r.value;
  const boxes = new Float64Array(4 * polygons.length);
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity, area = 0;
  polygons.forEach((p, k) => {
    let a = Infinity, b = Infinity, c = -Infinity, d = -Infinity;
    for (const ring of p.rings) for (let i = 0; i < ring.length; i += 2) {
      a = Math.min(a, ring[i]!); c = Math.max(c, ring[i]!); b = Math.min(b, ring[i + 1]!); d = Math.max(d, ring[i + 1]!);
    }
    boxes.set([a, b, c, d], 4 * k);
    minX = Math.min(minX, a); minY = Math.min(minY, b); maxX = Math.max(maxX, c); maxY = Math.max(maxY, d);
    area += polygonArea(p);
  });
  return { polygons, bbox: { minX, minY, maxX, maxY }, area, boxes };
}

export function studyAreaContains(sa: StudyArea, x: number, y: number): boolean {
  for (let k = 0; k < sa.polygons.length; k++) {
    if (x < sa.boxes[4 * k]! || y < sa.boxes[4 * k + 1]! || x > sa.boxes[4 * k + 2]! || y > sa.boxes[4 * k + 3]!) continue;
    if (polygonContains(sa.polygons[k]!, x, y)) return true;
  }
  return false;
}

/**
 * Cells a forecast may flag: those whose centre or any corner is in the study area. Cells are not
 * trimmed to the boundary (NIJ allowed trimmed cells); a cell on the edge counts its full area.
 */
export function eligibleCells(sa: StudyArea, grid: SquareGrid): Int32Array {
  const out: number[] = [];
  for (let c = 0; c < grid.cellCount; c++) {
    const [cx, cy] = gridCellCentre(grid, c);
    if (studyAreaContains(sa, cx, cy)) { out.push(c); continue; }
    const ring = cellRing(grid, c);
    for (let q = 0; q < 4; q++) {
      const p = ring[q]!;
      if (studyAreaContains(sa, p[0], p[1])) { out.push(c); break; }
    }
  }
  return Int32Array.from(out);
}
