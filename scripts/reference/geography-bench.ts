/**
 * Speed of the district index against brute-force point-in-polygon (turf over all districts with a
 * bbox prefilter) measured in the same run, and the load time of the shipped geography.
 * Run: npx tsx scripts/reference/geography-bench.ts
 * (Belongs in bench/ when the lead moves it; kept here because bench/ is shared.)
 */
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { loadDistrictsGeoJSON, loadGeography } from '../../packages/server/src/reference/geography.js';

const cpu0 = process.cpuUsage();
let t = performance.now();
const geo = loadGeography();
const loadMs = performance.now() - t;
const cpu = process.cpuUsage(cpu0);
const loadCpuMs = (cpu.user + cpu.system) / 1000;

// Seeded points: half uniform over the country's bbox, half at UCDP-like places (jittered district centroids).
let s = 12345;
const rnd = (): number => (s = (s * 16807) % 2147483647) / 2147483647;
const n = 1_000_000;
const lat = new Float64Array(n);
const lon = new Float64Array(n);
for (let i = 0; i < n; i++) {
  if (i % 2 === 0) {
    lat[i] = 23.6 + rnd() * 13.5;
    lon[i] = 60.8 + rnd() * 16.4;
  } else {
    const d = geo.districts[Math.floor(rnd() * geo.districts.length)]!;
    lat[i] = d.centroid.lat + (rnd() - 0.5) * 0.3;
    lon[i] = d.centroid.lon + (rnd() - 0.5) * 0.3;
  }
}
geo.locateMany(lat.subarray(0, 10_000), lon.subarray(0, 10_000)); // warm up
t = performance.now();
const out = geo.locateMany(lat, lon);
const gridMs = performance.now() - t;

const features = loadDistrictsGeoJSON().features;
const boxes = geo.districts.map((d) => d.bbox);
const m = 5_000;
t = performance.now();
let agree = 0;
for (let i = 0; i < m; i++) {
  let hit = -1;
  for (let d = 0; d < features.length; d++) {
    const b = boxes[d]!;
    if (lon[i]! < b[0] || lat[i]! < b[1] || lon[i]! > b[2] || lat[i]! > b[3]) continue;
    if (booleanPointInPolygon([lon[i]!, lat[i]!], features[d] as never)) {
      hit = d;
      break;
    }
  }
  if (hit === out[i]) agree++;
}
const bruteMs = performance.now() - t;
const gridUs = (gridMs * 1000) / n;
const bruteUs = (bruteMs * 1000) / m;
console.log(`load shipped geography: ${loadMs.toFixed(0)} ms wall, ${loadCpuMs.toFixed(0)} ms CPU`);
console.log(`grid index: ${n} points in ${gridMs.toFixed(0)} ms = ${gridUs.toFixed(3)} us/point (${(n / gridMs / 1000).toFixed(1)} M points/s)`);
console.log(`brute force (turf + bbox prefilter): ${m} points in ${bruteMs.toFixed(0)} ms = ${bruteUs.toFixed(1)} us/point`);
console.log(`ratio brute/grid: ${(bruteUs / gridUs).toFixed(0)}x; agreement on the ${m} points: ${agree}/${m}`);
console.log(`grid: ${JSON.stringify(geo.index.gridStats())}`);
