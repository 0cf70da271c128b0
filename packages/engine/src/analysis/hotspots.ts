/**
 * Hot spot analysis of incidents: bin events to cells, find each cell's neighbours, run Getis-Ord
 * Gi* (with Benjamini-Hochberg FDR) and/or Local Moran's I, and say what limits the answer.
 *
 * Answers: "where do incidents concentrate beyond chance, and which of those cells survive a
 * correction for testing every cell on the map?"
 *
 * Input: plain columns (a structural subset of the store's `IncidentColumns`): lat, lon and a
 * location precision per event (index into LOCATION_PRECISIONS: exact, near, district, province,
 * unknown), plus an optional weight (harm). Events known only to a district or province, or with
 * unknown or missing coordinates, are NOT binned into fine cells (their coordinates are an area's
 * centroid, which would fabricate a hot spot there): they are skipped and counted in a caveat. Events
 * 'near' (within 25 km, UCDP where_prec 2) are binned by default and counted in a caveat when cells are
 * finer than 25 km; `includeNear: false` skips them.
 *
 * Cells: H3 at resolution 5-9 (ids are H3 strings; the server turns them into polygons), or a square
 * grid in metres on a local equirectangular projection (x = R (lon - lon0) cos(lat0), y = R (lat -
 * lat0), R = 6,371,008.8 m, lon0/lat0 the grid origin: distortion under 0.5% across a province the
 * size of Balochistan in the east-west scale, none north-south; ids `sq:<col>:<row>`, cell (col, row)
 * spans [col s, (col + 1) s) x [row s, (row + 1) s) from the origin).
 *
 * Study area: the cells you pass as `studyCells`, or by default every occupied cell plus the cells in
 * its neighbourhood (so that empty cells next to events count as zeros). Cells far from any event are
 * left out, which keeps the statistic local but means "hot" is relative to the area around events,
 * not the whole province: a caveat says so. Pass all cells of the province (e.g. H3 polygonToCells of
 * the boundary) for a province-wide reference.
 *
 * Neighbours: k-ring (H3 `gridDisk`, or Chebyshev distance k on the square grid; k = 1 by default) or
 * a distance band between cell centres in metres. Gi* includes the cell itself, Local Moran does not.
 * Complexity: O(events) binning plus O(cells x neighbours) statistics; Local Moran permutations add
 * O(permutations x cells x neighbours).
 * References: see stats/getis-ord-gi-star.ts, stats/local-moran.ts, stats/benjamini-hochberg.ts.
 */
import { getHexagonEdgeLengthAvg, gridDisk, latLngToCell, cellToLatLng } from 'h3-js';
import { caveat, type Caveat } from '../domain/caveats.js';
import { BaseeratError, InsufficientDataError } from '../domain/errors.js';
import { LOCATION_PRECISIONS } from '../domain/incident.js';
import { getisOrdGiStar } from '../stats/getis-ord-gi-star.js';
import { localMoran, type LisaCluster } from '../stats/local-moran.js';
import { distanceBandWeights, h3KeyCodec, h3KRingWeights, NumericKeyIndex, weightsFromNeighbourLists, type SpatialWeights } from '../stats/spatial-weights.js';

export const EARTH_RADIUS_METRES = 6371008.8;
const PRECISION_EXACT = LOCATION_PRECISIONS.indexOf('exact');
const PRECISION_NEAR = LOCATION_PRECISIONS.indexOf('near');
const PRECISION_DISTRICT = LOCATION_PRECISIONS.indexOf('district');
const PRECISION_PROVINCE = LOCATION_PRECISIONS.indexOf('province');

/** The columns hot spot analysis reads (a structural subset of the store's IncidentColumns). */
export interface HotspotEventColumns {
  readonly lat: ArrayLike<number>;
  readonly lon: ArrayLike<number>;
  /** Index into LOCATION_PRECISIONS. */
  readonly locationPrecision: ArrayLike<number>;
}

