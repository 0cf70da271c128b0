/**
 * `baseerat serve`: the API over the embedded store. It owns the DuckDB file while it runs (other
 * commands must then go through the API). On first start it creates the master key file next to
 * the database (0600; move it to key custody in production, see docs/security.md) unless
 * BASEERAT_MASTER_KEY is set, and, when there is no account at all, an administrator with a random
 * password whose password and TOTP enrolment URI are printed once.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { BaseeratError } from '@baseerat/engine';
import { connect } from '@nats-io/transport-node';
import { linkBatch } from '@baseerat/engine';
import { createApp } from '../../api/index.js';
import { AccountWarmer, warmDashboard } from '../../api/warm-up.js';
import { ackBehindConsumerOptions, liveWriteBehindOption, openEmbeddedMonitor, type EmbeddedMonitor } from '../../monitor/embedded-monitor.js';
import { stopSignal } from '../stop-signal.js';
import { startIngestConsumer, type IngestConsumer } from '../../stream/ingest-consumer.js';
import { ingestSubject } from '../../stream/subjects.js';
import { agencyAdapter } from './consume.js';
import { openEmbedded, type Embedded } from '../../api/embedded.js';
import { defaultWebDir } from '../../api/static-dashboard.js';
import type { Adapter } from '../../ingest/adapter.js';
import { loadMappingFile } from '../../ingest/mapping.js';
import { builtinAdapterRegistry } from '../../ingest/registry.js';
import { loadGeography } from '../../reference/geography.js';
import { loadPartnersFile } from '../../release/partners.js';
import { ReportArchive } from '../../report/archive.js';
import { generateReport } from '../../report/report-service.js';
import { loadReportSchedules, startReportSchedules } from '../../report/schedule.js';
import { loadTerrainLayerDir } from '../../risk/terrain-layers.js';
import type { Actor } from '../../security/account-service.js';
import { createMasterKeyFile, loadMasterKey, MASTER_KEY_ENV } from '../../security/master-key.js';
import { IndexedStore } from '../../store/incident-index/indexed-store.js';
import { rowEncoderCodec } from '../../store/duckdb/row-encoder.js';
import { STORE_DATASET } from '../../security/store-keys.js';
import type { Store } from '../../store/port.js';
import { redact } from '../../store/postgres/postgres-store.js';
import { dbPath } from '../config.js';
import { isPostgresUrl, openServerMode } from '../../api/server-mode.js';
import { openSharedMonitor, type SharedMonitor } from '../../stream/shared-monitor.js';
import type { NatsConnection } from '@nats-io/transport-node';
import { createMetrics, dependencyChecks, startOpsServer } from '../../observability/index.js';

export const MASTER_KEY_FILE = 'master.key';

/** The master key from BASEERAT_MASTER_KEY, else `master.key` beside the database, created on first use. */
export async function resolveMasterKey(db: string, opts: { create: boolean; warn?: (s: string) => void }): Promise<Buffer> {
  const env = process.env[MASTER_KEY_ENV];
  if (env !== undefined && env !== '') return loadMasterKey({ env: process.env });
  const keyFile = join(dirname(resolve(db)), MASTER_KEY_FILE);
  if (!existsSync(keyFile)) {
    if (!opts.create) throw new BaseeratError('CONFIG', `no master key: set ${MASTER_KEY_ENV} or start \`baseerat serve\` once to create ${keyFile}`, { field: 'masterKey' });
    await createMasterKeyFile(keyFile);
    opts.warn?.(`created the master key ${keyFile} (mode 600). In production move it to key custody and pass it as ${MASTER_KEY_ENV}: whoever holds this file and the database can read every encrypted field.`);
  }
  return loadMasterKey({ keyFile });
}

/** Opens store + security on one DuckDB instance for a command, and closes them after. */
export async function withEmbedded<T>(db: string | undefined, create: boolean, fn: (e: Embedded) => Promise<T>): Promise<T> {
  const file = dbPath(db);
  const key = await resolveMasterKey(file, { create, warn: (s) => console.error(`warning: ${s}`) });
  const e = await openEmbedded(file, key, new Date());
  try {
    return await fn(e);
  } finally {
    await e.close();
  }
}

