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
import { isoUtcMs, linkCandidateOf, sourceKey } from '@baseerat/engine';
import type { IngestBatch, LinkCandidate, Store, WriteResult } from '../store/port.js';
import type { FieldCodec } from '../store/port.js';
import type { AlertRepository, StoredAlert, WebhookDelivery } from './alert-repository.js';
import { alertJson, releaseAlertJson } from './alert-hub.js';
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
  /**
   * Directory of the journal (e.g. `<db file>.live-journal`), with `codec`. Without it (undefined),
   * the mode is **ack-behind**: no journal; JetStream keeps each message until its batch is applied
   * (the consumer acknowledges through `group`'s `committed`), see `group`.
   */
  journalDir?: string | undefined;
  /** Encodes the journal at rest: the store's codec (needed with `journalDir`). */
  codec?: FieldCodec | undefined;
  /** The store's WAL file, whose size decides checkpoints. */
  walPath: string;
  /** Checkpoint when the WAL is larger than this (default 256 MB, the embedded store's threshold before). */
  checkpointBytes?: number;
  /** Journaled (or, ack-behind, staged) events not yet applied above which `writeBatch` waits for the applier (default 200,000). */
  maxPendingEvents?: number;
  /** Ack-behind: events per applier step at most (default MAX_STEP_EVENTS), and how long a step waits to gather batches (ms, default APPLY_GATHER_MS). */
  maxStepEvents?: number;
  gatherMs?: number;
  /** Ack-behind: how long (ms) the live path waits for a link-candidate read of the store before it answers without it (default LINK_READ_WAIT_MS); the late read's result is added to the answers of the next 30 s. */
  linkReadWaitMs?: number;
  /** An error of the applier (the live path then fails: nothing more is acknowledged). */
  onError?: (e: unknown) => void;
  /**
   * Hands a batch to the store's row encoder as soon as the live path writes it (DuckDBStore.prepareRows,
   * store/duckdb/row-encoder.ts): a worker thread makes its rows while the main thread goes on with the
   * live path, and the applier's write takes them.
   */
  prepareRows?: (batch: IngestBatch) => void;
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
  /** linkCandidates calls answered without DuckDB because a checkpoint, or (ack-behind) an earlier read, was running (their range is read by the next call after it). */
  linkReadsSkipped: number;
  maxPendingEvents: number;
  /** Ack-behind: applier steps (each one alert upsert and one store write for everything that waited). */
  applierSteps: number;
  /** linkCandidates reads of the store: calls, candidates returned, wall time (ms). */
  linkReads: number;
  linkReadCandidates: number;
  linkReadMs: number;
  /** Ack-behind: link-candidate reads not answered within LINK_READ_WAIT_MS (answered without them; their result added later). */
  linkReadsLate: number;
  /** Wall time (ms) the live path spent in linkCandidates (waiting for the store's read, or its timeout). */
  linkWaitMs: number;
  /** Ack-behind: steps of twice maxStepEvents or more, whose store write was made in pieces (see `drain`, `splitBatch`). */
  splitSteps: number;
}

const DEFAULT_CHECKPOINT_BYTES = 256 * 1024 * 1024;
/**
 * Ack-behind: how long the live path waits for a link-candidate read of the store (ms) before it answers
 * without it (the read's result is added to the answers of the next 30 s). 100 until 2026-11-27 20:25 UTC:
 * at 3,000 events/s with checkpoints the live path then spent 37-42 s of a 60 s run waiting for these
 * reads, and p99 was 404-657 ms in four runs against 185-231 ms in two with 10 (docs/benchmarks.md,
 * "Tail latency of ack-behind"). One read runs at a time (`readInFlight`).
 */
const LINK_READ_WAIT_MS = 10;
/** Ack-behind: an applier step waits this long (ms) after the first batch waiting for it, to take the batches that follow with it. */
const APPLY_GATHER_MS = 100;
/** Ack-behind: events per applier step at most when NATS batches are merged (see `drain`). */
const MAX_STEP_EVENTS = 500;

