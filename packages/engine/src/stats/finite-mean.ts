/**
 * The mean of the first `n` values of `x`, after checking that each is finite: the shared input
 * check of the local spatial statistics (Gi*, Local Moran), which must never turn a NaN cell into a
 * NaN result. O(n). Throws a VALIDATION error naming the first bad index.
 */
import { BaseeratError } from '../domain/errors.js';

export function finiteMean(x: ArrayLike<number>, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    if (!Number.isFinite(v)) throw new BaseeratError('VALIDATION', `x[${i}] is not finite: ${v}`, { field: 'x' });
    sum += v;
  }
  return sum / n;
}
