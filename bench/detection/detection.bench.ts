/**
 * Detection benchmark: spike detectors on real weekly UCDP Balochistan series (province and the four
 * busiest districts) with injected outbreaks of known size and timing, against R surveillance's
 * methods on the same series in the same run, and an oracle that knows each week's expected count.
 *
 * Injection (seeded, `SeededRng('detection:<series>:<replicate>')`): per series and replicate, six
 * outbreaks of 3 weeks in the evaluation window (the last 312 weeks, 2016-2021), starts 50 weeks
 * apart plus a random 0-20; each outbreak week adds Poisson(1 + 1.5 m) events, m = the series' mean
 * over the 52 weeks centred on the week (before injection). Metrics per method and level:
 * probability of detection (an outbreak counts as detected if any of its 3 weeks alarms), false-alarm
 * rate (alarms per week outside outbreaks and the 4 weeks after them; real surges in the data count
 * as false alarms for every method alike), median delay in weeks from the outbreak start (detected
 * outbreaks only). Levels trace the curve of detection against false alarms.
 *
 * Oracle: knows m_t (the centred 52-week mean of the uninjected series) and the outbreak law; its
 * statistic is the per-week Poisson likelihood ratio of m_t + (1 + 1.5 m_t) against m_t, thresholded
 * at levels chosen to give the false-alarm rates of the grid: by Neyman-Pearson no weekly test with
 * the same information does better.
 *
 * Run: npx tsx bench/detection/detection.bench.ts [replicates=4] [--first-replicate=0] [--fresh-r] [--r-jobs=1] [--ablations]
 *      [--spacing=50] [--no-r]
 * (needs /usr/bin/Rscript with surveillance). Replicate r of a series is always seed
 * `detection:<series>:<r>`: replicates 0-9 are the tuning set of issue #6, `--first-replicate=10`
 * gives series never used for tuning. R's alarms are cached under the system temp folder keyed by a
 * hash of the series, levels and R script, and reused unless --fresh-r is given; `--r-jobs=K` splits
 * the series over K Rscript processes (same alarms, in series order). The rows: our EARS, Farrington
 * and CUSUM; the NB window scan with its defaults (since issue #6's robustness change: a 52-week
 * baseline weighted by a half-life of 6 weeks, prior worth 8), as it was between issue #6's two changes
 * (flat 26-week baseline, prior worth 4) and before issue #6 (flat 52 weeks); with --ablations, our scan
 * with a 1-week window only, without reset and with a prior worth 4, and the 26-week scan without its
 * multi-week windows, its reset or its down-weighting, with alarmed windows censored, and three other
 * robust variants tried for issue #6. `--spacing=S` (a
 * sensitivity check; default 50) starts outbreak j at 4 + S j + U{0..0.4 S} weeks into the evaluation
 * window, as many as fit; `--no-r` leaves R out (our EARS and Farrington give R's alarms exactly).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { earsC } from '../../packages/engine/src/monitor/ears-c1-c2-c3.js';
import { farringtonFlexible } from '../../packages/engine/src/monitor/farrington-flexible.js';
import { poissonCusum, trailingMean } from '../../packages/engine/src/monitor/cusum.js';
import { negativeBinomialWindowScan } from '../../packages/engine/src/monitor/negative-binomial-window-scan.js';
import { SCAN26, SERIES_NAMES, buildReplicates, loadWeekly, oracleAlarms, podAt, score, type Point } from './detection-setup.js';

const flag = (name: string, fallback: number): number => {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  const v = a === undefined ? fallback : Number(a.slice(name.length + 3));
  if (!Number.isInteger(v) || v < 0) throw new Error(`--${name} must be an integer >= 0`);
  return v;
};
const replicates = Number(process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 4);
const firstReplicate = flag('first-replicate', 0);
const rJobs = Math.max(1, flag('r-jobs', 1));
const spacing = flag('spacing', 50);
const skipR = process.argv.includes('--no-r');
const ablations = process.argv.includes('--ablations');
const here = fileURLToPath(new URL('.', import.meta.url));
const names = SERIES_NAMES;
const { reps, n: N, evalFrom: EVAL_FROM } = buildReplicates(loadWeekly(), firstReplicate, replicates, spacing);
const EARS_ALPHAS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2];
const FARR_ALPHAS = [0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2];
const GLR_CS = [1.5, 2, 3, 4, 5, 7, 10];
const CUSUM_HS = [1, 2, 3, 4, 5, 7, 10];
const SCAN_HS = [0.25, 0.5, 0.75, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5, 6, 7, 8, 10, 12, 15];
const MIN_SIGMA = 0.5;

// method name -> per replicate alarm vectors over the evaluation window (index 0 = week EVAL_FROM)
const alarms = new Map<string, Uint8Array[]>();
const put = (key: string, i: number, a: ArrayLike<number>): void => {
  if (!alarms.has(key)) alarms.set(key, []);
  alarms.get(key)![i] = Uint8Array.from(a);
};
const t0 = performance.now();
reps.forEach((rep, i) => {
  for (const method of ['C1', 'C2', 'C3'] as const) {
    for (const alpha of EARS_ALPHAS) put(`EARS ${method}@${alpha}`, i, earsC(rep.y, { method, alpha, minSigma: MIN_SIGMA }).alarm.subarray(EVAL_FROM));
  }
  const f = farringtonFlexible(rep.y, { b: 3, w: 3, noPeriods: 1, weightsThreshold: 2.58, thresholdMethod: 'delta', alpha: 0.05, limit54: [0, 4], firstIndex: EVAL_FROM });
  for (const alpha of FARR_ALPHAS) {
    put(`Farrington flexible@${alpha}`, i, Array.from({ length: N - EVAL_FROM }, (_, j) => (f.pValue[EVAL_FROM + j]! < alpha && rep.y[EVAL_FROM + j]! > 0 ? 1 : 0)));
  }
  const mu0 = trailingMean(rep.y, 52, 4, 0.05);
  for (const h of CUSUM_HS) put(`Poisson CUSUM@${h}`, i, poissonCusum(rep.y, { mu0, h, ratio: 2 }).alarm.subarray(EVAL_FROM));
  // Defaults since issue #6's robustness change (52 weeks weighted by a half-life of 6, prior worth 8).
  for (const h of SCAN_HS) put(`NB window scan (ours: 52 weeks, half-life 6, prior worth 8)@${h}`, i, negativeBinomialWindowScan(rep.y, { h }).alarm.subarray(EVAL_FROM));
  for (const h of SCAN_HS) put(`NB window scan, flat 26-week baseline (between #6's two changes)@${h}`, i, negativeBinomialWindowScan(rep.y, { ...SCAN26, h }).alarm.subarray(EVAL_FROM));
  for (const h of SCAN_HS) put(`NB window scan, flat 52-week baseline (before #6)@${h}`, i, negativeBinomialWindowScan(rep.y, { ...SCAN26, h, baselineWeeks: 52 }).alarm.subarray(EVAL_FROM));
  if (ablations) {
    for (const h of SCAN_HS) {
      put(`ablation: ours, 1-week window only@${h}`, i, negativeBinomialWindowScan(rep.y, { h, maxWindow: 1 }).alarm.subarray(EVAL_FROM));
      put(`ablation: ours, no reset after alarm@${h}`, i, negativeBinomialWindowScan(rep.y, { h, restartAfterAlarm: false }).alarm.subarray(EVAL_FROM));
      put(`ablation: ours, prior worth 4 weeks@${h}`, i, negativeBinomialWindowScan(rep.y, { h, priorWeeks: 4 }).alarm.subarray(EVAL_FROM));
      put(`ablation: 26-week scan, 1-week window only@${h}`, i, negativeBinomialWindowScan(rep.y, { ...SCAN26, h, maxWindow: 1 }).alarm.subarray(EVAL_FROM));
      put(`ablation: 26-week scan, no reset after alarm@${h}`, i, negativeBinomialWindowScan(rep.y, { ...SCAN26, h, restartAfterAlarm: false }).alarm.subarray(EVAL_FROM));
      put(`ablation: 26-week scan, no down-weighting@${h}`, i, negativeBinomialWindowScan(rep.y, { ...SCAN26, h, downweightThreshold: Infinity }).alarm.subarray(EVAL_FROM));
      put(`ablation: 26-week scan, alarmed windows censored from baselines@${h}`, i, negativeBinomialWindowScan(rep.y, { ...SCAN26, h, censorAlarmedWindows: true }).alarm.subarray(EVAL_FROM));
      put(`ablation: flat 52-week scan, alarmed windows censored@${h}`, i, negativeBinomialWindowScan(rep.y, { ...SCAN26, h, baselineWeeks: 52, censorAlarmedWindows: true }).alarm.subarray(EVAL_FROM));
      put(`ablation: flat 20-week baseline + prior worth 8 weeks@${h}`, i, negativeBinomialWindowScan(rep.y, { ...SCAN26, h, baselineWeeks: 20, priorWeeks: 8 }).alarm.subarray(EVAL_FROM));
      put(`ablation: flat 13-week baseline + prior worth 8 weeks@${h}`, i, negativeBinomialWindowScan(rep.y, { ...SCAN26, h, baselineWeeks: 13, priorWeeks: 8 }).alarm.subarray(EVAL_FROM));
      put(`ablation: 26-week scan, most outbreak-like window left out of the baseline at LLR 4.6@${h}`, i, negativeBinomialWindowScan(rep.y, { ...SCAN26, h, excludeOutbreakThreshold: 4.6 }).alarm.subarray(EVAL_FROM));
    }
  }
});
const tsSeconds = (performance.now() - t0) / 1000;

// R surveillance on the same series
// The R results depend only on the injected series, the levels and the R script, so they are cached in
// the system temp folder under a SHA-256 of all three; `--fresh-r` forces a new R run.
const rInput = JSON.stringify({ series: reps.map((r) => r.y), evalFrom: EVAL_FROM, earsAlphas: EARS_ALPHAS, farringtonAlphas: FARR_ALPHAS, glrCs: GLR_CS, minSigma: MIN_SIGMA });
const rScript = join(here, 'surveillance-methods.R');
const cacheDir = join(tmpdir(), 'baseerat-detection-r-cache');
const cacheFile = join(cacheDir, `${createHash('sha256').update(rInput).update(readFileSync(rScript)).digest('hex')}.json`);
let rSeconds = NaN;
let rCached = false;
let rOut: Record<string, number[]>[];
if (skipR) {
  rOut = [];
} else if (!process.argv.includes('--fresh-r') && existsSync(cacheFile)) {
  rOut = JSON.parse(readFileSync(cacheFile, 'utf8')) as Record<string, number[]>[];
  rCached = true;
} else {
  // K Rscript processes on consecutive blocks of series; their outputs are concatenated in series order.
  const dir = mkdtempSync(join(tmpdir(), 'detection-'));
  const all = reps.map((r) => r.y);
  const per = Math.ceil(all.length / rJobs);
  const r0 = performance.now();
  const parts = await Promise.all(Array.from({ length: Math.ceil(all.length / per) }, async (_, k) => {
    const inFile = join(dir, `in-${k}.json`), outFile = join(dir, `out-${k}.json`);
    writeFileSync(inFile, JSON.stringify({ series: all.slice(k * per, (k + 1) * per), evalFrom: EVAL_FROM, earsAlphas: EARS_ALPHAS, farringtonAlphas: FARR_ALPHAS, glrCs: GLR_CS, minSigma: MIN_SIGMA }));
    const child = promisify(execFile)('/usr/bin/Rscript', [rScript, inFile, outFile], { maxBuffer: 1 << 24 });
    const { stderr } = await child;
    process.stderr.write(stderr);
    return JSON.parse(readFileSync(outFile, 'utf8')) as Record<string, number[]>[];
  }));
  rSeconds = (performance.now() - r0) / 1000;
  rOut = parts.flat();
  if (rOut.length !== reps.length) throw new Error(`R returned ${rOut.length} series, expected ${reps.length}`);
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(cacheFile, JSON.stringify(rOut));
  rmSync(dir, { recursive: true });
}
rOut.forEach((res, i) => { for (const [k, v] of Object.entries(res)) put(k, i, v); });

// Oracle: Poisson log likelihood ratio per week with the known expected count and outbreak law.
for (const [far, vecs] of oracleAlarms(reps, EVAL_FROM, [0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2])) vecs.forEach((v, i) => put(`Oracle@${far}`, i, v));

const curves = new Map<string, Point[]>();
for (const [key, vecs] of alarms) {
  const [method, level] = key.split('@') as [string, string];
  if (!curves.has(method)) curves.set(method, []);
  curves.get(method)!.push(score(reps, EVAL_FROM, level, vecs));
}

const fmt = (v: number, d = 3): string => (Number.isNaN(v) ? 'n/a' : v.toFixed(d));
console.log(`\n${reps.length} series (${names.length} x ${replicates} replicates, ${firstReplicate}-${firstReplicate + replicates - 1}), ${reps.reduce((a, r) => a + r.starts.length, 0)} outbreaks (spacing ${spacing}), ${N - EVAL_FROM} weeks each; TypeScript detectors ${tsSeconds.toFixed(1)} s, R ${skipR ? 'not run (--no-r)' : rCached ? `reused from ${cacheFile}` : `${rSeconds.toFixed(1)} s wall in ${rJobs} process(es), fresh`}\n`);
console.log('| method | level | detection | false alarms / week | median delay (weeks) |');
console.log('|---|---|---|---|---|');
for (const [method, pts] of curves) for (const p of [...pts].sort((a, b) => a.far - b.far)) console.log(`| ${method} | ${p.level} | ${fmt(p.pod)} | ${fmt(p.far, 4)} | ${fmt(p.delay, 0)} |`);
console.log('\nDetection at matched false-alarm rates (interpolated along each curve):\n');
const fars = [0.005, 0.01, 0.02, 0.05, 0.1];
console.log(`| method | ${fars.map((f) => `FAR ${f}`).join(' | ')} |`);
console.log(`|---|${fars.map(() => '---').join('|')}|`);
for (const [method, pts] of curves) console.log(`| ${method} | ${fars.map((f) => fmt(podAt(pts, f))).join(' | ')} |`);