export class LiveWriteBehind {
  readonly store: Store;
  readonly repository: AlertRepository;
  readonly counters: WriteBehindCounters = { entries: 0, applied: 0, recovered: 0, checkpoints: 0, checkpointMs: 0, checkpointMaxMs: 0, checkpointsRefused: 0, countMismatches: 0, linkReadsSkipped: 0, maxPendingEvents: 0, applierSteps: 0, linkReads: 0, linkReadCandidates: 0, linkReadMs: 0, linkReadsLate: 0, linkWaitMs: 0, splitSteps: 0 };
  /** Timings of the applier's writes and checkpoints (ms), for benchmarks. */
  onApplied?: (what: 'batch' | 'alerts' | 'delivery' | 'checkpoint', ms: number) => void;
  private tail: Promise<void> = Promise.resolve();
  private failure: unknown;
  /** Batches journaled, not yet in the store: their source keys, and their new incidents for link candidates. */
  private readonly pendingKeys = new Map<string, number>();
  private readonly pendingBatches = new Map<number, PendingBatch>();
  private pendingEvents = 0;
  private readonly pendingAlerts = new Map<string, { seq: number; stored: StoredAlert }>();
  private drained: (() => void)[] = [];
  /** A checkpoint is running (the applier's). */
  private checkpointing = false;
  /** A link-candidate read of the store is running (ack-behind starts no second one meanwhile). */
  private readInFlight = false;
  /** Link-candidate range answered without DuckDB during a checkpoint, read again by every call until `until` (30 s after the checkpoint). */
  private skippedRange: { from: number; to: number; until: number } | undefined;
  /** What the read after a checkpoint found in the skipped range, and what late reads found: added to every answer until `until`. */
  private recovered: { candidates: LinkCandidate[]; until: number }[] = [];
  private readonly timer: NodeJS.Timeout;
  private closed = false;
  /** Ack-behind: the group being collected (its entries wait for the group's end), and the lock that keeps groups one at a time. */
  private group_: { entries: Staged[] } | undefined;
  private groupLock: Promise<void> = Promise.resolve();
  private nextSeq = 1;
  /** Ack-behind: staged entries handed to the applier, not yet taken by a step. */
  private waiting: { entries: Staged[]; events: number; resolve: () => void; reject: (e: unknown) => void }[] = [];
  /** Ack-behind: the events of the batches in `waiting` (kept as they come and go, not counted again at every step). */
  private waitingEvents = 0;
  private drainScheduled = false;
  private waitingSince = 0;

  private constructor(private readonly o: WriteBehindOptions, private readonly journal: LiveJournal | undefined) {
    this.store = this.wrapStore(o.store);
    this.repository = this.wrapRepository(o.repository);
    // writes that do not pass through here grow the WAL too
    this.timer = setInterval(() => { if (!this.closed) this.enqueue(() => this.maybeCheckpoint()); }, 5000);
    this.timer.unref();
  }

