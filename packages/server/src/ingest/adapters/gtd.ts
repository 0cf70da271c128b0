/**
 * Global Terrorism Database (START, University of Maryland) adapter for its CSV export, column
 * names as in the GTD codebook (eventid, iyear, imonth, iday, approxdate, country_txt, provstate,
 * city, latitude, longitude, specificity, attacktype1_txt, suicide, targtype1_txt,
 * targsubtype1_txt, target1, weaptype1_txt, weapsubtype1_txt, gname, nkill, nwound, nhostkid,
 * summary). Other columns are ignored (kept in the raw record).
 *
 * - time: iyear/imonth/iday as a local (Asia/Karachi) date; iday 0 -> month precision, imonth 0 ->
 *   year precision; `approxdate` goes into the narrative.
 * - place, by `specificity`: 1 (the city's coordinates) -> near, because GTD places an attack at the
 *   city it occurred in, not the street; 2-3 (centroid of an administrative area) -> district, no
 *   point; 4 (province centroid) -> province; 5 -> unknown.
 * - counts: nkill, nwound, nhostkid (-9/-99 and empty = unknown, stored 0 and said in the narrative).
 * - Only events in Pakistan: Baseerat's districts and time zone are Pakistan's; a row of another
 *   country is quarantined saying so.
 */
import { gtdCategory, normaliseGroupName } from '@baseerat/engine/domain/taxonomy-mappings';
import type { FieldIssue, Location, Report, Result, TimePrecision } from '@baseerat/engine';
import type { Adapter, AdapterContext, Row } from '../adapter.js';
import { cell, localDateToUtc, neverThrow, normaliseProvince, PAKISTAN_TIME_ZONE, parseCount, parseLatLon, validateReport } from './common.js';

function gtdTime(row: Row, issues: FieldIssue[]): { occurredAt: string; timePrecision: TimePrecision } | undefined {
  const ys = cell(row, 'iyear'), ms = cell(row, 'imonth'), ds = cell(row, 'iday');
  const int = (s: string) => (/^\d{1,4}$/.test(s) ? Number(s) : undefined);
  const y = int(ys), m = int(ms === '' ? '0' : ms), d = int(ds === '' ? '0' : ds);
  if (y === undefined || y < 1970 || y > 2200) { issues.push({ field: 'iyear', value: ys, message: `iyear '${ys}' is not a year` }); return undefined; }
  if (m === undefined || m > 12) { issues.push({ field: 'imonth', value: ms, message: `imonth '${ms}' is not 0-12` }); return undefined; }
  if (d === undefined || d > 31) { issues.push({ field: 'iday', value: ds, message: `iday '${ds}' is not 0-31` }); return undefined; }
  const timePrecision: TimePrecision = m === 0 ? 'year' : d === 0 ? 'month' : 'day';
  const occurredAt = localDateToUtc(y, m === 0 ? 1 : m, d === 0 || m === 0 ? 1 : d, PAKISTAN_TIME_ZONE);
  if (occurredAt === undefined) { issues.push({ field: 'iday', value: `${ys}-${ms}-${ds}`, message: `iyear/imonth/iday ${ys}-${ms}-${ds} is not a valid date` }); return undefined; }
  return { occurredAt, timePrecision };
}

