/**
 * Differentially private counts by place, period and category, released at several levels of the
 * place hierarchy (total, province, district) and made consistent afterwards.
 *
 * What it answers: "how many incidents per district (and province, and in all) per month and
 * category group", with ε-differential privacy for the presence or absence of any one incident.
 *
 * Privacy accounting, stated: each released level is a table in which one incident is counted in
 * exactly one cell, so one incident changes each table by 1 in one cell (L1 sensitivity 1 per
 * table). Level l gets noise with α_l = exp(-ε_l), and by sequential composition the release costs
 * ε = Σ ε_l. Equal shares are the same as Δ = L (number of levels) with α = exp(-ε / L). The cell
 * domain (provinces, districts, periods, categories) must be public and fixed before the data are
 * read: every cell of it is released, zeros included, because publishing only non-empty cells would
 * reveal which cells are empty.
 *
 * Post-processing (free): weighted least squares over each (period, category) tree so that parents
 * equal the sum of their children, then non-negative integers that keep those sums exactly
 * (hierarchical-consistency.ts).
 *
 * Units: incidents. Complexity: O(cells + records). Reference for the noise: scipy.stats.dlaplace;
 * for the least squares: numpy (see the tests).
 */
import { caveat, type Caveat } from '../domain/caveats.js';
import { BaseeratError } from '../domain/errors.js';
import type { Rng } from '../random/seeded-rng.js';
import { geometricNoiseSummary, sampleTwoSidedGeometric, type GeometricNoiseSummary } from './two-sided-geometric-mechanism.js';
import { leastSquaresOnTree, nonNegativeIntegersOnTree } from './hierarchical-consistency.js';

export const PLACE_LEVELS = ['total', 'province', 'district'] as const;
export type PlaceLevel = (typeof PLACE_LEVELS)[number];

export interface CountDomain {
  provinces: readonly { name: string; districts: readonly string[] }[];
  periods: readonly string[];
  categories: readonly string[];
}

export interface CountRecord {
  province: string;
  district: string;
  period: string;
  category: string;
}

export interface LevelBudget {
  level: PlaceLevel;
  epsilon: number;
}

export interface ReleasedCount {
  level: PlaceLevel;
  /** '' at level total. */
  province: string;
  /** '' at levels total and province. */
  district: string;
  period: string;
  category: string;
  /** The released count: non-negative integer, consistent across levels. */
  count: number;
  /** The raw noisy count before post-processing (kept for measurement; also ε-DP, but not what partners receive). */
  noisy: number;
}

export interface LevelNoise extends GeometricNoiseSummary {
  level: PlaceLevel;
}

export interface HierarchicalCountsRelease {
  rows: ReleasedCount[];
  /** Total privacy cost: Σ of the levels' ε. */
  epsilon: number;
  /** Sensitivity of each level's table (1) and of the whole release in L1 (number of levels). */
  sensitivityPerLevel: 1;
  sensitivityTotal: number;
  levels: LevelNoise[];
  /** Records whose cell is outside the declared domain: not counted. Internal figure, exact: never publish it as is. */
  outOfDomain: number;
  caveats: Caveat[];
}

export interface HierarchicalCountsOptions {
  levels: readonly LevelBudget[];
  rng: Rng;
}

/** Splits ε equally across levels: the default, and the explicit form of Δ = L. */
export function equalLevelBudgets(epsilon: number, levels: readonly PlaceLevel[]): LevelBudget[] {
  if (levels.length === 0) throw new BaseeratError('VALIDATION', 'levels must name at least one of total, province, district', { field: 'levels' });
  return levels.map((level) => ({ level, epsilon: epsilon / levels.length }));
}

