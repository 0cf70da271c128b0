/**
 * The district x period count panel that regional count forecasts are fitted on, and the calendar
 * of its periods: calendar months or ISO weeks (Monday to Sunday) in Pakistan time (UTC+5, no
 * daylight saving, the project's convention: see analysis/aggregate.ts).
 *
 * Answers: "how many incidents did each district have in each period?" as a dense unit-major
 * Float64Array (units x periods), with each unit's neighbours for the spatial lag.
 * Complexity: O(events + units x periods). Events outside [from, to) or with an unknown unit
 * (-1) are skipped and counted, never guessed.
 */
import { BaseeratError } from '../../domain/errors.js';

export type CountPeriod = 'month' | 'week';

const KARACHI_OFFSET_MS = 5 * 3600 * 1000;
const DAY_MS = 86400 * 1000;

/** Period number: months since 0000-01 (year * 12 + month - 1), or Monday-based weeks since 1969-12-29. */
export function periodIndexOf(timeMs: number, period: CountPeriod): number {
  const localMs = timeMs + KARACHI_OFFSET_MS;
  if (period === 'week') return Math.floor((Math.floor(localMs / DAY_MS) + 3) / 7);
  const d = new Date(localMs);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

/** The UTC instant at which a period starts (its first local midnight). */
export function periodStartMs(index: number, period: CountPeriod): number {
  if (period === 'week') return (index * 7 - 3) * DAY_MS - KARACHI_OFFSET_MS;
  return Date.UTC(Math.floor(index / 12), index % 12, 1) - KARACHI_OFFSET_MS;
}

const pad = (v: number, w = 2): string => String(v).padStart(w, '0');

/** 'YYYY-MM' for months, the ISO week 'YYYY-Www' for weeks. */
export function periodLabel(index: number, period: CountPeriod): string {
  if (period === 'month') return `${Math.floor(index / 12)}-${pad((index % 12) + 1)}`;
  const thursday = new Date((index * 7) * DAY_MS); // day index*7-3 is Monday; +3 is Thursday
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY_MS)) + 1;
  return `${year}-W${pad(week)}`;
}

/**
 * Parses an origin: 'YYYY-MM' (months) or 'YYYY-MM-DD' (weeks: the week containing that day; a
 * month origin for weekly periods means the week containing the 1st). Returns the period index.
 */
export function parseOrigin(origin: string, period: CountPeriod): number {
  const m = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(origin);
  if (m === null) throw new BaseeratError('VALIDATION', `origin ${JSON.stringify(origin)} is not YYYY-MM or YYYY-MM-DD`, { field: 'origin' });
  const y = Number(m[1]), mo = Number(m[2]), d = m[3] === undefined ? 1 : Number(m[3]);
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (mo < 1 || mo > 12 || back.getUTCDate() !== d || back.getUTCMonth() !== mo - 1) {
    throw new BaseeratError('VALIDATION', `origin ${JSON.stringify(origin)} is not a calendar date`, { field: 'origin' });
  }
  if (period === 'month' && m[3] !== undefined && d !== 1) {
    throw new BaseeratError('VALIDATION', `origin ${JSON.stringify(origin)}: monthly forecasts start on a month (YYYY-MM or YYYY-MM-01)`, { field: 'origin' });
  }
  return periodIndexOf(ms - KARACHI_OFFSET_MS, period);
}

/** Position in the seasonal cycle, radians: month of year, or the day of year of the ISO week's Thursday. */
export function seasonAngle(index: number, period: CountPeriod): number {
  if (period === 'month') return (2 * Math.PI * ((index % 12) + 1)) / 12;
  const thursday = new Date(index * 7 * DAY_MS);
  const doy = (thursday.getTime() - Date.UTC(thursday.getUTCFullYear(), 0, 1)) / DAY_MS;
  return (2 * Math.PI * doy) / 365.25;
}

export interface CountPanel {
  period: CountPeriod;
  units: readonly string[];
  /** Period index of column 0. */
  firstPeriod: number;
  nPeriods: number;
  /** counts[u * nPeriods + t]. */
  counts: Float64Array;
  /** Neighbour unit indices of each unit (the spatial lag averages over them). */
  neighbours: readonly (readonly number[])[];
  /**
   * Period index of each column when the panel has left out periods no feed covers (see
   * `keepCoveredPeriods`); absent when column t is period firstPeriod + t.
   */
  periods?: Int32Array;
  /** Period index of the column after the last one (the forecast origin); with `periods` only. */
  nextPeriod?: number;
}

