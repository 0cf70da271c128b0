/**
 * Space-time ETAS / self-exciting point process (after Mohler et al. 2011):
 *
 *   lambda(x, y, t) = mu * nu(x, y) + sum over earlier events i of
 *                     theta * omega * exp(-omega (t - t_i)) * g_sigma(x - x_i, y - y_i),
 *
 * nu a spatial density (integrates to 1), g_sigma an isotropic Gaussian. Fitted by EM (the
 * deterministic version of stochastic declustering): the E-step gives each event's probability of
 * being background (p_jj) or triggered by each earlier event (p_ij); the M-step sets
 * mu = sum p_jj / T, nu = Gaussian kernel density of the events weighted by p_jj (fixed bandwidth
 * `backgroundBandwidth`), theta = sum p_ij / sum_i (1 - exp(-omega min(end - t_i, maxTriggerDays))),
 * omega = sum p_ij / sum p_ij (t_j - t_i), sigma^2 = sum p_ij d_ij^2 / (2 sum p_ij).
 *
 * Simplifications against Mohler et al. 2011, on purpose and documented in docs/methods/forecast.md:
 * - parametric trigger (exponential in time, Gaussian in space) instead of a non-parametric one;
 * - background constant in time, with a fixed-bandwidth KDE (theirs: variable bandwidth, k-th
 *   nearest neighbour), computed on a raster of half-bandwidth cells and blurred separably, so a
 *   background update is O(raster) instead of O(n^2);
 * - triggering only within `maxTriggerDistance` and `maxTriggerDays` (parents farther away are
 *   ignored), the spatial truncation is not corrected in the compensator, and the omega update
 *   ignores the window edge: estimates are slightly biased when 1/omega nears maxTriggerDays or
 *   sigma nears maxTriggerDistance / 3 (the fit reports a caveat then).
 *
 * Units: mu events per day; omega per day; sigma and bandwidths in coordinate units; theta
 * dimensionless. Complexity: O(P) per iteration for P candidate pairs (built once with a spatial
 * hash and binary search in time), plus O(raster).
 * Reference: G. O. Mohler, M. B. Short, P. J. Brantingham, F. P. Schoenberg and G. E. Tita (2011),
 * "Self-exciting point process modeling of crime", JASA 106(493); Zhuang, Ogata and Vere-Jones
 * (2002), stochastic declustering, JASA 97(458).
 */
import { caveat, type Caveat } from '../domain/caveats.js';
import { InsufficientDataError, BaseeratError } from '../domain/errors.js';
import { forEachCellNear, type SquareGrid } from './square-grid.js';
import type { PlaceModel, SpaceTimeEvents } from './types.js';

export interface SpaceTimeEtasOptions {
  readonly backgroundBandwidth: number;
  readonly maxTriggerDistance: number;
  readonly maxTriggerDays?: number;
  readonly initialTheta?: number;
  readonly initialOmega?: number;
  readonly initialSigma?: number;
  /**
   * Floor of sigma, coordinate units; default maxTriggerDistance / 20. Repeat calls at the very same
   * geocoded point make the likelihood unbounded as sigma -> 0 (a degenerate maximum), so sigma is
   * kept at least the size of a property lot.
   */
  readonly minSigma?: number;
  readonly maxIterations?: number;
  /** Relative log-likelihood change under which EM stops. */
  readonly tolerance?: number;
}

export interface SpaceTimeEtasFit {
  readonly mu: number;
  readonly theta: number;
  readonly omega: number;
  readonly sigma: number;
  readonly logLikelihood: number;
  readonly iterations: number;
  readonly converged: boolean;
  readonly eventCount: number;
  readonly pairCount: number;
  /** Background density raster (per unit area) and its frame. */
  readonly raster: { readonly x0: number; readonly y0: number; readonly size: number; readonly nx: number; readonly ny: number; readonly density: Float64Array };
  /** The fitted events, time-sorted. */
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly t: Float64Array;
  readonly caveats: Caveat[];
}

function gaussianKernel1d(sigmaCells: number): Float64Array {
  const r = Math.max(1, Math.ceil(3 * sigmaCells));
  const k = new Float64Array(2 * r + 1);
  let s = 0;
  for (let i = -r; i <= r; i++) {
    const v = Math.exp(-(i * i) / (2 * sigmaCells * sigmaCells));
    k[i + r] = v;
    s += v;
  }
  for (let i = 0; i < k.length; i++) k[i]! /= s;
  return k;
}

