/**
 * The server-mode Store: PostgreSQL through a `pg` connection pool, shared by any number of API and
 * worker processes.
 *
 * Every call is one transaction on one pooled connection, opened with the caller's scope set by
 * `set_config('baseerat.districts' | 'baseerat.clearance', ..., true)` (= `SET LOCAL`): the
 * row-level security policies of `migrations.ts` read those settings, so a store scoped to a
 * district officer (`store.scoped(...)`) cannot read another district's rows even when the caller
 * forgets the filter. The store made by `openPostgresStore` has the full scope, which writing needs.
 * Inside an API request the scope is narrowed further, with no parameter passed: the authentication
 * hook records the user's scope for the request (`../request-scope.ts`, AsyncLocalStorage) and every
 * transaction opened while serving it runs under the intersection, so a route whose own filter is
 * wrong still cannot read past the user's need-to-know; a request with no scope recorded sees nothing.
 *
 * Several processes write at once, so idempotency rests on the UNIQUE (agency, source_id) key: the
 * look-up before the write only lets duplicates be counted; when two writers race past it the loser's
 * transaction fails on the key and is retried from the start, and then counts the other's reports as
 * duplicates. Attachments lock their target incidents (FOR UPDATE, in id order) before
 * re-consolidating them, so two batches attaching to one incident cannot lose each other's report.
 * Bulk rows travel as one array parameter per column (`INSERT ... SELECT FROM unnest(...)`).
 */
import {
  BaseeratError, CATEGORY_CODES, CLASSIFICATION_LEVELS, LOCATION_PRECISIONS, REPORTING_MODES, TIME_PRECISIONS, classificationRank, consolidate,
  incidentIdFor, linkCandidateOf, sourceKey,
  type Incident, type Link, type Report,
} from '@baseerat/engine';
import { DuckDBTimestampValue, type DuckDBValue } from '@duckdb/node-api';
import pg from 'pg';
import {
  quarantineRecordId,
  type IncidentColumns, type IncidentFilter, type IncidentPoint, type FeedRange, type IngestBatch, type IngestRun, type LinkCandidate, type Page, type QuarantineRecord, type Store,
  type StoreStats, type WriteResult,
} from '../port.js';
import {
  IDENTITY_CODEC, INCIDENT_COLUMNS, REPORT_SELECT, assertNonEmpty, canonicalReport, incidentFromRow, incidentRow, lazyRaw, reportFromRow, reportRow,
  singleReportIncidentRow, type FieldCodec,
} from '../duckdb/rows.js';
import { asSystem, currentDataScope, intersectScopes, type DataScope } from '../request-scope.js';
import { Params, isoParam, pgFilterSql } from './filter-sql.js';
import { POSTGRES_MIGRATIONS, type PostgresMigration } from './migrations.js';

/** Key under which stats count incidents with no district or province (as the DuckDB store). */
const UNKNOWN_KEY = '(unknown)';
const PAGE_MAX = 10_000;
/** Rows per INSERT statement: bounds the size of one statement's array parameters. */
const INSERT_CHUNK = 5000;
/** Attempts of a write transaction that lost a race (unique key, serialization failure, deadlock). */
const WRITE_ATTEMPTS = 8;
/** The unit separator joins district names in `baseerat.districts`. */
const SEPARATOR = '\u001f';

/** What a store's sessions may see: the row-level security scope (`DataScope` of ../request-scope.ts). */
export type PostgresScope = DataScope;

export const FULL_SCOPE: PostgresScope = { districts: 'all', maxClassification: CLASSIFICATION_LEVELS[CLASSIFICATION_LEVELS.length - 1]! };

export interface PostgresStoreOptions {
  /** Encoding of the sensitive columns at rest (port SENSITIVE_FIELDS; identity by default). */
  codec?: FieldCodec;
  /** IANA zone whose calendar months `stats().byMonth` counts in (default Asia/Karachi). */
  timeZone?: string;
  /** Schema holding the tables (default `public`); created when absent. */
  schema?: string;
  /** Pool size (default 10). */
  maxConnections?: number;
  /** Scope of this store's sessions (default FULL_SCOPE). */
  scope?: PostgresScope;
}

interface Shared {
  pool: pg.Pool;
  codec: FieldCodec;
  timeZone: string;
  schema: string;
  closed: boolean;
}

type Client = pg.PoolClient;
type Row = unknown[];

export class PostgresStore implements Store {
  /** Every transaction is narrowed to the request's data scope (currentDataScope, below). */
  readonly enforcesRequestScope = true;
  private readonly settings: ScopeSettings;

  private constructor(private readonly shared: Shared, readonly scope: PostgresScope) {
    this.settings = scopeSettings(scope);
  }

  /** A store over `pool` (not yet migrated). Prefer `openPostgresStore`. */
  static over(pool: pg.Pool, options: PostgresStoreOptions = {}): PostgresStore {
    const shared: Shared = {
      pool, codec: options.codec ?? IDENTITY_CODEC, timeZone: options.timeZone ?? 'Asia/Karachi', schema: options.schema ?? 'public', closed: false,
    };
    return new PostgresStore(shared, options.scope ?? FULL_SCOPE);
  }

  /**
   * The same database seen with a narrower scope, sharing this store's pool: what the API hands a
   * request from a district officer. Closing a scoped view closes the pool for all views.
   */
  scoped(scope: PostgresScope): PostgresStore {
    return new PostgresStore(this.shared, scope);
  }

  private get codec(): FieldCodec {
    return this.shared.codec;
  }

  /**
   * The row-level security settings of a transaction opened now: this store's scope, narrowed to the
   * scope of the request being served when there is one (`../request-scope.ts`: in a request whose
   * scope was never set, NO_DATA, so nothing is visible and nothing writable). System work (outside
   * requests, or `asSystem`) keeps this store's scope.
   */
  private sessionSettings(): ScopeSettings {
    const current = currentDataScope();
    if (current.kind !== 'request') return this.settings;
    return scopeSettings(intersectScopes(this.scope, current.scope));
  }

