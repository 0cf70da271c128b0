/**
 * Speed of the self-exciting fits on seeded synthetic data (docs/benchmarks.md, "Forecast"):
 * - space-time ETAS EM on 5,000 to 50,000 events (target: 50,000 under 30 s), with the scaling;
 * - grid Hawkes EM on 100,000 events in 10,000 cells (target: under 10 s).
 * Reference in the same run: one pass over the candidate pairs (the E-step's floor), so the ratio
 * says how many E-step equivalents the fit cost.
 *   npx tsx bench/forecast/self-exciting.bench.ts
 */
import { loadavg } from 'node:os';
import { SeededRng } from '../../packages/engine/src/random/index.js';
import { fitGridHawkes, fitSpaceTimeEtas, simulateGridHawkes, simulateSpaceTimeHawkes } from '../../packages/engine/src/forecast/index.js';

function timed<T>(f: () => T): { value: T; wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = f();
  const cpu = process.cpuUsage(c0);
  return { value, wall: (performance.now() - t0) / 1000, cpu: (cpu.user + cpu.system) / 1e6 };
}

const T = 1826;
const theta = 0.3;
const rng0 = new SeededRng('bench-clusters');
const clusters = Array.from({ length: 20 }, () => ({ x: 3000 + rng0.next() * 24_000, y: 3000 + rng0.next() * 24_000 }));
console.log(`load average ${loadavg().map((v) => v.toFixed(1)).join(' ')} on 2 cores`);
console.log('| events | candidate pairs | EM iterations | wall s | CPU s | CPU per event (us) |');
console.log('|---|---|---|---|---|---|');
let base: number | null = null;
for (const n of [5000, 10_000, 20_000, 50_000]) {
  const ev = simulateSpaceTimeHawkes(new SeededRng(`bench-etas-${n}`), { mu: (n * (1 - theta)) / T, theta, omega: 0.1, sigma: 100, start: 0, end: T, bbox: { minX: 0, minY: 0, maxX: 30_000, maxY: 30_000 }, clusters, clusterSpread: 1500 });
  const r = timed(() => fitSpaceTimeEtas(ev, 0, T, { backgroundBandwidth: 500, maxTriggerDistance: 800, maxTriggerDays: 60, initialSigma: 200 }));
  const perEvent = (r.cpu / ev.t.length) * 1e6;
  base ??= perEvent;
  console.log(`| ${ev.t.length} | ${r.value.pairCount} | ${r.value.iterations} | ${r.wall.toFixed(2)} | ${r.cpu.toFixed(2)} | ${perEvent.toFixed(1)} (${(perEvent / base).toFixed(2)}x the 5,000 run) |`);
  if (n === 50_000) console.log(`fitted theta ${r.value.theta.toFixed(3)} (0.3), omega ${r.value.omega.toFixed(3)} (0.1), sigma ${r.value.sigma.toFixed(1)} (100)`);
}

const cells = 10_000;
const rng = new SeededRng('bench-grid-hawkes');
const mu = Float64Array.from({ length: cells }, () => (2 * rng.next() * 100_000 * 0.6) / T / cells);
const sim = simulateGridHawkes(rng, { mu, theta: 0.4, omega: 0.1, start: 0, end: T });
const g = timed(() => fitGridHawkes(sim.cell, sim.t, cells, 0, T));
console.log(`\ngrid Hawkes: ${sim.t.length} events, ${cells} cells: ${g.value.iterations} EM iterations (converged ${g.value.converged}), wall ${g.wall.toFixed(2)} s, CPU ${g.cpu.toFixed(2)} s; theta ${g.value.theta.toFixed(3)} (0.4), omega ${g.value.omega.toFixed(3)} (0.1)`);