function blur(src: Float64Array, nx: number, ny: number, k: Float64Array, tmp: Float64Array, out: Float64Array): void {
  const r = (k.length - 1) / 2;
  tmp.fill(0);
  for (let row = 0; row < ny; row++) {
    const base = row * nx;
    for (let col = 0; col < nx; col++) {
      const v = src[base + col]!;
      if (v === 0) continue;
      const lo = Math.max(0, col - r);
      const hi = Math.min(nx - 1, col + r);
      for (let c = lo; c <= hi; c++) tmp[base + c]! += v * k[c - col + r]!;
    }
  }
  out.fill(0);
  for (let row = 0; row < ny; row++) {
    const base = row * nx;
    const lo = Math.max(0, row - r);
    const hi = Math.min(ny - 1, row + r);
    for (let col = 0; col < nx; col++) {
      const v = tmp[base + col]!;
      if (v === 0) continue;
      for (let rr = lo; rr <= hi; rr++) out[rr * nx + col]! += v * k[rr - row + r]!;
    }
  }
}

export function fitSpaceTimeEtas(events: SpaceTimeEvents, start: number, end: number, opts: SpaceTimeEtasOptions): SpaceTimeEtasFit {
  const h = opts.backgroundBandwidth;
  const rMax = opts.maxTriggerDistance;
  const dtMax = opts.maxTriggerDays ?? 90;
  if (!(h > 0)) throw new BaseeratError('VALIDATION', `backgroundBandwidth must be positive, got ${h}`, { field: 'backgroundBandwidth' });
  if (!(rMax > 0)) throw new BaseeratError('VALIDATION', `maxTriggerDistance must be positive, got ${rMax}`, { field: 'maxTriggerDistance' });
  if (!(end > start)) throw new BaseeratError('VALIDATION', `end (${end}) must be after start (${start})`, { field: 'end' });
  const T = end - start;
  const idx: number[] = [];
  for (let i = 0; i < events.t.length; i++) if (events.t[i]! >= start && events.t[i]! < end) idx.push(i);
  const n = idx.length;
  if (n < 10) throw new InsufficientDataError(`ETAS needs at least 10 events in the window, got ${n}`, { n });
  idx.sort((a, b) => events.t[a]! - events.t[b]! || a - b);
  const x = new Float64Array(n), y = new Float64Array(n), t = new Float64Array(n);
  for (let k = 0; k < n; k++) { x[k] = events.x[idx[k]!]!; y[k] = events.y[idx[k]!]!; t[k] = events.t[idx[k]!]!; }

  // Candidate parent pairs, by child, through a spatial hash of rMax buckets.
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let k = 0; k < n; k++) { minX = Math.min(minX, x[k]!); maxX = Math.max(maxX, x[k]!); minY = Math.min(minY, y[k]!); maxY = Math.max(maxY, y[k]!); }
  const bnx = Math.floor((maxX - minX) / rMax) + 1;
  const buckets = new Map<number, number[]>();
  const bucketOf = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const key = Math.floor((y[k]! - minY) / rMax) * bnx + Math.floor((x[k]! - minX) / rMax);
    bucketOf[k] = key;
    let list = buckets.get(key);
    if (list === undefined) { list = []; buckets.set(key, list); }
    list.push(k);
  }
  const pairStart = new Int32Array(n + 1);
  let cap = Math.max(1024, n * 8);
  let parent = new Int32Array(cap);
  let pdt = new Float64Array(cap);
  let pd2 = new Float64Array(cap);
  let P = 0;
  const r2 = rMax * rMax;
  for (let j = 0; j < n; j++) {
    pairStart[j] = P;
    const tj = t[j]!;
    const bx = Math.floor((x[j]! - minX) / rMax);
    const by = Math.floor((y[j]! - minY) / rMax);
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        const cx = bx + dx;
        if (cx < 0 || cx >= bnx) continue;
        const list = buckets.get((by + dy) * bnx + cx);
        if (list === undefined) continue;
        // Lists are in time order: binary search the first event within dtMax.
        let lo = 0, hi = list.length;
        const tLo = tj - dtMax;
        while (lo < hi) { const mid = (lo + hi) >> 1; if (t[list[mid]!]! < tLo) lo = mid + 1; else hi = mid; }
        for (let q = lo; q < list.length; q++) {
          const i = list[q]!;
          const ti = t[i]!;
          if (ti >= tj) break;
          const ddx = x[j]! - x[i]!, ddy = y[j]! - y[i]!;
          const d2 = ddx * ddx + ddy * ddy;
          if (d2 > r2) continue;
          if (P === cap) {
            cap *= 2;
            const np = new Int32Array(cap); np.set(parent); parent = np;
            const nt = new Float64Array(cap); nt.set(pdt); pdt = nt;
            const nd = new Float64Array(cap); nd.set(pd2); pd2 = nd;
          }
          parent[P] = i; pdt[P] = tj - ti; pd2[P] = d2; P++;
        }
      }
    }
  }
  pairStart[n] = P;

  // Background raster.
  const size = h / 2;
  const margin = 3 * h;
  const x0 = minX - margin, y0 = minY - margin;
  const rnx = Math.floor((maxX - minX + 2 * margin) / size) + 1;
  const rny = Math.floor((maxY - minY + 2 * margin) / size) + 1;
  if (rnx * rny > 20_000_000) throw new BaseeratError('VALIDATION', `background raster ${rnx} x ${rny} too large: backgroundBandwidth ${h} is too small for the extent`, { field: 'backgroundBandwidth' });
  const rIdx = new Int32Array(n);
  for (let k = 0; k < n; k++) rIdx[k] = Math.floor((y[k]! - y0) / size) * rnx + Math.floor((x[k]! - x0) / size);
  const kernel = gaussianKernel1d(h / size);
  const hist = new Float64Array(rnx * rny), tmp = new Float64Array(rnx * rny), density = new Float64Array(rnx * rny);
  const pBg = new Float64Array(n).fill(1);
  const updateBackground = (): void => {
    hist.fill(0);
    let w = 0;
    for (let k = 0; k < n; k++) { hist[rIdx[k]!]! += pBg[k]!; w += pBg[k]!; }
    blur(hist, rnx, rny, kernel, tmp, density);
    const scale = 1 / (Math.max(w, 1e-300) * size * size);
    for (let q = 0; q < density.length; q++) density[q]! *= scale;
  };
  updateBackground();

  let mu = (0.5 * n) / T;
  let theta = opts.initialTheta ?? 0.3;
  let omega = opts.initialOmega ?? 0.1;
  const minSigma = opts.minSigma ?? rMax / 20;
  let sigma = Math.max(minSigma, opts.initialSigma ?? rMax / 4);
  const maxIterations = opts.maxIterations ?? 100;
  const tolerance = opts.tolerance ?? 1e-7;
  let previous = -Infinity, logLikelihood = -Infinity, iterations = 0, converged = false;
  const tau = new Float64Array(n);
  for (let k = 0; k < n; k++) tau[k] = Math.min(end - t[k]!, dtMax);

  for (; iterations < maxIterations; iterations++) {
    const gNorm = 1 / (2 * Math.PI * sigma * sigma);
    const inv2s2 = 1 / (2 * sigma * sigma);
    const to = theta * omega * gNorm;
    let G = 0, Dt = 0, Dd = 0, sumLog = 0, sumBg = 0;
    for (let j = 0; j < n; j++) {
      const b = Math.max(mu * density[rIdx[j]!]!, 1e-300);
      let trig = 0;
      const a0 = pairStart[j]!, a1 = pairStart[j + 1]!;
      for (let p = a0; p < a1; p++) trig += to * Math.exp(-omega * pdt[p]! - pd2[p]! * inv2s2);
      const lambda = b + trig;
      sumLog += Math.log(lambda);
      const inv = 1 / lambda;
      pBg[j] = b * inv;
      sumBg += b * inv;
      if (trig > 0) {
        for (let p = a0; p < a1; p++) {
          const q = to * Math.exp(-omega * pdt[p]! - pd2[p]! * inv2s2) * inv;
          G += q; Dt += q * pdt[p]!; Dd += q * pd2[p]!;
        }
      }
    }
    let K = 0;
    for (let k = 0; k < n; k++) K += 1 - Math.exp(-omega * tau[k]!);
    logLikelihood = sumLog - mu * T - theta * K;
    if (iterations > 0 && Math.abs(logLikelihood - previous) < tolerance * Math.abs(logLikelihood)) { converged = true; break; }
    previous = logLikelihood;
    mu = sumBg / T;
    if (G > 1e-9) {
      omega = G / Dt;
      let Kn = 0;
      for (let k = 0; k < n; k++) Kn += 1 - Math.exp(-omega * tau[k]!);
      theta = G / Kn;
      sigma = Math.max(minSigma, Math.sqrt(Dd / (2 * G)));
    } else {
      theta = 0;
    }
    updateBackground();
  }
  const caveats: Caveat[] = [];
  if (!converged) caveats.push(caveat('NOT_CONVERGED', `EM stopped after ${iterations} iterations before converging`));
  if (theta > 0 && 1 / omega > dtMax / 3) caveats.push(caveat('TRIGGER_TIME_TRUNCATED', `mean trigger delay ${(1 / omega).toFixed(1)} days is long against maxTriggerDays ${dtMax}: theta and omega are biased`));
  if (theta > 0 && sigma <= minSigma * 1.0001) caveats.push(caveat('SIGMA_AT_FLOOR', `sigma reached its floor ${minSigma}: repeat events at the same point dominate the trigger`));
  if (theta > 0 && sigma > rMax / 3) caveats.push(caveat('TRIGGER_SPACE_TRUNCATED', `sigma ${sigma.toFixed(0)} is large against maxTriggerDistance ${rMax}: theta and sigma are biased`));
  return { mu, theta, omega, sigma, logLikelihood, iterations, converged, eventCount: n, pairCount: P, raster: { x0, y0, size, nx: rnx, ny: rny, density }, x, y, t, caveats };
}

