/**
 * bench/realtime/alert-path: the alert path alone, from a written batch's new incidents to the SSE
 * event's JSON: `labelledNewIncident` -> LiveMonitor.observe (rules, alert lifecycle) ->
 * DuckDBAlertRepository.upsert (a DuckDB file of its own) -> AlertHub.publish -> one listener that
 * takes each event's JSON (`alertEventJson`, as an SSE stream does). The incidents are those of
 * bench/realtime/path.bench.ts (the synthetic FC feed, copies one after another in time), ingested
 * and linked once into a DuckDB store as set-up; the new incidents of each written batch (batches of
 * 1,000) are kept and observed again by a fresh monitor, repository and hub in each round.
 *
 *   npx tsx bench/realtime/alert-path.bench.ts [--events 30000] [--rounds 3] [--rules all|example] [--debounce 0] [--repeat 1] [--digest] [--input batches.json] [--profile out.cpuprofile] [--alloc-profile out.heapprofile]
 *
 * Prints process CPU per event (user + system, all threads: DuckDB's included), the main thread's
 * CPU per event (Linux: /proc/self/task/<pid>/stat, 10 ms ticks; the JavaScript and the synchronous
 * DuckDB calls, not DuckDB's or the garbage collector's helper threads) and wall time per event of
 * each round after a warm-up round, with their medians, and the main thread's garbage-collection pauses per event. The clock is deterministic (the
 * arrival time of batch k is 2026-01-01 + k seconds), so two runs on the same code store the same
 * alerts and send the same events: `--digest` prints the SHA-256 of every `mon_alerts` row (ordered
 * by id, all columns) and of the SSE events' JSON in the order sent (seq, JSON), to compare the
 * stored rows and the bytes sent before and after a change. --profile / --alloc-profile: a V8 CPU
 * profile / sampling heap profile of the last round. --input: the new incidents of the batches are
 * read from this JSON file if it exists, else made (ingest and linking) and written to it: the
 * monitor's input stays the same when the ingest or linking code changes between two runs.
 * --repeat N: each round observes the batches N times, copy k's incident ids suffixed `#k` (new
 * incidents, so new alerts): the monitor then holds N times as many alerts in its book, as in a
 * live run of N times the length (default 1: the rows and bytes `--digest` compares).
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadavg, tmpdir } from 'node:os';
import { PerformanceObserver } from 'node:perf_hooks';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CATEGORY_CODES, linkBatch, type NewIncident, type RuleSet } from '@baseerat/engine';
import { DuckDBInstance } from '@duckdb/node-api';
import { openEmbedded } from '../../packages/server/src/api/embedded.js';
import { benchFeed } from './bench-feed.js';
import { createLiveIngestor } from '../../packages/server/src/ingest/pipeline.js';
import { loadMappingFile } from '../../packages/server/src/ingest/mapping.js';
import { AlertHub, alertEventJson } from '../../packages/server/src/monitor/alert-hub.js';
import { DuckDBAlertRepository } from '../../packages/server/src/monitor/duckdb-alert-repository.js';
import { labelledNewIncident, LiveMonitor } from '../../packages/server/src/monitor/live-monitor.js';
import { loadRuleSet, ruleSetFrom } from '../../packages/server/src/monitor/rule-config.js';
import type { Store } from '../../packages/server/src/store/port.js';
import { loadGeography } from '../../packages/server/src/reference/geography.js';

const arg = (name: string, dflt: string) => { const i = process.argv.indexOf(`--${name}`); return i >= 0 ? process.argv[i + 1] ?? dflt : dflt; };
const events = Number(arg('events', '30000')), rounds = Number(arg('rounds', '3')), rules = arg('rules', 'all'), debounce = Number(arg('debounce', '0'));
const digest = process.argv.includes('--digest');
const repeat = Number(arg('repeat', '1'));
const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));

const dir = mkdtempSync(join(tmpdir(), 'baseerat-alertpath-'));
const input = arg('input', '');
const batches: NewIncident[][] = input !== '' && existsSync(input) ? JSON.parse(readFileSync(input, 'utf8')) as NewIncident[][] : await ingested();
if (input !== '' && !existsSync(input)) writeFileSync(input, JSON.stringify(batches));

/** The new incidents of each batch written by the live ingestor (the path bench's records). */
async function ingested(): Promise<NewIncident[][]> {
  const record = benchFeed(join(dir, 'feed'));
  const records: unknown[] = [];
  for (let i = 0; i < events; i++) records.push(record(i));
  const e = await openEmbedded(join(dir, 'store.duckdb'), randomBytes(32), new Date());
  const batches: NewIncident[][] = [];
  const capture = new Proxy(e.store, {
    get(target, prop, receiver) {
      if (prop === 'writeBatch') return async (b: Parameters<Store['writeBatch']>[0]) => { const w = await target.writeBatch(b); if (b.newIncidents.length > 0) batches.push(b.newIncidents); return w; };
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  const ingestor = createLiveIngestor({
    adapter: await loadMappingFile(here('./bench-mapping.json')), agency: 'bench', store: capture, geocoder: loadGeography(), link: linkBatch,
    receivedAt: '2026-01-01T00:00:00.000Z', origin: 'nats:bench', batchSize: 1001,
  });
  for (let i = 0; i < events; i += 1000) await ingestor.push(records.slice(i, i + 1000));
  await ingestor.close();
  await e.close();
  return batches;
}
const observed = repeat * batches.reduce((s, b) => s + b.length, 0);
/** Copy k of a batch (--repeat): the same incidents under new ids. */
const copyOf = (b: NewIncident[], k: number): NewIncident[] => (k === 0 ? b : b.map((n) => ({ ...n, id: `${n.id}#${k}` })));

const ruleSet: RuleSet = rules === 'all'
  ? ruleSetFrom([{ kind: 'category', id: 'any-event', severity: 'low', categories: [...CATEGORY_CODES] }], { type: 'FeatureCollection', features: [] })
  : loadRuleSet({});

/** The main thread's CPU time in microseconds (utime + stime of the thread whose id is the pid), or NaN off Linux. */
function mainThreadCpuUs(): number {
  try {
    const f = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) * 10_000;
  } catch { return NaN; }
}

/** The main thread's garbage-collection pauses (ms) so far. */
let gcPauseMs = 0;
new PerformanceObserver((list) => { for (const e of list.getEntries()) gcPauseMs += e.duration; }).observe({ entryTypes: ['gc'] });

let roundNo = 0;
async function round(last: boolean) {
  const file = join(dir, `alerts-${roundNo++}.duckdb`);
  const instance = await DuckDBInstance.create(file);
  let tick = 0;
  const T0 = Date.parse('2026-01-01T00:00:00.000Z');
  const now = () => new Date(T0 + 1000 * tick++);
  const repository = await DuckDBAlertRepository.open(instance, now);
  const hub = new AlertHub();
  const sse = createHash('sha256');
  let sseBytes = 0, sent = 0;
  hub.subscribe({ accepts: () => true, deliver: (ev) => { const s = alertEventJson(ev); sseBytes += s.length; sent++; if (digest) sse.update(`${ev.seq}\n${s}\n`); } });
  const monitor = new LiveMonitor({ ruleSet, repository, hub, clock: 'arrival', now, retriggerDebounceMs: debounce });
  const session = last && (arg('profile', '') !== '' || arg('alloc-profile', '') !== '') ? new Session() : undefined;
  if (session !== undefined) {
    session.connect();
    if (arg('profile', '') !== '') { await session.post('Profiler.enable'); await session.post('Profiler.setSamplingInterval', { interval: 200 }); await session.post('Profiler.start'); }
    if (arg('alloc-profile', '') !== '') {
      await session.post('HeapProfiler.enable');
      await session.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    }
  }
  const c0 = process.cpuUsage(), w0 = performance.now(), m0 = mainThreadCpuUs(), g0 = gcPauseMs;
  for (let k = 0; k < repeat; k++) for (const b of batches) await monitor.observe(copyOf(b, k).map(labelledNewIncident));
  await monitor.idle();
  const c = process.cpuUsage(c0), wall = performance.now() - w0, main = mainThreadCpuUs() - m0;
  // the observer hears of the last pauses on a later turn of the event loop
  await new Promise((r) => setImmediate(r));
  const gcMs = gcPauseMs - g0;
  if (session !== undefined) {
    if (arg('profile', '') !== '') writeFileSync(arg('profile', ''), JSON.stringify((await session.post('Profiler.stop')).profile));
    if (arg('alloc-profile', '') !== '') writeFileSync(arg('alloc-profile', ''), JSON.stringify((await session.post('HeapProfiler.stopSampling')).profile));
    session.disconnect();
  }
  let rows: string | undefined;
  if (digest) {
    const conn = await instance.connect();
    const h = createHash('sha256');
    let n = 0;
    for (const r of (await conn.runAndReadAll('SELECT * FROM mon_alerts ORDER BY id, updated_at')).getRows()) { h.update(`${JSON.stringify(r)}\n`); n++; }
    conn.closeSync();
    rows = `${n} rows, sha256 ${h.digest('hex')}`;
  }
  repository.close();
  instance.closeSync();
  rmSync(file, { force: true }); rmSync(`${file}.wal`, { force: true });
  return {
    cpuUs: (c.user + c.system) / observed, mainUs: main / observed, wallUs: (wall * 1000) / observed, gcUs: (gcMs * 1000) / observed, candidates: monitor.counters.candidates, opened: monitor.counters.opened,
    retriggerWrites: monitor.counters.retriggerWrites, sent, sseBytes, ...(digest ? { monAlerts: rows, sse: `sha256 ${sse.digest('hex')}` } : {}),
  };
}

const load0 = loadavg()[0];
const t0 = new Date().toISOString();
const warm = await round(false);
const results = [];
for (let r = 0; r < rounds; r++) results.push(await round(r === rounds - 1));
const median = (v: number[]) => v.slice().sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
const r1 = (x: number) => Math.round(x * 10) / 10;
console.log(JSON.stringify({
  started: t0, incidents: observed, batches: batches.length * repeat, rounds, rules, debounce, repeat,
  candidates: warm.candidates, opened: warm.opened, retriggerWrites: warm.retriggerWrites, sent: warm.sent, sseBytes: warm.sseBytes,
  ...(digest ? { monAlerts: results.map((r) => r.monAlerts), sse: results.map((r) => r.sse) } : {}),
  cpuUsPerEvent: results.map((r) => r1(r.cpuUs)), wallUsPerEvent: results.map((r) => r1(r.wallUs)),
  medianCpuUsPerEvent: r1(median(results.map((r) => r.cpuUs))),
  mainThreadCpuUsPerEvent: results.map((r) => r1(r.mainUs)), medianMainThreadCpuUsPerEvent: r1(median(results.map((r) => r.mainUs))), medianWallUsPerEvent: r1(median(results.map((r) => r.wallUs))),
  gcPauseUsPerEvent: results.map((r) => r1(r.gcUs)),
  loadAverage1m: { before: load0, after: loadavg()[0] },
}, null, 1));
rmSync(dir, { recursive: true, force: true });