/** Creates the first administrator when there is no account; returns what to print once, or undefined. */
export async function bootstrapAdministrator(e: Embedded, actor: Actor, now: Date): Promise<{ username: string; password: string; otpauthUri: string } | undefined> {
  if ((await e.security.accounts.listUsers()).length > 0) return undefined;
  const password = randomBytes(18).toString('base64url');
  const en = await e.security.accounts.createUser({ username: 'admin', password, role: 'administrator', clearance: 'UNCLASSIFIED' }, actor, now);
  return { username: en.user.username, password, otpauthUri: en.otpauthUri };
}

/** Built-in adapters plus every agency mapping file (`*.json`) in `dir`, named by file name. */
export async function ingestFormats(dir: string | undefined): Promise<Record<string, Adapter>> {
  const out: Record<string, Adapter> = { ...builtinAdapterRegistry() };
  if (dir === undefined) return out;
  for (const f of (await readdir(dir)).filter((x) => x.endsWith('.json')).sort()) out[f.replace(/\.json$/, '')] = await loadMappingFile(join(dir, f));
  return out;
}

export interface ServeOptions {
  /** Live monitoring (default on): rules, zones, webhooks files; NATS consumers run in this process. */
  monitor?: boolean; rules?: string; zones?: string; webhooks?: string; nats?: string; liveJournal?: boolean; ackBehind?: boolean; rowWorker?: boolean; natsAgencies?: string; natsStream?: string; natsPrefix?: string;
  db?: string; port: string; host: string; mappings?: string; checkpoints?: string; partners?: string; releasesDir?: string;
  /** The dashboard's built files: a directory, false for none, true/undefined for packages/web/dist when it is built. */
  web?: string | boolean;
  /** Directory of GeoJSON risk-terrain layers for /api/risk and /api/allocation. */
  riskLayers?: string;
  /** Report archive for /api/reports (default: reports beside the database). */
  reportsDir?: string;
  /** JSON file of report schedules (cron) to run while serving (docs/reports.md). */
  reportSchedule?: string;
  /** Server mode: NATS servers of the cross-process alert bus (default $BASEERAT_NATS_URL); false: none. */
  alertBus?: string | boolean;
  /** Server mode: port (and address) of /healthz, /readyz and /metrics for Prometheus; none when not given. */
  opsPort?: string; opsHost?: string;
}

/** The dashboard directory to serve, or undefined (with a warning when it was wanted but is not built). */
export function resolveWebDir(web: string | boolean | undefined, warn: (s: string) => void): string | undefined {
  if (web === false) return undefined;
  const dir = typeof web === 'string' ? resolve(web) : defaultWebDir();
  if (existsSync(join(dir, 'index.html'))) return dir;
  warn(`the dashboard is not built (${join(dir, 'index.html')} is missing): serving the API only. Build it with \`npm run build:web\`.`);
  return undefined;
}

/**
 * Serves the API (and the dashboard) until SIGINT/SIGTERM. `afterOpen` runs once the store is open
 * and the first administrator exists (the demo uses it to create its analyst account).
 */
