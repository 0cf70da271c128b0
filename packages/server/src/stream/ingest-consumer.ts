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
 * Acknowledgement (`ack`): 'explicit' (the default) acknowledges every message, which is what
 * several processes sharing one durable consumer need (server-mode workers). 'all' (embedded
 * mode: `consume` and `serve --nats` own the store file, so one process consumes the durable)
 * makes the durable AckPolicy.All and acknowledges a batch with one ack of its last message (an
 * ack of stream sequence S acknowledges every pending message of the consumer up to S). That is
 * safe only while every message of the consumer up to S has been written, so in that mode:
 * - at the start an existing durable is deleted and made again from the first message not
 *   acknowledged (ack floor + 1): what a previous process took and did not acknowledge comes at
 *   once, in order, and no pull request of a dead process is left to receive messages; an existing
 *   explicit durable with messages pending is kept as it is and acknowledged per message for this
 *   run (converted at the next start with nothing pending: deleting it could lose nothing, but
 *   would redeliver what was acknowledged above its floor);
 * - first deliveries come in stream order, so a batch is acknowledged only after every earlier
 *   batch (ack-behind: in order, and never after one failed);
 * - every delivery is seen: the consumer's delivery sequence must go up by one with each message;
 *   a gap (a message lost on a reconnect) stops taking messages, acknowledges what was taken
 *   before it, and makes the durable again from its ack floor (`counters.resyncs`);
 * - a redelivery (stream sequence not above the highest taken) is dropped; acknowledged again
 *   when it is at or below the last acknowledged sequence (its ack may have been lost).
 * A server-mode worker ('explicit') refuses a durable made with AckPolicy.All (CONFIG error).
 *
 * Reusable by worker processes (server mode): give it any Store and, optionally, a monitor.
 */
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type ConsumerInfo, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { nanos } from '@nats-io/transport-node';
import { BaseeratError, type Geocoder } from '@baseerat/engine';
import type { Adapter } from '../ingest/adapter.js';
import { createLiveIngestor, HashSet52, type IngestSummary, type LinkFn } from '../ingest/pipeline.js';
import type { LiveMonitor } from '../monitor/live-monitor.js';
import { monitoredStore } from '../monitor/monitored-store.js';
import type { Store } from '../store/port.js';
import { ensureIngestStream } from './ingest-stream.js';
import { DEFAULT_STREAM, DEFAULT_SUBJECT_PREFIX, durableName, ingestSubject } from './subjects.js';
import { startTimedPull, type PulledMsg } from './timed-pull.js';

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
  /**
   * 'explicit' (default): every message acknowledged (a durable shared by several processes);
   * 'all': one acknowledgement per batch, AckPolicy.All (only this process consumes the durable;
   * see the file's comment for what makes it safe).
   */
  ack?: AckMode;
  /**
   * Timed pulls (stream/timed-pull.ts): a request for what the stream holds every this many ms (at
   * once again after a full batch). Undefined (default): the client's `consume()`, a pull always open,
   * each message delivered on its own as it is stored (more CPU in nats-server and here on a live feed).
   */
  pullIntervalMs?: number;
  /** Tests only: deliveries to drop on arrival (by delivery sequence), as if lost on the way (a reconnect). */
  loseDelivery?: (deliverySeq: number) => boolean;
  /** After each batch is written and acknowledged. */
  onBatch?: (b: { messages: number; counts: BatchCounts; firstPublishedMs: number | undefined }) => void;
}

export type AckMode = 'all' | 'explicit';

export interface BatchCounts { rowsRead: number; stored: number; duplicates: number; quarantined: number }

