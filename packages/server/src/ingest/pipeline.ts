/**
 * The ingest pipeline: read -> adapter.toReport -> batch -> drop duplicates (already stored, or
 * repeated within the file) -> link against stored incidents -> write -> record the run.
 *
 * Nothing is lost: every record read ends up stored, counted as a duplicate of a stored one, or in
 * quarantine with its reasons, raw text and line, so `rowsRead = stored + duplicates + quarantined`
 * (blank lines and skipped rows are counted apart). Re-ingesting a file stores nothing new: its
 * keys `agency:sourceId` are already there.
 *
 * Throughput: the per-row work is synchronous (reader, adapter, geocoder); awaits happen per chunk
 * of input and per batch. While the store writes batch n, batch n+1 is parsed. Link candidates are
 * fetched per batch for [min time - window, max time + window] and kept across batches, so a
 * time-ordered file asks the store only for the new part of the window.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import {
  BaseeratError, DEFAULT_LINK_RULES, attachToLinkCandidate, categoryGroup, fnv1a64, isoUtcMs, linkCandidateOf, localDay, reviseWeakLinks, sourceKey,
  type Classification, type FieldIssue, type Geocoder, type LinkCandidate, type LinkPlan, type LinkRules, type Report, type ReportingMode,
} from '@baseerat/engine';
import type { Adapter, AdapterContext } from './adapter.js';
import type { IngestRun, QuarantineRecord, Store } from '../store/port.js';
import { newReaderStats, objectItem, type ByteSource, type ReaderItem, type ReaderStats } from './readers/index.js';
import { checkHeader, readItems, runAdapter } from './read-items.js';
import { decodeReport, type ConvertedChunk } from './converted-chunk.js';
import { ingestFileInWorker, parseWorkerPlan } from './parse-worker-host.js';

export { readItems, runAdapter };

/** The linker's signature (engine/link `linkBatch`), injected so that tests and callers choose it. */
export type LinkFn = (reports: Report[], candidates: LinkCandidate[], rules: LinkRules) => LinkPlan;

export interface IngestProgress {
  bytesRead: number;
  /** File size when known, else 0. */
  totalBytes: number;
  rowsRead: number;
  stored: number;
  duplicates: number;
  quarantined: number;
}

export interface IngestOptions {
  adapter: Adapter;
  /** Agency stamped on the records; default the adapter's. */
  agency?: string;
  store: Store;
  geocoder: Geocoder;
  link: LinkFn;
  linkRules?: LinkRules;
  /** receivedAt of every source record of this run (ISO UTC). */
  receivedAt: string;
  runId?: string;
  /** Records per store batch (default 10,000). */
  batchSize?: number;
  onProgress?: (p: IngestProgress) => void;
  /** Classification of records that state none and whose mapping states none (default RESTRICTED). */
  classification?: Classification;
  /** Default `unknown`. */
  reportingMode?: ReportingMode;
  /** Name recorded with the run and the quarantine (default: the file path, or `stream`). */
  origin?: string;
  /** Clock for the run's start and finish times (default the system clock). */
  now?: () => Date;
  /**
   * Live runs (`createLiveIngestor`): the run is recorded again for a new Pakistan day of its range
   * at most once per this many milliseconds of `now` (a day reached in between is recorded by the
   * first push after the interval; the record at close is always exact). Default 0: at every push
   * that reaches a new day. A feed replayed faster than real time reaches a new day at nearly every
   * push (bench/realtime), and each record is a store transaction on the live path.
   */
  progressIntervalMs?: number;
  /**
   * Re-decide weak links of stored incidents when this run brings a better incident for them
   * (engine `reviseWeakLinks`; the move goes through the store's `unlink`, so it is in the link
   * history). Default true.
   */
  reviseWeakLinks?: boolean;
  /** With `reviseWeakLinks`: also detach a weak member once another incident is compatible with it and nothing strong claims it. Default true. */
  detachWeakLinks?: boolean;
  /** With `reviseWeakLinks`: also move a district-only or 25 km report linked by a strong rule to a strictly better incident of this batch. Default true. */
  reviseCoarseLinks?: boolean;
  /**
   * `ingestFile` only: read, parse and convert the file (reader, adapter, geocoding, H3) in a
   * worker thread, so that this thread only links and writes. `'auto'` (default): when the file has
   * at least 4 MB, the adapter is a mapping file's or a built-in one and the geocoder is the shipped
   * geography (the worker builds its own); `true`: whenever that is possible (else a CONFIG error);
   * `false`: never. The results are the same either way (same reader, adapter and order).
   */
  parseInWorker?: boolean | 'auto';
}

