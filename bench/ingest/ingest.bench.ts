/**
 * bench/ingest: CSV -> validated, normalised, linked, stored incidents through the real pipeline
 * (police mapping file, shipped geography, engine linker, DuckDB store), beside DuckDB's own
 * `read_csv` of the same file into a table in the same run.
 *
 *   npx tsx bench/ingest/ingest.bench.ts [--rows 1000000] [--keep] [--plain] [--memory-limit 512MB] [--no-worker]
 *
 * The file is parsed and converted in a worker thread (`parseInWorker`, the default for a file of
 * this size); `--no-worker` parses it on the main thread, as before, for comparison.
 *
 * The store is opened as every command opens it (`openEmbedded`: sensitive columns encrypted);
 * `--plain` opens it without encryption, to see what encryption costs.
 *
 * Prints rows/s for both, their ratio, and this process's peak resident memory (maxRSS; DuckDB's
 * read_csv runs in a child process, so this is the ingest's). For the memory target run it with
 * --rows 5000000.
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DuckDBInstance } from '@duckdb/node-api';
import { openEmbedded } from '../../packages/server/src/api/embedded.js';
import { SeededRng, linkBatch, syntheticMappingFiles } from '@baseerat/engine';
import { loadMappingFile, ingestFile } from '../../packages/server/src/ingest/index.js';
import { loadGeography } from '../../packages/server/src/reference/geography.js';
import { openStore } from '../../packages/server/src/store/index.js';
import { placeRows } from '../../packages/server/src/reference/geography.js';
import { readFileSync, writeFileSync } from 'node:fs';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] ?? dflt : dflt;
};
const rows = Number(arg('rows', '1000000'));
const keep = process.argv.includes('--keep');
const plain = process.argv.includes('--plain');
const noWorker = process.argv.includes('--no-worker');

const dir = mkdtempSync(join(tmpdir(), 'baseerat-bench-ingest-'));
const csv = join(dir, 'police.csv');
const mappingPath = join(dir, 'police.json');
const mapping = syntheticMappingFiles().police;
writeFileSync(mappingPath, JSON.stringify(mapping));
const labels = Object.keys((mapping.fields.category as { map: Record<string, string> }).map);

// Places in Balochistan from the shipped gazetteer, jittered by up to ~2 km, in time order.
const places = placeRows().filter((p) => (p.province ?? '').startsWith('Balochistan'));
const gen = new SeededRng(7);
const rng = () => gen.next();
const t0 = Date.parse('2015-01-01T00:00:00Z');
const spanMs = 10 * 365 * 86_400_000;
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

async function writeCsv(): Promise<void> {
  const out = createWriteStream(csv);
  out.write('fir_no,occurred_at,lat,lon,district,category,killed,injured,abducted,target,narrative,class,reported_at\n');
  let buf = '';
  for (let i = 0; i < rows; i++) {
    const p = places[Math.floor(rng() * places.length)]!;
    const lat = p.lat + (rng() - 0.5) * 0.03, lon = p.lon + (rng() - 0.5) * 0.03;
    const t = new Date(t0 + (spanMs * i) / rows + 5 * 3_600_000);
    const local = `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}T${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:00`;
    const label = labels[Math.floor(rng() * labels.length)]!;
    buf += `FIR-B-${pad(i, 8)},${local},${lat.toFixed(5)},${lon.toFixed(5)},${p.district ?? ''},${label},${rng() < 0.1 ? 1 : 0},${rng() < 0.2 ? 2 : 0},0,police,"${label} reported near ${p.name}",RESTRICTED,\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
}

await writeCsv();
const mb = statSync(csv).size / 1e6;
console.log(`file: ${rows.toLocaleString('en-US')} rows, ${mb.toFixed(0)} MB`);

// Reference: DuckDB's own CSV reader into a table, same file, same run, in a child process: its
// buffers (and what malloc keeps of them) then do not count in this process's peak RSS, which is
// the ingest's. CPU is the child's own.
{
  const code = `
    import { DuckDBInstance } from '@duckdb/node-api';
    const inst = await DuckDBInstance.create(process.argv[1]);
    const conn = await inst.connect();
    const s = performance.now(), c0 = process.cpuUsage();
    await conn.run("CREATE TABLE t AS SELECT * FROM read_csv('" + process.argv[2].replaceAll("'", "''") + "', header = true)");
    const secs = (performance.now() - s) / 1000, c = process.cpuUsage(c0);
    const n = Number((await conn.runAndReadAll('SELECT count(*) FROM t')).getRows()[0][0]);
    conn.closeSync(); inst.closeSync();
    console.log(JSON.stringify({ n, secs, cpu: (c.user + c.system) / 1e6 }));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', code, join(dir, 'ref.duckdb'), csv], { encoding: 'utf8' });
  const { n, secs, cpu } = JSON.parse(out.trim().split('\n').pop()!) as { n: number; secs: number; cpu: number };
  rmSync(join(dir, 'ref.duckdb'), { force: true });
  console.log(`duckdb read_csv: ${n.toLocaleString('en-US')} rows in ${secs.toFixed(2)} s = ${Math.round(n / secs).toLocaleString('en-US')} rows/s (CPU ${cpu.toFixed(2)} s)`);
  (globalThis as { refRate?: number }).refRate = n / secs;
}

// Encrypted by default, as every command stores: narratives and raw records under the data key.
const memoryLimit = arg('memory-limit', '');
const duckdb = memoryLimit === '' ? {} : { memory_limit: memoryLimit };
const embedded = plain ? undefined : await openEmbedded(join(dir, 'bench.duckdb'), randomBytes(32), new Date(), { duckdb });
const store = embedded?.store ?? await openStore(join(dir, 'bench.duckdb'), { duckdb });
const adapter = await loadMappingFile(mappingPath);
const geocoder = loadGeography();
console.log(`RSS before the ingest (file written, read_csv done, geography loaded): ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
/**
 * CPU seconds of the main thread alone (Linux: /proc/self/task/<pid>/stat, utime + stime in ticks of
 * 1/100 s): the thread that links and writes is the pipeline's critical path, so its CPU says more
 * than the process's (which also counts the parse worker and DuckDB's threads) on a shared machine.
 */