export type CellGrid =
  | { readonly kind: 'h3'; readonly resolution: number }
  | { readonly kind: 'square'; readonly cellSizeMetres: number; readonly origin?: { readonly lat: number; readonly lon: number } };

export type NeighbourRule = { readonly kind: 'kring'; readonly k?: number } | { readonly kind: 'distanceBand'; readonly metres: number };

export interface BinningOptions {
  grid: CellGrid;
  /** Bin events of 'near' precision (within 25 km). Default true. */
  includeNear?: boolean;
  /** Per-event weight (harm, victims); default 1. */
  weights?: ArrayLike<number>;
}

export interface BinnedEvents {
  /** Index into `cells` of each event's cell, -1 when skipped. */
  readonly cellIndexOfEvent: Int32Array;
  /** Occupied cells, sorted, with counts and summed weights. */
  readonly cells: string[];
  readonly counts: Float64Array;
  readonly values: Float64Array;
  readonly nEvents: number;
  readonly nBinned: number;
  readonly skipped: { coarsePrecision: number; unknownLocation: number; nearExcluded: number };
  readonly nNearBinned: number;
  /** Origin of the square grid (absent for H3). */
  readonly squareOrigin?: { lat: number; lon: number };
  readonly caveats: Caveat[];
}

function checkGrid(grid: CellGrid): void {
  if (grid.kind === 'h3') {
    if (!Number.isInteger(grid.resolution) || grid.resolution < 5 || grid.resolution > 9) {
      throw new BaseeratError('VALIDATION', `grid.resolution must be an integer from 5 to 9, got ${grid.resolution}`, { field: 'grid.resolution' });
    }
  } else if (!(grid.cellSizeMetres >= 50) || !Number.isFinite(grid.cellSizeMetres)) {
    throw new BaseeratError('VALIDATION', `grid.cellSizeMetres must be at least 50, got ${grid.cellSizeMetres}`, { field: 'grid.cellSizeMetres' });
  }
}

/** Typical distance between neighbouring cell centres, metres. */
export function cellSpacingMetres(grid: CellGrid): number {
  return grid.kind === 'h3' ? getHexagonEdgeLengthAvg(grid.resolution, 'm') * Math.sqrt(3) : grid.cellSizeMetres;
}

function squareId(col: number, row: number): string {
  return `sq:${col}:${row}`;
}

function parseSquareId(id: string): [number, number] {
  const parts = id.split(':');
  return [Number(parts[1]), Number(parts[2])];
}

/** Local equirectangular projection to metres around (lat0, lon0). */
export function projectEquirectangular(lat: number, lon: number, origin: { lat: number; lon: number }): [number, number] {
  const rad = Math.PI / 180;
  return [EARTH_RADIUS_METRES * (lon - origin.lon) * rad * Math.cos(origin.lat * rad), EARTH_RADIUS_METRES * (lat - origin.lat) * rad];
}

/** Centre of a square-grid cell in metres from the origin. */
export function squareCellCentreMetres(id: string, cellSizeMetres: number): [number, number] {
  const [c, r] = parseSquareId(id);
  return [(c + 0.5) * cellSizeMetres, (r + 0.5) * cellSizeMetres];
}