export interface IngestSummary {
  runId: string;
  origin: string;
  format: string;
  agency: string;
  /** Records read (rows, features, JSON lines), good or bad; excludes blank lines, skipped rows and the header. */
  rowsRead: number;
  /** Reports written (each source record once). */
  stored: number;
  /** New incidents created. */
  inserted: number;
  /** Reports attached to incidents that were already stored. */
  attached: number;
  /** Stored reports moved out of a weak link into an incident of this run (see `reviseWeakLinks`). */
  relinked: number;
  /** Records whose `agency:sourceId` was already stored (not quarantined). */
  duplicates: number;
  /** Records quarantined, duplicates within the file included. */
  quarantined: number;
  /** Of `quarantined`: a record whose source id appeared earlier in the same file or stream. */
  duplicatesInFile: number;
  blankLines: number;
  skippedRows: number;
  bytesRead: number;
  seconds: number;
}

const HOUR = 3_600_000;

import { hash52, HashSet52 } from '../store/duckdb/hash-set-52.js';

export { hash52, HashSet52 };

/**
 * One ingest run: feed it reader items (from a file or from live records), then `finish()`. Used by
 * `ingestStream`, `ingestFile`, `ingestRecords` and `createLiveIngestor`, so that all take one path.
 */
export class IngestSession {
  readonly runId: string;
  readonly agency: string;
  /** The adapters' context; a live run's `receivedAt` moves with each push (`setReceivedAt`). */
  ctx: AdapterContext;
  private readonly rules: LinkRules;
  private readonly batchSize: number;
  private readonly windowMs: number;
  private readonly startedAt: Date;
  private readonly t0 = performance.now();
  private reports: Report[] = [];
  private quarantine: QuarantineRecord[] = [];
  private batchKeys = new Map<string, number>();
  /** hash52 of each report's source key, parallel to `reports` (computed once, in `accept`). */
  private hashes: number[] = [];
  private readonly runKeys = new HashSet52();
  private candidates = new Map<string, LinkCandidate>();
  private candFrom = Number.NaN;
  private candTo = Number.NaN;
  private writing: Promise<void> = Promise.resolve();
  private failure: unknown;
  readonly counts = { rowsRead: 0, stored: 0, inserted: 0, attached: 0, relinked: 0, duplicates: 0, quarantined: 0, duplicatesInFile: 0 };
  /** Earliest and latest occurredAt of the records taken (ISO strings, compared as text): the time range the run covered. */
  private coveredFrom: string | undefined;
  private coveredTo: string | undefined;
  /** The Pakistan days of the range last recorded by `recordProgress` (a live run records itself again when it widens). */
  private recordedDays = '';
  /** When (`now`, epoch ms) `recordProgress` last recorded the run. */
  private recordedAt = -Infinity;
  /** The progress record being written behind the live path, and the failure of one, thrown by the next push. */
  private progressWrite: Promise<void> | undefined;
  private progressFailure: unknown;
  stats: ReaderStats = newReaderStats();
  totalBytes = 0;

