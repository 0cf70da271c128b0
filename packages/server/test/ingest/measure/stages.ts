/**
 * Where the pipeline's time goes (adapter, linker, store calls, the rest), on a generated CSV.
 *   npx tsx packages/server/test/ingest/measure/stages.ts 100000 [--real]
 * --real: DuckDB store (in memory), shipped geography, linkBatch; else fakes and a null store.
 */
import { writeFileSync } from 'node:fs';
import { ingestFile } from '../../../src/ingest/pipeline.js';
import { loadMappingFile } from '../../../src/ingest/mapping.js';
import type { IngestBatch, Store, WriteResult } from '../../../src/store/port.js';
import { FakeGeocoder, trivialLinker } from '../fakes.js';
import { linkBatch } from '@baseerat/engine';
import type { LinkFn } from '../../../src/ingest/pipeline.js';
import { loadGeography } from '../../../src/reference/geography.js';
import { openStore } from '../../../src/store/index.js';

const n = Number(process.argv[2] ?? 100_000);
const path = `/tmp/baseerat-stages-${n}.csv`;
const out = ['ref_no,date,time,lat,lon,place,district,type,killed,injured,abducted,target,claimed_by,details,class,reported'];
for (let i = 0; i < n; i++) {
  const d = new Date(Date.UTC(2020, 0, 1) + i * 60_000);
  out.push(`LV-${i},${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear()},${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')},${(30 + (i % 4999) / 10000).toFixed(4)},${(66.8 + (i % 4993) / 10000).toFixed(4)},,,Blast,1,2,0,Police,,"IED near checkpost, report ${i}",R,`);
}
writeFileSync(path, out.join('\n'));
const t: Record<string, number> = { toReport: 0, link: 0, store: 0 };
const timed = <A extends unknown[], R>(k: string, f: (...a: A) => R) => (...a: A): R => { const s = performance.now(); try { return f(...a); } finally { t[k]! += performance.now() - s; } };
const adapter = await loadMappingFile(new URL('../../../../../data/mappings/examples/levies.json', import.meta.url).pathname);
const real = process.argv.includes('--real');
const asyncTimed = <A extends unknown[], R>(k: string, f: (...a: A) => Promise<R>) => async (...a: A): Promise<R> => { const s = performance.now(); try { return await f(...a); } finally { t[k]! += performance.now() - s; } };
const inner = real ? await openStore(':memory:') : undefined;
const store = (inner !== undefined ? {
  existingSourceKeys: asyncTimed('store', (k: readonly string[]) => inner.existingSourceKeys(k)),
  writeBatch: asyncTimed('store', (b: IngestBatch) => inner.writeBatch(b)),
  recordRun: (r: Parameters<Store['recordRun']>[0]) => inner.recordRun(r),
  linkCandidates: asyncTimed('store', (a: number, b: number) => inner.linkCandidates(a, b)),
} : {
  existingSourceKeys: timed('store', async () => new Set<string>()),
  writeBatch: timed('store', async (b: IngestBatch): Promise<WriteResult> => ({ inserted: b.newIncidents.length, attached: 0, duplicates: 0, quarantined: b.quarantine.length })),
  recordRun: async () => {},
  linkCandidates: timed('store', async () => []),
}) as unknown as Store;
const s0 = performance.now();
const s = await ingestFile(path, { adapter: { ...adapter, toReport: timed('toReport', adapter.toReport) }, store, geocoder: real ? loadGeography() : new FakeGeocoder(), link: timed('link', (real ? linkBatch : trivialLinker) as LinkFn), receivedAt: '2025-01-01T00:00:00.000Z' });
const total = performance.now() - s0;
console.log(JSON.stringify({ stored: s.stored, totalMs: Math.round(total), ...Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Math.round(v)])), restMs: Math.round(total - t.toReport! - t.link! - t.store!) }));
