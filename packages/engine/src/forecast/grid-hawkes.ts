/**
 * Grid Hawkes model (Mohler et al. 2015): each cell c has its own background rate mu_c, and every
 * event raises the rate of its own cell by theta * omega * exp(-omega * t), t days later:
 *
 *   lambda_c(t) = mu_c + sum over earlier events i in c of theta * omega * exp(-omega (t - t_i)).
 *
 * theta (expected direct offspring per event) and omega (1 / mean delay, per day) are shared by all
 * cells. Fitted by expectation-maximisation on the events of [start, end): the E-step splits each
 * event between background and triggering; the M-step sets mu_c = background share / T, and updates
 * theta and omega by conditional maximisation of the exact expected log-likelihood (including the
 * edge term theta * sum (1 - exp(-omega (end - t_i)))), so the fixed point is the maximum-likelihood
 * estimate (checked against scipy's optimiser of the same likelihood).
 *
 * Events at the same time (the NIJ data are dated to the day) do not trigger each other.
 * The exponential kernel lets the E-step run in O(n) per iteration with the recursions
 * S_j = sum_i exp(-omega (t_j - t_i)), R_j = sum_i (t_j - t_i) exp(-omega (t_j - t_i)).
 *
 * Units: mu per day per cell; omega per day; theta dimensionless. Complexity: O(n) per iteration
 * (n events) plus O(C) for C cells.
 * Read: theta near 0 means the cells' long-run rates explain the data; theta near 1 means strong
 * self-excitation (near repeats). The forecast ranks cells by expected events in the window.
 * Reference: G. O. Mohler, M. B. Short, S. Malinowski, M. Johnson, G. E. Tita, A. L. Bertozzi and
 * P. J. Brantingham (2015), "Randomized controlled field trials of predictive policing", JASA 110(512).
 */
import { caveat, type Caveat } from '../domain/caveats.js';
import { BaseeratError, InsufficientDataError } from '../domain/errors.js';
import { gridCellOf } from './square-grid.js';
import { trainingStart } from './space-time-etas.js';
import type { PlaceModel } from './types.js';

export interface GridHawkesFitOptions {
  readonly maxIterations?: number;
  /** Stop when the log-likelihood gains less than this (absolute). */
  readonly tolerance?: number;
  readonly initialTheta?: number;
  readonly initialOmega?: number;
}

export interface GridHawkesFit {
  readonly mu: Float64Array;
  readonly theta: number;
  readonly omega: number;
  readonly logLikelihood: number;
  readonly iterations: number;
  readonly converged: boolean;
  readonly eventCount: number;
  /** Per cell, CSR of the sorted event times used (for forecasting). */
  readonly cellStart: Int32Array;
  readonly times: Float64Array;
}

/**
 * Fit on events given by cell index (negative = outside, skipped) and time, over [start, end).
 */
