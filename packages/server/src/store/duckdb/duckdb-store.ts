/**
 * The embedded Store: one DuckDB file (or `:memory:`), one write connection with its calls
 * serialised, and a small pool of read connections (read-pool.ts) for the dashboard's reads.
 *
 * DuckDB lets one process write a file, and one connection runs one transaction at a time, so the
 * store queues its writes: two batches never interleave. The read-only calls (stats, listIncidents,
 * getIncident, countIncidents, readColumns) each run in their own transaction on a pooled
 * connection, so they overlap; MVCC gives each the state committed when it starts, so a read never
 * sees half of a batch.
 * Bulk writes go through the appender (a data chunk at a time: chunk-appender.ts) inside the batch's transaction.
 * Idempotency on (agency, source_id) and unique incident ids are the store's own doing (schema
 * version 2 has no ART key: DuckDB holds those whole in memory): the file has one writer (DuckDB's
 * lock across processes, `claimStoreFile` within this one), its writes are queued, and every key
 * is checked against hashes of all stored keys, hits confirmed by SQL, before it is written.
 */
import { localTimeSql } from './local-time-sql.js';
import {
  BaseeratError, CATEGORY_CODES, LOCATION_PRECISIONS, REPORTING_MODES, TIME_PRECISIONS, consolidate, incidentIdFor, linkCandidateOf, sourceKey,
  type Incident, type Link, type Report,
} from '@baseerat/engine';
import {
  DuckDBTypeId, LIST, VARCHAR, listValue,
  type DuckDBAppender, type DuckDBConnection, type DuckDBInstance, type DuckDBTimestampValue, type DuckDBType, type DuckDBValue,
} from '@duckdb/node-api';
import {
  quarantineRecordId,
  type IncidentColumns, type IncidentFilter, type IncidentPoint, type FeedRange, type IngestBatch, type IngestRun, type LinkCandidate, type NewIncident, type Page, type QuarantineRecord,
  type ReencryptionProgress, type SensitiveField, type Store, type StoreStats, type WriteResult,
} from '../port.js';
import { ChunkAppender } from './chunk-appender.js';
import { keepLinks, RowEncoder, type EncodedRows, type RowEncoderData } from './row-encoder.js';
import { chunksOf, copyNumericColumn, visitStrings } from './column-reader.js';
import { filterSql, msToTimestamp } from './filter-sql.js';
import { checkPage, generationOf, incidentsFromDetail, listIncidentPage, RANGE_AT, REPORT_RANGE } from './incident-list.js';
import { hash52, HashSet52, IncidentSeqIndex } from './hash-set-52.js';
import { migrate } from './migrations.js';
import { DetailFile, type DetailBatch, type DetailDump, type DetailFileOptions, type DetailState, type DetailVerify, type Mark } from './detail-file.js';
import { isDeepStrictEqual } from 'node:util';
import {
  detailPayload, detailPayloadParts, detailPayloadText, incidentFromDetail, incidentFromStored, selectedIncidentRow, sortSources, storedSourceOfReportRow, type StoredSource,
} from './detail-record.js';
import { applySchemaMigrations, type SchemaMigration } from './schema-ledger.js';
import { randomBytes } from 'node:crypto';
import { ReadCache } from './read-cache.js';
import { ReadPool } from './read-pool.js';
import {
  DUCKDB_REPORT_SELECT, IDENTITY_CODEC, INCIDENT_SELECT, RECORD_LAYOUT, assertNonEmpty, canonicalIso, canonicalReport, incidentRow,
  lastTsValue, reportFromRow, reportRow, singleReportIncidentRow, tsValue, type FieldCodec,
} from './rows.js';

export interface DuckDBStoreOptions {
  /** Encoding of the sensitive columns at rest (port SENSITIVE_FIELDS; identity by default). */
  codec?: FieldCodec;
  /** IANA zone whose calendar months `stats().byMonth` counts in (default Asia/Karachi). */
  timeZone?: string;
  /** Called by close() before the instance closes, e.g. to release the file registration of `openStore` or close other connections. */
  onClose?: () => void;
  /** Read connections on the instance for the read-only calls (stats, listIncidents, getIncident, countIncidents, readColumns); default 4. */
  readConnections?: number;
  /**
   * The incident detail side file (detail-file.ts; issue #7): `<db file>.detail` by default for a
   * store on a file, none for `:memory:`; false: none (getIncident reads DuckDB; the writes still
   * advance the generation, so a side file left beside the file is rebuilt when next used).
   */
  detailFile?: false | DetailFileOptions;
}

/**
 * The side file's token (detail-file.ts), its own group of tables (schema-ledger.ts): a random
 * number per store file, renewed by every migration of the store's tables, which the side file
 * keeps in its header, so that a side file of another store file, or from before a migration, is
 * not taken for this one's. The side file's generation is DuckDB's largest seqs, which the writes
 * advance anyway: version 1's `gen`, a per-write UPDATE (0.4-1.3 ms a transaction), is dropped.
 */
const DETAIL_MIGRATIONS: readonly SchemaMigration[] = [{
  version: 1,
  name: 'detail_state: the generation of the incident detail side file',
  sql: [`CREATE TABLE detail_state (gen BIGINT NOT NULL, token DOUBLE NOT NULL)`, `INSERT INTO detail_state VALUES (0, floor(random() * 4503599627370496))`],
}, {
  version: 2,
  name: 'detail_state: only the token (the generation is DuckDB\'s largest seqs)',
  sql: [`ALTER TABLE detail_state DROP COLUMN gen`],
}];

/** Incidents per query when the side file is rebuilt from DuckDB. */
const DETAIL_DUMP_CHUNK = 20_000;

/** Key under which stats count incidents with no district, province or perpetrator. */
export const UNKNOWN_KEY = '(unknown)';

// readColumns packs the category index into 7 bits.
if (CATEGORY_CODES.length > 128) throw new Error('readColumns packs category indices in 7 bits: widen the packing');

/** Up to this many keys travel as a list parameter; more go through a temp table and the appender. */
const SMALL = 2000;
const PAGE_MAX = 10_000;
/** The columns of a report that an incident's sources are built from (`withSources`). */
const REPORT_COLUMNS = 'SELECT r.incident_id, r.agency, r.source_id, epoch_ms(r.received_at)::DOUBLE, r.format, r.raw, r.layout, r.narrative FROM reports r';
/** getIncident's two statements, prepared once per read connection (ReadPool.preparedRows): the row at a seq; the reports of a seq range and id list. */
const INCIDENT_AT_SEQ = `SELECT ${INCIDENT_SELECT}, ${REPORT_RANGE} FROM incidents i WHERE i.seq = $1`;
const REPORTS_IN_RANGE = `${REPORT_COLUMNS} WHERE r.seq BETWEEN $1 AND $2 AND list_contains($3::VARCHAR[], r.incident_id) ORDER BY r.received_at, r.seq`;

type Js = unknown;

/** An incident's stored state before it is re-consolidated (attach, unlink). */
interface Reconsolidation {
  reports: Report[];
  /** Per report, aligned with `reports`: its seq and stored source columns (the side file's). */
  stored: { seq: number; source: StoredSource }[];
  links: Link[];
  repLo: number;
  repHi: number;
  /** The incident row's seq. */
  seq: number;
}

export class DuckDBStore implements Store {
  private queue: Promise<unknown> = Promise.resolve();
  private codec: FieldCodec;
  private readonly timeZone: string;
  private closed = false;
  private readonly seqs = new Map<string, number>();
  /** Per origin, the quarantine keys stored: run/origin/line and agency/origin/line/raw (see writeQuarantine). */
  private readonly quarantineKeys = new Map<string, Set<string>>();
  /**
   * Which source keys and incident ids are stored, loaded on first use. The file has one writer
   * (this store), so a miss is certain and only hits are confirmed by SQL: a batch's look-ups stop
   * joining against the whole, growing tables. A rollback drops both indexes (they are loaded
   * again when next needed).
   *
   * A source key is stored only if `sourceIndex` has its hash or the incident index has its own
   * incident id, `incidentIdFor(key)`: most reports create the incident of that id, so only the
   * others (reports linked into another report's incident, attachments) are kept here, and the
   * store does not hold a second hash of every key (5,000,000 keys: 67 MB). That stays true for
   * good: an id once in the incident index is never removed from it (unlink keeps the moved report
   * in its own id's incident, and the reports that stay keep theirs or are in `sourceIndex`).
   */
  private sourceIndex: HashSet52 | undefined;
  /**
   * Hash of every stored incident id -> the block of its row's `seq` (schema version 4;
   * hash-set-52.ts IncidentSeqIndex), loaded on first use like the source keys: a miss is certain,
   * a hit is confirmed by reading `seq BETWEEN <block range> AND id = $id`, which DuckDB's zonemaps
   * answer from one or two row groups. Dropped on a rollback (a rolled-back write may have moved
   * an incident to a seq that was never committed) and loaded again when needed.
   */
  private incidentIndex: IncidentSeqIndex | undefined;
  private incidentIndexLoading: Promise<IncidentSeqIndex> | undefined;
  /** The dashboard's read calls run here, each in its own snapshot, overlapping one another and the writes. */
  private readonly readers: ReadPool;
  /** Aggregate results (stats, counts, map points) until the next call on the write connection. */
  private readonly readCache = new ReadCache();
  /** The incident detail side file (getIncident's point reads), when the store is on a file. */
  private detail: DetailFile | undefined;
  /** The side file's frames of the write transaction running (transaction()). */
  private detailBatch: DetailBatch | undefined;
  /** The running write transaction changes incidents (new seqs): the side file gets its batch and largest seqs after the commit. */
  private detailTouched = false;
  /** The worker thread that makes new incidents' rows (row-encoder.ts), when started (`startRowEncoder`). */
  private rowEncoder: RowEncoder | undefined;
  /** The largest seqs of the last committed write that changed incidents (the side file's generation), once the side file is opened. */
  private committedMark: Mark | undefined;
  /**
   * The latest `occurred_at` (epoch ms, fractional) of any incident in the file: read at `migrate`,
   * raised by every write of incident rows before its commit (`noteIncidentRow`), never lowered
   * (a delete leaves it high: a read more, never one less). A link-candidate range that starts
   * after it holds nothing, and is answered without a query (#6: a live feed asks for the range at
   * its front, beyond everything stored, once per batch; at 10,000 events/s those reads returned
   * nothing and took 30-40 s of DuckDB time in a 60 s run). Undefined before `migrate`: always read.
   */
  private latestOccurredMs: number | undefined;
  /** linkCandidates calls answered without a query (their range starts after `latestOccurredMs`). */
  linkReadsAvoided = 0;

