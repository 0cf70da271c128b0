/** Synthetic district panels drawn with a seeded generator, for model and backtest tests. */
import { SeededRng, poisson, type Rng } from '../../src/random/seeded-rng.js';
import { periodIndexOf, type CountPanel } from '../../src/forecast/counts/count-panel.js';

/** Gamma(shape, 1) by Marsaglia-Tsang (shape >= 1) with the boost for shape < 1. */
function gamma(rng: Rng, shape: number): number {
  if (shape < 1) return gamma(rng, shape + 1) * Math.pow(rng.next(), 1 / shape);
  const d = shape - 1 / 3, c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number, v: number;
    do {
      const u1 = rng.next() || 1e-12, u2 = rng.next();
      x = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.next();
    if (Math.log(u || 1e-300) < 0.5 * x * x + d - d * Math.log(v) + d * Math.log(d)) return d * v;
  }
}

/**
 * A ring of `units` districts over `periods` months from 2010-01: each unit has its own base rate,
 * with NB (gamma-Poisson, size theta) or Poisson noise (theta undefined) and a seasonal swing.
 */
export function syntheticPanel(opts: { units: number; periods: number; seed: number; theta?: number }): CountPanel {
  const rng = new SeededRng(opts.seed);
  const U = opts.units, T = opts.periods;
  const counts = new Float64Array(U * T);
  for (let u = 0; u < U; u++) {
    const base = 0.3 + 3 * rng.next();
    for (let t = 0; t < T; t++) {
      let m = base * Math.exp(0.4 * Math.sin((2 * Math.PI * t) / 12));
      if (opts.theta !== undefined) m *= gamma(rng, opts.theta) / opts.theta;
      counts[u * T + t] = poisson(rng, m);
    }
  }
  const neighbours = Array.from({ length: U }, (_, u) => [(u + U - 1) % U, (u + 1) % U].sort((a, b) => a - b));
  return { period: 'month', units: Array.from({ length: U }, (_, u) => `d${u}`), firstPeriod: periodIndexOf(Date.UTC(2010, 0, 15), 'month'), nPeriods: T, counts, neighbours };
}