  constructor(private readonly opts: IngestOptions, readonly origin: string) {
    checkReceivedAt(opts.receivedAt);
    const batchSize = opts.batchSize ?? 10_000;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new BaseeratError('VALIDATION', `batchSize: ${batchSize} is not a positive whole number`, { field: 'batchSize' });
    this.batchSize = batchSize;
    this.agency = opts.agency ?? opts.adapter.defaultAgency;
    this.rules = opts.linkRules ?? DEFAULT_LINK_RULES;
    // a report known to the day can link to anything on that day, so the window is a day wider
    this.windowMs = (this.rules.maxHours + 24) * HOUR;
    this.startedAt = (opts.now ?? (() => new Date()))();
    this.runId = opts.runId ?? `run_${fnv1a64(`${origin}|${opts.adapter.name}|${this.agency}|${opts.receivedAt}|${this.startedAt.toISOString()}`)}`;
    this.ctx = {
      geocoder: opts.geocoder,
      agency: this.agency,
      receivedAt: new Date(opts.receivedAt).toISOString(),
      classification: opts.classification ?? 'RESTRICTED',
      reportingMode: opts.reportingMode ?? 'unknown',
    };
  }

  /** The time the records pushed from now on were received (a live feed's batch arrival); ISO UTC. */
  setReceivedAt(receivedAt: string): void {
    checkReceivedAt(receivedAt);
    this.ctx = { ...this.ctx, receivedAt: new Date(receivedAt).toISOString() };
  }

  private quarantineItem(raw: string, line: number, reasons: FieldIssue[]) {
    this.quarantine.push({ runId: this.runId, agency: this.agency, origin: this.origin, line, raw, reasons });
    this.counts.quarantined++;
  }

  /** Converts items synchronously; writes a batch (awaiting the previous write) when one is full. */
  async push(items: readonly ReaderItem[]): Promise<void> {
    const { adapter } = this.opts;
    for (const item of items) {
      this.counts.rowsRead++;
      if (!item.ok) { this.quarantineItem(item.raw, item.line, item.issues); continue; }
      const r = runAdapter(adapter, item.row, item.raw, item.line, this.ctx);
      if (!r.ok) { this.quarantineItem(item.raw, item.line, r.error); continue; }
      if (this.accept(r.value, item.raw, item.line)) await this.flush();
    }
    // quarantine alone does not hold up a batch, but is bounded too
    if (this.quarantine.length >= this.batchSize) await this.flush();
  }

  /**
   * Items already converted by the parse worker (same reader, same adapter, same context), in file
   * order: from here on exactly what `push` does with them.
   */
  async pushChunk(c: ConvertedChunk): Promise<void> {
    for (let i = 0; i < c.n; i++) {
      this.counts.rowsRead++;
      const line = c.lines[i]!;
      const f = c.failedAt[i]!;
      if (f > 0) {
        const bad = c.failures[f - 1]!;
        this.quarantineItem(bad.raw, line, bad.issues);
        continue;
      }
      const r = decodeReport(c, i);
      if (this.accept(r, r.source.raw, line)) await this.flush();
    }
    if (this.quarantine.length >= this.batchSize) await this.flush();
  }

  /** Takes a converted report into the batch, or quarantines it as a repeat; true when the batch is full. */
  private accept(r: Report, raw: string, line: number): boolean {
    const key = sourceKey(r.source);
    const first = this.batchKeys.get(key);
    const h = hash52(key);
    if (first !== undefined || this.runKeys.has(h)) {
      this.counts.duplicatesInFile++;
      this.quarantineItem(raw, line, [{
        field: 'sourceId', value: r.source.sourceId,
        message: `sourceId: duplicate '${r.source.sourceId}' within this ${this.origin === 'stream' ? 'stream' : 'file'} (first seen ${first === undefined ? 'in an earlier batch' : `on line ${first}`}); only the first is kept`,
      }]);
      return false;
    }
    this.batchKeys.set(key, line);
    // the feed reported this time, whether the record is new or already stored
    const t = r.occurredAt;
    if (this.coveredFrom === undefined || t < this.coveredFrom) this.coveredFrom = t;
    if (this.coveredTo === undefined || t > this.coveredTo) this.coveredTo = t;
    this.reports.push(r);
    this.hashes.push(h);
    return this.reports.length >= this.batchSize;
  }