export interface IngestConsumer {
  readonly agency: string;
  /** How this run acknowledges (an existing explicit durable with messages pending stays 'explicit' even when 'all' was asked). */
  readonly ack: AckMode;
  /** acked: messages acknowledged; acks: acknowledgements sent; resyncs: durables made again after a gap in the delivery sequence; pullRequests: requests of timed pulls (0 with consume()). */
  readonly counters: { messages: number; batches: number; acked: number; acks: number; redeliveriesDropped: number; resyncs: number; pullRequests: number };
  /** Stops taking messages, finishes the batch in hand, records the run. */
  stop(): Promise<IngestSummary>;
  /** Settles when the loop ends (stopped, or failed: then it rejects). */
  readonly done: Promise<void>;
}

/** A message taken, from `consume()` (JsMsg) or a timed pull: what this consumer uses of it. */
type Taken = JsMsg | PulledMsg;

function decode(m: Taken): unknown {
  const text = m.string();
  try { return JSON.parse(text); } catch { return text; }
}

/** A batch taken, as its acknowledgement needs it (see `pendingAck` in startIngestConsumer). */
interface PendingAck {
  messages: number;
  last: Taken;
  lastSeq: number;
  /** 'explicit' only: every message and its stream sequence. */
  all?: Taken[];
  seqs?: number[];
  firstPublishedMs: number | undefined;
}

/** The settings of the ingest durable other than its ack and deliver policies. */
interface DurableBase { durable_name: string; filter_subject: string; max_ack_pending: number; ack_wait: number }

/** The stream and delivery sequence numbers of the last message read by `readSequences` or `messageSequences`. */
const seqs = { stream: 0, delivery: 0 };
/** Read-only view of the sequence numbers last read (tests). */
export const lastSequences: { readonly stream: number; readonly delivery: number } = seqs;
/**
 * Reads the stream and delivery sequence numbers from a JetStream message's reply subject
 * (`$JS.ACK.<stream>.<consumer>.<delivered>.<stream seq>.<delivery seq>.<timestamp>.<pending>`,
 * or with `<domain>.<account hash>.` after `$JS.ACK.` and a token at the end) into `seqs`, without
 * JsMsg.info's split into strings and its object. False when it is not such a subject.
 */
export function readSequences(reply: string): boolean {
  if (!reply.startsWith('$JS.ACK.')) return false;
  let dots = 0;
  for (let i = 0; i < reply.length; i++) if (reply.charCodeAt(i) === 46) dots++;
  // tokens: 9 (old form) -> stream seq is token 5; 11 or more -> token 7
  const first = dots === 8 ? 5 : dots >= 10 ? 7 : -1;
  if (first < 0) return false;
  let token = 0, i = 0;
  while (token < first) if (reply.charCodeAt(i++) === 46) token++;
  let a = 0, b = 0, c: number, digits = 0;
  while (i < reply.length && (c = reply.charCodeAt(i++)) !== 46) { if (c < 48 || c > 57) return false; a = a * 10 + c - 48; digits++; }
  if (digits === 0) return false;
  digits = 0;
  while (i < reply.length && (c = reply.charCodeAt(i++)) !== 46) { if (c < 48 || c > 57) return false; b = b * 10 + c - 48; digits++; }
  if (digits === 0) return false;
  seqs.stream = a; seqs.delivery = b;
  return true;
}

/** A message's sequence numbers into `seqs`: from its reply subject (JsMsgImpl's `reply`), else from `info`. */
function messageSequences(m: Taken): void {
  const reply = (m as unknown as { reply?: unknown }).reply;
  if (typeof reply === 'string' && readSequences(reply)) return;
  // (a timed pull takes only messages with a JetStream reply subject: readSequences reads it)
  const i = (m as JsMsg).info;
  seqs.stream = i.streamSequence; seqs.delivery = i.deliverySequence;
}

/**
 * The durable consumer as this run needs it (see the file's comment); returns how it acknowledges
 * and, for 'all', the delivery sequence of its last delivery (0: made now).
 */
