/**
 * Mapping between the domain objects (Incident, Report) and the rows of the DuckDB tables.
 *
 * Times are stored as TIMESTAMP (UTC, microseconds) and come back as `Date.toISOString()` text;
 * the store canonicalises every time it is given to that form on the way in (see `canonicalReport`),
 * so that an incident read back equals, string for string, the one consolidation produced.
 */
import { BaseeratError, CLASSIFICATION_LEVELS, canonicalIsoMs, categoryGroup, classificationRank, isCategoryCode, sourceKey, type Incident, type Link, type Location, type Report } from '@baseerat/engine';
import { DuckDBTimestampValue, type DuckDBValue } from '@duckdb/node-api';
import { isoToMs } from './filter-sql.js';

import { IDENTITY_CODEC, type FieldCodec } from '../port.js';

export { IDENTITY_CODEC, type FieldCodec };

/**
 * The epoch milliseconds of `iso` when it is already a canonical time (`YYYY-MM-DDTHH:MM:SS.sssZ`,
 * fields in range, years 100 to 9999: the engine's `canonicalIsoMs`); NaN for any other string (then
 * `Date.parse` and `toISOString` decide, as before). The live path stamps every report with
 * canonical times; `Date.parse` plus `toISOString` per time cost ~4 us a report (profiled, 2026-11-27).
 */
export const canonicalMs: (iso: string) => number = canonicalIsoMs;

export function canonicalIso(iso: string, field: string): string {
  if (!Number.isNaN(canonicalMs(iso))) return iso;
  return new Date(isoToMs(iso, field)).toISOString();
}

export function tsValue(iso: string, field: string): DuckDBTimestampValue {
  const ms = canonicalMs(iso);
  return new DuckDBTimestampValue(BigInt(Number.isNaN(ms) ? isoToMs(iso, field) : ms) * 1000n);
}

/**
 * `tsValue` remembering the last string converted: a run stamps one receivedAt on every report,
 * and parsing it plus a BigInt per row cost more than the rest of the row.
 */
export function lastTsValue(): (iso: string, field: string) => DuckDBTimestampValue {
  let lastIso: string | undefined;
  let last: DuckDBTimestampValue | undefined;
  return (iso, field) => {
    if (iso !== lastIso || last === undefined) { last = tsValue(iso, field); lastIso = iso; }
    return last;
  };
}

/**
 * The report with every time in canonical millisecond ISO form. Also refuses the two values the
 * tables derive columns from (category group, classification rank): reports are validated at the
 * edge with ReportSchema, but a bad one must still fail the batch with a named field, not a TypeError.
 */
export function canonicalReport(r: Report): Report {
  if (!isCategoryCode(r.category)) {
    throw new BaseeratError('VALIDATION', `report ${sourceKey(r.source)}: unknown category ${JSON.stringify(r.category)}`, { field: 'category' });
  }
  if (!(CLASSIFICATION_LEVELS as readonly string[]).includes(r.classification)) {
    throw new BaseeratError('VALIDATION', `report ${sourceKey(r.source)}: unknown classification ${JSON.stringify(r.classification)}`, { field: 'classification' });
  }
  const occurredAt = canonicalIso(r.occurredAt, 'occurredAt');
  const receivedAt = canonicalIso(r.source.receivedAt, 'source.receivedAt');
  const reportedAt = r.reportedAt === undefined ? undefined : canonicalIso(r.reportedAt, 'reportedAt');
  // Reports from the adapters already carry canonical times: no copy then (the store never mutates them).
  if (occurredAt === r.occurredAt && receivedAt === r.source.receivedAt && reportedAt === r.reportedAt) return r;
  const out: Report = { ...r, occurredAt, source: { ...r.source, receivedAt } };
  if (reportedAt !== undefined) out.reportedAt = reportedAt;
  return out;
}

export const INCIDENT_COLUMNS = [
  'id', 'occurred_at', 'time_precision', 'reported_at', 'lat', 'lon', 'location_precision', 'district', 'province', 'h3',
  'place_name', 'category', 'category_group', 'killed', 'injured', 'abducted', 'target_type', 'perpetrator', 'narrative',
  'classification', 'classification_rank', 'reporting_mode', 'source_count', 'links',
] as const;

/**
 * One `incidents` row in table column order. With `narrativeInReport` (the DuckDB store), the
 * narrative of an incident of one source record, which is that record's own (consolidate copies
 * it), is kept only in its `reports` row: `narrative` is NULL here and `incidentFromRow` takes the
 * report's (`soleNarrative`). Rows written before that have NULL there only when the report had no
 * (or an empty) narrative, so they read the same.
 */