  constructor(
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
    private readonly options: DuckDBStoreOptions = {},
  ) {
    this.codec = options.codec ?? IDENTITY_CODEC;
    this.timeZone = options.timeZone ?? 'Asia/Karachi';
    this.readers = new ReadPool(instance, options.readConnections ?? 4);
  }

  /** The DuckDB instance the store runs on, for other tables kept in the same file (security, alerts): DuckDB lets a process open a file once. */
  get duckdbInstance(): DuckDBInstance {
    return this.instance;
  }

  /** Runs `fn` after every call queued before it: one transaction at a time on the one connection. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      if (this.closed) throw new BaseeratError('CONFLICT', 'the store is closed');
      try {
        return await fn();
      } finally {
        // after the commit, before the caller hears of it: no cached read from before the write survives it
        this.readCache.invalidate();
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async rows(sql: string, params?: Record<string, DuckDBValue>, conn: DuckDBConnection = this.conn): Promise<Js[][]> {
    const reader = await conn.runAndReadAll(sql, params);
    return reader.getRowsJS() as Js[][];
  }

  private async transaction<T>(fn: () => Promise<T>): Promise<T> {
    await this.conn.run('BEGIN TRANSACTION');
    const batch = this.detail?.begin();
    this.detailBatch = batch;
    this.detailTouched = false;
    try {
      const out = await fn();
      // A write that changed incidents: the side file gets the batch's frames and DuckDB's largest
      // seqs (its generation; the counters are in memory, read here only if this write did not)
      // after the commit.
      const mark = this.detailTouched && batch !== undefined
        ? { incidents: (await this.nextSeq('incidents', 0)) - 1, reports: (await this.nextSeq('reports', 0)) - 1 }
        : undefined;
      await this.conn.run('COMMIT');
      this.detailBatch = undefined;
      if (mark !== undefined) this.committedMark = mark;
      if (mark !== undefined) await this.detail!.commit(batch!, mark);
      return out;
    } catch (e) {
      this.detailBatch = undefined;
      if (batch !== undefined) this.detail?.rollback(batch);
      this.seqs.clear();
      this.quarantineKeys.clear();
      this.sourceIndex = undefined;
      this.incidentIndex = undefined;
      // Some errors (out of memory, for one) abort DuckDB's transaction themselves: then ROLLBACK
      // fails with "no transaction is active", which must not hide the error that caused it.
      await this.conn.run('ROLLBACK').catch(() => undefined);
      throw e;
    }
  }

  /**
   * Appends rows (table column order) through the appender, a data chunk of 2,048 rows at a time
   * (chunk-appender.ts: numbers and NULLs copied per column, strings one call each); a table with
   * a column type the chunk path does not handle goes one typed call per value. Rows may be
   * produced lazily.
   */
  private async append(table: string, rows: Iterable<DuckDBValue[]>): Promise<void> {
    let appender: DuckDBAppender | undefined;
    let chunks: ChunkAppender | undefined;
    let writers: ((a: DuckDBAppender, v: DuckDBValue) => void)[] = [];
    try {
      for (const row of rows) {
        if (appender === undefined) {
          const a = await this.conn.createAppender(table);
          appender = a;
          chunks = ChunkAppender.for(a);
          if (chunks === undefined) writers = Array.from({ length: a.columnCount }, (_, i) => writerFor(a.columnType(i)));
        }
        if (chunks !== undefined) { chunks.append(row); continue; }
        for (let i = 0; i < writers.length; i++) {
          const v = row[i];
          if (v === null || v === undefined) appender.appendNull();
          else writers[i]!(appender, v);
        }
        appender.endRow();
      }
      chunks?.finish();
      appender?.flushSync();
    } finally {
      appender?.closeSync();
    }
  }

  /**
   * Reserves `count` sequence numbers of `table`. The file has one writer (this process, this
   * connection, calls queued), so the counter lives in memory once read; a rollback forgets it.
   */
  private async nextSeq(table: 'incidents' | 'reports' | 'quarantine' | 'link_history', count: number): Promise<number> {
    let next = this.seqs.get(table);
    if (next === undefined) {
      const r = await this.rows(`SELECT coalesce(max(seq), 0)::DOUBLE FROM ${table}`);
      next = Number(r[0]?.[0] ?? 0) + 1;
    }
    this.seqs.set(table, next + count);
    return next;
  }

  /**
   * A relation `(id)` of these ids for joins: a list parameter when small (one statement), the
   * temp table `tmp_ids` filled by the appender when large. Use it before the next call.
   */
  private async idRelation(ids: readonly string[], name: string): Promise<{ sql: string; params: Record<string, DuckDBValue> }> {
    if (ids.length <= SMALL) return { sql: `(SELECT unnest($${name}::VARCHAR[]) AS id)`, params: { [name]: listValue([...ids]) } };
    await this.conn.run('DELETE FROM tmp_ids');
    await this.append('tmp_ids', ids.map((id) => [id]));
    return { sql: `(SELECT id FROM tmp_ids)`, params: {} };
  }

  migrate(): Promise<void> {
    return this.exclusive(async () => {
      const applied = await migrate(this.conn);
      if (this.options.codec === undefined && await this.hasEncryptionKeys()) this.codec = lockedCodec();
      await this.openDetailFile(applied.length > 0);
      await this.conn.run(`CREATE TEMP TABLE IF NOT EXISTS tmp_keys (agency VARCHAR, source_id VARCHAR)`);
      await this.conn.run(`CREATE TEMP TABLE IF NOT EXISTS tmp_ids (id VARCHAR)`);
      const [latest] = await this.rows(`SELECT epoch_us(max(occurred_at))::DOUBLE FROM incidents`);
      this.latestOccurredMs = latest?.[0] == null ? Number.NEGATIVE_INFINITY : Number(latest[0]) / 1000;
    });
  }

  /** Raises `latestOccurredMs` to an incident row's occurred_at (column 1), inside the write's transaction, before its commit. */
  private noteIncidentRow(row: readonly DuckDBValue[]): void {
    if (this.latestOccurredMs === undefined) return;
    const ms = Number((row[1] as DuckDBTimestampValue | null)?.micros) / 1000;
    // (a value that is not a time, which the schema does not allow: no range is known empty any more)
    if (!(ms <= this.latestOccurredMs)) this.latestOccurredMs = Number.isNaN(ms) ? Number.POSITIVE_INFINITY : ms;
  }

  /**
   * Whether the file holds data keys of the incident store (written by `openEmbedded`): its
   * sensitive columns are then ciphertext, and a store opened without the master key must neither
   * show ciphertext as text nor write plaintext beside it.
   */
  private async hasEncryptionKeys(): Promise<boolean> {
    const t = await this.rows(`SELECT count(*)::DOUBLE FROM information_schema.tables WHERE table_name = 'sec_data_keys' AND table_schema = 'main'`);
    if (Number(t[0]?.[0] ?? 0) === 0) return false;
    const k = await this.rows(`SELECT count(*)::DOUBLE FROM sec_data_keys WHERE dataset = 'incidents'`);
    return Number(k[0]?.[0] ?? 0) > 0;
  }

  /**
   * For a store on a file, opens its side file `<file>.detail`, which checks itself in the
   * background against the store's token (detail_state) and DuckDB's largest seqs. After a
   * migration the token is renewed: a migration may have rewritten incidents, so the side file is
   * rebuilt.
   */
  private async openDetailFile(migrated: boolean): Promise<void> {
    await applySchemaMigrations(this.conn, 'detail_migrations', DETAIL_MIGRATIONS, new Date());
    if (migrated) await this.conn.run(`UPDATE detail_state SET token = $token`, { token: randomBytes(6).readUIntLE(0, 6) });
    if (this.options.detailFile === false || this.detail !== undefined) return;
    const token = Number((await this.rows(`SELECT token::DOUBLE FROM detail_state`))[0]?.[0] ?? 0);
    const mark = { incidents: (await this.nextSeq('incidents', 0)) - 1, reports: (await this.nextSeq('reports', 0)) - 1 };
    const path = (await this.rows(`SELECT path FROM duckdb_databases() WHERE database_name = current_database()`))[0]?.[0];
    if (typeof path !== 'string' || path === '' || path === ':memory:') return;
    const options = this.options.detailFile === undefined ? {} : this.options.detailFile;
    this.committedMark = mark;
    this.detail = new DetailFile(`${path}.detail`, token, mark, this.dumpDetail, this.verifyDetail, (fn) => this.exclusive(fn), options);
  }

  /** A snapshot of every incident with its sources, for a rebuild of the side file (detail-file.ts DetailDump). */
  private readonly dumpDetail: DetailDump = (add) => this.readers.read(async (conn) => {
    const last = await this.rows(`SELECT (SELECT coalesce(max(seq), 0) FROM incidents)::DOUBLE, (SELECT coalesce(max(seq), 0) FROM reports)::DOUBLE`, undefined, conn);
    const mark = { incidents: Number(last[0]?.[0] ?? 0), reports: Number(last[0]?.[1] ?? 0) };
    for (let lo = 0; lo <= mark.incidents; lo += DETAIL_DUMP_CHUNK) {
      for (const [seq, payload] of await this.detailPayloads(conn, lo, lo + DETAIL_DUMP_CHUNK - 1)) await add(seq, payload);
    }
    return mark;
  });

