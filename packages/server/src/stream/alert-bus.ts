/**
 * The cross-process alert bus of server mode: every process that runs the live monitor (API
 * processes for HTTP ingest, `baseerat worker` for the NATS feeds) publishes each alert change it
 * makes (opened, re-triggered, acknowledged, resolved) once on NATS, and every API process feeds the
 * changes made elsewhere into its own AlertHub, so that an SSE client sees an alert within moments
 * whichever process raised or acknowledged it. Need-to-know still applies at SSE delivery (the
 * hub's listeners), exactly as for local alerts.
 *
 * Transport: a JetStream stream (default `BASEERAT_ALERTS`, subjects `baseerat.alerts.>`, memory
 * storage, `max_age` 2 minutes, 256 MiB at most) read by one ordered consumer per process from "new". Why JetStream
 * and not core NATS: an ordered consumer resumes after a reconnect from the last sequence it saw,
 * so a process whose NATS connection blips does not silently miss the alerts raised meanwhile (core
 * NATS would drop them); the publisher gets an acknowledgement (the latency metric measures up to
 * it); the short max-age and the byte limit keep the stream small (at 10,000 incidents/s the incident
 * messages alone are about 2.5 MB/s). The stream is not the record: alerts are stored
 * in PostgreSQL before they are published, and `GET /api/alerts` reads them there.
 *
 * Echo: each process has an origin id; it skips its own messages (its hub already had the event
 * from the monitor). Remote events fed into the hub are marked (`isRemote`), and the bus never
 * republishes them, so nothing loops. Webhooks: attach them through `localOnly`, so that each alert
 * change is sent by the one process that made it, not once per process.
 *
 * Detector state across processes: each process also publishes the incidents its monitor
 * evaluates (`baseerat.alerts.incidents`); the other monitors add them to the state their rules
 * read (`LiveMonitor.learn`: spike counts, the near-repeat grid) without evaluating them, and adopt
 * the alert changes (`LiveMonitor.adopt`), so that suppression and acknowledgements hold across
 * processes. Limits (docs/monitoring.md, "Several processes"): within the bus latency two
 * processes may each open an alert for the same key, an incident in flight is not yet counted by the
 * other processes, and a re-trigger and an acknowledgement of one alert made at the same moment on
 * two processes are resolved by the last write to PostgreSQL.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { CATEGORY_CODES, CLASSIFICATION_LEVELS, type Alert, type MonitorIncident } from '@baseerat/engine';
import { DeliverPolicy, DiscardPolicy, jetstream, jetstreamManager, StorageType, type ConsumerMessages, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { Counter, Histogram, Registry } from 'prom-client';
import { z } from 'zod';
import { alertJson, type AlertEvent, type AlertHub, type AlertListener } from '../monitor/alert-hub.js';
import type { StoredAlert } from '../monitor/alert-repository.js';
import { LiveMonitor, type LabelledIncident, type LiveMonitorOptions } from '../monitor/live-monitor.js';

export const DEFAULT_ALERT_STREAM = 'BASEERAT_ALERTS';
export const DEFAULT_ALERT_PREFIX = 'baseerat.alerts';

export interface AlertBusOptions {
  nats: NatsConnection;
  /** JetStream stream (default BASEERAT_ALERTS). */
  stream?: string;
  /** Subject prefix (default baseerat.alerts): `<prefix>.alert`, `<prefix>.incidents`. */
  prefix?: string;
  /** How long the stream keeps a message (default 120 s: long enough to resume after a reconnect). */
  maxAgeSeconds?: number;
  /** Bytes the stream keeps at most, the oldest dropped first (default 256 MiB). */
  maxBytes?: number;
  /** Stream replicas when the bus creates it (default 1; 3 on a 3-node cluster). */
  replicas?: number;
  /** This process's id on the bus (default host:pid:random). */
  origin?: string;
  /** Prometheus registry for the bus metrics (default a private one). */
  registry?: Registry;
  onError?: (e: unknown) => void;
}

const CHANGES = ['opened', 'retriggered', 'acknowledged', 'resolved'] as const;

// The bus is internal, but a message is still input: checked before it reaches a hub or a monitor.
const AlertMessageSchema = z.object({
  v: z.literal(1),
  origin: z.string().min(1),
  change: z.enum(CHANGES),
  stored: z.object({
    alert: z.looseObject({ id: z.string().min(1), dedupKey: z.string().min(1), openedAt: z.string(), district: z.string(), severity: z.string(), state: z.string() }),
    classification: z.enum(CLASSIFICATION_LEVELS),
    updatedAt: z.string(),
  }),
});
const IncidentSchema = z.object({
  id: z.string().min(1),
  occurredAt: z.string(),
  category: z.enum(CATEGORY_CODES),
  location: z.object({ lat: z.number().optional(), lon: z.number().optional(), district: z.string().optional() }),
  severity: z.object({ killed: z.number(), injured: z.number(), abducted: z.number() }),
  targetType: z.string().optional(),
});
const IncidentsMessageSchema = z.object({ v: z.literal(1), origin: z.string().min(1), incidents: z.array(IncidentSchema) });