export async function runServe(o: ServeOptions, extra: { afterOpen?: (e: Embedded) => Promise<void> } = {}): Promise<void> {
  const port = tcpPort(o.port, 'port');
  const serverUrl = o.db ?? process.env.BASEERAT_DATABASE_URL;
  // checked before anything opens (not after the API listens)
  if (isPostgresUrl(serverUrl)) return runServeServerMode(o, serverUrl, port, o.opsPort === undefined ? undefined : tcpPort(o.opsPort, 'opsPort'));
  const file = dbPath(o.db);
  // server-mode flags on the embedded store would otherwise be ignored without a word
  if (o.opsPort !== undefined) console.error('warning: --ops-port is for server mode (--db postgres://...): the embedded store serves no /healthz, /readyz or /metrics port; the API answers GET /healthz');
  // Checked now so that a bad partners file stops the start instead of failing the first request;
  // the routes re-read it on every request, so later edits apply without a restart.
  const partners = o.partners === undefined ? undefined : resolve(o.partners);
  if (partners !== undefined) loadPartnersFile(partners);
  const webDir = resolveWebDir(o.web, (s) => console.error(`warning: ${s}`));
  const key = await resolveMasterKey(file, { create: true, warn: (s) => console.error(`warning: ${s}`) });
  const e = await openEmbedded(file, key, new Date());
  // All or nothing, as in server mode: what this start opened, closed last first on a stop or a failed step.
  const opened: Array<() => Promise<unknown>> = [];
  // a stop asked for from now on (the consumers start before the server listens) closes all of it
  const stop = stopSignal();
  try {
    const first = await bootstrapAdministrator(e, { id: 'system', from: 'serve' }, new Date());
    if (first !== undefined) {
      console.log('No account existed: created the administrator. Shown once; store them now.');
      console.log(`  username: ${first.username}`);
      console.log(`  password: ${first.password}`);
      console.log(`  TOTP (scan into an authenticator app): ${first.otpauthUri}`);
    }
    await extra.afterOpen?.(e);
    // The dashboard's stats, counts, map points and list ordering from the in-memory incident index
    // (store/incident-index), loaded in the background: until it is ready the store answers. Every
    // incident write of this process goes through `store` (the API's ingest, the NATS consumers);
    // the monitor gets the DuckDB store itself for its instance and its history read.
    const store = new IndexedStore(e.store, { onDisabled: (r) => console.error(`warning: ${r}; the store answers the dashboard's queries itself`) });
    void store.loaded.then(() => {
      if (store.state === 'ready') console.log(`Incident index: ${(store.indexLength() ?? 0).toLocaleString('en-US')} incidents, ${((store.indexBytes() ?? 0) / 1e6).toFixed(1)} MB`);
    });
    // With --nats --live-journal the live path is durable in its journal and DuckDB is written behind
    // it, through `store` so that the index learns each batch (monitor/write-behind.ts, docs/monitoring.md);
    // with --nats --ack-behind DuckDB is written behind too, and JetStream keeps each message until then.
    if (o.liveJournal === true && o.ackBehind === true) throw new BaseeratError('VALIDATION', '--live-journal and --ack-behind: choose one', { field: 'ackBehind' });
    const liveMode = o.nats === undefined ? 'off' : o.liveJournal === true ? 'journal' : o.ackBehind === true ? 'ack' : 'off';
    const journal = await liveWriteBehindOption(file, liveMode, () => e.security.cipherFor(STORE_DATASET, new Date()), (s) => console.error(`warning: ${s}`));
    // --row-worker: the rows of the live batches' new incidents made in a worker thread (store/duckdb/row-encoder.ts)
    if (o.rowWorker === true && (journal === undefined || o.monitor === false)) throw new BaseeratError('VALIDATION', '--row-worker needs --nats with --ack-behind or --live-journal', { field: 'rowWorker' });
    const rowEncoder = o.rowWorker === true ? { rowEncoder: { codec: rowEncoderCodec(e.security.keys, STORE_DATASET) } } : {};
    const live = o.monitor === false ? undefined : await openEmbeddedMonitor({
      store: e.store, rules: o.rules, zones: o.zones, webhooks: o.webhooks,
      ...(journal === undefined ? {} : { writeBehind: { ...journal, writeTo: store, ...rowEncoder } }),
    });
    if (live !== undefined) opened.push(() => live.close());
    if (live !== undefined) console.log(`Live monitoring: ${live.warm.incidents} incidents of history loaded, ${live.warm.alerts} recent alerts`);
    if (live?.writeBehind !== undefined) console.log(live.writeBehind.mode === 'ack' ? 'Live path: alerts at once, DuckDB written behind, NATS messages acknowledged once stored' : `Live path: durable in the journal ${journal?.journalDir ?? ''}, DuckDB written behind it`);
    const reportsDir = o.reportsDir === undefined ? join(dirname(resolve(file)), 'reports') : resolve(o.reportsDir);
    // accounts created while serving, and every login, get their landing view warmed in the background (api/warm-up.ts)
    const accountWarmer = new AccountWarmer({ store, security: e.security, geography: loadGeography() },
      (err) => console.error(`warning: warming an account's landing view failed (its first page computes it): ${err instanceof Error ? err.message : String(err)}`));
    const app = await createApp({
      store, security: e.security, geography: loadGeography(), adapters: await ingestFormats(o.mappings), accountWarmer,
      keys: e.security.keys,
      auditCheckpointDir: o.checkpoints === undefined ? join(dirname(file), 'audit-checkpoints') : resolve(o.checkpoints),
      ...(partners === undefined ? {} : { partners }),
      releasesDir: o.releasesDir === undefined ? join(dirname(resolve(file)), 'releases') : resolve(o.releasesDir),
      ...(webDir === undefined ? {} : { webDir }),
      ...(o.riskLayers === undefined ? {} : { riskLayers: loadTerrainLayerDir(resolve(o.riskLayers)) }),
      ...(live === undefined ? {} : { monitor: live.monitor }),
      reportsDir,
    });
    opened.push(() => app.close());
    const schedules = o.reportSchedule === undefined ? [] : loadReportSchedules(resolve(o.reportSchedule));
    const reportArchive = schedules.length === 0 ? undefined : await ReportArchive.open(reportsDir);
    if (reportArchive !== undefined) opened.push(() => reportArchive.close());
    const running = reportArchive === undefined ? undefined : startReportSchedules(schedules, async (s, period, formats) => {
      const t = new Date();
      const r = await generateReport({ store, geography: loadGeography() }, {
        template: s.template, period: period.label, formats, archive: reportArchive, schedule: s.name, generatedBy: `schedule:${s.name}`, now: t,
        ...(s.province === undefined ? {} : { province: s.province }), ...(s.district === undefined ? {} : { district: s.district }), ...(s.lang === undefined ? {} : { lang: s.lang }),
      });
      await e.security.audit.record({ actor: 'system', action: 'report.generate', target: r.id, from: `schedule:${s.name}`, outcome: 'success', details: { period: r.model.period.label, classification: r.model.classification } }, t);
      console.log(`report schedule ${s.name}: ${r.model.title} archived as ${r.id}`);
    }, (s, err) => console.error(`report schedule ${s.name} failed: ${err instanceof Error ? err.message : String(err)}`));
    if (running !== undefined) opened.push(async () => running.stop());
    if (running !== undefined) console.log(`Report schedules: ${Object.entries(running.next()).map(([n, at]) => `${n} next at ${at ?? 'never'}`).join('; ')}`);

    const consumers = o.nats === undefined ? undefined : await startServeConsumers(o, e, store, live);
    if (consumers !== undefined) opened.push(() => consumers.stop());
    // before listening: the first page after a start must not pay for the landing view's cold queries (api/warm-up.ts)
    try {
      const warm = await warmDashboard({ store, security: e.security, geography: loadGeography() });
      console.log(`Warm-up: the dashboard's landing view computed for ${warm.accounts} account(s), ${warm.views} distinct filter(s), in ${(warm.ms / 1000).toFixed(2)} s`);
    } catch (err) {
      console.error(`warning: the dashboard warm-up failed (the first page will compute its own view): ${err instanceof Error ? err.message : String(err)}`);
    }
    const address = await listenOn(app, port, o.host);
    console.log(`Baseerat API listening on ${address} (store ${file}); docs at ${address}/docs`);
    if (webDir !== undefined) {
      // Browsers send the Secure session cookie over plain http to localhost only.
      const shown = o.host === '127.0.0.1' || o.host === 'localhost' ? address.replace('127.0.0.1', 'localhost') : address;
      console.log(`Dashboard: ${shown}/  (Ctrl-C stops the server)`);
    }
    await new Promise<void>((done) => {
      void stop.requested.then(() => { done(); });
      // a NATS consumer that fails (a store write, a durable it cannot make again) would otherwise stop
      // silently while the API goes on serving: stop, exit 1, and let the supervisor restart the process
      // (what the consumer did not acknowledge, JetStream delivers again)
      void consumers?.failed.then(({ agency, error }) => {
        console.error(`NATS consumer of ${agency} failed: ${error instanceof Error ? error.message : String(error)}; stopping the server (exit 1) so that it is restarted`);
        process.exitCode = 1;
        done();
      });
    });
  } finally {
    for (const close of opened.reverse()) await close().catch((err: unknown) => console.error(`warning: while closing: ${err instanceof Error ? err.message : String(err)}`));
    await e.close();
    stop.dispose();
  }
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Start the HTTP API (OpenAPI at /docs/openapi.json) and the dashboard at /; creates the master key and first administrator on first start')
    .option('--db <path>', 'store file (default $BASEERAT_DB or ./data/baseerat.duckdb)')
    .option('--port <n>', 'TCP port', '8080')
    .option('--host <addr>', 'address to listen on (put a TLS reverse proxy in front for anything but localhost)', '127.0.0.1')
    .option('--mappings <dir>', 'agency mapping files (*.json) accepted as ingest formats, named by file name')
    .option('--checkpoints <dir>', 'signed audit checkpoints for GET /api/audit/verify (default: audit-checkpoints beside the database)')
    .option('--partners <file>', 'research partners file (JSON) for /api/releases; without it the release routes answer 404')
    .option('--releases-dir <dir>', 'where /api/releases writes releases (default: releases beside the database)')
    .option('--web <dir>', 'the built dashboard to serve at / (default packages/web/dist)')
    .option('--no-web', 'serve the API only')
    .option('--reports-dir <dir>', 'report archive for /api/reports (default: reports beside the database)')
    .option('--report-schedule <file>', 'JSON file of report schedules (cron, Pakistan time) to run while serving; see docs/reports.md')
    .option('--risk-layers <dir>', 'GeoJSON risk-terrain layers (*.geojson: distance; NAME.density-KM.geojson: points within KM) used by /api/risk and /api/allocation')
    .option('--rules <file>', 'alert rules for live monitoring (JSON array; default the example Balochistan rules)')
    .option('--zones <file>', 'watch zones for the rules (GeoJSON; default the example zones)')
    .option('--webhooks <file>', 'alert webhooks (JSON; see docs/monitoring.md)')
    .option('--no-monitor', 'no live monitoring (no alerts, /api/alerts answers 404)')
    .option('--nats <url>', 'also consume agency feeds from NATS JetStream in this process (e.g. 127.0.0.1:4222)')
    .option('--live-journal', 'with --nats: acknowledge once a batch is in the live journal, DuckDB written behind (experimental, docs/monitoring.md)')
    .option('--ack-behind', 'with --nats: alerts at once, DuckDB written behind, each message acknowledged once its batch is stored (JetStream is the journal; docs/monitoring.md)')
    .option('--row-worker', 'with --ack-behind or --live-journal: the rows of new incidents (field encryption included) made in a worker thread (experimental, docs/monitoring.md)')
    .option('--nats-agencies <list>', 'agencies to consume (comma-separated; subjects baseerat.ingest.<agency>; formats from --mappings <agency>.json)')
    .option('--nats-stream <name>', 'JetStream stream (default BASEERAT_INGEST)')
    .option('--nats-prefix <subject>', 'subject prefix (default baseerat.ingest)')
    .option('--alert-bus <urls>', 'server mode: NATS servers of the cross-process alert bus, comma-separated (default $BASEERAT_NATS_URL): alerts raised or acknowledged by any process reach this one\'s SSE clients')
    .option('--no-alert-bus', 'server mode: alerts stay in this process (SSE shows only the alerts of its own ingests)')
    .option('--ops-port <n>', 'server mode: serve /healthz, /readyz and Prometheus /metrics (request latency per route, alert bus) on this port (0 = any free port)')
    .option('--ops-host <addr>', 'server mode: address of the --ops-port endpoints (default 127.0.0.1)', '127.0.0.1')
    .action(async (o: ServeOptions) => runServe(o));
}