  /** The side file's payloads of the incidents with seq in lo..hi, as DuckDB holds them. */
  private async detailPayloads(conn: DuckDBConnection, lo: number, hi: number): Promise<[number, Buffer][]> {
    const rows = await this.rows(
      `SELECT i.seq::DOUBLE, ${INCIDENT_SELECT}, r.agency, r.source_id, epoch_ms(r.received_at)::DOUBLE, r.format, r.raw, r.layout, r.narrative
       FROM incidents i JOIN reports r ON r.incident_id = i.id WHERE i.seq BETWEEN $lo AND $hi ORDER BY i.seq, r.received_at, r.seq`,
      { lo: BigInt(lo), hi: BigInt(hi) },
      conn,
    );
    const out: [number, Buffer][] = [];
    for (let k = 0; k < rows.length;) {
      const seq = Number(rows[k]![0]);
      const sources: StoredSource[] = [];
      let j = k;
      for (; j < rows.length && Number(rows[j]![0]) === seq; j++) sources.push(rows[j]!.slice(23, 30) as StoredSource);
      out.push([seq, detailPayload(rows[k]!.slice(1, 23), sources)]);
      k = j;
    }
    return out;
  }

  /** Whether a side-file payload at `seq` holds the same row and sources as DuckDB (compared as values: the JSON texts may differ). */
  private readonly verifyDetail: DetailVerify = (seq, payload) => this.readers.read(async (conn) => {
    const mine = await this.detailPayloads(conn, seq, seq);
    return mine.length === 1 && isDeepStrictEqual(JSON.parse(mine[0]![1].toString('utf8')), JSON.parse(payload.toString('utf8')));
  });

  /** The side file's state, reads it answered, why it was last rebuilt and its bytes (undefined: the store has none), for tests and the benchmarks. */
  get detailFileStats(): { state: DetailState; hits: number; lastRebuildReason: string | undefined; readyAfterMs: number | undefined; bytes: { live: number; dead: number; file: number } } | undefined {
    const d = this.detail;
    return d === undefined ? undefined : { state: d.state, hits: d.hits, lastRebuildReason: d.lastRebuildReason, readyAfterMs: d.readyAfterMs, bytes: d.bytes };
  }

  /** Resolves when the side file's load or rebuild has ended (ready, or found unusable). */
  async detailFileSettled(): Promise<void> {
    await this.detail?.settled();
  }

  /** Adds an incident version to the running write transaction's side-file batch. */
  private async detailAdd(seq: number, supersedes: number, row: unknown[], sources: { seq: number; source: StoredSource }[]): Promise<void> {
    if (this.detailBatch !== undefined) await this.detail!.add(this.detailBatch, seq, supersedes, detailPayloadText(row, sortSources(sources)));
  }

  /**
   * Hashes of the stored source keys (`agency:sourceId`) whose report is not in the incident of
   * their own id (see `sourceIndex`), loaded on first use; call on the write connection (inside
   * `exclusive`).
   */
  private async sources(): Promise<HashSet52> {
    if (this.sourceIndex !== undefined) return this.sourceIndex;
    const set = new HashSet52();
    const result = await this.conn.stream(`SELECT agency || ':' || source_id, incident_id FROM reports`);
    for (let chunk = await result.fetchChunk(); chunk !== null && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
      const keys = chunk.getColumnVector(0), ids = chunk.getColumnVector(1);
      for (let i = 0; i < chunk.rowCount; i++) {
        const key = String(keys.getItem(i));
        if (String(ids.getItem(i)) !== incidentIdFor(key)) set.add(hash52(key));
      }
    }
    this.sourceIndex = set;
    return set;
  }

  /** Whether source key `key` may be stored (a miss is certain; see `sourceIndex`). */
  private static maybeStored(key: string, sources: HashSet52, incidents: IncidentSeqIndex): boolean {
    return sources.has(hash52(key)) || incidents.has(hash52(incidentIdFor(key)));
  }

  /** Records report `key` stored in incident `incidentId` (see `sourceIndex`; the incident itself goes into the incident index). */
  private static rememberSource(key: string, incidentId: string, sources: HashSet52): void {
    if (incidentId !== incidentIdFor(key)) sources.add(hash52(key));
  }

  /** Stored incident id hash -> seq, loaded on first use; call on the write connection (inside `exclusive`), so no write runs meanwhile. */
  private async incidents(): Promise<IncidentSeqIndex> {
    if (this.incidentIndex !== undefined) return this.incidentIndex;
    const map = new IncidentSeqIndex();
    const result = await this.conn.stream(`SELECT id, seq::DOUBLE FROM incidents`);
    for (let chunk = await result.fetchChunk(); chunk !== null && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
      const ids = chunk.getColumnVector(0), seqs = chunk.getColumnVector(1);
      for (let i = 0; i < chunk.rowCount; i++) map.set(hash52(String(ids.getItem(i))), Number(seqs.getItem(i)));
    }
    this.incidentIndex = map;
    return map;
  }

  /**
   * The incident index for a read: the loaded one, or undefined while it is not loaded (then a
   * load is queued behind the writes, and this read scans). Reads never wait for the load.
   */
  private incidentIndexForRead(): IncidentSeqIndex | undefined {
    if (this.incidentIndex !== undefined) return this.incidentIndex;
    if (this.incidentIndexLoading === undefined && !this.closed) {
      this.incidentIndexLoading = this.exclusive(() => this.incidents());
      this.incidentIndexLoading.catch(() => undefined).finally(() => { this.incidentIndexLoading = undefined; });
    }
    return undefined;
  }

  /** `AND i.seq BETWEEN lo AND hi` over the seq blocks of these ids when all are in the index (zonemaps then skip the rest), else ''. */
  private seqRange(ids: readonly string[], alias: string, map: IncidentSeqIndex | undefined): { sql: string; params: Record<string, DuckDBValue> } {
    if (map === undefined || ids.length === 0) return { sql: '', params: {} };
    let lo = Infinity, hi = -Infinity;
    for (const id of ids) {
      const b = map.block(hash52(id));
      if (b === undefined || b === IncidentSeqIndex.UNKNOWN_BLOCK) return { sql: '', params: {} };
      const [blo, bhi] = IncidentSeqIndex.range(b);
      if (blo < lo) lo = blo;
      if (bhi > hi) hi = bhi;
    }
    return { sql: ` AND ${alias}.seq BETWEEN $seq_lo AND $seq_hi`, params: { seq_lo: BigInt(lo), seq_hi: BigInt(hi) } };
  }

  /** (agency, sourceId) pairs already in `reports`, as `agency:sourceId` keys: hash misses are certain, hits confirmed by SQL (bulk-safe). */
  private async storedKeys(all: readonly (readonly [string, string])[]): Promise<Set<string>> {
    if (all.length === 0) return new Set();
    const sources = await this.sources(), incidents = await this.incidents();
    const pairs = all.filter(([a, s]) => DuckDBStore.maybeStored(sourceKey({ agency: a, sourceId: s }), sources, incidents));
    if (pairs.length === 0) return new Set();
    let keys = `(SELECT agency, source_id FROM tmp_keys)`;
    let params: Record<string, DuckDBValue> = {};
    if (pairs.length <= SMALL) {
      keys = `(SELECT unnest($ka::VARCHAR[]) AS agency, unnest($ks::VARCHAR[]) AS source_id)`;
      params = { ka: listValue(pairs.map((p) => p[0])), ks: listValue(pairs.map((p) => p[1])) };
    } else {
      await this.conn.run('DELETE FROM tmp_keys');
      await this.append('tmp_keys', pairs.map(([a, s]) => [a, s]));
    }
    const found = await this.rows(`SELECT DISTINCT r.agency, r.source_id FROM reports r JOIN ${keys} k ON r.agency = k.agency AND r.source_id = k.source_id`, params);
    return new Set(found.map((r) => sourceKey({ agency: str(r[0]), sourceId: str(r[1]) })));
  }

  private async storedIncidentIds(all: readonly string[]): Promise<Set<string>> {
    if (all.length === 0) return new Set();
    const incidents = await this.incidents();
    const ids = all.filter((id) => incidents.has(hash52(id)));
    if (ids.length === 0) return new Set();
    const rel = await this.idRelation(ids, 'sid');
    const range = this.seqRange(ids, 'i', incidents);
    const found = await this.rows(`SELECT i.id FROM incidents i JOIN ${rel.sql} t ON i.id = t.id WHERE TRUE${range.sql}`, { ...rel.params, ...range.params });
    return new Set(found.map((r) => str(r[0])));
  }

  existingSourceKeys(keys: readonly string[]): Promise<Set<string>> {
    // With the key indexes loaded, a batch none of whose keys may be stored (the live feed's usual
    // case) is answered at once, without queueing behind the writes and a checkpoint. A key written
    // meanwhile by another caller is still counted a duplicate by writeBatch.
    const sources = this.sourceIndex, incidents = this.incidentIndex;
    if (sources !== undefined && incidents !== undefined && !keys.some((k) => DuckDBStore.maybeStored(k, sources, incidents))) return Promise.resolve(new Set());
    return this.exclusive(async () => {
      // A key is `agency:sourceId` and an agency may itself contain ':', so try every split.
      const pairs: [string, string][] = [];
      for (const k of keys) {
        for (let i = k.indexOf(':'); i >= 0; i = k.indexOf(':', i + 1)) pairs.push([k.slice(0, i), k.slice(i + 1)]);
      }
      const stored = await this.storedKeys(pairs);
      return new Set(keys.filter((k) => stored.has(k)));
    });
  }

  writeBatch(batch: IngestBatch): Promise<WriteResult> {
    const encoder = this.rowEncoder;
    if (encoder === undefined) return this.exclusive(() => this.transaction(() => this.writeBatchInTransaction(batch)));
    encoder.prepare(batch);
    // the rows are awaited in the write's turn, before its transaction begins
    return this.exclusive(async () => {
      const encoded = await encoder.take(batch.newIncidents);
      // After a key rotation the worker still holds the retired key: its rows are not used, this
      // thread makes them with the active key (as without the worker).
      return this.transaction(() => this.writeBatchInTransaction(batch, this.encoderKeyIsActive(encoder) ? encoded : undefined));
    });
  }

  /** True when the row encoder writes with the key this store's codec writes with now. */
  private encoderKeyIsActive(encoder: RowEncoder): boolean {
    const id = encoder.keyId;
    return id === undefined ? this.codec === IDENTITY_CODEC : this.codec.currentPrefix?.() === `v1:${id}:`;
  }