/** Bins events into cells, skipping (and counting) those whose location is too coarse for cells. */
export function binEventsToCells(events: HotspotEventColumns, options: BinningOptions): BinnedEvents {
  checkGrid(options.grid);
  const n = events.lat.length;
  if (events.lon.length !== n || events.locationPrecision.length !== n) {
    throw new BaseeratError('VALIDATION', `lat, lon and locationPrecision differ in length: ${n}, ${events.lon.length}, ${events.locationPrecision.length}`, { field: 'events' });
  }
  if (options.weights !== undefined && options.weights.length !== n) {
    throw new BaseeratError('VALIDATION', `weights has ${options.weights.length} values for ${n} events`, { field: 'weights' });
  }
  const includeNear = options.includeNear ?? true;
  const grid = options.grid;
  let origin: { lat: number; lon: number } | undefined;
  if (grid.kind === 'square') {
    origin = grid.origin === undefined ? undefined : { lat: grid.origin.lat, lon: grid.origin.lon };
    if (origin === undefined) {
      // Default origin: the rounded south-west corner of the usable events, so ids are stable for a data set.
      let minLat = Infinity;
      let minLon = Infinity;
      for (let i = 0; i < n; i++) {
        if (!Number.isFinite(events.lat[i]!) || !Number.isFinite(events.lon[i]!)) continue;
        minLat = Math.min(minLat, events.lat[i]!);
        minLon = Math.min(minLon, events.lon[i]!);
      }
      origin = Number.isFinite(minLat) ? { lat: Math.floor(minLat), lon: Math.floor(minLon) } : { lat: 0, lon: 0 };
    }
  }
  // Pass 1: which events are usable; pass 2 bins them. H3 cells are handled as exact numeric keys
  // (see h3KeyCodec) sorted natively: hashing a million 15-character strings costs seconds.
  const cellIndexOfEvent = new Int32Array(n).fill(-1);
  const usable = new Uint8Array(n);
  let coarse = 0;
  let unknown = 0;
  let nearExcluded = 0;
  let nearBinned = 0;
  for (let i = 0; i < n; i++) {
    const prec = events.locationPrecision[i]!;
    const lat = events.lat[i]!;
    const lon = events.lon[i]!;
    if (prec === PRECISION_DISTRICT || prec === PRECISION_PROVINCE) {
      coarse++;
      continue;
    }
    if ((prec !== PRECISION_EXACT && prec !== PRECISION_NEAR) || !Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) {
      unknown++;
      continue;
    }
    if (prec === PRECISION_NEAR) {
      if (!includeNear) {
        nearExcluded++;
        continue;
      }
      nearBinned++;
    }
    const w = options.weights === undefined ? 1 : options.weights[i]!;
    if (!Number.isFinite(w) || w < 0) throw new BaseeratError('VALIDATION', `weights[${i}] must be finite and >= 0, got ${w}`, { field: 'weights' });
    usable[i] = 1;
  }
  let cells: string[];
  const nUsable = n - coarse - unknown - nearExcluded;
  if (grid.kind === 'h3') {
    // Each event's cell key gets a provisional id from a hash table in arrival order; only the
    // distinct keys are then sorted (far fewer than events) and the ids mapped to sorted ranks.
    let codec: ReturnType<typeof h3KeyCodec> | undefined;
    const index = new NumericKeyIndex(Math.min(nUsable, 1 << 16));
    const firstKeys: number[] = [];
    for (let i = 0; i < n; i++) {
      if (usable[i] !== 1) continue;
      const id = latLngToCell(events.lat[i]!, events.lon[i]!, grid.resolution);
      codec ??= h3KeyCodec(id);
      const key = codec.key(id);
      let j = index.get(key);
      if (j < 0) {
        j = firstKeys.length;
        firstKeys.push(key);
        index.set(key, j);
      }
      cellIndexOfEvent[i] = j;
    }
    const uniqueKeys = Float64Array.from(firstKeys).sort();
    const nUnique = uniqueKeys.length;
    const rankOfId = new Int32Array(nUnique);
    const sortedIndex = new NumericKeyIndex(nUnique);
    for (let r = 0; r < nUnique; r++) sortedIndex.set(uniqueKeys[r]!, r);
    for (let j = 0; j < nUnique; j++) rankOfId[j] = sortedIndex.get(firstKeys[j]!);
    for (let i = 0; i < n; i++) if (usable[i] === 1) cellIndexOfEvent[i] = rankOfId[cellIndexOfEvent[i]!]!;
    cells = new Array<string>(nUnique);
    for (let k = 0; k < nUnique; k++) cells[k] = codec!.cell(uniqueKeys[k]!);
  } else {
    const slot = new Map<string, number>();
    const firstIds: string[] = [];
    for (let i = 0; i < n; i++) {
      if (usable[i] !== 1) continue;
      const [x, y] = projectEquirectangular(events.lat[i]!, events.lon[i]!, origin!);
      const id = squareId(Math.floor(x / grid.cellSizeMetres), Math.floor(y / grid.cellSizeMetres));
      let k = slot.get(id);
      if (k === undefined) {
        k = firstIds.length;
        slot.set(id, k);
        firstIds.push(id);
      }
      cellIndexOfEvent[i] = k;
    }
    cells = [...firstIds].sort();
    const rank = new Int32Array(cells.length);
    cells.forEach((c, r) => (rank[slot.get(c)!] = r));
    for (let i = 0; i < n; i++) if (cellIndexOfEvent[i]! >= 0) cellIndexOfEvent[i] = rank[cellIndexOfEvent[i]!]!;
  }
  const counts = new Float64Array(cells.length);
  const values = new Float64Array(cells.length);
  for (let i = 0; i < n; i++) {
    const k = cellIndexOfEvent[i]!;
    if (k < 0) continue;
    counts[k]!++;
    values[k]! += options.weights === undefined ? 1 : options.weights[i]!;
  }
  const caveats: Caveat[] = [];
  if (coarse > 0) caveats.push(caveat('SKIPPED_COARSE_LOCATION', `${coarse} events known only to district or province were not placed in cells`, coarse));
  if (unknown > 0) caveats.push(caveat('SKIPPED_NO_LOCATION', `${unknown} events had no usable coordinates`, unknown));
  if (nearExcluded > 0) caveats.push(caveat('SKIPPED_NEAR_LOCATION', `${nearExcluded} events located only within 25 km were left out (includeNear = false)`, nearExcluded));
  if (nearBinned > 0 && cellSpacingMetres(grid) < 25000) {
    caveats.push(caveat('NEAR_LOCATION_BINNED', `${nearBinned} events located only within 25 km were placed in cells about ${Math.round(cellSpacingMetres(grid) / 1000)} km across: their cell may be wrong`, nearBinned));
  }
  const nBinned = n - coarse - unknown - nearExcluded;
  const base = { cellIndexOfEvent, cells, counts, values, nEvents: n, nBinned, skipped: { coarsePrecision: coarse, unknownLocation: unknown, nearExcluded }, nNearBinned: nearBinned, caveats };
  return origin === undefined ? base : { ...base, squareOrigin: origin };
}

