/**
 * bench/realtime/checkpoint-cost: what a DuckDB checkpoint of the live store costs, and what it
 * scales with (issue #6: 1-1.6 s checkpoint stalls of the live path). Builds a store file through
 * the live path (as path.bench.ts: live ingestor -> DuckDB store with encrypted columns -> live
 * monitor -> alert repository) with automatic checkpoints off, then times explicit CHECKPOINTs
 * after writes of one kind each: a big WAL, a small live batch, only an alert delete+re-insert,
 * only appends to `reports`, nothing at all; with 1 and 2 DuckDB threads.
 *
 *   npx tsx bench/realtime/checkpoint-cost.bench.ts [--events 120000] [--batch 2000] [--rules all|example]
 *     [--compression default|uncompressed|<method>] [--disable fsst,dict_fsst,...] [--threads N]
 *
 * --compression sets DuckDB's force_compression for the instance (compression analysis at
 * checkpoint skipped, every column written with that method); --disable sets
 * disabled_compression_methods (those methods are not analysed nor used); --threads sets DuckDB's threads
 * before the first checkpoint (the default is the number of cores).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CATEGORY_CODES, linkBatch } from '@baseerat/engine';
import { openEmbedded } from '../../packages/server/src/api/embedded.js';
import { benchFeed } from './bench-feed.js';
import { createLiveIngestor } from '../../packages/server/src/ingest/pipeline.js';
import { loadMappingFile } from '../../packages/server/src/ingest/mapping.js';
import { openEmbeddedMonitor } from '../../packages/server/src/monitor/embedded-monitor.js';
import { monitoredStore } from '../../packages/server/src/monitor/monitored-store.js';
import { loadGeography } from '../../packages/server/src/reference/geography.js';

const arg = (name: string, dflt: string) => { const i = process.argv.indexOf(`--${name}`); return i >= 0 ? process.argv[i + 1] ?? dflt : dflt; };
const events = Number(arg('events', '120000')), batch = Number(arg('batch', '2000')), rules = arg('rules', 'all');
const compression = arg('compression', 'default'), threadsArg = arg('threads', ''), disable = arg('disable', '');
const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'baseerat-ckpt-'));
const record = benchFeed(join(dir, 'feed'));
const file = join(dir, 'store.duckdb');
const e = await openEmbedded(file, randomBytes(32), new Date(), {
  duckdb: { checkpoint_threshold: '100GB', ...(compression === 'default' ? {} : { force_compression: compression }), },
});
let rulesFile: string | undefined, zonesFile: string | undefined;
if (rules === 'all') {
  rulesFile = join(dir, 'rules.json'); zonesFile = join(dir, 'zones.json');
  writeFileSync(rulesFile, JSON.stringify([{ kind: 'category', id: 'any-event', severity: 'low', categories: [...CATEGORY_CODES] }]));
  writeFileSync(zonesFile, JSON.stringify({ type: 'FeatureCollection', features: [] }));
}
const mon = await openEmbeddedMonitor({ store: e.store, rules: rulesFile, zones: zonesFile, skipWarmUp: true });
const ingestor = createLiveIngestor({
  adapter: await loadMappingFile(here('./bench-mapping.json')), agency: 'bench', store: monitoredStore(e.store, mon.monitor), geocoder: loadGeography(), link: linkBatch,
  receivedAt: new Date().toISOString(), origin: 'nats:bench', batchSize: batch + 1,
});
let next = 0;
async function push(n: number) {
  for (const to = next + n; next < to; next += batch) await ingestor.push(Array.from({ length: Math.min(batch, to - next) }, (_, k) => record(next + k)));
  await mon.monitor.idle();
}
const conn = await e.store.duckdbInstance.connect();
// as SETs: disabled_compression_methods given in the instance config is silently ignored (DuckDB 1.5.6)
if (disable !== '') await conn.run(`SET GLOBAL disabled_compression_methods = '${disable}'`);
if (threadsArg !== '') await conn.run(`SET GLOBAL threads = ${Number(threadsArg)}`);
const startSettings = (await conn.runAndReadAll(`SELECT current_setting('threads')::INTEGER AS threads, current_setting('force_compression') AS force_compression, current_setting('disabled_compression_methods') AS disabled`)).getRowObjectsJS();
console.error(JSON.stringify(startSettings));
const size = (f: string) => (existsSync(f) ? statSync(f).size : 0);
const q = async (sql: string) => (await conn.runAndReadAll(sql)).getRowObjectsJS();
const results: Record<string, unknown>[] = [];
async function checkpoint(label: string) {
  const wal = size(`${file}.wal`), fileBefore = size(file);
  const cpu0 = process.cpuUsage(), t0 = performance.now();
  await conn.run('CHECKPOINT');
  const cpu = process.cpuUsage(cpu0);
  const r = { label, walMB: Math.round(wal / 1e5) / 10, fileMB: Math.round(fileBefore / 1e5) / 10, wallMs: Math.round(performance.now() - t0), fileAfterMB: Math.round(size(file) / 1e5) / 10, cpuMs: Math.round((cpu.user + cpu.system) / 1000) };
  results.push(r);
  console.error(JSON.stringify(r));
}
const load0 = loadavg()[0];
await push(events / 2);
await checkpoint(`after ${events / 2} live events`);
await push(events / 2);
await checkpoint(`after ${events / 2} more live events`);
await checkpoint('nothing written');
await push(batch);
await checkpoint(`one live batch (${batch} events)`);
for (const threads of [1, 2]) {
  await conn.run(`SET threads = ${threads}`);
  await push(batch);
  await checkpoint(`one live batch, threads=${threads}`);
}
await q('CREATE TEMP TABLE ca AS SELECT * FROM mon_alerts LIMIT 500');
await q('BEGIN'); await q('DELETE FROM mon_alerts WHERE id IN (SELECT id FROM ca)'); await q('INSERT INTO mon_alerts SELECT * FROM ca'); await q('COMMIT');
await checkpoint('only mon_alerts: delete + re-insert 500 rows');
await q('INSERT INTO mon_alerts SELECT * REPLACE (id || \'x\' AS id) FROM ca');
await checkpoint('only mon_alerts: append 500 rows');
await q('CREATE TEMP TABLE cr AS SELECT * FROM reports ORDER BY seq DESC LIMIT 500');
await q('INSERT INTO reports SELECT * FROM cr');
await checkpoint('only reports: append 500 rows');
await q('CREATE TEMP TABLE ci AS SELECT * FROM incidents ORDER BY seq DESC LIMIT 500');
await q('INSERT INTO incidents SELECT * FROM ci');
await checkpoint('only incidents: append 500 rows');
const tables = await q(`SELECT table_name, estimated_size::DOUBLE AS rows, column_count FROM duckdb_tables() ORDER BY estimated_size DESC LIMIT 8`);
const rowGroups = await q(`SELECT count(DISTINCT row_group_id)::INTEGER AS rg FROM pragma_storage_info('reports')`);
const alertRowGroups = await q(`SELECT count(DISTINCT row_group_id)::INTEGER AS rg FROM pragma_storage_info('mon_alerts')`);
const compressions = await q(`SELECT column_name, compression, count(*)::INTEGER AS segments FROM pragma_storage_info('reports') GROUP BY ALL ORDER BY segments DESC LIMIT 40`);
const settings = await q(`SELECT current_setting('threads')::INTEGER AS threads, current_setting('force_compression') AS force_compression, current_setting('disabled_compression_methods') AS disabled`);
console.log(JSON.stringify({ events, batch, rules, compression, disable, startSettings, settings, loadAverage1m: { before: load0, after: loadavg()[0] }, results, tables, reportRowGroups: rowGroups, alertRowGroups, compressions }, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v), 2));
conn.closeSync();
await ingestor.close();
await mon.close();
await e.close();
rmSync(dir, { recursive: true, force: true });
