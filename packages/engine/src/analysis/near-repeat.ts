/**
 * Near-repeat analysis: the Knox test on incidents (stats/knox-test.ts) with the data rules an
 * analyst needs, Benjamini-Hochberg across the bands, and a repeat-targeting summary.
 *
 * Answers: after an incident, is another one more likely nearby, soon (the near-repeat pattern of
 * burglary, shootings and insurgent IED attacks)? And are the same places hit again, with the same
 * kind of attack or target? Read each band's observed/expected ratio with its adjusted p-value
 * (`pAdjusted`): ratio 1.8 and pAdjusted 0.002 in "(0, 200] m x [0, 7] d" means 80% more pairs of
 * incidents within 200 m and a week of each other than if timing were unrelated to place.
 *
 * Which events: positions exact or near (within 25 km) only; `near` positions make bands narrower
 * than 25 km unreliable (caveat with the count; pass `precision: 'exact'` to drop them). Times to
 * the day or better; day-precise times make the first time band uncertain by a day.
 * Distances: equirectangular projection about the mean latitude, error under 0.1% within 10 km.
 * Randomness: permutations come from a seeded generator (engine/random), so a run is reproducible.
 * Complexity: see stats/knox-test.ts, O(n log n + P permutations) for P close pairs.
 * References: Knox (1964); Johnson et al. (2007); Townsley, Johnson and Ratcliffe (2008).
 */
import { caveat, type Caveat } from '../domain/caveats.js';
import { BaseeratError } from '../domain/errors.js';
import { SeededRng } from '../random/seeded-rng.js';
import { benjaminiHochberg } from '../stats/benjamini-hochberg.js';
import { knoxTest, type KnoxResult } from '../stats/knox-test.js';
import { DAY_MS, LOCATION_PRECISION_INDEX, TIME_PRECISION_INDEX, type TemporalColumns } from './aggregate.js';

export interface NearRepeatOptions {
  /** Near space band edges, metres (default 100, 200, 400, 800, 1600). */
  spaceBandsMetres?: readonly number[];
  /** Time band edges, days (default 7, 14, 21, 28). */
  timeBandsDays?: readonly number[];
  /** Monte Carlo permutations (default 999, at least 999 for reporting). */
  permutations?: number;
  seed?: number | string;
  /** Coarsest position used: 'near' (default, as the brief) or 'exact'. */
  precision?: 'exact' | 'near';
  /** Pairs closer than this are "same location" (default 0: identical coordinates). */
  sameLocationMetres?: number;
  /** Window [from, to), epoch ms (default all). */
  from?: number;
  to?: number;
  alpha?: number;
  /** Called after each Knox permutation with (done, total). */
  onProgress?: (done: number, total: number) => void;
}

export interface RepeatTargeting {
  /** Places (identical coordinates) with two or more incidents. */
  repeatLocations: number;
  /** Incidents at those places. */
  incidentsAtRepeatLocations: number;
  /** Pairs of incidents at the same place, and how many share the category / target type. */
  sameLocationPairs: number;
  sameCategoryShare: number | null;
  /** Share of same-category pairs among all pairs: what chance alone gives. */
  sameCategoryShareAllPairs: number | null;
  sameTargetShare: number | null;
  sameTargetShareAllPairs: number | null;
  /** Median days between successive incidents at the same place. */
  medianDaysToRepeat: number | null;
}

export interface NearRepeatResult extends KnoxResult {
  /** BH-adjusted p-values across all space x time cells. */
  pAdjusted: number[][];
  /** Cells with ratio > 1 and pAdjusted < alpha, as "space x time" labels (never the far-far corner). */
  significantBands: string[];
  events: number;
  seed: number | string;
  repeatTargeting: RepeatTargeting;
  caveats: Caveat[];
}

const EARTH_RADIUS_M = 6371008.8;