export function fitGridHawkes(cell: Int32Array, t: Float64Array, cellCount: number, start: number, end: number, opts: GridHawkesFitOptions = {}): GridHawkesFit {
  if (!(end > start)) throw new BaseeratError('VALIDATION', `end (${end}) must be after start (${start})`, { field: 'end' });
  const T = end - start;
  const counts = new Int32Array(cellCount + 1);
  let n = 0;
  for (let i = 0; i < t.length; i++) {
    const c = cell[i]!;
    const ti = t[i]!;
    if (c < 0 || c >= cellCount || ti < start || ti >= end) continue;
    counts[c + 1]! += 1;
    n++;
  }
  if (n < 2) throw new InsufficientDataError(`grid Hawkes needs at least 2 events in the window, got ${n}`, { n });
  const cellStart = new Int32Array(cellCount + 1);
  for (let c = 0; c < cellCount; c++) cellStart[c + 1] = cellStart[c]! + counts[c + 1]!;
  const fill = cellStart.slice(0, cellCount);
  const times = new Float64Array(n);
  for (let i = 0; i < t.length; i++) {
    const c = cell[i]!;
    const ti = t[i]!;
    if (c < 0 || c >= cellCount || ti < start || ti >= end) continue;
    times[fill[c]!++] = ti;
  }
  const active: number[] = [];
  for (let c = 0; c < cellCount; c++) {
    const a = cellStart[c]!;
    const b = cellStart[c + 1]!;
    if (b > a) {
      active.push(c);
      times.subarray(a, b).sort();
    }
  }
  const tau = new Float64Array(n);
  for (let i = 0; i < n; i++) tau[i] = end - times[i]!;

  const mu = new Float64Array(cellCount);
  for (const c of active) mu[c] = (0.5 * (cellStart[c + 1]! - cellStart[c]!)) / T;
  let theta = opts.initialTheta ?? 0.3;
  let omega = opts.initialOmega ?? 1 / 7;
  const maxIterations = opts.maxIterations ?? 300;
  const tolerance = opts.tolerance ?? 1e-8;
  let previous = -Infinity;
  let logLikelihood = -Infinity;
  let iterations = 0;
  let converged = false;
  const bg = new Float64Array(cellCount);

  for (; iterations < maxIterations; iterations++) {
    // E-step with the recursions; also the log-likelihood at the current parameters.
    let G = 0;
    let D = 0;
    let sumLog = 0;
    const to = theta * omega;
    for (const c of active) {
      const a = cellStart[c]!;
      const b = cellStart[c + 1]!;
      const m = mu[c]!;
      let S = 0;
      let R = 0;
      let prev = times[a]!;
      let bgc = 0;
      let j = a;
      while (j < b) {
        const tj = times[j]!;
        const dt = tj - prev;
        if (dt > 0) {
          const d = Math.exp(-omega * dt);
          R = (R + dt * S) * d;
          S *= d;
        }
        let k = j;
        while (k < b && times[k] === tj) k++;
        const lambda = m + to * S;
        const trig = (to * S) / lambda;
        const group = k - j;
        G += group * trig;
        D += (group * to * R) / lambda;
        bgc += group * (m / lambda);
        sumLog += group * Math.log(lambda);
        S += group;
        prev = tj;
        j = k;
      }
      bg[c] = bgc;
    }
    let K = 0;
    for (let i = 0; i < n; i++) K += 1 - Math.exp(-omega * tau[i]!);
    let muSum = 0;
    for (const c of active) muSum += mu[c]!;
    logLikelihood = sumLog - muSum * T - theta * K;
    if (logLikelihood - previous < tolerance && iterations > 0) {
      converged = true;
      break;
    }
    previous = logLikelihood;
    // M-step.
    for (const c of active) mu[c] = bg[c]! / T;
    if (G <= 1e-12) {
      theta = 0;
      continue;
    }
    for (let inner = 0; inner < 3; inner++) {
      let Kp = 0;
      for (let i = 0; i < n; i++) Kp += tau[i]! * Math.exp(-omega * tau[i]!);
      omega = G / (D + theta * Kp);
      let Kn = 0;
      for (let i = 0; i < n; i++) Kn += 1 - Math.exp(-omega * tau[i]!);
      theta = G / Kn;
    }
  }
  return { mu, theta, omega, logLikelihood, iterations, converged, eventCount: n, cellStart, times };
}

/** Expected events per cell in [origin, origin + horizon), ignoring offspring of future events. */
export function gridHawkesExpectedCounts(fit: GridHawkesFit, origin: number, horizonDays: number): Float64Array {
  const C = fit.mu.length;
  const out = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    let trig = 0;
    for (let i = fit.cellStart[c]!; i < fit.cellStart[c + 1]!; i++) {
      const age = origin - fit.times[i]!;
      trig += Math.exp(-fit.omega * age) - Math.exp(-fit.omega * (age + horizonDays));
    }
    out[c] = fit.mu[c]! * horizonDays + fit.theta * trig;
  }
  return out;
}

/** Conditional intensity per cell at the origin (events per day), as in the field trials. */
export function gridHawkesIntensityAt(fit: GridHawkesFit, origin: number): Float64Array {
  const C = fit.mu.length;
  const out = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let i = fit.cellStart[c]!; i < fit.cellStart[c + 1]!; i++) s += Math.exp(-fit.omega * (origin - fit.times[i]!));
    out[c] = fit.mu[c]! + fit.theta * fit.omega * s;
  }
  return out;
}

export interface GridHawkesModelOptions extends GridHawkesFitOptions {
  /** Training window before the origin, days; default 730. */
  readonly trainingDays?: number;
  /** 'horizon' ranks by expected events in the window (default); 'origin' by intensity at the origin. */
  readonly ranking?: 'horizon' | 'origin';
}

export function gridHawkesModel(opts: GridHawkesModelOptions = {}): PlaceModel {
  const trainingDays = opts.trainingDays ?? 730;
  return ({ events, grid, origin, horizonDays }) => {
    const n = events.t.length;
    const cell = new Int32Array(n);
    for (let i = 0; i < n; i++) cell[i] = gridCellOf(grid, events.x[i]!, events.y[i]!);
    const fit = fitGridHawkes(cell, events.t, grid.cellCount, trainingStart(events, origin, trainingDays), origin, opts);
    const caveats: Caveat[] = [];
    if (!fit.converged) caveats.push(caveat('NOT_CONVERGED', `EM stopped after ${fit.iterations} iterations before converging`));
    const intensity = opts.ranking === 'origin' ? gridHawkesIntensityAt(fit, origin) : gridHawkesExpectedCounts(fit, origin, horizonDays);
    return { intensity, fitted: { theta: fit.theta, omega: fit.omega, logLikelihood: fit.logLikelihood, iterations: fit.iterations, events: fit.eventCount }, caveats };
  };
}
