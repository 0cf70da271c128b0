/**
 * A hand-written check that a report built by an adapter is one `ReportSchema` accepts unchanged,
 * about ten times cheaper than `ReportSchema.safeParse` (which walks the schema and copies every
 * object). zod stays the definition: this check only ever says "zod would accept this object and
 * return an equal one, keys in the same order"; anything else (a failure, or a shape it does not
 * recognise) goes to zod, which gives the issues. So `checkReport` returns what `safeParse` would
 * — the test suite checks that on generated reports, valid and invalid (report-check.test.ts).
 */
import {
  CLASSIFICATION_LEVELS, LOCATION_PRECISIONS, LocationSchema, REPORTING_MODES, ReportSchema, SeveritySchema, SourceRecordSchema, TIME_PRECISIONS,
  canonicalIsoMs, isCategoryCode, type Report,
} from '@baseerat/engine';

/** zod's own pattern for `occurredAt` (z.iso.datetime, no offset), taken from the schema so the two cannot drift. */
const ISO: RegExp = (ReportSchema.shape.occurredAt as unknown as { _zod: { pattern: RegExp } })._zod.pattern;
const H3 = /^[0-9a-f]{15}$/;

const order = (shape: object) => new Map(Object.keys(shape).map((k, i) => [k, i]));
const REPORT_KEYS = order(ReportSchema.shape);
const LOCATION_KEYS = order(LocationSchema.shape);
const SEVERITY_KEYS = order(SeveritySchema.shape);
const SOURCE_KEYS = order(SourceRecordSchema.shape);
const TIME = new Set<unknown>(TIME_PRECISIONS);
const PLACE = new Set<unknown>(LOCATION_PRECISIONS);
const CLASS = new Set<unknown>(CLASSIFICATION_LEVELS);
const MODE = new Set<unknown>(REPORTING_MODES);

/** A plain object whose own keys are all known, in the schema's order, none `undefined`; `symbols`: and none a symbol. */
function knownKeysInOrder(o: unknown, keys: Map<string, number>, symbols: boolean): o is Record<string, unknown> {
  if (typeof o !== 'object' || o === null || Object.getPrototypeOf(o) !== Object.prototype) return false;
  let last = -1;
  for (const k in o) {
    const i = keys.get(k);
    if (i === undefined || i <= last || (o as Record<string, unknown>)[k] === undefined) return false;
    last = i;
  }
  return !symbols || Object.getOwnPropertySymbols(o).length === 0;
}

const str = (v: unknown): v is string => typeof v === 'string';
const nonEmpty = (v: unknown) => typeof v === 'string' && v.length > 0;
const optStr = (v: unknown) => v === undefined || typeof v === 'string';
const optNonEmpty = (v: unknown) => v === undefined || nonEmpty(v);
/**
 * What zod's pattern answers: toISOString's own form (24 characters, a real time of the years
 * 0100-9999, which the pattern accepts) is recognised by the engine's scanner, anything else asks
 * the pattern. Exported for tests (report-check.test.ts compares it with the pattern).
 */
export const isIsoUtc = (v: unknown): boolean => typeof v === 'string' && (!Number.isNaN(canonicalIsoMs(v)) || ISO.test(v));
const count = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
const inRange = (v: unknown, lim: number) => v === undefined || (typeof v === 'number' && Number.isFinite(v) && v >= -lim && v <= lim);

/**
 * True only when `ReportSchema.safeParse(r)` succeeds with data equal to `r`, key order included.
 * False means "ask zod", not "invalid". `built`: the caller made each of the report's four objects
 * itself as an object literal (the mapping adapter does), so none has a symbol key (zod drops
 * those) and the check does not look for them: four `getOwnPropertySymbols` calls were a third of
 * its time.
 */
export function isCanonicalValidReport(r: unknown, built = false): r is Report {
  const symbols = !built;
  if (!knownKeysInOrder(r, REPORT_KEYS, symbols)) return false;
  if (!isIsoUtc(r.occurredAt) || !TIME.has(r.timePrecision) || !(r.reportedAt === undefined || isIsoUtc(r.reportedAt))) return false;
  if (!str(r.category) || !isCategoryCode(r.category) || !CLASS.has(r.classification) || !MODE.has(r.reportingMode)) return false;
  if (!optStr(r.targetType) || !optStr(r.perpetrator) || !optStr(r.narrative)) return false;
  const l = r.location;
  if (!knownKeysInOrder(l, LOCATION_KEYS, symbols) || !PLACE.has(l.precision) || !inRange(l.lat, 90) || !inRange(l.lon, 180)) return false;
  if (!optNonEmpty(l.district) || !optNonEmpty(l.province) || !optStr(l.placeName) || !(l.h3 === undefined || (str(l.h3) && H3.test(l.h3)))) return false;
  const s = r.severity;
  if (!knownKeysInOrder(s, SEVERITY_KEYS, symbols) || !count(s.killed) || !count(s.injured) || !count(s.abducted)) return false;
  const src = r.source;
  if (!knownKeysInOrder(src, SOURCE_KEYS, symbols)) return false;
  return nonEmpty(src.agency) && nonEmpty(src.sourceId) && isIsoUtc(src.receivedAt) && nonEmpty(src.format) && str(src.raw);
}

/** `ReportSchema.safeParse`, answered without zod for the reports it would accept unchanged. */
export function checkReport(r: unknown): ReturnType<typeof ReportSchema.safeParse> {
  if (isCanonicalValidReport(r)) return { success: true, data: r } as ReturnType<typeof ReportSchema.safeParse>;
  return ReportSchema.safeParse(r);
}