  /**
   * Starts the row encoder (row-encoder.ts): a worker thread makes the rows of new incidents, with
   * `codec` (row-encoder.ts rowEncoderCodec: the store's data key; undefined for a store without
   * encryption). Refused when that is not what this store's codec writes with.
   */
  startRowEncoder(codec: RowEncoderData['codec']): RowEncoder {
    const matches = codec === undefined ? this.codec === IDENTITY_CODEC : this.codec.currentPrefix?.() === `v1:${codec.keyId}:`;
    if (!matches) throw new BaseeratError('CONFIG', `row encoder: its key (${codec?.keyId ?? 'none'}) is not the one the store writes with`, { field: 'rowEncoder' });
    if (this.rowEncoder === undefined) this.rowEncoder = new RowEncoder({ codec, detail: this.detail !== undefined });
    return this.rowEncoder;
  }

  /** The row encoder's counters (undefined when not started). */
  get rowEncoderStats(): RowEncoder['stats'] | undefined {
    return this.rowEncoder?.stats;
  }

  /** Hands a batch to the row encoder ahead of its writeBatch (no-op without one). */
  prepareRows(batch: IngestBatch): void {
    this.rowEncoder?.prepare(batch);
  }

  /**
   * A DuckDB CHECKPOINT (the WAL written into the file) in the write queue, so that none of this
   * store's writes waits inside DuckDB on it (DuckDB 1.5.6 holds inserts for the whole checkpoint).
   * False when DuckDB refused because another connection had a write transaction open (try later).
   */
  checkpoint(): Promise<boolean> {
    return this.exclusive(async () => {
      try {
        await this.conn.run('CHECKPOINT');
        return true;
      } catch (e) {
        if (e instanceof Error && /other write transactions active/i.test(e.message)) return false;
        throw e;
      }
    });
  }

  /** DuckDB's automatic checkpoint threshold for the instance (`'1TB'`: checkpoints left to `checkpoint()`, monitor/write-behind.ts). */
  setAutoCheckpointThreshold(threshold: string): Promise<void> {
    if (!/^\d+(\.\d+)?\s*[KMGT]?i?B$/i.test(threshold)) return Promise.reject(new BaseeratError('VALIDATION', `checkpoint threshold must be a size such as 256MB, got ${JSON.stringify(threshold)}`, { field: 'checkpointThreshold' }));
    return this.exclusive(async () => { await this.conn.run(`SET GLOBAL checkpoint_threshold = '${threshold}'`); });
  }

  private async writeBatchInTransaction(batch: IngestBatch, encoded?: Map<NewIncident, Encoded>): Promise<WriteResult> {
    const news = batch.newIncidents.map((n) => {
      assertNonEmpty(n.id, n.reports);
      // rows made by the row encoder: its reports are canonical there (used here for their keys only)
      const enc = encoded?.get(n);
      return { id: n.id, reports: enc === undefined ? n.reports.map(canonicalReport) : n.reports, links: n.links, enc };
    });
    const attachments = batch.attachments.map((a) => ({ incidentId: a.incidentId, reports: a.reports.map(canonicalReport), links: a.links }));
    const allReports = [...news.flatMap((n) => n.reports), ...attachments.flatMap((a) => a.reports)];
    const seen = await this.storedKeys(allReports.map((r) => [r.source.agency, r.source.sourceId] as const));
    let duplicates = 0;
    const fresh = (reports: Report[]) => reports.filter((r) => {
      const k = sourceKey(r.source);
      if (seen.has(k)) { duplicates++; return false; }
      seen.add(k);
      return true;
    });

    // New incidents: duplicates dropped; an incident left with no report is skipped.
    const created = new Map<string, { reports: Report[]; links: Link[]; enc: Encoded | undefined }>();
    const storedNewIds = await this.storedIncidentIds(news.map((n) => n.id));
    for (const n of news) {
      const reports = fresh(n.reports);
      if (reports.length === 0) continue;
      if (storedNewIds.has(n.id) || created.has(n.id)) {
        throw new BaseeratError('CONFLICT', `newIncidents: incident id ${n.id} already exists; send its new reports as an attachment`, { field: 'newIncidents.id', details: { id: n.id } });
      }
      // the encoder's rows hold when every report is new; otherwise this thread makes them
      const enc = n.enc !== undefined && reports.length === n.reports.length ? n.enc : undefined;
      created.set(n.id, { reports: enc === undefined && n.enc !== undefined ? reports.map(canonicalReport) : reports, links: [...n.links], enc });
    }

    // Attachments: to an incident created in this batch, or to a stored one (re-consolidated from all its reports).
    const attachedTo = new Map<string, { reports: Report[]; links: Link[] }>();
    let attached = 0;
    for (const a of attachments) {
      const reports = fresh(a.reports);
      if (reports.length === 0) continue;
      const inBatch = created.get(a.incidentId);
      if (inBatch !== undefined) {
        if (inBatch.enc !== undefined) { inBatch.enc = undefined; inBatch.reports = inBatch.reports.map(canonicalReport); }
        inBatch.reports.push(...reports);
        inBatch.links.push(...a.links);
        continue;
      }
      const t = attachedTo.get(a.incidentId) ?? { reports: [], links: [] };
      t.reports.push(...reports);
      t.links.push(...a.links);
      attachedTo.set(a.incidentId, t);
      attached += reports.length;
    }
    const storedTargets = await this.storedIncidentIds([...attachedTo.keys()]);
    for (const id of attachedTo.keys()) {
      if (!storedTargets.has(id)) throw new BaseeratError('NOT_FOUND', `attachments: incident ${id} does not exist`, { field: 'attachments.incidentId', details: { id } });
    }
    const previous = await this.loadForReconsolidation([...attachedTo.keys()]);

    let reportCount = 0;
    for (const c of created.values()) reportCount += c.reports.length;
    for (const a of attachedTo.values()) reportCount += a.reports.length;
    const firstSeq = await this.nextSeq('reports', reportCount);
    const firstIncidentSeq = await this.nextSeq('incidents', created.size + attachedTo.size);
    const codec = this.codec;
    const encoderStats = this.rowEncoder?.stats;
    const note = (row: readonly DuckDBValue[]) => { this.noteIncidentRow(row); };
    const seqOf = new Map<string, number>();
    // The side file's version of each incident written (detail-file.ts), in the order rows are made.
    // Each version's payload is made as soon as its reports' rows are (reportRows): what a batch keeps
    // until its adds is the payload text, not the rows' values (fewer objects for the scavenger to copy);
    // meanwhile the incident's row is kept as its JSON text (detail-record.ts detailPayloadOf).
    const details: { seq: number; supersedes: number; row: string; sources: { seq: number; source: StoredSource }[]; payload?: Buffer | string | readonly string[] | undefined }[] | undefined = this.detailBatch === undefined ? undefined : [];
    // Rows are produced chunk by chunk as the appender takes them: a million-incident batch never
    // holds a million row arrays at once. Each ends with seq, rep_lo, rep_hi (schema version 4):
    // the reports are numbered in the order reportRows() goes, so an incident's new reports are
    // the contiguous seqs [rep, rep + count).
    function* incidentRows(): Generator<DuckDBValue[]> {
      let seq = firstIncidentSeq, rep = firstSeq;
      for (const [id, { reports, links, enc }] of created) {
        // most new incidents are one report and no link: their row is the report's fields
        if (enc !== undefined && encoderStats !== undefined) encoderStats.used++;
        const row = enc !== undefined ? enc.incident : reports.length === 1 && links.length === 0
          ? singleReportIncidentRow(id, reports[0]!, codec, true)
          : incidentRow(consolidate(id, reports, keepLinks(links, reports)), codec, true);
        row.push(BigInt(seq), BigInt(rep), BigInt(rep + reports.length - 1));
        note(row);
        // the row encoder's payload when it made one (the same bytes: detail-record.ts detailPayload of the same row and sources)
        details?.push(enc?.payload !== undefined ? { seq, supersedes: -1, row: '', sources: [], payload: enc.payload } : { seq, supersedes: -1, row: JSON.stringify(selectedIncidentRow(row)), sources: [] });
        seqOf.set(id, seq++);
        rep += reports.length;
        yield row;
      }
      for (const [id, { reports, links }] of attachedTo) {
        const before = previous.get(id)!;
        const all = [...before.reports, ...reports];
        const row = incidentRow(consolidate(id, all, keepLinks([...before.links, ...links], all)), codec, true);
        row.push(BigInt(seq), BigInt(Math.min(before.repLo, rep)), BigInt(Math.max(before.repHi, rep + reports.length - 1)));
        note(row);
        details?.push({ seq, supersedes: before.seq, row: JSON.stringify(selectedIncidentRow(row)), sources: [...before.stored] });
        seqOf.set(id, seq++);
        rep += reports.length;
        yield row;
      }
    }
    function* reportRows(): Generator<DuckDBValue[]> {
      let seq = firstSeq, k = 0;
      const ts = lastTsValue();
      for (const group of [created, attachedTo]) {
        for (const [id, c] of group) {
          const detail = details?.[k++];
          const sources = detail?.sources;
          const enc = (c as { enc?: Encoded | undefined }).enc;
          if (enc !== undefined) {
            for (const row of enc.reports) {
              row[0] = BigInt(seq);
              if (detail?.payload === undefined) sources?.push({ seq, source: storedSourceOfReportRow(row) });
              seq++;
              yield row;
            }
          } else {
            for (const r of c.reports) {
              const row = reportRow(seq, id, r, codec, ts, RECORD_LAYOUT);
              sources?.push({ seq, source: storedSourceOfReportRow(row) });
              seq++;
              yield row;
            }
          }
          // the incident's sources are all made: its payload now, its values no longer kept
          if (detail !== undefined && detail.payload === undefined) {
            detail.payload = detailPayloadParts(detail.row, sortSources(detail.sources));
            detail.sources = [];
          }
        }
      }
    }
    await this.deleteIncidents([...attachedTo.keys()]);
    await this.append('incidents', incidentRows());
    await this.append('reports', reportRows());
    if (seqOf.size > 0) this.detailTouched = true;
    for (const d of details ?? []) {
      // (awaited only when the side file writes the batch out: one promise per incident cost more than the add)
      const written = this.detail!.add(this.detailBatch!, d.seq, d.supersedes, d.payload ?? detailPayloadParts(d.row, sortSources(d.sources)));
      if (written !== undefined) await written;
    }
    const sources = await this.sources(), incidents = await this.incidents();
    for (const [id, seq] of seqOf) incidents.set(hash52(id), seq);
    for (const [id, { reports }] of created) for (const r of reports) DuckDBStore.rememberSource(sourceKey(r.source), id, sources);
    for (const [id, { reports }] of attachedTo) for (const r of reports) DuckDBStore.rememberSource(sourceKey(r.source), id, sources);
    const quarantined = await this.writeQuarantine(batch.quarantine);
    return { inserted: created.size, attached, duplicates, quarantined };
  }