  /** Opens the journal, applies what a previous process left in it, and turns DuckDB's own checkpoints off. */
  static async open(o: WriteBehindOptions): Promise<LiveWriteBehind> {
    if (o.journalDir === undefined) {
      // ack-behind: nothing of a previous process to apply (JetStream redelivers what was not acknowledged)
      await o.checkpoints.setAutoCheckpointThreshold('1TB');
      return new LiveWriteBehind(o, undefined);
    }
    if (o.codec === undefined) throw new Error('writeBehind: a journal needs the store codec');
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

  /** 'journal' (the live journal is the durable write) or 'ack' (JetStream holds each message until its batch is applied). */
  get mode(): 'journal' | 'ack' {
    return this.journal === undefined ? 'ack' : 'journal';
  }

  /** The journal's encoding time, bytes and disk writes (zeros in ack-behind mode). */
  get journalStats(): { encodeMs: number; bytes: number; writes: number; writeMs: number } {
    return this.journal === undefined ? { encodeMs: 0, bytes: 0, writes: 0, writeMs: 0 } : { ...this.journal.stats };
  }

  /**
   * Ack-behind: runs `fn` (the consumer's push of one NATS batch through the pipeline and the
   * monitor) while collecting the batches and alert changes it writes; they are applied as one step
   * of the applier, **the alert changes first, then the batches**, and `committed` resolves once
   * that step is in DuckDB (rejects if the applier failed): the consumer acknowledges the batch's
   * messages then. Why alerts first: a crash after the alerts and before the batch redelivers the
   * batch, its incidents are new again and re-evaluated against the stored alerts (the same alert
   * identity: an incident already counted on an alert is not counted again); a crash after both
   * redelivers duplicates only. In the other order a crash between the two would store the incidents
   * without their alerts, and their redelivery, being duplicates, would not raise them again.
   * Groups run one at a time (several agencies' consumers take turns). In journal mode `fn` just
   * runs and `committed` is resolved (the journal is the durable write).
   */
  async group<T>(fn: () => Promise<T>): Promise<{ value: T; committed: Promise<void> }> {
    if (this.journal !== undefined) return { value: await fn(), committed: Promise.resolve() };
    const previous = this.groupLock;
    let release!: () => void;
    this.groupLock = new Promise<void>((r) => { release = r; });
    await previous;
    const g = { entries: [] as Staged[] };
    this.group_ = g;
    let outcome: { ok: true; value: T } | { ok: false; error: unknown };
    try {
      outcome = { ok: true, value: await fn() };
    } catch (error) {
      outcome = { ok: false, error };
    }
    this.group_ = undefined;
    // what was staged is applied even when fn failed afterwards: its alerts may have been published
    const alerts = g.entries.filter((x) => x.entry.k !== 'batch'), batches = g.entries.filter((x) => x.entry.k === 'batch');
    const committed = g.entries.length === 0 ? this.tailCommitted() : this.enqueueStaged([...alerts, ...batches]);
    release();
    if (!outcome.ok) {
      committed.catch(() => undefined);
      throw outcome.error;
    }
    const value = outcome.value;
    return { value, committed };
  }

  /** Resolves once everything enqueued so far is applied; rejects if the applier failed. */
  private tailCommitted(): Promise<void> {
    return this.tail.then(() => { if (this.failure !== undefined) throw this.failure; });
  }

  /**
   * Ack-behind: hands staged entries to the applier; resolves once they are in DuckDB. Entries that
   * wait while the applier is busy (a checkpoint, a long write) are applied together by its next
   * step: one alert upsert (each alert's latest state) and one store batch for all of them, so a
   * backlog costs one DuckDB transaction per step, not one per NATS batch.
   */
  private enqueueStaged(entries: Staged[]): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise<void>((resolve, reject) => {
      if (this.waiting.length === 0) this.waitingSince = performance.now();
      const events = entries.reduce((n, x) => n + (x.entry.k === 'batch' ? batchEvents(x.entry.b) : 0), 0);
      this.waiting.push({ entries, events, resolve, reject });
      this.waitingEvents += events;
      if (this.drainScheduled) return;
      this.drainScheduled = true;
      const run = this.tail.then(() => this.drain());
      this.tail = run;
    });
  }

