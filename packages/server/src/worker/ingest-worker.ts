/**
 * The ingest worker of server mode: JetStream pull consumers (the reusable consumer of
 * `../stream/ingest-consumer.ts`, one durable consumer per agency) writing to the shared
 * PostgreSQL store, with structured logs, Prometheus metrics and health/readiness endpoints.
 *
 * Any number of workers may run at once, on any machines: they share each agency's durable
 * consumer, so JetStream hands each message to one of them, and redelivers it when the worker dies
 * before acknowledging. A message is acknowledged only after its batch has committed, and the
 * store's unique (agency, source id) key turns a redelivered message into a counted duplicate:
 * at-least-once delivery, exactly once in effect (bench/server/crash-test.ts checks it under
 * SIGKILL).
 *
 * Live rules: unless `monitor` is false the worker runs the same rule set as `serve` (the example
 * rules by default, or `rules`/`zones` files) on the incidents it stores, writes the alerts to the
 * PostgreSQL alert repository and publishes them on the cross-process alert bus
 * (stream/alert-bus.ts), from which every API process delivers them to its SSE clients. Webhooks
 * (`webhooks`) are sent by the worker for the alerts it raises. Detector state is shared through
 * the bus (each monitor learns the incidents the others evaluate); docs/monitoring.md says what
 * that does and does not guarantee.
 */
import { linkBatch } from '@baseerat/engine';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { agencyAdapter } from '../cli/commands/consume.js';
import type { IngestSummary } from '../ingest/pipeline.js';
import { createMetrics, dependencyChecks, startOpsServer, type BaseeratMetrics, type Logger, type OpsServer } from '../observability/index.js';
import { loadGeography } from '../reference/geography.js';
import { openPostgresStore, type FieldCodec, type Store } from '../store/index.js';
import { FieldCipher, KeyRing } from '../security/field-cipher.js';
import { loadMasterKey, MASTER_KEY_ENV } from '../security/master-key.js';
import { openPostgresKeyRing, openPostgresSecurityPool, ReloadingStoreCodec } from '../security/postgres-key-ring.js';
import { PostgresSecurityRepo } from '../security/postgres-security-repo.js';
import { STORE_DATASET } from '../security/store-keys.js';
import { startIngestConsumer, type IngestConsumer } from '../stream/ingest-consumer.js';
import { openSharedMonitor, type SharedMonitor } from '../stream/shared-monitor.js';
import { PostgresAlertRepository } from '../monitor/postgres-alert-repository.js';
import { DEFAULT_STREAM, durableName } from '../stream/subjects.js';
import type { WorkerConfig } from './config.js';

export interface IngestWorker {
  metrics: BaseeratMetrics;
  ops: OpsServer;
  consumers: IngestConsumer[];
  /** The live monitor (undefined with `monitor: false`). */
  monitor: SharedMonitor | undefined;
  /** Settles when a consumer fails (then rejects) or after stop(). */
  done: Promise<void>;
  /** Stops taking messages, finishes and acknowledges the batches in hand, closes everything. */
  stop(): Promise<IngestSummary[]>;
}

/**
 * The store codec of a worker: with the master key (BASEERAT_MASTER_KEY, or `masterKey`), the
 * server mode's key ring on the same database (security/postgres-key-ring.ts), so that the worker
 * encrypts narratives, raw source records and quarantined lines exactly as the API processes do;
 * without it, plaintext (and a warning: an API in server mode cannot read plaintext fields until
 * `baseerat keys reencrypt --encrypt-plaintext` has run).
 */
async function workerCodec(config: WorkerConfig, log: Logger, masterKey: Buffer | undefined): Promise<{ codec?: FieldCodec; close(): Promise<void> }> {
  if (masterKey === undefined) {
    log.warn({}, `no master key (${MASTER_KEY_ENV}): sensitive fields are written in plaintext`);
    return { close: async () => undefined };
  }
  const pool = await openPostgresSecurityPool(config.database, config.schema, 2);
  try {
    const repo = new PostgresSecurityRepo(pool);
    const ring = await openPostgresKeyRing(pool, repo, masterKey, new Date());
    const codec = new ReloadingStoreCodec(new FieldCipher(ring, STORE_DATASET), () => KeyRing.open(repo, masterKey));
    const timer = setInterval(() => { void codec.refresh().catch(() => undefined); }, 60_000);
    timer.unref();
    return { codec, async close() { clearInterval(timer); await pool.end(); } };
  } catch (e) {
    await pool.end();
    throw e;
  }
}

