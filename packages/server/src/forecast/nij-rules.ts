/**
 * The NIJ Real-Time Crime Forecasting Challenge rules as the NIJ mode applies them: horizons,
 * windows that start on the first day of a month, cells of 62,500 to 360,000 sq ft, a flagged area
 * of 0.25 to 0.75 sq mi (international feet).
 */
import { BaseeratError } from '@baseerat/engine';
import { SQUARE_FEET_PER_SQUARE_MILE, cellsForAreaBudget } from '@baseerat/engine/forecast/index';
import { dayNumber, isoDate } from './portland-nij-file.js';

export const NIJ_HORIZONS = ['1w', '2w', '1m', '2m', '3m'] as const;
export type NijHorizon = (typeof NIJ_HORIZONS)[number];
export const NIJ_MIN_CELL_AREA = 62_500;
export const NIJ_MAX_CELL_AREA = 360_000;
export const NIJ_MIN_FLAGGED_SQ_MI = 0.25;
export const NIJ_MAX_FLAGGED_SQ_MI = 0.75;

/** End day (exclusive) of the window starting at `originDay` for a horizon. */
export function windowEnd(originDay: number, horizon: NijHorizon): number {
  if (horizon === '1w') return originDay + 7;
  if (horizon === '2w') return originDay + 14;
  const months = horizon === '1m' ? 1 : horizon === '2m' ? 2 : 3;
  const d = new Date(originDay * 86_400_000);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, d.getUTCDate()) / 86_400_000;
}

/** Day number of an origin given as yyyy-MM-dd; it must be the first day of a month. */
export function parseOrigin(origin: string): number {
  const d = dayNumber(origin);
  if (!Number.isFinite(d)) throw new BaseeratError('VALIDATION', `origin must be a date yyyy-MM-dd, got "${origin}"`, { field: 'origin' });
  if (!origin.endsWith('-01')) throw new BaseeratError('VALIDATION', `origin must be the first day of a month (NIJ windows), got "${origin}"`, { field: 'origin' });
  return d;
}

export function parseHorizon(h: string): NijHorizon {
  if ((NIJ_HORIZONS as readonly string[]).includes(h)) return h as NijHorizon;
  throw new BaseeratError('VALIDATION', `horizon must be one of ${NIJ_HORIZONS.join(', ')}, got "${h}"`, { field: 'horizon' });
}

export function checkCellSize(cellSize: number): void {
  const a = cellSize * cellSize;
  if (!(a >= NIJ_MIN_CELL_AREA && a <= NIJ_MAX_CELL_AREA)) {
    throw new BaseeratError('VALIDATION', `cellSize ${cellSize} ft gives ${a} sq ft cells; NIJ rules need 62,500 to 360,000 sq ft (250 to 600 ft)`, { field: 'cellSize' });
  }
}

/** Whole cells for a flagged area of `sqMi` (fewest cells reaching it at 0.25, most within it otherwise). */
export function nijCellsFor(cellSize: number, sqMi: number): number {
  if (!(sqMi >= NIJ_MIN_FLAGGED_SQ_MI && sqMi <= NIJ_MAX_FLAGGED_SQ_MI)) {
    throw new BaseeratError('VALIDATION', `flagged area must be 0.25 to 0.75 sq mi, got ${sqMi}`, { field: 'areaSqMi' });
  }
  const ca = cellSize * cellSize;
  const lo = NIJ_MIN_FLAGGED_SQ_MI * SQUARE_FEET_PER_SQUARE_MILE;
  const hi = NIJ_MAX_FLAGGED_SQ_MI * SQUARE_FEET_PER_SQUARE_MILE;
  const want = sqMi * SQUARE_FEET_PER_SQUARE_MILE;
  // The most whole cells within the asked area, but never below the NIJ minimum.
  const k = Math.floor(want / ca + 1e-9);
  return k * ca >= lo - 1e-6 ? Math.min(k, cellsForAreaBudget(ca, lo, hi, 'max')) : cellsForAreaBudget(ca, lo, hi, 'min');
}

export { isoDate };