  /** Writes what is buffered. The write runs on while the caller reads on; `settle()` waits for it. */
  async flush(): Promise<void> {
    const reports = this.reports, quarantine = this.quarantine, batchKeys = this.batchKeys, hashes = this.hashes;
    this.reports = []; this.quarantine = []; this.batchKeys = new Map(); this.hashes = [];
    await this.settle();
    if (reports.length === 0 && quarantine.length === 0) return;
    const { store } = this.opts;
    let fresh = reports;
    if (reports.length > 0) {
      const existing = await store.existingSourceKeys([...batchKeys.keys()]);
      if (existing.size > 0) {
        fresh = reports.filter((r) => !existing.has(sourceKey(r.source)));
        this.counts.duplicates += reports.length - fresh.length;
      }
    }
    let plan: LinkPlan = { newIncidents: [], attachments: [] };
    if (fresh.length > 0) {
      let lo = Infinity, hi = -Infinity;
      for (const r of fresh) {
        const t = isoUtcMs(r.occurredAt);
        if (t < lo) lo = t;
        if (t > hi) hi = t;
      }
      const candidates = await this.candidatesFor(lo - this.windowMs, hi + this.windowMs);
      plan = this.opts.link(fresh, candidates, this.rules);
      if (this.opts.reviseWeakLinks ?? true) plan = await this.revise(plan, candidates);
      if (fresh === reports) for (const h of hashes) this.runKeys.add(h);
      else for (const r of fresh) this.runKeys.add(hash52(sourceKey(r.source)));
      this.remember(plan);
    }
    const planned = plan.newIncidents.reduce((s, n) => s + n.reports.length, 0) + plan.attachments.reduce((s, a) => s + a.reports.length, 0);
    if (planned !== fresh.length) {
      throw new BaseeratError('VALIDATION', `linker returned ${planned} reports for ${fresh.length} given: a link plan must place every report once`, { field: 'link' });
    }
    const write = store.writeBatch({ newIncidents: plan.newIncidents, attachments: plan.attachments, quarantine });
    this.writing = write.then(
      (w) => {
        this.counts.inserted += w.inserted;
        this.counts.attached += w.attached;
        // the store skips keys written meanwhile by someone else: count them as duplicates
        this.counts.duplicates += w.duplicates;
        this.counts.stored += planned - w.duplicates;
        this.progress();
      },
      (e: unknown) => { this.failure = e; },
    );
  }

  /** Waits for the write in flight; rethrows its error. */
  async settle(): Promise<void> {
    await this.writing;
    if (this.failure !== undefined) {
      const e = this.failure;
      this.failure = undefined;
      throw e;
    }
  }

  private async candidatesFor(from: number, to: number): Promise<LinkCandidate[]> {
    const { store } = this.opts;
    if (Number.isNaN(this.candFrom) || from < this.candFrom || from > this.candTo) {
      this.candidates = new Map((await store.linkCandidates(from, to)).map((c) => [c.incidentId, c]));
      this.candFrom = from;
      this.candTo = to;
    } else {
      if (to > this.candTo) {
        for (const c of await store.linkCandidates(this.candTo, to)) if (!this.candidates.has(c.incidentId)) this.candidates.set(c.incidentId, c);
        this.candTo = to;
      }
      if (from > this.candFrom) {
        for (const [id, c] of this.candidates) if (c.time < from) this.candidates.delete(id);
        this.candFrom = from;
      }
    }
    const out: LinkCandidate[] = [];
    for (const c of this.candidates.values()) if (c.time >= from && c.time <= to) out.push(c);
    return out;
  }