/** Cells within k steps of a cell (k-ring on H3, Chebyshev on the square grid), the cell included. */
function ringOf(id: string, grid: CellGrid, k: number): string[] {
  if (grid.kind === 'h3') return gridDisk(id, k);
  const [c, r] = parseSquareId(id);
  const out: string[] = [];
  for (let dc = -k; dc <= k; dc++) for (let dr = -k; dr <= k; dr++) out.push(squareId(c + dc, r + dr));
  return out;
}

/** Neighbourhood reach in ring steps of a rule (for growing the study area). */
function reachInRings(rule: NeighbourRule, grid: CellGrid): number {
  if (rule.kind === 'kring') return rule.k ?? 1;
  return Math.max(1, Math.ceil(rule.metres / cellSpacingMetres(grid)));
}

/** Study cells: the given ones, or the occupied cells and their neighbourhoods. Sorted. */
export function studyAreaCells(occupied: readonly string[], grid: CellGrid, rule: NeighbourRule, studyCells?: readonly string[]): string[] {
  if (studyCells !== undefined) {
    const set = new Set(studyCells);
    if (set.size !== studyCells.length) throw new BaseeratError('VALIDATION', 'studyCells holds duplicate cells', { field: 'studyCells' });
    return [...set].sort();
  }
  const reach = reachInRings(rule, grid);
  if (grid.kind === 'h3' && occupied.length > 0) {
    const codec = h3KeyCodec(occupied[0]!);
    // Keys of every ring member into one typed array, native sort, then drop repeats: no hashing.
    let keys = new Float64Array(occupied.length * (3 * reach * (reach + 1) + 1));
    let used = 0;
    for (const c of occupied) {
      for (const d of gridDisk(c, reach)) {
        if (used === keys.length) {
          const bigger = new Float64Array(keys.length * 2);
          bigger.set(keys);
          keys = bigger;
        }
        keys[used++] = codec.key(d);
      }
    }
    const sorted = keys.subarray(0, used).sort();
    let nUnique = 0;
    for (let u = 0; u < used; u++) if (u === 0 || sorted[u] !== sorted[u - 1]) sorted[nUnique++] = sorted[u]!;
    return Array.from(sorted.subarray(0, nUnique), (k) => codec.cell(k));
  }
  const set = new Set<string>();
  for (const c of occupied) for (const d of ringOf(c, grid, reach)) set.add(d);
  return [...set].sort();
}

