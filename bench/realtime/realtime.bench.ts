/**
 * bench/realtime: the live path end to end. A child process (client.ts) publishes records to NATS
 * JetStream at a steady rate and listens to the alert stream over SSE; this process is the
 * server: the JetStream ingest consumer (batches, ack after commit) -> the DuckDB store (file,
 * encrypted columns, as `serve` opens it) -> the live monitor -> the SSE hub -> the HTTP API.
 *
 *   npx tsx bench/realtime/realtime.bench.ts [--rate 10000] [--seconds 60] [--batch 5000] [--rules all|example] [--checkpoint-threshold 256MB] [--checkpoint-threads N] [--publish jetstream|core] [--debounce 1000] [--write-behind off|on|journal|ack] [--ack all|explicit]
 *
 * --ack all (default, as `serve --nats` and `consume`): one acknowledgement per batch (JetStream
 * AckPolicy.All); explicit: every message acknowledged (as the server-mode worker).
 *
 * --rules all: one category rule that fires on every category, so every new incident yields an
 * alert and a latency sample (the heaviest alert load: each event is its own alert);
 * --rules example: the example Balochistan rule set (alerts on a subset).
 * --write-behind off (default): each batch and its alerts wait for their DuckDB commits (and for DuckDB's
 * automatic checkpoints); on: the live path's durable write is the live journal, DuckDB is written
 * behind it and checkpointed between those writes (packages/server/src/monitor/write-behind.ts; opt-in:
 * it cost more CPU per event than it saved on the 2026-11-27 machine, docs/benchmarks.md); `journal` = `on`;
 * ack: ack-behind, no journal: batches and alerts are delivered at once and written to DuckDB behind,
 * each NATS message acknowledged once its batch is in DuckDB (JetStream is the journal).
 * Prints: published, stored, duplicates, quarantined (count in = count stored, nothing twice,
 * checked in SQL), sustained stored rate, alert events over SSE, publish -> SSE latency
 * p50/p90/p99/max (also without the records published in the first 5 s, and p99/max by second of
 * publishing), the slowest store writes and alert upserts with when they ended, the event loop's
 * delay (p99, max), the machine's load average, CPU seconds of the server (this process), of the client
 * and of the local nats-server (shared with anyone else using it). Uses a stream and subjects of its own, deleted after.
 * Like `baseerat serve --nats`, this process starts with the CLI's memory defaults (src/cli/memory-defaults.ts:
 * DuckDB's allocator keeps freed pages 10 s); `DUCKDB_JE_MALLOC_CONF= npx tsx ...` (empty) runs with DuckDB's own.
 * Also like it, Node runs with the CLI's V8 settings (--max-semi-space-size=64 --v8-pool-size=1,
 * cli-v8-flags.ts; since 2026-11-28): `NODE_OPTIONS="--max-semi-space-size=16 --v8-pool-size=4" npx tsx ...`
 * runs with Node's defaults.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants as perfConstants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';
// first, as in the CLI: the server process's memory defaults (DuckDB's allocator) before DuckDB loads
import '../../packages/server/src/cli/memory-defaults.js';
// and its V8 settings (runs this bench again with them when started without them)
import './cli-v8-flags.js';
import { CATEGORY_CODES, linkBatch } from '@baseerat/engine';
import { DuckDBConnection, type DuckDBAppender } from '@duckdb/node-api';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { createApp } from '../../packages/server/src/api/app.js';
import { openEmbedded } from '../../packages/server/src/api/embedded.js';
import { loadMappingFile } from '../../packages/server/src/ingest/mapping.js';
import { duckdbInstanceOf } from '../../packages/server/src/monitor/duckdb-alert-repository.js';
import { ACK_BEHIND_MAX_ACK_PENDING, ACK_BEHIND_MAX_PENDING_EVENTS, ackBehindCheckpointThreads, openEmbeddedMonitor } from '../../packages/server/src/monitor/embedded-monitor.js';
import { loadGeography } from '../../packages/server/src/reference/geography.js';
import { STORE_DATASET } from '../../packages/server/src/security/store-keys.js';
import { base32Decode, totp } from '../../packages/server/src/security/totp.js';
import { startIngestConsumer } from '../../packages/server/src/stream/ingest-consumer.js';
import { rowEncoderCodec } from '../../packages/server/src/store/duckdb/row-encoder.js';
import { natsServerCpuSeconds } from './proc-cpu.js';

const arg = (name: string, dflt: string) => { const i = process.argv.indexOf(`--${name}`); return i >= 0 ? process.argv[i + 1] ?? dflt : dflt; };
const rate = Number(arg('rate', '10000')), seconds = Number(arg('seconds', '60')), batch = Number(arg('batch', '5000')), rules = arg('rules', 'all');
/** DuckDB checkpoint_threshold for the store file; default openEmbedded's (DEFAULT_DUCKDB_CHECKPOINT_THRESHOLD). */
const checkpoint = arg('checkpoint-threshold', '');
/** jetstream: each publish acknowledged by the stream (pipelined); core: plain publishes, no acknowledgement (counts checked after). */
const publishMode = arg('publish', 'jetstream');
const writeBehindArg = arg('write-behind', 'off');
if (!['off', 'on', 'journal', 'ack'].includes(writeBehindArg)) throw new Error(`--write-behind ${writeBehindArg}: off, on (journal) or ack`);
const writeBehind = writeBehindArg !== 'off';
const ackBehind = writeBehindArg === 'ack';
/** Ack-behind: unacknowledged messages the server allows, and events waiting for DuckDB before the consumer waits (default the CLI's, as `consume --ack-behind`). */
const ackPending = Number(arg('max-ack-pending', String(ACK_BEHIND_MAX_ACK_PENDING))), maxPendingEvents = Number(arg('max-pending', String(ACK_BEHIND_MAX_PENDING_EVENTS)));
/**
 * With the write-behind: DuckDB threads during the applier's checkpoints. Ack-behind: by default the
 * CLI's (all cores but one, as `consume --ack-behind` and `serve --nats --ack-behind` run; before
 * 2026-11-28 this bench left it unchanged, i.e. every core, unlike the CLI); `--checkpoint-threads 0`
 * leaves DuckDB's setting as it is. Other modes: unchanged unless given.
 */