/** Background density of a fit at a point (0 outside its raster). */
export function etasBackgroundAt(fit: SpaceTimeEtasFit, px: number, py: number): number {
  const r = fit.raster;
  const col = Math.floor((px - r.x0) / r.size);
  const row = Math.floor((py - r.y0) / r.size);
  if (col < 0 || row < 0 || col >= r.nx || row >= r.ny) return 0;
  return r.density[row * r.nx + col]!;
}

export interface SpaceTimeEtasModelOptions extends SpaceTimeEtasOptions {
  readonly trainingDays?: number;
}

/** Expected events per cell of a grid in [origin, origin + horizonDays) under a fitted ETAS. */
export function etasExpectedCounts(fit: SpaceTimeEtasFit, grid: SquareGrid, origin: number, horizonDays: number): Float64Array {
  const intensity = new Float64Array(grid.cellCount);
  const area = grid.cellArea;
  const c = Math.cos(grid.rotation), s = Math.sin(grid.rotation);
  for (let cell = 0; cell < grid.cellCount; cell++) {
    const col = cell % grid.nx, row = Math.floor(cell / grid.nx);
    const u = grid.u0 + (col + 0.5) * grid.cellSize, v = grid.v0 + (row + 0.5) * grid.cellSize;
    intensity[cell] = fit.mu * horizonDays * etasBackgroundAt(fit, grid.pivotX + u * c - v * s, grid.pivotY + u * s + v * c) * area;
  }
  const gNorm = area / (2 * Math.PI * fit.sigma * fit.sigma);
  const inv2s2 = 1 / (2 * fit.sigma * fit.sigma);
  for (let i = 0; i < fit.t.length; i++) {
    const age = origin - fit.t[i]!;
    const w = fit.theta * (Math.exp(-fit.omega * age) - Math.exp(-fit.omega * (age + horizonDays)));
    if (w < 1e-9) continue;
    forEachCellNear(grid, fit.x[i]!, fit.y[i]!, 4 * fit.sigma, (cell, d2) => { intensity[cell]! += w * gNorm * Math.exp(-d2 * inv2s2); });
  }
  return intensity;
}

/** Start of a training window: `trainingDays` before the origin, but not before the first event's day. */
export function trainingStart(events: SpaceTimeEvents, origin: number, trainingDays: number): number {
  let first = Infinity;
  for (let i = 0; i < events.t.length; i++) first = Math.min(first, events.t[i]!);
  return Math.max(origin - trainingDays, Math.floor(first));
}

export function spaceTimeEtasModel(opts: SpaceTimeEtasModelOptions): PlaceModel {
  const trainingDays = opts.trainingDays ?? 730;
  return ({ events, grid, origin, horizonDays }) => {
    const fit = fitSpaceTimeEtas(events, trainingStart(events, origin, trainingDays), origin, opts);
    const intensity = etasExpectedCounts(fit, grid, origin, horizonDays);
    return { intensity, fitted: { mu: fit.mu, theta: fit.theta, omega: fit.omega, sigma: fit.sigma, iterations: fit.iterations, events: fit.eventCount, pairs: fit.pairCount }, caveats: fit.caveats };
  };
}
