/**
 * The live monitor's rule evaluation alone, per event: the incidents of bench/realtime/path.bench.ts
 * (the synthetic FC feed, copies one after another in time, through the live ingestor and linking
 * into a DuckDB store once, as set-up) are observed by a fresh LiveMonitor with the example rules
 * (category, watch zones, near-repeat, EARS C2 spike), an alert repository that keeps nothing and no
 * SSE hub, in batches of 1,000. Prints process CPU (user + system) and wall time per event for each
 * of `--rounds` rounds after one warm-up round, and the median: the monitor is single-threaded and
 * does no IO here, so CPU per event is its own cost, less sensitive to the machine's load than the
 * path bench's figure (which includes the store, DuckDB's threads and the garbage of every stage).
 *
 *   npx tsx bench/detection/live-rules.bench.ts [--events 60000] [--rounds 5]
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { linkBatch } from '@baseerat/engine';
import { openEmbedded } from '../../packages/server/src/api/embedded.js';
import { benchFeed } from '../realtime/bench-feed.js';
import { createLiveIngestor } from '../../packages/server/src/ingest/pipeline.js';
import { loadMappingFile } from '../../packages/server/src/ingest/mapping.js';
import type { AlertRepository } from '../../packages/server/src/monitor/alert-repository.js';
import { LiveMonitor, type LabelledIncident } from '../../packages/server/src/monitor/live-monitor.js';
import { monitoredStore } from '../../packages/server/src/monitor/monitored-store.js';
import { loadRuleSet } from '../../packages/server/src/monitor/rule-config.js';
import { loadGeography } from '../../packages/server/src/reference/geography.js';

const arg = (name: string, dflt: string) => { const i = process.argv.indexOf(`--${name}`); return i >= 0 ? process.argv[i + 1] ?? dflt : dflt; };
const events = Number(arg('events', '60000')), rounds = Number(arg('rounds', '5'));
const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));

// Set-up: the path bench's records (same seed, same 92-day copies), ingested and linked once; the
// monitor's input (the labelled new incidents of each written batch) is kept.
const dir = mkdtempSync(join(tmpdir(), 'baseerat-liverules-'));
const record = benchFeed(join(dir, 'feed'));
const records: unknown[] = [];
for (let i = 0; i < events; i++) records.push(record(i));
const e = await openEmbedded(join(dir, 'store.duckdb'), randomBytes(32), new Date());
const batches: LabelledIncident[][] = [];
const capture = { observe: async (incs: LabelledIncident[]) => { batches.push(incs); return { incidents: incs.length, candidates: 0, opened: 0, retriggered: 0, events: [] }; }, counters: { errors: 0 }, reportError: (x: unknown) => { throw x; } };
const ingestor = createLiveIngestor({
  adapter: await loadMappingFile(here('../realtime/bench-mapping.json')), agency: 'bench', store: monitoredStore(e.store, capture as unknown as LiveMonitor), geocoder: loadGeography(), link: linkBatch,
  receivedAt: new Date().toISOString(), origin: 'nats:bench', batchSize: 1001,
});
for (let i = 0; i < events; i += 1000) await ingestor.push(records.slice(i, i + 1000));
await ingestor.close();
await e.close();
rmSync(dir, { recursive: true, force: true });
const observed = batches.reduce((s, b) => s + b.length, 0);

/** Keeps nothing: the monitor's own work is measured, not a store's. */
const nullRepository = {
  upsert: async () => undefined, get: async () => undefined, latestPerKeySince: async () => [],
} as unknown as AlertRepository;

async function round(): Promise<{ cpuUs: number; wallUs: number; candidates: number; opened: number }> {
  const monitor = new LiveMonitor({ ruleSet: loadRuleSet({}), repository: nullRepository, clock: 'occurrence', retriggerDebounceMs: 0 });
  const c0 = process.cpuUsage(), w0 = performance.now();
  for (const b of batches) await monitor.observe(b);
  const c = process.cpuUsage(c0), wall = performance.now() - w0;
  return { cpuUs: (c.user + c.system) / observed, wallUs: (wall * 1000) / observed, candidates: monitor.counters.candidates, opened: monitor.counters.opened };
}

const load0 = loadavg()[0];
await round(); // warm-up
const results = [];
for (let r = 0; r < rounds; r++) results.push(await round());
const median = (v: number[]) => v.slice().sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
console.log(JSON.stringify({
  incidents: observed, batches: batches.length, rounds, candidates: results[0]!.candidates, opened: results[0]!.opened,
  cpuUsPerEvent: results.map((r) => Math.round(r.cpuUs * 10) / 10), wallUsPerEvent: results.map((r) => Math.round(r.wallUs * 10) / 10),
  medianCpuUsPerEvent: Math.round(median(results.map((r) => r.cpuUs)) * 10) / 10,
  loadAverage1m: { before: load0, after: loadavg()[0] },
}));