  /**
   * Runs `fn` in one transaction with this store's scope (narrowed to the request's, see sessionSettings). Reads run REPEATABLE READ READ ONLY (one
   * snapshot: a page and its total agree); writes run READ COMMITTED and are retried from the start
   * when they lose a race on a unique key, a serialization check or a deadlock.
   */
  private async tx<T>(mode: 'read' | 'write', fn: (c: Client) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      if (this.shared.closed) throw new BaseeratError('CONFLICT', 'the store is closed');
      const c = await this.shared.pool.connect();
      let broken: Error | undefined;
      try {
        await c.query(mode === 'read' ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' : 'BEGIN');
        const { districts, clearance } = this.sessionSettings();
        await c.query(`SELECT set_config('baseerat.districts', $1, true), set_config('baseerat.clearance', $2, true)`, [districts, clearance]);
        const out = await fn(c);
        await c.query('COMMIT');
        return out;
      } catch (e) {
        try {
          await c.query('ROLLBACK');
        } catch (rollbackError) {
          broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        }
        if (mode === 'write' && attempt < WRITE_ATTEMPTS && isRetryable(e)) continue;
        throw translate(e);
      } finally {
        c.release(broken);
      }
    }
  }

  migrate(): Promise<void> {
    return this.tx('write', async (c) => {
      await migratePostgres(c);
    });
  }

  private async storedKeys(c: Client, pairs: readonly (readonly [string, string])[]): Promise<Set<string>> {
    if (pairs.length === 0) return new Set();
    const found = await c.query<{ agency: string; source_id: string }>(
      `SELECT r.agency, r.source_id FROM reports r JOIN unnest($1::text[], $2::text[]) AS k(agency, source_id)
         ON r.agency = k.agency AND r.source_id = k.source_id`,
      [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
    );
    return new Set(found.rows.map((r) => sourceKey({ agency: r.agency, sourceId: r.source_id })));
  }

  private async storedIncidentIds(c: Client, ids: readonly string[], lock = false): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const found = await c.query<{ id: string }>(
      `SELECT id FROM incidents WHERE id = ANY ($1::text[]) ${lock ? 'ORDER BY id FOR UPDATE' : ''}`,
      [[...ids]],
    );
    return new Set(found.rows.map((r) => r.id));
  }

  existingSourceKeys(keys: readonly string[]): Promise<Set<string>> {
    return this.tx('read', async (c) => {
      // A key is `agency:sourceId` and an agency may itself contain ':', so try every split.
      const pairs: [string, string][] = [];
      for (const k of keys.map(pgText)) {
        for (let i = k.indexOf(':'); i >= 0; i = k.indexOf(':', i + 1)) pairs.push([k.slice(0, i), k.slice(i + 1)]);
      }
      const stored = await this.storedKeys(c, pairs);
      return new Set(keys.filter((k) => stored.has(pgText(k))));
    });
  }

  async writeBatch(input: IngestBatch): Promise<WriteResult> {
    // PostgreSQL text cannot hold U+0000 (see pgText): replaced before any key is compared.
    const batch = withoutNul(input);
    // Validation and canonical times once, outside the retried transaction.
    const news = batch.newIncidents.map((n) => {
      assertNonEmpty(n.id, n.reports);
      return { id: n.id, reports: n.reports.map(canonicalReport), links: n.links };
    });
    const attachments = batch.attachments.map((a) => ({ incidentId: a.incidentId, reports: a.reports.map(canonicalReport), links: a.links }));
    return this.tx('write', (c) => this.writeBatchInTransaction(c, news, attachments, batch.quarantine));
  }

