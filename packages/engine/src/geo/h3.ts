/**
 * H3 hexagonal grid helpers (Uber's H3 via h3-js). Resolution 7 (default) has cells of about
 * 5.16 km^2 on average (edge about 1.4 km): small enough for a town's neighbourhoods, large enough
 * that a district-level count is not a scatter of ones. Hotspot analysis uses `neighbours` (the
 * k-ring) as its spatial weights.
 *
 * Complexity: cellOf O(1) (about 1 microsecond); neighbours O(k^2) cells. Invalid input throws a
 * VALIDATION error naming the value rather than returning h3-js's silent garbage.
 */
import { cellToLatLng, getHexagonAreaAvg, gridDisk, gridDiskDistances, gridDistance, isValidCell, latLngToCell } from 'h3-js';
import { BaseeratError } from '../domain/errors.js';

export const DEFAULT_H3_RESOLUTION = 7;

function checkResolution(res: number): void {
  if (!Number.isInteger(res) || res < 0 || res > 15) {
    throw new BaseeratError('VALIDATION', `h3 resolution is ${res}, expected an integer 0..15`, { field: 'h3Resolution' });
  }
}

function checkCell(cell: string): void {
  if (!isValidCell(cell)) throw new BaseeratError('VALIDATION', `h3 cell ${JSON.stringify(cell)} is not a valid H3 index`, { field: 'cell' });
}

/** H3 cell (hex string) containing the point, at resolution `res` (default 7). */
export function cellOf(lat: number, lon: number, res: number = DEFAULT_H3_RESOLUTION): string {
  checkResolution(res);
  if (!(Number.isFinite(lat) && lat >= -90 && lat <= 90)) throw new BaseeratError('VALIDATION', `lat is ${lat}, expected degrees in [-90, 90]`, { field: 'lat' });
  if (!(Number.isFinite(lon) && lon >= -180 && lon <= 180)) throw new BaseeratError('VALIDATION', `lon is ${lon}, expected degrees in [-180, 180]`, { field: 'lon' });
  return latLngToCell(lat, lon, res);
}

/** Cells of many points; points with non-finite coordinates give ''. */
export function cellsOf(lat: Float64Array, lon: Float64Array, res: number = DEFAULT_H3_RESOLUTION): string[] {
  checkResolution(res);
  if (lat.length !== lon.length) throw new BaseeratError('VALIDATION', `lat has ${lat.length} values but lon has ${lon.length}`, { field: 'lon' });
  const out = new Array<string>(lat.length);
  for (let i = 0; i < lat.length; i++) {
    const a = lat[i]!;
    const o = lon[i]!;
    out[i] = Number.isFinite(a) && Number.isFinite(o) && Math.abs(a) <= 90 && Math.abs(o) <= 180 ? latLngToCell(a, o, res) : '';
  }
  return out;
}

/** Centre of a cell. */
export function cellCentre(cell: string): { lat: number; lon: number } {
  checkCell(cell);
  const [lat, lon] = cellToLatLng(cell);
  return { lat, lon };
}

/** The cell and every cell within k steps (the k-ring, 1 + 3k(k+1) cells away from pentagons). */
export function neighbours(cell: string, k = 1): string[] {
  checkCell(cell);
  if (!Number.isInteger(k) || k < 0) throw new BaseeratError('VALIDATION', `k is ${k}, expected a non-negative integer`, { field: 'k' });
  return gridDisk(cell, k);
}

/** Cells by ring: element i holds the cells exactly i steps away (element 0 is the cell itself). */
export function neighboursByDistance(cell: string, k = 1): string[][] {
  checkCell(cell);
  if (!Number.isInteger(k) || k < 0) throw new BaseeratError('VALIDATION', `k is ${k}, expected a non-negative integer`, { field: 'k' });
  return gridDiskDistances(cell, k);
}

/** Grid steps between two cells of the same resolution; undefined when H3 cannot say (too far, across a pentagon). */
export function cellDistance(a: string, b: string): number | undefined {
  checkCell(a);
  checkCell(b);
  try {
    return gridDistance(a, b);
  } catch {
    return undefined;
  }
}

/** Average area of a cell at a resolution, km^2 (H3's published average). */
export function cellAreaSqKm(res: number = DEFAULT_H3_RESOLUTION): number {
  checkResolution(res);
  return getHexagonAreaAvg(res, 'km2');
}
