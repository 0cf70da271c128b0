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
 *  3. the sources of the page's incidents by a semi-join on the id list.
 * Deep pages (offset + limit above KEYS_MAX) take the plain ORDER BY ... LIMIT OFFSET instead.
 *
 * The page is cached in the store's ReadCache, until the next write, as DuckDB returned it: the
 * sensitive columns (narratives, source records) stay ciphertexts there, and are decoded per call,
 * so each caller gets its own objects and no plaintext outlives the call. Identical list requests
 * (the same district's first page for every user of one scope) then share one query.
 */
import { BaseeratError, sourceKey, type Incident } from '@baseerat/engine';
import { listValue, timestampValue, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import type { IncidentFilter, Page } from '../port.js';
import { filterSql } from './filter-sql.js';
import type { ReadCache } from './read-cache.js';
import type { ReadPool } from './read-pool.js';
import { decodeRecord, INCIDENT_SELECT, incidentFromRow, type FieldCodec } from './rows.js';

/** Largest page (as the store's other pages). */
export const LIST_PAGE_MAX = 10_000;
/** Up to this many occurrence times (offset + limit) go through the two-step page; deeper pages sort directly. */
export const KEYS_MAX = 50_000;

type Cell = unknown;

/** A page as read from DuckDB: incident rows (INCIDENT_SELECT) and source rows, ciphertexts undecoded. */
interface RawPage {
  total: number;
  rows: Cell[][];
  /** incident_id, agency, source_id, received_at (epoch ms), format, record, layout, narrative column; in (received_at, seq) order. */
  sources: Cell[][];
}

export interface IncidentListSource {
  readers: ReadPool;
  cache: ReadCache;
  codec: FieldCodec;
}

function checkPage(page: { offset: number; limit: number }): { offset: number; limit: number } {
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
    return rowsOf(conn, `SELECT ${INCIDENT_SELECT} FROM incidents i WHERE ${where} ORDER BY i.occurred_at, i.id LIMIT $lim OFFSET $off`,
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
    `SELECT ${INCIDENT_SELECT} FROM incidents i WHERE ${where} AND i.occurred_at >= $first AND i.occurred_at <= $last
     ORDER BY i.occurred_at, i.id LIMIT $lim OFFSET $skip`,
    { ...params, first: timestampValue(first), last: timestampValue(last), lim: BigInt(limit), skip: BigInt(offset - before) });
}

async function readPage(conn: DuckDBConnection, filter: IncidentFilter, offset: number, limit: number): Promise<RawPage> {
  const f = filterSql(filter);
  const total = Number((await rowsOf(conn, `SELECT count(*)::DOUBLE FROM incidents i WHERE ${f.where}`, f.params))[0]?.[0] ?? 0);
  const rows = limit === 0 || offset >= total ? [] : await pageRows(conn, f.where, f.params, offset, limit);
  if (rows.length === 0) return { total, rows, sources: [] };
  // 3. their sources: a semi-join on the id list (`list_contains($ids, r.incident_id)` compared every
  // report row with every id: 3.2 s of CPU for 500 ids over 1,000,000 reports; this form 67 ms)
  const sources = await rowsOf(conn,
    `SELECT r.incident_id, r.agency, r.source_id, epoch_ms(r.received_at)::DOUBLE, r.format, r.raw, r.layout, r.narrative FROM reports r
     WHERE r.incident_id IN (SELECT unnest($ids::VARCHAR[])) ORDER BY r.received_at, r.seq`,
    { ids: listValue(rows.map((r) => String(r[0]))) });
  return { total, rows, sources };
}

/** The incidents of a page read by `readPage`, their sensitive fields decoded now. */
function incidentsOf(page: RawPage, codec: FieldCodec): Incident[] {
  const sources = new Map<string, Incident['sources']>();
  for (const r of page.rows) sources.set(String(r[0]), []);
  // the narrative of the first report: an incident of one source record has its narrative there only (rows.ts incidentRow)
  const firstNarrative = new Map<string, string | undefined>();
  for (const s of page.sources) {
    const id = String(s[0]);
    const agency = String(s[1]);
    const sourceId = String(s[2]);
    const { raw, narrative } = decodeRecord(String(s[5]), s[6], s[7], sourceKey({ agency, sourceId }), codec);
    if (!firstNarrative.has(id)) firstNarrative.set(id, narrative);
    sources.get(id)?.push({ agency, sourceId, receivedAt: new Date(Number(s[3])).toISOString(), format: String(s[4]), raw });
  }
  return page.rows.map((r) => incidentFromRow(r, sources.get(String(r[0])) ?? [], codec, firstNarrative.get(String(r[0]))));
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
  return src.cache.get(`list ${offset} ${limit} ${JSON.stringify(filter)}`, () => src.readers.read((conn) => readPage(conn, filter, offset, limit)))
    .then((raw) => ({ items: incidentsOf(raw, codec), total: raw.total, offset, limit }));
}
