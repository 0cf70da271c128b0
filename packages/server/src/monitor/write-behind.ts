/**
 * Write-behind for the live path (issue #6): a NATS batch and its alert changes are durable once
 * they are in the live journal (live-journal.ts: appended and fdatasync'ed), so the consumer
 * acknowledges, the monitor evaluates and the SSE clients see the alert without waiting for DuckDB;
 * the same entries are written into the store and the alert tables behind, in journal order, by one
 * applier, which also runs DuckDB's checkpoints between its writes.
 *
 * Why: DuckDB 1.5.6 blocks every insert while a checkpoint runs (measured here: an insert into
 * another table, even one with no index, waited out the whole 1.7-6.5 s checkpoint of 114 MB of WAL;
 * reads went on), and a checkpoint of the live store's 256 MB WAL takes about 1 s, every 12 s at
 * 10,000 events/s. Behind the journal such a stall delays only the store's copy, not the alerts.
 *
 * - `store`: a Store whose `writeBatch` journals the batch and returns once it is durable, with the
 *   counts it will have (the pipeline has already dropped stored and repeated keys: nothing is
 *   counted a duplicate); `existingSourceKeys` and `linkCandidates` also answer for batches not yet
 *   applied, so the pipeline links and de-duplicates against them. Everything else reads the store
 *   as applied so far (a dashboard query may lag the live path by a checkpoint, about a second).
 * - `repository`: an AlertRepository whose `upsert` and `logDelivery` journal and return once
 *   durable; `get` answers for alerts not yet applied.
 * - After a crash, `open` applies what the journal still holds (batches to the store, where keys
 *   already stored are counted as duplicates; alert versions by id) before anything new is taken.
 *
 * The applier checkpoints when the store's WAL passes `checkpointBytes` (auto-checkpoint is turned
 * off for the instance): between two of its own writes, so no live write waits on it. Writes that
 * do not go through here (an HTTP ingest, the audit trail) are ordered with the checkpoint by the
 * store's queue or wait for it as before.
 */
import { statSync } from 'node:fs';
import { linkCandidateOf, sourceKey } from '@baseerat/engine';
import type { IngestBatch, LinkCandidate, Store, WriteResult } from '../store/port.js';
import type { FieldCodec } from '../store/port.js';
import type { AlertRepository, StoredAlert, WebhookDelivery } from './alert-repository.js';
import { alertJson } from './alert-hub.js';
import { LiveJournal } from './live-journal.js';

export type JournalEntry =
  | { k: 'batch'; b: IngestBatch }
  | { k: 'alerts'; a: StoredAlert[]; n?: string[] }
  | { k: 'delivery'; d: WebhookDelivery };

/** What the write-behind needs of the embedded store beyond the Store port. */
export interface CheckpointingStore {
  /** Runs a DuckDB CHECKPOINT in the store's write queue; false when DuckDB refused it for now. */
  checkpoint(): Promise<boolean>;
  /** Sets the instance's automatic checkpoint threshold (e.g. '1TB' to leave checkpoints to the caller). */
  setAutoCheckpointThreshold(threshold: string): Promise<void>;
}

export interface WriteBehindOptions {
  /** Where the batches are written (the DuckDB store, or a decorator of it such as serve's IndexedStore). */
  store: Store;
  /** The DuckDB store itself: its checkpoints. */
  checkpoints: CheckpointingStore;
  repository: AlertRepository;
  /** Directory of the journal (e.g. `<db file>.live-journal`). */
  journalDir: string;
  /** Encodes the journal at rest: the store's codec. */
  codec: FieldCodec;
  /** The store's WAL file, whose size decides checkpoints. */
  walPath: string;
  /** Checkpoint when the WAL is larger than this (default 256 MB, the embedded store's threshold before). */
  checkpointBytes?: number;
  /** Journaled events not yet applied above which `writeBatch` waits for the applier (default 200,000). */
  maxPendingEvents?: number;
  /** An error of the applier (the live path then fails: nothing more is acknowledged). */
  onError?: (e: unknown) => void;
}

export interface WriteBehindCounters {
  entries: number;
  applied: number;
  recovered: number;
  checkpoints: number;
  checkpointMs: number;
  checkpointMaxMs: number;
  /** Checkpoints DuckDB refused (another connection's write transaction open): tried again later. */
  checkpointsRefused: number;
  /** Batches whose store write counted other numbers than the journal's (keys written meanwhile by another writer). */
  countMismatches: number;
  /** linkCandidates calls answered without DuckDB because a checkpoint was running (their range is read again after it). */
  linkReadsSkipped: number;
  maxPendingEvents: number;
}

const DEFAULT_CHECKPOINT_BYTES = 256 * 1024 * 1024;

