/**
 * NIJ Real-Time Crime Forecasting Challenge (2017), Portland Police Bureau calls for service.
 * Two layouts:
 * - `portland-nij`: the shipped training files `data/reference/portland-nij/portland_cfs_*.csv`
 *   (comma-separated: occ_date yyyy-MM-dd, x_coordina, y_coordina, week_no, month_no, day_mo,
 *   occ_year, day_no, fyear, call_group_type, case_desc_type). Categories are numeric codes there:
 *   decoded by `nijEncodedCategory`, or forced with `createPortlandNijAdapter({ category })`.
 * - `portland-nij-2016`: the challenge's original monthly files (`;`-separated, space-padded:
 *   CATEGORY;CALL GROUPS;final_case_type;CASE DESC;occ_date dd/MM/yyyy;x_coordinate;y_coordinate;
 *   census_tract), CATEGORY mapped by `nijCategory`.
 *
 * Coordinates are NAD83(HARN) / Oregon North in international feet (EPSG:2913, the shipped .prj);
 * converted to WGS84 with proj4: the Lambert conformal conic of the .prj, then the datum shift
 * PROJ itself picks for this pair (EPSG "NAD83(HARN) to WGS 84 (3)", a Helmert transformation good
 * to 1 m; about 0.6 m here). Location is exact with an H3 cell; no Pakistani district; province 'Oregon'.
 * `toOregonNorthFeet` gives the feet back for the challenge's grid-cell scoring.
 *
 * sourceId: the files have no id column, so `nij-` + FNV-1a 64 of (layout, category, the row's
 * cells in column order, line number). The same file re-ingested gives the same ids; identical
 * rows on different lines (the burglary file has 17 such) stay distinct; an edited row is new.
 */
import proj4 from 'proj4';
import { fnv1a64 } from '@baseerat/engine';
import type { CategoryCode, FieldIssue, Report, Result } from '@baseerat/engine';
import { nijCategory, nijEncodedCategory } from '@baseerat/engine/domain/taxonomy-mappings';
import type { Adapter, AdapterContext, Row } from '../adapter.js';
import { cell, localDateToUtc, neverThrow, parseIsoDate, parseNumber, validateReport } from './common.js';

/**
 * EPSG:2913 as written in the shipped .prj (false easting 8202099.7375 ft = 2,500,000 m), with the
 * EPSG:1580 Helmert parameters to WGS 84. EPSG publishes them in the coordinate-frame convention;
 * proj4's towgs84 takes position-vector rotations, hence the opposite signs.
 */
export const OREGON_NORTH_FT_INTL =
  '+proj=lcc +lat_1=44.33333333333334 +lat_2=46 +lat_0=43.66666666666666 +lon_0=-120.5 +x_0=2500000 +y_0=0 +ellps=GRS80 '
  + '+towgs84=-0.991,1.9072,0.5129,0.0257899075194932,0.0096500989602704,0.0116599432323421,0 +units=ft +no_defs';
const converter = proj4(OREGON_NORTH_FT_INTL, 'WGS84');
export const PORTLAND_TIME_ZONE = 'America/Los_Angeles';

/** WGS84 latitude/longitude of a point given in Oregon North international feet. */
export function oregonNorthFeetToWgs84(x: number, y: number): { lat: number; lon: number } {
  const [lon, lat] = converter.forward([x, y]);
  return { lat: lat!, lon: lon! };
}

/** Oregon North international feet of a WGS84 point: the NIJ challenge scores grid cells in feet. */
export function toOregonNorthFeet(lat: number, lon: number): { x: number; y: number } {
  const [x, y] = converter.inverse([lon, lat]);
  return { x: x!, y: y! };
}

/** The original x/y in feet of a row of either layout; undefined when missing or not numbers. */
export function portlandRowFeet(row: Row): { x: number; y: number } | undefined {
  const issues: FieldIssue[] = [];
  const xKey = Object.hasOwn(row, 'x_coordina') ? 'x_coordina' : 'x_coordinate';
  const yKey = Object.hasOwn(row, 'y_coordina') ? 'y_coordina' : 'y_coordinate';
  const x = parseNumber(row, xKey, issues, { required: true });
  const y = parseNumber(row, yKey, issues, { required: true });
  return x === undefined || y === undefined || issues.length > 0 ? undefined : { x, y };
}

// Extent of the City of Portland with a margin, in feet: a point outside is a coding error
// (0, or a swapped x/y), not a Portland call.
const EXTENT = { xMin: 7_550_000, xMax: 7_750_000, yMin: 600_000, yMax: 780_000 };

interface Layout {
  name: string;
  xKey: string;
  yKey: string;
  columns: readonly string[];
  date(s: string): { y: number; m: number; d: number } | undefined;
  dateFormat: string;
  category(row: Row, issues: FieldIssue[]): CategoryCode | undefined;
  narrative(row: Row): string | undefined;
}