/** Incidents per bus message at most (a NATS message is 1 MB by default; one incident is ~250 bytes). */
const INCIDENTS_PER_MESSAGE = 1000;

function minimalIncident(i: LabelledIncident): MonitorIncident {
  const out: MonitorIncident = { id: i.id, occurredAt: i.occurredAt, category: i.category, location: i.location, severity: i.severity };
  if (i.targetType !== undefined) out.targetType = i.targetType;
  return out;
}

export interface AlertBusCounters {
  published: number; publishFailed: number; received: number; ownSkipped: number; malformed: number;
  incidentsPublished: number; incidentsLearned: number;
}

export class AlertBus {
  readonly origin: string;
  readonly stream: string;
  readonly prefix: string;
  readonly counters: AlertBusCounters = { published: 0, publishFailed: 0, received: 0, ownSkipped: 0, malformed: 0, incidentsPublished: 0, incidentsLearned: 0 };
  private readonly js: JetStreamClient;
  private readonly remote = new WeakSet<StoredAlert>();
  private readonly inFlight = new Set<Promise<void>>();
  private messages: ConsumerMessages | undefined;
  private unsubscribe: (() => void) | undefined;
  private seq = 0;
  private closed = false;
  private readonly publishSeconds: Histogram<'change'>;
  private readonly deliverySeconds: Histogram<'change'>;
  private readonly events: Counter<'direction'>;

  private constructor(private readonly o: AlertBusOptions) {
    this.origin = o.origin ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
    this.stream = o.stream ?? DEFAULT_ALERT_STREAM;
    this.prefix = o.prefix ?? DEFAULT_ALERT_PREFIX;
    this.js = jetstream(o.nats);
    const registers = [o.registry ?? new Registry()];
    this.publishSeconds = new Histogram({
      name: 'baseerat_alert_publish_seconds', help: 'From an alert change (its updatedAt) to its publication acknowledged by the alert bus', labelNames: ['change'], registers,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    });
    this.deliverySeconds = new Histogram({
      name: 'baseerat_alert_bus_delivery_seconds', help: 'From an alert change in another process (its updatedAt) to its delivery to this process\'s hub (clocks of two machines)', labelNames: ['change'], registers,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    });
    this.events = new Counter({ name: 'baseerat_alert_bus_events_total', help: 'Alert bus messages by direction (published, publish_failed, received, malformed)', labelNames: ['direction'], registers });
  }

  /** Creates the stream when it does not exist. */
  static async open(o: AlertBusOptions): Promise<AlertBus> {
    const bus = new AlertBus(o);
    await bus.ensureStream();
    return bus;
  }

  private async ensureStream(): Promise<void> {
    const jsm = await jetstreamManager(this.o.nats);
    try {
      await jsm.streams.info(this.stream);
    } catch {
      const maxAge = (this.o.maxAgeSeconds ?? 120) * 1000;
      try {
        await jsm.streams.add({
          name: this.stream, subjects: [`${this.prefix}.>`], storage: StorageType.Memory, max_age: nanos(maxAge), max_bytes: this.o.maxBytes ?? 256 * 1024 * 1024, discard: DiscardPolicy.Old,
          duplicate_window: nanos(Math.min(maxAge, 120_000)), num_replicas: this.o.replicas ?? 1,
        });
      } catch (e) {
        // another process created it at the same moment
        await jsm.streams.info(this.stream).catch(() => { throw e; });
      }
    }
  }

  /** True for an event this process received from another one (never republished, no webhooks). */
  isRemote(event: Pick<AlertEvent, 'stored'>): boolean {
    return this.remote.has(event.stored);
  }

  /** The listener, for local events only (webhooks: sent by the process that made the change). */
  localOnly(listener: AlertListener): AlertListener {
    return { accepts: (s) => !this.remote.has(s) && listener.accepts(s), deliver: (e) => { if (!this.isRemote(e)) listener.deliver(e); } };
  }

  /**
   * Publishes the local changes of `hub` and, from now on, applies the other processes' messages:
   * alert changes are adopted by `monitor` and, with `deliverRemote`, published on `hub` (API
   * processes: their SSE clients); incidents are learned by `monitor`.
   */
  async attach(monitor: LiveMonitor, hub: AlertHub, opts: { deliverRemote: boolean }): Promise<void> {
    this.unsubscribe = hub.subscribe({ accepts: (s) => !this.remote.has(s), deliver: (e) => { if (!this.isRemote(e)) this.publishEvent(e); } });
    // the stream holds only the bus's subjects: no filter (filter_subjects would need NATS 2.10)
    const consumer = await this.js.consumers.get(this.stream, { deliver_policy: DeliverPolicy.New });
    this.messages = await consumer.consume({ callback: (m) => this.receive(m, monitor, hub, opts.deliverRemote) });
  }