  private async deleteIncidents(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const rel = await this.idRelation(ids, 'del');
    const range = this.seqRange(ids, 'incidents', await this.incidents());
    await this.conn.run(`DELETE FROM incidents WHERE id IN (SELECT id FROM ${rel.sql})${range.sql}`, { ...rel.params, ...range.params });
  }

  /**
   * Stored reports (received order), links and report seq range (rep_lo, rep_hi) of these
   * incidents; `stored`: each report's stored source columns and seq (the side file's), aligned with `reports`.
   */
  private async loadForReconsolidation(ids: readonly string[]): Promise<Map<string, Reconsolidation>> {
    const out = new Map<string, Reconsolidation>();
    if (ids.length === 0) return out;
    const rel = await this.idRelation(ids, 'rid');
    const range = this.seqRange(ids, 'i', await this.incidents());
    let lo = Infinity, hi = -Infinity;
    for (const r of await this.rows(
      `SELECT i.id, i.links::VARCHAR, i.rep_lo::DOUBLE, i.rep_hi::DOUBLE, i.seq::DOUBLE FROM incidents i JOIN ${rel.sql} t ON i.id = t.id WHERE TRUE${range.sql}`,
      { ...rel.params, ...range.params },
    )) {
      const repLo = Number(r[2]), repHi = Number(r[3]);
      out.set(str(r[0]), { reports: [], stored: [], links: JSON.parse(str(r[1])) as Link[], repLo, repHi, seq: Number(r[4]) });
      if (repLo < lo) lo = repLo;
      if (repHi > hi) hi = repHi;
    }
    if (out.size === 0) return out;
    const reps = await this.rows(
      `SELECT ${DUCKDB_REPORT_SELECT}, r.agency, r.source_id, epoch_ms(r.received_at)::DOUBLE, r.format
       FROM reports r JOIN ${rel.sql} t ON r.incident_id = t.id WHERE r.seq BETWEEN $rep_lo AND $rep_hi ORDER BY r.received_at, r.seq`,
      { ...rel.params, rep_lo: BigInt(lo), rep_hi: BigInt(hi) },
    );
    for (const row of reps) {
      const target = out.get(str(row[0]));
      if (target === undefined) continue;
      target.reports.push(reportFromRow(row, this.codec));
      target.stored.push({
        seq: Number(row[4]),
        source: [str(row[6]), str(row[7]), Number(row[8]), str(row[9]), str(row[1]), row[5] == null ? null : Number(row[5]), row[2] == null ? null : str(row[2])],
      });
    }
    return out;
  }

  /**
   * Quarantine rows not stored yet. A row is the same as a stored one when run, origin and line
   * match (the batch was retried) or when agency, origin, line and raw text match (the same file
   * ingested again in a new run): either way nothing is added. The keys of an origin are read once
   * (raw decoded) and then kept in memory: this process is the file's only writer.
   */
  private async writeQuarantine(records: readonly QuarantineRecord[]): Promise<number> {
    if (records.length === 0) return 0;
    const unknown = [...new Set(records.map((q) => q.origin))].filter((o) => !this.quarantineKeys.has(o));
    if (unknown.length > 0) {
      for (const o of unknown) this.quarantineKeys.set(o, new Set());
      const rows = await this.rows(`SELECT run_id, agency, origin, line, raw FROM quarantine WHERE list_contains($origins::VARCHAR[], origin)`, { origins: listValue(unknown) });
      for (const r of rows) {
        const q = { runId: str(r[0]), agency: str(r[1]), origin: str(r[2]), line: Number(r[3]), raw: '' };
        q.raw = this.codec.decode(str(r[4]), 'quarantine.raw', quarantineRecordId(q));
        const keys = this.quarantineKeys.get(q.origin)!;
        keys.add(quarantineRecordId(q));
        keys.add(quarantineContentKey(q));
      }
    }
    const fresh = records.filter((q) => {
      const keys = this.quarantineKeys.get(q.origin)!;
      const id = quarantineRecordId(q), content = quarantineContentKey(q);
      if (keys.has(id) || keys.has(content)) return false;
      keys.add(id);
      keys.add(content);
      return true;
    });
    if (fresh.length === 0) return 0;
    let seq = await this.nextSeq('quarantine', fresh.length);
    const codec = this.codec;
    function* rows(): Generator<DuckDBValue[]> {
      for (const q of fresh) yield [BigInt(seq++), q.runId, q.agency, q.origin, q.line, codec.encode(q.raw, 'quarantine.raw', quarantineRecordId(q)), JSON.stringify(q.reasons)];
    }
    await this.append('quarantine', rows());
    return fresh.length;
  }

  /**
   * Rewrites up to `limit` sensitive values not under the codec's current key (see the port). One
   * transaction per call, queued like every other call, so reads and ingests go on between batches.
   */
  reencryptBatch(limit: number, opts: { encryptPlaintext?: boolean } = {}): Promise<ReencryptionProgress> {
    if (!Number.isInteger(limit) || limit < 1) return Promise.reject(new BaseeratError('VALIDATION', `limit must be a positive integer, got ${limit}`, { field: 'limit' }));
    const prefix = this.codec.currentPrefix?.();
    if (prefix === undefined) return Promise.reject(new BaseeratError('CONFIG', 'the store has no keyed codec: open it with the master key to re-encrypt', { field: 'masterKey' }));
    return this.exclusive(() => this.transaction(async () => {
      let left = limit, rewritten = 0;
      for (const t of REENCRYPT_TARGETS) {
        if (left === 0) break;
        const rows = await this.rows(
          `SELECT ${t.keys.join(', ')}, ${t.column} FROM ${t.table} WHERE ${t.rows} AND ${t.column} IS NOT NULL AND NOT starts_with(${t.column}, $prefix) LIMIT $lim`,
          { prefix, lim: BigInt(left) },
        );
        if (rows.length === 0) continue;
        const updates: DuckDBValue[][] = [];
        for (const r of rows) {
          const stored = str(r[t.keys.length]);
          const id = t.recordId(r);
          let plain: string;
          if (opts.encryptPlaintext === true && !looksEncrypted(stored)) plain = stored;
          else plain = this.codec.decode(stored, t.field, id);
          updates.push([str(r[0]), t.keys.length > 1 ? str(r[1]) : null, t.keys.length > 2 ? str(r[2]) : null, this.codec.encode(plain, t.field, id)]);
        }
        await this.conn.run(`CREATE OR REPLACE TEMP TABLE tmp_reencrypt (k0 VARCHAR, k1 VARCHAR, k2 VARCHAR, v VARCHAR)`);
        await this.append('tmp_reencrypt', updates);
        const match = t.keys.map((k, i) => `${t.table}.${k}${k === 'line' ? '::VARCHAR' : ''} = tmp_reencrypt.k${i}`).join(' AND ');
        await this.conn.run(`UPDATE ${t.table} SET ${t.column} = tmp_reencrypt.v FROM tmp_reencrypt WHERE ${match}`);
        // the side file's copies of these values are under the older key, and this write makes no
        // new seq: it is deleted before the commit and rebuilt once nothing is left to re-encrypt
        if (this.detail !== undefined && this.detail.state !== 'invalid') this.detail.invalidate('re-encryption rewrites ciphertext');
        rewritten += rows.length;
        left -= rows.length;
      }
      let remaining = 0;
      for (const t of REENCRYPT_TARGETS) {
        remaining += Number((await this.rows(`SELECT count(*)::DOUBLE FROM ${t.table} WHERE ${t.rows} AND ${t.column} IS NOT NULL AND NOT starts_with(${t.column}, $prefix)`, { prefix }))[0]?.[0] ?? 0);
      }
      return { rewritten, remaining };
    }).then((progress) => {
      if (progress.remaining === 0 && this.detail?.state === 'invalid') this.detail.scheduleRebuild('re-encryption done');
      return progress;
    }));
  }

  recordRun(run: IngestRun): Promise<void> {
    return this.exclusive(async () => {
      await this.conn.run(
        `INSERT OR REPLACE INTO ingest_runs (id, started_at, finished_at, origin, format, agency, rows_read, inserted, attached, duplicates, quarantined, covered_from, covered_to)
         VALUES ($id, $started, $finished, $origin, $format, $agency, $read, $ins, $att, $dup, $q, $cfrom, $cto)`,
        {
          id: run.id,
          started: tsValue(run.startedAt, 'startedAt'),
          finished: run.finishedAt === undefined ? null : tsValue(run.finishedAt, 'finishedAt'),
          cfrom: run.coveredFrom === undefined ? null : tsValue(run.coveredFrom, 'coveredFrom'),
          cto: run.coveredTo === undefined ? null : tsValue(run.coveredTo, 'coveredTo'),
          origin: run.origin, format: run.format, agency: run.agency,
          read: BigInt(run.rowsRead), ins: BigInt(run.inserted), att: BigInt(run.attached), dup: BigInt(run.duplicates), q: BigInt(run.quarantined),
        },
      );
    });
  }

