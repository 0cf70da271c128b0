/**
 * ACLED (Armed Conflict Location & Event Data) adapter for the documented export columns:
 * event_id_cnty, event_date, year, time_precision, disorder_type, event_type, sub_event_type,
 * actor1, assoc_actor_1, inter1, actor2, assoc_actor_2, inter2, interaction, civilian_targeting,
 * iso, region, country, admin1, admin2, admin3, location, latitude, longitude, geo_precision,
 * source, source_scale, notes, fatalities, tags, timestamp.
 *
 * - time: `event_date` as `2023-01-31` or `31 January 2023` (both occur in ACLED exports), a local
 *   (Asia/Karachi) date; time_precision 1 -> day; 2 (the week is known) -> month, date kept;
 *   3 (the month is known) -> month, stored at the first of the month.
 * - place: geo_precision 1 -> exact, 2 -> near (point, H3, district from the point or `admin2`);
 *   3 (a larger region, coded to a central town) -> district from `admin2`, no point.
 * - fatalities -> killed; ACLED records no injured or abducted counts.
 * - categories: `acledCategory` in engine/domain/taxonomy-mappings.ts; a known event type that is
 *   not an incident (Agreement, Headquarters or base established...) is quarantined saying so.
 * - Only events in Pakistan (time zone and districts are Pakistan's).
 */
import { acledCategory } from '@baseerat/engine/domain/taxonomy-mappings';
import type { FieldIssue, Location, Report, Result, TimePrecision } from '@baseerat/engine';
import type { Adapter, AdapterContext, Row } from '../adapter.js';
import { cell, localDateToUtc, neverThrow, normaliseProvince, PAKISTAN_TIME_ZONE, parseCount, parseIsoDate, parseLatLon, validateReport } from './common.js';

const MONTHS: Readonly<Record<string, number>> = {
  january: 1, february: 2, march: 3, april: 4, may: 5, june: 6, july: 7, august: 8, september: 9, october: 10, november: 11, december: 12,
  jan: 1, feb: 2, mar: 3, apr: 4, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
};

/** y-m-d of an ACLED event_date: `2023-01-31`, `31 January 2023` or `31-January-2023`. */
export function parseAcledDate(s: string): { y: number; m: number; d: number } | undefined {
  const iso = parseIsoDate(s);
  if (iso !== undefined) return iso;
  const m = /^(\d{1,2})[ -]([A-Za-z]+)[ -](\d{4})$/.exec(s.trim());
  if (m === null) return undefined;
  const month = Object.hasOwn(MONTHS, m[2]!.toLowerCase()) ? MONTHS[m[2]!.toLowerCase()] : undefined;
  return month === undefined ? undefined : { y: Number(m[3]), m: month, d: Number(m[1]) };
}

function acledTime(row: Row, issues: FieldIssue[]): { occurredAt: string; timePrecision: TimePrecision } | undefined {
  const s = cell(row, 'event_date');
  const tp = cell(row, 'time_precision');
  if (!/^[123]$/.test(tp)) { issues.push({ field: 'time_precision', value: tp, message: `time_precision '${tp}' is not 1, 2 or 3` }); return undefined; }
  const date = parseAcledDate(s);
  const occurredAt = date === undefined ? undefined : localDateToUtc(date.y, date.m, tp === '3' ? 1 : date.d, PAKISTAN_TIME_ZONE);
  if (date === undefined || occurredAt === undefined || localDateToUtc(date.y, date.m, date.d, PAKISTAN_TIME_ZONE) === undefined) {
    issues.push({ field: 'event_date', value: s, message: `event_date '${s}' is not a valid date (yyyy-MM-dd or d MMMM yyyy)` });
    return undefined;
  }
  return { occurredAt, timePrecision: tp === '1' ? 'day' : 'month' };
}

