/**
 * The in-process fan-out of alert changes to live listeners (server-sent event streams, webhook
 * dispatch, tests). Every change (an alert opened, re-triggered inside its suppression window,
 * acknowledged, resolved) is one event with a sequence number; the last `bufferSize` events are
 * kept so that an SSE client that reconnects with `Last-Event-ID` gets what it missed (older than
 * the buffer: it should reload the list). Each listener decides what it may see (`accepts`):
 * the API's streams apply the session's need-to-know there.
 *
 * Cost per event: the buffer is a ring (constant time per publish, whatever its size), and the
 * event's JSON (`alertEventJson`) is made once per publish, whatever the number of streams, from
 * the alert's JSON that the repository stored (`alertJson`). Neither JSON is kept longer than it is
 * in use: the ring holds 10,000 events and the live monitor the latest alert of every key for the
 * suppression window and a day, and a JSON kept with them (650-700 bytes an alert) left the young
 * generation with them (copied by the scavenger, then held in the old space). A JSON asked for
 * again (a client resuming from the ring) is made again, the same bytes (`JSON.stringify` of the
 * same immutable alert).
 *
 * A listener that throws is dropped (and counted): one broken stream must not stop the others.
 */
import type { Alert } from '@baseerat/engine';
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

const jsonOfAlert = new WeakMap<Alert, string>();
/** The last event whose JSON was made, and that JSON: the streams of one publish share it (they are called one after another). */
let lastEvent: AlertEvent | undefined;
let lastEventJson = '';

/**
 * `JSON.stringify(alert)`, made once per Alert object until `releaseAlertJson` (alerts are
 * immutable: a change is a new object): the alert repository stores it and the SSE event is made from it.
 */
export function alertJson(alert: Alert): string {
  let s = jsonOfAlert.get(alert);
  if (s === undefined) {
    s = JSON.stringify(alert);
    jsonOfAlert.set(alert, s);
  }
  return s;
}

/**
 * Drops the alert's JSON made by `alertJson` (the live monitor, once the alert is written and
 * published): the WeakMap would keep it as long as the alert, and the monitor keeps alerts for
 * their key's suppression window and a day. Asked for again, it is made again (the same bytes).
 */
export function releaseAlertJson(alert: Alert): void {
  jsonOfAlert.delete(alert);
}

/** Whether `alertJson` holds the alert's JSON (tests). */
export function alertJsonKept(alert: Alert): boolean {
  return jsonOfAlert.has(alert);
}

/** `,"classification":…,"change":…}` by classification, then change: a few values, so made once each. */
const eventSuffixes = new Map<string, Map<string, string>>();

function eventSuffix(classification: string, change: string): string {
  let byChange = eventSuffixes.get(classification);
  if (byChange === undefined) { byChange = new Map(); eventSuffixes.set(classification, byChange); }
  let s = byChange.get(change);
  if (s === undefined) {
    s = `,"classification":${JSON.stringify(classification)},"change":${JSON.stringify(change)}}`;
    byChange.set(change, s);
  }
  return s;
}

/**
 * The event as sent to clients: the engine's Alert JSON plus `classification` and `change`; made
 * once per publish (the last event's JSON is kept for the next stream; not per event: the ring
 * would keep it, see the file's comment).
 */
export function alertEventJson(e: AlertEvent): string {
  if (e === lastEvent) return lastEventJson;
  // = JSON.stringify({ ...alert, classification, change }), from the alert's JSON (an object: ends with '}')
  const s = alertJson(e.stored.alert).slice(0, -1) + eventSuffix(e.stored.classification, e.change);
  lastEvent = e;
  lastEventJson = s;
  return s;
}

export class AlertHub {
  private seq = 0;
  /** Ring of the last `bufferSize` events: event `seq` sits at `(seq - 1) % bufferSize`. */
  private readonly ring: (AlertEvent | undefined)[];
  private readonly listeners = new Set<AlertListener>();
  dropped = 0;

  constructor(private readonly bufferSize = 10_000) {
    this.ring = new Array<AlertEvent | undefined>(Math.max(1, bufferSize));
  }

  get lastSeq(): number { return this.seq; }
  get listenerCount(): number { return this.listeners.size; }

  publish(change: AlertEvent['change'], stored: StoredAlert): AlertEvent {
    const event: AlertEvent = { seq: ++this.seq, change, stored };
    this.ring[(event.seq - 1) % this.ring.length] = event;
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

  /** Buffered events with a sequence number above `afterSeq`, oldest first. */
  private buffered(afterSeq: number): AlertEvent[] {
    const first = Math.max(afterSeq + 1, this.seq - this.ring.length + 1, 1);
    const out: AlertEvent[] = [];
    for (let s = first; s <= this.seq; s++) out.push(this.ring[(s - 1) % this.ring.length]!);
    return out;
  }

  /**
   * Buffered events after `afterSeq` that the listener accepts, oldest first; `complete` is false
   * when some were already dropped from the buffer (the client should reload the list).
   */
  since(afterSeq: number, accepts: (s: StoredAlert) => boolean): { events: AlertEvent[]; complete: boolean } {
    // An id above the last one was given by an earlier run of the server (numbering restarts):
    // what happened since cannot be told apart, so everything buffered is sent and the client reloads.
    if (afterSeq > this.seq) return { events: this.buffered(0).filter((e) => accepts(e.stored)), complete: false };
    const oldest = Math.max(1, this.seq - this.ring.length + 1);
    const complete = afterSeq === this.seq || oldest <= afterSeq + 1;
    return { events: this.buffered(afterSeq).filter((e) => accepts(e.stored)), complete };
  }
}