  listRuns(): Promise<IngestRun[]> {
    return this.exclusive(async () => {
      const rows = await this.rows(`SELECT id, epoch_ms(started_at)::DOUBLE, epoch_ms(finished_at)::DOUBLE, origin, format, agency,
        rows_read::DOUBLE, inserted::DOUBLE, attached::DOUBLE, duplicates::DOUBLE, quarantined::DOUBLE,
        epoch_ms(covered_from)::DOUBLE, epoch_ms(covered_to)::DOUBLE FROM ingest_runs ORDER BY started_at, id`);
      return rows.map((r) => {
        const run: IngestRun = {
          id: str(r[0]), startedAt: new Date(Number(r[1])).toISOString(), origin: str(r[3]), format: str(r[4]), agency: str(r[5]),
          rowsRead: Number(r[6]), inserted: Number(r[7]), attached: Number(r[8]), duplicates: Number(r[9]), quarantined: Number(r[10]),
        };
        if (r[2] != null) run.finishedAt = new Date(Number(r[2])).toISOString();
        if (r[11] != null && r[12] != null) { run.coveredFrom = new Date(Number(r[11])).toISOString(); run.coveredTo = new Date(Number(r[12])).toISOString(); }
        return run;
      });
    });
  }

  listCoverage(): Promise<FeedRange[]> {
    return this.exclusive(async () => {
      const rows = await this.rows(`SELECT agency, epoch_ms(covered_from)::DOUBLE, epoch_ms(covered_to)::DOUBLE FROM ingest_runs
        WHERE covered_from IS NOT NULL AND covered_to IS NOT NULL ORDER BY covered_from, started_at, id`);
      return rows.map((r) => ({ agency: str(r[0]), coveredFrom: new Date(Number(r[1])).toISOString(), coveredTo: new Date(Number(r[2])).toISOString() }));
    });
  }

  linkCandidates(fromMs: number, toMs: number): Promise<LinkCandidate[]> {
    // a range after every stored incident: nothing to read (see latestOccurredMs)
    if (this.latestOccurredMs !== undefined && fromMs > this.latestOccurredMs) {
      this.linkReadsAvoided++;
      return Promise.resolve([]);
    }
    // on a read connection: a live batch's candidates do not wait for the writes queued before it, nor for a checkpoint
    return this.readers.read(async (conn) => {
      // Each incident offers its anchor report (engine linkCandidateOf): the report's own place,
      // time, code, key and casualties, not the consolidated mixture of several reports.
      const rows = await this.rows(
        `SELECT i.id, r.fields::VARCHAR FROM incidents i JOIN reports r ON r.incident_id = i.id
         WHERE i.occurred_at BETWEEN $from AND $to ORDER BY i.occurred_at, i.id, r.received_at, r.seq`,
        { from: msToTimestamp(fromMs), to: msToTimestamp(toMs) },
        conn,
      );
      const out: LinkCandidate[] = [];
      let id: string | undefined;
      let reports: Report[] = [];
      for (const r of rows) {
        const rid = str(r[0]);
        if (rid !== id) {
          if (id !== undefined) out.push(linkCandidateOf(id, reports));
          id = rid;
          reports = [];
        }
        // the fields JSON lacks only narrative and source.raw, which linking does not read
        reports.push(JSON.parse(str(r[1])) as Report);
      }
      if (id !== undefined) out.push(linkCandidateOf(id, reports));
      return out;
    });
  }

  reportsOf(incidentId: string): Promise<Report[]> {
    return this.exclusive(() => this.reportsOfUnlocked(incidentId));
  }

  private async reportsOfUnlocked(incidentId: string): Promise<Report[]> {
    // on the write connection: no write runs meanwhile, so the index is exact (loaded here if need be)
    const incidents = await this.incidents();
    const seq = incidents.seq(hash52(incidentId));
    if (seq === undefined) return [];
    let range = '';
    let params: Record<string, DuckDBValue> = { id: incidentId };
    if (seq !== IncidentSeqIndex.UNKNOWN_SEQ) {
      const bounds = await this.rows(`SELECT rep_lo, rep_hi FROM incidents WHERE seq = $seq AND id = $id`, { seq: BigInt(seq), id: incidentId });
      if (bounds.length === 0) return [];
      range = ' AND r.seq BETWEEN $lo AND $hi';
      params = { ...params, lo: bounds[0]![0] as bigint, hi: bounds[0]![1] as bigint };
    }
    const rows = await this.rows(`SELECT ${DUCKDB_REPORT_SELECT} FROM reports r WHERE r.incident_id = $id${range} ORDER BY r.received_at, r.seq`, params);
    return rows.map((row) => reportFromRow(row, this.codec));
  }

  unlink(incidentId: string, key: string): Promise<string> {
    return this.exclusive(() => this.transaction(async () => {
      const current = (await this.loadForReconsolidation([incidentId])).get(incidentId);
      if (current === undefined) throw new BaseeratError('NOT_FOUND', `unlink: incident ${incidentId} does not exist`, { field: 'incidentId' });
      const moving = current.reports.find((r) => sourceKey(r.source) === key);
      if (moving === undefined) throw new BaseeratError('NOT_FOUND', `unlink: source record ${key} is not part of incident ${incidentId}`, { field: 'sourceKey' });
      if (current.reports.length === 1) throw new BaseeratError('CONFLICT', `unlink: incident ${incidentId} has only the source record ${key}`, { field: 'sourceKey' });
      const rest = current.reports.filter((r) => r !== moving);
      // The detached record always gets the id a fresh ingest would have given it. When it created
      // the incident (its id is that id), the remaining reports take the id of their earliest
      // received report instead, so ids keep meaning "the incident this source record created".
      const movedId = incidentIdFor(key);
      let restId = incidentId;
      if (movedId === incidentId) {
        const taken = await this.storedIncidentIds(rest.map((r) => incidentIdFor(sourceKey(r.source))));
        const free = rest.map((r) => incidentIdFor(sourceKey(r.source))).find((id) => !taken.has(id));
        if (free === undefined) throw new BaseeratError('CONFLICT', `unlink: no free id for the remaining reports of ${incidentId}`, { field: 'sourceKey' });
        restId = free;
      } else if ((await this.storedIncidentIds([movedId])).has(movedId)) {
        throw new BaseeratError('CONFLICT', `unlink: incident id ${movedId} for ${key} is already taken`, { field: 'sourceKey' });
      }
      const restKeys = new Set(rest.map((r) => sourceKey(r.source)));
      const keptLinks = current.links.filter((l) => restKeys.has(l.a) && restKeys.has(l.b));
      const removed = current.links.filter((l) => !(restKeys.has(l.a) && restKeys.has(l.b)));
      await this.deleteIncidents([incidentId]);
      const incidents = await this.incidents();
      const seq = await this.nextSeq('incidents', 2);
      // both keep the original's report range: it bounds the reports of each (a superset is enough)
      const range = [BigInt(current.repLo), BigInt(current.repHi)];
      const restRow = incidentRow(consolidate(restId, rest, keptLinks), this.codec, true);
      const movedRow = incidentRow(consolidate(movedId, [moving], []), this.codec, true);
      this.noteIncidentRow(restRow);
      this.noteIncidentRow(movedRow);
      await this.append('incidents', [[...restRow, BigInt(seq), ...range], [...movedRow, BigInt(seq + 1), ...range]]);
      // the side file: both new versions; the one that keeps the incident's id supersedes its old one
      this.detailTouched = true;
      const movingAt = current.reports.indexOf(moving);
      await this.detailAdd(seq, restId === incidentId ? current.seq : -1, selectedIncidentRow(restRow), current.stored.filter((_, i) => i !== movingAt));
      await this.detailAdd(seq + 1, movedId === incidentId ? current.seq : -1, selectedIncidentRow(movedRow), [current.stored[movingAt]!]);
      incidents.set(hash52(restId), seq);
      incidents.set(hash52(movedId), seq + 1);
      const within = { lo: range[0]!, hi: range[1]! };
      await this.conn.run(`UPDATE reports SET incident_id = $to WHERE incident_id = $from AND seq BETWEEN $lo AND $hi`, { to: restId, from: incidentId, ...within });
      await this.conn.run(`UPDATE reports SET incident_id = $to WHERE agency = $a AND source_id = $s AND seq BETWEEN $lo AND $hi`, {
        to: movedId, a: moving.source.agency, s: moving.source.sourceId, ...within,
      });
      const historySeq = await this.nextSeq('link_history', 1);
      await this.conn.run(`INSERT INTO link_history VALUES ($seq, 'unlink', $inc, $key, $moved, $rest, $links)`, {
        seq: BigInt(historySeq), inc: incidentId, key, moved: movedId, rest: restId, links: JSON.stringify(removed),
      });
      return movedId;
    }));
  }

  /**
   * One incident by id. With the incident index loaded (see `incidents()`): a miss is certain, a
   * hit reads the row at its seq and its reports by their seq range, each from one or two row groups (schema
   * version 4), both as statements prepared once per read connection. A hit the snapshot does not
   * show (a write committed after this read began, or a stale hash: the row at that seq is another
   * incident's or none) falls back to the scan by id, as does every look-up while the index is loading.
   */
  getIncident(id: string): Promise<Incident | undefined> {
    const index = this.incidentIndexForRead();
    const seq = index?.seq(hash52(id));
    if (index !== undefined && seq === undefined) return this.readers.read(async () => undefined);
    // The side file first (detail-file.ts): one positioned read of the version at that seq. It
    // holds only committed versions, published after their commit and before the write resolves;
    // anything it does not hold (not ready, another seq, a hash collision) is read from DuckDB.
    if (seq !== undefined && seq !== IncidentSeqIndex.UNKNOWN_SEQ && this.detail?.ready === true) {
      const payload = this.detail.read(seq);
      if (payload !== undefined) {
        try {
          const inc = incidentFromDetail(payload, this.codec);
          if (inc.id === id) return Promise.resolve(inc);
        } catch (e) {
          return Promise.reject(e);
        }
      }
    }
    return this.getIncidentFromTables(id, seq);
  }

  /** getIncident from the DuckDB tables alone (the side file's fallback; tests compare the two). */
  getIncidentFromTables(id: string, seq: number | undefined = this.incidentIndexForRead()?.seq(hash52(id))): Promise<Incident | undefined> {
    return this.readers.read(async (conn) => {
      // the exact seq (2 ms of CPU at 1,000,000 incidents; its 65,536-seq block cost 5 ms: issue #7);
      // the id is compared here, not in the SQL: a filter on the id column cost 1 ms more per read
      if (seq !== undefined && seq !== IncidentSeqIndex.UNKNOWN_SEQ) {
        const rows = await this.readers.preparedRows(conn, INCIDENT_AT_SEQ, [BigInt(seq)]);
        if (rows.length === 1 && str(rows[0]![0]) === id) return (await this.withSources(conn, rows, true))[0];
      }
      const rows = await this.rows(`SELECT ${INCIDENT_SELECT}, ${REPORT_RANGE} FROM incidents i WHERE i.id = $id`, { id }, conn);
      return (await this.withSources(conn, rows, false))[0];
    });
  }