  /** One applier step of ack-behind: everything waiting, alert changes first, then the batches as one write. */
  private async drain(): Promise<void> {
    // the live path first: what has arrived (NATS messages, SSE writes) runs before this step's
    // synchronous work on the main thread, and more groups gather for it meanwhile
    await new Promise<void>((r) => setImmediate(r));
    // gather: small NATS batches (a live path that keeps up takes ~100 records at a time) are written
    // together, one DuckDB transaction per APPLY_GATHER_MS at most, not one per batch; only the
    // acknowledgement waits for it, not the alerts
    const maxStep = this.o.maxStepEvents ?? MAX_STEP_EVENTS;
    const gather = this.waitingSince + (this.o.gatherMs ?? APPLY_GATHER_MS) - performance.now();
    if (gather > 0 && this.waitingEvents < maxStep) await new Promise<void>((r) => setTimeout(r, gather));
    this.drainScheduled = false;
    // take what waits, up to about MAX_STEP_EVENTS events (the store write runs on the main thread: a
    // much larger one would hold the live path that long); the rest is the next step
    let n = 0, events = 0;
    while (n < this.waiting.length && (n === 0 || events < maxStep)) events += this.waiting[n++]!.events;
    const groups = this.waiting.splice(0, n);
    this.waitingEvents -= events;
    // what is left behind (a backlog) goes without gathering
    this.waitingSince = Number.NEGATIVE_INFINITY;
    if (this.waiting.length > 0) { this.drainScheduled = true; this.tail = this.tail.then(() => this.drain()); }
    const all = groups.flatMap((g) => g.entries);
    if (this.failure !== undefined) { for (const g of groups) g.reject(this.failure); return; }
    try {
      try {
        const alerts = new Map<string, StoredAlert>();
        let newIds: Set<string> | undefined;
        const batches: IngestBatch[] = [];
        for (const { entry } of all) {
          if (entry.k === 'alerts') {
            for (const a of entry.a) { alerts.delete(a.alert.id); alerts.set(a.alert.id, a); }
            if (entry.n !== undefined) { newIds ??= new Set(); for (const id of entry.n) newIds.add(id); }
          } else if (entry.k === 'delivery') {
            await this.apply(entry);
          } else batches.push(entry.b);
        }
        if (alerts.size > 0) await this.apply({ k: 'alerts', a: [...alerts.values()], ...(newIds === undefined ? {} : { n: [...newIds] }) });
        // A step holds at least one NATS batch, up to 5,000 records when the live path is behind; its
        // store write runs on the main thread (rows, encryption, appender) and would hold the live path
        // that long (0.5-1 s under load), so a step of twice maxStep or more is written in pieces,
        // each its own transaction, with the live path let in between. The group is acknowledged once
        // all pieces are in; a crash between two pieces redelivers it, and what the first pieces
        // stored counts as duplicates (the store's key), as after a crash between the alerts and the batch.
        if (batches.length > 0) {
          const pieces = splitBatch(batches.length === 1 ? batches[0]! : mergeBatches(batches), maxStep);
          for (let i = 0; i < pieces.length; i++) {
            if (i > 0) await new Promise<void>((r) => setImmediate(r));
            await this.apply({ k: 'batch', b: pieces[i]! });
          }
          if (pieces.length > 1) this.counters.splitSteps++;
        }
      } finally {
        for (const x of all) x.done(x.seq);
      }
      this.counters.applied += all.length;
      this.counters.applierSteps++;
      await this.maybeCheckpoint();
    } catch (e) {
      this.failure = e;
      this.o.onError?.(e);
      for (const g of groups) g.reject(e);
      return;
    }
    for (const g of groups) g.resolve();
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
    await this.journal?.close();
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

  /**
   * Journals an entry; the applier writes it behind. Resolves once it is durable. Ack-behind: staged
   * in the current group (resolves at once: JetStream still holds the batch), or, outside a group,
   * enqueued for the applier: resolves at once, or with `wait` once applied.
   */
  private async journaled(entry: JournalEntry, pending: (seq: number) => void, done: (seq: number) => void, wait = false): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    if (this.journal === undefined) {
      const seq = this.nextSeq++;
      this.counters.entries++;
      pending(seq);
      const staged: Staged = { seq, entry, done };
      if (this.group_ !== undefined) { this.group_.entries.push(staged); return; }
      const applied = this.enqueueStaged([staged]);
      if (wait) await applied;
      return;
    }
    const { seq, durable } = this.journal.append(entryJson(entry));
    this.counters.entries++;
    pending(seq);
    void this.enqueue(async () => {
      try {
        await this.apply(entry);
      } finally {
        done(seq);
      }
      this.journal?.applied(seq);
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
      // (a merged batch's attachment to an incident it also creates is not counted as attached by the store)
      if (w.duplicates !== 0 || w.inserted !== expected.inserted || w.attached > expected.attached) this.counters.countMismatches++;
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
      this.o.prepareRows?.(batch);
      const events = batchEvents(batch);
      const keys = [...batch.newIncidents, ...batch.attachments].flatMap((x) => x.reports.map((r) => sourceKey(r.source)));
      await this.journaled({ k: 'batch', b: batch }, (seq) => {
        for (const k of keys) this.pendingKeys.set(k, seq);
        this.pendingBatches.set(seq, { batch, minTime: Number.POSITIVE_INFINITY, maxTime: Number.NEGATIVE_INFINITY });
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
      // not yet applied, and remember the range; the first call after the checkpoint reads that range
      // once, and for a while every answer includes what it found, so that each caller's cache gets
      // what was skipped (callers add candidates by id) without reading it again at every call.
      // Ack-behind: the applier's writes hold the read too (a read answered in 0.76 s on average while
      // they ran, on a loaded machine); a read not answered within LINK_READ_WAIT_MS is answered
      // without it, and its result, when it comes, is added to the answers of the next 30 s.
      let stored: LinkCandidate[] = [];
      // Ack-behind: one read of the store at a time. A late read still runs in DuckDB; a live path that
      // no longer waits for it would otherwise start one per batch, and they pile up (a run at 3,000/s
      // with a 10 ms wait: 1,012 of 1,024 reads late, 224 ms each on average, against 29 ms when
      // they did not pile up). Meanwhile the range is skipped, as during a checkpoint, and read by the
      // first call after.
      if (this.checkpointing || (this.journal === undefined && this.readInFlight)) {
        this.skippedRange = { from: Math.min(this.skippedRange?.from ?? fromMs, fromMs), to: Math.max(this.skippedRange?.to ?? toMs, toMs), until: Number.POSITIVE_INFINITY };
        this.counters.linkReadsSkipped++;
      } else {
        const skipped = this.skippedRange;
        this.skippedRange = undefined;
        const from = skipped === undefined ? fromMs : Math.min(fromMs, skipped.from), to = skipped === undefined ? toMs : Math.max(toMs, skipped.to);
        const t = performance.now();
        this.readInFlight = true;
        const read = inner.linkCandidates(from, to).finally(() => { this.readInFlight = false; }).then((c) => {
          this.counters.linkReads++;
          this.counters.linkReadCandidates += c.length;
          this.counters.linkReadMs += performance.now() - t;
          return c;
        });
        const late = Symbol('late');
        const first = this.journal !== undefined ? await read : await Promise.race([read, new Promise<typeof late>((r) => setTimeout(() => r(late), this.o.linkReadWaitMs ?? LINK_READ_WAIT_MS).unref())]);
        this.counters.linkWaitMs += performance.now() - t;
        if (first === late) {
          this.counters.linkReadsLate++;
          read.then((c) => { this.recovered.push({ candidates: c, until: performance.now() + 30_000 }); }, (e: unknown) => { this.o.onError?.(e); });
        } else {
          stored = first;
          // what a skipped range held, for the next 30 s
          if (skipped !== undefined) this.recovered.push({ candidates: stored.filter((c) => c.time < fromMs || c.time > toMs), until: performance.now() + 30_000 });
        }
        const now = performance.now();
        this.recovered = this.recovered.filter((r) => r.until > now);
        if (this.recovered.length > 0) {
          const ids = new Set(stored.map((c) => c.incidentId));
          for (const r of this.recovered) for (const c of r.candidates) if (!ids.has(c.incidentId)) { ids.add(c.incidentId); stored.push(c); }
        }
      }
      if (this.pendingBatches.size === 0) return stored;
      let byId: Map<string, LinkCandidate> | undefined;
      for (const p of this.pendingBatches.values()) {
        // Each batch's time span, made once (a batch may wait through many calls), so that a call
        // skips the batches outside its range: the live feed asks for a narrow range at its front,
        // after every batch that waits, and a backlog holds many batches behind it. The span is that
        // of the new incidents' reports (a candidate's time is one of its reports'); the candidates
        // themselves are made only for a batch a range reaches (most never are: they would be kept,
        // a few hundred bytes an event, until the batch is applied).
        if (!p.spanMade) {
          for (const n of p.batch.newIncidents) {
            for (const r of n.reports) { const t = isoUtcMs(r.occurredAt); if (t < p.minTime) p.minTime = t; if (t > p.maxTime) p.maxTime = t; }
          }
          p.spanMade = true;
        }
        if (p.maxTime < fromMs || p.minTime > toMs) continue;
        p.candidates ??= p.batch.newIncidents.map((n) => linkCandidateOf(n.id, n.reports));
        for (const c of p.candidates) if (c.time >= fromMs && c.time <= toMs) (byId ??= new Map(stored.map((x) => [x.incidentId, x]))).set(c.incidentId, c);
      }
      return byId === undefined ? stored : [...byId.values()];
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
        // once applied, the alert's JSON (alertJson, made for the SSE publish and the row) is not kept with
        // the alert: the monitor keeps alerts for their key's suppression window and a day (the live
        // monitor drops it itself without the write-behind, which writes after the publish)
        (seq) => { for (const s of alerts) { if (this.pendingAlerts.get(s.alert.id)?.seq === seq) this.pendingAlerts.delete(s.alert.id); releaseAlertJson(s.alert); } },
        // ack-behind: a user's acknowledge or resolve is answered once it is in DuckDB (no journal holds it);
        // re-trigger flushes are not waited for (a crash loses a second of re-trigger counts, as before)
        alerts.some(byUser),
      ),
      get: async (id) => this.pendingAlerts.get(id)?.stored ?? inner.get(id),
      list: (query, page) => inner.list(query, page),
      latestPerKeySince: (since) => inner.latestPerKeySince(since),
      logDelivery: (d) => this.journaled({ k: 'delivery', d }, () => undefined, () => undefined),
      listDeliveries: (alertId) => inner.listDeliveries(alertId),
    };
  }
}

interface Staged { seq: number; entry: JournalEntry; done: (seq: number) => void }

/** A batch not yet applied; the time span of its new incidents' reports (epoch ms, made at the first linkCandidates call: `spanMade`), and its link candidates (made when a range reaches that span). */
interface PendingBatch { batch: IngestBatch; candidates?: LinkCandidate[]; minTime: number; maxTime: number; spanMade?: boolean }

function batchEvents(b: IngestBatch): number {
  return b.newIncidents.reduce((s, n) => s + n.reports.length, 0) + b.attachments.reduce((s, a) => s + a.reports.length, 0);
}

/** Several batches as one store write (in order: a later batch may attach to an incident an earlier one creates; the store handles that within a batch). */
function mergeBatches(batches: readonly IngestBatch[]): IngestBatch {
  return {
    newIncidents: batches.flatMap((b) => b.newIncidents),
    attachments: batches.flatMap((b) => b.attachments),
    quarantine: batches.flatMap((b) => b.quarantine),
  };
}

/**
 * A batch as pieces of about `maxEvents` events each (an incident is never cut), to be written one
 * after the other in order: floor(events / maxEvents) pieces of equal size, so a step that the
 * gathering took a little over `maxEvents` stays whole (one transaction), and no piece is larger
 * than twice `maxEvents`. An attachment goes with the piece that creates its incident (the store
 * then folds it into the new incident, as in the whole batch); one to a stored incident, and the
 * quarantined records, with the last piece.
 */
export function splitBatch(b: IngestBatch, maxEvents: number): IngestBatch[] {
  const total = batchEvents(b), count = Math.floor(total / maxEvents);
  if (count <= 1) return [b];
  const size = Math.ceil(total / count);
  const pieces: IngestBatch[] = [];
  const pieceOf = new Map<string, IngestBatch>();
  let piece: IngestBatch | undefined, events = 0;
  for (const n of b.newIncidents) {
    if (piece === undefined || (piece.newIncidents.length > 0 && events + n.reports.length > size)) {
      piece = { newIncidents: [], attachments: [], quarantine: [] };
      pieces.push(piece);
      events = 0;
    }
    piece.newIncidents.push(n);
    pieceOf.set(n.id, piece);
    events += n.reports.length;
  }
  const last = pieces[pieces.length - 1] ?? (pieces[0] = { newIncidents: [], attachments: [], quarantine: [] });
  for (const a of b.attachments) (pieceOf.get(a.incidentId) ?? last).attachments.push(a);
  last.quarantine.push(...b.quarantine);
  return pieces;
}

/** True when the alert's latest change is a person's transition made at this update (not the rule engine's). */
function byUser(s: StoredAlert): boolean {
  const last = s.alert.history[s.alert.history.length - 1];
  return last !== undefined && last.by !== 'system:rule-engine' && last.at === s.updatedAt;
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
