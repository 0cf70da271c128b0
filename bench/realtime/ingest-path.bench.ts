/**
 * bench/realtime/ingest-path: the live path's share before the store and the monitor, alone: the
 * same records as path.bench.ts (the synthetic FC feed through bench-mapping.json, copies one after
 * another in time), each batch run through the mapping adapter (`toReport`: mapping, date parsing,
 * geocoding, H3, the report check) and then `linkBatch` against the incidents of the batches before
 * it within the link window (the candidates the pipeline would hold), as `IngestSession` does. No
 * store, no DuckDB, no NATS: CPU per event of this part, and what it allocates.
 *
 *   npx tsx bench/realtime/ingest-path.bench.ts [--events 60000] [--batch 1000] [--rounds 3] [--alloc-profile out.heapprofile] [--profile out.cpuprofile]
 *
 * Prints, per round, CPU us per event (process.cpuUsage: all threads, GC helpers included) of the
 * adapter and of linking, and the main thread's GC pauses; the first round is a warm-up.
 * --alloc-profile / --profile: a sampling heap profile / a V8 CPU profile of the last round alone
 * (not the feed's generation nor the geography's loading); that round's figures are then not a measurement.
 */
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { PerformanceObserver } from 'node:perf_hooks';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_LINK_RULES, linkBatch, linkCandidateOf, type LinkCandidate, type Report } from '@baseerat/engine';
import { benchFeed } from './bench-feed.js';
import type { Row } from '../../packages/server/src/ingest/adapter.js';
import { loadMappingFile } from '../../packages/server/src/ingest/mapping.js';
import { loadGeography } from '../../packages/server/src/reference/geography.js';

const arg = (name: string, dflt: string) => { const i = process.argv.indexOf(`--${name}`); return i >= 0 ? process.argv[i + 1] ?? dflt : dflt; };
const events = Number(arg('events', '60000')), batch = Number(arg('batch', '1000')), rounds = Number(arg('rounds', '3'));
const allocFile = arg('alloc-profile', ''), profileFile = arg('profile', '');
const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));

const dir = mkdtempSync(join(tmpdir(), 'baseerat-ingestpath-'));
const record = benchFeed(join(dir, 'feed'));
rmSync(dir, { recursive: true, force: true });
const rows: Array<{ row: Record<string, unknown>; raw: string }> = [];
for (let i = 0; i < events; i++) {
  const row = record(i);
  rows.push({ row, raw: JSON.stringify(row) });
}
const adapter = await loadMappingFile(here('./bench-mapping.json'));
const ctx = { geocoder: loadGeography(), agency: 'bench', receivedAt: '2026-11-27T00:00:00.000Z', classification: 'RESTRICTED' as const, reportingMode: 'unknown' as const };
const rules = DEFAULT_LINK_RULES;
const windowMs = (rules.maxHours + 24) * 3_600_000;

const gc = { ms: 0, n: 0 };
new PerformanceObserver((l) => { for (const en of l.getEntries()) { gc.ms += en.duration; gc.n++; } }).observe({ entryTypes: ['gc'] });
const cpu = () => { const c = process.cpuUsage(); return c.user + c.system; };

async function round(k: number) {
  gc.ms = 0; gc.n = 0;
  let adapterUs = 0, linkUs = 0, incidents = 0, attached = 0, failed = 0;
  let cands: LinkCandidate[] = [];
  for (let i = 0; i < rows.length; i += batch) {
    const c0 = cpu();
    const reports: Report[] = [];
    for (let j = i; j < Math.min(rows.length, i + batch); j++) {
      const r = adapter.toReport(rows[j]!.row as Row, rows[j]!.raw, j + 1, ctx);
      if (r.ok) reports.push(r.value); else failed++;
    }
    const c1 = cpu();
    let lo = Infinity;
    for (const r of reports) lo = Math.min(lo, Date.parse(r.occurredAt));
    cands = cands.filter((c) => c.time >= lo - windowMs);
    const plan = linkBatch(reports, cands, rules);
    for (const n of plan.newIncidents) cands.push(linkCandidateOf(n.id, n.reports));
    const c2 = cpu();
    adapterUs += c1 - c0; linkUs += c2 - c1;
    incidents += plan.newIncidents.length; attached += plan.attachments.length;
  }
  await new Promise((r) => setImmediate(r));
  return { round: k, adapterUsPerEvent: +(adapterUs / rows.length).toFixed(2), linkUsPerEvent: +(linkUs / rows.length).toFixed(2), gcPauseUsPerEvent: +(gc.ms * 1000 / rows.length).toFixed(2), gcPauses: gc.n, incidents, attached, failed };
}
const load0 = loadavg()[0];
const out = [];
for (let k = 0; k < rounds; k++) {
  const session = allocFile !== '' && k === rounds - 1 ? new Session() : undefined;
  if (session !== undefined) {
    session.connect();
    await session.post('HeapProfiler.enable');
    await session.post('HeapProfiler.startSampling', { samplingInterval: 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  }
  const cpuSession = profileFile !== '' && k === rounds - 1 ? new Session() : undefined;
  if (cpuSession !== undefined) {
    cpuSession.connect();
    await cpuSession.post('Profiler.enable');
    await cpuSession.post('Profiler.setSamplingInterval', { interval: 200 });
    await cpuSession.post('Profiler.start');
  }
  out.push(await round(k));
  if (session !== undefined) { writeFileSync(allocFile, JSON.stringify((await session.post('HeapProfiler.stopSampling')).profile)); session.disconnect(); }
  if (cpuSession !== undefined) { writeFileSync(profileFile, JSON.stringify((await cpuSession.post('Profiler.stop')).profile)); cpuSession.disconnect(); }
}
console.log(JSON.stringify({ events, batch, loadAverage1m: { before: load0, after: loadavg()[0] }, rounds: out }));