/**
 * H3 k-ring study area and its weights (self included) in one pass, on numeric keys: the rings of
 * the occupied cells both define the study area and are the neighbour rows of those cells, so
 * `gridDisk` runs once per study cell instead of once per occupied cell plus once per study cell.
 * Equal to `studyAreaCells` + `cellWeights(..., includeSelf = true)` (tested).
 */
export function h3StudyAreaWithWeights(occupied: readonly string[], k: number): { cells: string[]; weights: SpatialWeights } {
  if (!Number.isInteger(k) || k < 1) throw new BaseeratError('VALIDATION', `neighbours.k must be a positive integer, got ${k}`, { field: 'neighbours.k' });
  if (occupied.length === 0) return { cells: [], weights: { n: 0, offsets: new Int32Array(1), indices: new Int32Array(0), includesSelf: true } };
  const codec = h3KeyCodec(occupied[0]!);
  const maxRow = 3 * k * (k + 1) + 1;
  let ringKeys = new Float64Array(occupied.length * maxRow);
  const ringStart = new Int32Array(occupied.length + 1);
  let used = 0;
  for (let o = 0; o < occupied.length; o++) {
    const ring = gridDisk(occupied[o]!, k);
    if (used + ring.length > ringKeys.length) {
      const bigger = new Float64Array(Math.max(ringKeys.length * 2, used + ring.length));
      bigger.set(ringKeys);
      ringKeys = bigger;
    }
    for (const d of ring) ringKeys[used++] = codec.key(d);
    ringStart[o + 1] = used;
  }
  // Distinct ring keys through a hash table, then only those are sorted (not every ring member).
  const seen = new NumericKeyIndex(occupied.length * 2);
  const distinct: number[] = [];
  for (let u = 0; u < used; u++) if (seen.set(ringKeys[u]!, 0)) distinct.push(ringKeys[u]!);
  const studyKeys = Float64Array.from(distinct).sort();
  const n = studyKeys.length;
  const index = new NumericKeyIndex(n);
  for (let i = 0; i < n; i++) index.set(studyKeys[i]!, i);
  const occupiedRow = new Int32Array(n).fill(-1);
  for (let o = 0; o < occupied.length; o++) occupiedRow[index.get(codec.key(occupied[o]!))] = o;
  const cells = Array.from(studyKeys, (key) => codec.cell(key));
  const offsets = new Int32Array(n + 1);
  let indices = new Int32Array(n * Math.min(maxRow, 7) + maxRow);
  let filled = 0;
  // Insertion into the sorted row, in place (rows hold at most 3k(k+1) + 1 entries).
  const insert = (j: number, start: number): void => {
    let pos = filled++;
    while (pos > start && indices[pos - 1]! > j) {
      indices[pos] = indices[pos - 1]!;
      pos--;
    }
    indices[pos] = j;
  };
  for (let i = 0; i < n; i++) {
    if (filled + maxRow > indices.length) {
      const bigger = new Int32Array(indices.length * 2);
      bigger.set(indices.subarray(0, filled));
      indices = bigger;
    }
    const start = filled;
    const o = occupiedRow[i]!;
    if (o >= 0) {
      for (let e = ringStart[o]!; e < ringStart[o + 1]!; e++) insert(index.get(ringKeys[e]!), start);
    } else {
      for (const d of gridDisk(cells[i]!, k)) {
        const j = index.get(codec.key(d));
        if (j >= 0) insert(j, start);
      }
    }
    offsets[i + 1] = filled;
  }
  return { cells, weights: { n, offsets, indices: indices.slice(0, filled), includesSelf: true } };
}