  /**
   * Moves stored reports that were joined by a weak ("only compatible incident") rule into an
   * incident of this batch that they match under a strong rule: unlinks each through the store
   * (link history), then turns that new incident into an attachment to the incident the report
   * now stands alone in. Only stored incidents of several agencies in the district, category
   * group and time window of a new incident are read (`reportsOf`), and none that this plan
   * attaches to.
   */
  private async revise(plan: LinkPlan, candidates: LinkCandidate[]): Promise<LinkPlan> {
    if (plan.newIncidents.length === 0 || candidates.length === 0) return plan;
    const attachedTo = new Set(plan.attachments.map((a) => a.incidentId));
    const multi = candidates.filter((c) => c.agencies.length >= 2 && c.district !== undefined && !attachedTo.has(c.incidentId));
    // no stored incident of several agencies nearby (a one-agency file): nothing to re-decide, and
    // no need to make a candidate of every new incident
    if (multi.length === 0) return plan;
    const span = (this.rules.maxHours + 48) * HOUR;
    const arrived = new Map<string, number[]>();
    for (const n of plan.newIncidents) {
      const c = linkCandidateOf(n.id, n.reports);
      if (c.district === undefined) continue;
      const k = `${c.district}|${categoryGroup(c.category)}`;
      const list = arrived.get(k);
      if (list === undefined) arrived.set(k, [c.time]); else list.push(c.time);
    }
    const near = multi.filter((c) => {
      const times = arrived.get(`${c.district}|${categoryGroup(c.category)}`);
      return times !== undefined && times.some((t) => Math.abs(t - c.time) <= span);
    });
    if (near.length === 0) return plan;
    const { store } = this.opts;
    const stored = [];
    for (const c of near) stored.push({ incidentId: c.incidentId, reports: await store.reportsOf(c.incidentId) });
    const changed: LinkCandidate[] = [];
    for (const a of plan.attachments) {
      const c = candidates.find((x) => x.incidentId === a.incidentId);
      if (c !== undefined) changed.push(attachToLinkCandidate(c, a.reports));
    }
    const moves = reviseWeakLinks(plan.newIncidents, stored, { ...this.rules, detachWeakLinks: this.opts.detachWeakLinks ?? true, reviseCoarseLinks: this.opts.reviseCoarseLinks ?? true }, changed);
    if (moves.length === 0) return plan;
    const byNew = new Set(moves.flatMap((m) => m.toNewIncidentId === undefined ? [] : [m.toNewIncidentId]));
    const reportsById = new Map(stored.map((s) => [s.incidentId, s.reports]));
    const attachments = [...plan.attachments];
    for (const m of moves) {
      const alone = await store.unlink(m.fromIncidentId, m.sourceKey);
      this.counts.relinked++;
      const rest = (reportsById.get(m.fromIncidentId) ?? []).filter((r) => sourceKey(r.source) !== m.sourceKey);
      reportsById.set(m.fromIncidentId, rest);
      if (this.candidates.has(m.fromIncidentId) && rest.length > 0) this.candidates.set(m.fromIncidentId, linkCandidateOf(m.fromIncidentId, rest));
      if (!Number.isNaN(this.candFrom)) this.candidates.set(alone, linkCandidateOf(alone, [m.report]));
      if (m.toNewIncidentId === undefined || m.link === undefined) continue;
      const n = plan.newIncidents.find((x) => x.id === m.toNewIncidentId)!;
      // remember() then adds this batch's reports to the report's incident
      attachments.push({ incidentId: alone, reports: n.reports, links: [...n.links, m.link] });
    }
    return { ...plan, newIncidents: plan.newIncidents.filter((n) => !byNew.has(n.id)), attachments };
  }

  /** Adds this batch's new incidents to the cached candidates (they are not in the store yet when the next batch links). */
  private remember(plan: LinkPlan) {
    if (Number.isNaN(this.candFrom)) return;
    // what the store's linkCandidates would return for these incidents once written
    for (const n of plan.newIncidents) {
      const c = linkCandidateOf(n.id, n.reports);
      if (c.time >= this.candFrom && c.time <= this.candTo) this.candidates.set(n.id, c);
    }
    for (const a of plan.attachments) {
      const c = this.candidates.get(a.incidentId);
      if (c !== undefined) this.candidates.set(a.incidentId, attachToLinkCandidate(c, a.reports));
    }
  }

