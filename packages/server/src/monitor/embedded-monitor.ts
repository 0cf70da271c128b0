/**
 * Wiring for one process in embedded mode: the live monitor on the store's DuckDB instance (alert
 * tables beside the incidents), its SSE hub, optional webhooks, and a warm-up from the stored
 * history so that a restart neither forgets the near-repeat and spike history nor re-opens alerts
 * still inside their suppression window. Used by `serve`, `consume` and bench/realtime.
 */
import { availableParallelism } from 'node:os';
import type { FieldCodec, IngestBatch, Store } from '../store/port.js';
import { DuckDBStore } from '../store/duckdb/duckdb-store.js';
import type { RowEncoderData } from '../store/duckdb/row-encoder.js';
import { AlertHub } from './alert-hub.js';
import { DuckDBAlertRepository, duckdbInstanceOf } from './duckdb-alert-repository.js';
import { DEFAULT_RETRIGGER_DEBOUNCE_MS, LiveMonitor, type LiveMonitorOptions } from './live-monitor.js';
import { loadRuleSet } from './rule-config.js';
import { loadWebhookFile, WebhookDispatcher } from './webhooks.js';
import { journalHasSegments } from './live-journal.js';
import { LiveWriteBehind, type CheckpointingStore, type WriteBehindOptions } from './write-behind.js';

export interface EmbeddedMonitorOptions {
  store: Store;
  rules?: string | undefined;
  zones?: string | undefined;
  webhooks?: string | undefined;
  now?: () => Date;
  clock?: LiveMonitorOptions['clock'];
  /** Skip reading the stored history (a fresh store, a benchmark). */
  skipWarmUp?: boolean;
  /** See LiveMonitorOptions; default DEFAULT_RETRIGGER_DEBOUNCE_MS (0: each re-trigger written and published with its batch). */
  retriggerDebounceMs?: number;
  /**
   * Journal the live path's writes and apply them to DuckDB behind (write-behind.ts): the consumers
   * then write through `writeBehind.store`. Needs the DuckDB store itself as `store`. Without
   * `journalDir`: ack-behind (no journal; the consumers acknowledge through `writeBehind.group`).
   */
  writeBehind?: Pick<WriteBehindOptions, 'journalDir' | 'codec' | 'walPath' | 'checkpointBytes' | 'maxPendingEvents' | 'maxStepEvents' | 'gatherMs' | 'linkReadWaitMs'> & {
    /** The store the journaled batches are written to (default `store`; serve gives its IndexedStore so that its index learns them). */
    writeTo?: Store;
    /**
     * DuckDB threads while the applier's checkpoint runs (then set back): 1 leaves the other core of a
     * 2-core machine to the live path, which a checkpoint compressing on every core otherwise starves.
     * Default: unchanged.
     */
    checkpointThreads?: number;
    /**
     * Start the store's row encoder (store/duckdb/row-encoder.ts) with this codec (rowEncoderCodec: the
     * store's data key; undefined for a store without encryption): the rows of the live batches' new
     * incidents are made in a worker thread. Absent: made on the main thread, as before.
     */
    rowEncoder?: { codec: RowEncoderData['codec'] };
  };
}

export interface EmbeddedMonitor {
  monitor: LiveMonitor;
  hub: AlertHub;
  repository: DuckDBAlertRepository;
  webhooks: WebhookDispatcher | undefined;
  /** With the `writeBehind` option: the store to give the live consumers, and the applier's counters. */
  writeBehind: LiveWriteBehind | undefined;
  warm: { incidents: number; alerts: number };
  close(): Promise<void>;
}

export async function openEmbeddedMonitor(o: EmbeddedMonitorOptions): Promise<EmbeddedMonitor> {
  const ruleSet = loadRuleSet({ rules: o.rules, zones: o.zones });
  const webhookFile = o.webhooks === undefined ? undefined : loadWebhookFile(o.webhooks);
  const repository = await DuckDBAlertRepository.open(duckdbInstanceOf(o.store), o.now);
  // before the warm-up: a journal left by a crash is applied first, so the history read includes it
  let prepareRows: ((b: IngestBatch) => void) | undefined;
  if (o.writeBehind?.rowEncoder !== undefined) {
    if (!(o.store instanceof DuckDBStore)) throw new Error('writeBehind.rowEncoder needs the embedded DuckDB store');
    const store = o.store;
    store.startRowEncoder(o.writeBehind.rowEncoder.codec);
    prepareRows = (b) => store.prepareRows(b);
  }
  const writeBehind = o.writeBehind === undefined ? undefined : await LiveWriteBehind.open({ ...o.writeBehind, store: o.writeBehind.writeTo ?? o.store, checkpoints: await checkpointing(o.store, o.writeBehind.checkpointThreads), repository, ...(prepareRows === undefined ? {} : { prepareRows }) });
  const liveRepository = writeBehind?.repository ?? repository;
  const hub = new AlertHub();
  // the write-behind's applier writes an alert after it is published, with the JSON made for the journal and the hub
  const monitor = new LiveMonitor({ ruleSet, repository: liveRepository, hub, releaseAlertJson: writeBehind === undefined, retriggerDebounceMs: o.retriggerDebounceMs ?? DEFAULT_RETRIGGER_DEBOUNCE_MS, ...(o.now === undefined ? {} : { now: o.now }), ...(o.clock === undefined ? {} : { clock: o.clock }) });
  const warm = o.skipWarmUp === true ? { incidents: 0, alerts: 0 } : await monitor.warmUp(o.store);
  const webhooks = webhookFile === undefined ? undefined : new WebhookDispatcher({ config: webhookFile, repository: liveRepository, ...(o.now === undefined ? {} : { now: o.now }) }).attach(hub);
  return {
    monitor, hub, repository, webhooks, writeBehind, warm,
    async close() {
      await monitor.idle();
      webhooks?.detach();
      await webhooks?.drain();
      await writeBehind?.close();
      repository.close();
    },
  };
}

