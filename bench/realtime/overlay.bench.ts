/**
 * bench/realtime/overlay.bench.ts: the ack-behind overlay's CPU on the live path (issue #6): what
 * `linkCandidates`, `existingSourceKeys` and `writeBatch` of LiveWriteBehind's store cost per live
 * batch while many batches wait for the applier (its store write held, as during a checkpoint or a
 * backlog). The live feed asks for the candidates of a narrow range at its front (the pipeline's
 * extension of its window); the batches waiting lie behind it.
 *
 *   flock /tmp/bench.lock npx tsx bench/realtime/overlay.bench.ts [--waiting 100000] [--batch 130] [--calls 2000] [--module path]
 *
 * --module: another build of write-behind.ts to measure (a copy of an earlier commit's file beside
 * it, for a before/after in the same sitting). Prints microseconds per call and per waiting event.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { NewIncident, Report } from '@baseerat/engine';
import { openEmbedded } from '../../packages/server/src/api/embedded.js';
import { DuckDBAlertRepository, duckdbInstanceOf } from '../../packages/server/src/monitor/duckdb-alert-repository.js';
import type { LiveWriteBehind as WB } from '../../packages/server/src/monitor/write-behind.js';
import type { IngestBatch } from '../../packages/server/src/store/port.js';

const arg = (name: string, dflt: string) => { const i = process.argv.indexOf(`--${name}`); return i >= 0 ? process.argv[i + 1] ?? dflt : dflt; };
const waitingEvents = Number(arg('waiting', '100000')), batchSize = Number(arg('batch', '130')), calls = Number(arg('calls', '2000'));
const modulePath = arg('module', '../../packages/server/src/monitor/write-behind.ts');
const { LiveWriteBehind } = await import(modulePath.startsWith('.') ? new URL(modulePath, import.meta.url).href : pathToFileURL(resolve(modulePath)).href) as { LiveWriteBehind: typeof WB };

const dir = mkdtempSync(join(tmpdir(), 'baseerat-overlay-'));
const e = await openEmbedded(join(dir, 'store.duckdb'), randomBytes(32), new Date());
const repository = await DuckDBAlertRepository.open(duckdbInstanceOf(e.store));
const t0 = Date.parse('2025-01-01T00:00:00.000Z');
// one event every 2 s of event time: the feed moves forward
const report = (i: number): Report => ({
  occurredAt: new Date(t0 + i * 2000).toISOString(), timePrecision: 'exact',
  location: { lat: 30 + (i % 100) / 100, lon: 67, precision: 'exact', district: 'Quetta', province: 'Balochistan' },
  category: 'TI.BOMB', severity: { killed: 0, injured: 0, abducted: 0 }, classification: 'RESTRICTED', reportingMode: 'public', narrative: `n ${i}`,
  source: { agency: 'bench', sourceId: `s${i}`, receivedAt: '2025-01-02T00:00:00.000Z', format: 'test', raw: '{}' },
});
const batchAt = (first: number, n: number): IngestBatch => ({ newIncidents: Array.from({ length: n }, (_, k): NewIncident => ({ id: `inc_${first + k}`, reports: [report(first + k)], links: [] })), attachments: [], quarantine: [] });

const wb = await LiveWriteBehind.open({ store: e.store, checkpoints: e.store, repository, walPath: join(dir, 'store.duckdb.wal'), maxPendingEvents: 10_000_000 });
let release!: () => void;
const held = new Promise<void>((r) => { release = r; });
const write = e.store.writeBatch.bind(e.store);
e.store.writeBatch = async (b) => { await held; return write(b); };
e.store.linkCandidates = async () => [];
let next = 0;
while (next < waitingEvents) { await wb.group(async () => wb.store.writeBatch(batchAt(next, batchSize))); next += batchSize; }
// the live path: per batch, its keys checked, its candidates' range extended at the front, the batch staged
const WINDOW = 3_600_000;
let candTo = t0 + next * 2000 + WINDOW, found = 0;
// made before the clock starts
const live = Array.from({ length: calls }, (_, c) => { const b = batchAt(next + c * batchSize, batchSize); return { b, keys: b.newIncidents.map((n) => `bench:${n.reports[0]!.source.sourceId}`) }; });
const cpu0 = process.cpuUsage(), w0 = performance.now();
for (let c = 0; c < calls; c++) {
  const { b, keys } = live[c]!;
  await wb.store.existingSourceKeys(keys);
  const to = t0 + (next + batchSize) * 2000 + WINDOW;
  found += (await wb.store.linkCandidates(candTo, to)).length;
  candTo = to;
  await wb.group(async () => wb.store.writeBatch(b));
  next += batchSize;
}
const cpu = process.cpuUsage(cpu0), wall = performance.now() - w0;
console.log(JSON.stringify({ module: modulePath, waitingAtStart: waitingEvents, batch: batchSize, calls, candidatesFound: found, usPerLiveBatch: Math.round((cpu.user + cpu.system) / calls), usPerLiveEvent: Math.round((cpu.user + cpu.system) / calls / batchSize * 10) / 10, wallMs: Math.round(wall) }));
release();
await wb.idle();
await wb.close();
repository.close();
await e.close();
rmSync(dir, { recursive: true, force: true });