function acledLocation(row: Row, ctx: AdapterContext, issues: FieldIssue[]): Location | undefined {
  const gp = cell(row, 'geo_precision');
  if (!/^[123]$/.test(gp)) { issues.push({ field: 'geo_precision', value: gp, message: `geo_precision '${gp}' is not 1, 2 or 3` }); return undefined; }
  const admin1 = cell(row, 'admin1'), admin2 = cell(row, 'admin2');
  const province = admin1 === '' ? undefined : normaliseProvince(admin1);
  const place = cell(row, 'location');
  const resolveAdmin2 = () => (admin2 === '' ? undefined : ctx.geocoder.resolveDistrict(admin2, province));
  const pointIssues: FieldIssue[] = [];
  const point = parseLatLon(row, 'latitude', 'longitude', pointIssues, gp !== '3');
  if (gp !== '3') {
    issues.push(...pointIssues);
    if (point === undefined) return undefined;
    const loc: Location = { lat: point.lat, lon: point.lon, precision: gp === '1' ? 'exact' : 'near', h3: ctx.geocoder.cell(point.lat, point.lon) };
    const area = ctx.geocoder.locate(point.lat, point.lon) ?? resolveAdmin2();
    if (area !== undefined) { loc.district = area.district; loc.province = area.province; } else if (province !== undefined) loc.province = province;
    if (place !== '') loc.placeName = place;
    return loc;
  }
  const area = resolveAdmin2() ?? (point === undefined ? undefined : ctx.geocoder.locate(point.lat, point.lon));
  if (area !== undefined) return { precision: 'district', district: area.district, province: area.province, ...(place === '' ? {} : { placeName: place }) };
  return province === undefined ? { precision: 'unknown' } : { precision: 'province', province };
}

function acledToReport(row: Row, raw: string, _line: number, ctx: AdapterContext): Result<Report, FieldIssue[]> {
  const issues: FieldIssue[] = [];
  const id = cell(row, 'event_id_cnty');
  if (!/^[A-Z]{2,4}\d+$/.test(id)) issues.push({ field: 'event_id_cnty', value: id, message: id === '' ? 'event_id_cnty is missing' : `event_id_cnty '${id}' is not an ACLED event id` });
  const country = cell(row, 'country');
  if (country.toLowerCase() !== 'pakistan') {
    issues.push({ field: 'country', value: country, message: country === '' ? 'country is missing' : `country '${country}' is outside Baseerat's coverage (Pakistan)` });
  }
  const time = acledTime(row, issues);
  const mapped = acledCategory({
    event_type: cell(row, 'event_type'), sub_event_type: cell(row, 'sub_event_type'), actor1: cell(row, 'actor1'), actor2: cell(row, 'actor2'),
    inter1: cell(row, 'inter1'), inter2: cell(row, 'inter2'), country, notes: cell(row, 'notes'),
  });
  if (!mapped.ok) issues.push(...mapped.error);
  else if (mapped.value.category === null) {
    const et = cell(row, 'event_type'), st = cell(row, 'sub_event_type');
    issues.push({ field: 'sub_event_type', value: st, message: `ACLED '${et}: ${st}' is not an incident Baseerat records` });
  }
  if (cell(row, 'fatalities') === '') issues.push({ field: 'fatalities', message: 'fatalities is missing' });
  const killed = parseCount(row, 'fatalities', issues);
  const location = acledLocation(row, ctx, issues);
  if (issues.length > 0 || time === undefined || !mapped.ok || mapped.value.category === null || location === undefined) return { ok: false, error: issues };

  const report: Report = {
    ...time,
    location,
    category: mapped.value.category,
    severity: { killed: killed.n, injured: 0, abducted: 0 },
    classification: 'UNCLASSIFIED',
    reportingMode: 'unknown',
    source: { agency: ctx.agency, sourceId: id, receivedAt: ctx.receivedAt, format: 'acled', raw },
  };
  if (mapped.value.perpetrator !== undefined) report.perpetrator = mapped.value.perpetrator;
  if (cell(row, 'civilian_targeting') !== '') report.targetType = 'Civilians';
  const notes = cell(row, 'notes');
  if (notes !== '') report.narrative = notes;
  return validateReport(report);
}

export const acledAdapter: Adapter = {
  name: 'acled',
  reader: 'csv',
  defaultAgency: 'acled',
  toReport: (row, raw, line, ctx) => neverThrow('acled', () => acledToReport(row, raw, line, ctx)),
};
