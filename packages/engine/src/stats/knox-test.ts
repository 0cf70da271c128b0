/**
 * Knox space-time interaction test with Monte Carlo permutation of event times, over a table of
 * space bands x time bands (the near-repeat table of Ratcliffe's calculator, computed exactly).
 *
 * Answers: do events close in space also happen close in time more often than chance? For each
 * space band x time band cell the observed number of event pairs is compared with the mean over
 * permutations that shuffle the times among the events (locations fixed): observed / expected > 1
 * with a small p-value is a near-repeat (or repeat, in the same-location band) excess.
 *
 * Bands: space band 0 is "same location" (distance <= `sameLocationTolerance`, default 0 m), then
 * (tol, e1], (e1, e2], ... (e_{k-1}, e_k], and last "beyond e_k". Time bands: [0, f1], (f1, f2], ...,
 * and last "beyond f_m". Distances in metres (project first), times in days.
 * p-value per cell: (1 + #{permutations with count >= observed}) / (1 + permutations).
 *
 * Complexity: O(n log n + P) to find the P pairs within e_k (grid of cell size e_k), then O(n + P)
 * per permutation: pairs farther than e_k are fixed in space, and since a permutation of the times
 * keeps the multiset of all pairwise time differences, their time-band counts are the (permutation-
 * invariant) all-pairs counts minus the near pairs' counts. Memory O(P).
 * Reference: Knox (1964), Applied Statistics 13; Johnson et al. (2007) J. Quant. Criminol. 23;
 * Mantel (1967) for the permutation distribution. Checked against a brute-force O(n^2) Python
 * implementation (scripts/reference/temporal-knox.py).
 */
import { BaseeratError, InsufficientDataError } from '../domain/errors.js';
import type { Rng } from '../random/seeded-rng.js';

export interface KnoxOptions {
  /** Upper edges of the near space bands, metres, strictly increasing and > tolerance. */
  spaceBands: readonly number[];
  /** Upper edges of the time bands, days, strictly increasing and >= 0. */
  timeBands: readonly number[];
  /** Number of Monte Carlo permutations (>= 99; 999 or more for reporting). */
  permutations: number;
  /** Seeded generator (engine/random `SeededRng`): the permutations, hence the p-values, follow from its seed. */
  rng: Rng;
  /** Pairs at most this far apart are "same location", metres (default 0: identical coordinates). */
  sameLocationTolerance?: number;
  /** Called after each permutation with (done, total): long runs can show progress. */
  onProgress?: (done: number, total: number) => void;
}

export interface KnoxResult {
  /** Labels of the space rows: 'same location', '(0, 100] m', ..., '> 1000 m'. */
  spaceLabels: string[];
  /** Labels of the time columns: '[0, 7] d', '(7, 14] d', ..., '> 28 d'. */
  timeLabels: string[];
  /** Observed pair counts, [space][time]. */
  observed: number[][];
  /** Mean pair count over the permutations. */
  expected: number[][];
  /** observed / expected; null when expected is 0. */
  ratio: (number | null)[][];
  /** Monte Carlo p-value of an excess (one-sided, upper). */
  pValue: number[][];
  /** All pairs n(n-1)/2, and the pairs within the largest space band that are re-binned per permutation. */
  totalPairs: number;
  nearPairs: number;
  permutations: number;
}

function checkEdges(name: string, edges: readonly number[], min: number, strictMin: boolean): void {
  if (edges.length === 0) throw new BaseeratError('VALIDATION', `${name} needs at least one edge`, { field: name });
  let prev = min;
  for (let i = 0; i < edges.length; i++) {
    const e = edges[i]!;
    const okMin = i === 0 && !strictMin ? e >= prev : e > prev;
    if (!Number.isFinite(e) || !okMin) throw new BaseeratError('VALIDATION', `${name}[${i}] = ${e} must be finite and increasing (previous ${prev})`, { field: name });
    prev = e;
  }
}

