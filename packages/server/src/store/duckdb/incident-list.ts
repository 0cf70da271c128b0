/**
 * The DuckDB store's incident list (`Store.listIncidents`): a page of incidents in (occurred_at, id)
 * order, with their sources, and the count of the filter.
 *
 * Late materialisation. Sorting every matching row with all its columns (or even with the string id
 * as second key) to keep `limit` of them cost 50-130 ms over 1,000,000 incidents (docs/benchmarks.md,
 * "API and dashboard"). Here:
 *  1. the first `offset + limit` occurrence times of the filter, a top-N on the one TIMESTAMP column
 *     (about 10 ms over 1,000,000 rows);
 *  2. the page's rows: those of the filter whose time lies between the page's first and last time
 *     (the page itself plus the rows tied with its ends), sorted by (occurred_at, id), skipping the
 *     tied rows that precede the page. Exact whatever the ties: the rows before the page's first
 *     time are counted from step 1, and the rest of the order is the SQL's;
 *  3. the sources of the page's incidents: their row ids by a semi-join on the id list, then their
 *     columns by row id.
 * Deep pages (offset + limit above KEYS_MAX) take the plain ORDER BY ... LIMIT OFFSET instead.
 *
 * No raw record is decoded for a list: each source's `raw` is decoded only when a caller reads it
 * (the API's list never does; its detail view reads the incident by id). A source record holds its
 * raw record and narrative in one ciphertext (rows.ts, layout 2), so whether it holds a narrative is
 * learnt once, when the page is read, and only the narratives there are are decoded per call.
 *
 * Pages of up to CACHED_PAGE_MAX incidents are cached in the store's ReadCache until the next write,
 * as DuckDB returned them: the sensitive columns stay ciphertexts there, each call builds its own
 * objects, and no plaintext is kept. Identical list requests (a district's first page, for every
 * user of one scope) then share one query; the access decisions stay per request, in the API.
 */