const checkpointThreadsArg = arg('checkpoint-threads', '');
const checkpointThreads = checkpointThreadsArg === '' ? (writeBehindArg === 'ack' ? String(ackBehindCheckpointThreads()) : '') : checkpointThreadsArg === '0' ? '' : checkpointThreadsArg;
/** Ack-behind: events per applier step at most, and its gathering time (ms); default the write-behind's. */
const maxStep = arg('max-step', ''), gatherMs = arg('gather-ms', '');
/** With the write-behind: new incidents' rows made in a worker thread (store/duckdb/row-encoder.ts): on or off (default off). */
const rowWorker = arg('row-worker', 'off');
if (!['on', 'off'].includes(rowWorker)) throw new Error(`--row-worker ${rowWorker}: on or off`);
/** all: one acknowledgement per batch (AckPolicy.All, as `serve --nats` and `consume`); explicit: one per message. */
const ackArg = arg('ack', 'all');
/** Timed pulls every this many ms (stream/timed-pull.ts) instead of consume() (default). */
const pullMs = arg('pull-ms', '');
if (ackArg !== 'all' && ackArg !== 'explicit') throw new Error(`--ack ${ackArg}: all or explicit`);

/** CPU seconds of this process by thread name (Linux /proc/self/task): main thread, V8's GC helpers, libuv's pool (DuckDB's calls), DuckDB's own threads. */
function cpuByThread(): Record<string, number> {
  const out: Record<string, number> = {};
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      try {
        const st = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
        const name = st.slice(st.indexOf('(') + 1, st.lastIndexOf(')')).replace(/[0-9]+$/, '').trim() || '?';
        const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
        out[tid === String(process.pid) ? 'main' : name] = (out[tid === String(process.pid) ? 'main' : name] ?? 0) + (Number(f[11]) + Number(f[12])) / 100;
      } catch { /* thread ended */ }
    }
  } catch { /* not Linux */ }
  return out;
}
const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));

