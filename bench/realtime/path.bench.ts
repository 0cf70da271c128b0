/**
 * bench/realtime/path: the server's share of the live path without NATS, for quick profiling
 * between full runs of realtime.bench.ts. The same records as the full bench (the synthetic FC
 * feed, copies one after another in time) are pushed in batches through the live ingestor (adapter,
 * linking) -> the DuckDB file store (encrypted columns, as `serve` opens it) -> the live monitor ->
 * the alert repository -> the SSE hub, with one listener that takes each event's JSON (as an SSE
 * stream does). Prints CPU per event (process.cpuUsage: all threads, DuckDB's included) and the
 * wall time of each stage, for a warm-up run and a measured run.
 *
 *   npx tsx bench/realtime/path.bench.ts [--events 60000] [--batch 1000] [--rules all|example] [--checkpoint-threshold 16MB] [--debounce 1000] [--profile out.cpuprofile] [--alloc-profile out.heapprofile] [--progress-interval 0]
 *
 * --profile: a V8 CPU profile of the measured run alone (node:inspector; the warm-up, the feed's
 * generation and the final checkpoint are not in it), written as a .cpuprofile (Chrome DevTools'
 * Performance panel, or any reader of that JSON: nodes, samples, timeDeltas). Profiling adds CPU: the
 * run's cpuUsPerEvent is then not a measurement. --alloc-profile: a sampling heap profile of the
 * measured run (what allocates, the garbage collector's work), written as a .heapprofile.
 * --progress-interval: the live ingestor's `progressIntervalMs` (default 0: the run is recorded again
 * at every push that reaches a new Pakistan day, which in this replay is nearly every push);
 * `recordRun` prints those records' count and wall time.
 * Also printed: kernel CPU and minor page faults per event (fresh pages the kernel zeroed), and the
 * process's resident memory; on stderr, when the measured run starts and ends (with the pid), for
 * `perf record -p` or `strace -p` attached to that run alone.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { PerformanceObserver, constants as perfConstants } from 'node:perf_hooks';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CATEGORY_CODES, linkBatch } from '@baseerat/engine';
import { openEmbedded } from '../../packages/server/src/api/embedded.js';
import { benchFeed } from './bench-feed.js';
import { createLiveIngestor } from '../../packages/server/src/ingest/pipeline.js';
import { loadMappingFile } from '../../packages/server/src/ingest/mapping.js';
import { alertEventJson } from '../../packages/server/src/monitor/alert-hub.js';
import { openEmbeddedMonitor } from '../../packages/server/src/monitor/embedded-monitor.js';
import { monitoredStore } from '../../packages/server/src/monitor/monitored-store.js';
import { loadGeography } from '../../packages/server/src/reference/geography.js';

const arg = (name: string, dflt: string) => { const i = process.argv.indexOf(`--${name}`); return i >= 0 ? process.argv[i + 1] ?? dflt : dflt; };
const events = Number(arg('events', '60000')), batch = Number(arg('batch', '1000')), rules = arg('rules', 'all');
const progressIntervalMs = Number(arg('progress-interval', '0'));
/** DuckDB's checkpoint_threshold (WAL size that triggers a checkpoint at commit); default DuckDB's own (16MB). */
const checkpoint = arg('checkpoint-threshold', '');
const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));

const dir = mkdtempSync(join(tmpdir(), 'baseerat-rtpath-'));
const record = benchFeed(join(dir, 'feed'));
/** Message texts, as they arrive from NATS (the consumer parses each). */
const texts: string[] = [];
for (let i = 0; i < 2 * events; i++) texts.push(JSON.stringify(record(i)));

const e = await openEmbedded(join(dir, 'store.duckdb'), randomBytes(32), new Date(), checkpoint === '' ? {} : { duckdb: { checkpoint_threshold: checkpoint } });
let rulesFile: string | undefined, zonesFile: string | undefined;
if (rules === 'all') {
  rulesFile = join(dir, 'rules.json'); zonesFile = join(dir, 'zones.json');
  writeFileSync(rulesFile, JSON.stringify([{ kind: 'category', id: 'any-event', severity: 'low', categories: [...CATEGORY_CODES] }]));
  writeFileSync(zonesFile, JSON.stringify({ type: 'FeatureCollection', features: [] }));
}
/** Re-triggers written and published at most once per this many ms (default the live wiring's, DEFAULT_RETRIGGER_DEBOUNCE_MS; 0: with their batch, as before 2026-11-27 08:40 UTC). */
const debounceArg = arg('debounce', '');
const mon = await openEmbeddedMonitor({ store: e.store, rules: rulesFile, zones: zonesFile, skipWarmUp: true, ...(debounceArg === '' ? {} : { retriggerDebounceMs: Number(debounceArg) }) });
let sseBytes = 0;
mon.hub.subscribe({ accepts: () => true, deliver: (ev) => { sseBytes += alertEventJson(ev).length; } });
const t = { writeBatchMs: 0, upsertMs: 0, observeMs: 0, recordRunMs: 0, recordRuns: 0 };
const timed = <A extends unknown[], R>(f: (...a: A) => Promise<R>, add: (ms: number) => void) => async (...a: A): Promise<R> => { const t0 = performance.now(); try { return await f(...a); } finally { add(performance.now() - t0); } };
e.store.writeBatch = timed(e.store.writeBatch.bind(e.store), (ms) => { t.writeBatchMs += ms; });
mon.repository.upsert = timed(mon.repository.upsert.bind(mon.repository), (ms) => { t.upsertMs += ms; });
mon.monitor.observe = timed(mon.monitor.observe.bind(mon.monitor), (ms) => { t.observeMs += ms; });
// the run's progress records (feed coverage: a new Pakistan day of the run's range), part of `rest`
e.store.recordRun = timed(e.store.recordRun.bind(e.store), (ms) => { t.recordRunMs += ms; t.recordRuns++; });
const ingestor = createLiveIngestor({
  adapter: await loadMappingFile(here('./bench-mapping.json')), agency: 'bench', store: monitoredStore(e.store, mon.monitor), geocoder: loadGeography(), link: linkBatch,
  receivedAt: new Date().toISOString(), origin: 'nats:bench', batchSize: batch + 1, progressIntervalMs,
});

