/**
 * Small dense linear algebra for the GLM kernels: Cholesky factorisation of a symmetric positive
 * definite matrix, solves with it, and the inverse. Matrices are row-major Float64Array, p x p.
 *
 * Answers: "solve (X'WX) b = X'Wz" and "what is (X'WX)^-1" for the few (p < 50) coefficients of a
 * regression. Complexity O(p^3) per factorisation, O(p^2) per solve. Throws an
 * InsufficientDataError when the matrix is not positive definite (a column that is constant zero,
 * two collinear covariates): the caller's design cannot identify its coefficients.
 * Reference: Golub and Van Loan, Matrix Computations, 4th ed., algorithm 4.2.1.
 */
import { InsufficientDataError } from '../domain/errors.js';

/** Lower-triangular L with A = L L', row-major. */
export function choleskyFactor(a: Float64Array, p: number): Float64Array {
  const l = new Float64Array(p * p);
  // Relative pivot threshold: a pivot this small against the diagonal means a (near) exact collinearity.
  let maxDiag = 0;
  for (let i = 0; i < p; i++) maxDiag = Math.max(maxDiag, Math.abs(a[i * p + i]!));
  const tol = Math.max(maxDiag, 1e-300) * 1e-13;
  for (let j = 0; j < p; j++) {
    let d = a[j * p + j]!;
    for (let k = 0; k < j; k++) d -= l[j * p + k]! * l[j * p + k]!;
    if (!(d > tol)) {
      throw new InsufficientDataError(`matrix is not positive definite at column ${j} (pivot ${d}): a covariate is constant zero or collinear with others`, { column: j, pivot: d });
    }
    const ljj = Math.sqrt(d);
    l[j * p + j] = ljj;
    for (let i = j + 1; i < p; i++) {
      let s = a[i * p + j]!;
      for (let k = 0; k < j; k++) s -= l[i * p + k]! * l[j * p + k]!;
      l[i * p + j] = s / ljj;
    }
  }
  return l;
}

/** Solves L L' x = b for x, given the Cholesky factor L. */
export function choleskySolve(l: Float64Array, p: number, b: ArrayLike<number>): Float64Array {
  const y = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * p + k]! * y[k]!;
    y[i] = s / l[i * p + i]!;
  }
  const x = new Float64Array(p);
  for (let i = p - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < p; k++) s -= l[k * p + i]! * x[k]!;
    x[i] = s / l[i * p + i]!;
  }
  return x;
}

/** Inverse of A from its Cholesky factor, row-major p x p. */
export function choleskyInverse(l: Float64Array, p: number): Float64Array {
  const inv = new Float64Array(p * p);
  const e = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    e.fill(0);
    e[j] = 1;
    const col = choleskySolve(l, p, e);
    for (let i = 0; i < p; i++) inv[i * p + j] = col[i]!;
  }
  return inv;
}
