/**
 * Timed pulls of a durable JetStream pull consumer: a request for what the stream holds now
 * (`no_wait`, up to `batch` messages) every `intervalMs`, and at once again after a request that
 * brought a full batch (a backlog), instead of the client's `consume()`, which keeps a pull always
 * open so that the server delivers each message on its own as it is stored. On a live feed that
 * delivery one message at a time cost nats-server ~20 us more per message, and the consumer ~6 us
 * more, than requests every 50 ms (bench/realtime/consume.bench.ts, 6,000/s published as they came,
 * 2026-11-27, docs/benchmarks.md); the price is up to `intervalMs` more before a message is taken.
 *
 * A request ends with its last message or a status to its own reply subject (no messages, the
 * request's timeout, the consumer's ack-pending limit, no responders while the durable is made
 * again); one that brings neither within `max(intervalMs, 1000)` ms (lost on a reconnect) is
 * followed by the next. Messages come in the consumer's delivery order whichever request brings
 * them, so the ingest consumer's checks (delivery sequence, redeliveries) apply as with `consume()`.
 */
import { createInbox, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';

/** A message taken by a timed pull: the part of JsMsg the ingest consumer uses. */
export interface PulledMsg {
  readonly reply: string;
  readonly data: Uint8Array;
  string(): string;
  ack(): void;
  readonly info: { readonly timestampNanos: number };
}

export interface TimedPull {
  /** Stops requesting and unsubscribes (messages of a request in flight are not taken). */
  close(): Promise<void>;
  /** Requests sent (tests, benchmarks). */
  readonly requests: () => number;
}

const ACK = new TextEncoder().encode('+ACK');

class Pulled implements PulledMsg {
  constructor(private readonly m: Msg, readonly reply: string) {}
  get data(): Uint8Array { return this.m.data; }
  string(): string { return this.m.string(); }
  ack(): void { this.m.respond(ACK); }
  /** The time the stream stored it (the reply subject's timestamp token, as JsMsg.info reads it). */
  get info(): { timestampNanos: number } {
    const t = this.reply.split('.');
    return { timestampNanos: Number(t[t.length === 9 ? 7 : 9]) };
  }
}

export function startTimedPull(nc: NatsConnection, o: { stream: string; durable: string; batch: number; intervalMs: number; onMessage: (m: PulledMsg) => void; onRequest?: () => void }): TimedPull {
  const inbox = createInbox();
  const subject = `$JS.API.CONSUMER.MSG.NEXT.${o.stream}.${o.durable}`;
  const request = new TextEncoder().encode(JSON.stringify({ batch: o.batch, no_wait: true }));
  let closed = false, requests = 0, got = 0;
  let timer: NodeJS.Timeout | undefined;
  const next = (ms: number) => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(send, ms);
  };
  const send = () => {
    if (closed) return;
    got = 0;
    requests++;
    o.onRequest?.();
    // each request its own reply subject, so that a status is known to end this request, not an earlier one
    try { nc.publish(subject, request, { reply: `${inbox}.${requests}` }); } catch { /* closed or reconnecting: the next one */ }
    // a request that ends with neither its last message nor a status (lost) is followed by the next
    next(Math.max(o.intervalMs, 1000));
  };
  const sub: Subscription = nc.subscribe(`${inbox}.*`, {
    callback: (err, m) => {
      if (closed || err !== null) return;
      const reply = m.reply;
      // a status (no messages, timeout, limits): the current request has ended
      if (reply === undefined || !reply.startsWith('$JS.ACK.')) { if (m.subject === `${inbox}.${requests}`) next(o.intervalMs); return; }
      o.onMessage(new Pulled(m, reply));
      // a full batch: more may wait (a backlog), ask again at once
      if (++got >= o.batch) next(0);
    },
  });
  send();
  return {
    requests: () => requests,
    async close() {
      closed = true;
      clearTimeout(timer);
      sub.unsubscribe();
    },
  };
}
