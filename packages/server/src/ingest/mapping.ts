/**
 * Agency mapping files: a declarative JSON description of one agency's feed (which column holds
 * what, how its dates are written, how its categories map onto the taxonomy), validated by a
 * strict zod schema and compiled into an `Adapter` named `mapping:<agency>`. Compiling does all
 * the per-file work once (date patterns, lower-cased value maps, zone offsets) so that a row costs
 * a few property reads, one geocoder call and one `ReportSchema` check.
 *
 * See docs/ingest.md for the reference of every key, and data/mappings/examples/ for examples.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import {
  BaseeratError, CLASSIFICATION_LEVELS, LOCATION_PRECISIONS, REPORTING_MODES, err, isCategoryCode, isoUtcString, ok,
  type Classification, type FieldIssue, type Geocoder, type Location, type LocationPrecision, type Report,
  type ReportingMode, type Result,
} from '@baseerat/engine';
import type { Adapter, AdapterContext, Row, RowValue } from './adapter.js';
import { canonicalUtcMs, compileDateFormat, compileTimeFormat, toUtcMs, type DateParser } from './date-format.js';
import { isValidTimeZone, ZoneOffsets } from './time-zone.js';
import { checkReport, isCanonicalValidReport } from './report-check.js';

/** Points this close to a district (km) are placed in it rather than quarantined as outside Pakistan. */
const COAST_SNAP_KM = 2;

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const specKeys = {
  /** Column (CSV header) or property (NDJSON/GeoJSON; `a.b` reaches into nested objects). */
  column: z.string().min(1).optional(),
  /** A constant instead of a column. */
  value: scalar.optional(),
  /** Value map, applied to non-empty values: exact match first, then case-insensitive. */
  map: z.record(z.string(), scalar).optional(),
  /** Used when the column is empty or missing. */
  default: scalar.optional(),
};
const oneSource = (s: { column?: string | undefined; value?: unknown }) => (s.column === undefined) !== (s.value === undefined);
const oneSourceMsg = { message: 'give exactly one of "column" or "value"' };

export const FieldSpecSchema = z.strictObject(specKeys).refine(oneSource, oneSourceMsg);
export const TimeFieldSpecSchema = z.strictObject({
  ...specKeys,
  /** Date pattern (`dd/MM/yyyy`, `yyyy-MM-dd HH:mm`, `iso`); default `iso`. */
  format: z.string().min(1).optional(),
  /** A separate column holding the time of day. */
  timeColumn: z.string().min(1).optional(),
  /** Pattern of `timeColumn`; default `HH:mm`. */
  timeFormat: z.string().min(1).optional(),
}).refine(oneSource, oneSourceMsg);
export type FieldSpec = z.infer<typeof FieldSpecSchema>;
export type TimeFieldSpec = z.infer<typeof TimeFieldSpecSchema>;

export const MappingFieldsSchema = z.strictObject({
  sourceId: FieldSpecSchema,
  occurredAt: TimeFieldSpecSchema,
  reportedAt: TimeFieldSpecSchema.optional(),
  lat: FieldSpecSchema.optional(),
  lon: FieldSpecSchema.optional(),
  /** Location precision (exact, near, district, province, unknown); default exact with coordinates. */
  precision: FieldSpecSchema.optional(),
  place: FieldSpecSchema.optional(),
  district: FieldSpecSchema.optional(),
  province: FieldSpecSchema.optional(),
  category: FieldSpecSchema,
  killed: FieldSpecSchema.optional(),
  injured: FieldSpecSchema.optional(),
  abducted: FieldSpecSchema.optional(),
  targetType: FieldSpecSchema.optional(),
  perpetrator: FieldSpecSchema.optional(),
  narrative: FieldSpecSchema.optional(),
  classification: FieldSpecSchema.optional(),
  reportingMode: FieldSpecSchema.optional(),
});