async function prepareDurable(jsm: JetStreamManager, stream: string, want: AckMode, base: DurableBase, raiseLimit: boolean): Promise<{ mode: AckMode; delivered: number }> {
  const durable = base.durable_name;
  let info: ConsumerInfo | undefined;
  try { info = await jsm.consumers.info(stream, durable); } catch { info = undefined; }
  if (info === undefined) {
    const made = await jsm.consumers.add(stream, { ...base, ack_policy: want === 'all' ? AckPolicy.All : AckPolicy.Explicit, deliver_policy: DeliverPolicy.All });
    return { mode: want, delivered: made.delivered.consumer_seq };
  }
  const policy = info.config.ack_policy;
  if (policy !== AckPolicy.All && policy !== AckPolicy.Explicit) throw new BaseeratError('CONFIG', `durable consumer ${durable} of ${stream} has ack policy ${String(policy)}: delete it, it is made again`, { field: 'durable' });
  if (want === 'explicit' || (policy === AckPolicy.Explicit && info.num_ack_pending > 0)) {
    // batch acknowledgements would acknowledge other processes' messages (AckPolicy.All on a shared durable)
    if (policy === AckPolicy.All) throw new BaseeratError('CONFIG', `durable consumer ${durable} of ${stream} acknowledges in batches (AckPolicy.All, made by \`consume\` or \`serve --nats\`): several processes cannot share it; delete it (nats consumer rm ${stream} ${durable}) or give this one its own stream`, { field: 'durable' });
    // ack-behind needs room for what waits for the store: raise an existing durable consumer's limit
    if (raiseLimit && info.config.max_ack_pending !== -1 && (info.config.max_ack_pending ?? 0) < (base.max_ack_pending)) {
      await jsm.consumers.update(stream, durable, { max_ack_pending: base.max_ack_pending });
    }
    return { mode: 'explicit', delivered: 0 };
  }
  return { mode: 'all', delivered: await remakeFromFloor(jsm, stream, base, info) };
}

