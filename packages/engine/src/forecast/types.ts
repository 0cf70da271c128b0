/**
 * Shared shapes of the place-forecasting module. Times are plain numbers in days (the caller picks
 * the epoch; the server uses days since 1970-01-01 UTC); coordinates are projected, in any linear
 * unit (the NIJ mode uses international feet), and every length parameter is in that same unit.
 */
import type { Caveat } from '../domain/caveats.js';

/** Events as columns. `t` need not be sorted; models sort what they need. */
export interface SpaceTimeEvents {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly t: Float64Array;
}

/** What every place model is given: events strictly before `origin`, the grid, the window to forecast. */
export interface PlaceModelInput {
  readonly events: SpaceTimeEvents;
  readonly grid: import('./square-grid.js').SquareGrid;
  /** Forecast window is [origin, origin + horizonDays). */
  readonly origin: number;
  readonly horizonDays: number;
}

/** A score per cell: higher means more expected crime in the window. Units depend on the model. */
export interface PlaceModelOutput {
  readonly intensity: Float64Array;
  /** Fitted parameters worth reporting (Hawkes theta/omega, ETAS sigma ...). */
  readonly fitted?: Readonly<Record<string, number>>;
  readonly caveats: Caveat[];
}

export type PlaceModel = (input: PlaceModelInput) => PlaceModelOutput;

/** Keep only the events strictly before `origin` (and at or after `from`, when given). */
export function eventsBefore(events: SpaceTimeEvents, origin: number, from = -Infinity): SpaceTimeEvents {
  let n = 0;
  for (let i = 0; i < events.t.length; i++) {
    const t = events.t[i]!;
    if (t < origin && t >= from) n++;
  }
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const t = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < events.t.length; i++) {
    const ti = events.t[i]!;
    if (ti < origin && ti >= from) {
      x[k] = events.x[i]!;
      y[k] = events.y[i]!;
      t[k] = ti;
      k++;
    }
  }
  return { x, y, t };
}

/** Events with `from <= t < to`. */
export function eventsBetween(events: SpaceTimeEvents, from: number, to: number): SpaceTimeEvents {
  return eventsBefore(events, to, from);
}