import { BaseeratError, sourceKey, type Incident } from '@baseerat/engine';
import { listValue, timestampValue, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import type { IncidentFilter, Page } from '../port.js';
import type { DetailFile, Mark } from './detail-file.js';
import { listedIncident, parseDetail } from './detail-record.js';
import { filterSql } from './filter-sql.js';
import { hash52, IncidentSeqIndex } from './hash-set-52.js';
import type { ReadCache } from './read-cache.js';
import type { ReadPool } from './read-pool.js';
import { decodeRecord, INCIDENT_SELECT, incidentFromRow, lazyRaw, type FieldCodec } from './rows.js';

/** Largest page (as the store's other pages). */
export const LIST_PAGE_MAX = 10_000;
/** Up to this many occurrence times (offset + limit) go through the two-step page; deeper pages sort directly. */
export const KEYS_MAX = 50_000;
/** Pages up to this size (the API's largest) are kept in the ReadCache. */
export const CACHED_PAGE_MAX = 500;

type Cell = unknown;

/** A page as read from DuckDB: incident rows (INCIDENT_SELECT) and source rows, ciphertexts undecoded. */
interface RawPage {
  total: number;
  rows: Cell[][];
  /** incident_id, agency, source_id, received_at (epoch ms), format, record, layout, narrative column; in (received_at, seq) order. */
  sources: Cell[][];
  /** Per source row: whether it holds a narrative (`withNarrativeFlags`). */
  narrated?: boolean[];
}

export interface IncidentListSource {
  readers: ReadPool;
  cache: ReadCache;
  codec: FieldCodec;
}

/** Validates a page request against LIST_PAGE_MAX (the store's other pages use it too). */
export function checkPage(page: { offset: number; limit: number }): { offset: number; limit: number } {
  const { offset, limit } = page;
  if (!Number.isInteger(offset) || offset < 0) throw new BaseeratError('VALIDATION', `offset must be a non-negative integer, got ${offset}`, { field: 'offset' });
  if (!Number.isInteger(limit) || limit < 0 || limit > LIST_PAGE_MAX) throw new BaseeratError('VALIDATION', `limit must be an integer in [0, ${LIST_PAGE_MAX}], got ${limit}`, { field: 'limit' });
  return { offset, limit };
}

async function rowsOf(conn: DuckDBConnection, sql: string, params: Record<string, DuckDBValue>): Promise<Cell[][]> {
  return (await conn.runAndReadAll(sql, params)).getRows() as Cell[][];
}

/** The page's incident rows, by the two steps of the header (or one sort for deep pages). */
async function pageRows(conn: DuckDBConnection, where: string, params: Record<string, DuckDBValue>, offset: number, limit: number): Promise<Cell[][]> {
  const n = offset + limit;
  if (n > KEYS_MAX) {
    return rowsOf(conn, `SELECT ${INCIDENT_SELECT}, ${REPORT_RANGE} FROM incidents i WHERE ${where} ORDER BY i.occurred_at, i.id LIMIT $lim OFFSET $off`,
      { ...params, lim: BigInt(limit), off: BigInt(offset) });
  }
  // 1. the first n times of the filter, ascending (microseconds since the epoch: exact)
  const times = (await rowsOf(conn, `SELECT epoch_us(i.occurred_at) FROM incidents i WHERE ${where} ORDER BY i.occurred_at LIMIT $n`, { ...params, n: BigInt(n) }))
    .map((r) => r[0] as bigint);
  if (times.length <= offset) return [];
  const first = times[offset]!;
  const last = times[times.length - 1]!;
  // rows of the filter strictly before the page's first time: all among the n times, which are sorted
  const before = times.indexOf(first);
  // 2. the rows between the two times, in the list's order; the `offset - before` rows tied with the
  // first time that precede the page are skipped
  return rowsOf(conn,
    `SELECT ${INCIDENT_SELECT}, ${REPORT_RANGE} FROM incidents i WHERE ${where} AND i.occurred_at >= $first AND i.occurred_at <= $last
     ORDER BY i.occurred_at, i.id LIMIT $lim OFFSET $skip`,
    { ...params, first: timestampValue(first), last: timestampValue(last), lim: BigInt(limit), skip: BigInt(offset - before) });
}

/** The incidents' report seq ranges, after the INCIDENT_SELECT columns (schema version 4: every report of an incident has rep_lo <= seq <= rep_hi). */
export const REPORT_RANGE = 'i.rep_lo::DOUBLE, i.rep_hi::DOUBLE';
/** Index of rep_lo in a row of `INCIDENT_SELECT, REPORT_RANGE` (rep_hi follows). */
export const RANGE_AT = 22;

/**
 * Row ids of the page's reports. When the incidents' report seq ranges are narrow (as for incidents
 * of one or a few reports written together), by the seqs of those ranges: a semi-join on the integer
 * `seq` (about 5 ms of CPU for a page of 50 over 1,000,000 reports, against 17-50 ms for the semi-join
 * on the incident_id strings), keeping the rows whose incident is on the page (a range may hold other
 * incidents' reports). Otherwise by the semi-join on incident_id.
 */
async function sourceRowids(conn: DuckDBConnection, rows: Cell[][]): Promise<bigint[]> {
  const ids = rows.map((r) => String(r[0]));
  let width = 0;
  for (const r of rows) width += Number(r[RANGE_AT + 1]) - Number(r[RANGE_AT]) + 1;
  if (!(width <= 8 * rows.length + 64)) {
    return (await rowsOf(conn, `SELECT r.rowid FROM reports r WHERE r.incident_id IN (SELECT unnest($ids::VARCHAR[]))`, { ids: listValue(ids) }))
      .map((r) => r[0] as bigint);
  }
  const seqs = new Set<number>();
  for (const r of rows) for (let q = Number(r[RANGE_AT]); q <= Number(r[RANGE_AT + 1]); q++) seqs.add(q);
  const onPage = new Set(ids);
  const found = await rowsOf(conn, `SELECT r.rowid, r.incident_id FROM reports r WHERE r.seq IN (SELECT unnest($seqs::BIGINT[]))`,
    { seqs: listValue([...seqs].map((q) => BigInt(q))) });
  return found.filter((r) => onPage.has(String(r[1]))).map((r) => r[0] as bigint);
}

async function readPage(conn: DuckDBConnection, filter: IncidentFilter, offset: number, limit: number): Promise<RawPage> {
  const f = filterSql(filter);
  const total = Number((await rowsOf(conn, `SELECT count(*)::DOUBLE FROM incidents i WHERE ${f.where}`, f.params))[0]?.[0] ?? 0);
  const rows = limit === 0 || offset >= total ? [] : await pageRows(conn, f.where, f.params, offset, limit);
  if (rows.length === 0) return { total, rows, sources: [] };
  // 3. their sources, late materialised too: the reports' row ids by a semi-join on the id list,
  // scanning the one incident_id column (`list_contains($ids, r.incident_id)` compared every report
  // row with every id: 3.2 s of CPU for 500 ids over 1,000,000 reports), then those rows' columns by
  // row id (same snapshot: this transaction's). With the wide columns in the semi-join's scan, a page
  // of 50 cost 63-69 ms of CPU over 1,000,000 reports; in two steps 18-21 + 10-14 ms.
  const rowids = await sourceRowids(conn, rows);
  const sources = rowids.length === 0 ? [] : await rowsOf(conn,
    `SELECT r.incident_id, r.agency, r.source_id, epoch_ms(r.received_at)::DOUBLE, r.format, r.raw, r.layout, r.narrative FROM reports r
     WHERE r.rowid IN (SELECT unnest($rowids::BIGINT[])) ORDER BY r.received_at, r.seq`,
    { rowids: listValue(rowids) });
  return { total, rows, sources };
}

/**
 * Which source rows hold a narrative: the list needs a narrative where an incident of one source
 * record has it in its record (rows.ts incidentRow), and the record (layout 2) holds raw record and
 * narrative in one ciphertext, so this decodes each record once, when the page is read, and keeps
 * only the answer. The raw records are then never decoded for a list (see `incidentsOf`).
 */
function withNarrativeFlags(page: RawPage, codec: FieldCodec): RawPage {
  const narrated = page.sources.map((s) => (s[6] == null
    ? s[7] != null
    : decodeRecord(String(s[5]), s[6], s[7], sourceKey({ agency: String(s[1]), sourceId: String(s[2]) }), codec).narrative !== undefined));
  return { ...page, narrated };
}

/**
 * The incidents of a page read by `readPage`, as new objects. A narrative kept in a source record
 * is decoded now (only where there is one); the sources' raw records only if a caller reads them
 * (the API's list never does: it shows agency, source id, time and format), each at most once.
 */
function incidentsOf(page: RawPage, codec: FieldCodec): Incident[] {
  const sources = new Map<string, Incident['sources']>();
  // incidents whose narrative, if any, is their one source record's (incidents.narrative NULL, one source)
  const soleNarrative = new Map<string, string | undefined>();
  for (const r of page.rows) {
    sources.set(String(r[0]), []);
    if (r[17] == null && Number(r[21]) === 1) soleNarrative.set(String(r[0]), undefined);
  }
  const seen = new Set<string>();
  for (let j = 0; j < page.sources.length; j++) {
    const s = page.sources[j]!;
    const id = String(s[0]);
    const agency = String(s[1]);
    const sourceId = String(s[2]);
    const stored = String(s[5]);
    const layout = s[6];
    const column = s[7];
    let once: { raw: string; narrative?: string } | undefined;
    const decoded = () => (once ??= decodeRecord(stored, layout, column, sourceKey({ agency, sourceId }), codec));
    if (!seen.has(id)) {
      seen.add(id);
      if (soleNarrative.has(id) && page.narrated?.[j] === true) soleNarrative.set(id, decoded().narrative);
    }
    sources.get(id)?.push(lazyRaw({ agency, sourceId, receivedAt: new Date(Number(s[3])).toISOString(), format: String(s[4]) }, () => decoded().raw));
  }
  return page.rows.map((r) => incidentFromRow(r, sources.get(String(r[0])) ?? [], codec, soleNarrative.get(String(r[0]))));
}

/** `Store.listIncidents` of the DuckDB store: the page (cached until the next write) on a pooled read connection. */
export function listIncidentPage(src: IncidentListSource, filter: IncidentFilter, page: { offset: number; limit: number }): Promise<Page<Incident>> {
  let checked: { offset: number; limit: number };
  try {
    checked = checkPage(page);
  } catch (e) {
    return Promise.reject(e);
  }
  const { offset, limit } = checked;
  const codec = src.codec;
  const read = () => src.readers.read((conn) => readPage(conn, filter, offset, limit)).then((raw) => withNarrativeFlags(raw, codec));
  // pages of the API's size are cached; the long pages of a report's pass over a period are not (memory)
  const got = limit <= CACHED_PAGE_MAX ? src.cache.get(`list ${offset} ${limit} ${JSON.stringify(filter)}`, read) : read();
  return got.then((raw) => ({ items: incidentsOf(raw, codec), total: raw.total, offset, limit }));
}

/** A generation of the store (its largest incident and report seqs, detail-file.ts COMMIT) as the list's fast path compares it. */
export function generationOf(mark: Mark): string {
  return `${mark.incidents}/${mark.reports}`;
}

/**
 * The list's page read from the incident detail side file (issue #7): the incidents of `ids`, in
 * that order, as `listIncidentPage` gives them (sources in received order, raw records decoded only
 * when read), for a caller that has ordered and counted the page itself (the incident index,
 * store/incident-index/indexed-store.ts) as of the store's generation `generation`.
 *
 * Synchronous (the side file's positioned reads are): nothing can commit between the check of the
 * generation and the last read. Undefined, for the caller to read DuckDB instead, when the side file
 * is not serving or serves another generation (a write committed since the caller's ordering), when
 * the id -> seq index is not loaded, or when an id's seq is not in the file (a write under way has
 * given it a seq not yet committed) or holds another incident (a hash collision). A seq in the file
 * at the caller's generation holds the version committed then: a later version is a new seq, and
 * the file publishes it only with its COMMIT, which changes the generation.
 */
export function incidentsFromDetail(
  detail: DetailFile | undefined, seqs: IncidentSeqIndex | undefined, ids: readonly string[], generation: string, codec: FieldCodec,
): Incident[] | undefined {
  if (detail === undefined || !detail.ready || seqs === undefined || generationOf(detail.mark) !== generation) return undefined;
  const out: Incident[] = [];
  for (const id of ids) {
    const seq = seqs.seq(hash52(id));
    if (seq === undefined || seq === IncidentSeqIndex.UNKNOWN_SEQ) return undefined;
    // parsed once and kept (ciphertexts only) while the file serves that seq: pages are read again
    const record = detail.readParsed(seq, parseDetail);
    if (record === undefined) return undefined;
    const inc = listedIncident(record, codec);
    if (inc.id !== id) return undefined;
    out.push(inc);
  }
  return out;
}