export const MappingSchema = z.strictObject({
  $schema: z.string().optional(),
  description: z.string().optional(),
  /** Agency code stamped on every source record; part of the idempotency key `agency:sourceId`. */
  agency: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'letters, digits, _ . - only (it is part of the key agency:sourceId)'),
  reader: z.enum(['csv', 'ndjson', 'geojson']),
  delimiter: z.string().length(1, 'one character (use "\\t" for tab)').optional(),
  skipRowsAfterHeader: z.number().int().nonnegative().optional(),
  trim: z.boolean().optional(),
  /** IANA zone of times written without an offset; default Asia/Karachi. */
  timezone: z.string().refine(isValidTimeZone, { message: 'not an IANA time zone known to this runtime (e.g. Asia/Karachi)' }).optional(),
  classification: z.enum(CLASSIFICATION_LEVELS).optional(),
  reportingMode: z.enum(REPORTING_MODES).optional(),
  fields: MappingFieldsSchema,
}).superRefine((m, ctx) => {
  const at = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  for (const key of ['occurredAt', 'reportedAt'] as const) {
    const f = m.fields[key];
    if (f === undefined) continue;
    const p = compileDateFormat(f.format ?? 'iso');
    if (typeof p === 'string') at(['fields', key, 'format'], p);
    if (f.timeFormat !== undefined && f.timeColumn === undefined) at(['fields', key, 'timeFormat'], 'timeFormat needs timeColumn');
    if (f.timeColumn !== undefined) {
      const t = compileTimeFormat(f.timeFormat ?? 'HH:mm');
      if (typeof t === 'string') at(['fields', key, 'timeFormat'], t);
      if (typeof p !== 'string' && p.pattern !== 'iso' && p.hasTime) at(['fields', key, 'timeColumn'], `format '${p.pattern}' already has a time of day`);
    }
  }
  const enumCheck = (key: keyof typeof m.fields, ok: (v: string) => boolean, what: string) => {
    const f = m.fields[key];
    if (f === undefined) return;
    for (const [k, v] of Object.entries(f.map ?? {})) if (!ok(String(v))) at(['fields', key, 'map', k], `'${String(v)}' is not ${what}`);
    if (f.value !== undefined && f.map === undefined && !ok(String(f.value))) at(['fields', key, 'value'], `'${String(f.value)}' is not ${what}`);
    if (f.default !== undefined && !ok(String(f.default))) at(['fields', key, 'default'], `'${String(f.default)}' is not ${what}`);
  };
  enumCheck('category', isCategoryCode, 'a taxonomy category code (e.g. TI.BOMB, CR.MURDER)');
  enumCheck('classification', (v) => (CLASSIFICATION_LEVELS as readonly string[]).includes(v), `a classification (${CLASSIFICATION_LEVELS.join(', ')})`);
  enumCheck('precision', (v) => (LOCATION_PRECISIONS as readonly string[]).includes(v), `a location precision (${LOCATION_PRECISIONS.join(', ')})`);
  enumCheck('reportingMode', (v) => (REPORTING_MODES as readonly string[]).includes(v), `a reporting mode (${REPORTING_MODES.join(', ')})`);
  for (const key of ['killed', 'injured', 'abducted'] as const) {
    const d = m.fields[key]?.default;
    if (d !== undefined && !isCount(String(d))) at(['fields', key, 'default'], `'${String(d)}' is not a whole number >= 0`);
  }
  if ((m.fields.lat === undefined) !== (m.fields.lon === undefined)) at(['fields', m.fields.lat === undefined ? 'lat' : 'lon'], 'lat and lon are mapped together or not at all');
});
export type Mapping = z.infer<typeof MappingSchema>;

