/**
 * The Store port: everything the rest of Baseerat asks of persistent storage. Implementations:
 * `duckdb/` (embedded default) and, later, `postgres/` (server mode). Both must pass the one
 * conformance suite in `packages/server/test/store/conformance.ts`, which is written against this
 * interface alone.
 *
 * Model: `reports` hold one row per source record (agency + source id, unique: the idempotency
 * key) with that agency's own normalised fields, so that provenance is kept and a link can be
 * undone; `incidents` hold the consolidated picture (engine `consolidate`) that analyses read.
 */
import type {
  Attachment, CategoryCode, CategoryGroup, Classification, FieldIssue, Incident, LinkCandidate, NewIncident, Report,
} from '@baseerat/engine';

export type { Attachment, LinkCandidate, NewIncident };

/**
 * The sensitive text columns, named `table.column`. A store hands each value to its FieldCodec on
 * the way in and out; the name is bound into the ciphertext (AES-GCM additional data), so a value
 * moved to another column fails to decrypt. Personal names (victims, suspects, witnesses) have no
 * column of their own: they occur only inside narratives and raw records, which is why those are
 * the columns encrypted.
 */
export const SENSITIVE_FIELDS = ['incidents.narrative', 'reports.narrative', 'reports.raw', 'quarantine.raw', 'reports.record'] as const;
export type SensitiveField = (typeof SENSITIVE_FIELDS)[number];

/**
 * Encoding of the sensitive columns at rest (encryption in production, identity in throw-away
 * stores). `recordId` names the row the value belongs to and is bound into the ciphertext, so a
 * value copied onto another row fails to decrypt:
 * - `incidents.narrative`: the incident id;
 * - `reports.narrative`, `reports.raw`: the source key `agency:sourceId` (stable across unlink);
 * - `reports.record`: the same key; a store that encrypts a report's raw record and narrative as one
 *   value (the DuckDB store since its schema version 3: one encryption per report, not two) uses it;
 * - `quarantine.raw`: `quarantineRecordId(q)`.
 * `decode` throws a BaseeratError naming the record and field when the value does not authenticate.
 */
export interface FieldCodec {
  encode(plain: string, field: SensitiveField, recordId: string): string;
  decode(stored: string, field: SensitiveField, recordId: string): string;
  /**
   * Prefix every value written now starts with (the active key version), for stores to find the
   * values a key rotation left behind (`reencryptBatch`); undefined for codecs without keys.
   */
  currentPrefix?(): string;
}

export const IDENTITY_CODEC: FieldCodec = { encode: (s) => s, decode: (s) => s };

/** The record id of a quarantined row for its FieldCodec: run, origin and line, unambiguous whatever they contain. */
export function quarantineRecordId(q: { runId: string; origin: string; line: number }): string {
  return JSON.stringify([q.runId, q.origin, q.line]);
}

export interface ReencryptionProgress {
  /** Values rewritten under the current key in this batch. */
  rewritten: number;
  /** Values still not under the current key after this batch. */
  remaining: number;
}

export interface IncidentFilter {
  /** Inclusive lower bound on occurredAt (ISO UTC). */
  from?: string;
  /** Exclusive upper bound on occurredAt (ISO UTC). */
  to?: string;
  districts?: readonly string[];
  provinces?: readonly string[];
  categories?: readonly CategoryCode[];
  groups?: readonly CategoryGroup[];
  /** Incidents with at least one source record from one of these agencies. */
  agencies?: readonly string[];
  /** Only incidents at or below this level (need-to-know filtering happens above the store too). */
  maxClassification?: Classification;
  /** [minLon, minLat, maxLon, maxLat]; incidents without coordinates are excluded when set. */
  bbox?: readonly [number, number, number, number];
}

/**
 * Incidents as columns for analysis. Arrays share one index. Unknown numbers are NaN and unknown
 * dictionary entries are -1 *inside* the engine only; results crossing the API never carry NaN.
 */
export interface IncidentColumns {
  length: number;
  id: string[];
  /** occurredAt, epoch milliseconds UTC. */
  time: Float64Array;
  /** Index into TIME_PRECISIONS. */
  timePrecision: Uint8Array;
  lat: Float64Array;
  lon: Float64Array;
  /** Index into LOCATION_PRECISIONS. */
  locationPrecision: Uint8Array;
  /** Index into `districtNames`, -1 when unknown. */
  district: Int32Array;
  districtNames: string[];
  /** Index into `provinceNames`, -1 when unknown. */
  province: Int32Array;
  provinceNames: string[];
  /** Index into CATEGORY_CODES. */
  category: Uint16Array;
  killed: Uint32Array;
  injured: Uint32Array;
  abducted: Uint32Array;
  /** Index into CLASSIFICATION_LEVELS. */
  classification: Uint8Array;
  /** Index into REPORTING_MODES. */
  reportingMode: Uint8Array;
  /** H3 cell at the store's resolution, '' when the location is coarser than `near`. */
  h3: string[];
  /** Index into `perpetratorNames`, -1 when unclaimed or unknown. */
  perpetrator: Int32Array;
  perpetratorNames: string[];
  /** Number of source records linked into the incident. */
  sourceCount: Uint16Array;
}

export interface QuarantineRecord {
  runId: string;
  agency: string;
  /** File name or stream name the row came from. */
  origin: string;
  /** 1-based line (CSV/NDJSON) or feature index (GeoJSON). */
  line: number;
  raw: string;
  reasons: FieldIssue[];
}

