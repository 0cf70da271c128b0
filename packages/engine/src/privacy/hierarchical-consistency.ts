/**
 * Consistency of noisy counts released at several levels of a hierarchy (province and its
 * districts, say): every parent must equal the sum of its children, and every count must be a
 * non-negative integer. Post-processing only reads the noisy counts, so it costs no privacy.
 *
 * Step 1, `leastSquaresOnTree`: the weighted least-squares estimate subject to parent = sum of
 * children (Hay, Rastogi, Miklau and Suciu 2010, "Boosting the accuracy of differentially private
 * histograms through consistency", PVLDB 3; their closed form is the equal-variance case). With
 * independent noise of variance σ²_v per node it is computed exactly in two passes: upwards, each
 * node combines its own observation with the sum of its children's estimates by inverse-variance
 * weighting; downwards, the difference between a parent's final value and its children's sum is
 * shared among the children in proportion to their variances. Nodes may be unobserved (variance
 * Infinity) as long as every leaf is observed.
 *
 * Step 2, `nonNegativeIntegersOnTree`: top down, the root is rounded to max(0, round(x)); the
 * children of a node with integer total T are projected onto {y >= 0, Σ y = T} (Euclidean
 * projection onto the scaled simplex, Duchi, Shalev-Shwartz, Singer and Chandra 2008) and rounded
 * by largest remainder, so the integers still add up to T exactly. Clipping at zero biases small
 * counts upwards less than plain rounding would, but it is a bias: read the manifest's errors.
 *
 * Units: counts. Complexity: O(n) for least squares, O(n log b) for the projection (b = children
 * per node). Checked against a dense generalised least-squares solution computed with numpy
 * (scripts/reference/privacy-tree-least-squares.py).
 */
import { BaseeratError } from '../domain/errors.js';

export interface CountTree {
  /** Parent index of each node, -1 for a root; a parent always comes before its children. */
  parent: ArrayLike<number>;
  /** Observed (noisy) value of each node; ignored where the variance is Infinity. */
  value: ArrayLike<number>;
  /** Noise variance of each node's observation, > 0; Infinity when the node was not observed. */
  variance: ArrayLike<number>;
}

function checkTree(tree: CountTree): number {
  const n = tree.parent.length;
  if (tree.value.length !== n || tree.variance.length !== n) {
    throw new BaseeratError('VALIDATION', `tree arrays differ in length: parent ${n}, value ${tree.value.length}, variance ${tree.variance.length}`, { field: 'tree' });
  }
  for (let i = 0; i < n; i++) {
    const p = tree.parent[i]!;
    if (!(p === -1 || (Number.isInteger(p) && p >= 0 && p < i))) {
      throw new BaseeratError('VALIDATION', `parent[${i}] must be -1 or an earlier node, got ${p}`, { field: `parent[${i}]` });
    }
    const v = tree.variance[i]!;
    if (!(v > 0)) throw new BaseeratError('VALIDATION', `variance[${i}] must be > 0 (Infinity when unobserved), got ${v}`, { field: `variance[${i}]` });
    if (Number.isFinite(v) && !Number.isFinite(tree.value[i]!)) {
      throw new BaseeratError('VALIDATION', `value[${i}] must be finite for an observed node, got ${tree.value[i]}`, { field: `value[${i}]` });
    }
  }
  return n;
}

/** Weighted least-squares estimates that satisfy parent = Σ children at every node. */
export function leastSquaresOnTree(tree: CountTree): Float64Array {
  const n = checkTree(tree);
  const z = new Float64Array(n);
  const zVar = new Float64Array(n);
  const childSum = new Float64Array(n);
  const childVar = new Float64Array(n);
  const hasChildren = new Uint8Array(n);
  for (let i = 0; i < n; i++) { const p = tree.parent[i]!; if (p >= 0) hasChildren[p] = 1; }
  for (let i = n - 1; i >= 0; i--) {
    const v = tree.variance[i]!;
    const observed = Number.isFinite(v);
    if (hasChildren[i] === 0) {
      if (!observed) throw new BaseeratError('VALIDATION', `leaf ${i} must be observed (finite variance)`, { field: `variance[${i}]` });
      z[i] = tree.value[i]!;
      zVar[i] = v;
    } else {
      const precision = (observed ? 1 / v : 0) + 1 / childVar[i]!;
      z[i] = ((observed ? tree.value[i]! / v : 0) + childSum[i]! / childVar[i]!) / precision;
      zVar[i] = 1 / precision;
    }
    const p = tree.parent[i]!;
    if (p >= 0) {
      childSum[p] = childSum[p]! + z[i]!;
      childVar[p] = childVar[p]! + zVar[i]!;
    }
  }
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const p = tree.parent[i]!;
    x[i] = p < 0 ? z[i]! : z[i]! + (zVar[i]! / childVar[p]!) * (x[p]! - childSum[p]!);
  }
  return x;
}

