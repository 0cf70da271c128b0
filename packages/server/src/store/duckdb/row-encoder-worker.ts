/**
 * The row encoder's worker thread (loaded through row-encoder-entry.mjs; main side: row-encoder.ts).
 * For each new incident of a batch it makes what DuckDBStore.writeBatch would make on the main
 * thread for it when all its reports are new: the canonical reports, the `incidents` row and the
 * `reports` rows, with the sensitive fields encrypted by the store's data key (the same functions of
 * rows.ts, so the same values). The seq columns are left for the store (it numbers them inside its
 * transaction); TIMESTAMP values travel as microseconds (bigint), the rest as they are.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { BaseeratError, consolidate, type NewIncident } from '@baseerat/engine';
import { DuckDBTimestampValue, type DuckDBValue } from '@duckdb/node-api';
import { FieldCipher, type KeyRing } from '../../security/field-cipher.js';
import { IDENTITY_CODEC, type FieldCodec } from '../port.js';
import { detailPayload, selectedIncidentRow, sortSources, storedSourceOfReportRow } from './detail-record.js';
import { canonicalReport, incidentRow, lastTsValue, RECORD_LAYOUT, reportRow, singleReportIncidentRow } from './rows.js';
import { keepLinks, type EncodedIncident, type RowEncoderData, type RowEncoderReply, type RowEncoderRequest } from './row-encoder.js';

const data = workerData as RowEncoderData;

function codecOf(d: RowEncoderData): FieldCodec {
  if (d.codec === undefined) return IDENTITY_CODEC;
  const { keyId, key, dataset } = d.codec;
  const k = Buffer.from(key);
  // FieldCipher reads only these two of its key ring: the one key the main thread's codec writes with
  const ring = { activeKeyId: (ds: string) => (ds === dataset ? keyId : undefined), key: (id: string) => { if (id !== keyId) throw new BaseeratError('CONFIG', `unknown data key ${id}`, { field: 'keyId' }); return k; } };
  return new FieldCipher(ring as unknown as KeyRing, dataset);
}

const codec = codecOf(data);

/** TIMESTAMP columns: incidents occurred_at (1), reported_at (3); reports received_at (4). */
function micros(row: DuckDBValue[], i: number): void {
  const v = row[i];
  if (v instanceof DuckDBTimestampValue) row[i] = v.micros;
}

/** The incident's rows, and with `detail` its side-file payload (detail-record.ts; a new incident's sources are its reports, in their order). */
export function encodeIncident(n: NewIncident, c: FieldCodec, detail: boolean): EncodedIncident & { payload?: Buffer } {
  try {
    const reports = n.reports.map(canonicalReport);
    if (reports.length === 0) return { ok: false };
    const links = [...n.links];
    const incident = reports.length === 1 && links.length === 0
      ? singleReportIncidentRow(n.id, reports[0]!, c, true)
      : incidentRow(consolidate(n.id, reports, keepLinks(links, reports)), c, true);
    const ts = lastTsValue();
    const rows = reports.map((r) => reportRow(0, n.id, r, c, ts, RECORD_LAYOUT));
    const payload = detail ? detailPayload(selectedIncidentRow(incident), sortSources(rows.map((row, seq) => ({ seq, source: storedSourceOfReportRow(row) })))) : undefined;
    micros(incident, 1); micros(incident, 3);
    for (const row of rows) micros(row, 4);
    return { ok: true, incident, reports: rows, ...(payload === undefined ? {} : { payload }) };
  } catch {
    // the main thread makes this incident itself (and throws the same error there)
    return { ok: false };
  }
}

parentPort!.on('message', (m: RowEncoderRequest) => {
  const encoded = m.incidents.map((n) => encodeIncident(n, codec, data.detail));
  // the side-file payloads in one buffer, moved (not copied) to the main thread
  let bytes = 0;
  for (const e of encoded) if (e.payload !== undefined) bytes += e.payload.length;
  const payloads = new Uint8Array(bytes);
  let at = 0;
  const incidents = encoded.map((e): EncodedIncident => {
    if (!e.ok) return e;
    const { payload, ...rest } = e;
    if (payload === undefined) return rest;
    payloads.set(payload, at);
    const out = { ...rest, payloadAt: [at, payload.length] as [number, number] };
    at += payload.length;
    return out;
  });
  const out: RowEncoderReply = { id: m.id, incidents, payloads: payloads.buffer };
  parentPort!.postMessage(out, [payloads.buffer]);
});