function gtdLocation(row: Row, ctx: AdapterContext, issues: FieldIssue[]): Location | undefined {
  const spec = cell(row, 'specificity');
  if (!/^[1-5]$/.test(spec)) { issues.push({ field: 'specificity', value: spec, message: `specificity '${spec}' is not 1-5` }); return undefined; }
  const provstate = cell(row, 'provstate');
  const province = provstate === '' ? undefined : normaliseProvince(provstate);
  const city = cell(row, 'city');
  const placeName = city === '' || /^unknown$/i.test(city) ? undefined : city;
  const pointIssues: FieldIssue[] = [];
  const point = parseLatLon(row, 'latitude', 'longitude', pointIssues, spec === '1');
  if (spec === '1') {
    issues.push(...pointIssues);
    if (point === undefined) return undefined;
    const loc: Location = { lat: point.lat, lon: point.lon, precision: 'near', h3: ctx.geocoder.cell(point.lat, point.lon) };
    const area = ctx.geocoder.locate(point.lat, point.lon) ?? (placeName === undefined ? undefined : ctx.geocoder.resolveDistrict(placeName, province));
    if (area !== undefined) { loc.district = area.district; loc.province = area.province; } else if (province !== undefined) loc.province = province;
    if (placeName !== undefined) loc.placeName = placeName;
    return loc;
  }
  if (spec === '2' || spec === '3') {
    const area = (placeName === undefined ? undefined : ctx.geocoder.resolveDistrict(placeName, province))
      ?? (point === undefined ? undefined : ctx.geocoder.locate(point.lat, point.lon));
    if (area !== undefined) return { precision: 'district', district: area.district, province: area.province, ...(placeName === undefined ? {} : { placeName }) };
    return province === undefined ? { precision: 'unknown' } : { precision: 'province', province };
  }
  if (spec === '4') {
    const p = province ?? (point === undefined ? undefined : ctx.geocoder.locate(point.lat, point.lon)?.province);
    return p === undefined ? { precision: 'unknown' } : { precision: 'province', province: p };
  }
  // 5: GTD could not name even a province
  return { precision: 'unknown' };
}

function gtdToReport(row: Row, raw: string, _line: number, ctx: AdapterContext): Result<Report, FieldIssue[]> {
  const issues: FieldIssue[] = [];
  const id = cell(row, 'eventid');
  if (!/^\d{8,14}$/.test(id)) issues.push({ field: 'eventid', value: id, message: id === '' ? 'eventid is missing' : `eventid '${id}' is not a GTD event id` });
  const country = cell(row, 'country_txt');
  if (country.toLowerCase() !== 'pakistan') {
    issues.push({ field: 'country_txt', value: country, message: country === '' ? 'country_txt is missing' : `country_txt '${country}' is outside Baseerat's coverage (Pakistan)` });
  }
  const time = gtdTime(row, issues);
  const mapped = gtdCategory({
    attacktype1_txt: cell(row, 'attacktype1_txt'), suicide: cell(row, 'suicide'), weaptype1_txt: cell(row, 'weaptype1_txt'),
    weapsubtype1_txt: cell(row, 'weapsubtype1_txt'), targtype1_txt: cell(row, 'targtype1_txt'), targsubtype1_txt: cell(row, 'targsubtype1_txt'),
  });
  if (!mapped.ok) issues.push(...mapped.error);
  const killed = parseCount(row, 'nkill', issues, [-9, -99]);
  const injured = parseCount(row, 'nwound', issues, [-9, -99]);
  const abducted = parseCount(row, 'nhostkid', issues, [-9, -99]);
  const location = gtdLocation(row, ctx, issues);
  if (issues.length > 0 || time === undefined || !mapped.ok || location === undefined) return { ok: false, error: issues };

  const notes: string[] = [];
  const summary = cell(row, 'summary');
  if (summary !== '') notes.push(summary);
  const approx = cell(row, 'approxdate');
  if (approx !== '') notes.push(`Approximate date: ${approx}.`);
  if (killed.unknown) notes.push('Deaths unknown in GTD (stored as 0).');
  const report: Report = {
    ...time,
    location,
    category: mapped.value.category,
    severity: { killed: killed.n, injured: injured.n, abducted: abducted.n },
    classification: 'UNCLASSIFIED',
    reportingMode: 'unknown',
    source: { agency: ctx.agency, sourceId: id, receivedAt: ctx.receivedAt, format: 'gtd', raw },
  };
  if (mapped.value.targetType !== undefined) report.targetType = mapped.value.targetType;
  const perpetrator = normaliseGroupName(cell(row, 'gname'));
  if (perpetrator !== undefined) report.perpetrator = perpetrator;
  if (notes.length > 0) report.narrative = notes.join(' ');
  return validateReport(report);
}

export const gtdAdapter: Adapter = {
  name: 'gtd',
  reader: 'csv',
  defaultAgency: 'gtd',
  toReport: (row, raw, line, ctx) => neverThrow('gtd', () => gtdToReport(row, raw, line, ctx)),
};
