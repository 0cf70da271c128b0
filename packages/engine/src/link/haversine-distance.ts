/**
 * Great-circle distance between two points on a sphere of mean Earth radius.
 *
 * What it answers: how far apart two reported locations are, in kilometres.
 * Units: degrees in, km out. Complexity: O(1).
 * How to read it: accurate to about 0.5% against the ellipsoid (WGS84), far below the jitter of
 * reported coordinates; NaN in any input gives NaN (callers check precision first).
 * Reference: R. W. Sinnott (1984), "Virtues of the Haversine", Sky and Telescope 68(2); mean
 * radius 6371.0088 km (IUGG). Checked against Python's reference in
 * `scripts/reference/linking-haversine-pairwise.py`.
 *
 * Kept inside engine/link (not engine/geo) so that linking depends on nothing but the domain.
 */
export const EARTH_RADIUS_KM = 6371.0088;

const RAD = Math.PI / 180;

export function haversineDistanceKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dLat = (lat2 - lat1) * RAD;
  const dLon = (lon2 - lon1) * RAD;
  const s = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(s)));
}
