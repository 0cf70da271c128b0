/**
 * Real-data check of the Knox near-repeat test: Portland burglary calls for service (NIJ Real-Time
 * Crime Forecasting Challenge, 2012-03 .. 2017-02, shipped in data/reference/portland-nij). Burglary
 * near repeats are the best-documented case (Johnson et al. 2007: within 200 m for about 2 weeks).
 * Prints the observed/expected ratios and p-values for docs/methods/knox-near-repeat.md, and the time.
 * Run: npx tsx bench/near-repeat/portland-burglary.ts [permutations]
 */
import { readFileSync } from 'node:fs';
import { SeededRng } from '../../packages/engine/src/random/seeded-rng.js';
import { knoxTest } from '../../packages/engine/src/stats/knox-test.js';
import { benjaminiHochberg } from '../../packages/engine/src/stats/benjamini-hochberg.js';

const nperm = Number(process.argv[2] ?? 999);
const lines = readFileSync(new URL('../../data/reference/portland-nij/portland_cfs_burglary_2012-03_2017-02.csv', import.meta.url), 'utf8').trim().split('\n');
const header = lines[0]!.split(',');
const iDate = header.indexOf('occ_date'), iX = header.indexOf('x_coordina'), iY = header.indexOf('y_coordina');
const x: number[] = [], y: number[] = [], t: number[] = [];
let skipped = 0;
for (const line of lines.slice(1)) {
  const f = line.split(',');
  const d = Date.parse(`${f[iDate]}T00:00:00Z`), X = Number(f[iX]), Y = Number(f[iY]);
  if (!Number.isFinite(d) || !(X > 0) || !(Y > 0)) { skipped++; continue; }
  // State plane coordinates in international feet: metres = feet x 0.3048 (a conformal projection: distances are true to about 1e-4 here).
  x.push(X * 0.3048); y.push(Y * 0.3048); t.push(d / 86400000);
}
const spaceBands = [100, 200, 300, 400, 500];
const timeBands = [7, 14, 21, 28];
const t0 = performance.now();
const r = knoxTest(x, y, t, { spaceBands, timeBands, permutations: nperm, rng: new SeededRng('portland-burglary') });
const ms = performance.now() - t0;
const q = benjaminiHochberg(r.pValue.flat());
console.log(`Portland burglary: ${x.length} calls (${skipped} without coordinates or date), ${r.nearPairs} pairs within 500 m, ${nperm} permutations, ${(ms / 1000).toFixed(1)} s`);
console.log(`| space \\ time | ${r.timeLabels.join(' | ')} |`);
console.log(`|---|${r.timeLabels.map(() => '---').join('|')}|`);
r.spaceLabels.forEach((s, i) => {
  const cells = r.timeLabels.map((_, k) => {
    const ratio = r.ratio[i]![k];
    const qq = q[i * r.timeLabels.length + k]!;
    return `${r.observed[i]![k]} / ${r.expected[i]![k]!.toFixed(1)} = ${ratio === null || ratio === undefined ? '-' : ratio.toFixed(2)}${qq < 0.05 ? ' *' : ''}`;
  });
  console.log(`| ${s} | ${cells.join(' | ')} |`);
});
console.log('cells: observed / expected = ratio; * = Benjamini-Hochberg adjusted p < 0.05');
