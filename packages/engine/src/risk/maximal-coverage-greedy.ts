/**
 * Greedy maximal covering: post K units one at a time, each where it covers the most
 * not-yet-covered harm.
 *
 * What it answers: where to post K units (one per candidate site) so that the total weight of the
 * demand points within reach of at least one unit is as large as possible, with mandatory sites,
 * excluded sites and per-district minimums respected.
 * Guarantee: covered weight is a monotone submodular set function, so without district minimums
 * the greedy plan covers at least (1 - 1/e) ≈ 63.2% of the optimum (Nemhauser, Wolsey and Fisher
 * 1978); with mandatory sites the same holds for the weight added beyond them, hence for the total.
 * With district minimums no such bound is claimed (the feasible plans are no longer the bases of
 * a uniform matroid); `exactMaximalCoverage` gives the optimum on small instances.
 * How constraints are met: mandatory sites are placed first (steps marked 'mandatory'). Then, at
 * each step, if the free slots left equal the units still owed to districts below their minimum,
 * the step may only choose among sites of those districts ('district-minimum'); otherwise it
 * chooses among all eligible sites ('greedy'). A choice in an owing district pays off one owed
 * unit, so the owed total never exceeds the slots left and every minimum is met; the plan is the
 * greedy one until the minimums bind, then the greedy one within the owing districts.
 * Complexity: lazy evaluation (Minoux 1978): marginal gains only shrink as units are added, so a
 * stale gain is an upper bound; sites sit in a max-heap by their last computed gain and only the
 * top is recomputed. Worst case O(K × sites × cover size), typically far less.
 * How to read the result: `steps[k].marginalGain` is the harm newly covered by the k-th unit
 * (non-increasing over the 'greedy' steps); `coveredWeight / totalWeight` is the share of all harm
 * within reach. Ties go to the lower site index, so the plan is deterministic.
 * References: G. L. Nemhauser, L. A. Wolsey and M. L. Fisher (1978), "An analysis of
 * approximations for maximizing submodular set functions I", Mathematical Programming 14;
 * M. Minoux (1978), "Accelerated greedy algorithms for maximizing submodular set functions";
 * R. Church and C. ReVelle (1974); K. M. Curtin, K. Hayslett-McCall and F. Qiu (2010),
 * "Determining optimal police patrol areas with maximal covering and backup covering location
 * models", Networks and Spatial Economics 10.
 */
import { caveat, type Caveat } from '../domain/caveats.js';
import { resolveConstraints, type AllocationProblem, type ResolvedConstraints } from './allocation-constraints.js';
import type { CoverageMatrix } from './coverage-matrix.js';

export type AllocationStepReason = 'mandatory' | 'greedy' | 'district-minimum';

export interface AllocationStep {
  siteIndex: number;
  siteId: string;
  marginalGain: number;
  reason: AllocationStepReason;
}

export interface AllocationPlan {
  /** Chosen site indices, in the order they were placed (exact solver: mandatory first, then ascending). */
  sites: number[];
  siteIds: string[];
  coveredWeight: number;
  totalWeight: number;
  /** coveredWeight / totalWeight, 0 when there is no demand. */
  coveredShare: number;
  caveats: Caveat[];
}

export interface GreedyAllocationPlan extends AllocationPlan {
  steps: AllocationStep[];
}

/** Max-heap of site indices by (gain desc, index asc). */
class GainHeap {
  private readonly items: number[] = [];
  constructor(private readonly gain: Float64Array) {}
  get size(): number { return this.items.length; }
  private before(a: number, b: number): boolean {
    const ga = this.gain[a]!, gb = this.gain[b]!;
    return ga > gb || (ga === gb && a < b);
  }
  push(i: number): void {
    const h = this.items;
    h.push(i);
    let k = h.length - 1;
    while (k > 0) {
      const p = (k - 1) >> 1;
      if (!this.before(h[k]!, h[p]!)) break;
      [h[k], h[p]] = [h[p]!, h[k]!];
      k = p;
    }
  }
  pop(): number | undefined {
    const h = this.items;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last !== undefined) {
      h[0] = last;
      let k = 0;
      for (;;) {
        const l = 2 * k + 1, r = l + 1;
        let m = k;
        if (l < h.length && this.before(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.before(h[r]!, h[m]!)) m = r;
        if (m === k) break;
        [h[k], h[m]] = [h[m]!, h[k]!];
        k = m;
      }
    }
    return top;
  }
}