  /**
   * Incidents from rows of INCIDENT_SELECT and REPORT_RANGE, with their sources. `byRange`: the
   * sources are read within the incidents' report seq ranges (rep_lo..rep_hi), for a few incidents.
   */
  private async withSources(conn: DuckDBConnection, rows: Js[][], byRange: boolean): Promise<Incident[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => str(r[0]));
    // Within a seq range (byRange: a few incidents) list_contains filters the rows of the range's row
    // group(s), 1.7 ms of CPU for one incident at 1,000,000, where the semi-join (or `incident_id = $id`)
    // cost 3.5-4.2 ms (issue #7; measured on the bench store). Otherwise a semi-join on the id list:
    // `list_contains($ids, r.incident_id)` over all reports compared every report row with every
    // listed id (3.2 s of CPU for 500 ids over 1,000,000 reports; the semi-join 67 ms, bench/api).
    const src = byRange
      ? await this.readers.preparedRows(conn, REPORTS_IN_RANGE, [
        BigInt(Math.min(...rows.map((r) => Number(r[RANGE_AT])))), BigInt(Math.max(...rows.map((r) => Number(r[RANGE_AT + 1])))), listValue(ids),
      ])
      : await this.rows(`${REPORT_COLUMNS} WHERE r.incident_id IN (SELECT unnest($ids::VARCHAR[])) ORDER BY r.received_at, r.seq`, { ids: listValue(ids) }, conn);
    // each incident's source rows, in received order; an Incident is made from them as from the side file's (detail-record.ts)
    const sources = new Map<string, Js[][]>(ids.map((id) => [id, []]));
    for (const s of src) sources.get(str(s[0]))?.push(s);
    return rows.map((r) => incidentFromStored(r, sources.get(str(r[0])) ?? [], 1, this.codec));
  }

  /**
   * The generation of the incidents committed (largest seqs, as the side file's COMMIT holds them),
   * for the incident index's list (store/incident-index/indexed-store.ts); undefined without a side file.
   */
  committedGeneration(): string | undefined {
    return this.committedMark === undefined ? undefined : generationOf(this.committedMark);
  }

  /** A list page's incidents from the side file at that generation, synchronously, or undefined: store/duckdb/incident-list.ts incidentsFromDetail. */
  listedIncidents(ids: readonly string[], generation: string): Incident[] | undefined {
    return incidentsFromDetail(this.detail, this.incidentIndexForRead(), ids, generation, this.codec);
  }

  /** Late materialisation, page cached until the next write: store/duckdb/incident-list.ts. */
  listIncidents(filter: IncidentFilter, page: { offset: number; limit: number }): Promise<Page<Incident>> {
    return listIncidentPage({ readers: this.readers, cache: this.readCache, codec: this.codec }, filter, page);
  }

  private async countUnlocked(where: string, params: Record<string, DuckDBValue>, conn: DuckDBConnection): Promise<number> {
    return Number((await this.rows(`SELECT count(*)::DOUBLE FROM incidents i WHERE ${where}`, params, conn))[0]?.[0] ?? 0);
  }

  countIncidents(filter: IncidentFilter): Promise<number> {
    return this.readCache.get(`count ${JSON.stringify(filter)}`, () => this.readers.read(async (conn) => {
      const f = filterSql(filter);
      return this.countUnlocked(f.where, f.params, conn);
    }));
  }

  /** The map's points: one narrow query on the read pool (five columns, no sources, no decoding), and the filter's count. */
  listPoints(filter: IncidentFilter, limit: number): Promise<{ items: IncidentPoint[]; total: number }> {
    if (!Number.isInteger(limit) || limit < 1 || limit > PAGE_MAX) {
      return Promise.reject(new BaseeratError('VALIDATION', `limit must be an integer in 1..${PAGE_MAX}, got ${limit}`, { field: 'limit' }));
    }
    return this.readCache.get(`points ${limit} ${JSON.stringify(filter)}`, () => this.readers.read(async (conn) => {
      const f = filterSql(filter);
      const total = await this.countUnlocked(f.where, f.params, conn);
      const rows = await this.rows(
        `SELECT i.id, i.lon, i.lat, i.category, epoch_ms(i.occurred_at)::DOUBLE FROM incidents i
         WHERE ${f.where} AND i.lat IS NOT NULL AND i.lon IS NOT NULL ORDER BY i.occurred_at DESC, i.id DESC LIMIT $lim`,
        { ...f.params, lim: BigInt(limit) },
        conn,
      );
      const items = rows.map((r): IncidentPoint => ({
        id: str(r[0]), lon: Number(r[1]), lat: Number(r[2]), category: str(r[3]) as IncidentPoint['category'], occurredAt: new Date(Number(r[4])).toISOString(),
      }));
      return { items, total };
    }));
  }

  readColumns(filter: IncidentFilter): Promise<IncidentColumns> {
    return this.readers.read((conn) => this.readColumnsUnlocked(filter, conn));
  }

  private async readColumnsUnlocked(filter: IncidentFilter, conn: DuckDBConnection): Promise<IncidentColumns> {
    const f = filterSql(filter);
    // Dictionaries of the filtered rows first (small), sorted, so that indices are deterministic.
    const dict = await this.rows(
      `SELECT 0, district FROM incidents i WHERE ${f.where} AND district IS NOT NULL GROUP BY district
       UNION ALL SELECT 1, province FROM incidents i WHERE ${f.where} AND province IS NOT NULL GROUP BY province
       UNION ALL SELECT 2, perpetrator FROM incidents i WHERE ${f.where} AND perpetrator IS NOT NULL GROUP BY perpetrator`,
      f.params,
      conn,
    );
    const names: [string[], string[], string[]] = [[], [], []];
    for (const r of dict) names[Number(r[0]) as 0 | 1 | 2].push(str(r[1]));
    for (const n of names) n.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const [districtNames, provinceNames, perpetratorNames] = names;
    const lookup = (p: string) => `(SELECT unnest($${p}::VARCHAR[]) AS name, (generate_subscripts($${p}::VARCHAR[], 1) - 1)::INTEGER AS idx)`;
    const result = await conn.run(
      `SELECT
         epoch_ms(i.occurred_at)::DOUBLE,
         coalesce(i.lat, 'NaN'::DOUBLE),
         coalesce(i.lon, 'NaN'::DOUBLE),
         -- the small codes travel packed in one column: every column costs a native call per chunk
         (tp.idx + lp.idx * 4 + i.classification_rank * 32 + rm.idx * 128 + ct.idx * 512 + i.id_ok * 65536 + i.h3_kind * 131072)::UINTEGER,
         coalesce(dd.idx, -1)::INTEGER,
         coalesce(pv.idx, -1)::INTEGER,
         coalesce(pp.idx, -1)::INTEGER,
         i.killed::UINTEGER, i.injured::UINTEGER, i.abducted::UINTEGER,
         least(i.source_count, 65535)::USMALLINT,
         -- ids and H3 cells are hex: read as two 32-bit halves into typed arrays, strings only for the odd one out
         CASE WHEN i.id_ok = 1 THEN ('0x' || substr(i.id, 5, 8))::UINTEGER ELSE 0 END::UINTEGER,
         CASE WHEN i.id_ok = 1 THEN ('0x' || substr(i.id, 13, 8))::UINTEGER ELSE 0 END::UINTEGER,
         CASE WHEN i.h3_kind = 1 THEN ('0x' || substr(i.h3, 1, 7))::UINTEGER ELSE 0 END::UINTEGER,
         CASE WHEN i.h3_kind = 1 THEN ('0x' || substr(i.h3, 8, 8))::UINTEGER ELSE 0 END::UINTEGER,
         CASE WHEN i.id_ok = 0 THEN i.id END,
         CASE WHEN i.h3_kind = 2 THEN i.h3 END
       FROM (
         SELECT i.*, regexp_full_match(i.id, 'inc_[0-9a-f]{16}')::INTEGER AS id_ok,
           CASE WHEN i.h3 IS NULL THEN 0 WHEN regexp_full_match(i.h3, '[0-9a-f]{15}') THEN 1 ELSE 2 END AS h3_kind
         FROM incidents i WHERE ${f.where}
       ) i
       JOIN ${lookup('tp')} tp ON tp.name = i.time_precision
       JOIN ${lookup('lp')} lp ON lp.name = i.location_precision
       JOIN ${lookup('ct')} ct ON ct.name = i.category
       JOIN ${lookup('rm')} rm ON rm.name = i.reporting_mode
       LEFT JOIN ${lookup('dd')} dd ON dd.name = i.district
       LEFT JOIN ${lookup('pv')} pv ON pv.name = i.province
       LEFT JOIN ${lookup('pp')} pp ON pp.name = i.perpetrator
       ORDER BY i.occurred_at, i.id`,
      {
        ...f.params,
        tp: listValue([...TIME_PRECISIONS]), lp: listValue([...LOCATION_PRECISIONS]), ct: listValue([...CATEGORY_CODES]),
        rm: listValue([...REPORTING_MODES]), dd: listValue(districtNames), pv: listValue(provinceNames), pp: listValue(perpetratorNames),
      },
      // an empty dictionary has no element to infer its type from
      { dd: LIST(VARCHAR), pv: LIST(VARCHAR), pp: LIST(VARCHAR) },
    );
    const n = result.rowCount;
    const chunks = chunksOf(result);
    const cols: IncidentColumns = {
      length: n,
      id: new Array<string>(n),
      time: new Float64Array(n),
      timePrecision: new Uint8Array(n),
      lat: new Float64Array(n),
      lon: new Float64Array(n),
      locationPrecision: new Uint8Array(n),
      district: new Int32Array(n),
      districtNames,
      province: new Int32Array(n),
      provinceNames,
      category: new Uint16Array(n),
      killed: new Uint32Array(n),
      injured: new Uint32Array(n),
      abducted: new Uint32Array(n),
      classification: new Uint8Array(n),
      reportingMode: new Uint8Array(n),
      h3: new Array<string>(n),
      perpetrator: new Int32Array(n),
      perpetratorNames,
      sourceCount: new Uint16Array(n),
    };
    const packed = new Uint32Array(n);
    const idHi = new Uint32Array(n), idLo = new Uint32Array(n), h3Hi = new Uint32Array(n), h3Lo = new Uint32Array(n);
    const numeric = [
      cols.time, cols.lat, cols.lon, packed, cols.district, cols.province, cols.perpetrator, cols.killed, cols.injured, cols.abducted,
      cols.sourceCount, idHi, idLo, h3Hi, h3Lo,
    ];
    numeric.forEach((out, col) => copyNumericColumn(chunks, col, out));
    for (let i = 0; i < n; i++) {
      const p = packed[i]!;
      cols.timePrecision[i] = p & 3;
      cols.locationPrecision[i] = (p >>> 2) & 7;
      cols.classification[i] = (p >>> 5) & 3;
      cols.reportingMode[i] = (p >>> 7) & 3;
      cols.category[i] = (p >>> 9) & 127;
      if ((p >>> 16) & 1) {
        const hi = idHi[i]!, lo = idLo[i]!;
        cols.id[i] = 'inc_' + HEX4[hi >>> 16]! + HEX4[hi & 0xffff]! + HEX4[lo >>> 16]! + HEX4[lo & 0xffff]!;
      }
      if (p >>> 17 === 1) {
        const hi = h3Hi[i]!, lo = h3Lo[i]!;
        cols.h3[i] = HEX3[hi >>> 16]! + HEX4[hi & 0xffff]! + HEX4[lo >>> 16]! + HEX4[lo & 0xffff]!;
      } else cols.h3[i] = '';
    }
    visitStrings(chunks, 15, (i) => ((packed[i]! >>> 16) & 1) === 0, (i, v) => { cols.id[i] = v ?? ''; });
    visitStrings(chunks, 16, (i) => packed[i]! >>> 17 === 2, (i, v) => { cols.h3[i] = v ?? ''; });
    return cols;
  }

  stats(filter: IncidentFilter = {}): Promise<StoreStats> {
    return this.readCache.get(`stats ${JSON.stringify(filter)}`, () => this.readers.read(async (conn) => {
      const f = filterSql(filter);
      const quarantined = Number((await this.rows(`SELECT count(*)::DOUBLE FROM quarantine`, undefined, conn))[0]?.[0] ?? 0);
      // One scan for the four breakdowns. Months in local time: a month-precision time is stored at
      // local midnight of the month's first day, which in UTC still lies in the previous month.
      const grouped = await this.rows(
        `SELECT grouping(province, district, category, month)::INTEGER AS g, coalesce(province, district, category, month, $unknown), count(*)::DOUBLE
         FROM (SELECT coalesce(i.province, $unknown) AS province, coalesce(i.district, $unknown) AS district, i.category,
                      strftime(${localTimeSql('i.occurred_at', this.timeZone)}, '%Y-%m') AS month
               FROM incidents i WHERE ${f.where})
         GROUP BY GROUPING SETS ((province), (district), (category), (month))`,
        { ...f.params, unknown: UNKNOWN_KEY },
        conn,
      );
      // grouping() sets a bit for each column *not* grouped: 0b0111 = province only, and so on.
      const sets: Record<number, Record<string, number>> = { 7: {}, 11: {}, 13: {}, 14: {} };
      for (const r of grouped) {
        const target = sets[Number(r[0])];
        if (target !== undefined) target[str(r[1])] = Number(r[2]);
      }
      const agencyRows = await this.rows(
        `SELECT r.agency, count(*)::DOUBLE FROM reports r WHERE r.incident_id IN (SELECT i.id FROM incidents i WHERE ${f.where}) GROUP BY r.agency ORDER BY r.agency`,
        f.params,
        conn,
      );
      const byAgency = Object.fromEntries(agencyRows.map((r) => [str(r[0]), Number(r[1])]));
      return {
        // every incident has one province key ((unknown) included): no separate count scan
        total: Object.values(sets[7]!).reduce((a, b) => a + b, 0),
        reports: Object.values(byAgency).reduce((a, b) => a + b, 0),
        quarantined,
        byProvince: sortedKeys(sets[7]!),
        byDistrict: sortedKeys(sets[11]!),
        byCategory: sortedKeys(sets[13]!),
        byMonth: sortedKeys(sets[14]!),
        byAgency,
      };
    }));
  }

  listQuarantine(page: { offset: number; limit: number }, runId?: string): Promise<Page<QuarantineRecord>> {
    return this.exclusive(async () => {
      const { offset, limit } = checkPage(page);
      const where = runId === undefined ? 'TRUE' : 'run_id = $run';
      const params: Record<string, DuckDBValue> = runId === undefined ? {} : { run: runId };
      const total = Number((await this.rows(`SELECT count(*)::DOUBLE FROM quarantine WHERE ${where}`, params))[0]?.[0] ?? 0);
      const rows = await this.rows(
        `SELECT run_id, agency, origin, line, raw, reasons::VARCHAR FROM quarantine WHERE ${where} ORDER BY seq LIMIT $lim OFFSET $off`,
        { ...params, lim: BigInt(limit), off: BigInt(offset) },
      );
      const items = rows.map((r) => ({
        runId: str(r[0]), agency: str(r[1]), origin: str(r[2]), line: Number(r[3]),
        raw: this.codec.decode(str(r[4]), 'quarantine.raw', quarantineRecordId({ runId: str(r[0]), origin: str(r[2]), line: Number(r[3]) })),
        reasons: JSON.parse(str(r[5])) as QuarantineRecord['reasons'],
      }));
      return { items, total, offset, limit };
    });
  }

  close(): Promise<void> {
    return this.exclusive(async () => {
      this.closed = true;
      // first: a rebuild's dump holds a read connection until it sees the side file closed
      this.detail?.close();
      await this.rowEncoder?.close();
      await this.readers.close();
      this.conn.closeSync();
      // before the instance: other connections on it (the security tables') must be closed first
      this.options.onClose?.();
      this.instance.closeSync();
    });
  }
}

