/**
 * Aggregation: incident counts and harm by area (district, H3 cell or square grid), by period (day,
 * ISO week or month in Pakistan time) and by category group, with rates per 100,000 people.
 *
 * Answers: how many incidents, and how much harm, where and when? Units: counts of incidents;
 * `harm` is a weighted casualty score, harm = wKilled killed + wInjured injured + wAbducted abducted
 * with default weights 1 / 0.5 / 0.5 (DEFAULT_HARM_WEIGHTS: a death counts as two injuries or two
 * abductions; state other weights in reports, e.g. Cambridge Crime Harm Index sentencing days).
 * Periods are local: Asia/Karachi, UTC+5 with no daylight saving, so a day runs 19:00-19:00 UTC.
 *
 * Precision rules (skipped events are counted in caveats, never silently dropped):
 * - time: a day or week needs time precision `exact` or `day`; a month also accepts `month`;
 *   `year`-precise events are never put in a period;
 * - place: a district needs a district; a cell needs a point at least as precise as the cell:
 *   `exact` points (taken as within 100 m) go in any cell whose edge is at least 100 m, `near`
 *   points (within 25 km, UCDP where_prec 2) only in cells with an edge of 25 km or more.
 *
 * Complexity: O(n) plus O(k log k) to sort the k non-empty rows (H3: one cell lookup per event).
 * Also exports the period and local-time helpers the other temporal analyses share.
 */
import { caveat, type Caveat } from '../domain/caveats.js';
import { BaseeratError } from '../domain/errors.js';
import { CATEGORY_CODES, categoryGroup, type CategoryGroup } from '../domain/taxonomy.js';
import { cellOf } from '../geo/h3.js';
import { getHexagonEdgeLengthAvg } from 'h3-js';

/**
 * The columns the temporal analyses read: a structural subset of the store's `IncidentColumns`
 * (server/store/port.ts), which satisfies it as is. Arrays share one index; unknown numbers are NaN,
 * unknown dictionary entries -1.
 */
export interface TemporalColumns {
  length: number;
  /** occurredAt, epoch ms UTC. */
  time: ArrayLike<number>;
  /** Index into TIME_PRECISIONS (exact, day, month, year). */
  timePrecision: ArrayLike<number>;
  lat: ArrayLike<number>;
  lon: ArrayLike<number>;
  /** Index into LOCATION_PRECISIONS (exact, near, district, province, unknown). */
  locationPrecision: ArrayLike<number>;
  district: ArrayLike<number>;
  districtNames: readonly string[];
  /** Index into CATEGORY_CODES. */
  category: ArrayLike<number>;
  killed: ArrayLike<number>;
  injured: ArrayLike<number>;
  abducted: ArrayLike<number>;
  perpetrator: ArrayLike<number>;
  perpetratorNames: readonly string[];
  /** Optional target type dictionary column (not in the store yet): -1 when unknown. */
  targetType?: ArrayLike<number>;
  targetTypeNames?: readonly string[];
}

export const TIME_PRECISION_INDEX = { exact: 0, day: 1, month: 2, year: 3 } as const;
export const LOCATION_PRECISION_INDEX = { exact: 0, near: 1, district: 2, province: 3, unknown: 4 } as const;

/** Pakistan Standard Time: UTC+5, no daylight saving since 2009. */
export const KARACHI_OFFSET_MS = 5 * 3600 * 1000;
export const DAY_MS = 86400 * 1000;

export type Period = 'day' | 'week' | 'month';

/** Local (Pakistan) day number since 1970-01-01 local. */
export function localDay(timeMs: number): number {
  return Math.floor((timeMs + KARACHI_OFFSET_MS) / DAY_MS);
}

/** UTC instant at which local day `day` starts. */
export function localDayStart(day: number): number {
  return day * DAY_MS - KARACHI_OFFSET_MS;
}

/** Calendar fields of a local day (Gregorian). weekday: 0 = Monday ... 6 = Sunday (ISO). */
export function localDate(day: number): { year: number; month: number; day: number; weekday: number } {
  const d = new Date(day * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), weekday: (d.getUTCDay() + 6) % 7 };
}