export class LiveWriteBehind {
  readonly store: Store;
  readonly repository: AlertRepository;
  readonly counters: WriteBehindCounters = { entries: 0, applied: 0, recovered: 0, checkpoints: 0, checkpointMs: 0, checkpointMaxMs: 0, checkpointsRefused: 0, countMismatches: 0, linkReadsSkipped: 0, maxPendingEvents: 0 };
  /** Timings of the applier's writes and checkpoints (ms), for benchmarks. */
  onApplied?: (what: 'batch' | 'alerts' | 'delivery' | 'checkpoint', ms: number) => void;
  private tail: Promise<void> = Promise.resolve();
  private failure: unknown;
  /** Batches journaled, not yet in the store: their source keys, and their new incidents for link candidates. */
  private readonly pendingKeys = new Map<string, number>();
  private readonly pendingBatches = new Map<number, { batch: IngestBatch; candidates?: LinkCandidate[] }>();
  private pendingEvents = 0;
  private readonly pendingAlerts = new Map<string, { seq: number; stored: StoredAlert }>();
  private drained: (() => void)[] = [];
  /** A checkpoint is running (the applier's). */
  private checkpointing = false;
  /** Link-candidate range answered without DuckDB during a checkpoint, read again by every call until `until` (30 s after the checkpoint). */
  private skippedRange: { from: number; to: number; until: number } | undefined;
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  private constructor(private readonly o: WriteBehindOptions, private readonly journal: LiveJournal) {
    this.store = this.wrapStore(o.store);
    this.repository = this.wrapRepository(o.repository);
    // writes that do not pass through here grow the WAL too
    this.timer = setInterval(() => { if (!this.closed) this.enqueue(() => this.maybeCheckpoint()); }, 5000);
    this.timer.unref();
  }

  /** Opens the journal, applies what a previous process left in it, and turns DuckDB's own checkpoints off. */
  static async open(o: WriteBehindOptions): Promise<LiveWriteBehind> {
    const { journal, backlog } = LiveJournal.open<JournalEntry>(o.journalDir, { codec: o.codec });
    await o.checkpoints.setAutoCheckpointThreshold('1TB');
    const wb = new LiveWriteBehind(o, journal);
    for (const { seq, entry } of backlog) {
      await wb.apply(entry);
      journal.applied(seq);
      wb.counters.recovered++;
    }
    return wb;
  }

  /** The journal's encoding time, bytes and disk writes. */
  get journalStats(): { encodeMs: number; bytes: number; writes: number; writeMs: number } {
    return { ...this.journal.stats };
  }

  /** Waits until everything journaled so far is in the store and the alert tables. */
  async idle(): Promise<void> {
    let t;
    do { t = this.tail; await t; } while (t !== this.tail);
    if (this.failure !== undefined) throw this.failure;
  }

