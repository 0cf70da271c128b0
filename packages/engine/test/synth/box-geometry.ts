import type { DistrictGeometry } from '../../src/synth/index.js';
import { BALOCHISTAN_DISTRICT_BASE_RATES } from '../../src/synth/index.js';

/**
 * A stand-in for the district polygons: each Balochistan district a 0.5 x 0.5 degree box on a grid
 * over the province. Fast and exact to locate; the real polygons are used in server/test/generate.
 */
export function boxGeometry(): DistrictGeometry & { boxes: Map<string, [number, number]> } {
  const boxes = new Map<string, [number, number]>();
  BALOCHISTAN_DISTRICT_BASE_RATES.forEach((d, i) => boxes.set(d.district, [25 + Math.floor(i / 7) * 0.5, 62 + (i % 7) * 0.5]));
  return {
    boxes,
    samplePoint(district, rng) {
      const b = boxes.get(district)!;
      return { lat: b[0] + 0.5 * rng.next(), lon: b[1] + 0.5 * rng.next() };
    },
    locate(lat, lon) {
      for (const [name, [la, lo]] of boxes) if (lat >= la && lat < la + 0.5 && lon >= lo && lon < lo + 0.5) return name;
      return undefined;
    },
  };
}