const pad = (v: number, w = 2) => String(v).padStart(w, '0');

/** ISO 8601 week-numbering year and week of a local day. */
export function isoWeek(day: number): { year: number; week: number } {
  const { weekday } = localDate(day);
  const thursday = day - weekday + 3; // the week belongs to the year of its Thursday
  const ty = localDate(thursday).year;
  const jan1 = Math.floor(Date.UTC(ty, 0, 1) / DAY_MS);
  return { year: ty, week: Math.floor((thursday - jan1) / 7) + 1 };
}

/** The period key of a local day: 'YYYY-MM-DD', 'YYYY-Www' (ISO week) or 'YYYY-MM'. */
export function periodKeyOfDay(day: number, period: Period): string {
  if (period === 'week') {
    const w = isoWeek(day);
    return `${w.year}-W${pad(w.week)}`;
  }
  const d = localDate(day);
  return period === 'day' ? `${d.year}-${pad(d.month)}-${pad(d.day)}` : `${d.year}-${pad(d.month)}`;
}

/** First local day of the period containing `day`. */
export function periodStartDay(day: number, period: Period): number {
  if (period === 'day') return day;
  if (period === 'week') return day - localDate(day).weekday;
  const d = localDate(day);
  return Math.floor(Date.UTC(d.year, d.month - 1, 1) / DAY_MS);
}

/** First local day of the period after the one containing `day`. */
export function nextPeriodStartDay(day: number, period: Period): number {
  if (period === 'day') return day + 1;
  if (period === 'week') return periodStartDay(day, 'week') + 7;
  const d = localDate(day);
  return Math.floor(Date.UTC(d.year, d.month, 1) / DAY_MS);
}

/** Every period key from the one containing `fromMs` to the one containing `toMs - 1` (toMs exclusive), in order. */
export function periodKeys(fromMs: number, toMs: number, period: Period): string[] {
  if (!(Number.isFinite(fromMs) && Number.isFinite(toMs)) || toMs <= fromMs) {
    throw new BaseeratError('VALIDATION', `period range needs finite from < to, got from = ${fromMs}, to = ${toMs}`, { field: 'to' });
  }
  const keys: string[] = [];
  const last = localDay(toMs - 1);
  for (let d = periodStartDay(localDay(fromMs), period); d <= last; d = nextPeriodStartDay(d, period)) keys.push(periodKeyOfDay(d, period));
  return keys;
}

/** Can an event of this time precision be put in a period of this length? */
export function timeFitsPeriod(precision: number, period: Period): boolean {
  return period === 'month' ? precision <= TIME_PRECISION_INDEX.month : precision <= TIME_PRECISION_INDEX.day;
}

export interface HarmWeights {
  killed: number;
  injured: number;
  abducted: number;
}

/** A death weighs as two injuries or two abductions. */
export const DEFAULT_HARM_WEIGHTS: HarmWeights = { killed: 1, injured: 0.5, abducted: 0.5 };

export type SpatialUnit =
  | { kind: 'district' }
  | { kind: 'h3'; resolution: number }
  /** Square cells of `cellMetres` on an equirectangular plane through (originLat, originLon) (default 24 N, 60 E, south-west of Balochistan). */
  | { kind: 'grid'; cellMetres: number; originLat?: number; originLon?: number };

export interface AggregateOptions {
  space?: SpatialUnit;
  period?: Period;
  byCategoryGroup?: boolean;
  harmWeights?: HarmWeights;
  /** Population per district name: adds rates per 100,000 (district rows only). */
  population?: Readonly<Record<string, number>>;
  /** Only events with from <= time < to (epoch ms) are counted. */
  from?: number;
  to?: number;
}

export interface AggregateRow {
  area?: string;
  period?: string;
  group?: CategoryGroup;
  count: number;
  killed: number;
  injured: number;
  abducted: number;
  harm: number;
  /** Per 100,000 people; only for district rows with a known population. */
  countPer100k?: number;
  harmPer100k?: number;
}