/**
 * Pairs (a, b), a != b, with distance <= maxD, and their space band. Grid sweep, each pair once.
 * Events are relabelled in grid-cell order (`order[rank] = original index`) so that the pairs of the
 * permutation loop read times that sit close together in memory.
 */
function nearPairs(x: ArrayLike<number>, y: ArrayLike<number>, maxD: number, tol: number, edges: readonly number[]) {
  const n = x.length;
  let cap = Math.max(1024, n * 4);
  let pa = new Int32Array(cap), pb = new Int32Array(cap), sb = new Uint8Array(cap);
  let count = 0;
  const cells = new Map<string, number[]>();
  const cx = new Float64Array(n), cy = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    cx[i] = Math.floor(x[i]! / maxD); cy[i] = Math.floor(y[i]! / maxD);
    const k = `${cx[i]},${cy[i]}`;
    const list = cells.get(k);
    if (list === undefined) cells.set(k, [i]); else list.push(i);
  }
  const maxD2 = maxD * maxD, tol2 = tol * tol;
  const edges2 = edges.map((e) => e * e);
  const push = (a: number, b: number, d2: number) => {
    if (count === cap) {
      cap *= 2;
      const na = new Int32Array(cap); na.set(pa); pa = na;
      const nb = new Int32Array(cap); nb.set(pb); pb = nb;
      const ns = new Uint8Array(cap); ns.set(sb); sb = ns;
    }
    let band = 0;
    if (d2 > tol2) { band = 1; while (d2 > edges2[band - 1]!) band++; }
    pa[count] = a; pb[count] = b; sb[count] = band; count++;
  };
  const keys = [...cells.keys()].map((k) => k.split(',').map(Number) as [number, number]);
  keys.sort((u, v) => u[0] - v[0] || u[1] - v[1]);
  const order = new Int32Array(n), rank = new Int32Array(n);
  let r = 0;
  for (const [kx, ky] of keys) for (const i of cells.get(`${kx},${ky}`)!) { order[r] = i; rank[i] = r; r++; }
  // Half of the 8 neighbours plus the own cell visits every unordered pair of cells once.
  const offsets = [[0, 0], [1, -1], [1, 0], [1, 1], [0, 1]] as const;
  for (const [kx, ky] of keys) {
    const members = cells.get(`${kx},${ky}`)!;
    for (const [ox, oy] of offsets) {
      const other = ox === 0 && oy === 0 ? members : cells.get(`${kx + ox},${ky + oy}`);
      if (other === undefined) continue;
      for (let ii = 0; ii < members.length; ii++) {
        const a = members[ii]!;
        const start = other === members ? ii + 1 : 0;
        for (let jj = start; jj < other.length; jj++) {
          const b = other[jj]!;
          const dx = x[a]! - x[b]!, dy = y[a]! - y[b]!;
          const d2 = dx * dx + dy * dy;
          if (d2 <= maxD2) push(rank[a]!, rank[b]!, d2);
        }
      }
    }
  }
  return { pa: pa.subarray(0, count), pb: pb.subarray(0, count), sb: sb.subarray(0, count), count, order };
}

/** Count of all pairs in each time band (the last one is "beyond"): invariant under permutations of the times. */
function allPairsTimeBands(t: ArrayLike<number>, edges: readonly number[]): Float64Array {
  const n = t.length;
  const sorted = Float64Array.from(t as ArrayLike<number>).sort();
  const within = edges.map((e) => {
    let total = 0, j = 0;
    for (let i = 0; i < n; i++) {
      if (j < i + 1) j = i + 1;
      while (j < n && sorted[j]! - sorted[i]! <= e) j++;
      total += j - i - 1;
    }
    return total;
  });
  const out = new Float64Array(edges.length + 1);
  const all = (n * (n - 1)) / 2;
  for (let k = 0; k < edges.length; k++) out[k] = within[k]! - (k === 0 ? 0 : within[k - 1]!);
  out[edges.length] = all - within[edges.length - 1]!;
  return out;
}

