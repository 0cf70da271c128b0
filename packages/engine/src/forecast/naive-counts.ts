/**
 * Naive baseline: last period's counts. Each cell's score is the number of events in it during the
 * `windowDays` before the origin (default: the forecast horizon itself, "the next month looks like
 * the last month").
 *
 * Units: events per cell per window. Complexity: O(n). Read: a persistence forecast; every model
 * must beat it to be worth its complexity. Reference: the "naive" predictor of open_cp
 * (QuantCrimAtLeeds/PredictCode).
 */
import { caveat, type Caveat } from '../domain/caveats.js';
import { gridCellOf } from './square-grid.js';
import type { PlaceModel } from './types.js';

export interface NaiveCountsOptions {
  readonly windowDays?: number;
}

export function naiveCountsModel(opts: NaiveCountsOptions = {}): PlaceModel {
  return ({ events, grid, origin, horizonDays }) => {
    const windowDays = opts.windowDays ?? horizonDays;
    const intensity = new Float64Array(grid.cellCount);
    let used = 0;
    for (let i = 0; i < events.t.length; i++) {
      const t = events.t[i]!;
      if (t >= origin || t < origin - windowDays) continue;
      const c = gridCellOf(grid, events.x[i]!, events.y[i]!);
      if (c >= 0) { intensity[c]! += 1; used++; }
    }
    const caveats: Caveat[] = used < 30 ? [caveat('FEW_EVENTS', `only ${used} events in the ${windowDays}-day window: the ranking is mostly ties`, used)] : [];
    return { intensity, caveats };
  };
}
