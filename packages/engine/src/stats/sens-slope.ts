/**
 * Sen's slope (Theil-Sen estimator) with its distribution-free confidence interval: the median of
 * the slopes of all pairs of points, robust to outliers and to a few zero months.
 *
 * Answers: by how much per period does the series change? Units: series units per unit of `times`
 * (per index step when times are omitted, e.g. incidents per month per month). Complexity:
 * O(n^2 log n) for the n(n-1)/2 pairwise slopes; fine for series of a few hundred points.
 * Interval: Gilbert (1987) eq. 16.7 / Hollander and Wolfe (1973): C = z_{1-alpha/2} sqrt(Var S)
 * with Var S corrected for ties in the series; lower = the round((N - C)/2)-th smallest slope,
 * upper = the round((N + C)/2 + 1)-th, exactly as R `trend::sens.slope` (R's round: half to even).
 * When the ranks fall outside 1..N (very short series) the bound is null.
 * Reference: Sen (1968), JASA 63; Theil (1950); R package trend (Pohlert), `sens.slope`.
 */
import { BaseeratError, InsufficientDataError } from '../domain/errors.js';
import { normalQuantile } from './normal-distribution.js';

export interface SensSlopeResult {
  /** Median pairwise slope. */
  slope: number;
  /** Confidence bounds for the slope; null when the series is too short for this confidence. */
  lower: number | null;
  upper: number | null;
  /** Intercept (Conover): median(y - slope * t), so that half the points lie above the line. */
  intercept: number;
  /** Number of pairwise slopes. */
  pairs: number;
  /** Var S of the Mann-Kendall statistic, corrected for ties. */
  varianceS: number;
}

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function median(sorted: Float64Array): number {
  const m = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[m]! : 0.5 * (sorted[m - 1]! + sorted[m]!);
}

export function sensSlope(values: ArrayLike<number>, times?: ArrayLike<number>, confidence = 0.95): SensSlopeResult {
  const n = values.length;
  if (n < 2) throw new InsufficientDataError(`Sen's slope needs at least 2 values, got ${n}`, { n });
  if (times !== undefined && times.length !== n) throw new BaseeratError('VALIDATION', `times has length ${times.length}, values ${n}`, { field: 'times' });
  if (!(confidence > 0 && confidence < 1)) throw new BaseeratError('VALIDATION', `confidence must lie in (0, 1), got ${confidence}`, { field: 'confidence' });
  const t = (i: number) => (times === undefined ? i + 1 : times[i]!);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(values[i]!)) throw new BaseeratError('VALIDATION', `values[${i}] is not finite: ${values[i]}`, { field: 'values' });
  }
  const slopes: number[] = [];
  for (let i = 0; i < n - 1; i++) {
    for (let j = i + 1; j < n; j++) {
      const dt = t(j) - t(i);
      if (dt !== 0) slopes.push((values[j]! - values[i]!) / dt);
    }
  }
  if (slopes.length === 0) throw new InsufficientDataError("Sen's slope: all times are equal", { n });
  const d = Float64Array.from(slopes).sort();
  const slope = median(d);
  const ties = new Map<number, number>();
  for (let i = 0; i < n; i++) ties.set(values[i]!, (ties.get(values[i]!) ?? 0) + 1);
  let tieTerm = 0;
  for (const tp of ties.values()) tieTerm += tp * (tp - 1) * (2 * tp + 5);
  const varianceS = (n * (n - 1) * (2 * n + 5) - tieTerm) / 18;
  const N = d.length;
  const C = normalQuantile(1 - (1 - confidence) / 2) * Math.sqrt(varianceS);
  const rankLo = roundHalfEven((N - C) / 2);
  const rankUp = roundHalfEven((N + C) / 2 + 1);
  const residuals = new Float64Array(n);
  for (let i = 0; i < n; i++) residuals[i] = values[i]! - slope * t(i);
  residuals.sort();
  return {
    slope,
    lower: rankLo >= 1 && rankLo <= N ? d[rankLo - 1]! : null,
    upper: rankUp >= 1 && rankUp <= N ? d[rankUp - 1]! : null,
    intercept: median(residuals),
    pairs: N,
    varianceS,
  };
}
