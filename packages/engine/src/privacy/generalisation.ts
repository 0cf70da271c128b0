/**
 * Generalisation of quasi-identifiers for microdata releases: time to ISO week, month, quarter or
 * year (Pakistan local time, as the rest of the engine); H3 cells to a coarser parent (resolution 7
 * at most: edge about 1.2 km); casualties to bands.
 *
 * Why: in a small province a (district, day, casualty count) triple is often unique and easy to
 * match with a news report; coarser values make equivalence classes larger before suppression has
 * to remove rows. Complexity O(1) per value.
 */
import { cellToParent, getResolution, isValidCell } from 'h3-js';
import { BaseeratError } from '../domain/errors.js';
import { localDate, localDay, periodKeyOfDay } from '../analysis/aggregate.js';

export const TIME_GENERALISATIONS = ['week', 'month', 'quarter', 'year'] as const;
export type TimeGeneralisation = (typeof TIME_GENERALISATIONS)[number];

/** Finest H3 resolution a microdata release may carry. */
export const MAX_RELEASE_H3_RESOLUTION = 7;

/** 'YYYY-Www' (ISO week), 'YYYY-MM', 'YYYY-Qn' or 'YYYY' of an instant (epoch ms UTC), in Pakistan time. */
export function generaliseTime(timeMs: number, to: TimeGeneralisation): string {
  if (!Number.isFinite(timeMs)) throw new BaseeratError('VALIDATION', `time must be finite epoch milliseconds, got ${timeMs}`, { field: 'time' });
  const day = localDay(timeMs);
  if (to === 'week') return periodKeyOfDay(day, 'week');
  if (to === 'month') return periodKeyOfDay(day, 'month');
  const d = localDate(day);
  return to === 'quarter' ? `${d.year}-Q${Math.floor((d.month - 1) / 3) + 1}` : String(d.year);
}

/**
 * Can an event whose time is known to this precision (index into TIME_PRECISIONS: exact, day, month,
 * year) be put in this period without inventing precision?
 */
export function timePrecisionAllows(precision: number, to: TimeGeneralisation): boolean {
  if (to === 'week') return precision <= 1;
  if (to === 'month' || to === 'quarter') return precision <= 2;
  return precision <= 3;
}

/** The parent of an H3 cell at `resolution` (<= 7 and <= the cell's own). */
export function generaliseH3(cell: string, resolution: number): string {
  if (!Number.isInteger(resolution) || resolution < 0 || resolution > MAX_RELEASE_H3_RESOLUTION) {
    throw new BaseeratError('VALIDATION', `H3 resolution for a release must be an integer 0..${MAX_RELEASE_H3_RESOLUTION}, got ${resolution}`, { field: 'h3Resolution' });
  }
  if (!isValidCell(cell)) throw new BaseeratError('VALIDATION', `not an H3 cell: ${JSON.stringify(cell)}`, { field: 'h3' });
  if (getResolution(cell) < resolution) {
    throw new BaseeratError('VALIDATION', `cell ${cell} is at resolution ${getResolution(cell)}, coarser than the requested ${resolution}`, { field: 'h3Resolution' });
  }
  return cellToParent(cell, resolution);
}

export const CASUALTY_BANDS = ['0', '1-2', '3-9', '10+'] as const;
export type CasualtyBand = (typeof CASUALTY_BANDS)[number];

/** Band of killed + injured. */
export function casualtyBand(killed: number, injured: number): CasualtyBand {
  const n = killed + injured;
  if (!(n >= 0)) throw new BaseeratError('VALIDATION', `casualties must be >= 0, got killed ${killed} injured ${injured}`, { field: 'severity' });
  if (n === 0) return '0';
  if (n <= 2) return '1-2';
  if (n <= 9) return '3-9';
  return '10+';
}
