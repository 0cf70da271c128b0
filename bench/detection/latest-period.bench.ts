/**
 * What the live spike rule pays per evaluated event: `evaluateSeries` over the rule's lookback
 * (every period's step, keeping the last; the spike rule before issue #6's CPU pass) against
 * `evaluateLatestPeriod` (the last period alone), for each detector, on the same seeded series of
 * UCDP-like sparse weekly counts ending in a busy week, in one run. Prints microseconds of wall time
 * per call (single thread, garbage collection included), the median of 5 alternated rounds after a
 * warm-up, and the ratio.
 *
 *   npx tsx bench/detection/latest-period.bench.ts [--calls 20000]
 */
import { evaluateLatestPeriod } from '../../packages/engine/src/monitor/evaluate-latest-period.js';
import { evaluateSeries, type Detector } from '../../packages/engine/src/monitor/evaluate-series.js';
import { SeededRng, poisson } from '../../packages/engine/src/random/seeded-rng.js';

const arg = (name: string, dflt: string) => { const i = process.argv.indexOf(`--${name}`); return i >= 0 ? process.argv[i + 1] ?? dflt : dflt; };
const calls = Number(arg('calls', '20000'));
const rng = new SeededRng('bench:latest-period');

/** 64 series of `n` weeks, Poisson(0.8) with the last week 3-6 events (a period the rule evaluates). */
function seriesSet(n: number): Float64Array[] {
  return Array.from({ length: 64 }, () => {
    const y = Float64Array.from({ length: n }, () => poisson(rng, 0.8));
    y[n - 1] = 3 + poisson(rng, 1.5);
    return y;
  });
}

const cases: { name: string; detector: Detector; n: number; calls: number }[] = [
  { name: 'EARS C2, minSigma 0.5 (the example rule), 60 weeks', detector: { kind: 'ears', options: { method: 'C2', minSigma: 0.5 } }, n: 60, calls },
  { name: 'EARS C3, minSigma 0.5, 60 weeks', detector: { kind: 'ears', options: { method: 'C3', minSigma: 0.5 } }, n: 60, calls },
  { name: 'Poisson CUSUM, trailing mean, 60 weeks', detector: { kind: 'cusum' }, n: 60, calls },
  { name: 'NB window scan (defaults), 60 weeks', detector: { kind: 'window-scan' }, n: 60, calls: Math.ceil(calls / 4) },
  { name: 'Farrington flexible b 3, 170 weeks', detector: { kind: 'farrington', options: { b: 3, w: 3, limit54: [0, 4] } }, n: 170, calls: Math.ceil(calls / 400) },
];

function rounds(f: (y: Float64Array) => unknown, set: Float64Array[], k: number): () => number {
  return () => {
    const t0 = performance.now();
    for (let i = 0; i < k; i++) f(set[i % set.length]!);
    return ((performance.now() - t0) * 1000) / k;
  };
}
const median = (v: number[]) => v.slice().sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

console.log('| detector | evaluateSeries, last step (us/call) | evaluateLatestPeriod (us/call) | ratio |');
console.log('|---|---|---|---|');
for (const c of cases) {
  const set = seriesSet(c.n);
  const before = rounds((y) => evaluateSeries(y, c.detector).steps[y.length - 1], set, c.calls);
  const after = rounds((y) => evaluateLatestPeriod(y, c.detector).step, set, c.calls);
  before(); after(); // warm-up
  const b: number[] = [], a: number[] = [];
  for (let r = 0; r < 5; r++) { b.push(before()); a.push(after()); }
  console.log(`| ${c.name} | ${median(b).toFixed(2)} | ${median(a).toFixed(2)} | ${(median(b) / median(a)).toFixed(1)} |`);
}
