/**
 * The live monitor's near-repeat grid: the serious events it keeps, in square cells of `cellDeg`
 * degrees (at least as wide as the largest rule distance), each cell a column block (the engine's
 * `NearRepeatColumns`: time, latitude and longitude of each event in one Float64Array, the incident
 * beside), found by a map of rows (cell row index) of maps of cells (cell column index), so that a
 * look-up builds no string key and the rule reads the times and coordinates of its neighbours
 * without touching their incident objects. `around` gathers the cells of a 3 x (2 dj + 1) block, in
 * the order the former per-cell arrays of `{ t, inc }` under string keys were visited (rows, then
 * columns, each cell in insertion order), so that `evaluateNearRepeatRuleOnColumns` finds the same
 * nearest event on ties; `prune` keeps the order too.
 */
import type { MonitorIncident, NearRepeatColumns } from '@baseerat/engine';

const INITIAL_CAPACITY = 4;

export class NearRepeatGrid {
  private readonly rows = new Map<number, Map<number, NearRepeatColumns>>();
  /** The cells `around` found last (entries [0, count) are valid). */
  readonly found: NearRepeatColumns[] = [];

  constructor(readonly cellDeg: number) {}

  /** Keeps an event at time `t` (epoch ms) and (lat, lon), read from `inc` by the caller. */
  add(t: number, lat: number, lon: number, inc: MonitorIncident): void {
    const i = Math.floor(lat / this.cellDeg), j = Math.floor(lon / this.cellDeg);
    let row = this.rows.get(i);
    if (row === undefined) { row = new Map(); this.rows.set(i, row); }
    let cell = row.get(j);
    if (cell === undefined) { cell = { n: 0, d: new Float64Array(3 * INITIAL_CAPACITY), inc: [] }; row.set(j, cell); }
    const n = cell.n;
    if (3 * n === cell.d.length) {
      const d = new Float64Array(cell.d.length * 2);
      d.set(cell.d);
      cell.d = d;
    }
    const k = 3 * n;
    cell.d[k] = t; cell.d[k + 1] = lat; cell.d[k + 2] = lon;
    cell.inc[n] = inc;
    cell.n = n + 1;
  }

  /**
   * The cells around (lat, lon) into `found`; returns how many. They hold a superset of the kept
   * events within `cellDeg` degrees of latitude and the matching longitude reach at that latitude.
   */
  around(lat: number, lon: number): number {
    const ci = Math.floor(lat / this.cellDeg), cj = Math.floor(lon / this.cellDeg);
    // a degree of longitude shrinks with latitude: widen the search accordingly
    const cos = Math.max(0.01, Math.cos((Math.min(89, Math.abs(lat) + this.cellDeg) * Math.PI) / 180));
    const dj = Math.ceil(1 / cos);
    let count = 0;
    for (let i = ci - 1; i <= ci + 1; i++) {
      const row = this.rows.get(i);
      if (row === undefined) continue;
      for (let j = cj - dj; j <= cj + dj; j++) {
        const cell = row.get(j);
        if (cell !== undefined) this.found[count++] = cell;
      }
    }
    return count;
  }

  /** Drops the events before `oldest` (epoch ms), and cells and rows left empty; the rest keep their order. */
  prune(oldest: number): void {
    for (const [i, row] of this.rows) {
      for (const [j, cell] of row) {
        const d = cell.d, inc = cell.inc;
        let w = 0;
        for (let r = 0; r < cell.n; r++) {
          if (!(d[3 * r]! >= oldest)) continue;
          if (w !== r) {
            d[3 * w] = d[3 * r]!; d[3 * w + 1] = d[3 * r + 1]!; d[3 * w + 2] = d[3 * r + 2]!;
            inc[w] = inc[r]!;
          }
          w++;
        }
        inc.length = w;
        cell.n = w;
        if (w === 0) row.delete(j);
      }
      if (row.size === 0) this.rows.delete(i);
    }
    this.found.length = 0;
  }

  /** Events kept (for tests and figures). */
  get size(): number {
    let s = 0;
    for (const row of this.rows.values()) for (const cell of row.values()) s += cell.n;
    return s;
  }
}
