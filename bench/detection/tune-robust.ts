/**
 * Tuning record of issue #6's second question: a window scan robust to how often outbreaks recur.
 * Variants of the NB window scan scored on the tuning replicates 0-9 only, at the benchmark's spacing
 * (50: outbreaks 30-70 weeks apart) and at spacing 25 (15-35 weeks apart), like detection.bench.ts
 * but without R (our EARS gives R's alarms; EARS C1 is printed as the reference R method). Prints
 * detection at false-alarm rates 0.005, 0.01, 0.02 and 0.05 per variant and spacing (interpolated
 * along its curve of h) and the oracle.
 *
 * Run: npx tsx bench/detection/tune-robust.ts [replicates=10] [--first-replicate=0] [--spacings=50,25] [--only=substring]
 */
import { earsC } from '../../packages/engine/src/monitor/ears-c1-c2-c3.js';
import { negativeBinomialWindowScan, type NegativeBinomialWindowScanOptions } from '../../packages/engine/src/monitor/negative-binomial-window-scan.js';
import { SCAN26, buildReplicates, loadWeekly, oracleAlarms, podAt, score, type Point, type Replicate } from './detection-setup.js';

const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const first = Number(arg('first-replicate') ?? 0);
const count = Number(process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 10);
const spacings = (arg('spacings') ?? '50,25').split(',').map(Number);
const only = arg('only');
if (first < 10 && first + count > 10) throw new Error('replicates 10 and above are held out: tune on 0-9 only');
const weekly = loadWeekly();
const sets = spacings.map((spacing) => ({ spacing, ...buildReplicates(weekly, first, count, spacing) }));
const FARS = [0.005, 0.01, 0.02, 0.05];
const HS = [0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.25, 2.5, 2.75, 3, 3.5, 4, 4.5, 5, 5.5, 6, 7, 8, 10, 12, 15];
const fmt = (pts: Point[]): string => FARS.map((f) => { const v = podAt(pts, f); return Number.isNaN(v) ? '  n/a' : v.toFixed(3); }).join(' ');

console.log(`replicates ${first}-${first + count - 1}; columns per spacing: detection at FAR ${FARS.join(' / ')}`);
console.log(`${'variant'.padEnd(58)} ${sets.map((s) => `spacing ${s.spacing}`.padEnd(24)).join('| ')}`);
const line = (label: string, perSet: Point[][]): void => console.log(`${label.padEnd(58)} ${perSet.map(fmt).join(' | ')}`);
line('oracle', sets.map(({ reps, evalFrom }) => [...oracleAlarms(reps, evalFrom, [0.001, 0.0025, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.1])].map(([f, v]) => score(reps, evalFrom, String(f), v))));
line('EARS C1 (= R earsC), minSigma 0.5', sets.map(({ reps, evalFrom }) => [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2].map((alpha) => score(reps, evalFrom, String(alpha), reps.map((rep) => earsC(rep.y, { method: 'C1', alpha, minSigma: 0.5 }).alarm.subarray(evalFrom))))));

function variant(label: string, options: (rep: Replicate) => NegativeBinomialWindowScanOptions): void {
  if (only !== undefined && !label.includes(only)) return;
  // Options on top of the flat 26-week scan (the default when these variants were tried).
  line(label, sets.map(({ reps, evalFrom }) => HS.map((h) => score(reps, evalFrom, String(h), reps.map((rep) => negativeBinomialWindowScan(rep.y, { ...SCAN26, ...options(rep), h }).alarm.subarray(evalFrom))))));
}

// Every variant tried (2026-11-27 07:58-08:21 UTC), in the order tried; --only=<substring> runs a subset.
variant('26-week baseline (the default when tuned)', () => ({}));
variant('26-week, alarmed windows censored', () => ({ censorAlarmedWindows: true }));
for (const c of [2, 3, 4.6, 7]) variant(`26-week, exclude 1 window at LLR ${c}`, () => ({ excludeOutbreakThreshold: c }));
for (const L of [26, 52, 39]) {
  for (const c of [3, 4.6]) variant(`${L}-week, exclude up to 2 windows at LLR ${c}`, () => ({ baselineWeeks: L, excludeOutbreakThreshold: c, maxExcludedWindows: 2 }));
}
for (const L of [26, 39]) {
  for (const c of [3, 4.6]) {
    for (const e of [2, 3, 4]) variant(`${L}-week, exclude up to 2 at LLR ${c}, excess >= ${e}`, () => ({ baselineWeeks: L, excludeOutbreakThreshold: c, maxExcludedWindows: 2, excludeMinimumExcess: e }));
  }
}
for (const c of [3, 4.6]) {
  for (const [gh, gw, ga] of [[4.6, 52, 2], [3, 52, 2], [4.6, 78, 2], [4.6, 52, 1], [3, 52, 3]] as const) {
    variant(`26-week, exclude up to 2 at LLR ${c}, gate ${ga} alarms at ${gh} in ${gw}`, () => ({ excludeOutbreakThreshold: c, maxExcludedWindows: 2, exclusionGate: { h: gh, weeks: gw, alarms: ga } }));
  }
}
for (const L of [13, 20]) variant(`${L}-week baseline`, () => ({ baselineWeeks: L }));
for (const L of [13, 20]) variant(`${L}-week, exclude up to 2 at LLR 4.6`, () => ({ baselineWeeks: L, excludeOutbreakThreshold: 4.6, maxExcludedWindows: 2 }));
for (const b of [{ baselineWeeks: 13 }, { excludeOutbreakThreshold: 4.6 }, { baselineWeeks: 13, excludeOutbreakThreshold: 4.6 }] as NegativeBinomialWindowScanOptions[]) {
  const label = `OR of 26-week and ${JSON.stringify(b)}`;
  if (only !== undefined && !label.includes(only)) continue;
  line(label, sets.map(({ reps, evalFrom }) => HS.map((h) => score(reps, evalFrom, String(h), reps.map((rep) => {
    const x = negativeBinomialWindowScan(rep.y, { ...SCAN26, h }).alarm, y = negativeBinomialWindowScan(rep.y, { ...SCAN26, ...b, h }).alarm;
    return Uint8Array.from(x.subarray(evalFrom), (v, j) => v | y[evalFrom + j]!);
  })))));
}
for (const [L, k] of [[13, 8], [13, 13], [16, 8], [16, 13], [20, 8], [20, 13], [18, 8], [20, 6], [20, 10], [22, 8], [22, 10], [24, 8]] as const) {
  variant(`${L}-week baseline, prior worth ${k} weeks`, () => ({ baselineWeeks: L, priorWeeks: k }));
}
for (const [L, hl, k] of [[52, 8, 4], [52, 13, 4], [52, 8, 8], [52, 13, 8], [78, 20, 4]] as const) {
  variant(`${L}-week baseline, half-life ${hl}, prior worth ${k}`, () => ({ baselineWeeks: L, halfLifeWeeks: hl, priorWeeks: k }));
}
for (const [L, hl, k] of [[52, 6, 8], [52, 6, 13], [52, 8, 13], [52, 10, 8], [52, 5, 10]] as const) {
  variant(`${L}-week baseline, half-life ${hl}, prior worth ${k}`, () => ({ baselineWeeks: L, halfLifeWeeks: hl, priorWeeks: k }));
}