  /** The run as recorded so far (no finishedAt), with the time range its records covered. */
  private runRecord(): IngestRun {
    const c = this.counts;
    const run: IngestRun = {
      id: this.runId,
      startedAt: this.startedAt.toISOString(),
      origin: this.origin,
      format: this.opts.adapter.name,
      agency: this.agency,
      rowsRead: c.rowsRead,
      inserted: c.inserted,
      attached: c.attached,
      duplicates: c.duplicates,
      quarantined: c.quarantined,
    };
    if (this.coveredFrom !== undefined && this.coveredTo !== undefined) {
      run.coveredFrom = new Date(this.coveredFrom).toISOString();
      run.coveredTo = new Date(this.coveredTo).toISOString();
    }
    return run;
  }

  /**
   * A live run records itself (unfinished) when its covered range reaches a Pakistan day it had not
   * reached when last recorded, so that analyses see the feed's coverage grow while it runs: about
   * one write a day for a feed that reports as things happen, not one per push.
   *
   * The record is written behind the live path, not awaited: the store may be checkpointing, and
   * DuckDB holds every insert until its checkpoint ends (seconds with a large WAL; a push that waited
   * for this record stalled a live feed's alerts 1.5-2 s at 10,000 events/s, docs/benchmarks.md).
   * While one record is being written no other starts (the next push records the range reached by
   * then); a failed write is thrown by the next push (`throwProgressFailure`) and by `finish`.
   */
  recordProgress(): void {
    if (this.progressWrite !== undefined || this.coveredFrom === undefined || this.coveredTo === undefined) return;
    const days = `${localDay(Date.parse(this.coveredFrom))}/${localDay(Date.parse(this.coveredTo))}`;
    if (days === this.recordedDays) return;
    const interval = this.opts.progressIntervalMs ?? 0;
    const at = interval > 0 ? (this.opts.now ?? (() => new Date()))().getTime() : 0;
    if (interval > 0 && at - this.recordedAt < interval) return;
    this.recordedDays = days;
    this.recordedAt = at;
    this.progressWrite = this.opts.store.recordRun(this.runRecord()).then(
      () => { this.progressWrite = undefined; },
      (e: unknown) => { this.progressWrite = undefined; this.progressFailure ??= e; this.recordedDays = ''; },
    );
  }

  /** Throws the failure of a progress record written behind (once). */
  throwProgressFailure(): void {
    if (this.progressFailure === undefined) return;
    const e = this.progressFailure;
    this.progressFailure = undefined;
    throw e;
  }

  private progress() {
    const p = this.opts.onProgress;
    if (p === undefined) return;
    const { rowsRead, stored, duplicates, quarantined } = this.counts;
    p({ bytesRead: this.stats.bytesRead, totalBytes: this.totalBytes, rowsRead, stored, duplicates, quarantined });
  }

  /** Flushes, waits for the last write, records the run and returns its summary. */
  async finish(): Promise<IngestSummary> {
    await this.flush();
    await this.settle();
    await this.progressWrite;
    this.throwProgressFailure();
    this.progress();
    const finishedAt = (this.opts.now ?? (() => new Date()))();
    const c = this.counts;
    await this.opts.store.recordRun({ ...this.runRecord(), finishedAt: finishedAt.toISOString() });
    return {
      runId: this.runId, origin: this.origin, format: this.opts.adapter.name, agency: this.agency,
      ...c,
      blankLines: this.stats.blankLines,
      skippedRows: this.stats.skippedRows,
      bytesRead: this.stats.bytesRead,
      seconds: (performance.now() - this.t0) / 1000,
    };
  }
}