/** `serve --nats`: one durable JetStream consumer per agency in the serving process (it owns the store file). */
async function startServeConsumers(o: ServeOptions, e: Embedded, store: Store, live: EmbeddedMonitor | undefined): Promise<{ stop(): Promise<void>; failed: Promise<{ agency: string; error: unknown }> }> {
  const agencies = (o.natsAgencies ?? '').split(',').map((a) => a.trim()).filter((a) => a !== '');
  if (agencies.length === 0) throw new BaseeratError('VALIDATION', '--nats needs --nats-agencies', { field: 'natsAgencies' });
  const nc = await connect({ servers: o.nats!, name: 'baseerat-serve' });
  const consumers: IngestConsumer[] = [];
  for (const agency of agencies) {
    consumers.push(await startIngestConsumer({
      nats: nc, agency, adapter: await agencyAdapter(agency, o.mappings, undefined), store: live?.writeBehind?.store ?? store, geocoder: loadGeography(), link: linkBatch,
      // the serving process owns the store file, so it alone consumes the durable: one acknowledgement per batch
      ack: 'all',
      ...(live === undefined ? {} : { monitor: live.monitor, ...ackBehindConsumerOptions(live.writeBehind) }),
      ...(o.natsStream === undefined ? {} : { stream: o.natsStream }), ...(o.natsPrefix === undefined ? {} : { prefix: o.natsPrefix }),
    }));
  }
  console.log(`Consuming ${agencies.map((a) => ingestSubject(a, o.natsPrefix)).join(', ')} from ${o.nats}`);
  // the first consumer to fail (never settles while they run)
  const failed = new Promise<{ agency: string; error: unknown }>((resolve) => { for (const c of consumers) c.done.catch((error: unknown) => resolve({ agency: c.agency, error })); });
  return {
    failed,
    async stop() {
      // every consumer stopped and the connection closed even when one of them failed
      let first: unknown;
      for (const c of consumers) await c.stop().catch((err: unknown) => { first ??= err; });
      await nc.close();
      if (first !== undefined) throw first;
    },
  };
}

