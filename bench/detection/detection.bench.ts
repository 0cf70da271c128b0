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
 * Run: npx tsx bench/detection/detection.bench.ts [replicates=4] [--fresh-r] [--ablations]   (needs /usr/bin/Rscript with surveillance;
 * R's alarms are cached under the system temp folder keyed by a hash of the series, levels and R script,
 * and reused unless --fresh-r is given; --ablations adds the window scan without its multi-week windows,
 * its reset or its down-weighting, to show what each part contributes)
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { earsC } from '../../packages/engine/src/monitor/ears-c1-c2-c3.js';
import { farringtonFlexible } from '../../packages/engine/src/monitor/farrington-flexible.js';
import { poissonCusum, trailingMean } from '../../packages/engine/src/monitor/cusum.js';
import { negativeBinomialWindowScan } from '../../packages/engine/src/monitor/negative-binomial-window-scan.js';
import { SeededRng, poisson, uniformInt } from '../../packages/engine/src/random/seeded-rng.js';

const replicates = Number(process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 4);
const ablations = process.argv.includes('--ablations');
const here = fileURLToPath(new URL('.', import.meta.url));
const input = JSON.parse(readFileSync(join(here, '../../packages/engine/test/fixtures/reference/monitor-ucdp-series.json'), 'utf8')) as { weekly: Record<string, number[]> };
const names = ['province:events', 'Quetta:events', 'Dera Bugti:events', 'Kech:events', 'Kohlu:events'];
const N = input.weekly[names[0]!]!.length;
const EVAL_FROM = N - 312;
const DURATION = 3;
const AFTER = 4;
const EARS_ALPHAS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2];
const FARR_ALPHAS = [0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2];
const GLR_CS = [1.5, 2, 3, 4, 5, 7, 10];
const CUSUM_HS = [1, 2, 3, 4, 5, 7, 10];
const SCAN_HS = [0.25, 0.5, 0.75, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5, 6, 7, 8, 10, 12, 15];
const MIN_SIGMA = 0.5;

function centredMean(y: number[]): Float64Array {
  const m = new Float64Array(y.length);
  for (let t = 0; t < y.length; t++) {
    const a = Math.max(0, t - 26), b = Math.min(y.length, t + 26);
    let s = 0;
    for (let j = a; j < b; j++) s += y[j]!;
    m[t] = s / (b - a);
  }
  return m;
}