const dir = mkdtempSync(join(tmpdir(), 'baseerat-rt-'));
const tag = `rt${process.pid}`;
const stream = `BENCH_${tag.toUpperCase()}`, prefix = `${tag}.ingest`;
const load0 = loadavg()[0]!;
// with the write-behind, --checkpoint-threshold is the WAL size at which its applier checkpoints (DuckDB's own are off)
const e = await openEmbedded(join(dir, 'store.duckdb'), randomBytes(32), new Date(), checkpoint === '' || writeBehind ? {} : { duckdb: { checkpoint_threshold: checkpoint } });
const sizeBytes = (v: string) => { const m = /^(\d+(?:\.\d+)?)\s*([KMG]?)B$/i.exec(v); if (m === null) throw new Error(`--checkpoint-threshold ${v}: a size such as 64MB`); return Number(m[1]) * 1024 ** ' KMG'.indexOf((m[2] ?? '').toUpperCase() || ' '); };
let rulesFile: string | undefined, zonesFile: string | undefined;
if (rules === 'all') {
  rulesFile = join(dir, 'rules.json'); zonesFile = join(dir, 'zones.json');
  writeFileSync(rulesFile, JSON.stringify([{ kind: 'category', id: 'any-event', severity: 'low', categories: [...CATEGORY_CODES] }]));
  writeFileSync(zonesFile, JSON.stringify({ type: 'FeatureCollection', features: [] }));
}
/** Re-triggers written and published at most once per this many ms (default the live wiring's, DEFAULT_RETRIGGER_DEBOUNCE_MS; 0: with their batch, as before 2026-11-27 08:40 UTC). */
const debounceArg = arg('debounce', '');
// the store's write-ahead log, sampled 4 times a second: a drop is a checkpoint (when, and how big the log was)
const walFile = join(dir, 'store.duckdb.wal');
const mon = await openEmbeddedMonitor({
  store: e.store, rules: rulesFile, zones: zonesFile, skipWarmUp: true, ...(debounceArg === '' ? {} : { retriggerDebounceMs: Number(debounceArg) }),
  ...(writeBehind ? { writeBehind: { ...(ackBehind ? { maxPendingEvents, ...(maxStep === '' ? {} : { maxStepEvents: Number(maxStep) }), ...(gatherMs === '' ? {} : { gatherMs: Number(gatherMs) }) } : { journalDir: join(dir, 'store.duckdb.live-journal'), codec: await e.security.cipherFor(STORE_DATASET, new Date()) }), walPath: walFile, ...(checkpoint === '' ? {} : { checkpointBytes: sizeBytes(checkpoint) }), ...(checkpointThreads === '' ? {} : { checkpointThreads: Number(checkpointThreads) }), ...(rowWorker === 'on' ? { rowEncoder: { codec: rowEncoderCodec(e.security.keys, STORE_DATASET) } } : {}) } } : {}),
});
const app = await createApp({ store: e.store, security: e.security, geography: loadGeography(), monitor: mon.monitor, secureCookie: false });
await app.listen({ port: 0, host: '127.0.0.1' });
const port = (app.server.address() as AddressInfo).port;
const user = await e.security.accounts.createUser({ username: 'bench', password: 'correct horse battery staple 42', role: 'analyst', clearance: 'SECRET' }, { id: 'system', from: 'bench' }, new Date());
const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'bench', password: 'correct horse battery staple 42', totp: totp(base32Decode(user.totpSecret), Date.now()) } });
const token = (login.json() as { token: string }).token;

