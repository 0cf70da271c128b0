/**
 * Hierarchical consistency: the two-pass tree least squares against a dense GLS solve in numpy
 * (scripts/reference/privacy-tree-least-squares.py), and the invariants of the non-negative integer
 * step and of a whole release (fast-check, fixed seed).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SeededRng } from '../../src/random/index.js';
import {
  equalLevelBudgets, geometricNoiseSummary, leastSquaresOnTree, nonNegativeIntegersOnTree, projectRoundToTotal,
  releaseHierarchicalCounts, type CountDomain, type CountRecord,
} from '../../src/privacy/index.js';
import { treeReference } from './fixtures.js';

describe('leastSquaresOnTree against numpy GLS', () => {
  for (const c of treeReference()) {
    it(c.name, () => {
      const variance = c.variance.map((v) => (v === 'Infinity' ? Infinity : v));
      const x = leastSquaresOnTree({ parent: c.parent, value: c.value, variance });
      c.estimate.forEach((e, i) => expect(Math.abs(x[i]! - e)).toBeLessThan(1e-9 * Math.max(1, Math.abs(e))));
    });
  }
  it('rejects a child before its parent and an unobserved leaf', () => {
    expect(() => leastSquaresOnTree({ parent: [1, -1], value: [1, 1], variance: [1, 1] })).toThrow(/parent\[0\]/);
    expect(() => leastSquaresOnTree({ parent: [-1, 0], value: [1, 1], variance: [1, Infinity] })).toThrow(/leaf 1/);
  });
});

describe('projectRoundToTotal and nonNegativeIntegersOnTree', () => {
  it('integers >= 0 that sum to the total, for any input (property)', () => {
    fc.assert(fc.property(
      fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: 1, maxLength: 12 }), fc.integer({ min: 0, max: 200 }),
      (xs, total) => {
        const y = projectRoundToTotal(xs, total);
        expect(y.reduce((s, v) => s + v, 0)).toBe(total);
        expect(y.every((v) => v >= 0)).toBe(true);
      },
    ), { seed: 11, numRuns: 300 });
  });
  it('keeps integer estimates that already satisfy the constraints', () => {
    expect(Array.from(projectRoundToTotal([3, 0, 5], 8))).toEqual([3, 0, 5]);
    expect(Array.from(nonNegativeIntegersOnTree([-1, 0, 0, 1, 1], [9, 4, 5, 1, 3]))).toEqual([9, 4, 5, 1, 3]);
  });
  it('a negative estimate is clipped to 0 and its siblings pay for it', () => {
    expect(Array.from(projectRoundToTotal([-2, 4, 6], 8))).toEqual([0, 3, 5]);
  });
});

const domain: CountDomain = {
  provinces: [
    { name: 'A', districts: ['a1', 'a2', 'a3'] },
    { name: 'B', districts: ['b1', 'b2'] },
  ],
  periods: ['2020-01', '2020-02'],
  categories: ['terrorism', 'crime'],
};
const recordArb = fc.record({
  pd: fc.constantFrom(['A', 'a1'], ['A', 'a2'], ['A', 'a3'], ['B', 'b1'], ['B', 'b2'], ['C', 'c1']),
  period: fc.constantFrom('2020-01', '2020-02', '2021-01'),
  category: fc.constantFrom('terrorism', 'crime'),
}).map((r): CountRecord => ({ province: r.pd[0]!, district: r.pd[1]!, period: r.period, category: r.category }));

describe('releaseHierarchicalCounts', () => {
  it('every cell of the domain, non-negative integers, province = Σ districts, total = Σ provinces (property)', () => {
    fc.assert(fc.property(fc.array(recordArb, { maxLength: 60 }), fc.integer(), fc.constantFrom(0.1, 1, 5), (records, seed, eps) => {
      const r = releaseHierarchicalCounts(records, domain, { levels: equalLevelBudgets(eps, ['total', 'province', 'district']), rng: new SeededRng(seed) });
      expect(r.rows.length).toBe(2 * 2 * (1 + 2 + 5));
      expect(r.epsilon).toBeCloseTo(eps, 12);
      expect(r.sensitivityTotal).toBe(3);
      for (const row of r.rows) expect(Number.isInteger(row.count) && row.count >= 0).toBe(true);
      for (const period of domain.periods) for (const category of domain.categories) {
        const cell = r.rows.filter((x) => x.period === period && x.category === category);
        const total = cell.find((x) => x.level === 'total')!.count;
        const provinces = cell.filter((x) => x.level === 'province');
        expect(provinces.reduce((s, x) => s + x.count, 0)).toBe(total);
        for (const p of provinces) {
          expect(cell.filter((x) => x.level === 'district' && x.province === p.province).reduce((s, x) => s + x.count, 0)).toBe(p.count);
        }
      }
      expect(r.outOfDomain).toBe(records.filter((x) => x.province === 'C' || x.period === '2021-01').length);
    }), { seed: 42, numRuns: 60 });
  });

  it('the raw noise of each level matches that level\'s ε share (ε 1 split over province and district)', () => {
    // 4 provinces x 25 districts x 12 months x 4 groups = 4,800 district cells, 192 province cells per draw.
    const provinces = Array.from({ length: 4 }, (_, p) => ({ name: `P${p}`, districts: Array.from({ length: 25 }, (_, d) => `P${p}D${d}`) }));
    const periods = Array.from({ length: 12 }, (_, m) => `2020-${String(m + 1).padStart(2, '0')}`);
    const categories = ['terrorism', 'crime', 'public_order', 'security_operations'];
    const rng = new SeededRng('true-counts');
    const records: CountRecord[] = [];
    for (let i = 0; i < 20_000; i++) {
      const p = provinces[Math.floor(rng.next() * 4)]!;
      records.push({ province: p.name, district: p.districts[Math.floor(rng.next() * 25)]!, period: periods[Math.floor(rng.next() * 12)]!, category: categories[Math.floor(rng.next() * 4)]! });
    }
    const truth = new Map<string, number>();
    const key = (l: string, p: string, d: string, m: string, c: string) => `${l}|${p}|${d}|${m}|${c}`;
    for (const r of records) {
      truth.set(key('district', r.province, r.district, r.period, r.category), (truth.get(key('district', r.province, r.district, r.period, r.category)) ?? 0) + 1);
      truth.set(key('province', r.province, '', r.period, r.category), (truth.get(key('province', r.province, '', r.period, r.category)) ?? 0) + 1);
    }
    const levelErr = { province: { abs: 0, n: 0 }, district: { abs: 0, n: 0 } };
    for (let draw = 0; draw < 10; draw++) {
      const rel = releaseHierarchicalCounts(records, { provinces, periods, categories }, { levels: equalLevelBudgets(1, ['province', 'district']), rng: new SeededRng(`draw-${draw}`) });
      for (const row of rel.rows) {
        const e = levelErr[row.level as 'province' | 'district'];
        e.abs += Math.abs(row.noisy - (truth.get(key(row.level, row.province, row.district, row.period, row.category)) ?? 0));
        e.n++;
      }
    }
    const theory = geometricNoiseSummary(0.5, 1); // each level has ε 0.5
    const sdAbs = Math.sqrt(theory.variance - theory.expectedAbsoluteError ** 2);
    for (const level of ['province', 'district'] as const) {
      const e = levelErr[level];
      expect(Math.abs(e.abs / e.n - theory.expectedAbsoluteError)).toBeLessThan((4 * sdAbs) / Math.sqrt(e.n));
    }
  });

  it('refuses a level named twice, an empty domain, and a province without districts', () => {
    const rng = new SeededRng(1);
    expect(() => releaseHierarchicalCounts([], domain, { levels: [{ level: 'district', epsilon: 1 }, { level: 'district', epsilon: 1 }], rng })).toThrow(/twice/);
    expect(() => releaseHierarchicalCounts([], { ...domain, periods: [] }, { levels: equalLevelBudgets(1, ['district']), rng })).toThrow(/domain/);
    expect(() => releaseHierarchicalCounts([], { ...domain, provinces: [{ name: 'X', districts: [] }] }, { levels: equalLevelBudgets(1, ['district']), rng })).toThrow(/no districts/);
  });
});