  private async writeBatchInTransaction(
    c: Client,
    news: { id: string; reports: Report[]; links: readonly Link[] }[],
    attachments: { incidentId: string; reports: Report[]; links: readonly Link[] }[],
    quarantine: readonly QuarantineRecord[],
  ): Promise<WriteResult> {
    const allReports = [...news.flatMap((n) => n.reports), ...attachments.flatMap((a) => a.reports)];
    const seen = await this.storedKeys(c, allReports.map((r) => [r.source.agency, r.source.sourceId] as const));
    let duplicates = 0;
    const fresh = (reports: Report[]) => reports.filter((r) => {
      const k = sourceKey(r.source);
      if (seen.has(k)) { duplicates++; return false; }
      seen.add(k);
      return true;
    });

    const created = new Map<string, { reports: Report[]; links: Link[] }>();
    const storedNewIds = await this.storedIncidentIds(c, news.map((n) => n.id));
    for (const n of news) {
      const reports = fresh(n.reports);
      if (reports.length === 0) continue;
      if (storedNewIds.has(n.id) && (await this.storedKeys(c, reports.map((r) => [r.source.agency, r.source.sourceId] as const))).size > 0) {
        // another writer stored these reports after our look-up: start again, they will count as duplicates
        throw new LostRace(`incident ${n.id} was written concurrently`);
      }
      if (storedNewIds.has(n.id) || created.has(n.id)) {
        throw new BaseeratError('CONFLICT', `newIncidents: incident id ${n.id} already exists; send its new reports as an attachment`, { field: 'newIncidents.id', details: { id: n.id } });
      }
      created.set(n.id, { reports, links: [...n.links] });
    }

    const attachedTo = new Map<string, { reports: Report[]; links: Link[] }>();
    let attached = 0;
    for (const a of attachments) {
      const reports = fresh(a.reports);
      if (reports.length === 0) continue;
      const inBatch = created.get(a.incidentId);
      if (inBatch !== undefined) {
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
    // Lock the targets before reading their reports: a concurrent attachment waits here.
    const storedTargets = await this.storedIncidentIds(c, [...attachedTo.keys()], true);
    for (const id of attachedTo.keys()) {
      if (!storedTargets.has(id)) throw new BaseeratError('NOT_FOUND', `attachments: incident ${id} does not exist`, { field: 'attachments.incidentId', details: { id } });
    }
    const previous = await this.loadForReconsolidation(c, [...attachedTo.keys()]);

    const codec = this.codec;
    function* createdRows(): Generator<DuckDBValue[]> {
      for (const [id, { reports, links }] of created) {
        if (reports.length === 1 && links.length === 0) yield singleReportIncidentRow(id, reports[0]!, codec);
        else yield incidentRow(consolidate(id, reports, keepLinks(links, reports)), codec);
      }
    }
    function* reconsolidatedRows(): Generator<DuckDBValue[]> {
      for (const [id, { reports, links }] of attachedTo) {
        const before = previous.get(id)!;
        const all = [...before.reports, ...reports];
        yield incidentRow(consolidate(id, all, keepLinks([...before.links, ...links], all)), codec);
      }
    }
    function* reportRows(): Generator<DuckDBValue[]> {
      // seq comes from the table's identity: drop the first element of the shared row layout
      for (const [id, { reports }] of created) for (const r of reports) yield reportRow(0, id, r, codec).slice(1);
      for (const [id, { reports }] of attachedTo) for (const r of reports) yield reportRow(0, id, r, codec).slice(1);
    }
    await insertRows(c, 'incidents', INCIDENT_COLUMNS, INCIDENT_TYPES, createdRows());
    // Re-consolidated incidents are updated in place, not deleted and inserted: a concurrent writer
    // waiting on the row lock then reads the new version instead of finding the row gone.
    await insertRows(c, 'incidents', INCIDENT_COLUMNS, INCIDENT_TYPES, reconsolidatedRows(), 'id');
    await insertRows(c, 'reports', REPORT_INSERT_COLUMNS, REPORT_INSERT_TYPES, reportRows());
    const quarantined = await this.writeQuarantine(c, quarantine);
    return { inserted: created.size, attached, duplicates, quarantined };
  }

  private async loadForReconsolidation(c: Client, ids: readonly string[]): Promise<Map<string, { reports: Report[]; links: Link[] }>> {
    const out = new Map<string, { reports: Report[]; links: Link[] }>();
    if (ids.length === 0) return out;
    const incs = await c.query({ text: `SELECT id, links::text FROM incidents WHERE id = ANY ($1::text[])`, values: [[...ids]], rowMode: 'array' });
    for (const r of incs.rows as Row[]) out.set(str(r[0]), { reports: [], links: JSON.parse(str(r[1])) as Link[] });
    const reps = await c.query({
      text: `SELECT ${REPORT_SELECT} FROM reports r WHERE r.incident_id = ANY ($1::text[]) ORDER BY r.received_at, r.seq`,
      values: [[...ids]], rowMode: 'array',
    });
    for (const row of reps.rows as Row[]) out.get(str(row[0]))?.reports.push(reportFromRow(row, this.codec));
    return out;
  }

  /**
   * Quarantine rows not stored yet (port: idempotent on run/origin/line, and on agency/origin/line/raw
   * so that the same file ingested in a new run adds nothing). The raw text is encrypted with a
   * random nonce, so the content check cannot be a unique index: the stored rows of each origin are
   * read and decoded, under a transaction-scoped advisory lock per origin so that two writers of one
   * origin take turns. The UNIQUE (run_id, origin, line) key backs the first rule in any case.
   */
  private async writeQuarantine(c: Client, records: readonly QuarantineRecord[]): Promise<number> {
    if (records.length === 0) return 0;
    const origins = [...new Set(records.map((q) => q.origin))].sort();
    for (const o of origins) await c.query(`SELECT pg_advisory_xact_lock(hashtext('baseerat.quarantine'), hashtext($1))`, [o]);
    const keys = new Set<string>();
    const stored = await c.query({ text: `SELECT run_id, agency, origin, line, raw FROM quarantine WHERE origin = ANY ($1::text[])`, values: [origins], rowMode: 'array' });
    for (const r of stored.rows as Row[]) {
      const q = { runId: str(r[0]), agency: str(r[1]), origin: str(r[2]), line: Number(r[3]), raw: '' };
      q.raw = this.codec.decode(str(r[4]), 'quarantine.raw', quarantineRecordId(q));
      keys.add(quarantineRecordId(q));
      keys.add(quarantineContentKey(q));
    }
    const fresh = records.filter((q) => {
      const id = quarantineRecordId(q), content = quarantineContentKey(q);
      if (keys.has(id) || keys.has(content)) return false;
      keys.add(id);
      keys.add(content);
      return true;
    });
    if (fresh.length === 0) return 0;
    // identity values follow the ORDER BY, so listQuarantine pages in the order given
    await c.query(
      `INSERT INTO quarantine (run_id, agency, origin, line, raw, reasons)
       SELECT run_id, agency, origin, line, raw, reasons::json
       FROM unnest($1::text[], $2::text[], $3::text[], $4::integer[], $5::text[], $6::text[]) WITH ORDINALITY AS q(run_id, agency, origin, line, raw, reasons, ord)
       ORDER BY ord`,
      [
        fresh.map((q) => pgText(q.runId)), fresh.map((q) => pgText(q.agency)), fresh.map((q) => pgText(q.origin)), fresh.map((q) => q.line),
        fresh.map((q) => pgText(this.codec.encode(q.raw, 'quarantine.raw', quarantineRecordId(q)))), fresh.map((q) => pgText(JSON.stringify(q.reasons))),
      ],
    );
    return fresh.length;
  }

  recordRun(input: IngestRun): Promise<void> {
    const run = withoutNul(input);
    return this.tx('write', async (c) => {
      await c.query(
        `INSERT INTO ingest_runs (id, started_at, finished_at, origin, format, agency, rows_read, inserted, attached, duplicates, quarantined, covered_from, covered_to)
         VALUES ($1, $2::timestamptz, $3::timestamptz, $4, $5, $6, $7, $8, $9, $10, $11, $12::timestamptz, $13::timestamptz)
         ON CONFLICT (id) DO UPDATE SET started_at = EXCLUDED.started_at, finished_at = EXCLUDED.finished_at, origin = EXCLUDED.origin,
           format = EXCLUDED.format, agency = EXCLUDED.agency, rows_read = EXCLUDED.rows_read, inserted = EXCLUDED.inserted,
           attached = EXCLUDED.attached, duplicates = EXCLUDED.duplicates, quarantined = EXCLUDED.quarantined,
           covered_from = EXCLUDED.covered_from, covered_to = EXCLUDED.covered_to`,
        [
          run.id, isoParam(run.startedAt, 'startedAt'), run.finishedAt === undefined ? null : isoParam(run.finishedAt, 'finishedAt'),
          run.origin, run.format, run.agency, run.rowsRead, run.inserted, run.attached, run.duplicates, run.quarantined,
          run.coveredFrom === undefined ? null : isoParam(run.coveredFrom, 'coveredFrom'), run.coveredTo === undefined ? null : isoParam(run.coveredTo, 'coveredTo'),
        ],
      );
    });
  }

  listRuns(): Promise<IngestRun[]> {
    return this.tx('read', async (c) => {
      const res = await c.query({
        text: `SELECT id, ${ms('started_at')}, ${ms('finished_at')}, origin, format, agency,
          rows_read::float8, inserted::float8, attached::float8, duplicates::float8, quarantined::float8,
          ${ms('covered_from')}, ${ms('covered_to')} FROM ingest_runs ORDER BY started_at, id`,
        rowMode: 'array',
      });
      return (res.rows as Row[]).map((r) => {
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
    // Which periods the feeds covered is not incident data: read under the system's scope, so that a
    // district-scoped request (row-level security hides ingest runs from it) gets the same answer.
    return asSystem(() => this.tx('read', async (c) => {
      const res = await c.query({
        text: `SELECT agency, ${ms('covered_from')}, ${ms('covered_to')} FROM ingest_runs
          WHERE covered_from IS NOT NULL AND covered_to IS NOT NULL ORDER BY covered_from, started_at, id`,
        rowMode: 'array',
      });
      return (res.rows as Row[]).map((r) => ({ agency: str(r[0]), coveredFrom: new Date(Number(r[1])).toISOString(), coveredTo: new Date(Number(r[2])).toISOString() }));
    }));
  }

  linkCandidates(fromMs: number, toMs: number): Promise<LinkCandidate[]> {
    return this.tx('read', async (c) => {
      const res = await c.query({
        text: `SELECT i.id, r.fields::text FROM incidents i JOIN reports r ON r.incident_id = i.id
               WHERE i.occurred_at BETWEEN $1::timestamptz AND $2::timestamptz ORDER BY i.occurred_at, i.id, r.received_at, r.seq`,
        values: [new Date(fromMs).toISOString(), new Date(toMs).toISOString()],
        rowMode: 'array',
      });
      const out: LinkCandidate[] = [];
      let id: string | undefined;
      let reports: Report[] = [];
      for (const r of res.rows as Row[]) {
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
    return this.tx('read', async (c) => {
      const res = await c.query({ text: `SELECT ${REPORT_SELECT} FROM reports r WHERE r.incident_id = $1 ORDER BY r.received_at, r.seq`, values: [incidentId], rowMode: 'array' });
      return (res.rows as Row[]).map((row) => reportFromRow(row, this.codec));
    });
  }

  unlink(incidentId: string, key: string): Promise<string> {
    return this.tx('write', async (c) => {
      await this.storedIncidentIds(c, [incidentId], true);
      const current = (await this.loadForReconsolidation(c, [incidentId])).get(incidentId);
      if (current === undefined) throw new BaseeratError('NOT_FOUND', `unlink: incident ${incidentId} does not exist`, { field: 'incidentId' });
      const moving = current.reports.find((r) => sourceKey(r.source) === key);
      if (moving === undefined) throw new BaseeratError('NOT_FOUND', `unlink: source record ${key} is not part of incident ${incidentId}`, { field: 'sourceKey' });
      if (current.reports.length === 1) throw new BaseeratError('CONFLICT', `unlink: incident ${incidentId} has only the source record ${key}`, { field: 'sourceKey' });
      const rest = current.reports.filter((r) => r !== moving);
      // As the DuckDB store: the detached record gets the id a fresh ingest would have given it; when
      // it created the incident, the remaining reports take the id of their earliest received report.
      const movedId = incidentIdFor(key);
      let restId = incidentId;
      if (movedId === incidentId) {
        const candidates = rest.map((r) => incidentIdFor(sourceKey(r.source)));
        const taken = await this.storedIncidentIds(c, candidates);
        const free = candidates.find((id) => !taken.has(id));
        if (free === undefined) throw new BaseeratError('CONFLICT', `unlink: no free id for the remaining reports of ${incidentId}`, { field: 'sourceKey' });
        restId = free;
      } else if ((await this.storedIncidentIds(c, [movedId])).has(movedId)) {
        throw new BaseeratError('CONFLICT', `unlink: incident id ${movedId} for ${key} is already taken`, { field: 'sourceKey' });
      }
      const restKeys = new Set(rest.map((r) => sourceKey(r.source)));
      const keptLinks = current.links.filter((l) => restKeys.has(l.a) && restKeys.has(l.b));
      const removed = current.links.filter((l) => !(restKeys.has(l.a) && restKeys.has(l.b)));
      if (restId !== incidentId && movedId !== incidentId) throw new Error('unlink: one of the two incidents keeps the id');
      // the incident that keeps the id is updated in place (see writeBatch), the other is new
      await insertRows(c, 'incidents', INCIDENT_COLUMNS, INCIDENT_TYPES, [
        incidentRow(consolidate(restId, rest, keptLinks), this.codec),
        incidentRow(consolidate(movedId, [moving], []), this.codec),
      ], 'id');
      await c.query(`UPDATE reports SET incident_id = $1 WHERE incident_id = $2`, [restId, incidentId]);
      await c.query(`UPDATE reports SET incident_id = $1 WHERE agency = $2 AND source_id = $3`, [movedId, moving.source.agency, moving.source.sourceId]);
      await c.query(
        `INSERT INTO link_history (action, incident_id, source_key, new_incident_id, remaining_incident_id, removed_links) VALUES ('unlink', $1, $2, $3, $4, $5::json)`,
        [incidentId, key, movedId, restId, JSON.stringify(removed)],
      );
      return movedId;
    });
  }

  getIncident(id: string): Promise<Incident | undefined> {
    return this.tx('read', async (c) => (await this.incidentsWhere(c, `i.id = $1`, [id], ''))[0]);
  }

  /** Incidents matching `where`, with their sources, in (occurred_at, id) order. */
  private async incidentsWhere(c: Client, where: string, values: readonly unknown[], tail: string): Promise<Incident[]> {
    const res = await c.query({ text: `SELECT ${PG_INCIDENT_SELECT} FROM incidents i WHERE ${where} ORDER BY i.occurred_at, i.id ${tail}`, values: [...values], rowMode: 'array' });
    const rows = res.rows as Row[];
    if (rows.length === 0) return [];
    const ids = rows.map((r) => str(r[0]));
    const src = await c.query({
      text: `SELECT r.incident_id, r.agency, r.source_id, ${ms('r.received_at')}, r.format, r.raw FROM reports r
             WHERE r.incident_id = ANY ($1::text[]) ORDER BY r.received_at, r.seq`,
      values: [ids], rowMode: 'array',
    });
    const sources = new Map<string, Incident['sources']>(ids.map((id) => [id, []]));
    for (const s of src.rows as Row[]) {
      sources.get(str(s[0]))?.push({
        agency: str(s[1]), sourceId: str(s[2]), receivedAt: new Date(Number(s[3])).toISOString(), format: str(s[4]),
        raw: this.codec.decode(str(s[5]), 'reports.raw', sourceKey({ agency: str(s[1]), sourceId: str(s[2]) })),
      });
    }
    return rows.map((r) => incidentFromRow(r, sources.get(str(r[0])) ?? [], this.codec));
  }

  /**
   * A page by the (occurred_at, id) index, and its sources. No raw record is decrypted for a list:
   * each source's `raw` is decoded on first read (the API's list never reads it; its detail view
   * reads the incident by id). The narratives are in the incident rows here, decoded as before.
   */
  async listIncidents(filter: IncidentFilter, page: { offset: number; limit: number }): Promise<Page<Incident>> {
    const { offset, limit } = checkPage(page);
    const p = new Params();
    const where = pgFilterSql(filter, p);
    return this.tx('read', async (c) => {
      const total = await count(c, where, p.values);
      const n = p.values.length;
      const res = await c.query({
        text: `SELECT ${PG_INCIDENT_SELECT} FROM incidents i WHERE ${where} ORDER BY i.occurred_at, i.id LIMIT $${n + 1} OFFSET $${n + 2}`,
        values: [...p.values, limit, offset], rowMode: 'array',
      });
      const rows = res.rows as Row[];
      if (rows.length === 0) return { items: [], total, offset, limit };
      const ids = rows.map((r) => str(r[0]));
      const src = await c.query({
        text: `SELECT r.incident_id, r.agency, r.source_id, ${ms('r.received_at')}, r.format, r.raw FROM reports r
               WHERE r.incident_id = ANY ($1::text[]) ORDER BY r.received_at, r.seq`,
        values: [ids], rowMode: 'array',
      });
      const codec = this.codec;
      const sources = new Map<string, Incident['sources']>(ids.map((id) => [id, []]));
      for (const s of src.rows as Row[]) {
        const agency = str(s[1]);
        const sourceId = str(s[2]);
        const stored = str(s[5]);
        let raw: string | undefined;
        const source = lazyRaw({ agency, sourceId, receivedAt: new Date(Number(s[3])).toISOString(), format: str(s[4]) },
          () => (raw ??= codec.decode(stored, 'reports.raw', sourceKey({ agency, sourceId }))));
        sources.get(str(s[0]))?.push(source);
      }
      return { items: rows.map((r) => incidentFromRow(r, sources.get(str(r[0])) ?? [], codec)), total, offset, limit };
    });
  }

  /**
   * The map's points (port: the `limit` most recent incidents of the filter with coordinates, newest
   * first; `total` counts every incident of the filter): five columns by the (occurred_at, id) index
   * read backwards, instead of the API's fallback, a page of full incidents with their decrypted
   * source records.
   */
  async listPoints(filter: IncidentFilter, limit: number): Promise<{ items: IncidentPoint[]; total: number }> {
    if (!Number.isInteger(limit) || limit < 1 || limit > PAGE_MAX) {
      throw new BaseeratError('VALIDATION', `limit must be an integer in 1..${PAGE_MAX}, got ${limit}`, { field: 'limit' });
    }
    const p = new Params();
    const where = pgFilterSql(filter, p);
    return this.tx('read', async (c) => {
      const total = await count(c, where, p.values);
      const res = await c.query({
        text: `SELECT i.id, i.lon, i.lat, i.category, ${ms('i.occurred_at')} FROM incidents i
               WHERE ${where} AND i.lat IS NOT NULL AND i.lon IS NOT NULL ORDER BY i.occurred_at DESC, i.id DESC LIMIT $${p.values.length + 1}`,
        values: [...p.values, limit], rowMode: 'array',
      });
      const items = (res.rows as Row[]).map((r): IncidentPoint => ({
        id: str(r[0]), lon: Number(r[1]), lat: Number(r[2]), category: str(r[3]) as IncidentPoint['category'], occurredAt: new Date(Number(r[4])).toISOString(),
      }));
      return { items, total };
    });
  }

  async countIncidents(filter: IncidentFilter): Promise<number> {
    const p = new Params();
    const where = pgFilterSql(filter, p);
    return this.tx('read', (c) => count(c, where, p.values));
  }

  async readColumns(filter: IncidentFilter): Promise<IncidentColumns> {
    const p = new Params();
    const where = pgFilterSql(filter, p);
    return this.tx('read', async (c) => {
      const res = await c.query({
        text: `SELECT i.id, ${ms('i.occurred_at')}, i.time_precision, i.lat, i.lon, i.location_precision, i.district, i.province, i.category,
                 i.killed, i.injured, i.abducted, i.classification, i.reporting_mode, i.h3, i.perpetrator, i.source_count
               FROM incidents i WHERE ${where} ORDER BY i.occurred_at, i.id`,
        values: p.values, rowMode: 'array',
      });
      return columnsOf(res.rows as Row[]);
    });
  }

  async stats(filter: IncidentFilter = {}): Promise<StoreStats> {
    const p = new Params();
    const where = pgFilterSql(filter, p);
    return this.tx('read', async (c) => {
      const total = await count(c, where, p.values);
      const quarantined = Number((await c.query({ text: `SELECT count(*)::float8 FROM quarantine`, rowMode: 'array' })).rows[0]?.[0] ?? 0);
      const tz = p.values.length + 1;
      const unknown = p.values.length + 2;
      // Months in local time: a month-precision time is stored at local midnight of the month's first day.
      const grouped = await c.query({
        text: `SELECT grouping(province, district, category, month)::integer AS g, coalesce(province, district, category, month), count(*)::float8
               FROM (SELECT coalesce(i.province, $${unknown}::text) AS province, coalesce(i.district, $${unknown}::text) AS district, i.category,
                            to_char(i.occurred_at AT TIME ZONE $${tz}::text, 'YYYY-MM') AS month
                     FROM incidents i WHERE ${where}) s
               GROUP BY GROUPING SETS ((province), (district), (category), (month))`,
        values: [...p.values, this.shared.timeZone, UNKNOWN_KEY], rowMode: 'array',
      });
      const sets: Record<number, Record<string, number>> = { 7: {}, 11: {}, 13: {}, 14: {} };
      for (const r of grouped.rows as Row[]) {
        const target = sets[Number(r[0])];
        if (target !== undefined) target[str(r[1])] = Number(r[2]);
      }
      const agencyRows = await c.query({
        text: `SELECT r.agency, count(*)::float8 FROM reports r WHERE r.incident_id IN (SELECT i.id FROM incidents i WHERE ${where}) GROUP BY r.agency ORDER BY r.agency`,
        values: p.values, rowMode: 'array',
      });
      const byAgency = Object.fromEntries((agencyRows.rows as Row[]).map((r) => [str(r[0]), Number(r[1])]));
      return {
        total,
        reports: Object.values(byAgency).reduce((a, b) => a + b, 0),
        quarantined,
        byProvince: sortedKeys(sets[7]!),
        byDistrict: sortedKeys(sets[11]!),
        byCategory: sortedKeys(sets[13]!),
        byMonth: sortedKeys(sets[14]!),
        byAgency,
      };
    });
  }

  async listQuarantine(page: { offset: number; limit: number }, runId?: string): Promise<Page<QuarantineRecord>> {
    const { offset, limit } = checkPage(page);
    return this.tx('read', async (c) => {
      const where = runId === undefined ? 'TRUE' : 'run_id = $1';
      const values: unknown[] = runId === undefined ? [] : [runId];
      const total = Number((await c.query({ text: `SELECT count(*)::float8 FROM quarantine WHERE ${where}`, values, rowMode: 'array' })).rows[0]?.[0] ?? 0);
      const rows = await c.query({
        text: `SELECT run_id, agency, origin, line, raw, reasons::text FROM quarantine WHERE ${where} ORDER BY seq LIMIT $${values.length + 1} OFFSET $${values.length + 2}`,
        values: [...values, limit, offset], rowMode: 'array',
      });
      const items = (rows.rows as Row[]).map((r) => ({
        runId: str(r[0]), agency: str(r[1]), origin: str(r[2]), line: Number(r[3]),
        raw: this.codec.decode(str(r[4]), 'quarantine.raw', quarantineRecordId({ runId: str(r[0]), origin: str(r[2]), line: Number(r[3]) })),
        reasons: JSON.parse(str(r[5])) as QuarantineRecord['reasons'],
      }));
      return { items, total, offset, limit };
    });
  }

  /** Ends the pool (for every scoped view of it). Idempotent. */
  async close(): Promise<void> {
    if (this.shared.closed) return;
    this.shared.closed = true;
    await this.shared.pool.end();
  }
}

/**
 * Opens a PostgreSQL store at `url` (`postgres://user@host:port/db`): a pool whose connections use
 * `options.schema` (created when absent) and UTC, then pending migrations. The role in the URL must
 * not have BYPASSRLS (nor be a superuser) for row-level security to mean anything.
 */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
  const schema = options.schema ?? 'public';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new BaseeratError('CONFIG', `schema must be a lower-case SQL identifier, got ${JSON.stringify(schema)}`, { field: 'schema' });
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    options: `-c search_path=${schema} -c TimeZone=UTC`,
    application_name: 'baseerat',
  });
  // An idle connection that the server drops must not crash the process: the pool replaces it.
  pool.on('error', () => undefined);
  try {
    const c = await pool.connect();
    try {
      // several processes may start at once: a schema created meanwhile by another is fine
      if (schema !== 'public') await c.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`).catch((e: unknown) => {
        if (sqlState(e) !== '23505' && sqlState(e) !== '42P06') throw e;
      });
    } finally {
      c.release();
    }
  } catch (e) {
    await pool.end();
    throw new BaseeratError('CONFIG', `cannot connect to PostgreSQL at ${redact(url)}: ${e instanceof Error ? e.message : String(e)}`, { field: 'db', cause: e });
  }
  const store = PostgresStore.over(pool, options);
  try {
    await store.migrate();
  } catch (e) {
    await store.close();
    throw e;
  }
  return store;
}

interface ScopeSettings {
  /** `baseerat.districts`: `*`, or the names joined by SEPARATOR ('' for none: sees no incident). */
  districts: string;
  /** `baseerat.clearance`: the rank of the highest visible classification. */
  clearance: string;
}

/** A scope as the two per-transaction settings the policies read (migrations.ts); checks the names. */
function scopeSettings(scope: PostgresScope): ScopeSettings {
  if (scope.districts !== 'all') {
    for (const d of scope.districts) {
      if (d.includes(SEPARATOR) || d === '*' || d === '') {
        throw new BaseeratError('VALIDATION', `scope.districts: ${JSON.stringify(d)} is not a district name`, { field: 'scope.districts' });
      }
    }
  }
  const rank = classificationRank(scope.maxClassification);
  if (rank < 0) throw new BaseeratError('VALIDATION', `scope.maxClassification: unknown level ${JSON.stringify(scope.maxClassification)}`, { field: 'scope.maxClassification' });
  return { districts: scope.districts === 'all' ? '*' : scope.districts.join(SEPARATOR), clearance: String(rank) };
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

/** Applies the migrations not yet recorded, one transaction holding an advisory lock (several processes may start at once). */
export async function migratePostgres(c: Client, migrations: readonly PostgresMigration[] = POSTGRES_MIGRATIONS): Promise<number[]> {
  await c.query(`SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.baseerat_migrations'))`);
  await c.query(`CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  const done = new Set((await c.query<{ version: number }>(`SELECT version FROM schema_migrations`)).rows.map((r) => Number(r.version)));
  const applied: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (done.has(m.version)) continue;
    for (const s of m.statements) await c.query(s);
    await c.query(`INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, [m.version, m.name]);
    applied.push(m.version);
  }
  return applied;
}

// ---------- rows ----------

const PG_INCIDENT_SELECT = `i.id, ${ms('i.occurred_at')} AS occurred_ms, i.time_precision,
  ${ms('i.reported_at')} AS reported_ms, i.lat, i.lon, i.location_precision, i.district, i.province, i.h3,
  i.place_name, i.category, i.killed, i.injured, i.abducted, i.target_type, i.perpetrator, i.narrative,
  i.classification, i.reporting_mode, i.links::text AS links`;

/** PostgreSQL array types of INCIDENT_COLUMNS, in order. */
const INCIDENT_TYPES: Record<(typeof INCIDENT_COLUMNS)[number], string> = {
  id: 'text', occurred_at: 'timestamptz', time_precision: 'text', reported_at: 'timestamptz', lat: 'float8', lon: 'float8',
  location_precision: 'text', district: 'text', province: 'text', h3: 'text', place_name: 'text', category: 'text', category_group: 'text',
  killed: 'integer', injured: 'integer', abducted: 'integer', target_type: 'text', perpetrator: 'text', narrative: 'text',
  classification: 'text', classification_rank: 'smallint', reporting_mode: 'text', source_count: 'integer', links: 'json',
};

const REPORT_INSERT_COLUMNS = ['agency', 'source_id', 'incident_id', 'received_at', 'format', 'raw', 'narrative', 'fields'] as const;
const REPORT_INSERT_TYPES: Record<(typeof REPORT_INSERT_COLUMNS)[number], string> = {
  agency: 'text', source_id: 'text', incident_id: 'text', received_at: 'timestamptz', format: 'text', raw: 'text', narrative: 'text', fields: 'json',
};

/** Epoch milliseconds of a timestamptz column as float8 (exact for the millisecond times stored). */
function ms(column: string): string {
  return `(extract(epoch from ${column}) * 1000)::float8`;
}

/**
 * PostgreSQL text cannot hold U+0000, which a malformed feed line may contain: it becomes U+FFFD
 * (the replacement character), so that such a row is stored (or quarantined) instead of failing its
 * whole batch, which a stream consumer would otherwise redeliver forever. The only lossy step.
 */
export function pgText(s: string): string {
  return s.includes('\u0000') ? s.replaceAll('\u0000', '\uFFFD') : s;
}

/** `v` with pgText applied to every string inside it; the same object when there is nothing to replace. */
export function withoutNul<T>(v: T): T {
  if (typeof v === 'string') return pgText(v) as T;
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    v.forEach((x: unknown, i) => {
      const y = withoutNul(x);
      if (y !== x) (out ??= [...v])[i] = y;
    });
    return (out ?? v) as T;
  }
  if (typeof v === 'object' && v !== null) {
    let out: Record<string, unknown> | undefined;
    for (const [k, x] of Object.entries(v)) {
      const y = withoutNul(x);
      if (y !== x) (out ??= { ...(v as Record<string, unknown>) })[k] = y;
    }
    return (out ?? v) as T;
  }
  return v;
}

/** A row value of the shared (DuckDB) row layout as a `pg` parameter element. */
function pgValue(v: DuckDBValue): unknown {
  if (typeof v === 'string') return pgText(v);
  if (v instanceof DuckDBTimestampValue) return new Date(Number(v.micros / 1000n)).toISOString();
  if (typeof v === 'bigint') return v.toString();
  return v;
}

/**
 * Inserts rows (or, with `upsertOn`, inserts or updates them in place) in statements of INSERT_CHUNK rows, each column
 * one array parameter: `INSERT INTO t (...) SELECT * FROM unnest($1::text[], ...)`. A statement has
 * as many parameters as the table has columns, however many rows it carries.
 */
async function insertRows<C extends string>(
  c: Client, table: string, columns: readonly C[], types: Record<C, string>, rows: Iterable<DuckDBValue[]>, upsertOn?: C,
): Promise<void> {
  const upsert = upsertOn === undefined ? '' : ` ON CONFLICT (${upsertOn}) DO UPDATE SET ${columns.filter((k) => k !== upsertOn).map((k) => `${k} = EXCLUDED.${k}`).join(', ')}`;
  const sql = `INSERT INTO ${table} (${columns.join(', ')}) SELECT * FROM unnest(${columns.map((k, i) => `$${i + 1}::${types[k]}[]`).join(', ')})${upsert}`;
  let cols: unknown[][] = columns.map(() => []);
  let n = 0;
  const flush = async () => {
    if (n === 0) return;
    await c.query(sql, cols);
    cols = columns.map(() => []);
    n = 0;
  };
  for (const row of rows) {
    for (let i = 0; i < columns.length; i++) cols[i]!.push(pgValue(row[i] ?? null));
    if (++n === INSERT_CHUNK) await flush();
  }
  await flush();
}

async function count(c: Client, where: string, values: readonly unknown[]): Promise<number> {
  const res = await c.query({ text: `SELECT count(*)::float8 FROM incidents i WHERE ${where}`, values: [...values], rowMode: 'array' });
  return Number((res.rows as Row[])[0]?.[0] ?? 0);
}

const indexOf = (list: readonly string[]) => new Map(list.map((v, i) => [v, i]));
const TIME_INDEX = indexOf(TIME_PRECISIONS);
const LOCATION_INDEX = indexOf(LOCATION_PRECISIONS);
const CATEGORY_INDEX = indexOf(CATEGORY_CODES);
const CLASSIFICATION_INDEX = indexOf(CLASSIFICATION_LEVELS);
const MODE_INDEX = indexOf(REPORTING_MODES);

function sortedNames(rows: readonly Row[], col: number): string[] {
  const names = new Set<string>();
  for (const r of rows) if (r[col] != null) names.add(str(r[col]));
  return [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The rows of readColumns' SELECT as IncidentColumns (dictionaries sorted, as the DuckDB store). */
function columnsOf(rows: readonly Row[]): IncidentColumns {
  const n = rows.length;
  const districtNames = sortedNames(rows, 6);
  const provinceNames = sortedNames(rows, 7);
  const perpetratorNames = sortedNames(rows, 15);
  const dd = indexOf(districtNames), pv = indexOf(provinceNames), pp = indexOf(perpetratorNames);
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
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    cols.id[i] = str(r[0]);
    cols.time[i] = Number(r[1]);
    cols.timePrecision[i] = TIME_INDEX.get(str(r[2])) ?? 0;
    cols.lat[i] = r[3] == null ? NaN : Number(r[3]);
    cols.lon[i] = r[4] == null ? NaN : Number(r[4]);
    cols.locationPrecision[i] = LOCATION_INDEX.get(str(r[5])) ?? 0;
    cols.district[i] = r[6] == null ? -1 : dd.get(str(r[6]))!;
    cols.province[i] = r[7] == null ? -1 : pv.get(str(r[7]))!;
    cols.category[i] = CATEGORY_INDEX.get(str(r[8])) ?? 0;
    cols.killed[i] = Number(r[9]);
    cols.injured[i] = Number(r[10]);
    cols.abducted[i] = Number(r[11]);
    cols.classification[i] = CLASSIFICATION_INDEX.get(str(r[12])) ?? 0;
    cols.reportingMode[i] = MODE_INDEX.get(str(r[13])) ?? 0;
    cols.h3[i] = r[14] == null ? '' : str(r[14]);
    cols.perpetrator[i] = r[15] == null ? -1 : pp.get(str(r[15]))!;
    cols.sourceCount[i] = Math.min(Number(r[16]), 65535);
  }
  return cols;
}

// ---------- helpers ----------

function str(v: unknown): string {
  return String(v);
}

function quarantineContentKey(q: { agency: string; origin: string; line: number; raw: string }): string {
  return JSON.stringify([q.agency, q.origin, q.line, q.raw]);
}

function sortedKeys(o: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function keepLinks(links: readonly Link[], reports: readonly Report[]): Link[] {
  const keys = new Set(reports.map((r) => sourceKey(r.source)));
  return links.filter((l) => keys.has(l.a) && keys.has(l.b));
}

function checkPage(page: { offset: number; limit: number }): { offset: number; limit: number } {
  const { offset, limit } = page;
  if (!Number.isInteger(offset) || offset < 0) throw new BaseeratError('VALIDATION', `offset must be a non-negative integer, got ${offset}`, { field: 'offset' });
  if (!Number.isInteger(limit) || limit < 0 || limit > PAGE_MAX) throw new BaseeratError('VALIDATION', `limit must be an integer in [0, ${PAGE_MAX}], got ${limit}`, { field: 'limit' });
  return { offset, limit };
}

function sqlState(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof (e as { code: unknown }).code === 'string' ? (e as { code: string }).code : undefined;
}

/** A race with another writer found by our own checks (read committed: each statement sees the latest commits). */
class LostRace extends Error {}

/** Lost races a fresh attempt resolves: unique violation, serialization failure, deadlock. */
function isRetryable(e: unknown): boolean {
  if (e instanceof LostRace) return true;
  const s = sqlState(e);
  return s === '23505' || s === '40001' || s === '40P01';
}

/** A PostgreSQL error as a BaseeratError (ours pass through). */
function translate(e: unknown): unknown {
  if (e instanceof BaseeratError) return e;
  const s = sqlState(e);
  const message = e instanceof Error ? e.message : String(e);
  if (s === '42501') return new BaseeratError('FORBIDDEN', `the database refused the operation for this scope: ${message}`, { cause: e });
  if (s === '23505' || e instanceof LostRace) return new BaseeratError('CONFLICT', `a concurrent write kept winning the race: ${message}`, { cause: e });
  return e;
}
