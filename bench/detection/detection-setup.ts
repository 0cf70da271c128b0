/**
 * The detection benchmark's series, injection, oracle and scoring, shared by detection.bench.ts and
 * the tuning script (tune-scan.ts). See detection.bench.ts for the design of the benchmark.
 */
import { readFileSync } from 'node:fs';
import { SeededRng, poisson, uniformInt } from '../../packages/engine/src/random/seeded-rng.js';

export const SERIES_NAMES = ['province:events', 'Quetta:events', 'Dera Bugti:events', 'Kech:events', 'Kohlu:events'];
export const DURATION = 3;
export const AFTER = 4;
export const EVAL_WEEKS = 312;
/** The flat 26-week NB window scan with a prior worth 4 weeks, the default between issue #6's two changes (the base of the tuning variants). */
export const SCAN26 = { baselineWeeks: 26, halfLifeWeeks: Infinity, priorWeeks: 4 } as const;

export function loadWeekly(): Record<string, number[]> {
  const file = new URL('../../packages/engine/test/fixtures/reference/monitor-ucdp-series.json', import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { weekly: Record<string, number[]> }).weekly;
}

/** Mean over the 52 weeks centred on each week (26 before, the week and 25 after), of the uninjected series. */
export function centredMean(y: ArrayLike<number>): Float64Array {
  const m = new Float64Array(y.length);
  for (let t = 0; t < y.length; t++) {
    const a = Math.max(0, t - 26), b = Math.min(y.length, t + 26);
    let s = 0;
    for (let j = a; j < b; j++) s += y[j]!;
    m[t] = s / (b - a);
  }
  return m;
}

export interface Replicate {
  name: string;
  replicate: number;
  /** Injected series. */
  y: number[];
  starts: number[];
  inOutbreak: Uint8Array;
  excluded: Uint8Array;
  /** Centred 52-week mean of the uninjected series (the oracle's knowledge). */
  m: Float64Array;
}

/**
 * Replicates `first .. first + count - 1` of every series: seed `detection:<series>:<replicate>`, so
 * replicate r is the same series whatever `first` and `count` are (replicates 0-9 are the tuning set).
 */
export function buildReplicates(weekly: Record<string, number[]>, first: number, count: number, spacing = 50): { reps: Replicate[]; n: number; evalFrom: number } {
  // Outbreak j of a series starts at evalFrom + 4 + spacing j + U{0..0.4 spacing}: with the default 50,
  // six outbreaks 30-70 weeks apart; a smaller spacing (a sensitivity check) packs more of them closer.
  if (!Number.isInteger(spacing) || spacing < 10) throw new Error(`spacing is ${spacing}, expected an integer >= 10`);
  const jitter = Math.round(0.4 * spacing);
  const outbreaks = Math.floor((EVAL_WEEKS - 4 - jitter - DURATION - AFTER) / spacing) + 1;
  const n = weekly[SERIES_NAMES[0]!]!.length;
  const evalFrom = n - EVAL_WEEKS;
  const reps: Replicate[] = [];
  for (const name of SERIES_NAMES) {
    const base = weekly[name]!;
    const m = centredMean(base);
    for (let r = first; r < first + count; r++) {
      const rng = new SeededRng(`detection:${name}:${r}`);
      const y = base.slice();
      const starts: number[] = [];
      const inOutbreak = new Uint8Array(n), excluded = new Uint8Array(n);
      for (let j = 0; j < outbreaks; j++) {
        const s = evalFrom + 4 + spacing * j + uniformInt(rng, 0, jitter);
        starts.push(s);
        for (let d = 0; d < DURATION; d++) {
          y[s + d] = y[s + d]! + poisson(rng, 1 + 1.5 * m[s + d]!);
          inOutbreak[s + d] = 1;
        }
        for (let d = 0; d < DURATION + AFTER; d++) excluded[s + d] = 1;
      }
      reps.push({ name, replicate: r, y, starts, inOutbreak, excluded, m });
    }
  }
  return { reps, n, evalFrom };
}

/** The oracle's statistic over the evaluation window: per-week Poisson log likelihood ratio with the known m and outbreak law. */
export function oracleStatistic(rep: Replicate, evalFrom: number): Float64Array {
  return Float64Array.from({ length: rep.y.length - evalFrom }, (_, j) => {
    const t = evalFrom + j, m0 = Math.max(rep.m[t]!, 1e-3), m1 = m0 + 1 + 1.5 * rep.m[t]!;
    return rep.y[t]! * Math.log(m1 / m0) - (m1 - m0);
  });
}

/** Oracle alarms at each false-alarm rate: one threshold for all series, the quantile of its quiet-week statistic. */
export function oracleAlarms(reps: Replicate[], evalFrom: number, fars: number[]): Map<number, Uint8Array[]> {
  const stat = reps.map((rep) => oracleStatistic(rep, evalFrom));
  const quiet: number[] = [];
  reps.forEach((rep, i) => stat[i]!.forEach((s, j) => { if (!rep.excluded[evalFrom + j]) quiet.push(s); }));
  quiet.sort((a, b) => b - a);
  const out = new Map<number, Uint8Array[]>();
  for (const far of fars) {
    const thr = quiet[Math.min(quiet.length - 1, Math.floor(far * quiet.length))]!;
    out.set(far, stat.map((s) => Uint8Array.from(s, (v) => (v > thr ? 1 : 0))));
  }
  return out;
}

export interface Point { level: string; pod: number; far: number; delay: number; delays: number[] }

/** Detection, false alarms per quiet week and median delay of one level's alarms (one vector per replicate, index 0 = week evalFrom). */
export function score(reps: Replicate[], evalFrom: number, level: string, vecs: ArrayLike<number>[]): Point {
  let detected = 0, outbreaks = 0, falseAlarms = 0, quietWeeks = 0;
  const delays: number[] = [];
  reps.forEach((rep, i) => {
    const a = vecs[i]!;
    for (let j = 0; j < a.length; j++) {
      if (!rep.excluded[evalFrom + j]) { quietWeeks++; falseAlarms += a[j]!; }
    }
    for (const s of rep.starts) {
      outbreaks++;
      for (let d = 0; d < DURATION; d++) if (a[s + d - evalFrom] === 1) { detected++; delays.push(d); break; }
    }
  });
  delays.sort((x, y) => x - y);
  return { level, pod: detected / outbreaks, far: falseAlarms / quietWeeks, delay: delays.length ? delays[Math.floor(delays.length / 2)]! : NaN, delays };
}

/** Detection at a given false-alarm rate, by linear interpolation along the method's curve (NaN outside it). */
export function podAt(points: Point[], far: number): number {
  const pts = [...points].sort((a, b) => a.far - b.far || a.pod - b.pod);
  if (pts.length === 0 || far < pts[0]!.far || far > pts[pts.length - 1]!.far) return NaN;
  for (let i = 1; i < pts.length; i++) {
    const a = pts[i - 1]!, b = pts[i]!;
    if (far <= b.far) return b.far === a.far ? Math.max(a.pod, b.pod) : a.pod + ((far - a.far) / (b.far - a.far)) * (b.pod - a.pod);
  }
  return NaN;
}