function pathOf(p: readonly PropertyKey[]): string {
  return p.map((k) => (typeof k === 'number' ? `[${k}]` : String(k))).join('.').replace(/\.\[/g, '[');
}

/** Validates a parsed mapping document; issues name the key (`fields.occurredAt.format`). */
export function parseMapping(doc: unknown): Result<Mapping, FieldIssue[]> {
  const r = MappingSchema.safeParse(doc);
  if (r.success) return ok(r.data);
  const issues: FieldIssue[] = [];
  for (const i of r.error.issues) {
    const base = pathOf(i.path);
    if (i.code === 'unrecognized_keys') {
      for (const k of i.keys) issues.push({ field: base === '' ? k : `${base}.${k}`, message: 'unknown key' });
    } else {
      issues.push({ field: base === '' ? '(top level)' : base, message: i.message });
    }
  }
  return err(issues);
}

/** Reads, parses and compiles a mapping file; throws a CONFIG error listing every problem. */
export async function loadMappingFile(path: string): Promise<MappingAdapter> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new BaseeratError('CONFIG', `mapping file ${path} cannot be read: ${(e as Error).message}`, { field: 'mapping', cause: e });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new BaseeratError('CONFIG', `mapping file ${path} is not valid JSON: ${(e as Error).message}`, { field: 'mapping' });
  }
  const m = parseMapping(doc);
  if (!m.ok) {
    const list = m.error.map((i) => `${i.field}: ${i.message}`).join('; ');
    throw new BaseeratError('CONFIG', `mapping file ${path}: ${list}`, { field: m.error[0]?.field ?? 'mapping', details: { issues: m.error } });
  }
  return mappingAdapter(m.value);
}

// ---------------------------------------------------------------------------------------------
// Compiled field access

const COUNT = /^\d+(?:\.0*)?$/;
function isCount(s: string): boolean {
  return COUNT.test(s);
}

function text(v: RowValue): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean') return String(v);
  try { return JSON.stringify(v); } catch { return ''; }
}

interface Field {
  key: string;
  /** Where the value comes from, for messages: `column type` or `value 'x'`. */
  from: string;
  column: string | undefined;
  path: string[] | undefined;
  constant: string | undefined;
  def: string | undefined;
  map: Map<string, string> | undefined;
  lmap: Map<string, string> | undefined;
}

function compileField(key: string, s: FieldSpec | undefined): Field | undefined {
  if (s === undefined) return undefined;
  const map = s.map === undefined ? undefined : new Map(Object.entries(s.map).map(([k, v]) => [k, String(v)]));
  let lmap: Map<string, string> | undefined;
  if (map !== undefined) {
    lmap = new Map();
    for (const [k, v] of map) if (!lmap.has(k.toLowerCase())) lmap.set(k.toLowerCase(), v);
  }
  return {
    key,
    from: s.column !== undefined ? `column ${s.column}` : `value '${String(s.value)}'`,
    column: s.column,
    path: s.column !== undefined && s.column.includes('.') ? s.column.split('.') : undefined,
    constant: s.value === undefined ? undefined : String(s.value),
    def: s.default === undefined ? undefined : String(s.default),
    map,
    lmap,
  };
}

function rawOf(f: Field, row: Row): string {
  if (f.constant !== undefined) return f.constant;
  let v: RowValue = row[f.column!];
  if (v === undefined && f.path !== undefined) {
    v = row;
    for (const k of f.path) {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) { v = undefined; break; }
      v = (v as Record<string, RowValue>)[k];
    }
  }
  return text(v);
}

/**
 * The field's value: the default ('' without one) when empty, else the mapped value, else the text
 * itself (see `unmapped`). A string, not an object: this runs about ten times per record.
 */
function valueOf(f: Field, row: Row): string {
  const t = rawOf(f, row);
  if (t === '') return f.def ?? '';
  if (f.map === undefined) return t;
  return f.map.get(t) ?? f.lmap!.get(t.toLowerCase()) ?? t;
}

/** Whether the field has a value map that has no entry for the row's (non-empty) value; for messages. */
function unmapped(f: Field, row: Row): boolean {
  if (f.map === undefined) return false;
  const t = rawOf(f, row);
  return t !== '' && f.map.get(t) === undefined && f.lmap!.get(t.toLowerCase()) === undefined;
}

