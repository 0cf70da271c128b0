/**
 * Input of the emerging-hot-spot reference check, from REAL data: UCDP GED events in Balochistan
 * (where_prec 1-2, from the hotspot input fixture), yearly steps 2006-2021 (16 steps), H3 resolution 5,
 * study area = occupied cells and their 1-ring. Writes the cube and the space-time neighbour lists
 * (spatial 1-ring with self, time lag 1; 0-based, bin b = t * nCells + i) built by the engine, so that
 * R computes Gi* (spdep localG), Benjamini-Hochberg and the Mann-Kendall statistics on the same bins.
 *
 * Run: npx tsx scripts/reference/hotspots-ehsa-input.ts && Rscript scripts/reference/hotspots-ehsa.R
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { buildSpaceTimeCube } from '../../packages/engine/src/analysis/space-time-cube.js';
import { spaceTimeWeights } from '../../packages/engine/src/analysis/emerging-hotspots.js';
import { h3KRingWeights } from '../../packages/engine/src/stats/spatial-weights.js';

const inp = JSON.parse(readFileSync('packages/engine/test/fixtures/reference/hotspots-ucdp-input.json', 'utf8')) as {
  events: { lat: number; lon: number; year: number; wherePrec: number }[];
};
const years = Array.from({ length: 17 }, (_, k) => 2006 + k);
const edges = years.map((y) => Date.UTC(y, 0, 1));
const cube = buildSpaceTimeCube(
  {
    lat: inp.events.map((e) => e.lat),
    lon: inp.events.map((e) => e.lon),
    locationPrecision: inp.events.map((e) => (e.wherePrec === 1 ? 0 : 1)),
    // mid-year: UCDP's year is what the reference data give without parsing dates here
    time: inp.events.map((e) => Date.UTC(e.year, 6, 1)),
  },
  { grid: { kind: 'h3', resolution: 5 }, stepEdges: edges },
);
const w = spaceTimeWeights(h3KRingWeights(cube.cells, 1, { includeSelf: true }), cube.nSteps, 1);
const nb = Array.from({ length: w.n }, (_, b) => Array.from(w.indices.subarray(w.offsets[b]!, w.offsets[b + 1]!)));
writeFileSync(
  'packages/engine/test/fixtures/reference/hotspots-ehsa-input.json',
  JSON.stringify({ description: 'UCDP Balochistan, H3 res 5, yearly 2006-2021, time lag 1', stepEdges: edges, cells: cube.cells, nSteps: cube.nSteps, values: Array.from(cube.values), nb }),
);
console.log(`${cube.cells.length} cells x ${cube.nSteps} steps, ${cube.nInCube} events in the cube`);