function shareOfPairsAlike(codes: number[]): number | null {
  const n = codes.length;
  if (n < 2) return null;
  const counts = new Map<number, number>();
  for (const c of codes) counts.set(c, (counts.get(c) ?? 0) + 1);
  let alike = 0;
  for (const k of counts.values()) alike += (k * (k - 1)) / 2;
  return alike / ((n * (n - 1)) / 2);
}

function repeatTargeting(lat: number[], lon: number[], t: number[], cat: number[], target: number[] | undefined): RepeatTargeting {
  const places = new Map<string, number[]>();
  lat.forEach((la, i) => {
    const k = `${la},${lon[i]}`;
    const l = places.get(k);
    if (l === undefined) places.set(k, [i]); else l.push(i);
  });
  let repeatLocations = 0, atRepeat = 0, pairs = 0, sameCat = 0, sameTgtPairs = 0, sameTgt = 0;
  const gaps: number[] = [];
  for (const idx of places.values()) {
    if (idx.length < 2) continue;
    repeatLocations++; atRepeat += idx.length;
    const sorted = [...idx].sort((a, b) => t[a]! - t[b]!);
    for (let i = 1; i < sorted.length; i++) gaps.push(t[sorted[i]!]! - t[sorted[i - 1]!]!);
    for (let i = 0; i < idx.length; i++) for (let j = i + 1; j < idx.length; j++) {
      pairs++;
      if (cat[idx[i]!] === cat[idx[j]!]) sameCat++;
      if (target !== undefined && target[idx[i]!]! >= 0 && target[idx[j]!]! >= 0) { sameTgtPairs++; if (target[idx[i]!] === target[idx[j]!]) sameTgt++; }
    }
  }
  gaps.sort((a, b) => a - b);
  const m = gaps.length >> 1;
  const knownTargets = target?.filter((v) => v >= 0);
  return {
    repeatLocations,
    incidentsAtRepeatLocations: atRepeat,
    sameLocationPairs: pairs,
    sameCategoryShare: pairs === 0 ? null : sameCat / pairs,
    sameCategoryShareAllPairs: shareOfPairsAlike(cat),
    sameTargetShare: sameTgtPairs === 0 ? null : sameTgt / sameTgtPairs,
    sameTargetShareAllPairs: knownTargets === undefined ? null : shareOfPairsAlike(knownTargets),
    medianDaysToRepeat: gaps.length === 0 ? null : gaps.length % 2 === 1 ? gaps[m]! : 0.5 * (gaps[m - 1]! + gaps[m]!),
  };
}

