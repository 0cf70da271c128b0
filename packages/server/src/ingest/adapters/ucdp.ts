/**
 * UCDP Georeferenced Event Dataset (GED) adapter, for the CSV export (e.g. the shipped
 * `data/reference/ucdp-ged-pakistan/ucdp_ged_pakistan_1989-2021.csv`, HDX "Data on Conflict
 * Events"). Row 2 of that export holds HXL hashtags, hence `skipRowsAfterHeader: 1`.
 *
 * Precision rules (docs/adapters.md has the tables):
 * - time: `date_start` as a local (Asia/Karachi) calendar day; `date_prec` 1 -> day, 2-4 (a span of
 *   up to 30 days) -> month, 5 (up to a year) -> year; a span is written into the narrative.
 * - place: `where_prec` 1 -> exact, 2 -> near (point, H3 cell, district from the point; falls back
 *   to resolving `adm_2` when the point is outside the districts); 3 -> district (no point: the
 *   coordinates are a district centroid, so `adm_2` is resolved, falling back to locating them);
 *   4-5 -> province (from `adm_1`); 6-7 -> unknown (country or sea).
 * - a where_prec 1-2 point lying more than 25 km outside the district named in `adm_2` contradicts
 *   its own record: the named district wins at district precision, with a note in the narrative.
 */
// taxonomy-mappings is not yet re-exported by the engine's index: import it by path until it is
import { ucdpCategory } from '@baseerat/engine/domain/taxonomy-mappings';
import type { FieldIssue, Location, LocationPrecision, Report, Result, TimePrecision } from '@baseerat/engine';
import type { Adapter, AdapterContext, Row } from '../adapter.js';
import { cell, localDateToUtc, neverThrow, normaliseProvince, PAKISTAN_TIME_ZONE, parseCount, parseIsoDate, parseLatLon, validateReport } from './common.js';

const DATE_PRECISION: Readonly<Record<string, TimePrecision>> = { '1': 'day', '2': 'month', '3': 'month', '4': 'month', '5': 'year' };
const WHERE_PRECISION: Readonly<Record<string, LocationPrecision>> = {
  '1': 'exact', '2': 'near', '3': 'district', '4': 'province', '5': 'province', '6': 'unknown', '7': 'unknown',
};

/** Beyond UCDP's own "within 25 km" (where_prec 2), a point outside its named district contradicts it. */
const CONTRADICTION_KM = 25;

function ucdpLocation(row: Row, ctx: AdapterContext, issues: FieldIssue[], notes: string[]): Location | undefined {
  const wp = cell(row, 'where_prec');
  const precision = Object.hasOwn(WHERE_PRECISION, wp) ? WHERE_PRECISION[wp] : undefined;
  if (precision === undefined) {
    issues.push({ field: 'where_prec', value: wp, message: `where_prec '${wp}' is not 1-7` });
    return undefined;
  }
  const pointIssues: FieldIssue[] = [];
  const point = parseLatLon(row, 'latitude', 'longitude', pointIssues, precision === 'exact' || precision === 'near');
  // a coarse event's centroid is only a fallback; an unreadable one is no reason to lose the event
  if (precision === 'exact' || precision === 'near') issues.push(...pointIssues);
  const adm1 = cell(row, 'adm_1');
  const adm2 = cell(row, 'adm_2');
  const province = adm1 === '' ? undefined : normaliseProvince(adm1);
  const placeName = cell(row, 'where_coordinates');
  const resolveAdm2 = () => (adm2 === '' ? undefined : ctx.geocoder.resolveDistrict(adm2, province));

  if (precision === 'exact' || precision === 'near') {
    if (point === undefined) return undefined;
    const located = ctx.geocoder.locate(point.lat, point.lon);
    const named = resolveAdm2();
    // A point that lies farther outside the district UCDP itself names than its precision allows
    // (e.g. "Sui town, Dera Bugti" geocoded to the Gwadar coast) contradicts its own record: the
    // named district is kept and the point dropped, so that no analysis maps the event where it
    // did not happen. The conflict is written into the narrative for the analyst to see.
    if (located !== undefined && named !== undefined && located.district !== named.district) {
      const km = ctx.geocoder.distanceToDistrictKm?.(point.lat, point.lon, named.district);
      if (km !== undefined && km > CONTRADICTION_KM) {
        notes.push(`UCDP coordinates ${point.lat.toFixed(4)}, ${point.lon.toFixed(4)} (where_prec ${wp}) lie ${Math.round(km)} km outside the district it names (${adm2}): placed at district precision in ${named.district}.`);
        return { precision: 'district', district: named.district, province: named.province, ...(placeName === '' ? {} : { placeName }) };
      }
    }
    const loc: Location = { lat: point.lat, lon: point.lon, precision, h3: ctx.geocoder.cell(point.lat, point.lon) };
    const area = located ?? named;
    if (area !== undefined) { loc.district = area.district; loc.province = area.province; } else if (province !== undefined) loc.province = province;
    if (placeName !== '') loc.placeName = placeName;
    return loc;
  }
  if (precision === 'district') {
    const area = resolveAdm2() ?? (point === undefined ? undefined : ctx.geocoder.locate(point.lat, point.lon));
    if (area !== undefined) return { precision: 'district', district: area.district, province: area.province, ...(placeName === '' ? {} : { placeName }) };
    // the district could not be named: say only what is known
    return province === undefined ? { precision: 'unknown' } : { precision: 'province', province };
  }
  if (precision === 'province') {
    // where_prec 4's point is the province centroid; 5's may be a border region spanning several
    const p = province ?? (wp === '4' && point !== undefined ? ctx.geocoder.locate(point.lat, point.lon)?.province : undefined);
    return p === undefined ? { precision: 'unknown' } : { precision: 'province', province: p };
  }
  // 6 (the country) and 7 (international waters): nothing smaller than Pakistan is known
  return { precision: 'unknown' };
}