/**
 * Period index of column t; columns at or after nPeriods are the periods that follow the panel
 * (the origin and the forecast targets), which are consecutive.
 */
export function periodOfColumn(panel: CountPanel, t: number): number {
  const p = panel.periods;
  if (p === undefined) return panel.firstPeriod + t;
  if (t < panel.nPeriods) return p[t]!;
  return (panel.nextPeriod ?? (panel.nPeriods === 0 ? panel.firstPeriod : p[panel.nPeriods - 1]! + 1)) + (t - panel.nPeriods);
}

/**
 * Whether the forecast from origin column o for horizon h is for the h-th period after the
 * origin's period: false when left-out periods lie between the origin and the target (the case
 * would be a longer-range forecast than its horizon says, so backtests and selections skip it).
 */
export function targetIsContiguous(panel: CountPanel, origin: number, horizon: number): boolean {
  return periodOfColumn(panel, origin + horizon - 1) - periodOfColumn(panel, origin) === horizon - 1;
}

/**
 * The panel without the periods no feed covers: those columns are cut out of the series rather
 * than read as zero incidents. Later columns move up, so models see the covered periods as one
 * series (a lag or a recency weight counts covered periods; season and days-in-month use each
 * column's own period). `covered[t]` says whether column t is kept; `nextPeriod` is the period
 * after the panel (default firstPeriod + nPeriods).
 */
export function keepCoveredPeriods(panel: CountPanel, covered: ArrayLike<boolean>, nextPeriod?: number): CountPanel {
  const T = panel.nPeriods;
  if (covered.length !== T) throw new BaseeratError('VALIDATION', `covered has ${covered.length} entries for ${T} periods`, { field: 'covered' });
  const keep: number[] = [];
  for (let t = 0; t < T; t++) if (covered[t]) keep.push(t);
  const U = panel.units.length, K = keep.length;
  const counts = new Float64Array(U * K);
  for (let u = 0; u < U; u++) for (let k = 0; k < K; k++) counts[u * K + k] = panel.counts[u * T + keep[k]!]!;
  const periods = Int32Array.from(keep, (t) => periodOfColumn(panel, t));
  return {
    ...panel, nPeriods: K, counts, periods,
    nextPeriod: nextPeriod ?? periodOfColumn(panel, T),
    firstPeriod: K > 0 ? periods[0]! : panel.firstPeriod,
  };
}

export interface BuildCountPanelInput {
  time: Float64Array;
  /** Unit index of each event, -1 when unknown. */
  unit: Int32Array;
  units: readonly string[];
  neighbours: readonly (readonly number[])[];
  period: CountPeriod;
  /** First period index (inclusive) and last (exclusive). */
  fromPeriod: number;
  toPeriod: number;
}

export function buildCountPanel(input: BuildCountPanelInput): { panel: CountPanel; skippedUnknownUnit: number; skippedOutside: number } {
  const { time, unit, units, period, fromPeriod, toPeriod } = input;
  if (time.length !== unit.length) throw new BaseeratError('VALIDATION', `time has ${time.length} entries but unit has ${unit.length}`, { field: 'unit' });
  if (input.neighbours.length !== units.length) throw new BaseeratError('VALIDATION', `neighbours has ${input.neighbours.length} lists for ${units.length} units`, { field: 'neighbours' });
  if (!(toPeriod > fromPeriod)) throw new BaseeratError('VALIDATION', `toPeriod ${toPeriod} must be after fromPeriod ${fromPeriod}`, { field: 'toPeriod' });
  const T = toPeriod - fromPeriod;
  const counts = new Float64Array(units.length * T);
  let skippedUnknownUnit = 0, skippedOutside = 0;
  for (let i = 0; i < time.length; i++) {
    const u = unit[i]!;
    const t = Number.isFinite(time[i]!) ? periodIndexOf(time[i]!, period) - fromPeriod : -1;
    if (t < 0 || t >= T) { skippedOutside++; continue; }
    if (u < 0 || u >= units.length) { skippedUnknownUnit++; continue; }
    counts[u * T + t]! += 1;
  }
  return { panel: { period, units, firstPeriod: fromPeriod, nPeriods: T, counts, neighbours: input.neighbours }, skippedUnknownUnit, skippedOutside };
}
