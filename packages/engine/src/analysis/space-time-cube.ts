/**
 * Space-time cube: incidents counted per cell and time step, as ArcGIS "Create Space Time Cube by
 * Aggregating Points" and sfdep's spacetime object.
 *
 * Answers: "how many incidents (or how much harm) fell in each cell in each period?", the input of
 * emerging hot spot analysis. Layout: `values[t * nCells + i]` for cell i at step t (time-major, as
 * sfdep orders its cube), cells sorted, steps given by ascending boundaries in epoch milliseconds
 * (half-open [edge_t, edge_t+1)) so that the caller may use calendar months, weeks or fixed spans.
 *
 * Events are skipped and counted, never forced into a cell or step they may not belong to: coarse or
 * missing locations (see analysis/hotspots.ts), times outside the cube, and times whose precision is
 * coarser than the step (an event known only to its month, stored at the start of the month, would
 * pile into the first week of a weekly cube). Empty cells of the study area and empty steps are zeros.
 * Complexity: O(events + cells x steps).
 */
import { caveat, type Caveat } from '../domain/caveats.js';
import { BaseeratError, InsufficientDataError } from '../domain/errors.js';
import { TIME_PRECISIONS } from '../domain/incident.js';
import { binEventsToCells, studyAreaCells, type CellGrid, type HotspotEventColumns, type NeighbourRule } from './hotspots.js';

const DAY_MS = 86_400_000;
/** Shortest step a time precision fits in: exact and day-precise times fit any step of a day or more. */
const MIN_STEP_FOR_PRECISION_MS: Record<(typeof TIME_PRECISIONS)[number], number> = {
  exact: 0,
  day: DAY_MS,
  month: 28 * DAY_MS,
  year: 365 * DAY_MS,
};

export interface SpaceTimeEventColumns extends HotspotEventColumns {
  /** Epoch milliseconds UTC. */
  readonly time: ArrayLike<number>;
  /** Index into TIME_PRECISIONS; absent means exact. */
  readonly timePrecision?: ArrayLike<number>;
}

export interface SpaceTimeCubeOptions {
  grid: CellGrid;
  /** Ascending step boundaries, epoch ms; nSteps = length - 1. */
  stepEdges: readonly number[];
  /** Used to grow the default study area around occupied cells (default 1-ring). */
  neighbours?: NeighbourRule;
  studyCells?: readonly string[];
  includeNear?: boolean;
  weights?: ArrayLike<number>;
}

export interface SpaceTimeCube {
  readonly cells: string[];
  readonly nSteps: number;
  readonly stepEdges: number[];
  /** Event counts, values[t * nCells + i]. */
  readonly counts: Float64Array;
  /** Summed weights (equal to counts without weights). */
  readonly values: Float64Array;
  readonly nEvents: number;
  readonly nInCube: number;
  readonly caveats: Caveat[];
}

/** Regular step boundaries: start, start + step, ..., nSteps steps. */
export function regularStepEdges(startMs: number, stepMs: number, nSteps: number): number[] {
  if (!(stepMs > 0) || !Number.isInteger(nSteps) || nSteps < 1) {
    throw new BaseeratError('VALIDATION', `stepMs must be > 0 and nSteps a positive integer, got ${stepMs} and ${nSteps}`, { field: 'stepMs' });
  }
  return Array.from({ length: nSteps + 1 }, (_, t) => startMs + t * stepMs);
}

function stepOf(edges: readonly number[], time: number): number {
  let lo = 0;
  let hi = edges.length - 1;
  if (!(time >= edges[0]!) || !(time < edges[hi]!)) return -1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (time >= edges[mid]!) lo = mid;
    else hi = mid;
  }
  return lo;
}

export function buildSpaceTimeCube(events: SpaceTimeEventColumns, options: SpaceTimeCubeOptions): SpaceTimeCube {
  const edges = [...options.stepEdges];
  if (edges.length < 2) throw new BaseeratError('VALIDATION', `stepEdges needs at least 2 boundaries, got ${edges.length}`, { field: 'stepEdges' });
  for (let t = 1; t < edges.length; t++) {
    if (!(edges[t]! > edges[t - 1]!)) throw new BaseeratError('VALIDATION', `stepEdges must increase strictly; stepEdges[${t}] = ${edges[t]}`, { field: 'stepEdges' });
  }
  const n = events.time.length;
  if (n !== events.lat.length) throw new BaseeratError('VALIDATION', `time has ${n} values for ${events.lat.length} events`, { field: 'time' });
  const nSteps = edges.length - 1;
  let shortestStep = Infinity;
  for (let t = 0; t < nSteps; t++) shortestStep = Math.min(shortestStep, edges[t + 1]! - edges[t]!);

  const binned = binEventsToCells(events, options.weights === undefined ? { grid: options.grid, includeNear: options.includeNear ?? true } : { grid: options.grid, includeNear: options.includeNear ?? true, weights: options.weights });
  const caveats: Caveat[] = [...binned.caveats];
  const stepOfEvent = new Int32Array(n).fill(-1);
  let outsideTime = 0;
  let coarseTime = 0;
  const usedCells = new Set<string>();
  for (let e = 0; e < n; e++) {
    const cellIndex = binned.cellIndexOfEvent[e]!;
    if (cellIndex < 0) continue;
    const cell = binned.cells[cellIndex]!;
    const prec = events.timePrecision === undefined ? 0 : events.timePrecision[e]!;
    const name = TIME_PRECISIONS[prec];
    if (name === undefined || MIN_STEP_FOR_PRECISION_MS[name] > shortestStep) {
      coarseTime++;
      continue;
    }
    const t = stepOf(edges, events.time[e]!);
    if (t < 0) {
      outsideTime++;
      continue;
    }
    stepOfEvent[e] = t;
    usedCells.add(cell);
  }
  const cells = studyAreaCells([...usedCells].sort(), options.grid, options.neighbours ?? { kind: 'kring', k: 1 }, options.studyCells);
  const index = new Map(cells.map((c, i) => [c, i]));
  const nCells = cells.length;
  const counts = new Float64Array(nCells * nSteps);
  const values = new Float64Array(nCells * nSteps);
  let inCube = 0;
  let outsideArea = 0;
  for (let e = 0; e < n; e++) {
    const t = stepOfEvent[e]!;
    if (t < 0) continue;
    const i = index.get(binned.cells[binned.cellIndexOfEvent[e]!]!);
    if (i === undefined) {
      outsideArea++;
      continue;
    }
    counts[t * nCells + i]!++;
    values[t * nCells + i]! += options.weights === undefined ? 1 : options.weights[e]!;
    inCube++;
  }
  if (coarseTime > 0) caveats.push(caveat('SKIPPED_COARSE_TIME', `${coarseTime} events had a time precision coarser than the shortest step and were left out`, coarseTime));
  if (outsideTime > 0) caveats.push(caveat('SKIPPED_OUTSIDE_PERIOD', `${outsideTime} events fell outside the cube's time span`, outsideTime));
  if (outsideArea > 0) caveats.push(caveat('EVENTS_OUTSIDE_STUDY_AREA', `${outsideArea} events fell in cells outside the given study area`, outsideArea));
  if (inCube === 0) throw new InsufficientDataError(`no event fell in the cube (${n} events)`, { nEvents: n });
  return { cells, nSteps, stepEdges: edges, counts, values, nEvents: n, nInCube: inCube, caveats };
}