export function nearRepeat(cols: TemporalColumns, options: NearRepeatOptions = {}): NearRepeatResult {
  const spaceBands = options.spaceBandsMetres ?? [100, 200, 400, 800, 1600];
  const timeBands = options.timeBandsDays ?? [7, 14, 21, 28];
  const permutations = options.permutations ?? 999;
  const seed = options.seed ?? 1;
  const alpha = options.alpha ?? 0.05;
  const maxPrecision = options.precision === 'exact' ? LOCATION_PRECISION_INDEX.exact : LOCATION_PRECISION_INDEX.near;
  const from = options.from ?? -Infinity, to = options.to ?? Infinity;
  if (!(from < to)) throw new BaseeratError('VALIDATION', `window needs from < to, got from = ${from}, to = ${to}`, { field: 'to' });

  const lat: number[] = [], lon: number[] = [], t: number[] = [], cat: number[] = [], tgt: number[] = [];
  let noPoint = 0, coarseTime = 0, near = 0, dayOnly = 0, noTime = 0;
  for (let i = 0; i < cols.length; i++) {
    const ti = cols.time[i]!;
    if (Number.isNaN(ti)) { noTime++; continue; }
    if (!(ti >= from && ti < to)) continue;
    const lp = cols.locationPrecision[i]!;
    if (lp > maxPrecision || !Number.isFinite(cols.lat[i]!) || !Number.isFinite(cols.lon[i]!)) { noPoint++; continue; }
    const tp = cols.timePrecision[i]!;
    if (tp > TIME_PRECISION_INDEX.day) { coarseTime++; continue; }
    if (lp === LOCATION_PRECISION_INDEX.near) near++;
    if (tp === TIME_PRECISION_INDEX.day) dayOnly++;
    lat.push(cols.lat[i]!); lon.push(cols.lon[i]!); t.push(ti / DAY_MS); cat.push(cols.category[i]!);
    tgt.push(cols.targetType?.[i] ?? -1);
  }
  const n = lat.length;
  const caveats: Caveat[] = [];
  if (noPoint > 0) caveats.push(caveat('NO_POINT', `${noPoint} incidents without an ${options.precision === 'exact' ? 'exact' : 'exact or near'} position were left out`, noPoint));
  if (noTime > 0) caveats.push(caveat('NO_TIME', `${noTime} incidents without a valid time were left out`, noTime));
  if (coarseTime > 0) caveats.push(caveat('TIME_TOO_COARSE', `${coarseTime} incidents dated only to the month or year were left out`, coarseTime));
  if (near > 0 && spaceBands[0]! < 25000) caveats.push(caveat('NEAR_POSITIONS', `${near} incidents are placed only to within 25 km: their distances in bands under 25 km are unreliable (use precision 'exact' to leave them out)`, near));
  if (dayOnly > 0) caveats.push(caveat('DAY_PRECISION', `${dayOnly} incidents are timed only to the day: time differences are uncertain by up to a day`, dayOnly));

  const lat0 = n === 0 ? 0 : (lat.reduce((a, b) => a + b, 0) / n) * (Math.PI / 180);
  const x = lon.map((v) => EARTH_RADIUS_M * Math.cos(lat0) * (v * Math.PI / 180));
  const y = lat.map((v) => EARTH_RADIUS_M * (v * Math.PI / 180));
  const knoxOpts = {
    spaceBands: spaceBands, timeBands: timeBands, permutations, rng: new SeededRng(seed),
    ...(options.sameLocationMetres === undefined ? {} : { sameLocationTolerance: options.sameLocationMetres }),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
  };
  const knox = knoxTest(x, y, t, knoxOpts);
  const flat = knox.pValue.flat();
  const adj = benjaminiHochberg(flat);
  const nT = knox.timeLabels.length;
  const pAdjusted = knox.pValue.map((row, s) => row.map((_, k) => adj[s * nT + k]!));
  const significantBands: string[] = [];
  // The far-far corner is left out: space and time margins are fixed under permutation, so an
  // excess of close pairs forces a (tiny) excess there too; it is not a pattern.
  const lastS = knox.spaceLabels.length - 1, lastT = nT - 1;
  knox.ratio.forEach((row, s) => row.forEach((r, k) => {
    if (r !== null && r > 1 && pAdjusted[s]![k]! < alpha && !(s === lastS && k === lastT)) significantBands.push(`${knox.spaceLabels[s]} x ${knox.timeLabels[k]}`);
  }));
  let sparse = 0;
  knox.expected.forEach((row, s) => row.forEach((e) => { if (s < knox.spaceLabels.length - 1 && e < 5) sparse++; }));
  if (sparse > 0) caveats.push(caveat('SPARSE_BANDS', `${sparse} near bands expect fewer than 5 pairs: their ratios are unstable; widen the bands or the window`, sparse));
  caveats.push(caveat('MULTIPLE_TESTING', `${flat.length} bands tested: significance uses Benjamini-Hochberg adjusted p-values (false discovery rate ${alpha})`, flat.length));
  if (permutations < 999) caveats.push(caveat('FEW_PERMUTATIONS', `only ${permutations} permutations: the smallest possible p-value is ${(1 / (permutations + 1)).toPrecision(2)}`, permutations));
  if (n < 30) caveats.push(caveat('FEW_EVENTS', `only ${n} incidents: the test has little power`, n));
  const hasTargets = cols.targetType !== undefined && tgt.some((v) => v >= 0);
  return {
    ...knox, pAdjusted, significantBands, events: n, seed,
    repeatTargeting: repeatTargeting(lat, lon, t, cat, hasTargets ? tgt : undefined),
    caveats,
  };
}
