/**
 * bench/store/live-write: the DuckDB store's `writeBatch` on the live path's batches alone. The
 * path bench's records (the synthetic FC feed, copies one after another in time) go once through the
 * live ingestor (adapter, linking) into a store while their batches are recorded; then those same
 * batches are written, round after round, into fresh encrypted stores (`openEmbedded`, as `serve`
 * opens it: field encryption, side file), and the parts of the write that are JavaScript are timed on
 * their own (rows: canonical report, incident row, report row with encryption; side-file payload).
 * CPU is process.cpuUsage (all threads, DuckDB's included); the machine is shared, so compare
 * alternately and take the median.
 *
 *   npx tsx bench/store/live-write.bench.ts [--events 30000] [--rounds 3]
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewIncident } from '@baseerat/engine';
import { openEmbedded } from '../../packages/server/src/api/embedded.js';
import { benchFeed } from '../realtime/bench-feed.js';
import { captureLiveBatches } from './live-batches.js';
import { STORE_DATASET } from '../../packages/server/src/security/store-keys.js';
import { detailPayload, selectedIncidentRow, sortSources, storedSourceOfReportRow } from '../../packages/server/src/store/duckdb/detail-record.js';
import { RECORD_LAYOUT, canonicalReport, lastTsValue, reportRow, singleReportIncidentRow } from '../../packages/server/src/store/duckdb/rows.js';

const arg = (name: string, dflt: string) => { const i = process.argv.indexOf(`--${name}`); return i >= 0 ? process.argv[i + 1] ?? dflt : dflt; };
const events = Number(arg('events', '30000')), rounds = Number(arg('rounds', '3'));
const dir = mkdtempSync(join(tmpdir(), 'baseerat-live-write-'));
const record = benchFeed(join(dir, 'feed'));
const texts: string[] = [];
for (let i = 0; i < events; i++) texts.push(JSON.stringify(record(i)));

// the live path's batches, recorded as the ingestor hands them to the store
const { batches, embedded: captured } = await captureLiveBatches(join(dir, 'capture.duckdb'), events, (i) => JSON.parse(texts[i]!) as unknown);
await captured.close();
const incidents: NewIncident[] = batches.flatMap((b) => b.newIncidents);
const single = incidents.filter((n) => n.reports.length === 1 && n.links.length === 0).length;
const cpu = () => { const c = process.cpuUsage(); return c.user + c.system; };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const out = { events, batches: batches.length, incidents: incidents.length, singleReportIncidents: single, load1mBefore: loadavg()[0], writeBatch: [] as { cpuUsPerEvent: number; wallUsPerEvent: number }[], rowsUsPerIncident: [] as number[], payloadUsPerIncident: [] as number[] };

for (let r = 0; r < rounds; r++) {
  const e = await openEmbedded(join(dir, `round${r}.duckdb`), randomBytes(32), new Date());
  const c0 = cpu(), w0 = performance.now();
  for (const b of batches) await e.store.writeBatch(b);
  out.writeBatch.push({ cpuUsPerEvent: Math.round((cpu() - c0) / events * 10) / 10, wallUsPerEvent: Math.round((performance.now() - w0) / events * 1000 * 10) / 10 });
  // the JavaScript parts, with the store's cipher (the live path's incidents: one report, no link)
  const codec = await e.security.cipherFor(STORE_DATASET, new Date());
  const ts = lastTsValue();
  const made: { inc: unknown[]; rep: unknown[] }[] = [];
  let c = cpu();
  for (const n of incidents) {
    const rep = canonicalReport(n.reports[0]!);
    const inc = singleReportIncidentRow(n.id, rep, codec, true);
    inc.push(1n, 1n, 1n);
    made.push({ inc, rep: reportRow(1, n.id, rep, codec, ts, RECORD_LAYOUT) });
  }
  out.rowsUsPerIncident.push(Math.round((cpu() - c) / incidents.length * 100) / 100);
  c = cpu();
  let bytes = 0;
  for (const { inc, rep } of made) bytes += detailPayload(selectedIncidentRow(inc as never), sortSources([{ seq: 1, source: storedSourceOfReportRow(rep as never) }])).length;
  out.payloadUsPerIncident.push(Math.round((cpu() - c) / incidents.length * 100) / 100);
  if (bytes === 0) throw new Error('no payload');
  await e.close();
}
console.log(JSON.stringify({ ...out, median: { writeBatchCpuUsPerEvent: median(out.writeBatch.map((w) => w.cpuUsPerEvent)), rowsUsPerIncident: median(out.rowsUsPerIncident), payloadUsPerIncident: median(out.payloadUsPerIncident) }, load1mAfter: loadavg()[0] }));
rmSync(dir, { recursive: true, force: true });
