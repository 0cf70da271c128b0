/**
 * Throughput and peak memory of the ingest pipeline on a generated CSV, with the fake geocoder,
 * the trivial linker and a store that keeps nothing (so the figure is ingest's own cost, not the
 * store's). Not a test: run by hand, results go to docs/ingest.md.
 *
 *   npx tsx packages/server/test/ingest/measure/throughput.ts 1000000          # ingest's own cost
 *   npx tsx packages/server/test/ingest/measure/throughput.ts 1000000 --real   # DuckDB file store, shipped geography, linkBatch
 *
 * Prints rows/s for the reader alone, csv-parse alone on the same file (reference measured in the
 * same run), and the whole pipeline, and the peak resident memory.
 */
import { createReadStream, writeFileSync, statSync } from 'node:fs';
import { parse } from 'csv-parse';
import { ingestFile } from '../../../src/ingest/pipeline.js';
import { loadMappingFile } from '../../../src/ingest/mapping.js';
import { newReaderStats, readCsv } from '../../../src/ingest/readers/index.js';
import type { IngestBatch, Store, WriteResult } from '../../../src/store/port.js';
import { FakeGeocoder, trivialLinker } from '../fakes.js';
import { linkBatch } from '@baseerat/engine';
import { loadGeography } from '../../../src/reference/geography.js';
import { openStore } from '../../../src/store/index.js';

const n = Number(process.argv[2] ?? 1_000_000);
const real = process.argv.includes('--real');
/** Skip the reader-only and csv-parse passes (for the memory figure on big files). */
const pipelineOnly = process.argv.includes('--pipeline-only');
const path = `/tmp/baseerat-throughput-${n}.csv`;
let peak = 0;
const sample = () => { peak = Math.max(peak, process.memoryUsage().rss); };
const timer = setInterval(sample, 200);

const header = 'ref_no,date,time,lat,lon,place,district,type,killed,injured,abducted,target,claimed_by,details,class,reported';
{
  const out: string[] = [header];
  const t0 = Date.UTC(2020, 0, 1);
  let text = '';
  writeFileSync(path, '');
  for (let i = 0; i < n; i++) {
    const d = new Date(t0 + i * 60_000);
    const date = `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear()}`;
    const time = `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
    out.push(`LV-${i},${date},${time},${(30 + (i % 4999) / 10000).toFixed(4)},${(66.8 + (i % 4993) / 10000).toFixed(4)},,,${i % 2 ? 'Blast' : 'Firing'},${i % 3},${i % 5},0,Police,,"IED near checkpost, report ${i}",R,`);
    if (out.length === 100_000) { text = `${out.join('\n')}\n`; writeFileSync(path, text, { flag: 'a' }); out.length = 0; }
  }
  if (out.length > 0) writeFileSync(path, `${out.join('\n')}\n`, { flag: 'a' });
}
const bytes = statSync(path).size;

class NullStore {
  async existingSourceKeys(): Promise<Set<string>> { return new Set(); }
  async writeBatch(b: IngestBatch): Promise<WriteResult> {
    return { inserted: b.newIncidents.length, attached: b.attachments.reduce((s, a) => s + a.reports.length, 0), duplicates: 0, quarantined: b.quarantine.length };
  }
  async recordRun(): Promise<void> {}
  async linkCandidates(): Promise<never[]> { return []; }
}

async function countCsvParse(): Promise<number> {
  let rows = 0;
  for await (const r of createReadStream(path, { highWaterMark: 1 << 20 }).pipe(parse({ columns: true }))) if (r !== undefined) rows++;
  return rows;
}
async function countReadCsv(): Promise<number> {
  let rows = 0;
  for await (const items of readCsv(createReadStream(path, { highWaterMark: 1 << 20 }), newReaderStats())) rows += items.length;
  return rows;
}
async function seconds(f: () => Promise<number>, what: string): Promise<number> {
  if (pipelineOnly) return Number.NaN;
  const t0 = performance.now();
  const rows = await f();
  if (rows !== n) throw new Error(`${what} read ${rows} rows, expected ${n}`);
  return (performance.now() - t0) / 1000;
}
const csvParseS = await seconds(countCsvParse, 'csv-parse');
const readerS = await seconds(countReadCsv, 'readCsv');
sample();
const before = peak;
const dbFile = `/tmp/baseerat-throughput-${n}-${process.pid}.duckdb`;
const store = real ? await openStore(dbFile) : (new NullStore() as unknown as Store);
const geocoder = real ? loadGeography() : new FakeGeocoder();
const t = performance.now();
const s = await ingestFile(path, {
  adapter: await loadMappingFile(new URL('../../../../../data/mappings/examples/levies.json', import.meta.url).pathname),
  store, geocoder, link: real ? linkBatch : trivialLinker, receivedAt: '2025-01-01T00:00:00.000Z',
});
const pipeS = (performance.now() - t) / 1000;
if (real) await store.close();
clearInterval(timer);
sample();
const mb = (x: number) => `${(x / 2 ** 20).toFixed(0)} MB`;
console.log(JSON.stringify({ rows: n, fileMB: +(bytes / 2 ** 20).toFixed(1), stored: s.stored, quarantined: s.quarantined }));
if (!pipelineOnly) {
  console.log(`csv-parse (columns: true), reference: ${(n / csvParseS).toFixed(0)} rows/s`);
  console.log(`readCsv:                            ${(n / readerS).toFixed(0)} rows/s (${(csvParseS / readerS).toFixed(2)}x csv-parse)`);
}
console.log(`pipeline (${real ? 'DuckDB store, shipped geography, linkBatch' : 'fake geocoder, trivial linker, null store'}): ${(n / pipeS).toFixed(0)} rows/s, ${pipeS.toFixed(1)} s`);
console.log(`peak RSS of the process: ${mb(peak)} (peak before the pipeline, while generating the file: ${mb(before)})`);
