/**
 * In-control average run length (ARL0: periods until a false alarm) of the Poisson CUSUM with
 * mu1 = 2 mu0, by seeded simulation of Poisson(mu0) counts, 4,000 runs per setting. 1 / ARL0 is its
 * false-alarm rate per period once it restarts at 0 after each alarm.
 * Run: npx tsx bench/detection/cusum-arl.ts
 */
import { poissonCusumReferenceValue } from '../../packages/engine/src/monitor/cusum.js';
import { SeededRng, poisson } from '../../packages/engine/src/random/seeded-rng.js';

const rng = new SeededRng('bench:cusum-arl');
console.log('| mu0 | k | h | ARL0 (periods) | false alarms per period |');
console.log('|---|---|---|---|---|');
for (const [mu0, h] of [[1, 3], [1, 5], [1, 7], [0.5, 3], [0.5, 5], [0.2, 3], [0.2, 5]] as const) {
  const k = poissonCusumReferenceValue(mu0, 2 * mu0);
  const runs = 4000;
  let total = 0;
  for (let r = 0; r < runs; r++) {
    let s = 0, t = 0;
    do {
      t++;
      s = Math.max(0, s + poisson(rng, mu0) - k);
    } while (s < h && t < 1e6);
    total += t;
  }
  const arl = total / runs;
  console.log(`| ${mu0} | ${k.toFixed(3)} | ${h} | ${arl.toFixed(0)} | ${(1 / arl).toFixed(4)} |`);
}
