/**
 * The in-process fan-out of alert changes to live listeners (server-sent event streams, webhook
 * dispatch, tests). Every change (an alert opened, re-triggered inside its suppression window,
 * acknowledged, resolved) is one event with a sequence number; the last `bufferSize` events are
 * kept so that an SSE client that reconnects with `Last-Event-ID` gets what it missed (older than
 * the buffer: it should reload the list). Each listener decides what it may see (`accepts`):
 * the API's streams apply the session's need-to-know there.
 *
 * A listener that throws is dropped (and counted): one broken stream must not stop the others.
 */
import type { StoredAlert } from './alert-repository.js';

export interface AlertEvent {
  /** 1, 2, 3 ... per process: the SSE `id`. */
  seq: number;
  change: 'opened' | 'retriggered' | 'acknowledged' | 'resolved';
  stored: StoredAlert;
}

export interface AlertListener {
  accepts(stored: StoredAlert): boolean;
  deliver(event: AlertEvent): void;
}

export class AlertHub {
  private seq = 0;
  private readonly buffer: AlertEvent[] = [];
  private readonly listeners = new Set<AlertListener>();
  dropped = 0;

  constructor(private readonly bufferSize = 10_000) {}

  get lastSeq(): number { return this.seq; }
  get listenerCount(): number { return this.listeners.size; }

  publish(change: AlertEvent['change'], stored: StoredAlert): AlertEvent {
    const event: AlertEvent = { seq: ++this.seq, change, stored };
    this.buffer.push(event);
    if (this.buffer.length > this.bufferSize) this.buffer.splice(0, this.buffer.length - this.bufferSize);
    for (const l of this.listeners) {
      try {
        if (l.accepts(stored)) l.deliver(event);
      } catch {
        this.listeners.delete(l);
        this.dropped++;
      }
    }
    return event;
  }

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: AlertListener): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  /**
   * Buffered events after `afterSeq` that the listener accepts, oldest first; `complete` is false
   * when some were already dropped from the buffer (the client should reload the list).
   */
  since(afterSeq: number, accepts: (s: StoredAlert) => boolean): { events: AlertEvent[]; complete: boolean } {
    // An id above the last one was given by an earlier run of the server (numbering restarts):
    // what happened since cannot be told apart, so everything buffered is sent and the client reloads.
    if (afterSeq > this.seq) return { events: this.buffer.filter((e) => accepts(e.stored)), complete: false };
    const first = this.buffer[0];
    const complete = afterSeq === this.seq || (first !== undefined && first.seq <= afterSeq + 1);
    return { events: this.buffer.filter((e) => e.seq > afterSeq && accepts(e.stored)), complete };
  }
}