/**
 * Euclidean projection of `x` onto {y >= 0, Σ y = total} (total >= 0), then largest-remainder
 * rounding to integers with the same sum; ties go to the earlier index so the result is deterministic.
 */
export function projectRoundToTotal(x: ArrayLike<number>, total: number): Int32Array {
  const b = x.length;
  if (!Number.isInteger(total) || total < 0) throw new BaseeratError('VALIDATION', `total must be a non-negative integer, got ${total}`, { field: 'total' });
  const out = new Int32Array(b);
  if (b === 0) {
    if (total !== 0) throw new BaseeratError('VALIDATION', `cannot share a total of ${total} among no children`, { field: 'total' });
    return out;
  }
  if (total === 0) return out;
  // theta such that Σ max(x - theta, 0) = total (Duchi et al. 2008, sort-based).
  const sorted = Array.from(x, Number).sort((a, c) => c - a);
  let cum = 0;
  let theta = 0;
  for (let j = 0; j < b; j++) {
    cum += sorted[j]!;
    const t = (cum - total) / (j + 1);
    if (j === b - 1 || sorted[j + 1]! <= t) { theta = t; break; }
  }
  const y = new Float64Array(b);
  let floorSum = 0;
  for (let i = 0; i < b; i++) {
    y[i] = Math.max(x[i]! - theta, 0);
    out[i] = Math.floor(y[i]! + 1e-9);
    floorSum += out[i]!;
  }
  let remaining = total - floorSum;
  if (remaining > 0) {
    const order = Array.from({ length: b }, (_, i) => i).sort((a, c) => (y[c]! - out[c]!) - (y[a]! - out[a]!) || a - c);
    for (let j = 0; remaining > 0; j = (j + 1) % b, remaining--) out[order[j]!]! += 1;
  } else if (remaining < 0) {
    // Only through the 1e-9 guard on values a hair below an integer: take back from the smallest remainders.
    const order = Array.from({ length: b }, (_, i) => i).filter((i) => out[i]! > 0).sort((a, c) => (y[a]! - out[a]!) - (y[c]! - out[c]!) || a - c);
    for (let j = 0; remaining < 0; j++, remaining++) out[order[j]!]! -= 1;
  }
  return out;
}

/** Non-negative integers, top down, each parent exactly the sum of its children (see the file comment). */
export function nonNegativeIntegersOnTree(parent: ArrayLike<number>, estimate: ArrayLike<number>): Int32Array {
  const n = parent.length;
  if (estimate.length !== n) throw new BaseeratError('VALIDATION', `estimate has ${estimate.length} nodes, parent ${n}`, { field: 'estimate' });
  const childStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) { const p = parent[i]!; if (p >= 0) childStart[p + 1]! += 1; }
  for (let i = 0; i < n; i++) childStart[i + 1] = childStart[i + 1]! + childStart[i]!;
  const children = new Int32Array(childStart[n]!);
  const fill = childStart.slice(0, n);
  for (let i = 0; i < n; i++) { const p = parent[i]!; if (p >= 0) children[fill[p]!++] = i; }
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (parent[i]! < 0) out[i] = Math.max(0, Math.round(estimate[i]!));
    const from = childStart[i]!, to = childStart[i + 1]!;
    if (to === from) continue;
    const xs = new Float64Array(to - from);
    for (let j = from; j < to; j++) xs[j - from] = estimate[children[j]!]!;
    const ys = projectRoundToTotal(xs, out[i]!);
    for (let j = from; j < to; j++) out[children[j]!] = ys[j - from]!;
  }
  return out;
}