/** Deletes the durable and makes it again (AckPolicy.All) from its first message not acknowledged; returns its delivery sequence (0). */
async function remakeFromFloor(jsm: JetStreamManager, stream: string, base: DurableBase, info: ConsumerInfo): Promise<number> {
  // nothing pending: everything delivered was acknowledged (an explicit durable's floor may lag behind acks out of order)
  const start = (info.num_ack_pending === 0 ? Math.max(info.delivered.stream_seq, info.ack_floor.stream_seq) : info.ack_floor.stream_seq) + 1;
  await jsm.consumers.delete(stream, base.durable_name);
  const made = await jsm.consumers.add(stream, { ...base, ack_policy: AckPolicy.All, deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: start });
  return made.delivered.consumer_seq;
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
  const base = {
    durable_name: durable, filter_subject: ingestSubject(o.agency, prefix), max_ack_pending: maxAckPending, ack_wait: nanos((o.ackWaitSeconds ?? 60) * 1000),
  };
  const prepared = await prepareDurable(jsm, stream, o.ack ?? 'explicit', base, o.commitGroup !== undefined);
  const mode = prepared.mode;
  const js = jetstream(o.nats);
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
  const counters = { messages: 0, batches: 0, acked: 0, acks: 0, redeliveriesDropped: 0, resyncs: 0, pullRequests: 0 };
  const buffer: Taken[] = [];
  /** The stream sequence of each message in `buffer`. */
  const bufferSeqs: number[] = [];
  /** Explicit: stream sequence numbers taken but not yet written, and written (and acknowledged) by this process. */
  const inHand = new Set<number>();
  const written = new HashSet52();
  /** All: the highest stream sequence taken, the highest acknowledged, the next delivery sequence expected, a gap seen. */
  let maxTaken = 0, ackedThrough = 0, nextDelivery = prepared.delivered + 1, gap = false;
  let wake: (() => void) | undefined;
  let running = true;
  const take = (m: Taken, seq: number) => {
    buffer.push(m);
    bufferSeqs.push(seq);
    const w = wake; wake = undefined; w?.();
  };
  const callback = mode === 'explicit'
    ? (m: Taken) => {
      // A redelivery of a message this process already holds (it waited in the buffer past ack-wait)
      // is dropped: the original is written and acknowledged. One already written and acknowledged
      // (the ack was lost) is acknowledged again. Neither reaches the pipeline twice.
      messageSequences(m);
      const seq = seqs.stream;
      if (inHand.has(seq)) { counters.redeliveriesDropped++; return; }
      if (written.has(seq)) { m.ack(); counters.acks++; counters.redeliveriesDropped++; return; }
      inHand.add(seq);
      take(m, seq);
    }
    : (m: Taken) => {
      // dropped while the durable is made again after a gap: it comes again then
      if (gap) return;
      messageSequences(m);
      if (o.loseDelivery?.(seqs.delivery) === true) return;
      if (seqs.delivery !== nextDelivery) {
        // a delivery was missed (lost on a reconnect): acknowledging past it could acknowledge a message never written
        gap = true;
        const w = wake; wake = undefined; w?.();
        return;
      }
      nextDelivery++;
      if (seqs.stream <= maxTaken) {
        // a redelivery: of a message in hand (dropped: its original is acknowledged with its batch) or
        // written and acknowledged (acknowledged again: its ack may have been lost; everything up to it is written)
        counters.redeliveriesDropped++;
        if (seqs.stream <= ackedThrough) { m.ack(); counters.acks++; }
        return;
      }
      maxTaken = seqs.stream;
      take(m, seqs.stream);
    };
  const subscribe = async (): Promise<{ close(): Promise<unknown> }> => o.pullIntervalMs === undefined
    ? (await js.consumers.get(stream, durable)).consume({ max_messages: Math.min(maxBatch, maxAckPending), callback })
    : startTimedPull(o.nats, { stream, durable, batch: Math.min(maxBatch, maxAckPending), intervalMs: o.pullIntervalMs, onMessage: callback, onRequest: () => { counters.pullRequests++; } });
  let messages = await subscribe();
  let last = { rowsRead: 0, stored: 0, duplicates: 0, quarantined: 0 };

  const loop = async () => {
    while (running || buffer.length > 0) {
      if (failed || ackFailure !== undefined) break;
      if (buffer.length === 0) {
        if (!running) break;
        if (gap) { await resync(); continue; }
        await new Promise<void>((r) => { wake = r; });
        continue;
      }
      const batch = buffer.splice(0, maxBatch);
      const seqsOf = bufferSeqs.splice(0, maxBatch);
      counters.messages += batch.length;
      if (o.commitGroup !== undefined) {
        // ack-behind: taken through the pipeline and the monitor now, acknowledged once in the store
        const { value: c, committed } = await o.commitGroup(() => ingestor.push(batch.map(decode), { receivedAt: now().toISOString() }));
        ackWhenCommitted(committed, pendingAck(batch, seqsOf), delta(c));
        continue;
      }
      // the reports' receivedAt: when this batch was taken from the stream, not when the consumer started
      const c = await ingestor.push(batch.map(decode), { receivedAt: now().toISOString() });
      // acknowledged only now: the batch is committed (stored, counted as duplicates, or quarantined)
      acked(pendingAck(batch, seqsOf), delta(c));
    }
    if (ackFailure !== undefined) throw ackFailure;
  };
  let lastAck: Promise<void> = Promise.resolve();
  let ackFailure: unknown;
  /**
   * Ack-behind: the batch acknowledged once committed, in order, and none after one that failed (with
   * AckPolicy.All an ack of a later batch would acknowledge the failed one's messages too). A function
   * of its own so that what waits for the store is what the ack needs (`pendingAck`), not the batch:
   * its messages (their data, the socket buffers under it) would wait with it, tens of thousands of
   * them during a checkpoint.
   */
  const ackWhenCommitted = (committed: Promise<void>, toAck: PendingAck, counts: BatchCounts) => {
    const before = lastAck;
    lastAck = committed.then(async () => {
      await before;
      if (ackFailure === undefined) acked(toAck, counts);
    }, async (e: unknown) => {
      await before;
      // not acknowledged: the server redelivers; this consumer stops
      if (ackFailure === undefined) ackFailure = e;
      const w = wake; wake = undefined; w?.();
    }).catch((e: unknown) => { if (ackFailure === undefined) ackFailure = e; });
  };
  const delta = (c: { rowsRead: number; stored: number; duplicates: number; quarantined: number }): BatchCounts => {
    const counts = { rowsRead: c.rowsRead - last.rowsRead, stored: c.stored - last.stored, duplicates: c.duplicates - last.duplicates, quarantined: c.quarantined - last.quarantined };
    last = { rowsRead: c.rowsRead, stored: c.stored, duplicates: c.duplicates, quarantined: c.quarantined };
    return counts;
  };
  /** A batch as its acknowledgement needs it: 'all' keeps only its last message, 'explicit' every message. */
  const pendingAck = (batch: Taken[], seqsOf: number[]): PendingAck => ({
    messages: batch.length,
    last: batch[batch.length - 1]!,
    lastSeq: seqsOf[seqsOf.length - 1]!,
    ...(mode === 'all' ? {} : { all: batch, seqs: seqsOf }),
    firstPublishedMs: o.onBatch === undefined || batch[0]?.info.timestampNanos === undefined ? undefined : batch[0].info.timestampNanos / 1e6,
  });
  const acked = (b: PendingAck, counts: BatchCounts) => {
    if (mode === 'all') {
      // one ack, of the batch's last (highest) stream sequence: every earlier message is written
      b.last.ack();
      counters.acks++;
      ackedThrough = b.lastSeq;
    } else {
      const all = b.all!, seqsOf = b.seqs!;
      for (let i = 0; i < all.length; i++) { all[i]!.ack(); written.add(seqsOf[i]!); inHand.delete(seqsOf[i]!); }
      counters.acks += all.length;
    }
    counters.acked += b.messages;
    counters.batches++;
    o.onBatch?.({ messages: b.messages, counts, firstPublishedMs: b.firstPublishedMs });
  };
  /**
   * After a gap in the delivery sequence: every batch taken before it is acknowledged (in order),
   * then the durable is made again from the server's ack floor; what was dropped meanwhile comes
   * again, and what is already written comes as a redelivery of a written message.
   */
  const resync = async () => {
    await lastAck;
    if (ackFailure !== undefined) return;
    await messages.close();
    for (let attempt = 1; ; attempt++) {
      if (!running) return;
      try {
        // the acks sent reach the server before its state is read
        await o.nats.flush();
        const info = await jsm.consumers.info(stream, durable);
        nextDelivery = await remakeFromFloor(jsm, stream, base, info) + 1;
        break;
      } catch (e) {
        // NATS may be reconnecting: try again for a minute
        if (attempt >= 60) throw e;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    gap = false;
    counters.resyncs++;
    messages = await subscribe();
    if (!running) await messages.close();
  };
  let failed = false;
  // On a failed write the loop ends without acknowledging: the server redelivers after ack-wait.
  const done = loop().catch(async (e: unknown) => { failed = true; await messages.close().catch(() => undefined); throw e; });
  return {
    agency: o.agency,
    ack: mode,
    counters,
    done,
    async stop() {
      // stop pulling; messages already delivered to us are still written and acked, the rest stay on the server
      await messages.close();
      running = false;
      const w = wake; wake = undefined; w?.();
      // ack-behind: the last batches acknowledged once in the store
      await done.finally(() => lastAck);
      // the acks sent reach the server before the consumer says it is done: a process that exits next
      // (consume --idle-exit) would otherwise leave its last acks in the socket and the server would
      // redeliver a batch already stored (counted as duplicates, but not clean)
      await o.nats.flush().catch(() => undefined);
      const summary = await ingestor.close();
      // the last batches' alerts
      await o.monitor?.idle();
      return summary;
    },
  };
}