/** `app.listen`, failing with a CONFIG error that names the flag when the address cannot be had (taken, not local). */
async function listenOn(app: { listen(o: { port: number; host: string }): Promise<string> }, port: number, host: string): Promise<string> {
  try {
    return await app.listen({ port, host });
  } catch (e) {
    throw new BaseeratError('CONFIG', `--port: cannot listen on ${host}:${port} (${e instanceof Error ? e.message : String(e)}); nothing was started`, { field: 'port', cause: e });
  }
}

/** A `--port`-like flag's value as a TCP port number (0: any free port). */
function tcpPort(value: string, field: 'port' | 'opsPort'): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new BaseeratError('VALIDATION', `--${field === 'port' ? 'port' : 'ops-port'} ${JSON.stringify(value)} is not a TCP port`, { field });
  return n;
}

/**
 * `serve --db postgres://...` (or BASEERAT_DATABASE_URL): server mode. The process keeps no state
 * of its own (accounts, sessions, audit trail, alerts and data keys are in PostgreSQL), so any number
 * may run behind a load balancer; feeds are consumed by `baseerat worker`. The master key must be
 * given (BASEERAT_MASTER_KEY): there is no file beside a database URL.
 */
async function runServeServerMode(o: ServeOptions, url: string, port: number, opsPort: number | undefined): Promise<void> {
  if (o.nats !== undefined) throw new BaseeratError('VALIDATION', '--nats: in server mode feeds are consumed by `baseerat worker`, not by serve', { field: 'nats' });
  if (process.env[MASTER_KEY_ENV] === undefined || process.env[MASTER_KEY_ENV] === '') {
    throw new BaseeratError('CONFIG', `server mode needs the master key in ${MASTER_KEY_ENV} (the same for every API process and worker)`, { field: 'masterKey' });
  }
  const partners = o.partners === undefined ? undefined : resolve(o.partners);
  if (partners !== undefined) loadPartnersFile(partners);
  const webDir = resolveWebDir(o.web, (s) => console.error(`warning: ${s}`));
  const sm = await openServerMode(url, await loadMasterKey({ env: process.env }), new Date());
  // as in the embedded mode: a stop asked for while this process starts is kept (cli/stop-signal.ts)
  const stop = stopSignal();
  try {
    if ((await sm.security.accounts.listUsers()).length === 0) {
      const password = randomBytes(18).toString('base64url');
      try {
        const en = await sm.security.accounts.createUser({ username: 'admin', password, role: 'administrator', clearance: 'UNCLASSIFIED' }, { id: 'system', from: 'serve' }, new Date());
        console.log('No account existed: created the administrator. Shown once; store them now.');
        console.log(`  username: ${en.user.username}\n  password: ${password}\n  TOTP (scan into an authenticator app): ${en.otpauthUri}`);
      } catch (e) {
        // another API process starting at the same moment made it first
        if (!(e instanceof BaseeratError && e.code === 'CONFLICT')) throw e;
      }
    }
    // Prometheus metrics of this API process, when --ops-port is given (several processes on one host need a port each)
    const metrics = opsPort === undefined ? undefined : createMetrics({ role: 'api' });
    const busServers = o.alertBus === false ? undefined : typeof o.alertBus === 'string' ? o.alertBus : process.env.BASEERAT_NATS_URL;
    const busList = busServers?.split(',').map((x) => x.trim()).filter((x) => x !== '') ?? [];
    // All or nothing: what this start opened, closed last first on a stop or when a later step fails
    // (a taken port, NATS or the monitor failing), so that a failed start leaves nothing running.
    const opened: Array<() => Promise<unknown>> = [];
    try {
      let listening = false;
      // the ops port before the API's: a port already taken stops the start before the API listens
      const ops = metrics === undefined || opsPort === undefined ? undefined : await startOpsServer({
        host: o.opsHost ?? '127.0.0.1', port: opsPort, registry: metrics.registry,
        checks: { ...dependencyChecks({ store: sm.store }), api: async () => { if (!listening) throw new Error('the API is not listening yet'); } },
      }).catch((e: unknown) => {
        throw new BaseeratError('CONFIG', `--ops-port: cannot serve /healthz, /readyz and /metrics on ${o.opsHost ?? '127.0.0.1'}:${opsPort} (${e instanceof Error ? e.message : String(e)}); nothing was started`, { field: 'opsPort', cause: e });
      });
      if (ops !== undefined) opened.push(() => ops.close());
      const nc: NatsConnection | undefined = o.monitor === false || busList.length === 0 ? undefined : await connect({ servers: busList, name: `baseerat-serve-${process.pid}`, maxReconnectAttempts: -1 });
      if (nc !== undefined) opened.push(() => nc.close());
      // BASEERAT_ALERT_STREAM / BASEERAT_ALERT_PREFIX: two deployments sharing one NATS cluster keep apart (default BASEERAT_ALERTS, baseerat.alerts)
      const bus = { ...(process.env.BASEERAT_ALERT_STREAM ? { stream: process.env.BASEERAT_ALERT_STREAM } : {}), ...(process.env.BASEERAT_ALERT_PREFIX ? { prefix: process.env.BASEERAT_ALERT_PREFIX } : {}) };
      const live: SharedMonitor | undefined = o.monitor === false ? undefined : await openSharedMonitor({ store: sm.store, repository: await sm.alertRepository(), rules: o.rules, zones: o.zones, webhooks: o.webhooks, nats: nc, bus, deliverRemote: true, ...(metrics === undefined ? {} : { registry: metrics.registry }) });
      if (live !== undefined) {
        opened.push(() => live.close());
        console.log(`Live monitoring: ${live.warm.incidents} incidents of history loaded, ${live.warm.alerts} recent alerts; ${live.bus === undefined
          ? 'no alert bus (set BASEERAT_NATS_URL or --alert-bus): SSE clients of this process see only the alerts of its own ingests'
          : `alert bus ${live.bus.stream} on ${busList.join(',')}`}`);
      }
      const app = await createApp({
        store: sm.store, security: sm.security, geography: loadGeography(), adapters: await ingestFormats(o.mappings),
        ...(o.checkpoints === undefined ? {} : { auditCheckpointDir: resolve(o.checkpoints) }),
        ...(partners === undefined || o.releasesDir === undefined ? {} : { partners, releasesDir: resolve(o.releasesDir) }),
        ...(webDir === undefined ? {} : { webDir }),
        ...(o.riskLayers === undefined ? {} : { riskLayers: loadTerrainLayerDir(resolve(o.riskLayers)) }),
        ...(live === undefined ? {} : { monitor: live.monitor }),
        ...(o.reportsDir === undefined ? {} : { reportsDir: resolve(o.reportsDir) }),
        ...(metrics === undefined ? {} : { metrics }),
      });
      opened.push(() => app.close());
      const address = await listenOn(app, port, o.host);
      listening = true;
      console.log(`Baseerat API (server mode) listening on ${address} (PostgreSQL ${redact(url)}); docs at ${address}/docs`);
      if (ops !== undefined) console.log(`Health, readiness and Prometheus metrics on http://${ops.address}/metrics`);
      await stop.requested;
    } finally {
      for (const close of opened.reverse()) await close().catch((e: unknown) => console.error(`warning: while closing: ${e instanceof Error ? e.message : String(e)}`));
    }
  } finally {
    await sm.close();
    stop.dispose();
  }
}