  private receive(m: JsMsg, monitor: LiveMonitor, hub: AlertHub, deliverRemote: boolean): void {
    let json: unknown;
    try { json = m.json(); } catch { json = undefined; }
    if (m.subject === `${this.prefix}.alert`) {
      const p = AlertMessageSchema.safeParse(json);
      if (!p.success) { this.counters.malformed++; this.events.inc({ direction: 'malformed' }); return; }
      if (p.data.origin === this.origin) { this.counters.ownSkipped++; return; }
      const stored: StoredAlert = { alert: p.data.stored.alert as unknown as Alert, classification: p.data.stored.classification, updatedAt: p.data.stored.updatedAt };
      this.remote.add(stored);
      this.counters.received++;
      this.events.inc({ direction: 'received' });
      void monitor.adopt(stored);
      if (deliverRemote) {
        hub.publish(p.data.change, stored);
        const t = Date.parse(stored.updatedAt);
        if (Number.isFinite(t)) this.deliverySeconds.observe({ change: p.data.change }, Math.max(0, Date.now() - t) / 1000);
      }
      return;
    }
    const p = IncidentsMessageSchema.safeParse(json);
    if (!p.success) { this.counters.malformed++; this.events.inc({ direction: 'malformed' }); return; }
    if (p.data.origin === this.origin) { this.counters.ownSkipped++; return; }
    this.counters.incidentsLearned += p.data.incidents.length;
    void monitor.learn(p.data.incidents as MonitorIncident[]);
  }

  private publishEvent(e: AlertEvent): void {
    if (this.closed) return;
    // the alert's JSON as the repository stored it (made once per alert: alertJson)
    const st = e.stored;
    const body = `{"v":1,"origin":${JSON.stringify(this.origin)},"change":${JSON.stringify(e.change)},"stored":{"alert":${alertJson(st.alert)},"classification":${JSON.stringify(st.classification)},"updatedAt":${JSON.stringify(st.updatedAt)}}}`;
    const started = Date.parse(e.stored.updatedAt);
    this.track(this.publish(`${this.prefix}.alert`, body).then((ok) => {
      if (!ok) return;
      this.counters.published++;
      this.events.inc({ direction: 'published' });
      if (Number.isFinite(started)) this.publishSeconds.observe({ change: e.change }, Math.max(0, Date.now() - started) / 1000);
    }));
  }

  /** Publishes incidents this process's monitor is evaluating, for the other monitors' state. */
  shareIncidents(incidents: readonly LabelledIncident[]): void {
    if (this.closed || incidents.length === 0) return;
    for (let i = 0; i < incidents.length; i += INCIDENTS_PER_MESSAGE) {
      const chunk = incidents.slice(i, i + INCIDENTS_PER_MESSAGE).map(minimalIncident);
      const body = JSON.stringify({ v: 1, origin: this.origin, incidents: chunk });
      this.track(this.publish(`${this.prefix}.incidents`, body).then((ok) => { if (ok) this.counters.incidentsPublished += chunk.length; }));
    }
  }

  /**
   * One publication with a message id (a second try within the duplicate window is dropped by the
   * server if the first did arrive); on failure the stream is re-created if it is missing and the
   * publication tried once more. False when it failed (counted and reported, not retried later).
   */
  private async publish(subject: string, body: string): Promise<boolean> {
    const msgID = `${this.origin}:${++this.seq}`;
    try {
      await this.js.publish(subject, body, { msgID, timeout: 5000 });
      return true;
    } catch (first) {
      try {
        await this.ensureStream();
        await this.js.publish(subject, body, { msgID, timeout: 5000 });
        return true;
      } catch {
        this.counters.publishFailed++;
        this.events.inc({ direction: 'publish_failed' });
        (this.o.onError ?? ((e: unknown) => console.error(`alert bus: publish failed: ${e instanceof Error ? e.message : String(e)}`)))(first);
        return false;
      }
    }
  }

  private track(p: Promise<void>): void {
    const q = p.catch(() => undefined).finally(() => { this.inFlight.delete(q); });
    this.inFlight.add(q);
  }

  /** Waits for the publications started so far. */
  async flush(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** Stops publishing and receiving (after the publications in flight). Does not close the connection. */
  async close(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    await this.flush();
    this.closed = true;
    await this.messages?.close().catch(() => undefined);
  }
}

/** A LiveMonitor that shares the incidents it evaluates on the bus (for the other processes' detector state). */
export class SharedLiveMonitor extends LiveMonitor {
  constructor(options: LiveMonitorOptions, private readonly bus: AlertBus) { super(options); }

  override observe(incidents: readonly LabelledIncident[]): ReturnType<LiveMonitor['observe']> {
    this.bus.shareIncidents(incidents);
    return super.observe(incidents);
  }
}
