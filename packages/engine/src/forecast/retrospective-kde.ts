/**
 * Baseline: retrospective hotspot map. A Gaussian kernel density of the events of the last
 * `windowDays`, bandwidth `bandwidth` (coordinate units), evaluated at the cell centres and
 * truncated at 3 bandwidths. All events weigh the same whatever their age: the classic analyst's map.
 *
 * Units: expected events per unit area (the kernel integrates to one per event). Complexity:
 * O(n (3h / cellSize)^2). Read: where crime was dense; no time decay. Reference: Chainey, Tompson
 * and Uhlig (2008); the "retrospective hotspot" of open_cp.
 */
import { BaseeratError } from '../domain/errors.js';
import { forEachCellNear } from './square-grid.js';
import type { PlaceModel } from './types.js';

export interface RetrospectiveKdeOptions {
  readonly bandwidth: number;
  readonly windowDays?: number;
}

export function retrospectiveKdeModel(opts: RetrospectiveKdeOptions): PlaceModel {
  const h = opts.bandwidth;
  if (!(h > 0)) throw new BaseeratError('VALIDATION', `bandwidth must be positive, got ${h}`, { field: 'bandwidth' });
  const windowDays = opts.windowDays ?? 365;
  return ({ events, grid, origin }) => {
    const intensity = new Float64Array(grid.cellCount);
    const norm = 1 / (2 * Math.PI * h * h);
    const inv2h2 = 1 / (2 * h * h);
    for (let i = 0; i < events.t.length; i++) {
      const t = events.t[i]!;
      if (t >= origin || t < origin - windowDays) continue;
      forEachCellNear(grid, events.x[i]!, events.y[i]!, 3 * h, (c, d2) => { intensity[c]! += norm * Math.exp(-d2 * inv2h2); });
    }
    return { intensity, caveats: [] };
  };
}
