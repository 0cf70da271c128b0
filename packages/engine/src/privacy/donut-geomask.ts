/**
 * Donut geomasking (Hampton et al. 2010, "Mapping health data: improved privacy protection with
 * donut method geomasking", American Journal of Epidemiology 172): each point is moved in a
 * uniformly random direction by a distance between rMin and rMax, uniform over the area of the
 * annulus, so that it is never left near its true place (rMin) and never moved arbitrarily far
 * (rMax).
 *
 * Units: degrees in, kilometres for radii. Complexity O(1) per point. How to read it: the masked
 * point is within rMax of the truth and at least rMin away; a density map at scales much larger than
 * rMax is barely changed. It is not differential privacy, and repeated releases of independently
 * masked copies of the same point average back towards the truth: mask once and reuse.
 */
import { BaseeratError } from '../domain/errors.js';
import type { Rng } from '../random/seeded-rng.js';

const EARTH_RADIUS_KM = 6371.0088;

export interface DonutRadii {
  minKm: number;
  maxKm: number;
}

export function donutGeomask(lat: number, lon: number, radii: DonutRadii, rng: Rng): { lat: number; lon: number; distanceKm: number } {
  const { minKm, maxKm } = radii;
  if (!(minKm >= 0 && maxKm > minKm && Number.isFinite(maxKm))) {
    throw new BaseeratError('VALIDATION', `donut radii need 0 <= minKm < maxKm, got minKm ${minKm} maxKm ${maxKm}`, { field: 'radii' });
  }
  if (!(Math.abs(lat) <= 90 && Math.abs(lon) <= 180)) throw new BaseeratError('VALIDATION', `point out of range: lat ${lat} lon ${lon}`, { field: 'lat' });
  // Uniform over the annulus area: r² uniform on [min², max²].
  const r = Math.sqrt(minKm * minKm + rng.next() * (maxKm * maxKm - minKm * minKm));
  const bearing = 2 * Math.PI * rng.next();
  const d = r / EARTH_RADIUS_KM;
  const p1 = (lat * Math.PI) / 180, l1 = (lon * Math.PI) / 180;
  const p2 = Math.asin(Math.sin(p1) * Math.cos(d) + Math.cos(p1) * Math.sin(d) * Math.cos(bearing));
  const l2 = l1 + Math.atan2(Math.sin(bearing) * Math.sin(d) * Math.cos(p1), Math.cos(d) - Math.sin(p1) * Math.sin(p2));
  const lonOut = ((((l2 * 180) / Math.PI) + 540) % 360) - 180;
  return { lat: (p2 * 180) / Math.PI, lon: lonOut, distanceKm: r };
}