function buildReport(layout: Layout, row: Row, raw: string, line: number, ctx: AdapterContext): Result<Report, FieldIssue[]> {
  const issues: FieldIssue[] = [];
  const ds = cell(row, 'occ_date');
  const date = layout.date(ds);
  const occurredAt = date === undefined ? undefined : localDateToUtc(date.y, date.m, date.d, PORTLAND_TIME_ZONE);
  if (occurredAt === undefined) issues.push({ field: 'occ_date', value: ds, message: `occ_date '${ds}' is not a valid date (${layout.dateFormat})` });
  const x = parseNumber(row, layout.xKey, issues, { required: true });
  const y = parseNumber(row, layout.yKey, issues, { required: true });
  if (x !== undefined && y !== undefined && (x < EXTENT.xMin || x > EXTENT.xMax || y < EXTENT.yMin || y > EXTENT.yMax)) {
    issues.push({ field: layout.xKey, value: `${x},${y}`, message: `${layout.xKey} ${x} ${layout.yKey} ${y} (feet, EPSG:2913) is outside Portland` });
  }
  const category = layout.category(row, issues);
  if (issues.length > 0 || occurredAt === undefined || x === undefined || y === undefined || category === undefined) return { ok: false, error: issues };

  const { lat, lon } = oregonNorthFeetToWgs84(x, y);
  const content = layout.columns.map((c) => cell(row, c)).join('\u001f');
  const report: Report = {
    occurredAt,
    timePrecision: 'day',
    location: { lat, lon, precision: 'exact', province: 'Oregon', h3: ctx.geocoder.cell(lat, lon), placeName: 'Portland, Oregon' },
    category,
    severity: { killed: 0, injured: 0, abducted: 0 },
    classification: 'UNCLASSIFIED',
    reportingMode: 'public',
    source: { agency: ctx.agency, sourceId: `nij-${fnv1a64(`${layout.name}\u001e${category}\u001e${content}\u001e${line}`)}`, receivedAt: ctx.receivedAt, format: layout.name, raw },
  };
  const narrative = layout.narrative(row);
  if (narrative !== undefined) report.narrative = narrative;
  return validateReport(report);
}

const SHIPPED_COLUMNS = ['occ_date', 'x_coordina', 'y_coordina', 'week_no', 'month_no', 'day_mo', 'occ_year', 'day_no', 'fyear', 'call_group_type', 'case_desc_type'];

/**
 * Adapter for the shipped comma-separated training files. With `category` every row gets it (use
 * it for a per-category file whose codes are not in the decoding table); without, the category is
 * decoded from (call_group_type, case_desc_type).
 */
export function createPortlandNijAdapter(opts: { category?: CategoryCode } = {}): Adapter {
  const layout: Layout = {
    name: 'portland-nij',
    xKey: 'x_coordina',
    yKey: 'y_coordina',
    columns: SHIPPED_COLUMNS,
    date: parseIsoDate,
    dateFormat: 'yyyy-MM-dd',
    category(row, issues) {
      if (opts.category !== undefined) return opts.category;
      const g = cell(row, 'call_group_type'), d = cell(row, 'case_desc_type');
      const c = nijEncodedCategory(g, d);
      if (c === undefined) {
        issues.push({ field: 'call_group_type', value: `${g}:${d}`, message: `call_group_type '${g}' with case_desc_type '${d}' is not a known NIJ category code` });
      }
      return c;
    },
    narrative: (row) => `NIJ call_group_type ${cell(row, 'call_group_type')}, case_desc_type ${cell(row, 'case_desc_type')}.`,
  };
  return {
    name: 'portland-nij',
    reader: 'csv',
    csv: { delimiter: ',', trim: true },
    defaultAgency: 'portland-police',
    toReport: (row, raw, line, ctx) => neverThrow('portland-nij', () => buildReport(layout, row, raw, line, ctx)),
  };
}

function parseDayMonthYear(s: string): { y: number; m: number; d: number } | undefined {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s.trim());
  return m === null ? undefined : { y: Number(m[3]), m: Number(m[2]), d: Number(m[1]) };
}

const ORIGINAL_COLUMNS = ['CATEGORY', 'CALL GROUPS', 'final_case_type', 'CASE DESC', 'occ_date', 'x_coordinate', 'y_coordinate', 'census_tract'];

/** Adapter for the challenge's original `;`-separated files (e.g. NIJ2016_AUG01_AUG31.csv). */
export const portlandNij2016Adapter: Adapter = (() => {
  const layout: Layout = {
    name: 'portland-nij-2016',
    xKey: 'x_coordinate',
    yKey: 'y_coordinate',
    columns: ORIGINAL_COLUMNS,
    date: parseDayMonthYear,
    dateFormat: 'dd/MM/yyyy',
    category(row, issues) {
      const v = cell(row, 'CATEGORY');
      const c = nijCategory(v);
      if (c === undefined) issues.push({ field: 'CATEGORY', value: v, message: `CATEGORY '${v}' is not an NIJ category (BURGLARY, MOTOR VEHICLE THEFT, STREET CRIMES, OTHER)` });
      return c;
    },
    narrative(row) {
      const parts = [cell(row, 'CATEGORY'), cell(row, 'CALL GROUPS'), cell(row, 'CASE DESC')].filter((p) => p !== '');
      return parts.length === 0 ? undefined : `${parts.join(' / ')} (${cell(row, 'final_case_type')})`;
    },
  };
  return {
    name: 'portland-nij-2016',
    reader: 'csv',
    csv: { delimiter: ';', trim: true },
    defaultAgency: 'portland-police',
    toReport: (row, raw, line, ctx) => neverThrow('portland-nij-2016', () => buildReport(layout, row, raw, line, ctx)),
  };
})();

export const portlandNijAdapter: Adapter = createPortlandNijAdapter();
