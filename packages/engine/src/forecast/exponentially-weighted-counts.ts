/**
 * Baseline: exponentially weighted recent counts. Each event before the origin adds
 * exp(-age / tauDays) to its cell, age in days; events older than 8 tau are ignored (weight < 0.04%).
 *
 * Units: weighted events per cell. Complexity: O(n). Read: a smoothed persistence forecast whose
 * memory is tau; long tau approaches the long-run count map, short tau the naive forecast.
 * Reference: simple exponential smoothing applied cell by cell (Brown 1956).
 */
import { BaseeratError } from '../domain/errors.js';
import { gridCellOf } from './square-grid.js';
import type { PlaceModel } from './types.js';

export interface ExponentiallyWeightedCountsOptions {
  readonly tauDays?: number;
}

export function exponentiallyWeightedCountsModel(opts: ExponentiallyWeightedCountsOptions = {}): PlaceModel {
  const tau = opts.tauDays ?? 180;
  if (!(tau > 0)) throw new BaseeratError('VALIDATION', `tauDays must be positive, got ${tau}`, { field: 'tauDays' });
  return ({ events, grid, origin }) => {
    const intensity = new Float64Array(grid.cellCount);
    for (let i = 0; i < events.t.length; i++) {
      const age = origin - events.t[i]!;
      if (age <= 0 || age > 8 * tau) continue;
      const c = gridCellOf(grid, events.x[i]!, events.y[i]!);
      if (c >= 0) intensity[c]! += Math.exp(-age / tau);
    }
    return { intensity, caveats: [] };
  };
}