/** The location with the record's place name when it has none (a module function: a closure per record cost a defineProperty under tsx). */
function withPlaceName(l: Location, placeName: string | undefined): Location {
  return placeName !== undefined && l.placeName === undefined ? { ...l, placeName } : l;
}

/** What `readTime` read: one object per time field, filled again for each row and read at once by `toReport`. */
interface TimeRead {
  ms: number;
  hasTime: boolean;
  /** The value itself when it is already the canonical UTC form that `isoUtcString(ms)` would write. */
  canonical: string | undefined;
}

interface TimeField extends Field {
  parser: DateParser;
  timeColumn: string | undefined;
  timeParser: DateParser | undefined;
  read: TimeRead;
}

function compileTime(key: string, s: TimeFieldSpec | undefined): TimeField | undefined {
  if (s === undefined) return undefined;
  const parser = compileDateFormat(s.format ?? 'iso');
  const timeParser = s.timeColumn === undefined ? undefined : compileTimeFormat(s.timeFormat ?? 'HH:mm');
  // the schema's superRefine has already rejected bad patterns
  if (typeof parser === 'string') throw new BaseeratError('CONFIG', `fields.${key}.format: ${parser}`, { field: `fields.${key}.format` });
  if (typeof timeParser === 'string') throw new BaseeratError('CONFIG', `fields.${key}.timeFormat: ${timeParser}`, { field: `fields.${key}.timeFormat` });
  return { ...compileField(key, s)!, parser, timeColumn: s.timeColumn, timeParser, read: { ms: 0, hasTime: false, canonical: undefined } };
}

const show = (v: string) => `'${v.length > 80 ? `${v.slice(0, 80)}…` : v}'`;

/**
 * Reads a time field: UTC ms and whether a time of day was known (in the field's `read`, valid until
 * the next row), or an issue.
 */
function readTime(f: TimeField, row: Row, zone: ZoneOffsets, issues: FieldIssue[], required: boolean): TimeRead | undefined {
  const v = valueOf(f, row);
  if (v === '') {
    if (required) issues.push({ field: f.key, value: '', message: `${f.key}: empty (${f.from})` });
    return undefined;
  }
  const out = f.read;
  // The live feed writes its times as toISOString does: such a value is its own UTC time and its own
  // stored text, with no parse into parts and no formatting back (canonicalUtcMs answers what the
  // general path below would, test/ingest/date-format-iso.test.ts)
  const c = f.parser.pattern === 'iso' ? canonicalUtcMs(v) : Number.NaN;
  if (!Number.isNaN(c)) {
    out.ms = c; out.hasTime = true; out.canonical = v;
    return out;
  }
  out.canonical = undefined;
  const p = f.parser.parse(v);
  if (p === undefined) {
    issues.push({ field: f.key, value: v, message: `${f.key}: ${show(v)} is not a valid date (format ${f.parser.pattern})` });
    return undefined;
  }
  if (f.timeColumn !== undefined && !p.hasTime) {
    const tv = text(row[f.timeColumn]);
    if (tv !== '') {
      const tod = f.timeParser!.parseTimeOfDay(tv);
      if (tod === undefined) {
        issues.push({ field: f.key, value: tv, message: `${f.key}: time ${show(tv)} is not a valid time of day (format ${f.timeParser!.pattern.replace(`yyyy-MM-dd'T'`, '')}, column ${f.timeColumn})` });
        return undefined;
      }
      out.ms = toUtcMs({ local: p.local + tod, offset: p.offset, hasTime: true }, zone); out.hasTime = true;
      return out;
    }
  }
  out.ms = toUtcMs(p, zone); out.hasTime = p.hasTime;
  return out;
}