// Where the time goes: wall time inside the store's batch write and the alert repository's upsert.
const timing = { writeBatchMs: 0, writeBatches: 0, alertUpsertMs: 0, alertUpserts: 0, firstBatchAt: 0, lastBatchAt: 0 };
const timed = <A extends unknown[], R>(f: (...a: A) => Promise<R>, add: (ms: number) => void) => async (...a: A): Promise<R> => { const t = performance.now(); try { return await f(...a); } finally { add(performance.now() - t); } };
/** The slowest calls (ms, and seconds after the start at which they ended): where the latency stalls come from. */
const slowest: { what: string; ms: number; endedAtS: number }[] = [];
const noteSlow = (what: string, ms: number) => {
  slowest.push({ what, ms: Math.round(ms), endedAtS: Math.round((Date.now() - t0) / 100) / 10 });
  if (slowest.length > 40) { slowest.sort((a, b) => b.ms - a.ms); slowest.length = 20; }
};
// Synchronous appender flushes (they block the event loop), by table: which one waits when DuckDB stalls.
const flushMs = new Map<string, { n: number; ms: number; max: number }>();
const createAppender = DuckDBConnection.prototype.createAppender;
DuckDBConnection.prototype.createAppender = async function (this: DuckDBConnection, table: string, ...rest: unknown[]) {
  const a = await (createAppender as (...x: unknown[]) => Promise<DuckDBAppender>).call(this, table, ...rest);
  const flush = a.flushSync.bind(a);
  a.flushSync = () => {
    const t = performance.now();
    try { flush(); } finally {
      const ms = performance.now() - t, f = flushMs.get(table) ?? { n: 0, ms: 0, max: 0 };
      f.n++; f.ms += ms; f.max = Math.max(f.max, ms); flushMs.set(table, f);
      if (ms > 200) noteSlow(`flushSync ${table}`, ms);
    }
  };
  return a;
} as typeof createAppender;
// the event loop's longest blocks (GC pauses, synchronous flushes)
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
// garbage collection pauses of the server's main thread: count, total and longest (ms), and when the longest ended
const gc = { n: 0, totalMs: 0, maxMs: 0, maxEndedAtS: 0, since: Date.now(), byKind: {} as Record<string, { n: number; totalMs: number; maxMs: number }>, msBySecond: [] as number[] };
const GC_KINDS: Record<number, string> = { [perfConstants.NODE_PERFORMANCE_GC_MINOR]: 'minor', [perfConstants.NODE_PERFORMANCE_GC_MAJOR]: 'major', [perfConstants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental', [perfConstants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb' };
const gcObserver = new PerformanceObserver((list) => {
  for (const en of list.getEntries()) {
    gc.n++; gc.totalMs += en.duration;
    const at = (Date.now() - gc.since) / 1000;
    if (en.duration > gc.maxMs) { gc.maxMs = en.duration; gc.maxEndedAtS = Math.round(at * 10) / 10; }
    const kind = GC_KINDS[((en as { detail?: { kind?: number } }).detail)?.kind ?? -1] ?? 'other';
    const k = (gc.byKind[kind] ??= { n: 0, totalMs: 0, maxMs: 0 });
    k.n++; k.totalMs += en.duration; k.maxMs = Math.max(k.maxMs, en.duration);
    // by second of the run's clock (tick, below), from when it starts
    const sec = Math.floor((Date.now() - tickStart) / 1000);
    if (sec >= 0) gc.msBySecond[sec] = (gc.msBySecond[sec] ?? 0) + en.duration;
  }
});
gcObserver.observe({ entryTypes: ['gc'] });
// the event loop's longest delay in each second of the run (same clock as storedPerSecond and the GC seconds)
const loopBySecond: number[] = [];
const loopSecond = monitorEventLoopDelay({ resolution: 10 });
let tickStart = Number.POSITIVE_INFINITY;
e.store.writeBatch = timed(e.store.writeBatch.bind(e.store), (ms) => { timing.writeBatchMs += ms; timing.writeBatches++; noteSlow('writeBatch', ms); });
mon.repository.upsert = timed(mon.repository.upsert.bind(mon.repository), (ms) => { timing.alertUpsertMs += ms; timing.alertUpserts++; noteSlow('alertUpsert', ms); });
const nc = await connect({ servers: '127.0.0.1:4222', name: 'bench-realtime-consumer' });
let stored = 0, batches = 0;
let t0 = Date.now();
const storedPerSecond: number[] = [];
const consumer = await startIngestConsumer({
  nats: nc, agency: 'bench', adapter: await loadMappingFile(here('./bench-mapping.json')), store: mon.writeBehind?.store ?? e.store, geocoder: loadGeography(), link: linkBatch,
  monitor: mon.monitor, stream, prefix, maxBatch: batch, ack: ackArg, ...(pullMs === '' ? {} : { pullIntervalMs: Number(pullMs) }),
  ...(ackBehind && mon.writeBehind !== undefined ? { commitGroup: mon.writeBehind.group.bind(mon.writeBehind), maxAckPending: ackPending } : {}),
  onBatch: (b) => {
    stored += b.counts.stored; batches++;
    timing.lastBatchAt = Date.now();
    if (timing.firstBatchAt === 0) timing.firstBatchAt = Date.now();
  },
});
const cpu0 = process.cpuUsage(), faults0 = process.resourceUsage().minorPageFault;
gc.since = Date.now();
const threads0 = cpuByThread();
const nats0 = natsServerCpuSeconds();
t0 = Date.now();
const walSize = () => { try { return statSync(walFile).size; } catch { return 0; } };
let lastWal = walSize();
const checkpoints: string[] = [];
const walTick = setInterval(() => {
  const w = walSize();
  if (w < lastWal) checkpoints.push(`${Math.round((Date.now() - t0) / 100) / 10} s (WAL ${Math.round(lastWal / 1e6)} MB)`);
  lastWal = w;
}, 250);
tickStart = Date.now();
loopSecond.enable();
const tick = setInterval(() => { storedPerSecond.push(stored); loopBySecond.push(Math.round(loopSecond.max / 1e6)); loopSecond.reset(); }, 1000);
const outFile = join(dir, 'client.json');
const child = spawn(process.execPath, ['--import', 'tsx', here('./client.ts'), '--port', String(port), '--token', token, '--rate', String(rate), '--seconds', String(seconds), '--stream', stream, '--prefix', prefix, '--out', outFile, '--publish', publishMode], { stdio: ['ignore', 'inherit', 'inherit'] });
const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
// everything published must be consumed before the counts are compared
const jsmDrain = await jetstreamManager(nc);
for (const tStart = Date.now(); Date.now() - tStart < 1_200_000;) {
  // a loaded machine can delay the answer past the request timeout: ask again
  const i = await jsmDrain.consumers.info(stream, 'ingest-bench').catch(() => undefined);
  if (i !== undefined && i.num_pending + i.num_ack_pending === 0) break;
  await new Promise((r) => setTimeout(r, 500));
}
clearInterval(tick);
clearInterval(walTick);
const wall = (Date.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0), faults = process.resourceUsage().minorPageFault - faults0;
const threads1 = cpuByThread();
const cpuSecondsByThread = Object.fromEntries(Object.entries(threads1).map(([k, v]) => [k, Math.round((v - (threads0[k] ?? 0)) * 100) / 100]).filter(([, v]) => (v as number) > 0.05));
const nats1 = natsServerCpuSeconds();
const summary = await consumer.stop();
// everything journaled is in DuckDB before it is counted
await mon.writeBehind?.idle();
const client = JSON.parse(readFileSync(outFile, 'utf8')) as { cpuSeconds: number; published: number; publishSeconds: number; publishRate: number; alertEvents: number; alertsMatched: number; deliverySeconds: number; latencyMs: Record<string, number>; latencyMsAfterFirst5s: Record<string, number>; alertEventsPerSecond: number[]; latencyP99MsBySecond: number[]; latencyMaxMsBySecond: number[] };
const conn = await duckdbInstanceOf(e.store).connect();
const [row] = (await conn.runAndReadAll("SELECT count(*)::INTEGER AS n, count(DISTINCT source_id)::INTEGER AS d FROM reports WHERE agency = 'bench'")).getRowObjectsJS();
conn.closeSync();
const perSec = storedPerSecond.map((n, i) => n - (storedPerSecond[i - 1] ?? 0));
const result = {
  rate, seconds, batch, rules, publishMode, ack: { mode: consumer.ack, pullMs: pullMs === '' ? 'consume' : Number(pullMs), pullRequests: consumer.counters.pullRequests, acksSent: consumer.counters.acks, messages: consumer.counters.acked, redeliveriesDropped: consumer.counters.redeliveriesDropped, resyncs: consumer.counters.resyncs }, gcFlags: process.execArgv.filter((a) => !a.includes('tsx') && a !== '--import' && a !== '--require').join(' ') + (process.env['NODE_OPTIONS'] === undefined ? '' : ` NODE_OPTIONS=${process.env['NODE_OPTIONS']}`), rowWorker: e.store.rowEncoderStats ?? 'off', writeBehind: mon.writeBehind === undefined ? 'off' : { mode: mon.writeBehind.mode, ...mon.writeBehind.counters, journal: mon.writeBehind.journalStats }, checkpointThreshold: checkpoint === '' ? 'default' : checkpoint, checkpointThreads: checkpointThreads === '' ? 'unchanged' : Number(checkpointThreads), maxAckPending: ackPending, maxPendingEvents, childExit: code, loadAverage1m: { before: load0, after: loadavg()[0] },
  published: client.published, publishRate: Math.round(client.publishRate), rowsRead: summary.rowsRead, stored: summary.stored, duplicates: summary.duplicates, quarantined: summary.quarantined,
  reportsInStore: row?.['n'], distinctSourceIds: row?.['d'], batches,
  // from the first batch written to the last: the rate the server sustained
  storedPerSecondSustained: Math.round(summary.stored / Math.max(1e-3, (timing.lastBatchAt - timing.firstBatchAt) / 1000)),
  timing: { ...timing, firstBatchAt: undefined, lastBatchAt: undefined, batchSpanSeconds: (timing.lastBatchAt - timing.firstBatchAt) / 1000 },
  wallSeconds: wall, serverCpuSeconds: (cpu.user + cpu.system) / 1e6, cpuSecondsByThread,
  serverCpuUsPerEvent: Math.round((cpu.user + cpu.system) / Math.max(1, summary.stored) * 10) / 10,
  // kernel time, and pages the kernel mapped in and zeroed (all threads); DUCKDB_JE_MALLOC_CONF as the process had it (src/cli/memory-defaults.ts)
  serverSystemCpuUsPerEvent: Math.round(cpu.system / Math.max(1, summary.stored) * 10) / 10, minorFaultsPerEvent: Math.round(faults / Math.max(1, summary.stored) * 100) / 100,
  duckdbAllocator: process.env['DUCKDB_JE_MALLOC_CONF'], rssMB: { end: Math.round(process.memoryUsage.rss() / 1e6), peak: Math.round(process.resourceUsage().maxRSS / 1e3) },
  clientCpuSeconds: client.cpuSeconds, natsServerCpuSeconds: nats0 === undefined || nats1 === undefined ? undefined : Math.round((nats1 - nats0) * 100) / 100,
  alertEvents: client.alertEvents, alertsMatched: client.alertsMatched, latencyMs: client.latencyMs, latencyMsAfterFirst5s: client.latencyMsAfterFirst5s, monitor: mon.monitor.counters,
  storedPerSecond: perSec.join(' '), alertEventsPerSecond: client.alertEventsPerSecond.join(' '),
  checkpointsSeen: checkpoints.join('; '),
  appenderFlushes: Object.fromEntries([...flushMs].map(([k, f]) => [k, { n: f.n, totalMs: Math.round(f.ms), maxMs: Math.round(f.max) }])),
  slowestCalls: slowest.sort((a, b) => b.ms - a.ms).slice(0, 12).map((x) => `${x.what} ${x.ms} ms at ${x.endedAtS} s`).join('; '),
  eventLoopDelayMs: { p99: Math.round(loopDelay.percentile(99) / 1e6), max: Math.round(loopDelay.max / 1e6) },
  gcPauses: { n: gc.n, totalMs: Math.round(gc.totalMs), maxMs: Math.round(gc.maxMs), maxEndedAtS: gc.maxEndedAtS, byKind: Object.fromEntries(Object.entries(gc.byKind).map(([k, v]) => [k, { n: v.n, totalMs: Math.round(v.totalMs), maxMs: Math.round(v.maxMs) }])) },
  // by second of the run (the clock of storedPerSecond): main-thread GC pause ms, and the event loop's longest delay (ms)
  gcMsBySecond: Array.from(gc.msBySecond, (v) => Math.round(v ?? 0)).join(' '), eventLoopDelayMaxMsBySecond: loopBySecond.join(' '),
  latencyP99MsBySecond: client.latencyP99MsBySecond.join(' '), latencyMaxMsBySecond: client.latencyMaxMsBySecond.join(' '),
};
console.log(JSON.stringify(result, null, 2));
await app.close();
await mon.close();
await (await jetstreamManager(nc)).streams.delete(stream).catch(() => undefined);
await nc.close();
await e.close();
rmSync(dir, { recursive: true, force: true });
