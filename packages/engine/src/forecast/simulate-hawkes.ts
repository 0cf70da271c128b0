/**
 * Seeded simulations of the two self-exciting models, by their branching structure (background
 * events, then each event's Poisson(theta) children with exponential delays): used by the
 * parameter-recovery tests and the benchmarks. Children falling after `end` are dropped.
 * Complexity: O(n) draws. Reference: Zhuang, Ogata and Vere-Jones (2002), branching representation.
 */
import { exponential, normal, poisson, type Rng } from '../random/seeded-rng.js';

export function simulateGridHawkes(rng: Rng, opts: { mu: ArrayLike<number>; theta: number; omega: number; start: number; end: number }): { cell: Int32Array; t: Float64Array } {
  const cells: number[] = [];
  const times: number[] = [];
  const T = opts.end - opts.start;
  for (let c = 0; c < opts.mu.length; c++) {
    const k = poisson(rng, opts.mu[c]! * T);
    for (let q = 0; q < k; q++) { cells.push(c); times.push(opts.start + rng.next() * T); }
  }
  for (let i = 0; i < times.length; i++) {
    const k = poisson(rng, opts.theta);
    for (let q = 0; q < k; q++) {
      const tc = times[i]! + exponential(rng, 1 / opts.omega);
      if (tc < opts.end) { cells.push(cells[i]!); times.push(tc); }
    }
  }
  return { cell: Int32Array.from(cells), t: Float64Array.from(times) };
}

export interface SpaceTimeHawkesSimulation {
  readonly mu: number;
  readonly theta: number;
  readonly omega: number;
  readonly sigma: number;
  readonly start: number;
  readonly end: number;
  readonly bbox: { minX: number; minY: number; maxX: number; maxY: number };
  /** Optional Gaussian background clusters: centres and spread; default uniform background. */
  readonly clusters?: { x: number; y: number }[];
  readonly clusterSpread?: number;
}

export function simulateSpaceTimeHawkes(rng: Rng, o: SpaceTimeHawkesSimulation): { x: Float64Array; y: Float64Array; t: Float64Array } {
  const xs: number[] = [], ys: number[] = [], ts: number[] = [];
  const T = o.end - o.start;
  const k = poisson(rng, o.mu * T);
  const w = o.bbox.maxX - o.bbox.minX, h = o.bbox.maxY - o.bbox.minY;
  for (let q = 0; q < k; q++) {
    ts.push(o.start + rng.next() * T);
    if (o.clusters !== undefined && o.clusters.length > 0) {
      const c = o.clusters[Math.floor(rng.next() * o.clusters.length)]!;
      xs.push(normal(rng, c.x, o.clusterSpread ?? w / 20)); ys.push(normal(rng, c.y, o.clusterSpread ?? h / 20));
    } else {
      xs.push(o.bbox.minX + rng.next() * w); ys.push(o.bbox.minY + rng.next() * h);
    }
  }
  for (let i = 0; i < ts.length; i++) {
    const m = poisson(rng, o.theta);
    for (let q = 0; q < m; q++) {
      const tc = ts[i]! + exponential(rng, 1 / o.omega);
      if (tc >= o.end) continue;
      ts.push(tc); xs.push(normal(rng, xs[i]!, o.sigma)); ys.push(normal(rng, ys[i]!, o.sigma));
    }
  }
  return { x: Float64Array.from(xs), y: Float64Array.from(ys), t: Float64Array.from(ts) };
}
