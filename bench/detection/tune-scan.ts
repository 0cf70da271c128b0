/**
 * Tuning record of issue #6: the NB window-scan variants that were tried on the tuning replicates 0-9
 * (never on the held-out replicates), scored like detection.bench.ts but without R (R's rows for the
 * same replicates are in docs/benchmarks.md "Detection"). Prints detection at false-alarm rates 0.005,
 * 0.01, 0.02 and 0.05 per variant (interpolated along its curve of h), the oracle, the split by series
 * at the level nearest 0.01, and the detection of each replicate's 1st..6th outbreak (the diagnostic
 * that showed a 52-week baseline holding the previous injected outbreak).
 *
 * Run: npx tsx bench/detection/tune-scan.ts [--first-replicate=0] [replicates=10]
 */
import { negativeBinomialWindowScan, type NegativeBinomialWindowScanOptions } from '../../packages/engine/src/monitor/negative-binomial-window-scan.js';
import { SCAN26, buildReplicates, loadWeekly, oracleAlarms, podAt, score, type Point, type Replicate } from './detection-setup.js';

const firstArg = process.argv.find((a) => a.startsWith('--first-replicate='));
const first = firstArg === undefined ? 0 : Number(firstArg.split('=')[1]);
const count = Number(process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 10);
const { reps, evalFrom } = buildReplicates(loadWeekly(), first, count);
const FARS = [0.005, 0.01, 0.02, 0.05];
const HS = [0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.25, 2.5, 2.75, 3, 3.5, 4, 4.5, 5, 5.5, 6, 7, 8, 10, 12, 15];

function split(vecs: Uint8Array[]): string {
  const out: string[] = [];
  for (const name of new Set(reps.map((r) => r.name))) {
    const idx = reps.map((r, i) => (r.name === name ? i : -1)).filter((i) => i >= 0);
    const p = score(idx.map((i) => reps[i]!), evalFrom, '', idx.map((i) => vecs[i]!));
    out.push(`${name.replace(':events', '')} ${p.pod.toFixed(2)}/${p.far.toFixed(4)}`);
  }
  return out.join(' | ');
}
function byOrder(vecs: Uint8Array[]): string {
  const det = [0, 0, 0, 0, 0, 0];
  reps.forEach((rep, i) => rep.starts.forEach((s, j) => { for (let d = 0; d < 3; d++) if (vecs[i]![s + d - evalFrom]) { det[j]!++; break; } }));
  return det.map((x) => (x / reps.length).toFixed(2)).join(' ');
}

const orc = oracleAlarms(reps, evalFrom, [0.001, 0.0025, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.1]);
const orcPts: Point[] = [...orc].map(([f, v]) => score(reps, evalFrom, String(f), v));
console.log(`replicates ${first}-${first + count - 1}: ${reps.length} series, ${reps.length * 6} outbreaks`);
console.log(`${'oracle'.padEnd(48)} ${FARS.map((f) => podAt(orcPts, f).toFixed(3)).join(' ')}`);
console.log(`  at 0.01: ${split(orc.get(0.01)!)}; by outbreak order ${byOrder(orc.get(0.01)!)}`);

function variant(label: string, options: (rep: Replicate) => NegativeBinomialWindowScanOptions): void {
  const pts: Point[] = [];
  const byH = new Map<string, Uint8Array[]>();
  for (const h of HS) {
    // on top of the flat 26-week scan with a prior worth 4 (the default when these variants were tried)
    const v = reps.map((rep) => negativeBinomialWindowScan(rep.y, { ...SCAN26, ...options(rep), h }).alarm.subarray(evalFrom));
    byH.set(String(h), v);
    pts.push(score(reps, evalFrom, String(h), v));
  }
  const near = pts.reduce((a, b) => (Math.abs(b.far - 0.01) < Math.abs(a.far - 0.01) ? b : a));
  console.log(`${label.padEnd(48)} ${FARS.map((f) => podAt(pts, f).toFixed(3)).join(' ')}`);
  console.log(`  h ${near.level}: detection ${near.pod.toFixed(3)} at ${near.far.toFixed(4)}; ${split(byH.get(near.level)!)}; by outbreak order ${byOrder(byH.get(near.level)!)}`);
}

/** Mean of the `weeks` periods before the baseline of a scan with `baselineWeeks` and window 3 (the two-speed prior). */
function trailingPrior(y: number[], baselineWeeks: number, weeks: number): Float64Array {
  const out = new Float64Array(y.length);
  for (let t = 0; t < y.length; t++) {
    const end = Math.max(0, t - 2 - baselineWeeks), start = Math.max(0, end - weeks);
    let s = 0;
    for (let j = start; j < end; j++) s += y[j]!;
    out[t] = end > start ? s / (end - start) : 0;
  }
  return out;
}

variant('52-week baseline (the scan before #6)', () => ({ baselineWeeks: 52 }));
variant('52-week, down-weighting threshold 1', () => ({ baselineWeeks: 52, downweightThreshold: 1 }));
variant('52-week, alarmed windows censored', () => ({ baselineWeeks: 52, censorAlarmedWindows: true }));
variant('104-week baseline', () => ({ baselineWeeks: 104 }));
for (const L of [8, 13, 20, 26, 39]) variant(`${L}-week baseline`, () => ({ baselineWeeks: L }));
variant('26-week, alarmed windows censored', () => ({ baselineWeeks: 26, censorAlarmedWindows: true }));
for (const L of [8, 13]) {
  for (const k of [4, 13, 26]) variant(`two-speed: ${L}-week + prior 52 weeks before, worth ${k}`, (rep) => ({ baselineWeeks: L, priorMean: trailingPrior(rep.y, L, 52), priorWeeks: k }));
}