interface Replicate { name: string; y: number[]; starts: number[]; inOutbreak: Uint8Array; excluded: Uint8Array; m: Float64Array }
const reps: Replicate[] = [];
for (const name of names) {
  const base = input.weekly[name]!;
  const m = centredMean(base);
  for (let r = 0; r < replicates; r++) {
    const rng = new SeededRng(`detection:${name}:${r}`);
    const y = base.slice();
    const starts: number[] = [];
    const inOutbreak = new Uint8Array(N), excluded = new Uint8Array(N);
    for (let j = 0; j < 6; j++) {
      const s = EVAL_FROM + 4 + 50 * j + uniformInt(rng, 0, 20);
      starts.push(s);
      for (let d = 0; d < DURATION; d++) {
        y[s + d] = y[s + d]! + poisson(rng, 1 + 1.5 * m[s + d]!);
        inOutbreak[s + d] = 1;
      }
      for (let d = 0; d < DURATION + AFTER; d++) excluded[s + d] = 1;
    }
    reps.push({ name, y, starts, inOutbreak, excluded, m });
  }
}

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
  for (const h of SCAN_HS) put(`NB window scan (ours)@${h}`, i, negativeBinomialWindowScan(rep.y, { h }).alarm.subarray(EVAL_FROM));
  if (ablations) {
    for (const h of SCAN_HS) {
      put(`ablation: scan, 1-week window only@${h}`, i, negativeBinomialWindowScan(rep.y, { h, maxWindow: 1 }).alarm.subarray(EVAL_FROM));
      put(`ablation: scan, no reset after alarm@${h}`, i, negativeBinomialWindowScan(rep.y, { h, restartAfterAlarm: false }).alarm.subarray(EVAL_FROM));
      put(`ablation: scan, no down-weighting@${h}`, i, negativeBinomialWindowScan(rep.y, { h, downweightThreshold: Infinity }).alarm.subarray(EVAL_FROM));
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
if (!process.argv.includes('--fresh-r') && existsSync(cacheFile)) {
  rOut = JSON.parse(readFileSync(cacheFile, 'utf8')) as Record<string, number[]>[];
  rCached = true;
} else {
  const dir = mkdtempSync(join(tmpdir(), 'detection-'));
  writeFileSync(join(dir, 'in.json'), rInput);
  const r0 = performance.now();
  execFileSync('/usr/bin/Rscript', [rScript, join(dir, 'in.json'), join(dir, 'out.json')], { stdio: ['ignore', 'inherit', 'inherit'] });
  rSeconds = (performance.now() - r0) / 1000;
  const text = readFileSync(join(dir, 'out.json'), 'utf8');
  rOut = JSON.parse(text) as Record<string, number[]>[];
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(cacheFile, text);
  rmSync(dir, { recursive: true });
}
rOut.forEach((res, i) => { for (const [k, v] of Object.entries(res)) put(k, i, v); });

// Oracle: Poisson log likelihood ratio per week with the known expected count and outbreak law.
const oracleStat = reps.map((rep) => Float64Array.from({ length: N - EVAL_FROM }, (_, j) => {
  const t = EVAL_FROM + j, m0 = Math.max(rep.m[t]!, 1e-3), m1 = m0 + 1 + 1.5 * rep.m[t]!;
  return rep.y[t]! * Math.log(m1 / m0) - (m1 - m0);
}));
const quiet: number[] = [];
reps.forEach((rep, i) => oracleStat[i]!.forEach((s, j) => { if (!rep.excluded[EVAL_FROM + j]) quiet.push(s); }));
quiet.sort((a, b) => b - a);
for (const far of [0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2]) {
  const thr = quiet[Math.min(quiet.length - 1, Math.floor(far * quiet.length))]!;
  reps.forEach((_, i) => put(`Oracle@${far}`, i, oracleStat[i]!.map((s) => (s > thr ? 1 : 0))));
}

interface Point { level: string; pod: number; far: number; delay: number }
const curves = new Map<string, Point[]>();
for (const [key, vecs] of alarms) {
  const [method, level] = key.split('@') as [string, string];
  let detected = 0, outbreaks = 0, falseAlarms = 0, quietWeeks = 0;
  const delays: number[] = [];
  reps.forEach((rep, i) => {
    const a = vecs[i]!;
    for (let j = 0; j < a.length; j++) {
      if (!rep.excluded[EVAL_FROM + j]) { quietWeeks++; falseAlarms += a[j]!; }
    }
    for (const s of rep.starts) {
      outbreaks++;
      for (let d = 0; d < DURATION; d++) if (a[s + d - EVAL_FROM] === 1) { detected++; delays.push(d); break; }
    }
  });
  delays.sort((x, y) => x - y);
  const p: Point = { level, pod: detected / outbreaks, far: falseAlarms / quietWeeks, delay: delays.length ? delays[Math.floor(delays.length / 2)]! : NaN };
  if (!curves.has(method)) curves.set(method, []);
  curves.get(method)!.push(p);
}

/** Detection at a given false-alarm rate, by linear interpolation along the method's curve (NaN outside it). */
function podAt(points: Point[], far: number): number {
  const pts = [...points].sort((a, b) => a.far - b.far || a.pod - b.pod);
  if (far < pts[0]!.far || far > pts[pts.length - 1]!.far) return NaN;
  for (let i = 1; i < pts.length; i++) {
    const a = pts[i - 1]!, b = pts[i]!;
    if (far <= b.far) return b.far === a.far ? Math.max(a.pod, b.pod) : a.pod + ((far - a.far) / (b.far - a.far)) * (b.pod - a.pod);
  }
  return NaN;
}

const fmt = (v: number, d = 3): string => (Number.isNaN(v) ? 'n/a' : v.toFixed(d));
console.log(`\n${reps.length} series (${names.length} x ${replicates} replicates), ${reps.length * 6} outbreaks, ${N - EVAL_FROM} weeks each; TypeScript detectors ${tsSeconds.toFixed(1)} s, R ${rCached ? `reused from ${cacheFile}` : `${rSeconds.toFixed(1)} s`}\n`);
console.log('| method | level | detection | false alarms / week | median delay (weeks) |');
console.log('|---|---|---|---|---|');
for (const [method, pts] of curves) for (const p of [...pts].sort((a, b) => a.far - b.far)) console.log(`| ${method} | ${p.level} | ${fmt(p.pod)} | ${fmt(p.far, 4)} | ${fmt(p.delay, 0)} |`);
console.log('\nDetection at matched false-alarm rates (interpolated along each curve):\n');
const fars = [0.005, 0.01, 0.02, 0.05, 0.1];
console.log(`| method | ${fars.map((f) => `FAR ${f}`).join(' | ')} |`);
console.log(`|---|${fars.map(() => '---').join('|')}|`);
for (const [method, pts] of curves) console.log(`| ${method} | ${fars.map((f) => fmt(podAt(pts, f))).join(' | ')} |`);