/** The same weights without each unit's own entry (Local Moran's I must not see itself). */
export function withoutSelf(w: SpatialWeights): SpatialWeights {
  if (!w.includesSelf) return w;
  const offsets = new Int32Array(w.n + 1);
  const indices = new Int32Array(Math.max(0, w.indices.length - w.n));
  const weights = w.weights === undefined ? undefined : new Float64Array(indices.length);
  let f = 0;
  for (let i = 0; i < w.n; i++) {
    for (let e = w.offsets[i]!; e < w.offsets[i + 1]!; e++) {
      if (w.indices[e] === i) continue;
      if (weights !== undefined) weights[f] = w.weights![e]!;
      indices[f++] = w.indices[e]!;
    }
    offsets[i + 1] = f;
  }
  const out = { n: w.n, offsets, indices: indices.slice(0, f), includesSelf: false };
  return weights === undefined ? out : { ...out, weights: weights.slice(0, f) };
}

/** Neighbour weights over `cells` by a rule, with or without self. */
export function cellWeights(cells: readonly string[], grid: CellGrid, rule: NeighbourRule, includeSelf: boolean): SpatialWeights {
  if (rule.kind === 'kring') {
    const k = rule.k ?? 1;
    if (!Number.isInteger(k) || k < 1) throw new BaseeratError('VALIDATION', `neighbours.k must be a positive integer, got ${k}`, { field: 'neighbours.k' });
    if (grid.kind === 'h3') return h3KRingWeights(cells, k, { includeSelf });
    const index = new Map(cells.map((c, i) => [c, i]));
    const lists = cells.map((c, i) =>
      ringOf(c, grid, k)
        .map((d) => index.get(d))
        .filter((j): j is number => j !== undefined && (includeSelf || j !== i)),
    );
    return weightsFromNeighbourLists(lists, includeSelf);
  }
  if (!(rule.metres > 0)) throw new BaseeratError('VALIDATION', `neighbours.metres must be positive, got ${rule.metres}`, { field: 'neighbours.metres' });
  const x = new Float64Array(cells.length);
  const y = new Float64Array(cells.length);
  if (grid.kind === 'h3') {
    // Centres projected around the study area's mean: the band is in metres on the ground.
    const ll = cells.map((c) => cellToLatLng(c));
    const origin = { lat: ll.reduce((s, p) => s + p[0], 0) / Math.max(1, ll.length), lon: ll.reduce((s, p) => s + p[1], 0) / Math.max(1, ll.length) };
    ll.forEach((p, i) => {
      const [px, py] = projectEquirectangular(p[0], p[1], origin);
      x[i] = px;
      y[i] = py;
    });
  } else {
    cells.forEach((c, i) => {
      const [px, py] = squareCellCentreMetres(c, grid.cellSizeMetres);
      x[i] = px;
      y[i] = py;
    });
  }
  return distanceBandWeights(x, y, rule.metres, { includeSelf });
}

export interface HotspotOptions extends BinningOptions {
  /** Default k-ring with k = 1. */
  neighbours?: NeighbourRule;
  /** Which statistics to compute. Default ['giStar']. */
  statistics?: readonly ('giStar' | 'localMoran')[];
  /** Explicit study area (cell ids of the chosen grid). Default: occupied cells and their neighbourhoods. */
  studyCells?: readonly string[];
  /** Analyse summed weights ('value') or event counts ('count'). Default 'count' unless weights are given. */
  measure?: 'count' | 'value';
  /** Local Moran: permutations (default 999), seed (default 12345), alpha (default 0.05). */
  permutations?: number;
  seed?: number;
  alpha?: number;
  /** Local Moran permutations: called with (cells done, cells). */
  onProgress?: (done: number, total: number) => void;
}

