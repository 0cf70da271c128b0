/**
 * Exact maximal covering for small instances, by depth-first branch and bound (no external solver).
 *
 * What it answers: the largest covered weight any feasible plan of K units can reach (same
 * constraints as the greedy: mandatory, excluded, per-district minimums), and one plan reaching
 * it. Used to check the greedy plan and to quote its gap on a real instance.
 * Method: the free sites are ordered by their stand-alone weight (largest first) and each is
 * either included or excluded. Upper bound at a node: covered weight so far plus the sum of the r
 * largest current marginal gains among the sites still undecided (r = units left). It is valid
 * because covered weight is submodular: r more sites add at most the sum of their individual
 * marginal gains. Nodes whose bound does not beat the incumbent (seeded with the greedy plan) are
 * cut, and so are nodes that can no longer meet a district minimum.
 * Complexity: exponential in the worst case (at most C(n, K) leaves); fine for n ≤ ~30 sites and
 * K ≤ 6, often much larger when coverage is local. `maxNodes` caps the work: if reached, the best
 * plan found is returned with `provenOptimal: false` and a caveat.
 * How to read the result: when `provenOptimal` is true no feasible plan covers more (ties are
 * possible: another plan may cover the same weight).
 * References: Church and ReVelle (1974) formulate the problem as an integer programme; the
 * bound is the standard submodular one (Nemhauser, Wolsey and Fisher 1978). Checked against
 * Python's itertools.combinations brute force and R lpSolve's integer programme in
 * `scripts/reference/allocation-brute-force.py` and `scripts/reference/allocation-lpsolve.R`.
 */
import { caveat } from '../domain/caveats.js';
import { resolveConstraints, type AllocationProblem } from './allocation-constraints.js';
import { coveredWeight } from './coverage-matrix.js';
import { finishPlan, greedyMaximalCoverage, type AllocationPlan } from './maximal-coverage-greedy.js';

export interface ExactAllocationPlan extends AllocationPlan {
  provenOptimal: boolean;
  /** Branch-and-bound nodes visited. */
  nodes: number;
}

export interface ExactOptions {
  /** Node budget (default 5,000,000). */
  maxNodes?: number;
}

export function exactMaximalCoverage(problem: AllocationProblem, options: ExactOptions = {}): ExactAllocationPlan {
  const r = resolveConstraints(problem);
  const { matrix } = problem;
  const maxNodes = options.maxNodes ?? 5_000_000;
  // Cover counts rather than flags, so that un-choosing a site on backtrack is exact.
  const count = new Int32Array(matrix.nDemand);
  let value = 0;
  const add = (i: number): void => {
    for (const j of matrix.covers[i]!) {
      const c = count[j]!;
      count[j] = c + 1;
      if (c === 0) value += matrix.weights[j]!;
    }
  };
  const remove = (i: number): void => {
    for (const j of matrix.covers[i]!) {
      const c = count[j]! - 1;
      count[j] = c;
      if (c === 0) value -= matrix.weights[j]!;
    }
  };
  const gainOf = (i: number): number => {
    let g = 0;
    for (const j of matrix.covers[i]!) if (count[j] === 0) g += matrix.weights[j]!;
    return g;
  };
  for (const i of r.mandatory) add(i);
  const order: number[] = [];
  for (let i = 0; i < matrix.nSites; i++) if (r.free[i] === 1) order.push(i);
  const solo = new Float64Array(matrix.nSites);
  for (const i of order) solo[i] = gainOf(i);
  order.sort((a, b) => solo[b]! - solo[a]! || a - b);
  const n = order.length;
  const nd = r.districts.length;
  // suffix[p * nd + d]: free sites of district d at positions >= p of `order`.
  const suffix = new Int32Array((n + 1) * nd);
  for (let p = n - 1; p >= 0; p--) {
    for (let d = 0; d < nd; d++) suffix[p * nd + d] = suffix[(p + 1) * nd + d]!;
    const d = r.districtOf[order[p]!]!;
    if (d >= 0) suffix[p * nd + d] = suffix[p * nd + d]! + 1;
  }
  const deficit = Int32Array.from(r.deficit);
  let owed = deficit.reduce((a, b) => a + b, 0);
  const feasible = (p: number, left: number): boolean => {
    if (owed > left || n - p < left) return false;
    for (let d = 0; d < nd; d++) if (deficit[d]! > suffix[p * nd + d]!) return false;
    return true;
  };

  const greedy = greedyMaximalCoverage(problem);
  let best = greedy.coveredWeight;
  let bestPlan = greedy.sites.filter((i) => r.free[i] === 1);
  // Tolerance on bound comparisons: float sums in different orders differ in the last bits.
  const eps = 1e-9 * Math.max(1, matrix.totalWeight);
  const chosen: number[] = [];
  let nodes = 0;
  let exhausted = false;
  const gains: number[] = [];

  const search = (p: number, left: number): void => {
    if (exhausted) return;
    if (++nodes > maxNodes) {
      exhausted = true;
      return;
    }
    if (left === 0) {
      if (value > best + eps) {
        best = value;
        bestPlan = [...chosen];
      }
      return;
    }
    gains.length = 0;
    for (let q = p; q < n; q++) gains.push(gainOf(order[q]!));
    gains.sort((a, b) => b - a);
    let bound = value;
    for (let k = 0; k < left && k < gains.length; k++) bound += gains[k]!;
    if (bound <= best + eps) return;
    const i = order[p]!;
    const d = r.districtOf[i]!;
    const paysDebt = d >= 0 && deficit[d]! > 0;
    add(i);
    chosen.push(i);
    if (paysDebt) { deficit[d] = deficit[d]! - 1; owed--; }
    if (feasible(p + 1, left - 1)) search(p + 1, left - 1);
    if (paysDebt) { deficit[d] = deficit[d]! + 1; owed++; }
    chosen.pop();
    remove(i);
    if (feasible(p + 1, left)) search(p + 1, left);
  };
  const slots = r.units - r.mandatory.length;
  if (feasible(0, slots)) search(0, slots);
  const sites = [...r.mandatory, ...[...bestPlan].sort((a, b) => a - b)];
  const extra = exhausted ? [caveat('allocation.exact-budget', `node budget of ${maxNodes} reached: the plan is the best found, not proven optimal`, maxNodes)] : [];
  const plan = finishPlan(problem, r, sites, coveredWeight(matrix, sites), extra);
  // The greedy guarantee caveat does not concern the exact plan.
  plan.caveats = plan.caveats.filter((c) => c.code !== 'allocation.district-minimums');
  return { ...plan, provenOptimal: !exhausted, nodes };
}
