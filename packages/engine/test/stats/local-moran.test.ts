import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { localMoran } from '../../src/stats/local-moran.js';
import { regularGridWeights, weightsFromNeighbourLists } from '../../src/stats/spatial-weights.js';
import { expectClose, loadHotspotFixture, type UcdpInput } from './hotspots-fixtures.js';

interface Lm {
  Ii: number[];
  EIi: number[];
  VarIi: number[];
  ZIi: number[];
  p: number[];
  quadrantPysal: string[];
}
const ref = loadHotspotFixture<{ localMoranCounts: Lm; localMoranDeaths: Lm; localMoranPermCounts: { nsim: number; pFolded: number[] } }>('hotspots-spdep.json');
const inp = loadHotspotFixture<UcdpInput>('hotspots-ucdp-input.json');
const nb = weightsFromNeighbourLists(inp.nbNoSelf, false);
const QUAD: Record<string, number> = { 'High-High': 1, 'Low-High': 2, 'Low-Low': 3, 'High-Low': 4 };

describe("Local Moran's I (reference: spdep 1.2-7 localmoran, style W, UCDP Balochistan H3 res 6)", () => {
  for (const [name, x, r] of [
    ['event counts', inp.counts, ref.localMoranCounts],
    ['deaths', inp.deaths, ref.localMoranDeaths],
  ] as const) {
    it(`Ii, E(Ii), Var(Ii), z, p and quadrants equal spdep on ${name}`, () => {
      const m = localMoran(x, nb, { permutations: 0 });
      expectClose(m.Ii, r.Ii, { abs: 1e-9, rel: 1e-9 }, 'Ii');
      expectClose(m.expected, r.EIi, { abs: 1e-9, rel: 1e-9 }, 'E.Ii');
      expectClose(m.variance, r.VarIi, { abs: 1e-9, rel: 1e-9 }, 'Var.Ii');
      expectClose(m.z, r.ZIi, { abs: 1e-9 }, 'Z.Ii');
      expectClose(m.p, r.p, { abs: 1e-12, rel: 1e-9 }, 'p');
      expect(Array.from(m.quadrant)).toEqual(r.quadrantPysal.map((q) => QUAD[q]));
      expect(m.pPermutation).toBeUndefined();
    });
  }
  it("with ties: 'pysal' pseudo p-values (4999 draws) agree with spdep localmoran_perm (9999 draws) within Monte Carlo error", () => {
    // Different generators (and spdep draws with replacement, PySAL/ours without): agreement is
    // statistical. The difference has Monte Carlo sd sqrt(p(1-p)(1/9999 + 1/4999)) <= 0.009.
    const m = localMoran(inp.counts, nb, { permutations: 4999, seed: 1, ties: 'pysal' });
    const refP = ref.localMoranPermCounts.pFolded;
    let worst = 0;
    let sumAbs = 0;
    for (let i = 0; i < refP.length; i++) {
      const d = Math.abs(m.pPermutation![i]! - refP[i]!);
      const sd = Math.sqrt(Math.max(refP[i]!, 1e-4) * (1 - refP[i]!) * (1 / 9999 + 1 / 4999));
      worst = Math.max(worst, d / (sd + 1e-4));
      sumAbs += d;
    }
    expect(worst).toBeLessThan(6);
    expect(sumAbs / refP.length).toBeLessThan(0.005);
  });
  it("the default tie rule never makes a cell more significant than 'pysal', and equals it without ties", () => {
    const cons = localMoran(inp.counts, nb, { permutations: 499, seed: 2 });
    const pys = localMoran(inp.counts, nb, { permutations: 499, seed: 2, ties: 'pysal' });
    cons.pPermutation!.forEach((p, i) => expect(p).toBeGreaterThanOrEqual(pys.pPermutation![i]!));
    // the tie artefact: a cell with I near 0 and analytical p 0.79 is 'significant' under the PySAL rule
    const artefacts = ref.localMoranCounts.p.filter((p, i) => p > 0.5 && pys.pPermutation![i]! <= 0.01 && cons.pPermutation![i]! > 0.05).length;
    expect(artefacts).toBeGreaterThan(0);
    // a non-linear jitter: no two neighbour sums can coincide (fractions of multiples of sqrt 2 would)
    const jittered = inp.counts.map((c, i) => c + (Math.abs(Math.sin(i * 12.9898 + 1) * 43758.5453) % 1));
    const a = localMoran(jittered, nb, { permutations: 499, seed: 4 });
    const b = localMoran(jittered, nb, { permutations: 499, seed: 4, ties: 'pysal' });
    expect(Array.from(a.pPermutation!)).toEqual(Array.from(b.pPermutation!));
  });
  it('permutations are reproducible with a seed and differ with another seed', () => {
    const a = localMoran(inp.counts, nb, { permutations: 99, seed: 5 });
    const b = localMoran(inp.counts, nb, { permutations: 99, seed: 5 });
    const c = localMoran(inp.counts, nb, { permutations: 99, seed: 6 });
    expect(Array.from(a.pPermutation!)).toEqual(Array.from(b.pPermutation!));
    expect(Array.from(a.pPermutation!)).not.toEqual(Array.from(c.pPermutation!));
    a.pPermutation!.forEach((p) => {
      expect(p).toBeGreaterThanOrEqual(1 / 100);
      expect(p).toBeLessThanOrEqual(1);
    });
  });
  it('labels a planted high-high block HH and a lone spike HL', () => {
    const w = regularGridWeights(10, 10, 'queen');
    const x = new Float64Array(100);
    for (const r of [1, 2, 3]) for (const c of [1, 2, 3]) x[r * 10 + c] = 10;
    x[7 * 10 + 7] = 10;
    const m = localMoran(x, w, { permutations: 999, seed: 3 });
    expect(m.cluster[2 * 10 + 2]).toBe('HH');
    expect(m.quadrant[7 * 10 + 7]).toBe(4);
    expect(m.cluster[9 * 10 + 0]).toBe('not significant');
  });
  it('isolates and constant values become caveats, never NaN', () => {
    const w = weightsFromNeighbourLists([[1], [0], [3], [2], []], false);
    const m = localMoran([1, 2, 3, 4, 5], w, { permutations: 9 });
    expect(m.defined[4]).toBe(0);
    expect(m.caveats.map((c) => c.code)).toContain('LOCAL_MORAN_ISOLATES');
    const k = localMoran([2, 2, 2, 2, 2], w, { permutations: 9 });
    expect(k.caveats.map((c) => c.code)).toContain('LOCAL_MORAN_CONSTANT_VALUES');
    for (const r of [m, k]) for (const arr of [r.Ii, r.z, r.p, r.variance]) expect(Array.from(arr).every(Number.isFinite)).toBe(true);
  });
  it('invariant: relabelling the cells permutes the analytical results', () => {
    const base = regularGridWeights(5, 5, 'rook');
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 25, maxLength: 25 }), fc.integer({ min: 1, max: 24 }), (x, shift) => {
        if (new Set(x).size < 2) return;
        const perm = Array.from({ length: 25 }, (_, i) => (i + shift) % 25); // new index of old cell i
        const lists: number[][] = Array.from({ length: 25 }, () => []);
        for (let i = 0; i < 25; i++) lists[perm[i]!] = Array.from(base.indices.subarray(base.offsets[i]!, base.offsets[i + 1]!)).map((j) => perm[j]!);
        const xp = new Array<number>(25);
        for (let i = 0; i < 25; i++) xp[perm[i]!] = x[i]!;
        const a = localMoran(x, base, { permutations: 0 });
        const b = localMoran(xp, weightsFromNeighbourLists(lists, false), { permutations: 0 });
        for (let i = 0; i < 25; i++) expect(b.Ii[perm[i]!]).toBeCloseTo(a.Ii[i]!, 10);
      }),
      { seed: 11, numRuns: 50 },
    );
  });
  it('reports permutation progress by cells, ending at (n, n), and the callback changes no result', () => {
    const w = regularGridWeights(50, 50, 'queen');
    const x = Array.from({ length: 2500 }, (_, i) => (i * 7919) % 13);
    const calls: [number, number][] = [];
    const a = localMoran(x, w, { permutations: 99, seed: 3, onProgress: (d, t) => calls.push([d, t]) });
    const b = localMoran(x, w, { permutations: 99, seed: 3 });
    expect(calls).toEqual([[1024, 2500], [2048, 2500], [2500, 2500]]);
    expect(Array.from(a.pPermutation!)).toEqual(Array.from(b.pPermutation!));
  });
});