function str(v: Js): string {
  return String(v);
}

/** The codec of an encrypted store opened without the master key: analyses work, sensitive text neither reads nor writes. */
function lockedCodec(): FieldCodec {
  const refuse = (field: SensitiveField, recordId: string): never => {
    throw new BaseeratError('CONFIG', `record ${recordId} field ${field}: this store's sensitive fields are encrypted; open it with the master key (BASEERAT_MASTER_KEY, or master.key beside the database)`, { field: 'masterKey' });
  };
  return { encode: (_p, field, id) => refuse(field, id), decode: (_s, field, id) => refuse(field, id) };
}

function quarantineContentKey(q: { agency: string; origin: string; line: number; raw: string }): string {
  return JSON.stringify([q.agency, q.origin, q.line, q.raw]);
}

/** A value written by a keyed codec (`v1:<keyId>:...`); anything else was stored before encryption was on. */
function looksEncrypted(stored: string): boolean {
  return /^v\d+:[a-z][a-z0-9_-]*\.v\d+:/.test(stored);
}

/**
 * The sensitive columns, with the key columns of their rows, how the codec's record id is formed
 * from them, and which rows hold that field (`reports.raw` is field reports.record in rows of layout 2).
 */
const REENCRYPT_TARGETS: readonly { table: string; column: string; field: SensitiveField; keys: readonly string[]; recordId: (r: readonly Js[]) => string; rows: string }[] = [
  { table: 'incidents', column: 'narrative', field: 'incidents.narrative', keys: ['id'], recordId: (r) => str(r[0]), rows: 'TRUE' },
  { table: 'reports', column: 'raw', field: 'reports.raw', keys: ['agency', 'source_id'], recordId: (r) => sourceKey({ agency: str(r[0]), sourceId: str(r[1]) }), rows: 'layout IS NULL' },
  { table: 'reports', column: 'raw', field: 'reports.record', keys: ['agency', 'source_id'], recordId: (r) => sourceKey({ agency: str(r[0]), sourceId: str(r[1]) }), rows: 'layout = 2' },
  { table: 'reports', column: 'narrative', field: 'reports.narrative', keys: ['agency', 'source_id'], recordId: (r) => sourceKey({ agency: str(r[0]), sourceId: str(r[1]) }), rows: 'TRUE' },
  { table: 'quarantine', column: 'raw', field: 'quarantine.raw', keys: ['run_id', 'origin', 'line'], recordId: (r) => quarantineRecordId({ runId: str(r[0]), origin: str(r[1]), line: Number(r[2]) }), rows: 'TRUE' },
];

/** The appender call for one column type; anything unusual goes through the generic `appendValue`. */
function writerFor(type: DuckDBType): (a: DuckDBAppender, v: DuckDBValue) => void {
  switch (type.typeId) {
    case DuckDBTypeId.VARCHAR: return (a, v) => a.appendVarchar(v as string);
    case DuckDBTypeId.DOUBLE: return (a, v) => a.appendDouble(v as number);
    case DuckDBTypeId.INTEGER: return (a, v) => a.appendInteger(v as number);
    case DuckDBTypeId.TINYINT: return (a, v) => a.appendTinyInt(v as number);
    case DuckDBTypeId.BIGINT: return (a, v) => a.appendBigInt(v as bigint);
    case DuckDBTypeId.TIMESTAMP: return (a, v) => a.appendTimestamp(v as DuckDBTimestampValue);
    default: return (a, v) => a.appendValue(v, type);
  }
}

function sortedKeys(o: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Every 16-bit value as 4 hex digits (and 12-bit as 3): formatting ids by table look-up is several times faster than toString(16). */
const HEX4 = Array.from({ length: 65536 }, (_, i) => i.toString(16).padStart(4, '0'));
const HEX3 = Array.from({ length: 4096 }, (_, i) => i.toString(16).padStart(3, '0'));

/** A new incident's rows made by the row encoder (row-encoder.ts): seq columns still to set. */
type Encoded = EncodedRows;

export { canonicalIso };