export function incidentRow(inc: Incident, codec: FieldCodec, narrativeInReport = false): DuckDBValue[] {
  const l = inc.location;
  return [
    inc.id,
    tsValue(inc.occurredAt, 'occurredAt'),
    inc.timePrecision,
    inc.reportedAt === undefined ? null : tsValue(inc.reportedAt, 'reportedAt'),
    l.lat ?? null,
    l.lon ?? null,
    l.precision,
    l.district ?? null,
    l.province ?? null,
    l.h3 ?? null,
    l.placeName ?? null,
    inc.category,
    categoryGroup(inc.category),
    inc.severity.killed,
    inc.severity.injured,
    inc.severity.abducted,
    inc.targetType ?? null,
    inc.perpetrator ?? null,
    inc.narrative === undefined || (narrativeInReport && inc.sources.length === 1) ? null : codec.encode(inc.narrative, 'incidents.narrative', inc.id),
    inc.classification,
    classificationRank(inc.classification),
    inc.reportingMode,
    inc.sources.length,
    JSON.stringify(inc.links),
  ];
}

/**
 * The `incidents` row of an incident made of one report and no link: the row
 * `incidentRow(consolidate(id, [r], []), codec, true)` gives, without building the Incident (consolidate
 * sorts, copies and reduces for one element). The store's tests check the two agree.
 */
export function singleReportIncidentRow(id: string, r: Report, codec: FieldCodec, narrativeInReport = false): DuckDBValue[] {
  const l = r.location;
  const narrative = narrativeInReport || r.narrative === undefined || r.narrative === '' ? undefined : r.narrative;
  return [
    id,
    tsValue(r.occurredAt, 'occurredAt'),
    r.timePrecision,
    r.reportedAt === undefined ? null : tsValue(r.reportedAt, 'reportedAt'),
    l.lat ?? null,
    l.lon ?? null,
    l.precision,
    l.district ?? null,
    l.province ?? null,
    l.h3 ?? null,
    l.placeName ?? null,
    r.category,
    categoryGroup(r.category),
    r.severity.killed,
    r.severity.injured,
    r.severity.abducted,
    r.targetType ?? null,
    r.perpetrator ?? null,
    narrative === undefined ? null : codec.encode(narrative, 'incidents.narrative', id),
    r.classification,
    classificationRank(r.classification),
    r.reportingMode === 'public' || r.reportingMode === 'discovered' ? r.reportingMode : 'unknown',
    1,
    '[]',
  ];
}

/** The SELECT list that `incidentFromRow` reads (alias `i`). */
export const INCIDENT_SELECT = `i.id, epoch_ms(i.occurred_at)::DOUBLE AS occurred_ms, i.time_precision,
  epoch_ms(i.reported_at)::DOUBLE AS reported_ms, i.lat, i.lon, i.location_precision, i.district, i.province, i.h3,
  i.place_name, i.category, i.killed, i.injured, i.abducted, i.target_type, i.perpetrator, i.narrative,
  i.classification, i.reporting_mode, i.links::VARCHAR AS links, i.source_count`;

type Js = unknown;

const str = (v: Js): string => String(v);
const num = (v: Js): number => Number(v);

/**
 * Incident from a row of INCIDENT_SELECT plus its sources (already in received order) and, for an
 * incident of one source record, that record's narrative (`decodeRecord`), which is then its own.
 */
export function incidentFromRow(r: readonly Js[], sources: Incident['sources'], codec: FieldCodec, soleNarrative?: string): Incident {
  const location: Location = { precision: str(r[6]) as Location['precision'] };
  if (r[4] != null) location.lat = num(r[4]);
  if (r[5] != null) location.lon = num(r[5]);
  if (r[7] != null) location.district = str(r[7]);
  if (r[8] != null) location.province = str(r[8]);
  if (r[9] != null) location.h3 = str(r[9]);
  if (r[10] != null) location.placeName = str(r[10]);
  const inc: Incident = {
    id: str(r[0]),
    occurredAt: new Date(num(r[1])).toISOString(),
    timePrecision: str(r[2]) as Incident['timePrecision'],
    location,
    category: str(r[11]) as Incident['category'],
    severity: { killed: num(r[12]), injured: num(r[13]), abducted: num(r[14]) },
    classification: str(r[18]) as Incident['classification'],
    reportingMode: str(r[19]) as Incident['reportingMode'],
    sources,
    links: JSON.parse(str(r[20])) as Link[],
  };
  if (r[3] != null) inc.reportedAt = new Date(num(r[3])).toISOString();
  if (r[15] != null) inc.targetType = str(r[15]);
  if (r[16] != null) inc.perpetrator = str(r[16]);
  if (r[17] != null) inc.narrative = codec.decode(str(r[17]), 'incidents.narrative', inc.id);
  else if (num(r[21]) === 1 && soleNarrative !== undefined && soleNarrative !== '') inc.narrative = soleNarrative;
  return inc;
}

export const REPORT_COLUMNS = ['seq', 'agency', 'source_id', 'incident_id', 'received_at', 'format', 'raw', 'narrative', 'fields'] as const;