function ucdpToReport(row: Row, raw: string, _line: number, ctx: AdapterContext): Result<Report, FieldIssue[]> {
  const issues: FieldIssue[] = [];
  const id = cell(row, 'id');
  if (!/^\d+$/.test(id)) issues.push({ field: 'id', value: id, message: id === '' ? 'id is missing' : `id '${id}' is not a UCDP event id` });

  const dp = cell(row, 'date_prec');
  const timePrecision = Object.hasOwn(DATE_PRECISION, dp) ? DATE_PRECISION[dp] : undefined;
  if (timePrecision === undefined) issues.push({ field: 'date_prec', value: dp, message: `date_prec '${dp}' is not 1-5` });
  const ds = cell(row, 'date_start');
  const start = parseIsoDate(ds);
  const occurredAt = start === undefined ? undefined : localDateToUtc(start.y, start.m, start.d, PAKISTAN_TIME_ZONE);
  if (occurredAt === undefined) issues.push({ field: 'date_start', value: ds, message: `date_start '${ds}' is not a valid date (yyyy-MM-dd)` });
  const de = cell(row, 'date_end');
  const end = de === '' ? undefined : parseIsoDate(de);
  if (de !== '' && (end === undefined || localDateToUtc(end.y, end.m, end.d, PAKISTAN_TIME_ZONE) === undefined)) {
    issues.push({ field: 'date_end', value: de, message: `date_end '${de}' is not a valid date (yyyy-MM-dd)` });
  }

  const sideA = cell(row, 'side_a'), sideB = cell(row, 'side_b');
  const mapped = ucdpCategory(cell(row, 'type_of_violence'), sideA, sideB);
  if (!mapped.ok) issues.push(...mapped.error);
  const best = cell(row, 'best');
  const killed = parseCount(row, 'best', issues);
  if (best === '') issues.push({ field: 'best', message: 'best (the best estimate of deaths) is missing' });
  const locationNotes: string[] = [];
  const location = ucdpLocation(row, ctx, issues, locationNotes);
  if (issues.length > 0 || !mapped.ok || occurredAt === undefined || timePrecision === undefined || location === undefined || start === undefined) {
    return { ok: false, error: issues };
  }

  const notes: string[] = [];
  const headline = cell(row, 'source_headline');
  if (headline !== '') notes.push(headline);
  const dyad = cell(row, 'dyad_name');
  if (dyad !== '') notes.push(`UCDP dyad: ${dyad}.`);
  const dsDay = ds.slice(0, 10), deDay = de.slice(0, 10);
  if (deDay !== '' && deDay !== dsDay) notes.push(`Date range ${dsDay} to ${deDay} (date_prec ${dp}).`);
  // UCDP flags events whose details its sources leave unclear; analysts should see that
  if (cell(row, 'event_clarity') === '2') notes.push('UCDP event clarity: low (event_clarity 2).');
  notes.push(...locationNotes);
  const report: Report = {
    occurredAt,
    timePrecision,
    location,
    category: mapped.value.category,
    severity: { killed: killed.n, injured: 0, abducted: 0 },
    classification: 'UNCLASSIFIED',
    reportingMode: 'unknown',
    source: { agency: ctx.agency, sourceId: id, receivedAt: ctx.receivedAt, format: 'ucdp-ged', raw },
  };
  if (notes.length > 0) report.narrative = notes.join(' ');
  if (mapped.value.perpetrator !== undefined) report.perpetrator = mapped.value.perpetrator;
  if (mapped.value.targetType !== undefined) report.targetType = mapped.value.targetType;
  return validateReport(report);
}

export const ucdpAdapter: Adapter = {
  name: 'ucdp-ged',
  reader: 'csv',
  csv: { skipRowsAfterHeader: 1 },
  defaultAgency: 'ucdp',
  toReport: (row, raw, line, ctx) => neverThrow('ucdp-ged', () => ucdpToReport(row, raw, line, ctx)),
};