/** Ingests a byte stream (a file, an upload). `totalBytes` makes progress a fraction. */
export async function ingestStream(source: ByteSource, opts: IngestOptions & { totalBytes?: number }): Promise<IngestSummary> {
  const session = new IngestSession(opts, opts.origin ?? 'stream');
  session.totalBytes = opts.totalBytes ?? 0;
  let checked = false;
  for await (const items of readItems(opts.adapter, source, session.stats)) {
    if (!checked) checked = checkHeader(opts.adapter, session.origin, session.stats);
    await session.push(items);
  }
  return session.finish();
}

/** Ingests a file, streaming it in 1 MiB chunks (parsed in a worker thread: see `parseInWorker`). */
export async function ingestFile(path: string, opts: IngestOptions): Promise<IngestSummary> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (e) {
    throw new BaseeratError('NOT_FOUND', `file ${path} cannot be read: ${(e as Error).message}`, { field: 'path', cause: e });
  }
  const o = { ...opts, origin: opts.origin ?? path, totalBytes: size };
  const plan = parseWorkerPlan(o, size);
  if (plan !== undefined) return ingestFileInWorker(path, o, plan);
  return ingestStream(createReadStream(path, { highWaterMark: 1 << 20 }), o);
}

/** Ingests records already decoded (e.g. a JSON request body) through the same path. */
export async function ingestRecords(records: readonly unknown[], opts: IngestOptions): Promise<IngestSummary> {
  const session = new IngestSession(opts, opts.origin ?? 'stream');
  await session.push(records.map((r, i) => objectItem(r, safeJson(r), i + 1)));
  return session.finish();
}

function checkReceivedAt(receivedAt: string): void {
  if (Number.isNaN(Date.parse(receivedAt)) || !receivedAt.endsWith('Z')) {
    throw new BaseeratError('VALIDATION', `receivedAt: '${receivedAt}' is not an ISO UTC time (e.g. 2024-03-01T10:00:00.000Z)`, { field: 'receivedAt' });
  }
}

function safeJson(v: unknown): string {
  try { return JSON.stringify(v) ?? String(v); } catch { return String(v); }
}

export interface LiveIngestor {
  readonly runId: string;
  /**
   * Adds records and writes them at once; returns the counts so far. `receivedAt` (ISO UTC): when
   * these records arrived (their reports' receivedAt, provenance); default the last push's, at
   * first the run's `receivedAt`.
   */
  push(records: readonly unknown[], options?: { receivedAt?: string }): Promise<IngestSession['counts']>;
  /** Records the run; the ingestor cannot be used afterwards. */
  close(): Promise<IngestSummary>;
}

/**
 * A long-lived ingest run for a live feed (NDJSON endpoint, NATS consumer): each `push` is written
 * before it returns, duplicates are detected across pushes, link candidates are kept between them.
 * Pushes must not overlap (await each one). Weak links are not re-decided here unless
 * `reviseWeakLinks: true` is passed (see the comment inside).
 */
export function createLiveIngestor(opts: IngestOptions): LiveIngestor {
  // Re-deciding weak links is off by default on the live path: a revision re-reads the reports of
  // nearby stored incidents on every push (too slow at stream rates), and the incident an `unlink`
  // creates would bypass the live monitor. File loads (`ingestFile`, `ingestRecords`) keep it on.
  const session = new IngestSession({ reviseWeakLinks: false, ...opts }, opts.origin ?? 'stream');
  let line = 0;
  let closed = false;
  return {
    runId: session.runId,
    async push(records, options) {
      if (closed) throw new BaseeratError('CONFLICT', `live ingestor ${session.runId} is closed`, { field: 'runId' });
      session.throwProgressFailure();
      if (options?.receivedAt !== undefined) session.setReceivedAt(options.receivedAt);
      await session.push(records.map((r) => objectItem(r, safeJson(r), ++line)));
      await session.flush();
      await session.settle();
      session.recordProgress();
      return { ...session.counts };
    },
    async close() {
      closed = true;
      return session.finish();
    },
  };
}