/** `reports.layout` of the rows written now: raw record and narrative encoded as one value (migration 3). */
export const RECORD_LAYOUT = 2;

/**
 * The raw record and narrative of a `reports` row, by its layout: 2 = one value (field
 * reports.record) holding the JSON pair [raw, narrative or null]; NULL = rows written before
 * schema version 3, raw alone (field reports.raw) and the narrative in its own column.
 */
export function decodeRecord(stored: string, layout: Js, narrativeColumn: Js, key: string, codec: FieldCodec): { raw: string; narrative?: string } {
  if (layout == null) {
    const raw = codec.decode(stored, 'reports.raw', key);
    return narrativeColumn == null ? { raw } : { raw, narrative: codec.decode(str(narrativeColumn), 'reports.narrative', key) };
  }
  if (Number(layout) !== RECORD_LAYOUT) throw new BaseeratError('PARSE', `report ${key}: unknown record layout ${String(layout)}`, { field: 'layout' });
  const pair = JSON.parse(codec.decode(stored, 'reports.record', key)) as [string, string | null];
  return pair[1] === null ? { raw: pair[0] } : { raw: pair[0], narrative: pair[1] };
}

/**
 * One `reports` row: the report's own fields as JSON, minus the two confidential texts. By default
 * (the PostgreSQL store) those are encoded each in its own column (REPORT_COLUMNS); with `layout`
 * RECORD_LAYOUT (the DuckDB store) they are encoded together in `raw`, `narrative` is NULL, and the
 * row ends with the `layout` column.
 */
export function reportRow(
  seq: number, incidentId: string, r: Report, codec: FieldCodec, ts: (iso: string, field: string) => DuckDBTimestampValue = tsValue, layout?: typeof RECORD_LAYOUT,
): DuckDBValue[] {
  const { narrative, source } = r;
  const raw = source.raw;
  // The JSON of `{ ...rest of r, source: rest of source }`, keys in r's order. Copying by loop costs
  // less than half of rest/spread (measured, 100k reports: 190 vs 480 ms CPU with the stringify).
  const fields: Record<string, unknown> = {};
  for (const k in r) if (k !== 'narrative' && k !== 'source') fields[k] = r[k as keyof Report];
  const sourceFields: Record<string, unknown> = {};
  for (const k in source) if (k !== 'raw') sourceFields[k] = source[k as keyof Report['source']];
  fields.source = sourceFields;
  const key = sourceKey(source);
  // `source` is fields' last key, as in `{ ...rest of r, source }`
  const json = JSON.stringify(fields);
  if (layout === RECORD_LAYOUT) {
    return [BigInt(seq), source.agency, source.sourceId, incidentId, ts(source.receivedAt, 'source.receivedAt'), source.format,
      codec.encode(JSON.stringify([raw, narrative ?? null]), 'reports.record', key), null, json, RECORD_LAYOUT];
  }
  return [
    BigInt(seq),
    source.agency,
    source.sourceId,
    incidentId,
    ts(source.receivedAt, 'source.receivedAt'),
    source.format,
    codec.encode(raw, 'reports.raw', key),
    narrative === undefined ? null : codec.encode(narrative, 'reports.narrative', key),
    json,
  ];
}

/** The SELECT list that `reportFromRow` reads (alias `r`); a table with a `layout` column (DuckDB) adds it (DUCKDB_REPORT_SELECT). */
export const REPORT_SELECT = `r.incident_id, r.raw, r.narrative, r.fields::VARCHAR AS fields, r.seq`;
export const DUCKDB_REPORT_SELECT = `${REPORT_SELECT}, r.layout`;

export function reportFromRow(row: readonly Js[], codec: FieldCodec): Report {
  const fields = JSON.parse(str(row[3])) as Omit<Report, 'narrative' | 'source'> & { source: Omit<Report['source'], 'raw'> };
  const key = sourceKey(fields.source);
  const { raw, narrative } = decodeRecord(str(row[1]), row[5], row[2], key, codec);
  const report: Report = { ...fields, source: { ...fields.source, raw } };
  if (narrative !== undefined) report.narrative = narrative;
  return report;
}

export function assertNonEmpty(id: string, reports: readonly Report[]): void {
  if (reports.length === 0) throw new BaseeratError('VALIDATION', `incident ${id}: reports is empty`, { field: 'reports' });
}

/** Defines `raw` on a source as decoded on first read (a caller may still assign it): the lists' sources, whose raw records a list never reads. */
export function lazyRaw(source: Omit<Incident['sources'][number], 'raw'>, raw: () => string): Incident['sources'][number] {
  return Object.defineProperty(source, 'raw', {
    enumerable: true, configurable: true,
    get: raw,
    set(this: object, v: string) { Object.defineProperty(this, 'raw', { value: v, writable: true, enumerable: true, configurable: true }); },
  }) as Incident['sources'][number];
}