export interface Totals {
  count: number;
  killed: number;
  injured: number;
  abducted: number;
  harm: number;
}

export interface AggregateResult {
  rows: AggregateRow[];
  /** Totals over the events that were binned: equal to the sum of the rows. */
  totals: Totals;
  /** Events in the time window before precision rules, plus those with no valid time (which no window can exclude): totals.count + the caveat counts. */
  eventsInWindow: number;
  harmWeights: HarmWeights;
  caveats: Caveat[];
}

/** Precision radius in metres of a point of location precision exact (0) or near (1). */
const POINT_RADIUS_M = [100, 25000];
const EARTH_RADIUS_M = 6371008.8;

function cellEdgeMetres(space: SpatialUnit): number {
  if (space.kind === 'h3') return getHexagonEdgeLengthAvg(space.resolution, 'm');
  if (space.kind === 'grid') return space.cellMetres;
  return Infinity;
}

function validate(cols: TemporalColumns, o: AggregateOptions): void {
  const n = cols.length;
  for (const k of ['time', 'timePrecision', 'lat', 'lon', 'locationPrecision', 'district', 'category', 'killed', 'injured', 'abducted'] as const) {
    if (cols[k].length !== n) throw new BaseeratError('VALIDATION', `column ${k} has ${cols[k].length} values, expected length ${n}`, { field: k });
  }
  const sp = o.space;
  if (sp?.kind === 'h3' && !(Number.isInteger(sp.resolution) && sp.resolution >= 5 && sp.resolution <= 9)) {
    throw new BaseeratError('VALIDATION', `h3 resolution must be an integer 5..9 for aggregation, got ${sp.resolution}`, { field: 'space.resolution' });
  }
  if (sp?.kind === 'grid' && !(sp.cellMetres >= 50 && Number.isFinite(sp.cellMetres))) {
    throw new BaseeratError('VALIDATION', `grid cellMetres must be at least 50, got ${sp.cellMetres}`, { field: 'space.cellMetres' });
  }
  const w = o.harmWeights;
  if (w !== undefined && ![w.killed, w.injured, w.abducted].every((v) => v >= 0 && Number.isFinite(v))) {
    throw new BaseeratError('VALIDATION', `harm weights must be non-negative, got ${JSON.stringify(w)}`, { field: 'harmWeights' });
  }
}

