/**
 * Helpers shared by the built-in adapters: reading string cells, parsing numbers and dates into
 * field issues (never exceptions), local calendar dates to UTC, province names, and the final
 * validation of a Report through the engine's schema.
 */
import { checkReport } from '../report-check.js';
import type { FieldIssue, Report, Result } from '@baseerat/engine';
import type { Row } from '../adapter.js';

/** A cell as a trimmed string: '' for missing, null or non-scalar values. */
export function cell(row: Row, key: string): string {
  if (!Object.hasOwn(row, key)) return '';
  const v = row[key];
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return '';
}

/** A finite number, or an issue naming the field; '' gives `undefined` without an issue when optional. */
export function parseNumber(row: Row, key: string, issues: FieldIssue[], opts: { required: boolean }): number | undefined {
  const s = cell(row, key);
  if (s === '') {
    if (opts.required) issues.push({ field: key, message: `${key} is missing` });
    return undefined;
  }
  // Number('') and Number(' ') are 0 and Number('0x1A') is 26: accept plain decimals only
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) {
    issues.push({ field: key, value: s, message: `${key} '${s}' is not a number` });
    return undefined;
  }
  return Number(s);
}

/**
 * A non-negative count (deaths, wounded, hostages). Empty or a negative "unknown" code (GTD's
 * -99, -9) gives 0 and `unknown: true`, because the Report's severity has no unknown; callers say
 * so in the narrative. Fractions (GTD writes "3.0") are accepted when whole.
 */
export function parseCount(row: Row, key: string, issues: FieldIssue[], unknownCodes: readonly number[] = []): { n: number; unknown: boolean } {
  const s = cell(row, key);
  if (s === '') return { n: 0, unknown: true };
  const v = parseNumber(row, key, issues, { required: false });
  if (v === undefined) return { n: 0, unknown: true };
  if (unknownCodes.includes(v)) return { n: 0, unknown: true };
  if (v < 0 || !Number.isInteger(v) || v > 1e6) {
    issues.push({ field: key, value: s, message: `${key} '${s}' is not a count (a whole number from 0)` });
    return { n: 0, unknown: true };
  }
  return { n: v, unknown: false };
}

export function parseLatLon(row: Row, latKey: string, lonKey: string, issues: FieldIssue[], required: boolean): { lat: number; lon: number } | undefined {
  const before = issues.length;
  const lat = parseNumber(row, latKey, issues, { required });
  const lon = parseNumber(row, lonKey, issues, { required });
  if (issues.length > before || lat === undefined || lon === undefined) return undefined;
  if (lat < -90 || lat > 90 || lon < -180 || lon > 180) {
    issues.push({ field: latKey, value: `${lat},${lon}`, message: `${latKey} ${lat} ${lonKey} ${lon} is not a valid coordinate pair` });
    return undefined;
  }
  return { lat, lon };
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();
const offsetCache = new Map<string, number>();

/** Offset of `timeZone` from UTC at instant `ms`, in minutes (Asia/Karachi: +300, +360 in its 2002 and 2008-09 summers). */
export function zoneOffsetMinutes(ms: number, timeZone: string): number {
  let f = offsetFormatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    offsetFormatters.set(timeZone, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(new Date(ms))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const asUtc = Date.UTC(p.year ?? 1970, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60000);
}

/**
 * The UTC instant (ISO) of local midnight starting calendar day y-m-d in `timeZone`: how a date
 * known only to the day, month or year is stored (domain/incident.ts). Undefined for an impossible
 * date such as 2023-02-30.
 */
export function localDateToUtc(y: number, m: number, d: number, timeZone: string): string | undefined {
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d) || y < 1800 || y > 2200 || m < 1 || m > 12 || d < 1 || d > 31) return undefined;
  const guess = Date.UTC(y, m - 1, d);
  const check = new Date(guess);
  if (check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) return undefined;
  const key = `${timeZone}|${y}-${m}-${d}`;
  let off = offsetCache.get(key);
  if (off === undefined) {
    off = zoneOffsetMinutes(guess - zoneOffsetMinutes(guess, timeZone) * 60000, timeZone);
    if (offsetCache.size > 100_000) offsetCache.clear();
    offsetCache.set(key, off);
  }
  return new Date(guess - off * 60000).toISOString();
}

/** y-m-d from 'yyyy-MM-dd' optionally followed by a time ('1990-10-04 00:00:00.000'). */
export function parseIsoDate(s: string): { y: number; m: number; d: number } | undefined {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$/.exec(s.trim());
  if (m === null) return undefined;
  return { y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) };
}

const PROVINCES: ReadonlyMap<string, string> = new Map(Object.entries({
  'balochistan': 'Balochistan', 'baluchistan': 'Balochistan', 'balochistan province': 'Balochistan', 'baluchistan province': 'Balochistan',
  'sindh': 'Sindh', 'sind': 'Sindh', 'sindh province': 'Sindh',
  'punjab': 'Punjab', 'punjab province': 'Punjab',
  'khyber pakhtunkhwa': 'Khyber Pakhtunkhwa', 'khyber pakhtunkwa': 'Khyber Pakhtunkhwa', 'khyber pakhtunkhwa province': 'Khyber Pakhtunkhwa',
  'khyber pakhtunkwa province': 'Khyber Pakhtunkhwa', 'kpk': 'Khyber Pakhtunkhwa', 'kp': 'Khyber Pakhtunkhwa', 'nwfp': 'Khyber Pakhtunkhwa',
  'north-west frontier province': 'Khyber Pakhtunkhwa', 'north west frontier province': 'Khyber Pakhtunkhwa',
  // the tribal areas were merged into Khyber Pakhtunkhwa in 2018; the 2023 boundaries place them there
  'federally administered tribal areas': 'Khyber Pakhtunkhwa', 'fata': 'Khyber Pakhtunkhwa',
  'azad jammu & kashmir': 'Azad Jammu & Kashmir', 'azad jammu and kashmir': 'Azad Jammu & Kashmir', 'azad kashmir': 'Azad Jammu & Kashmir', 'ajk': 'Azad Jammu & Kashmir',
  'gilgit-baltistan': 'Gilgit-Baltistan', 'gilgit baltistan': 'Gilgit-Baltistan', 'northern areas': 'Gilgit-Baltistan',
  'islamabad capital territory': 'Islamabad Capital Territory', 'islamabad': 'Islamabad Capital Territory', 'ict': 'Islamabad Capital Territory',
  'federal capital territory': 'Islamabad Capital Territory',
}));

/** Canonical province (names of the 2023 boundaries' `provinces` layer) for a name as a source writes it. */
export function normaliseProvince(name: string): string | undefined {
  return PROVINCES.get(name.trim().replace(/\s+/g, ' ').toLowerCase());
}

/** Validates a built Report through the engine's strict schema, turning zod issues into field issues. */
export function validateReport(report: Report): Result<Report, FieldIssue[]> {
  const parsed = checkReport(report);
  if (parsed.success) return { ok: true, value: parsed.data };
  return {
    ok: false,
    error: parsed.error.issues.map((i) => ({ field: i.path.map(String).join('.') || 'report', message: i.message })),
  };
}

/** Runs an adapter body so that any unexpected exception becomes a quarantine reason: adapters never throw. */
export function neverThrow(name: string, body: () => Result<Report, FieldIssue[]>): Result<Report, FieldIssue[]> {
  try {
    return body();
  } catch (e) {
    return { ok: false, error: [{ field: 'row', message: `${name} adapter failed on this row: ${e instanceof Error ? e.message : String(e)}` }] };
  }
}

export const PAKISTAN_TIME_ZONE = 'Asia/Karachi';
