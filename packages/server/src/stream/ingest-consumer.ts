/**
 * The JetStream ingest consumer: a durable pull consumer per agency subject
 * (`baseerat.ingest.<agency>`); each message is one record (a JSON object) in that agency's
 * format. Messages are taken in batches of what has arrived (up to `maxBatch`), written through the
 * ingest pipeline (validation, linking, quarantine: the same path as files and the HTTP route) as
 * one store batch, and acknowledged only after the write has committed. With a live monitor the
 * new incidents run through the rules once the write commits (the store is wrapped by
 * `monitoredStore` with `overlap`: a batch is acknowledged once written, while its alerts are made
 * and the next batch is read; `stop()` waits for the last alerts). As before, a process killed
 * between a commit and its alerts loses those alerts, not the events: the redelivered events are
 * duplicates, and a restart's warm-up reads the stored events into the rules' state.
 *
 * Redelivery is safe: a redelivered message this process still holds or has already written is
 * recognised by its stream sequence number and not written again; a message whose write committed but whose ack was lost (the process killed
 * between the two) comes back, and the store's unique (agency, source id) key counts it as a
 * duplicate instead of storing it twice. Nothing is lost: a message is acked only after its record
 * is stored, counted a duplicate or quarantined. The server keeps at most `maxAckPending`
 * messages unacknowledged, which bounds what waits in memory when the store is slower than the feed.
 *
 * Ack-behind (`commitGroup`, monitor/write-behind.ts): the batch goes through the pipeline and the
 * monitor at once (its alerts reach SSE), DuckDB is written behind, and the messages are acknowledged
 * once the batch and its alerts are committed; the loop takes the next batch meanwhile.
 *
 * Reusable by worker processes (server mode): give it any Store and, optionally, a monitor.
 */
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { nanos } from '@nats-io/transport-node';
import type { Geocoder } from '@baseerat/engine';
import type { Adapter } from '../ingest/adapter.js';
import { createLiveIngestor, HashSet52, type IngestSummary, type LinkFn } from '../ingest/pipeline.js';
import type { LiveMonitor } from '../monitor/live-monitor.js';
import { monitoredStore } from '../monitor/monitored-store.js';
import type { Store } from '../store/port.js';
import { ensureIngestStream } from './ingest-stream.js';
import { DEFAULT_STREAM, DEFAULT_SUBJECT_PREFIX, durableName, ingestSubject } from './subjects.js';

export interface IngestConsumerOptions {
  nats: NatsConnection;
  agency: string;
  adapter: Adapter;
  store: Store;
  geocoder: Geocoder;
  link: LinkFn;
  monitor?: LiveMonitor;
  stream?: string;
  prefix?: string;
  /** Default `ingest-<agency>`. */
  durable?: string;
  /** Records per store write at most (default 5,000). */
  maxBatch?: number;
  /** Unacknowledged messages the server allows (default 4 x maxBatch). */
  maxAckPending?: number;
  /** Seconds before the server redelivers an unacknowledged message (default 60). */
  ackWaitSeconds?: number;
  now?: () => Date;
  /**
   * Ack-behind (write-behind.ts `group`): the push of each batch runs inside `commitGroup`, which
   * returns at once after the pipeline and the monitor (alerts delivered) and a `committed` promise
   * resolved once the batch and its alerts are in the store; the messages are acknowledged then, so
   * the next batch is taken while the store writes behind. Raise `maxAckPending` to cover what may
   * wait for the store (a checkpoint's worth of the feed).
   */
  commitGroup?: <T>(fn: () => Promise<T>) => Promise<{ value: T; committed: Promise<void> }>;
  /** After each batch is written and acknowledged. */
  onBatch?: (b: { messages: number; counts: BatchCounts; firstPublishedMs: number | undefined }) => void;
}

export interface BatchCounts { rowsRead: number; stored: number; duplicates: number; quarantined: number }

export interface IngestConsumer {
  readonly agency: string;
  readonly counters: { messages: number; batches: number; acked: number; redeliveriesDropped: number };
  /** Stops taking messages, finishes the batch in hand, records the run. */
  stop(): Promise<IngestSummary>;
  /** Settles when the loop ends (stopped, or failed: then it rejects). */
  readonly done: Promise<void>;
}

function decode(m: JsMsg): unknown {
  const text = m.string();
  try { return JSON.parse(text); } catch { return text; }
}

