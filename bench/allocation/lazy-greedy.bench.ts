/**
 * Lazy greedy (heap of stale gains) against the plain greedy that recomputes every site's gain at
 * every step, on a synthetic province-sized instance: 2,000 candidate sites, 50,000 demand points
 * clustered around 40 centres in Balochistan's bounding box, radius 25 km, K = 10 and K = 50.
 * Prints both times, their ratio, and checks the two plans are identical.
 *
 * Run: npx tsx bench/allocation/lazy-greedy.bench.ts
 */
import { SeededRng, normal, uniform } from '../../packages/engine/src/random/index.js';
import { buildCoverageMatrix, greedyMaximalCoverage, type CandidateSite, type CoverageMatrix, type DemandPoint } from '../../packages/engine/src/risk/index.js';

const rng = new SeededRng('allocation-bench');
const centres = Array.from({ length: 40 }, () => ({ lat: uniform(rng, 25.5, 31.5), lon: uniform(rng, 61.5, 70) }));
const demand: DemandPoint[] = Array.from({ length: 50_000 }, () => {
  const c = centres[Math.floor(rng.next() * centres.length)]!;
  return { lat: normal(rng, c.lat, 0.3), lon: normal(rng, c.lon, 0.3), weight: 1 + Math.floor(rng.next() * 5) };
});
const sites: CandidateSite[] = Array.from({ length: 2000 }, (_, i) => ({ id: `s${i}`, lat: uniform(rng, 25.5, 31.5), lon: uniform(rng, 61.5, 70) }));

function plainGreedy(m: CoverageMatrix, k: number): number[] {
  const covered = new Uint8Array(m.nDemand);
  const chosen: number[] = [];
  const taken = new Uint8Array(m.nSites);
  for (let step = 0; step < k; step++) {
    let best = -1, bestGain = -1;
    for (let i = 0; i < m.nSites; i++) {
      if (taken[i] === 1) continue;
      let g = 0;
      for (const j of m.covers[i]!) if (covered[j] === 0) g += m.weights[j]!;
      if (g > bestGain) { bestGain = g; best = i; }
    }
    taken[best] = 1;
    chosen.push(best);
    for (const j of m.covers[best]!) covered[j] = 1;
  }
  return chosen;
}

const t0 = performance.now();
const matrix = buildCoverageMatrix(sites, demand, 25);
const tMatrix = performance.now() - t0;
console.log(`coverage matrix 2,000 x 50,000: ${tMatrix.toFixed(0)} ms, ${matrix.covers.reduce((a, c) => a + c.length, 0)} covered pairs`);
for (const k of [10, 50]) {
  const reps = 5;
  let tPlain = 0, tLazy = 0, same = true;
  for (let r = 0; r < reps; r++) {
    const a = performance.now();
    const p = plainGreedy(matrix, k);
    const b = performance.now();
    const l = greedyMaximalCoverage({ matrix, sites, units: k });
    const c = performance.now();
    tPlain += b - a;
    tLazy += c - b;
    same &&= p.join() === l.sites.join();
  }
  console.log(`K = ${k}: plain ${(tPlain / reps).toFixed(1)} ms, lazy ${(tLazy / reps).toFixed(1)} ms, plain/lazy ${(tPlain / tLazy).toFixed(1)}x, identical plans: ${same}`);
}
