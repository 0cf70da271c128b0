import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  evaluateNearRepeatRuleOnColumns, evaluateNearRepeatRuleTimed, type MonitorIncident, type NearRepeatRule, type TimedIncident,
} from '@baseerat/engine';
import { NearRepeatGrid } from '../../src/monitor/near-repeat-grid.js';

/**
 * The former grid of live-monitor.ts (before the typed-array cells), kept as the reference: per-cell
 * arrays of `{ t, inc }` under string keys, the neighbours of the cells around an incident that are
 * not older than `oldest`, and `evaluateNearRepeatRuleTimed` over them.
 */
class ReferenceGrid {
  readonly grid = new Map<string, TimedIncident[]>();
  constructor(readonly cellDeg: number) {}
  private cellOf(lat: number, lon: number): [number, number] {
    return [Math.floor(lat / this.cellDeg), Math.floor(lon / this.cellDeg)];
  }
  add(t: number, inc: MonitorIncident): void {
    const [i, j] = this.cellOf(inc.location.lat!, inc.location.lon!);
    const k = `${i}|${j}`;
    const cell = this.grid.get(k);
    if (cell === undefined) this.grid.set(k, [{ t, inc }]); else cell.push({ t, inc });
  }
  neighbours(inc: MonitorIncident, oldest: number): TimedIncident[] {
    const { lat, lon } = inc.location;
    if (lat === undefined || lon === undefined) return [];
    const [ci, cj] = this.cellOf(lat, lon);
    const cos = Math.max(0.01, Math.cos((Math.min(89, Math.abs(lat) + this.cellDeg) * Math.PI) / 180));
    const dj = Math.ceil(1 / cos);
    const out: TimedIncident[] = [];
    for (let i = ci - 1; i <= ci + 1; i++) {
      for (let j = cj - dj; j <= cj + dj; j++) {
        const cell = this.grid.get(`${i}|${j}`);
        if (cell === undefined) continue;
        for (const h of cell) if (h.t >= oldest) out.push(h);
      }
    }
    return out;
  }
  prune(oldest: number): void {
    for (const [k, cell] of this.grid) {
      const kept = cell.filter((h) => h.t >= oldest);
      if (kept.length === 0) this.grid.delete(k); else this.grid.set(k, kept);
    }
  }
  get size(): number {
    let s = 0;
    for (const c of this.grid.values()) s += c.length;
    return s;
  }
}

const DAY = 86_400_000;
const T0 = Date.parse('2024-03-01T00:00:00.000Z');
const rules: NearRepeatRule[] = [
  { kind: 'near-repeat', id: 'nr-10', severity: 'high', distanceKm: 10, days: 3, baselineDays: 12 },
  { kind: 'near-repeat', id: 'nr-4', severity: 'medium', distanceKm: 4, days: 2, minimumKilled: 2, minimumPrior: 2, baselineDays: 5 },
];
const maxKm = Math.max(1, ...rules.map((r) => r.distanceKm));
const cellDeg = maxKm / 111;
const keepMs = Math.max(0, ...rules.map((r) => (r.days + (r.baselineDays ?? 365)) * DAY));

/**
 * A coordinate near a cell boundary of the grid (k cells from the base, then a few ulps or up to
 * 12 km either side), anywhere in a small area, or on a lattice of 1/64 degree around a dyadic
 * point (exact differences: events at mirrored places are at exactly the same distance, in
 * different cells, so the nearest on a tie depends on the order the cells are visited).
 */
const coordinate = (base: number) => fc.oneof(
  fc.integer({ min: -6, max: 6 }).map((m) => Math.round(base * 8) / 8 + m / 64),
  fc.constant(Math.round(base * 8) / 8),
  fc.tuple(fc.integer({ min: -2, max: 2 }), fc.integer({ min: -3, max: 3 })).map(([k, u]) => (Math.floor(base / cellDeg) + k) * cellDeg + u * 1e-13),
  fc.tuple(fc.integer({ min: -2, max: 2 }), fc.integer({ min: -12_000, max: 12_000 })).map(([k, m]) => (Math.floor(base / cellDeg) + k) * cellDeg + m / 111_195),
  fc.integer({ min: -25_000, max: 25_000 }).map((m) => base + m / 111_195),
);

