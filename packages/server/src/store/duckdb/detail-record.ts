/**
 * What the incident detail side file (detail-file.ts) holds per incident version, and how an
 * Incident is made from it: the values DuckDB returns for `getIncident`'s two queries (the row of
 * INCIDENT_SELECT and, per source, REPORT_COLUMNS), as JSON `[row, sources]`. Sensitive values are
 * kept as the tables keep them (ciphertext under the codec), and an Incident is built from either
 * origin by the one function `incidentFromStored`, so the side file and DuckDB answer alike.
 */
import { sourceKey, type Incident } from '@baseerat/engine';
import { DuckDBTimestampValue, type DuckDBValue } from '@duckdb/node-api';
import { decodeRecord, incidentFromRow, lazyRaw, type FieldCodec } from './rows.js';

/** One source as stored: agency, source id, received_at (epoch ms), format, stored raw (record), layout, stored narrative. */
export type StoredSource = [string, string, number, string, string, number | null, string | null];

const str = (v: unknown): string => String(v);

/**
 * The incident from its INCIDENT_SELECT row and its sources' stored columns, in received order
 * (each source's 7 values from index `at` of its row, as StoredSource orders them).
 */
export function incidentFromStored(row: readonly unknown[], sources: readonly (readonly unknown[])[], at: number, codec: FieldCodec): Incident {
  const out: Incident['sources'] = [];
  // the narrative of the first report: an incident of one source record has its narrative there only (rows.ts incidentRow)
  let firstNarrative: string | undefined;
  for (let k = 0; k < sources.length; k++) {
    const s = sources[k]!;
    const agency = str(s[at]), sourceId = str(s[at + 1]);
    const { raw, narrative } = decodeRecord(str(s[at + 4]), s[at + 5], s[at + 6], sourceKey({ agency, sourceId }), codec);
    if (k === 0) firstNarrative = narrative;
    out.push({ agency, sourceId, receivedAt: new Date(Number(s[at + 2])).toISOString(), format: str(s[at + 3]), raw });
  }
  return incidentFromRow(row, out, codec, firstNarrative);
}

/** The side file's payload of an incident version. */
export function detailPayload(row: readonly unknown[], sources: readonly StoredSource[]): Buffer {
  return Buffer.from(detailPayloadText(row, sources), 'utf8');
}

/** The side file's payload of an incident version as text (`detailPayload` is its UTF-8 bytes; DetailFile.add takes either). */
export function detailPayloadText(row: readonly unknown[], sources: readonly StoredSource[]): string {
  return JSON.stringify([row, sources]);
}

/**
 * `detailPayloadText(row, sources)` from the row's JSON text (`JSON.stringify(row)`), made earlier:
 * the JSON of a two-element array is its elements' JSON between brackets, joined by a comma.
 */
export function detailPayloadOf(rowJson: string, sources: readonly StoredSource[]): string {
  return detailPayloadParts(rowJson, sources).join('');
}

/** `detailPayloadOf` in its consecutive parts, for DetailFile.add to write into the frame without joining them first. */
export function detailPayloadParts(rowJson: string, sources: readonly StoredSource[]): string[] {
  return ['[', rowJson, ',', JSON.stringify(sources), ']'];
}

/** The incident of a side-file payload. */
export function incidentFromDetail(payload: Buffer, codec: FieldCodec): Incident {
  const [row, sources] = JSON.parse(payload.toString('utf8')) as [unknown[], StoredSource[]];
  return incidentFromStored(row, sources, 0, codec);
}

/** A side-file payload parsed: the INCIDENT_SELECT row and the stored sources (sensitive values ciphertext). */
export type DetailRecord = readonly [readonly unknown[], readonly StoredSource[]];

/** Parses a side-file payload (DetailFile.readParsed keeps the result: callers must not modify it). */
export function parseDetail(payload: Buffer): DetailRecord {
  return JSON.parse(payload.toString('utf8')) as DetailRecord;
}

/**
 * Per parsed record (as DetailFile.readParsed keeps them): whether its sole source record holds a
 * narrative, learnt when the record is first decoded, so that a record without one is not
 * decrypted again for each list (the DuckDB list's cached page keeps the same bit: incident-list.ts
 * `withNarrativeFlags`). One bit per record, no plaintext.
 */
const soleNarrated = new WeakMap<DetailRecord, boolean>();

/**
 * The incident of a parsed side-file payload as the incident list gives it (incident-list.ts
 * `incidentsOf`, the DuckDB list path): each source's raw record decoded only when a caller reads
 * it (`lazyRaw`; the API's list never does), at most once. The one record decoded at once is the
 * sole source record of an incident whose narrative is kept there (its row's narrative NULL, one
 * source, unless it is known to hold none): the narrative is part of that record's ciphertext.
 * Equal, field for field, to `incidentFromDetail`. Reads `record` without modifying it (it may be
 * shared: DetailFile.readParsed).
 */
export function listedIncident(record: DetailRecord, codec: FieldCodec): Incident {
  const [row, sources] = record;
  const out: Incident['sources'] = [];
  const soleInRecord = row[17] == null && Number(row[21]) === 1;
  let soleNarrative: string | undefined;
  for (let k = 0; k < sources.length; k++) {
    const s = sources[k]!;
    const agency = str(s[0]), sourceId = str(s[1]);
    let once: { raw: string; narrative?: string } | undefined;
    const decoded = () => (once ??= decodeRecord(str(s[4]), s[5], s[6], sourceKey({ agency, sourceId }), codec));
    if (k === 0 && soleInRecord && soleNarrated.get(record) !== false) {
      soleNarrative = decoded().narrative;
      soleNarrated.set(record, soleNarrative !== undefined);
    }
    out.push(lazyRaw({ agency, sourceId, receivedAt: new Date(Number(s[2])).toISOString(), format: str(s[3]) }, () => decoded().raw));
  }
  return incidentFromRow(row, out, codec, soleNarrative);
}

const ms = (v: DuckDBValue): number | null => (v === null ? null : Number((v as DuckDBTimestampValue).micros / 1000n));

/**
 * The INCIDENT_SELECT values (rows.ts) of an `incidents` row in table column order
 * (INCIDENT_COLUMNS, as incidentRow and singleReportIncidentRow make it), as DuckDB would return them.
 */
export function selectedIncidentRow(r: readonly DuckDBValue[]): unknown[] {
  return [r[0], ms(r[1]!), r[2], ms(r[3]!), r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[13], r[14], r[15], r[16], r[17], r[18], r[19], r[21], r[23], r[22]];
}

/** The stored source of a `reports` row as reportRow makes it (seq, agency, source_id, incident_id, received_at, format, raw, narrative, fields, layout). */
export function storedSourceOfReportRow(r: readonly DuckDBValue[]): StoredSource {
  return [str(r[1]), str(r[2]), ms(r[4]!)!, str(r[5]), str(r[6]), r[9] == null ? null : Number(r[9]), r[7] == null ? null : str(r[7])];
}

/** Sources in the order getIncident reads them: received_at, then seq. */
export function sortSources(sources: { seq: number; source: StoredSource }[]): StoredSource[] {
  return sources.sort((a, b) => a.source[2] - b.source[2] || a.seq - b.seq).map((s) => s.source);
}
