import { describe, expect, it } from 'vitest';
import { backtestPlaces, createSquareGrid, naiveCountsModel, summariseBacktest, type PlaceModel } from '../../src/forecast/index.js';

const grid = createSquareGrid({ minX: 0, minY: 0, maxX: 399, maxY: 399 }, { cellSize: 100 }); // 16 cells
// Cell 0 has an event every day; cell 5 every third day; cell 15 once, on day 25.
const xs: number[] = [], ys: number[] = [], ts: number[] = [];
for (let d = 0; d < 40; d++) {
  xs.push(50); ys.push(50); ts.push(d + 0.5);
  if (d % 3 === 0) { xs.push(150); ys.push(150); ts.push(d + 0.5); }
}
xs.push(350); ys.push(350); ts.push(25.5);
const events = { x: Float64Array.from(xs), y: Float64Array.from(ys), t: Float64Array.from(ts) };
const setup = { events, grid, candidates: Int32Array.from({ length: 16 }, (_, i) => i), studyArea: 160_000, budgets: [{ label: 'one cell', cells: 1 }, { label: 'two cells', cells: 2 }] };

describe('backtestPlaces', () => {
  it('models never see an event at or after the origin', () => {
    const seen: number[] = [];
    const spy: PlaceModel = ({ events: e, origin, grid: g }) => {
      let max = -Infinity;
      for (const t of e.t) max = Math.max(max, t);
      seen.push(origin - max);
      return { intensity: new Float64Array(g.cellCount), caveats: [] };
    };
    backtestPlaces(setup, [{ origin: 20, end: 30, horizon: '10d', label: 'a' }, { origin: 30, end: 40, horizon: '10d', label: 'b' }], [{ name: 'spy', model: spy }]);
    expect(seen).toHaveLength(2);
    for (const gap of seen) expect(gap).toBeGreaterThan(0);
  });
  it('scores on the window only (hand-computed)', () => {
    // Window [20, 30): cell 0 has 10 events, cell 5 has days 21, 24, 27 = 3, cell 15 has 1: N = 14.
    // Naive over the 10 previous days ranks cell 0 first, then cell 5.
    const rows = backtestPlaces(setup, [{ origin: 20, end: 30, horizon: '10d', label: 'a' }], [{ name: 'naive', model: naiveCountsModel() }]);
    const one = rows.find((r) => r.budget === 'one cell')!.scores!;
    expect(one.n).toBe(10);
    expect(one.N).toBe(14);
    expect(one.pai).toBeCloseTo((10 / 14) / (10_000 / 160_000), 12);
    expect(one.pei).toBe(1);
    const two = rows.find((r) => r.budget === 'two cells')!.scores!;
    expect(two.n).toBe(13);
    const s = summariseBacktest(rows);
    expect(s).toHaveLength(2);
    expect(s[0]!.meanPai).toBeCloseTo(one.pai!, 12);
  });
});
