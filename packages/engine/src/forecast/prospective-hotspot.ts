/**
 * Baseline: prospective hotspotting (Bowers, Johnson and Pease 2004). Every event within
 * `bandwidth` (default 400 m = 1312.34 ft) and `weeks` (default 8) before the origin adds
 * 1/(1 + d) * 1/(1 + w) to a cell, d = distance from the event to the cell centre in cell widths,
 * w = whole weeks elapsed (0 for the last 7 days).
 *
 * Units: dimensionless weights. Complexity: O(n (bandwidth / cellSize)^2) over the recent events.
 * Read: risk is raised near recent crime and decays in space and time (near repeat victimisation).
 * Reference: K. J. Bowers, S. D. Johnson and K. Pease (2004), "Prospective hot-spotting: the future
 * of crime mapping?", British Journal of Criminology 44(5).
 */
import { BaseeratError } from '../domain/errors.js';
import { forEachCellNear } from './square-grid.js';
import type { PlaceModel } from './types.js';

export interface ProspectiveHotspotOptions {
  /** Space bandwidth, coordinate units. */
  readonly bandwidth: number;
  readonly weeks?: number;
}

/** 400 metres in international feet (the paper's bandwidth). */
export const FOUR_HUNDRED_METRES_IN_FEET = 400 / 0.3048;

export function prospectiveHotspotModel(opts: ProspectiveHotspotOptions): PlaceModel {
  const bw = opts.bandwidth;
  const weeks = opts.weeks ?? 8;
  if (!(bw > 0)) throw new BaseeratError('VALIDATION', `bandwidth must be positive, got ${bw}`, { field: 'bandwidth' });
  return ({ events, grid, origin }) => {
    const intensity = new Float64Array(grid.cellCount);
    const s = grid.cellSize;
    for (let i = 0; i < events.t.length; i++) {
      const age = origin - events.t[i]!;
      if (age <= 0) continue;
      const w = Math.floor(age / 7);
      if (w >= weeks) continue;
      const tw = 1 / (1 + w);
      forEachCellNear(grid, events.x[i]!, events.y[i]!, bw, (c, d2) => { intensity[c]! += tw / (1 + Math.sqrt(d2) / s); });
    }
    return { intensity, caveats: [] };
  };
}
