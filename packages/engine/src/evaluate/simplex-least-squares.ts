/**
 * Least squares with weights on the simplex: minimise || y - sum_j w_j d_j ||^2 subject to w_j >= 0
 * and sum_j w_j = 1, solved exactly by a primal active-set method on the quadratic program
 * (1/2) w'Qw - c'w, Q = D D', c = D y.
 *
 * Answers: the synthetic-control weights (which mix of donor areas best reproduces the treated
 * area's pre-period series). Units: weights are shares (sum 1).
 * Complexity: each iteration solves a KKT system of the free set, O(J^3); the number of iterations is
 * at most a few times J. J (donor areas) is tens, so microseconds to milliseconds.
 * How to read: `kktViolation` is the largest violated optimality condition (0 at the exact optimum);
 * when donors are collinear (more donors than pre-period months) the optimum value is unique but the
 * weights may not be, and a tiny ridge (1e-10 of the mean diagonal) picks one.
 * References: Nocedal and Wright (2006), Numerical Optimization, 2nd ed., algorithm 16.3; Abadie,
 * Diamond and Hainmueller (2010), JASA 105. Checked against R quadprog::solve.QP
 * (scripts/reference/evaluate-reference.R).
 */
import { BaseeratError } from '../domain/errors.js';

/** Solves the dense linear system A z = b (A k x k row-major) by Gaussian elimination with partial pivoting. */
function solveLinear(A: Float64Array, b: Float64Array, k: number): Float64Array | null {
  const m = Float64Array.from(A), v = Float64Array.from(b);
  for (let c = 0; c < k; c++) {
    let piv = c, best = Math.abs(m[c * k + c]!);
    for (let r = c + 1; r < k; r++) if (Math.abs(m[r * k + c]!) > best) { best = Math.abs(m[r * k + c]!); piv = r; }
    if (!(best > 1e-300)) return null;
    if (piv !== c) {
      for (let j = 0; j < k; j++) { const tmp = m[c * k + j]!; m[c * k + j] = m[piv * k + j]!; m[piv * k + j] = tmp; }
      const tv = v[c]!; v[c] = v[piv]!; v[piv] = tv;
    }
    for (let r = c + 1; r < k; r++) {
      const f = m[r * k + c]! / m[c * k + c]!;
      if (f === 0) continue;
      for (let j = c; j < k; j++) m[r * k + j]! -= f * m[c * k + j]!;
      v[r]! -= f * v[c]!;
    }
  }
  const z = new Float64Array(k);
  for (let r = k - 1; r >= 0; r--) {
    let s = v[r]!;
    for (let j = r + 1; j < k; j++) s -= m[r * k + j]! * z[j]!;
    z[r] = s / m[r * k + r]!;
  }
  return z;
}

export interface SimplexLeastSquaresResult {
  weights: Float64Array;
  /** Sum of squared residuals at the solution. */
  residualSumOfSquares: number;
  iterations: number;
  kktViolation: number;
}

/**
 * `donors` is J x L row-major (donor j's series in row j), `target` has length L.
 */