function readCount(f: Field | undefined, row: Row, issues: FieldIssue[]): number {
  if (f === undefined) return 0;
  if (f.constant === undefined && f.map === undefined) {
    // A JSON number that is a whole number >= 0 (NDJSON feeds): what the text path below reads from
    // it (String, the pattern, Number), without writing it out and reading it back; + 0 makes -0 the 0 it reads
    const n = row[f.column!];
    if (typeof n === 'number' && Number.isSafeInteger(n) && n >= 0) return n + 0;
  }
  const v = valueOf(f, row);
  if (v === '') return 0;
  if (!isCount(v)) {
    issues.push({ field: f.key, value: v, message: `${f.key}: ${show(v)} is not a whole number >= 0 (${f.from})` });
    return 0;
  }
  return Math.trunc(Number(v));
}

function readCoord(f: Field, row: Row): number | undefined | null {
  if (f.constant === undefined && f.path === undefined) {
    const v = row[f.column!];
    if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  }
  const v = valueOf(f, row);
  if (v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

export interface MappingAdapter extends Adapter {
  readonly mapping: Mapping;
  /** Columns the mapping reads that a CSV header lacks, as issues naming the field (checked once per file). */
  checkColumns(columns: readonly string[]): FieldIssue[];
}

/** Compiles a validated mapping into an adapter. */
export function mappingAdapter(m: Mapping): MappingAdapter {
  const F = m.fields;
  const sourceId = compileField('sourceId', F.sourceId)!;
  const occurredAt = compileTime('occurredAt', F.occurredAt)!;
  const reportedAt = compileTime('reportedAt', F.reportedAt);
  const lat = compileField('lat', F.lat);
  const lon = compileField('lon', F.lon);
  const precision = compileField('precision', F.precision);
  const place = compileField('place', F.place);
  const district = compileField('district', F.district);
  const province = compileField('province', F.province);
  const category = compileField('category', F.category)!;
  const killed = compileField('killed', F.killed);
  const injured = compileField('injured', F.injured);
  const abducted = compileField('abducted', F.abducted);
  const targetType = compileField('targetType', F.targetType);
  const perpetrator = compileField('perpetrator', F.perpetrator);
  const narrative = compileField('narrative', F.narrative);
  const classification = compileField('classification', F.classification);
  const reportingMode = compileField('reportingMode', F.reportingMode);
  const zone = new ZoneOffsets(m.timezone ?? 'Asia/Karachi');
  const name = `mapping:${m.agency}`;

  const optText = (f: Field | undefined, row: Row): string | undefined => {
    if (f === undefined) return undefined;
    const v = valueOf(f, row);
    return v === '' ? undefined : v;
  };

  const locate = (row: Row, geo: Geocoder, issues: FieldIssue[]): Location | undefined => {
    const provinceHint = optText(province, row);
    const placeName = optText(place, row);
    let prec: LocationPrecision | undefined;
    if (precision !== undefined) {
      const p = valueOf(precision, row);
      if (p !== '') {
        if (!(LOCATION_PRECISIONS as readonly string[]).includes(p)) {
          issues.push({ field: 'precision', value: p, message: `precision: ${show(p)} is not ${unmapped(precision, row) ? `in the mapping for ${precision.from}` : `a location precision (${LOCATION_PRECISIONS.join(', ')})`}` });
          return undefined;
        }
        prec = p as LocationPrecision;
      }
    }
    const la = lat === undefined ? undefined : readCoord(lat, row);
    const lo = lon === undefined ? undefined : readCoord(lon, row);
    if (la !== undefined || lo !== undefined) {
      if (la === undefined || lo === undefined || la === null || lo === null) {
        // the texts only for the message (writing a number out per record showed in profiles)
        const latS = lat === undefined ? '' : rawOf(lat, row), lonS = lon === undefined ? '' : rawOf(lon, row);
        issues.push({ field: la === undefined || la === null ? 'lat' : 'lon', value: `${latS} ${lonS}`, message: `lat: ${show(latS)} lon: ${show(lonS)} are not a pair of numbers` });
        return undefined;
      }
      if (la < -90 || la > 90 || lo < -180 || lo > 180) {
        issues.push({ field: 'lat', value: `${la} ${lo}`, message: `coordinates ${la}, ${lo} are not valid (latitude -90..90, longitude -180..180)` });
        return undefined;
      }
      // A harbour or beach point a little off the clipped OSM coastline (or a border post drawn just
      // across the line) belongs to the nearest district within COAST_SNAP_KM, not in quarantine.
      const area = geo.locate(la, lo) ?? geo.locateWithin?.(la, lo, COAST_SNAP_KM);
      if (area === undefined) {
        const swapped = la >= -180 && la <= 180 && lo >= -90 && lo <= 90 ? geo.locate(lo, la) : undefined;
        issues.push({
          field: 'lat', value: `${la} ${lo}`,
          message: `coordinates ${la}, ${lo} are outside Pakistan's districts (and more than ${COAST_SNAP_KM} km from any)${swapped === undefined ? '' : ` (swapped, they would fall in ${swapped.district}: are lat and lon the wrong way round?)`}`,
        });
        return undefined;
      }
      const p = prec ?? 'exact';
      if (p === 'exact' || p === 'near') {
        return withPlaceName({ lat: la, lon: lo, precision: p, district: area.district, province: area.province, h3: geo.cell(la, lo) }, placeName);
      }
      // a coarse precision stated with coordinates: the coordinates are a centroid, not a point
      if (p === 'district') return withPlaceName({ precision: 'district', district: area.district, province: area.province }, placeName);
      if (p === 'province') return withPlaceName({ precision: 'province', province: area.province }, placeName);
      return withPlaceName({ precision: 'unknown' }, placeName);
    }
    if (placeName !== undefined && prec !== 'district' && prec !== 'province' && prec !== 'unknown') {
      const pm = geo.findPlace(placeName, provinceHint);
      if (pm !== undefined) {
        return { lat: pm.lat, lon: pm.lon, precision: 'near', district: pm.district, province: pm.province, h3: geo.cell(pm.lat, pm.lon), placeName };
      }
    }
    const dName = optText(district, row);
    if (dName !== undefined && prec !== 'province' && prec !== 'unknown') {
      const a = geo.resolveDistrict(dName, provinceHint);
      if (a === undefined) {
        issues.push({ field: 'district', value: dName, message: `district: ${show(dName)} is not a known district${provinceHint === undefined ? '' : ` of ${provinceHint}`}` });
        return undefined;
      }
      return withPlaceName({ precision: 'district', district: a.district, province: a.province }, placeName);
    }
    if (placeName !== undefined && prec === undefined) {
      issues.push({ field: 'place', value: placeName, message: `place: ${show(placeName)} is not in the gazetteer and no district is given` });
      return undefined;
    }
    if (provinceHint !== undefined && prec !== 'unknown') return withPlaceName({ precision: 'province', province: provinceHint }, placeName);
    return withPlaceName({ precision: 'unknown' }, placeName);
  };

  const notClassification = `a classification (${CLASSIFICATION_LEVELS.join(', ')})`;
  const notReportingMode = `a reporting mode (${REPORTING_MODES.join(', ')})`;
  const enumValue = <T extends string>(f: Field | undefined, row: Row, allowed: readonly T[], what: string, issues: FieldIssue[]): T | undefined => {
    if (f === undefined) return undefined;
    const v = valueOf(f, row);
    if (v === '') return undefined;
    if ((allowed as readonly string[]).includes(v)) return v as T;
    issues.push({ field: f.key, value: v, message: unmapped(f, row) ? `${f.key}: ${show(v)} is not in the mapping for ${f.from}` : `${f.key}: ${show(v)} is not ${what}` });
    return undefined;
  };

  const toReport = (row: Row, raw: string, _line: number, ctx: AdapterContext): Result<Report, FieldIssue[]> => {
    const issues: FieldIssue[] = [];
    const sid = valueOf(sourceId, row);
    if (sid === '') issues.push({ field: 'sourceId', value: '', message: `sourceId: empty (${sourceId.from})` });
    const occ = readTime(occurredAt, row, zone, issues, true);
    const rep = reportedAt === undefined ? undefined : readTime(reportedAt, row, zone, issues, false);
    let cat: string | undefined;
    {
      const v = valueOf(category, row);
      if (v === '') issues.push({ field: 'category', value: '', message: `category: empty (${category.from})` });
      else if (isCategoryCode(v)) cat = v;
      else issues.push({ field: 'category', value: v, message: unmapped(category, row) ? `category: ${show(v)} is not in the mapping for ${category.from}` : `category: ${show(v)} is not a taxonomy category code` });
    }
    const severity = { killed: readCount(killed, row, issues), injured: readCount(injured, row, issues), abducted: readCount(abducted, row, issues) };
    const cls = enumValue<Classification>(classification, row, CLASSIFICATION_LEVELS, notClassification, issues);
    const mode = enumValue<ReportingMode>(reportingMode, row, REPORTING_MODES, notReportingMode, issues);
    const location = locate(row, ctx.geocoder, issues);
    if (issues.length > 0 || occ === undefined || location === undefined || cat === undefined) {
      return err(issues.length > 0 ? issues : [{ field: 'row', message: 'row could not be read' }]);
    }
    // Keys in ReportSchema's order, which is the order zod's output has: checkReport then takes
    // this object as it is instead of a copy.
    const report = { occurredAt: occ.canonical ?? isoUtcString(occ.ms), timePrecision: occ.hasTime ? 'exact' : 'day' } as Report;
    if (rep !== undefined) report.reportedAt = rep.canonical ?? isoUtcString(rep.ms);
    report.location = location;
    report.category = cat as Report['category'];
    report.severity = severity;
    const tt = optText(targetType, row);
    if (tt !== undefined) report.targetType = tt;
    const pp = optText(perpetrator, row);
    if (pp !== undefined) report.perpetrator = pp;
    const nn = optText(narrative, row);
    if (nn !== undefined) report.narrative = nn;
    report.classification = cls ?? m.classification ?? ctx.classification;
    report.reportingMode = mode ?? m.reportingMode ?? ctx.reportingMode;
    report.source = { agency: ctx.agency, sourceId: sid, receivedAt: ctx.receivedAt, format: name, raw };
    // what checkReport answers for such a report, without its result object; `built`: report,
    // location, severity and source are all object literals of this file (no symbol keys)
    if (isCanonicalValidReport(report, true)) return ok(report);
    const checked = checkReport(report);
    if (!checked.success) {
      return err(checked.error.issues.map((i) => ({ field: pathOf(i.path), message: `${pathOf(i.path)}: ${i.message}` })));
    }
    return ok(checked.data);
  };

  const columnsRead = (): Array<[string, string]> => {
    const out: Array<[string, string]> = [];
    for (const [key, s] of Object.entries(F) as Array<[string, TimeFieldSpec | undefined]>) {
      if (s === undefined) continue;
      // a column with a default may legitimately be absent from some agencies' exports
      if (s.column !== undefined && s.default === undefined) out.push([s.column, `fields.${key}.column`]);
      if (s.timeColumn !== undefined) out.push([s.timeColumn, `fields.${key}.timeColumn`]);
    }
    return out;
  };

  return {
    name,
    reader: m.reader,
    csv: {
      ...(m.delimiter === undefined ? {} : { delimiter: m.delimiter }),
      ...(m.skipRowsAfterHeader === undefined ? {} : { skipRowsAfterHeader: m.skipRowsAfterHeader }),
      ...(m.trim === undefined ? {} : { trim: m.trim }),
    },
    defaultAgency: m.agency,
    mapping: m,
    toReport,
    checkColumns(columns) {
      const have = new Set(columns);
      return columnsRead()
        .filter(([c]) => !have.has(c))
        .map(([c, key]) => ({ field: key, value: c, message: `${key}: column '${c}' is not in the file's header` }));
    },
  };
}