export async function startIngestWorker(config: WorkerConfig, log: Logger, opts: { masterKey?: Buffer; env?: Readonly<Record<string, string | undefined>> } = {}): Promise<IngestWorker> {
  const metrics = createMetrics({ role: 'worker' });
  const adapters = await Promise.all(config.agencies.map((a) => agencyAdapter(a, config.mappings, config.format)));
  const env = opts.env ?? process.env;
  const masterKey = opts.masterKey ?? (env[MASTER_KEY_ENV] !== undefined && env[MASTER_KEY_ENV] !== '' ? await loadMasterKey({ env }) : undefined);
  const keys = await workerCodec(config, log, masterKey);
  let store: Store;
  try {
    store = await openPostgresStore(config.database, { schema: config.schema, maxConnections: config.maxConnections, ...(keys.codec === undefined ? {} : { codec: keys.codec }) });
  } catch (e) {
    await keys.close();
    throw e;
  }
  let nc: NatsConnection | undefined;
  let ops: OpsServer | undefined;
  const consumers: IngestConsumer[] = [];
  let lagTimer: NodeJS.Timeout | undefined;
  let live: SharedMonitor | undefined;
  let alertPool: Awaited<ReturnType<typeof openPostgresSecurityPool>> | undefined;
  try {
    nc = await connect({ servers: config.nats, name: `baseerat-worker-${process.pid}`, maxReconnectAttempts: -1 });
    const nats = nc;
    const geocoder = loadGeography();
    if (config.monitor !== false) {
      alertPool = await openPostgresSecurityPool(config.database, config.schema, 2);
      live = await openSharedMonitor({
        store, repository: await PostgresAlertRepository.open(alertPool), rules: config.rules, zones: config.zones, webhooks: config.webhooks,
        nats: config.alertBus === false ? undefined : nats, deliverRemote: false, registry: metrics.registry,
        bus: { ...(config.alertStream === undefined ? {} : { stream: config.alertStream }), ...(config.alertPrefix === undefined ? {} : { prefix: config.alertPrefix }) },
        onError: (e) => log.error({ err: e instanceof Error ? e.message : String(e) }, 'a stored batch could not be evaluated by the live rules'),
      });
      log.info({ incidents: live.warm.incidents, alerts: live.warm.alerts, alertBus: live.bus === undefined ? 'off' : live.bus.stream }, 'live monitor warmed up');
    }
    const monitor = live?.monitor;
    for (const [i, agency] of config.agencies.entries()) {
      consumers.push(await startIngestConsumer({
        nats, agency, adapter: adapters[i]!, store, geocoder, link: linkBatch, maxBatch: config.maxBatch, ...(monitor === undefined ? {} : { monitor }),
        ...(config.stream === undefined ? {} : { stream: config.stream }), ...(config.prefix === undefined ? {} : { prefix: config.prefix }),
        ...(config.ackWaitSeconds === undefined ? {} : { ackWaitSeconds: config.ackWaitSeconds }),
        onBatch: ({ messages, counts, firstPublishedMs, }) => {
          metrics.ingestRecords.inc({ agency, outcome: 'stored' }, counts.stored);
          metrics.ingestRecords.inc({ agency, outcome: 'duplicate' }, counts.duplicates);
          metrics.ingestRecords.inc({ agency, outcome: 'quarantined' }, counts.quarantined);
          if (firstPublishedMs !== undefined) metrics.ingestLatencySeconds.observe({ agency }, Math.max(0, Date.now() - firstPublishedMs) / 1000);
          log.debug({ agency, messages, ...counts }, 'batch committed and acknowledged');
        },
      }));
    }
    const jsm: JetStreamManager = await jetstreamManager(nats);
    const stream = config.stream ?? DEFAULT_STREAM;
    const pollLag = async () => {
      for (const agency of config.agencies) {
        try {
          const info = await jsm.consumers.info(stream, durableName(agency));
          metrics.consumerPending.set({ agency }, info.num_pending);
          metrics.consumerAckPending.set({ agency }, info.num_ack_pending);
        } catch (e) {
          log.warn({ agency, err: e instanceof Error ? e.message : String(e) }, 'consumer lag unavailable');
        }
      }
    };
    await pollLag();
    lagTimer = setInterval(() => { void pollLag(); }, 5000);
    lagTimer.unref();
    ops = await startOpsServer({
      host: config.opsHost, port: config.opsPort, registry: metrics.registry,
      checks: dependencyChecks({ store, nats }),
    });
    log.info({ agencies: config.agencies, ops: ops.address, nats: config.nats, maxBatch: config.maxBatch }, 'worker ready');
  } catch (e) {
    if (lagTimer !== undefined) clearInterval(lagTimer);
    for (const c of consumers) await c.stop().catch(() => undefined);
    await live?.close().catch(() => undefined);
    await alertPool?.end().catch(() => undefined);
    await ops?.close();
    await nc?.close();
    await store.close();
    await keys.close();
    throw e;
  }
  const nats = nc;
  const opsServer = ops;
  const pool = alertPool;
  let stopped = false;
  return {
    metrics,
    ops: opsServer,
    consumers,
    monitor: live,
    done: Promise.all(consumers.map((c) => c.done)).then(() => undefined),
    async stop() {
      if (stopped) return [];
      stopped = true;
      clearInterval(lagTimer);
      const out: IngestSummary[] = [];
      for (const c of consumers) out.push(await c.stop());
      // the alerts of the last batches are written, their webhooks sent and bus messages published
      await live?.close();
      await pool?.end();
      await opsServer.close();
      await nats.close();
      await store.close();
      await keys.close();
      log.info({ summaries: out.map((s) => ({ agency: s.agency, rowsRead: s.rowsRead, stored: s.stored, duplicates: s.duplicates, quarantined: s.quarantined })) }, 'worker stopped');
      return out;
    },
  };
}