export interface IngestRun {
  id: string;
  startedAt: string;
  finishedAt?: string;
  origin: string;
  format: string;
  agency: string;
  rowsRead: number;
  inserted: number;
  attached: number;
  duplicates: number;
  quarantined: number;
  /**
   * The time range the run's feed reported: the earliest and latest occurredAt (ISO UTC) of the
   * records it carried (stored or already stored; not quarantined ones). Absent when it carried
   * none. A live run extends it as records arrive. Analyses read the union of these ranges as the
   * periods the data cover: a month outside every range is "no data", not "no incidents".
   * Runs recorded before the stores kept this were given their agency's earliest and latest
   * incident by the migration (DuckDB 5, PostgreSQL 2).
   */
  coveredFrom?: string;
  coveredTo?: string;
}

/** The time range one ingest run recorded (IngestRun.coveredFrom/coveredTo), and its feed: nothing else about the run. */
export interface FeedRange {
  agency: string;
  coveredFrom: string;
  coveredTo: string;
}

export interface IngestBatch {
  newIncidents: NewIncident[];
  attachments: Attachment[];
  quarantine: QuarantineRecord[];
}

export interface WriteResult {
  /** New incidents created. */
  inserted: number;
  /** Reports attached to incidents that already existed. */
  attached: number;
  /** Reports skipped because their (agency, sourceId) was already stored. */
  duplicates: number;
  quarantined: number;
}

export interface StoreStats {
  total: number;
  reports: number;
  quarantined: number;
  byProvince: Record<string, number>;
  byDistrict: Record<string, number>;
  byCategory: Record<string, number>;
  /** 'YYYY-MM' -> count. */
  byMonth: Record<string, number>;
  byAgency: Record<string, number>;
}

/** An incident as a map point: position, category and time only (no narrative, sources, casualties or perpetrator). */
export interface IncidentPoint {
  id: string;
  lon: number;
  lat: number;
  category: Incident['category'];
  /** ISO UTC. */
  occurredAt: string;
}

export interface Page<T> {
  items: T[];
  total: number;
  offset: number;
  limit: number;
}

export interface Store {
  /**
   * True when the store narrows its reads to the data scope of the request being served
   * (`request-scope.ts`: PostgreSQL's row-level security). The API opens a scope frame per request
   * only for such a store: the frames cost every request an AsyncLocalStorage context, which a store
   * without row-level security (DuckDB) would never read.
   */
  readonly enforcesRequestScope?: boolean;
  /** Applies pending migrations; idempotent. */
  migrate(): Promise<void>;
  /** Which of these `agency:sourceId` keys are already stored. */
  existingSourceKeys(keys: readonly string[]): Promise<Set<string>>;
  /**
   * Writes a batch atomically: all of it or none. Reports whose key exists are skipped and counted.
   * Quarantine records are idempotent on (agency, origin, line, raw): re-ingesting the same file
   * under a new run id adds none, while a changed line at the same place is kept.
   */
  writeBatch(batch: IngestBatch): Promise<WriteResult>;
  recordRun(run: IngestRun): Promise<void>;
  listRuns(): Promise<IngestRun[]>;
  /**
   * The time ranges the ingest runs recorded (runs without one left out), ordered by start, run
   * start and id: which periods each feed covered. It says nothing else about the runs (no origin,
   * no counts), so analyses for any reader may use it to tell a month without data from a month
   * without incidents.
   */
  listCoverage(): Promise<FeedRange[]>;
  /** Incidents whose time lies in [fromMs, toMs], for linking new reports against. */
  linkCandidates(fromMs: number, toMs: number): Promise<LinkCandidate[]>;
  /** The reports (one per source record) linked into an incident, in received order. */
  reportsOf(incidentId: string): Promise<Report[]>;
  /** Detaches one source record into an incident of its own and re-consolidates both. Returns the new incident id. */
  unlink(incidentId: string, sourceKey: string): Promise<string>;
  getIncident(id: string): Promise<Incident | undefined>;
  listIncidents(filter: IncidentFilter, page: { offset: number; limit: number }): Promise<Page<Incident>>;
  readColumns(filter: IncidentFilter): Promise<IncidentColumns>;
  countIncidents(filter: IncidentFilter): Promise<number>;
  /**
   * The `limit` most recent incidents of the filter that have coordinates, as map points, newest
   * first (occurredAt, then id, descending); `total` counts every incident of the filter (the
   * conformance suite checks it against `listIncidents`).
   */
  listPoints(filter: IncidentFilter, limit: number): Promise<{ items: IncidentPoint[]; total: number }>;
  stats(filter?: IncidentFilter): Promise<StoreStats>;
  listQuarantine(page: { offset: number; limit: number }, runId?: string): Promise<Page<QuarantineRecord>>;
  /**
   * Key rotation without downtime: rewrites up to `limit` sensitive values that are not under the
   * codec's current key, in one short transaction, so that other calls run between batches; call
   * until `remaining` is 0. A value that is not a ciphertext at all fails the batch with an error
   * naming it (it may have been planted in the file), unless `encryptPlaintext` says the store was
   * filled before encryption was switched on: then it is encrypted as it stands. Optional: stores
   * without a keyed codec need not offer it.
   */
  reencryptBatch?(limit: number, opts?: { encryptPlaintext?: boolean }): Promise<ReencryptionProgress>;
  close(): Promise<void>;
}