/**
 * Re-bins the near pairs for one arrangement of the times: the hot loop of the permutation test.
 * Pairs are packed as [a, b | band << 24] for sequential reads; most pairs are farther apart in time
 * than the last edge and leave after one comparison; integer edges use a lookup table. The two
 * loops are separate functions so that V8 compiles each without a branch on the method (2x faster).
 */
function binPairsLookup(t: Float64Array, packed: Int32Array, lut: Uint8Array, tMax: number, nT: number, counts: Int32Array): void {
  counts.fill(0);
  const len = packed.length;
  for (let p = 0; p < len; p += 2) {
    const b = packed[p + 1]!;
    const dt = Math.abs(t[packed[p]!]! - t[b & 0xffffff]!);
    if (dt > tMax) continue;
    counts[(b >>> 24) * nT + lut[Math.ceil(dt)]!]!++;
  }
}

function binPairsScan(t: Float64Array, packed: Int32Array, tEdges: Float64Array, tMax: number, nT: number, counts: Int32Array): void {
  counts.fill(0);
  const len = packed.length;
  for (let p = 0; p < len; p += 2) {
    const b = packed[p + 1]!;
    const dt = Math.abs(t[packed[p]!]! - t[b & 0xffffff]!);
    if (dt > tMax) continue;
    let band = 0;
    while (dt > tEdges[band]!) band++;
    counts[(b >>> 24) * nT + band]!++;
  }
}

function binPairs(t: Float64Array, packed: Int32Array, spaceTotals: Float64Array, tEdges: Float64Array, lut: Uint8Array | null, nT: number, counts: Int32Array, out: Float64Array): void {
  const m = tEdges.length;
  const tMax = tEdges[m - 1]!;
  if (lut !== null) binPairsLookup(t, packed, lut, tMax, nT, counts);
  else binPairsScan(t, packed, tEdges, tMax, nT, counts);
  // Pairs beyond the last time edge: the space band's fixed total minus those within it.
  for (let s = 0; s < spaceTotals.length; s++) {
    let within = 0;
    for (let k = 0; k < m; k++) { out[s * nT + k] = counts[s * nT + k]!; within += counts[s * nT + k]!; }
    out[s * nT + m] = spaceTotals[s]! - within;
  }
}