  /** Applies what is journaled, then closes the journal (a checkpoint at shutdown is DuckDB's, when the store closes). */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.idle().catch(() => undefined);
    await this.journal.close();
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    const run = this.tail.then(async () => {
      if (this.failure !== undefined) return;
      try {
        await step();
      } catch (e) {
        this.failure = e;
        this.o.onError?.(e);
      }
    });
    this.tail = run;
    return run;
  }

  /** Journals an entry; the applier writes it behind. Resolves once it is durable. */
  private async journaled(entry: JournalEntry, pending: (seq: number) => void, done: (seq: number) => void): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    const { seq, durable } = this.journal.append(entryJson(entry));
    this.counters.entries++;
    pending(seq);
    void this.enqueue(async () => {
      try {
        await this.apply(entry);
      } finally {
        done(seq);
      }
      this.journal.applied(seq);
      this.counters.applied++;
      await this.maybeCheckpoint();
    });
    await durable;
  }

  private async apply(entry: JournalEntry): Promise<void> {
    const t = performance.now();
    if (entry.k === 'batch') {
      const w = await this.o.store.writeBatch(entry.b);
      const expected = expectedResult(entry.b);
      if (w.inserted !== expected.inserted || w.attached !== expected.attached || w.duplicates !== 0) this.counters.countMismatches++;
    } else if (entry.k === 'alerts') {
      await this.o.repository.upsert(entry.a, entry.n === undefined ? {} : { newIds: new Set(entry.n) });
    } else {
      await this.o.repository.logDelivery(entry.d);
    }
    this.onApplied?.(entry.k, performance.now() - t);
  }

  private async maybeCheckpoint(): Promise<void> {
    let wal = 0;
    try { wal = statSync(this.o.walPath).size; } catch { return; }
    if (wal < (this.o.checkpointBytes ?? DEFAULT_CHECKPOINT_BYTES)) return;
    const t = performance.now();
    this.checkpointing = true;
    let done: boolean;
    try {
      done = await this.o.checkpoints.checkpoint();
    } finally {
      this.checkpointing = false;
      if (this.skippedRange !== undefined) this.skippedRange.until = performance.now() + 30_000;
    }
    if (!done) { this.counters.checkpointsRefused++; return; }
    const ms = performance.now() - t;
    this.counters.checkpoints++;
    this.counters.checkpointMs += ms;
    this.counters.checkpointMaxMs = Math.max(this.counters.checkpointMaxMs, ms);
    this.onApplied?.('checkpoint', ms);
  }

  private async waitForRoom(): Promise<void> {
    const max = this.o.maxPendingEvents ?? 200_000;
    while (this.pendingEvents > max && this.failure === undefined) await new Promise<void>((r) => this.drained.push(r));
  }

  private wrapStore(inner: Store): Store {
    const writeBatch = async (batch: IngestBatch): Promise<WriteResult> => {
      await this.waitForRoom();
      const events = batch.newIncidents.reduce((s, n) => s + n.reports.length, 0) + batch.attachments.reduce((s, a) => s + a.reports.length, 0);
      const keys = [...batch.newIncidents, ...batch.attachments].flatMap((x) => x.reports.map((r) => sourceKey(r.source)));
      await this.journaled({ k: 'batch', b: batch }, (seq) => {
        for (const k of keys) this.pendingKeys.set(k, seq);
        this.pendingBatches.set(seq, { batch });
        this.pendingEvents += events;
        this.counters.maxPendingEvents = Math.max(this.counters.maxPendingEvents, this.pendingEvents);
      }, (seq) => {
        for (const k of keys) if (this.pendingKeys.get(k) === seq) this.pendingKeys.delete(k);
        this.pendingBatches.delete(seq);
        this.pendingEvents -= events;
        const waiting = this.drained; this.drained = [];
        for (const r of waiting) r();
      });
      return expectedResult(batch);
    };
    const existingSourceKeys = async (keys: readonly string[]): Promise<Set<string>> => {
      const out = await inner.existingSourceKeys(keys);
      for (const k of keys) if (this.pendingKeys.has(k)) out.add(k);
      return out;
    };
    const linkCandidates = async (fromMs: number, toMs: number): Promise<LinkCandidate[]> => {
      // While a checkpoint writes the tables, DuckDB holds reads of them too: answer from the batches
      // not yet applied, and remember the range; for a while after the checkpoint every call also
      // reads that range, so that a caller's cache gets what was skipped (callers add candidates by id).
      let stored: LinkCandidate[] = [];
      if (this.checkpointing) {
        this.skippedRange = { from: Math.min(this.skippedRange?.from ?? fromMs, fromMs), to: Math.max(this.skippedRange?.to ?? toMs, toMs), until: Number.POSITIVE_INFINITY };
        this.counters.linkReadsSkipped++;
      } else {
        const skipped = this.skippedRange;
        if (skipped !== undefined && performance.now() > skipped.until) this.skippedRange = undefined;
        const from = skipped === undefined ? fromMs : Math.min(fromMs, skipped.from), to = skipped === undefined ? toMs : Math.max(toMs, skipped.to);
        stored = await inner.linkCandidates(from, to);
      }
      if (this.pendingBatches.size === 0) return stored;
      const byId = new Map(stored.map((c) => [c.incidentId, c]));
      for (const p of this.pendingBatches.values()) {
        // made once per batch: a batch may wait through several calls
        p.candidates ??= p.batch.newIncidents.map((n) => linkCandidateOf(n.id, n.reports));
        for (const c of p.candidates) if (c.time >= fromMs && c.time <= toMs) byId.set(c.incidentId, c);
      }
      return [...byId.values()];
    };
    const own: Record<string, unknown> = { writeBatch, existingSourceKeys, linkCandidates };
    return new Proxy(inner, {
      get(target, prop, receiver) {
        if (typeof prop === 'string' && prop in own) return own[prop];
        const v = Reflect.get(target, prop, receiver) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
  }

  private wrapRepository(inner: AlertRepository): AlertRepository {
    return {
      migrate: () => inner.migrate(),
      upsert: (alerts, options) => this.journaled(
        { k: 'alerts', a: [...alerts], ...(options?.newIds === undefined ? {} : { n: [...options.newIds] }) },
        (seq) => { for (const s of alerts) this.pendingAlerts.set(s.alert.id, { seq, stored: s }); },
        (seq) => { for (const s of alerts) if (this.pendingAlerts.get(s.alert.id)?.seq === seq) this.pendingAlerts.delete(s.alert.id); },
      ),
      get: async (id) => this.pendingAlerts.get(id)?.stored ?? inner.get(id),
      list: (query, page) => inner.list(query, page),
      latestPerKeySince: (since) => inner.latestPerKeySince(since),
      logDelivery: (d) => this.journaled({ k: 'delivery', d }, () => undefined, () => undefined),
      listDeliveries: (alertId) => inner.listDeliveries(alertId),
    };
  }
}

/** The counts a batch's write will have when none of its keys is stored (the pipeline dropped those). */
function expectedResult(b: IngestBatch): WriteResult {
  return {
    inserted: b.newIncidents.filter((n) => n.reports.length > 0).length,
    attached: b.attachments.reduce((s, a) => s + a.reports.length, 0),
    duplicates: 0,
    quarantined: b.quarantine.length,
  };
}

/** An entry's JSON; an alert's own JSON is the one the hub and the repository share (alertJson), made once. */
function entryJson(e: JournalEntry): string {
  if (e.k !== 'alerts') return JSON.stringify(e);
  const a = e.a.map((s) => `{"alert":${alertJson(s.alert)},"classification":${JSON.stringify(s.classification)},"updatedAt":${JSON.stringify(s.updatedAt)}}`).join(',');
  return `{"k":"alerts","a":[${a}]${e.n === undefined ? '' : `,"n":${JSON.stringify(e.n)}`}}`;
}
