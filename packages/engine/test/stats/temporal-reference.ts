// Loads the R reference values for the temporal statistics (scripts/reference/temporal-stats.R).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const path = fileURLToPath(new URL('../fixtures/reference/temporal-stats.json', import.meta.url));
/** R writes infinities as the string "Inf"; our kernels return null for them. */
export type RNum = number | 'Inf';
export const ref = JSON.parse(readFileSync(path, 'utf8')) as {
  poisson: { x1: number; t1: number; x0: number; t0: number; rateRatio: RNum; lower: number; upper: RNum; pValue: number }[];
  binom: { x: number; n: number; p: number; pValue: number; lower: number; upper: number }[];
  poissonCi: { x: number; lower: number; upper: number }[];
  gamma: { a: number; x: number; P: number; Q: number; logGamma: number }[];
  gammaQuantile: { p: number; a: number; q: number }[];
  beta: { x: number; a: number; b: number; I: number; q: number }[];
  chiSquareSurvival: { x: number; df: number; p: number }[];
  sens: { values: number[]; slope: number; lower?: number; upper?: number; varianceS: number }[];
  chisq: { observed: number[]; weights: number[]; statistic: number; df: number; pValue: number }[];
};

export function close(actual: number | null, expected: RNum | undefined, rel = 1e-9, abs = 1e-12): boolean {
  if (expected === undefined || expected === 'Inf') return actual === null;
  if (actual === null) return false;
  return Math.abs(actual - expected) <= abs + rel * Math.abs(expected);
}