const mainThreadCpu = (): number => {
  try {
    const f = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) / 100;
  } catch { return NaN; }
};
const s = performance.now();
const main0 = mainThreadCpu();
// The machine may be shared: CPU time of this process (all threads, DuckDB's included) says what the work costs.
const cpu0 = process.cpuUsage();
// Every 500,000 rows: where the memory is (V8 heap, array buffers, the rest is mostly DuckDB and malloc).
let nextReport = 500_000;
const onProgress = (p: { rowsRead: number }) => {
  if (p.rowsRead < nextReport) return;
  nextReport += 500_000;
  const m = process.memoryUsage();
  console.log(`  ${p.rowsRead.toLocaleString('en-US')} rows, ${((performance.now() - s) / 1000).toFixed(0)} s: RSS ${(m.rss / 1e6).toFixed(0)} MB, V8 heap used ${(m.heapUsed / 1e6).toFixed(0)} of ${(m.heapTotal / 1e6).toFixed(0)} MB, array buffers ${(m.arrayBuffers / 1e6).toFixed(0)} MB`);
};
const summary = await ingestFile(csv, { adapter, store, geocoder, link: linkBatch, receivedAt: '2025-01-01T00:00:00.000Z', onProgress, parseInWorker: !noWorker });
const secs = (performance.now() - s) / 1000;
const cpu = process.cpuUsage(cpu0);
const mainCpu = mainThreadCpu() - main0;
// Where the memory is at the end of the ingest, store still open: the V8 heap against the rest (DuckDB's buffers are outside it).
const mem = process.memoryUsage();
// DuckDB's own account of its memory, by tag (the store keeps its instance private: reached here for the bench only).
{
  const conn = await (store as unknown as { instance: DuckDBInstance }).instance.connect();
  const tags = (await conn.runAndReadAll(`SELECT tag, memory_usage_bytes FROM duckdb_memory() WHERE memory_usage_bytes > 0 ORDER BY 2 DESC`)).getRows();
  console.log(`DuckDB memory: ${tags.map(([t, b]) => `${String(t)} ${(Number(b) / 1e6).toFixed(0)} MB`).join(', ')}`);
  conn.closeSync();
}
const cpuSecs = (cpu.user + cpu.system) / 1e6;
// Point look-ups on the filled store (schema version 2 has no ART index: each is a column scan).
{
  const conn = await (store as unknown as { instance: DuckDBInstance }).instance.connect();
  const ids = (await conn.runAndReadAll(`SELECT id FROM incidents USING SAMPLE 21 ROWS`)).getRows().map((r) => String(r[0]));
  conn.closeSync();
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const inc: number[] = [], rep: number[] = [];
  for (const id of ids) {
    let t = performance.now();
    await store.getIncident(id);
    inc.push(performance.now() - t);
    t = performance.now();
    await store.reportsOf(id);
    rep.push(performance.now() - t);
  }
  console.log(`point look-ups (median of ${ids.length}, store of ${summary.stored.toLocaleString('en-US')} incidents): getIncident ${median(inc).toFixed(1)} ms, reportsOf ${median(rep).toFixed(1)} ms`);
}
await store.close();
const rate = summary.stored / secs;
const refRate = (globalThis as { refRate?: number }).refRate ?? NaN;
console.log(`parsing: ${noWorker ? 'main thread (--no-worker)' : 'worker thread'}; store: ${plain ? 'plaintext (--plain)' : 'encrypted (openEmbedded)'}${memoryLimit === '' ? '' : `, DuckDB memory_limit ${memoryLimit}`}`);
console.log(`baseerat ingest: ${summary.stored.toLocaleString('en-US')} incidents stored (${summary.quarantined} quarantined) in ${secs.toFixed(2)} s = ${Math.round(rate).toLocaleString('en-US')} incidents/s`);
console.log(`baseerat ingest CPU: ${cpuSecs.toFixed(2)} s (user ${(cpu.user / 1e6).toFixed(2)}, system ${(cpu.system / 1e6).toFixed(2)}) = ${Math.round(summary.stored / cpuSecs).toLocaleString('en-US')} incidents per CPU-second; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
console.log(`main thread CPU: ${mainCpu.toFixed(2)} s = ${Math.round(summary.stored / mainCpu).toLocaleString('en-US')} incidents per main-thread CPU-second (the rest of the process: ${(cpuSecs - mainCpu).toFixed(2)} s, parse worker and DuckDB threads)`);
console.log(`ratio baseerat / duckdb read_csv: ${(rate / refRate).toFixed(3)}`);
console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB; at the end of the ingest: RSS ${(mem.rss / 1e6).toFixed(0)} MB, V8 heap used ${(mem.heapUsed / 1e6).toFixed(0)} MB of ${(mem.heapTotal / 1e6).toFixed(0)} MB, array buffers ${(mem.arrayBuffers / 1e6).toFixed(0)} MB`);
if (!keep) rmSync(dir, { recursive: true, force: true });
else console.log(`kept ${dir}`);