export interface HotspotCell {
  id: string;
  count: number;
  value: number;
  giZ?: number;
  giP?: number;
  giPFdr?: number;
  /** ArcGIS Gi_Bin, unadjusted: -3..3. */
  giBin?: number;
  /** Gi_Bin on FDR-adjusted p: -3..3. Prefer for decisions. */
  giBinFdr?: number;
  moranI?: number;
  moranZ?: number;
  moranP?: number;
  moranPPermutation?: number;
  lisaCluster?: LisaCluster;
}

export interface HotspotResult {
  readonly grid: CellGrid;
  readonly squareOrigin?: { lat: number; lon: number };
  readonly cells: HotspotCell[];
  readonly summary: {
    nEvents: number;
    nBinned: number;
    skipped: { coarsePrecision: number; unknownLocation: number; nearExcluded: number };
    nCells: number;
    nOccupiedCells: number;
    /** Cells by Gi_Bin: hot99, hot95, hot90, cold..., raw and FDR. */
    giStar?: { hot: [number, number, number]; cold: [number, number, number]; hotFdr: [number, number, number]; coldFdr: [number, number, number] };
    lisa?: Record<LisaCluster, number>;
  };
  readonly caveats: Caveat[];
}

function binCounts(bins: Int8Array): { pos: [number, number, number]; neg: [number, number, number] } {
  const pos: [number, number, number] = [0, 0, 0];
  const neg: [number, number, number] = [0, 0, 0];
  for (const b of bins) {
    if (b > 0) pos[3 - b]!++;
    else if (b < 0) neg[3 + b]!++;
  }
  return { pos, neg };
}

/**
 * Hot spot analysis: bin, build the study area and neighbours, run Gi* (+FDR) and/or Local Moran.
 * Throws InsufficientDataError when no event can be placed in a cell.
 */