type Op =
  | { op: 'add'; minutes: number; lat: number; lon: number; category: 'TI.BOMB' | 'TI.CLASH' | 'TI.SUICIDE'; killed: number; id: number }
  | { op: 'evaluate'; minutes: number; lat: number; lon: number; id: number }
  | { op: 'prune' };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({
    op: fc.constant('add' as const), minutes: fc.tuple(fc.integer({ min: 0, max: 16 * 1440 }), fc.constantFrom(0, 0, 0, -1 / 60_000, 1 / 60_000)).map(([m, j]) => m + j), lat: coordinate(30.19), lon: coordinate(67.01),
    category: fc.constantFrom('TI.BOMB' as const, 'TI.CLASH' as const, 'TI.SUICIDE' as const), killed: fc.integer({ min: 0, max: 6 }), id: fc.integer({ min: 0, max: 30 }),
  }) },
  { weight: 4, arbitrary: fc.record({
    op: fc.constant('evaluate' as const), minutes: fc.tuple(fc.integer({ min: 0, max: 16 * 1440 }), fc.constantFrom(0, 0, 0, -1 / 60_000, 1 / 60_000)).map(([m, j]) => m + j), lat: coordinate(30.19), lon: coordinate(67.01),
    id: fc.integer({ min: 0, max: 30 }),
  }) },
  { weight: 1, arbitrary: fc.constant({ op: 'prune' as const }) },
);

function incident(id: string, minutes: number, lat: number | undefined, lon: number | undefined, category: MonitorIncident['category'], killed: number): MonitorIncident {
  return {
    id, occurredAt: new Date(T0 + Math.round(minutes * 60_000)).toISOString(), category,
    location: { lat, lon, district: 'Quetta' }, severity: { killed, injured: 0, abducted: 0 },
  };
}

/** Runs a stream of operations through both grids as the live monitor does; returns the candidates of each and the sizes. */
function run(ops: readonly Op[], grid: NearRepeatGrid, ref: ReferenceGrid) {
  let maxTime = -Infinity;
  const got: unknown[] = [], want: unknown[] = [];
  const sizes: [number, number][] = [];
  let dropped = 0;
  for (const o of ops) {
    if (o.op === 'add') {
      const inc = incident(`e${o.id}`, o.minutes, o.lat, o.lon, o.category, o.killed);
      const t = Date.parse(inc.occurredAt);
      if (t > maxTime) maxTime = t;
      grid.add(t, o.lat, o.lon, inc);
      ref.add(t, inc);
    } else if (o.op === 'evaluate') {
      const inc = incident(`e${o.id}`, o.minutes, o.lat, o.lon, 'TI.CLASH', 0);
      const oldest = maxTime - keepMs;
      const cells = grid.around(o.lat, o.lon);
      const near = ref.neighbours(inc, oldest);
      for (const r of rules) {
        got.push(evaluateNearRepeatRuleOnColumns(r, inc, grid.found, cells, oldest));
        want.push(evaluateNearRepeatRuleTimed(r, inc, near));
      }
    } else {
      dropped += ref.size;
      grid.prune(maxTime - keepMs);
      ref.prune(maxTime - keepMs);
      sizes.push([grid.size, ref.size]);
      dropped -= ref.size;
    }
  }
  return { got, want, sizes, dropped };
}