export function knoxTest(x: ArrayLike<number>, y: ArrayLike<number>, t: ArrayLike<number>, options: KnoxOptions): KnoxResult {
  const n = x.length;
  if (y.length !== n || t.length !== n) throw new BaseeratError('VALIDATION', `x, y and t must have one length, got ${n}, ${y.length}, ${t.length}`, { field: 't' });
  if (n < 3) throw new InsufficientDataError(`Knox test needs at least 3 events, got ${n}`, { n });
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(x[i]!) || !Number.isFinite(y[i]!) || !Number.isFinite(t[i]!)) {
      throw new BaseeratError('VALIDATION', `event ${i} has a non-finite coordinate or time (${x[i]}, ${y[i]}, ${t[i]})`, { field: 'x' });
    }
  }
  const tol = options.sameLocationTolerance ?? 0;
  if (!(tol >= 0)) throw new BaseeratError('VALIDATION', `sameLocationTolerance must be >= 0, got ${tol}`, { field: 'sameLocationTolerance' });
  checkEdges('spaceBands', options.spaceBands, tol, true);
  if (options.spaceBands.length > 250) throw new BaseeratError('VALIDATION', `at most 250 space bands, got ${options.spaceBands.length}`, { field: 'spaceBands' });
  checkEdges('timeBands', options.timeBands, 0, false);
  const nperm = options.permutations;
  if (!(Number.isInteger(nperm) && nperm >= 99)) throw new BaseeratError('VALIDATION', `permutations must be an integer >= 99, got ${nperm}`, { field: 'permutations' });

  const sEdges = options.spaceBands, tEdgesArr = Float64Array.from(options.timeBands);
  const nS = sEdges.length + 2; // same location, near bands, beyond
  const nT = tEdgesArr.length + 1; // time bands, beyond
  const maxD = sEdges[sEdges.length - 1]!;
  if (n > 0xffffff) throw new BaseeratError('VALIDATION', `Knox test supports up to 16,777,215 events, got ${n}`, { field: 'x' });
  const { pa, pb, sb, count: P, order } = nearPairs(x, y, maxD, tol, sEdges);
  const packed = new Int32Array(2 * P);
  const spaceTotals = new Float64Array(nS - 1);
  for (let p = 0; p < P; p++) {
    packed[2 * p] = pa[p]!;
    packed[2 * p + 1] = pb[p]! | (sb[p]! << 24);
    spaceTotals[sb[p]!]! += 1;
  }
  // Integer time edges (days) allow a table lookup: dt <= e exactly when ceil(dt) <= e.
  const tMax = tEdgesArr[tEdgesArr.length - 1]!;
  let lut: Uint8Array | null = null;
  if (tEdgesArr.every((e) => Number.isInteger(e)) && tMax <= 100000) {
    lut = new Uint8Array(tMax + 1);
    for (let d = 0, band = 0; d <= tMax; d++) { while (d > tEdgesArr[band]!) band++; lut[d] = band; }
  }
  const totalByTime = allPairsTimeBands(t, options.timeBands);
  const cells = nS * nT;
  const beyondRow = (nS - 1) * nT;

  const table = new Float64Array(cells);
  const counts = new Int32Array(cells);
  const ranked = new Float64Array(n);
  const fill = (times: Float64Array) => {
    for (let k = 0; k < n; k++) ranked[k] = times[order[k]!]!;
    binPairs(ranked, packed, spaceTotals, tEdgesArr, lut, nT, counts, table);
    for (let k = 0; k < nT; k++) {
      let near = 0;
      for (let s = 0; s < nS - 1; s++) near += table[s * nT + k]!;
      table[beyondRow + k] = totalByTime[k]! - near;
    }
  };
  const times = Float64Array.from(t as ArrayLike<number>);
  fill(times);
  const observed = Float64Array.from(table);
  const sum = new Float64Array(cells), atLeast = new Float64Array(cells);
  for (let r = 0; r < nperm; r++) {
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(options.rng.next() * (i + 1));
      const tmp = times[i]!; times[i] = times[j]!; times[j] = tmp;
    }
    fill(times);
    for (let c = 0; c < cells; c++) {
      sum[c]! += table[c]!;
      if (table[c]! >= observed[c]!) atLeast[c]! += 1;
    }
    options.onProgress?.(r + 1, nperm);
  }

  const fmt = (v: number) => String(Math.round(v * 1000) / 1000);
  const spaceLabels = [
    tol === 0 ? 'same location' : `same location (<= ${fmt(tol)} m)`,
    ...sEdges.map((e, i) => `(${fmt(i === 0 ? tol : sEdges[i - 1]!)}, ${fmt(e)}] m`),
    `> ${fmt(maxD)} m`,
  ];
  const tE = options.timeBands;
  const timeLabels = [...tE.map((e, i) => (i === 0 ? `[0, ${fmt(e)}] d` : `(${fmt(tE[i - 1]!)}, ${fmt(e)}] d`)), `> ${fmt(tE[tE.length - 1]!)} d`];
  const grid = <T>(f: (c: number) => T): T[][] => Array.from({ length: nS }, (_, s) => Array.from({ length: nT }, (_, k) => f(s * nT + k)));
  return {
    spaceLabels,
    timeLabels,
    observed: grid((c) => observed[c]!),
    expected: grid((c) => sum[c]! / nperm),
    ratio: grid((c) => (sum[c]! === 0 ? null : observed[c]! / (sum[c]! / nperm))),
    pValue: grid((c) => (1 + atLeast[c]!) / (1 + nperm)),
    totalPairs: (n * (n - 1)) / 2,
    nearPairs: P,
    permutations: nperm,
  };
}