function marginal(matrix: CoverageMatrix, covered: Uint8Array, i: number): number {
  let g = 0;
  for (const j of matrix.covers[i]!) if (covered[j] === 0) g += matrix.weights[j]!;
  return g;
}

function cover(matrix: CoverageMatrix, covered: Uint8Array, i: number): void {
  for (const j of matrix.covers[i]!) covered[j] = 1;
}

/** @internal Shared by the greedy and exact solvers: ids, share, and the caveats every plan carries. */
export function finishPlan(p: AllocationProblem, r: ResolvedConstraints, sites: number[], value: number, extra: Caveat[] = []): AllocationPlan {
  const total = p.matrix.totalWeight;
  const caveats = [...extra];
  if (!(total > 0)) caveats.push(caveat('allocation.no-demand', 'the demand points carry no weight: every plan covers 0'));
  const owed = r.deficit.reduce((a, b) => a + b, 0);
  if (owed > 0) caveats.push(caveat('allocation.district-minimums', `district minimums forced ${owed} units; the (1 - 1/e) greedy guarantee is not claimed under them`, owed));
  return {
    sites,
    siteIds: sites.map((i) => p.sites[i]!.id),
    coveredWeight: value,
    totalWeight: total,
    coveredShare: total > 0 ? value / total : 0,
    caveats,
  };
}

export function greedyMaximalCoverage(problem: AllocationProblem): GreedyAllocationPlan {
  const r = resolveConstraints(problem);
  const { matrix, sites } = problem;
  const covered = new Uint8Array(matrix.nDemand);
  const steps: AllocationStep[] = [];
  let value = 0;
  for (const i of r.mandatory) {
    const g = marginal(matrix, covered, i);
    cover(matrix, covered, i);
    value += g;
    steps.push({ siteIndex: i, siteId: sites[i]!.id, marginalGain: g, reason: 'mandatory' });
  }
  const deficit = Int32Array.from(r.deficit);
  let owed = deficit.reduce((a, b) => a + b, 0);
  const gain = new Float64Array(matrix.nSites);
  const stamp = new Int32Array(matrix.nSites);
  const heap = new GainHeap(gain);
  let round = 0;
  for (let i = 0; i < matrix.nSites; i++) {
    if (r.free[i] === 0) continue;
    gain[i] = marginal(matrix, covered, i);
    heap.push(i);
  }
  for (let slots = r.units - r.mandatory.length; slots > 0; slots--) {
    const restricted = owed > 0 && owed === slots;
    const setAside: number[] = [];
    let chosen = -1;
    while (heap.size > 0) {
      const i = heap.pop()!;
      const d = r.districtOf[i]!;
      if (restricted && (d < 0 || deficit[d]! === 0)) {
        setAside.push(i);
        continue;
      }
      if (stamp[i] !== round) {
        gain[i] = marginal(matrix, covered, i);
        stamp[i] = round;
        heap.push(i);
        continue;
      }
      chosen = i;
      break;
    }
    for (const i of setAside) heap.push(i);
    // resolveConstraints guarantees enough eligible sites in every owing district.
    if (chosen < 0) break;
    const g = gain[chosen]!;
    cover(matrix, covered, chosen);
    value += g;
    round++;
    const d = r.districtOf[chosen]!;
    if (d >= 0 && deficit[d]! > 0) {
      deficit[d] = deficit[d]! - 1;
      owed--;
    }
    steps.push({ siteIndex: chosen, siteId: sites[chosen]!.id, marginalGain: g, reason: restricted ? 'district-minimum' : 'greedy' });
  }
  const plan = finishPlan(problem, r, steps.map((s) => s.siteIndex), value);
  return { ...plan, steps };
}