export function simplexLeastSquares(donors: Float64Array, J: number, target: ArrayLike<number>, maxIterations = 1000): SimplexLeastSquaresResult {
  const L = target.length;
  if (!Number.isInteger(J) || J < 1) throw new BaseeratError('VALIDATION', `J is ${J}, expected at least one donor`, { field: 'donors' });
  if (donors.length !== J * L) throw new BaseeratError('VALIDATION', `donors has ${donors.length} entries, expected J * L = ${J} * ${L}`, { field: 'donors' });
  for (let i = 0; i < donors.length; i++) if (!Number.isFinite(donors[i]!)) throw new BaseeratError('VALIDATION', `donors[${i}] is ${donors[i]}`, { field: 'donors' });
  for (let t = 0; t < L; t++) if (!Number.isFinite(target[t]!)) throw new BaseeratError('VALIDATION', `target[${t}] is ${target[t]}`, { field: 'target' });
  const Q = new Float64Array(J * J), c = new Float64Array(J);
  for (let a = 0; a < J; a++) {
    for (let t = 0; t < L; t++) c[a]! += donors[a * L + t]! * target[t]!;
    for (let b = 0; b <= a; b++) {
      let s = 0;
      for (let t = 0; t < L; t++) s += donors[a * L + t]! * donors[b * L + t]!;
      Q[a * J + b] = s; Q[b * J + a] = s;
    }
  }
  let trace = 0;
  for (let a = 0; a < J; a++) trace += Q[a * J + a]!;
  const ridge = 1e-10 * (trace / J > 0 ? trace / J : 1);
  for (let a = 0; a < J; a++) Q[a * J + a]! += ridge;

  const w = new Float64Array(J).fill(1 / J);
  const free = new Array<boolean>(J).fill(true);
  let iterations = 0, nu = 0;
  const scale = Math.max(1e-300, ...Array.from(c, Math.abs), trace / J);
  const tol = 1e-12 * scale;
  for (; iterations < maxIterations; iterations++) {
    const F: number[] = [];
    for (let j = 0; j < J; j++) if (free[j]) F.push(j);
    const k = F.length + 1;
    const K = new Float64Array(k * k), rhs = new Float64Array(k);
    for (let a = 0; a < F.length; a++) {
      for (let b = 0; b < F.length; b++) K[a * k + b] = Q[F[a]! * J + F[b]!]!;
      K[a * k + F.length] = 1; K[F.length * k + a] = 1;
      rhs[a] = c[F[a]!]!;
    }
    rhs[F.length] = 1;
    const z = solveLinear(K, rhs, k);
    if (z === null) throw new BaseeratError('DEGENERATE_INPUT', 'simplex least squares: singular KKT system', { field: 'donors' });
    let blocking = -1, alpha = 1;
    for (let a = 0; a < F.length; a++) {
      const j = F[a]!, target_ = z[a]!;
      if (target_ < 0) {
        const step = w[j]! / (w[j]! - target_);
        if (step < alpha) { alpha = step; blocking = j; }
      }
    }
    if (blocking < 0) {
      for (let a = 0; a < F.length; a++) w[F[a]!] = z[a]!;
      nu = z[F.length]!;
      // Multipliers of the bound constraints: mu_j = (Qw - c)_j + nu must be >= 0.
      let worst = -1, worstMu = -tol;
      for (let j = 0; j < J; j++) {
        if (free[j]) continue;
        let g = -c[j]!;
        for (let b = 0; b < J; b++) g += Q[j * J + b]! * w[b]!;
        if (g + nu < worstMu) { worstMu = g + nu; worst = j; }
      }
      if (worst < 0) break;
      free[worst] = true;
    } else {
      for (let a = 0; a < F.length; a++) { const j = F[a]!; w[j] = w[j]! + alpha * (z[a]! - w[j]!); }
      w[blocking] = 0;
      free[blocking] = false;
      for (let j = 0; j < J; j++) if (free[j] && w[j]! <= 0) { w[j] = 0; free[j] = false; }
    }
  }
  let sum = 0;
  for (let j = 0; j < J; j++) { if (w[j]! < 0) w[j] = 0; sum += w[j]!; }
  for (let j = 0; j < J; j++) w[j]! /= sum;
  let rss = 0;
  for (let t = 0; t < L; t++) {
    let s = target[t]!;
    for (let j = 0; j < J; j++) s -= w[j]! * donors[j * L + t]!;
    rss += s * s;
  }
  let kkt = 0;
  for (let j = 0; j < J; j++) {
    let g = -c[j]!;
    for (let b = 0; b < J; b++) g += Q[j * J + b]! * w[b]!;
    const v = w[j]! > 0 ? Math.abs(g + nu) : Math.max(0, -(g + nu));
    kkt = Math.max(kkt, v / scale);
  }
  return { weights: w, residualSumOfSquares: rss, iterations, kktViolation: kkt };
}