export function releaseHierarchicalCounts(records: readonly CountRecord[], domain: CountDomain, options: HierarchicalCountsOptions): HierarchicalCountsRelease {
  const budgets = [...options.levels].sort((a, b) => PLACE_LEVELS.indexOf(a.level) - PLACE_LEVELS.indexOf(b.level));
  if (budgets.length === 0) throw new BaseeratError('VALIDATION', 'levels must name at least one of total, province, district', { field: 'levels' });
  for (let i = 1; i < budgets.length; i++) {
    if (budgets[i]!.level === budgets[i - 1]!.level) throw new BaseeratError('VALIDATION', `level ${budgets[i]!.level} is named twice`, { field: 'levels' });
  }
  if (domain.periods.length === 0 || domain.categories.length === 0 || domain.provinces.length === 0) {
    throw new BaseeratError('VALIDATION', 'the domain needs at least one province, period and category', { field: 'domain' });
  }
  const noise = budgets.map((b) => ({ level: b.level, ...geometricNoiseSummary(b.epsilon, 1) }));
  const has = (l: PlaceLevel) => budgets.some((b) => b.level === l);
  const noiseOf = (l: PlaceLevel) => noise.find((x) => x.level === l)!;

  // One tree per (period, category); the node layout is the same for every tree.
  interface Node { level: PlaceLevel; province: string; district: string; parent: number }
  const layout: Node[] = [];
  const leafOf = new Map<string, number>();
  const seenDistrict = new Set<string>();
  const total = has('total') ? (layout.push({ level: 'total', province: '', district: '', parent: -1 }), 0) : -1;
  for (const p of domain.provinces) {
    let provinceNode = total;
    if (has('province')) { layout.push({ level: 'province', province: p.name, district: '', parent: total }); provinceNode = layout.length - 1; }
    if (has('district')) {
      if (p.districts.length === 0) throw new BaseeratError('VALIDATION', `province ${p.name} has no districts in the domain`, { field: 'domain.provinces' });
      for (const d of p.districts) {
        const key = `${p.name}\u0000${d}`;
        if (seenDistrict.has(key)) throw new BaseeratError('VALIDATION', `district ${d} appears twice in province ${p.name}`, { field: 'domain.provinces' });
        seenDistrict.add(key);
        layout.push({ level: 'district', province: p.name, district: d, parent: provinceNode });
        leafOf.set(key, layout.length - 1);
      }
    } else {
      leafOf.set(p.name, provinceNode);
    }
  }
  const m = layout.length;
  const periodIndex = new Map(domain.periods.map((p, i) => [p, i]));
  const categoryIndex = new Map(domain.categories.map((c, i) => [c, i]));
  const trees = domain.periods.length * domain.categories.length;
  const leafCounts = new Float64Array(trees * m);
  let outOfDomain = 0;
  for (const r of records) {
    const pi = periodIndex.get(r.period);
    const ci = categoryIndex.get(r.category);
    const leaf = has('district') ? leafOf.get(`${r.province}\u0000${r.district}`) : leafOf.get(r.province);
    if (pi === undefined || ci === undefined || leaf === undefined || leaf < 0) { outOfDomain++; continue; }
    const base = (pi * domain.categories.length + ci) * m;
    leafCounts[base + leaf]! += 1;
  }
  // True counts of every node from the leaves up (parents precede children in the layout).
  const trueCounts = leafCounts;
  for (let t = 0; t < trees; t++) {
    const base = t * m;
    for (let i = m - 1; i >= 0; i--) { const p = layout[i]!.parent; if (p >= 0) trueCounts[base + p]! += trueCounts[base + i]!; }
  }

  const parent = new Int32Array(m);
  const variance = new Float64Array(m);
  const alphaOf = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const nd = layout[i]!;
    parent[i] = nd.parent;
    const s = noiseOf(nd.level);
    variance[i] = s.variance;
    alphaOf[i] = s.alpha;
  }
  const rows: ReleasedCount[] = [];
  const noisy = new Float64Array(m);
  for (let pi = 0; pi < domain.periods.length; pi++) {
    for (let ci = 0; ci < domain.categories.length; ci++) {
      const base = (pi * domain.categories.length + ci) * m;
      for (let i = 0; i < m; i++) noisy[i] = trueCounts[base + i]! + sampleTwoSidedGeometric(options.rng, alphaOf[i]!);
      const ls = leastSquaresOnTree({ parent, value: noisy, variance });
      const released = nonNegativeIntegersOnTree(parent, ls);
      for (let i = 0; i < m; i++) {
        const nd = layout[i]!;
        rows.push({ level: nd.level, province: nd.province, district: nd.district, period: domain.periods[pi]!, category: domain.categories[ci]!, count: released[i]!, noisy: noisy[i]! });
      }
    }
  }
  const epsilon = budgets.reduce((s, b) => s + b.epsilon, 0);
  const caveats: Caveat[] = [
    caveat('DP_NOISE', `counts carry two-sided geometric noise (total epsilon ${epsilon}); small counts, zeros included, are not exact`),
  ];
  // Stated whether or not it happened: a caveat that appears only when outOfDomain > 0 would leak a bit.
  caveats.push(caveat('OUT_OF_DOMAIN', 'incidents outside the declared places, periods or categories (no province, say) are not counted'));
  return { rows, epsilon, sensitivityPerLevel: 1, sensitivityTotal: budgets.length, levels: noise, outOfDomain, caveats };
}