/**
 * The `writeBehind` option for a store file, or undefined: when asked for (`--live-journal`), or when
 * the journal still holds entries of an earlier such run, which only the write-behind applies (they
 * would be lost otherwise: said through `warn`).
 */
export async function liveJournalOption(file: string, wanted: boolean, codec: () => Promise<FieldCodec>, warn: (s: string) => void): Promise<EmbeddedMonitorOptions['writeBehind']> {
  return liveWriteBehindOption(file, wanted ? 'journal' : 'off', codec, warn);
}

/** How the live path writes: `off` (each batch waits for its DuckDB commit), `journal` (--live-journal), `ack` (ack-behind: JetStream holds each batch until DuckDB has it). */
export type LiveWriteMode = 'off' | 'journal' | 'ack';

/**
 * The `writeBehind` option for a store file and a mode, or undefined (`off`). A journal left with
 * entries by an earlier `--live-journal` run wins over the mode asked for (only the journal's
 * write-behind applies them; said through `warn`).
 */
export async function liveWriteBehindOption(file: string, mode: LiveWriteMode, codec: () => Promise<FieldCodec>, warn: (s: string) => void): Promise<EmbeddedMonitorOptions['writeBehind']> {
  const files = writeBehindFiles(file);
  const left = journalHasSegments(files.journalDir);
  if (mode !== 'journal' && left) {
    warn('the live journal holds entries of an earlier --live-journal run not yet in the store: this run applies them and keeps using the journal');
    return { ...files, codec: await codec() };
  }
  if (mode === 'off') return undefined;
  if (mode === 'ack') return { walPath: files.walPath, maxPendingEvents: ACK_BEHIND_MAX_PENDING_EVENTS, checkpointThreads: ackBehindCheckpointThreads() };
  return { ...files, codec: await codec() };
}

/**
 * Ack-behind: DuckDB threads while the applier's checkpoint runs: all cores but one, so that the
 * checkpoint (which compresses on every DuckDB thread) leaves a core to the live path; 1 on a 2-core
 * machine (one pair there: checkpoints 5.5 against 12.2 s in all, p99 0.58 against 3.4 s, at different
 * loads; not settled: docs/benchmarks.md, "Tail latency of ack-behind").
 */
export function ackBehindCheckpointThreads(cores = availableParallelism()): number {
  return Math.max(1, cores - 1);
}

/** Ack-behind: events waiting for DuckDB above which the consumers wait (a checkpoint of several seconds at 10,000 events/s fits). */
export const ACK_BEHIND_MAX_PENDING_EVENTS = 100_000;
/** Ack-behind: unacknowledged messages per durable consumer that JetStream allows (more than what may wait for DuckDB, plus a batch in hand). */
export const ACK_BEHIND_MAX_ACK_PENDING = 120_000;

/** What a NATS ingest consumer needs to acknowledge behind the store (ack-behind), or nothing (other modes). */
export function ackBehindConsumerOptions(wb: LiveWriteBehind | undefined): { commitGroup: LiveWriteBehind['group']; maxAckPending: number } | Record<string, never> {
  if (wb === undefined || wb.mode !== 'ack') return {};
  return { commitGroup: wb.group.bind(wb), maxAckPending: ACK_BEHIND_MAX_ACK_PENDING };
}

/** The write-behind's files beside an embedded store file: the journal `<file>.live-journal/` and DuckDB's WAL `<file>.wal`. */
function writeBehindFiles(file: string): { journalDir: string; walPath: string } {
  return { journalDir: `${file}.live-journal`, walPath: `${file}.wal` };
}

async function checkpointing(store: Store, threads: number | undefined): Promise<CheckpointingStore> {
  const s = store as Partial<CheckpointingStore>;
  if (typeof s.checkpoint !== 'function' || typeof s.setAutoCheckpointThreshold !== 'function') throw new Error('writeBehind needs the embedded DuckDB store');
  const inner = s as CheckpointingStore;
  if (threads === undefined) return inner;
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`checkpointThreads must be a positive whole number, got ${threads}`);
  const conn = await duckdbInstanceOf(store).connect();
  const [row] = (await conn.runAndReadAll("SELECT current_setting('threads')::INTEGER AS n")).getRowObjectsJS();
  const usual = Number(row?.['n'] ?? 1);
  return {
    setAutoCheckpointThreshold: (t) => inner.setAutoCheckpointThreshold(t),
    async checkpoint() {
      await conn.run(`SET GLOBAL threads = ${threads}`);
      try {
        return await inner.checkpoint();
      } finally {
        await conn.run(`SET GLOBAL threads = ${usual}`);
      }
    },
  };
}