export function aggregate(cols: TemporalColumns, options: AggregateOptions = {}): AggregateResult {
  validate(cols, options);
  const weights = options.harmWeights ?? DEFAULT_HARM_WEIGHTS;
  const space = options.space;
  const period = options.period;
  const from = options.from ?? -Infinity, to = options.to ?? Infinity;
  const edge = space === undefined ? Infinity : cellEdgeMetres(space);
  const groups = CATEGORY_CODES.map((c) => categoryGroup(c));
  const rows = new Map<string, AggregateRow>();
  const totals: Totals = { count: 0, killed: 0, injured: 0, abducted: 0, harm: 0 };
  let inWindow = 0, noTime = 0, coarseTime = 0, noDistrict = 0, coarsePlace = 0, noPoint = 0, badCategory = 0;
  const gridOrigin = space?.kind === 'grid' ? { lat: space.originLat ?? 24, lon: space.originLon ?? 60 } : undefined;
  const cosLat = gridOrigin === undefined ? 1 : Math.cos((gridOrigin.lat * Math.PI) / 180);

  for (let i = 0; i < cols.length; i++) {
    const t = cols.time[i]!;
    if (!Number.isFinite(t)) { noTime++; inWindow++; continue; }
    if (t < from || t >= to) continue;
    inWindow++;
    let periodKey: string | undefined;
    if (period !== undefined) {
      if (!timeFitsPeriod(cols.timePrecision[i]!, period)) { coarseTime++; continue; }
      periodKey = periodKeyOfDay(localDay(t), period);
    }
    let area: string | undefined;
    if (space?.kind === 'district') {
      const d = cols.district[i]!;
      const name = d >= 0 ? cols.districtNames[d] : undefined;
      if (name === undefined) { noDistrict++; continue; }
      area = name;
    } else if (space !== undefined) {
      const lp = cols.locationPrecision[i]!;
      const lat = cols.lat[i]!, lon = cols.lon[i]!;
      if (lp > LOCATION_PRECISION_INDEX.near || !Number.isFinite(lat) || !Number.isFinite(lon)) { noPoint++; continue; }
      if (POINT_RADIUS_M[lp]! > edge) { coarsePlace++; continue; }
      if (space.kind === 'h3') area = cellOf(lat, lon, space.resolution);
      else {
        const x = (EARTH_RADIUS_M * ((lon - gridOrigin!.lon) * Math.PI) / 180) * cosLat;
        const y = (EARTH_RADIUS_M * (lat - gridOrigin!.lat) * Math.PI) / 180;
        area = `${Math.floor(x / space.cellMetres)},${Math.floor(y / space.cellMetres)}`;
      }
    }
    let group: CategoryGroup | undefined;
    if (options.byCategoryGroup === true) {
      group = groups[cols.category[i]!];
      if (group === undefined) { badCategory++; continue; }
    }
    const key = `${area ?? ''}\u0000${periodKey ?? ''}\u0000${group ?? ''}`;
    let row = rows.get(key);
    if (row === undefined) {
      row = { count: 0, killed: 0, injured: 0, abducted: 0, harm: 0 };
      if (area !== undefined) row.area = area;
      if (periodKey !== undefined) row.period = periodKey;
      if (group !== undefined) row.group = group;
      rows.set(key, row);
    }
    const k = cols.killed[i]!, inj = cols.injured[i]!, ab = cols.abducted[i]!;
    const h = weights.killed * k + weights.injured * inj + weights.abducted * ab;
    row.count++; row.killed += k; row.injured += inj; row.abducted += ab; row.harm += h;
    totals.count++; totals.killed += k; totals.injured += inj; totals.abducted += ab; totals.harm += h;
  }

  const caveats: Caveat[] = [];
  if (noTime > 0) caveats.push(caveat('NO_TIME', `${noTime} events had no valid time and were not counted`, noTime));
  if (coarseTime > 0) caveats.push(caveat('TIME_TOO_COARSE', `${coarseTime} events are dated only to a ${period === 'month' ? 'year' : 'month or year'} and could not be put in a ${period}`, coarseTime));
  if (noDistrict > 0) caveats.push(caveat('NO_DISTRICT', `${noDistrict} events have no known district and were not counted`, noDistrict));
  if (noPoint > 0) caveats.push(caveat('NO_POINT', `${noPoint} events have no point location (only a district, province or nothing) and were not put in cells`, noPoint));
  if (coarsePlace > 0) caveats.push(caveat('PLACE_TOO_COARSE', `${coarsePlace} events are located only to within 25 km, coarser than these ${Math.round(edge)} m cells, and were not put in cells`, coarsePlace));
  if (badCategory > 0) caveats.push(caveat('UNKNOWN_CATEGORY', `${badCategory} events have an unknown category index`, badCategory));

  const out = [...rows.values()];
  if (options.population !== undefined && space?.kind === 'district') {
    let missing = 0;
    for (const r of out) {
      const pop = options.population[r.area!];
      if (pop !== undefined && pop > 0) { r.countPer100k = (r.count / pop) * 1e5; r.harmPer100k = (r.harm / pop) * 1e5; } else missing++;
    }
    if (missing > 0) caveats.push(caveat('NO_POPULATION', `${missing} rows are in districts without a population figure: no rate given`, missing));
  }
  const cmp = (a: string | undefined, b: string | undefined) => ((a ?? '') < (b ?? '') ? -1 : (a ?? '') > (b ?? '') ? 1 : 0);
  out.sort((a, b) => cmp(a.area, b.area) || cmp(a.period, b.period) || cmp(a.group, b.group));
  return { rows: out, totals, eventsInWindow: inWindow, harmWeights: weights, caveats };
}
