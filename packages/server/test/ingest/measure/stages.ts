/** Where the pipeline's time goes (adapter, linker, store calls, the rest), on a generated CSV. `npx tsx packages/server/test/ingest/measure/stages.ts 100000` */
import { writeFileSync } from 'node:fs';
import { ingestFile } from '../../../src/ingest/pipeline.js';
import { loadMappingFile } from '../../../src/ingest/mapping.js';
import type { IngestBatch, Store, WriteResult } from '../../../src/store/port.js';
import { FakeGeocoder, trivialLinker } from '../fakes.js';

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
const store = {
  existingSourceKeys: timed('store', async () => new Set<string>()),
  writeBatch: timed('store', async (b: IngestBatch): Promise<WriteResult> => ({ inserted: b.newIncidents.length, attached: 0, duplicates: 0, quarantined: b.quarantine.length })),
  recordRun: async () => {},
  linkCandidates: timed('store', async () => []),
} as unknown as Store;
const s0 = performance.now();
const s = await ingestFile(path, { adapter: { ...adapter, toReport: timed('toReport', adapter.toReport) }, store, geocoder: new FakeGeocoder(), link: timed('link', trivialLinker), receivedAt: '2025-01-01T00:00:00.000Z' });
const total = performance.now() - s0;
console.log(JSON.stringify({ stored: s.stored, totalMs: Math.round(total), ...Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Math.round(v)])), restMs: Math.round(total - t.toReport! - t.link! - t.store!) }));