/** Creates the stream and the durable consumer if needed, then consumes until stopped. */
export async function startIngestConsumer(o: IngestConsumerOptions): Promise<IngestConsumer> {
  const stream = o.stream ?? DEFAULT_STREAM;
  const prefix = o.prefix ?? DEFAULT_SUBJECT_PREFIX;
  const durable = o.durable ?? durableName(o.agency);
  const maxBatch = o.maxBatch ?? 5000;
  const jsm = await jetstreamManager(o.nats);
  await ensureIngestStream(jsm, { stream, prefix });
  const maxAckPending = o.maxAckPending ?? 4 * maxBatch;
  let existing;
  try {
    existing = await jsm.consumers.info(stream, durable);
  } catch {
    await jsm.consumers.add(stream, {
      durable_name: durable, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All,
      filter_subject: ingestSubject(o.agency, prefix), max_ack_pending: maxAckPending, ack_wait: nanos((o.ackWaitSeconds ?? 60) * 1000),
    });
  }
  // ack-behind needs room for what waits for the store: raise an existing durable consumer's limit
  if (existing !== undefined && o.commitGroup !== undefined && existing.config.max_ack_pending !== -1 && (existing.config.max_ack_pending ?? 0) < maxAckPending) {
    await jsm.consumers.update(stream, durable, { max_ack_pending: maxAckPending });
  }
  const consumer = await jetstream(o.nats).consumers.get(stream, durable);
  // the monitor observes batch n while batch n+1 is parsed, linked and written (see monitoredStore);
  // ack-behind: at once, inside the batch's group (its alerts are staged with it), nothing to overlap with
  const store = o.monitor === undefined ? o.store : monitoredStore(o.store, o.monitor, undefined, { overlap: o.commitGroup === undefined });
  const now = o.now ?? (() => new Date());
  const ingestor = createLiveIngestor({
    adapter: o.adapter, agency: o.agency, store, geocoder: o.geocoder, link: o.link, receivedAt: now().toISOString(),
    origin: `nats:${ingestSubject(o.agency, prefix)}`, now, batchSize: maxBatch + 1,
    // the run's coverage re-recorded for a new Pakistan day at most every 10 s (a backlog or a replay reaches one at nearly every batch)
    progressIntervalMs: 10_000,
  });
  const counters = { messages: 0, batches: 0, acked: 0, redeliveriesDropped: 0 };
  const buffer: JsMsg[] = [];
  /** Stream sequence numbers taken but not yet written, and written (and acknowledged) by this process. */
  const inHand = new Set<number>();
  const written = new HashSet52();
  let wake: (() => void) | undefined;
  let running = true;
  const messages = await consumer.consume({
    max_messages: Math.min(maxBatch, maxAckPending),
    callback: (m) => {
      // A redelivery of a message this process already holds (it waited in the buffer past ack-wait)
      // is dropped: the original is written and acknowledged. One already written and acknowledged
      // (the ack was lost) is acknowledged again. Neither reaches the pipeline twice.
      if (inHand.has(m.seq)) { counters.redeliveriesDropped++; return; }
      if (written.has(m.seq)) { m.ack(); counters.redeliveriesDropped++; return; }
      inHand.add(m.seq);
      buffer.push(m);
      const w = wake; wake = undefined; w?.();
    },
  });
  let last = { rowsRead: 0, stored: 0, duplicates: 0, quarantined: 0 };

  const loop = async () => {
    while (running || buffer.length > 0) {
      if (failed || ackFailure !== undefined) break;
      if (buffer.length === 0) {
        if (!running) break;
        await new Promise<void>((r) => { wake = r; });
        continue;
      }
      const batch = buffer.splice(0, maxBatch);
      counters.messages += batch.length;
      if (o.commitGroup !== undefined) {
        // ack-behind: taken through the pipeline and the monitor now, acknowledged once in the store
        const { value: c, committed } = await o.commitGroup(() => ingestor.push(batch.map(decode), { receivedAt: now().toISOString() }));
        const counts = delta(c);
        // the applier applies in order, so the batches' acknowledgements come in order too
        lastAck = committed.then(() => acked(batch, counts), (e: unknown) => {
          // not acknowledged: the server redelivers; this consumer stops
          if (ackFailure === undefined) ackFailure = e;
          const w = wake; wake = undefined; w?.();
        });
        continue;
      }
      // the reports' receivedAt: when this batch was taken from the stream, not when the consumer started
      const c = await ingestor.push(batch.map(decode), { receivedAt: now().toISOString() });
      // acknowledged only now: the batch is committed (stored, counted as duplicates, or quarantined)
      acked(batch, delta(c));
    }
    if (ackFailure !== undefined) throw ackFailure;
  };
  let lastAck: Promise<void> = Promise.resolve();
  let ackFailure: unknown;
  const delta = (c: { rowsRead: number; stored: number; duplicates: number; quarantined: number }): BatchCounts => {
    const counts = { rowsRead: c.rowsRead - last.rowsRead, stored: c.stored - last.stored, duplicates: c.duplicates - last.duplicates, quarantined: c.quarantined - last.quarantined };
    last = { rowsRead: c.rowsRead, stored: c.stored, duplicates: c.duplicates, quarantined: c.quarantined };
    return counts;
  };
  const acked = (batch: JsMsg[], counts: BatchCounts) => {
    for (const m of batch) { m.ack(); written.add(m.seq); inHand.delete(m.seq); }
    counters.acked += batch.length;
    counters.batches++;
    o.onBatch?.({ messages: batch.length, counts, firstPublishedMs: batch[0]?.info.timestampNanos === undefined ? undefined : batch[0].info.timestampNanos / 1e6 });
  };
  let failed = false;
  // On a failed write the loop ends without acknowledging: the server redelivers after ack-wait.
  const done = loop().catch(async (e: unknown) => { failed = true; await messages.close().catch(() => undefined); throw e; });
  return {
    agency: o.agency,
    counters,
    done,
    async stop() {
      // stop pulling; messages already delivered to us are still written and acked, the rest stay on the server
      await messages.close();
      running = false;
      const w = wake; wake = undefined; w?.();
      // ack-behind: the last batches acknowledged once in the store
      await done.finally(() => lastAck);
      const summary = await ingestor.close();
      // the last batches' alerts
      await o.monitor?.idle();
      return summary;
    },
  };
}
