/**
 * Near-repeat (Knox) benchmark: 20,000 events, 999 permutations, the brief's target is under 10 s on
 * the 2-core development machine. Prints the time and, as a reference measured in the same run, the
 * time of one brute-force O(n^2) pass over all pairs (what a naive permutation test pays per permutation).
 * Run: npx tsx bench/near-repeat/knox.bench.ts [events] [permutations]
 */
import { SeededRng } from '../../packages/engine/src/random/seeded-rng.js';
import { knoxTest } from '../../packages/engine/src/stats/knox-test.js';

const n = Number(process.argv[2] ?? 20000);
const nperm = Number(process.argv[3] ?? 999);
const rng = new SeededRng('bench:near-repeat');
// A city of 20 km x 20 km over two years: 70% background, 30% near repeats of an earlier event
// (within about 300 m and 3 weeks), like burglary in the published studies.
const x = new Float64Array(n), y = new Float64Array(n), t = new Float64Array(n);
for (let i = 0; i < n; i++) {
  if (i > 100 && rng.next() < 0.3) {
    const j = Math.floor(rng.next() * i);
    x[i] = x[j]! + (rng.next() - 0.5) * 600; y[i] = y[j]! + (rng.next() - 0.5) * 600; t[i] = Math.min(730, t[j]! + Math.floor(rng.next() * 21));
  } else {
    x[i] = rng.next() * 20000; y[i] = rng.next() * 20000; t[i] = Math.floor(rng.next() * 730);
  }
}
const spaceBands = [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000];
const timeBands = [7, 14, 21, 28, 35, 42];

const t0 = performance.now();
const cpu0 = process.cpuUsage();
const r = knoxTest(x, y, t, { spaceBands, timeBands, permutations: nperm, rng: new SeededRng(1) });
const knoxMs = performance.now() - t0;
const knoxCpuMs = process.cpuUsage(cpu0).user / 1000;

// Reference in the same run: one brute-force pass over all n(n-1)/2 pairs (distance + time band).
const t1 = performance.now();
let near = 0;
for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
  const dx = x[i]! - x[j]!, dy = y[i]! - y[j]!;
  if (dx * dx + dy * dy <= 1e6 && Math.abs(t[i]! - t[j]!) <= 42) near++;
}
const bruteMs = performance.now() - t1;

console.log(`events ${n}, permutations ${nperm}, pairs within 1000 m ${r.nearPairs}, all pairs ${r.totalPairs} (check ${near} near pairs within 42 d)`);
console.log(`knox test total: ${(knoxMs / 1000).toFixed(2)} s wall, ${(knoxCpuMs / 1000).toFixed(2)} s CPU (${(knoxMs / (nperm + 1)).toFixed(2)} ms wall per table); load average now ${(await import('node:os')).loadavg()[0]!.toFixed(1)} on ${(await import('node:os')).cpus().length} cores`);
console.log(`one brute-force O(n^2) table: ${(bruteMs / 1000).toFixed(2)} s; brute force x ${nperm + 1} would take ~${((bruteMs * (nperm + 1)) / 1000).toFixed(0)} s, ratio ${((bruteMs * (nperm + 1)) / knoxMs).toFixed(0)}x`);
console.log(`same location, [0, 7] d: observed ${r.observed[0]![0]}, expected ${r.expected[0]![0]!.toFixed(2)}, p ${r.pValue[0]![0]}`);
console.log(`(0, 100] m, [0, 7] d: observed ${r.observed[1]![0]}, ratio ${r.ratio[1]![0]?.toFixed(2)}, p ${r.pValue[1]![0]}`);