/** Garbage-collection pauses of the main thread (ms, count) by kind, for the run in progress. */
const gc = { minorMs: 0, minor: 0, majorMs: 0, major: 0 };
new PerformanceObserver((list) => {
  for (const en of list.getEntries()) {
    const kind = (en as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
    if (kind === perfConstants.NODE_PERFORMANCE_GC_MINOR) { gc.minorMs += en.duration; gc.minor++; } else { gc.majorMs += en.duration; gc.major++; }
  }
}).observe({ entryTypes: ['gc'] });

async function run(from: number, to: number) {
  t.writeBatchMs = 0; t.upsertMs = 0; t.observeMs = 0; t.recordRunMs = 0; t.recordRuns = 0;
  gc.minorMs = 0; gc.minor = 0; gc.majorMs = 0; gc.major = 0;
  const cpu0 = process.cpuUsage(), w0 = performance.now(), faults0 = process.resourceUsage().minorPageFault;
  let stored = 0;
  for (let i = from; i < to; i += batch) {
    const c = await ingestor.push(texts.slice(i, Math.min(to, i + batch)).map((s) => JSON.parse(s) as unknown));
    stored = c.stored;
  }
  // debounced re-triggers still waiting are written and published inside the measured span
  await mon.monitor.idle();
  const cpu = process.cpuUsage(cpu0), wall = performance.now() - w0, n = to - from;
  // pages the kernel mapped in and zeroed for the process, all threads: V8's new heap pages, pages DuckDB's allocator (jemalloc) gave back and takes again
  const minorFaults = process.resourceUsage().minorPageFault - faults0;
  // the observer hears of the last pauses on a later turn of the event loop
  await new Promise((r) => setImmediate(r));
  return {
    events: n, storedSoFar: stored, wallMs: Math.round(wall), cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    cpuUsPerEvent: Math.round((cpu.user + cpu.system) / n * 10) / 10, systemCpuUsPerEvent: Math.round(cpu.system / n * 10) / 10,
    minorFaultsPerEvent: Math.round(minorFaults / n * 100) / 100,
    gcUsPerEvent: { minor: Math.round(gc.minorMs / n * 10000) / 10, major: Math.round(gc.majorMs / n * 10000) / 10, pauses: gc.minor + gc.major },
    stagesUsPerEvent: { writeBatch: Math.round(t.writeBatchMs / n * 1000), observe: Math.round(t.observeMs / n * 1000), ofWhichUpsert: Math.round(t.upsertMs / n * 1000), rest: Math.round((wall - t.writeBatchMs - t.observeMs) / n * 1000) },
    recordRun: { calls: t.recordRuns, wallUsPerEvent: Math.round(t.recordRunMs / n * 10000) / 10 },
  };
}
const load0 = loadavg()[0];
const warm = await run(0, events);
const profileFile = arg('profile', '');
const allocFile = arg('alloc-profile', '');
const session = profileFile === '' && allocFile === '' ? undefined : new Session();
session?.connect();
if (session !== undefined && profileFile !== '') {
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
}
if (session !== undefined && allocFile !== '') {
  await session.post('HeapProfiler.enable');
  await session.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
}
// on stderr, for tools attached from outside (perf record -p, strace -p): the measured run starts now
console.error(`path.bench: measured run starts (pid ${process.pid})`);
const measured = await run(events, 2 * events);
console.error('path.bench: measured run ends');
if (session !== undefined && profileFile !== '') writeFileSync(profileFile, JSON.stringify((await session.post('Profiler.stop')).profile));
if (session !== undefined && allocFile !== '') writeFileSync(allocFile, JSON.stringify((await session.post('HeapProfiler.stopSampling')).profile));
session?.disconnect();
// What the measured run left in the write-ahead log is checkpointed some time later: its cost, so
// that a larger checkpoint_threshold is not mistaken for work saved.
const walBytes = existsSync(join(dir, 'store.duckdb.wal')) ? statSync(join(dir, 'store.duckdb.wal')).size : 0;
const cpuC = process.cpuUsage(), wC = performance.now();
const cc = await e.store.duckdbInstance.connect();
await cc.run('CHECKPOINT');
cc.closeSync();
const finalCheckpoint = { walBytes, wallMs: Math.round(performance.now() - wC), cpuUsPerMeasuredEvent: Math.round(((c) => c.user + c.system)(process.cpuUsage(cpuC)) / events * 10) / 10 };
console.log(JSON.stringify({ events, batch, rules, checkpoint, progressIntervalMs, loadAverage1m: { before: load0, after: loadavg()[0] }, warm, measured, finalCheckpoint, monitor: mon.monitor.counters, sseBytes, rssMB: { now: Math.round(process.memoryUsage.rss() / 1e6), peak: Math.round(process.resourceUsage().maxRSS / 1e3) } }, null, 2));
await ingestor.close();
await mon.close();
await e.close();
rmSync(dir, { recursive: true, force: true });