export function analyseHotspots(events: HotspotEventColumns, options: HotspotOptions): HotspotResult {
  const binned = binEventsToCells(events, options);
  const caveats: Caveat[] = [...binned.caveats];
  if (binned.nBinned === 0) {
    throw new InsufficientDataError(`no event could be placed in a cell (${binned.nEvents} events: ${binned.skipped.coarsePrecision} coarse, ${binned.skipped.unknownLocation} without location)`, {
      nEvents: binned.nEvents,
    });
  }
  const rule = options.neighbours ?? { kind: 'kring', k: 1 };
  const grid = options.grid;
  // H3 k-rings around the events: study area and neighbours in one pass; otherwise step by step.
  const fused = grid.kind === 'h3' && rule.kind === 'kring' && options.studyCells === undefined ? h3StudyAreaWithWeights(binned.cells, rule.k ?? 1) : undefined;
  const cells = fused?.cells ?? studyAreaCells(binned.cells, grid, rule, options.studyCells);
  const weightsWithSelf = (): SpatialWeights => fused?.weights ?? cellWeights(cells, grid, rule, true);
  const weightsWithoutSelf = (): SpatialWeights => (fused === undefined ? cellWeights(cells, grid, rule, false) : withoutSelf(fused.weights));
  // Both lists are sorted in string order (numeric H3 keys sort as their strings): merge, no hashing.
  const counts = new Float64Array(cells.length);
  const values = new Float64Array(cells.length);
  let outside = 0;
  let outsideCells = 0;
  for (let k = 0, i = 0; k < binned.cells.length; k++) {
    const c = binned.cells[k]!;
    while (i < cells.length && cells[i]! < c) i++;
    if (i < cells.length && cells[i] === c) {
      counts[i] = binned.counts[k]!;
      values[i] = binned.values[k]!;
    } else {
      outside += binned.counts[k]!;
      outsideCells++;
    }
  }
  if (outside > 0) caveats.push(caveat('EVENTS_OUTSIDE_STUDY_AREA', `${outside} events fell in cells outside the given study area and were left out`, outside));
  if (options.studyCells === undefined) {
    caveats.push(
      caveat('STUDY_AREA_NEAR_EVENTS', `the study area is the ${binned.cells.length} occupied cells and their neighbourhoods (${cells.length} cells): "hot" is relative to the area around events, not the whole province`),
    );
  }
  const nAnalysed = binned.nBinned - outside;
  if (nAnalysed < 30) caveats.push(caveat('FEW_EVENTS', `fewer than 30 events (${nAnalysed}): the tests have little power`, nAnalysed));
  const measure = options.measure ?? (options.weights === undefined ? 'count' : 'value');
  const x = measure === 'count' ? counts : values;
  // Cell objects are built with all their Gi* fields in one literal (adding five properties to each
  // of 10^5 objects afterwards costs a hidden-class transition per property); same key order.
  let out: HotspotCell[] | undefined;
  const statistics = options.statistics ?? ['giStar'];
  const summary: HotspotResult['summary'] = {
    nEvents: binned.nEvents,
    nBinned: binned.nBinned,
    skipped: binned.skipped,
    nCells: cells.length,
    nOccupiedCells: binned.cells.length - outsideCells,
  };
  let allZero = true;
  for (const v of x) if (v !== 0) allZero = false;
  if (allZero) caveats.push(caveat('ALL_ZERO', `every cell has ${measure === 'count' ? 'no events' : 'zero weight'}: there is nothing to find`));

  if (statistics.includes('giStar') && cells.length >= 3) {
    const g = getisOrdGiStar(x, weightsWithSelf());
    out = cells.map((id, i) => ({ id, count: counts[i]!, value: values[i]!, giZ: g.z[i]!, giP: g.p[i]!, giPFdr: g.pFdr[i]!, giBin: g.bin[i]!, giBinFdr: g.binFdr[i]! }));
    const raw = binCounts(g.bin);
    const fdr = binCounts(g.binFdr);
    summary.giStar = { hot: raw.pos, cold: raw.neg, hotFdr: fdr.pos, coldFdr: fdr.neg };
    const nSigRaw = raw.pos.reduce((a, b) => a + b, 0) + raw.neg.reduce((a, b) => a + b, 0);
    caveats.push(
      caveat(
        'MULTIPLE_TESTING',
        `${cells.length} cells were tested: at 90% confidence about ${Math.round(0.1 * cells.length)} would be flagged by chance alone; ${nSigRaw} are flagged without correction. Use the FDR-adjusted bins (giBinFdr), and note that neighbouring cells share events, so their tests are not independent`,
        cells.length,
      ),
    );
    caveats.push(...g.caveats);
  } else if (statistics.includes('giStar')) {
    caveats.push(caveat('TOO_FEW_CELLS', `only ${cells.length} cells: Gi* needs at least 3`, cells.length));
  }
  if (statistics.includes('localMoran') && cells.length >= 4) {
    const m = localMoran(x, weightsWithoutSelf(), {
      permutations: options.permutations ?? 999,
      seed: options.seed ?? 12345,
      alpha: options.alpha ?? 0.05,
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    });
    const tally: Record<LisaCluster, number> = { HH: 0, LL: 0, HL: 0, LH: 0, 'not significant': 0 };
    out ??= cells.map((id, i) => ({ id, count: counts[i]!, value: values[i]! }));
    out.forEach((c, i) => {
      c.moranI = m.Ii[i]!;
      c.moranZ = m.z[i]!;
      c.moranP = m.p[i]!;
      if (m.pPermutation !== undefined) c.moranPPermutation = m.pPermutation[i]!;
      c.lisaCluster = m.cluster[i]!;
      tally[m.cluster[i]!]++;
    });
    summary.lisa = tally;
    caveats.push(...m.caveats.filter((c) => c.code !== 'MULTIPLE_TESTING' || !statistics.includes('giStar')));
  } else if (statistics.includes('localMoran')) {
    caveats.push(caveat('TOO_FEW_CELLS', `only ${cells.length} cells: Local Moran's I needs at least 4`, cells.length));
  }
  const base = { grid, cells: out ?? cells.map((id, i) => ({ id, count: counts[i]!, value: values[i]! })), summary, caveats };
  return binned.squareOrigin === undefined ? base : { ...base, squareOrigin: binned.squareOrigin };
}