describe('near-repeat grid (typed-array cells)', () => {
  it('gives the candidates of the former per-cell arrays over random event streams (window expiry, prunes, cell boundaries, ties)', () => {
    let fired = 0, dropped = 0, quiet = 0;
    fc.assert(fc.property(fc.array(op, { minLength: 20, maxLength: 150, size: 'max' }), (ops) => {
      const r = run(ops, new NearRepeatGrid(cellDeg), new ReferenceGrid(cellDeg));
      const { got, want, sizes } = r;
      expect(got).toEqual(want);
      for (const [a, b] of sizes) expect(a).toBe(b);
      fired += want.filter((c) => c !== null).length;
      dropped += r.dropped;
      quiet += got.filter((c, i) => c === null && i % 2 === 0).length;
    }), { seed: 20261127, numRuns: 400 });
    // the streams exercise what they are meant to: candidates fire, evaluations find nothing, prunes drop events
    expect(fired).toBeGreaterThan(1000);
    expect(quiet).toBeGreaterThan(1000);
    expect(dropped).toBeGreaterThan(300);
  });

  it('drops expired events at a prune and keeps the order of the rest (the nearest on a tie is the first kept)', () => {
    const grid = new NearRepeatGrid(cellDeg);
    const ref = new ReferenceGrid(cellDeg);
    const ops: Op[] = [
      { op: 'add', minutes: 0, lat: 30.19, lon: 67.01, category: 'TI.BOMB', killed: 0, id: 1 },
      { op: 'add', minutes: 10 * 1440, lat: 30.2, lon: 67.01, category: 'TI.BOMB', killed: 0, id: 2 },
      { op: 'add', minutes: 10 * 1440 + 5, lat: 30.2, lon: 67.01, category: 'TI.SUICIDE', killed: 0, id: 3 },
      { op: 'add', minutes: 20 * 1440, lat: 30.25, lon: 67.05, category: 'TI.BOMB', killed: 0, id: 4 },
      { op: 'prune' },
      { op: 'evaluate', minutes: 11 * 1440, lat: 30.21, lon: 67.01, id: 9 },
    ];
    const { got, want, sizes } = run(ops, grid, ref);
    expect(sizes).toEqual([[3, 3]]); // e1 (20 days before the newest, keep 15) dropped
    expect(got).toEqual(want);
    expect(got[0]).toMatchObject({ dedupKey: 'nr-10|Quetta|e2', explanation: { count: 2 } });
  });

  it('keeps an event at exactly the oldest time kept and not one a millisecond older, at a look-up and at a prune', () => {
    const oldest = T0 + 20 * DAY - keepMs;
    const at = (ms: number) => (ms - T0) / 60_000;
    const ops: Op[] = [
      { op: 'add', minutes: at(oldest - 1), lat: 30.19, lon: 67.01, category: 'TI.BOMB', killed: 0, id: 1 },
      { op: 'add', minutes: at(oldest), lat: 30.19, lon: 67.02, category: 'TI.BOMB', killed: 0, id: 2 },
      { op: 'add', minutes: 20 * 1440, lat: 31.5, lon: 66.0, category: 'TI.BOMB', killed: 0, id: 3 },
      // an incident that arrives late: both events are within the rule's 15 days of it, only e2 is kept
      { op: 'evaluate', minutes: at(oldest + DAY), lat: 30.19, lon: 67.015, id: 9 },
      { op: 'prune' },
      { op: 'evaluate', minutes: at(oldest + DAY), lat: 30.19, lon: 67.015, id: 9 },
    ];
    const { got, want, sizes } = run(ops, new NearRepeatGrid(cellDeg), new ReferenceGrid(cellDeg));
    expect(got).toEqual(want);
    expect(got[0]).toMatchObject({ dedupKey: 'nr-10|Quetta|e2', explanation: { count: 1 } });
    expect(got[2]).toEqual(got[0]);
    expect(sizes).toEqual([[2, 2]]);
  });

  it('on a tie in distance across cells, the nearest is the one in the cell visited first (west before east)', () => {
    const lon0 = 67.0, west = lon0 - 0.0625, east = lon0 + 0.0625; // exact differences: the same distance
    expect(Math.floor(west / cellDeg)).not.toBe(Math.floor(east / cellDeg));
    const ops: Op[] = [
      { op: 'add', minutes: 0, lat: 30.25, lon: east, category: 'TI.BOMB', killed: 0, id: 1 },
      { op: 'add', minutes: 0, lat: 30.25, lon: west, category: 'TI.BOMB', killed: 0, id: 2 },
      { op: 'evaluate', minutes: 1440, lat: 30.25, lon: lon0, id: 9 },
    ];
    const { got, want } = run(ops, new NearRepeatGrid(cellDeg), new ReferenceGrid(cellDeg));
    expect(got).toEqual(want);
    expect(got[0]).toMatchObject({ dedupKey: 'nr-10|Quetta|e2', explanation: { count: 2 } });
  });
});
