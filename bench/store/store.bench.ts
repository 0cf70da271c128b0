/**
 * Store benchmark (DuckDB): write N single-report incidents in one batch (appender, one
 * transaction), then read them back as columns. References measured in the same run:
 * - write: appending the same number of rows of the same width to an unindexed scratch table with
 *   the raw appender (no consolidation, no unique key, no idempotency check): the floor;
 * - read: the same SELECT decoded the ordinary node-api way (`getRowObjectsJS`).
 * Each measure is printed as wall time and as the CPU time of the process (all its threads, so
 * DuckDB's too), which moves less when the machine is shared.
 * Run: TZ=UTC npx tsx bench/store/store.bench.ts [rows] [file]   (default 1000000, a temp file)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CATEGORY_CODES, incidentIdFor, type CategoryCode, type NewIncident, type Report } from '@baseerat/engine';
import { DuckDBDataChunk, DuckDBInstance, DuckDBTimestampValue } from '@duckdb/node-api';
import { openStore } from '../../packages/server/src/store/index.js';

const n = Number(process.argv[2] ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'baseerat-store-bench-'));
const file = process.argv[3] ?? join(dir, 'bench.duckdb');
const DISTRICTS = ['Quetta', 'Gwadar', 'Kech', 'Khuzdar', 'Turbat', 'Sibi', 'Zhob', 'Loralai', 'Panjgur', 'Chagai'];

// Deterministic synthetic incidents: a linear congruential sequence, no Math.random.
let state = 12345;
const next = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
const t0ms = Date.UTC(2019, 0, 1);
const news: NewIncident[] = new Array(n);
for (let i = 0; i < n; i++) {
  const t = t0ms + Math.floor(next() * 5 * 365 * 86_400) * 1000;
  const r: Report = {
    occurredAt: new Date(t).toISOString(),
    timePrecision: 'exact',
    location: { lat: 25 + next() * 6, lon: 61 + next() * 9, precision: 'exact', district: DISTRICTS[i % DISTRICTS.length]!, province: 'Balochistan' },
    category: CATEGORY_CODES[i % CATEGORY_CODES.length] as CategoryCode,
    severity: { killed: i % 3, injured: i % 5, abducted: 0 },
    classification: 'RESTRICTED',
    reportingMode: 'public',
    source: { agency: 'police', sourceId: `B${i}`, receivedAt: new Date(t + 3_600_000).toISOString(), format: 'bench', raw: `B${i},${t}` },
  };
  news[i] = { id: incidentIdFor(`police:B${i}`), reports: [r], links: [] };
}

/** Wall and process CPU milliseconds of `fn`. */
async function measure<T>(fn: () => Promise<T>): Promise<{ value: T; wall: number; cpu: number }> {
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  const value = await fn();
  const wall = performance.now() - w0;
  const c = process.cpuUsage(c0);
  return { value, wall, cpu: (c.user + c.system) / 1000 };
}

const store = await openStore(file);
const write = await measure(() => store.writeBatch({ newIncidents: news, attachments: [], quarantine: [] }));
const rewrite = await measure(() => store.writeBatch({ newIncidents: news.slice(0, 100_000), attachments: [], quarantine: [] }));
const read = await measure(() => store.readColumns({}));
const readFiltered = await measure(() => store.readColumns({ districts: ['Quetta'], from: '2021-01-01T00:00:00.000Z', to: '2022-01-01T00:00:00.000Z' }));
await store.close();

// References, in the same run, on a scratch in-memory database.
const inst = await DuckDBInstance.create(':memory:');
const conn = await inst.connect();
await conn.run(`CREATE TABLE scratch (id VARCHAR, t TIMESTAMP, a VARCHAR, b VARCHAR, lat DOUBLE, lon DOUBLE, c VARCHAR, d VARCHAR, e VARCHAR, f VARCHAR, g VARCHAR, h VARCHAR, k INTEGER, l INTEGER, m INTEGER, o VARCHAR, p TINYINT, q VARCHAR, s INTEGER, j VARCHAR)`);
const refWrite = await measure(async () => {
const appender = await conn.createAppender('scratch');
const types = Array.from({ length: appender.columnCount }, (_, i) => appender.columnType(i));
for (let off = 0; off < n; off += 2048) {
  const rows = news.slice(off, off + 2048).map((x) => {
    const r = x.reports[0]!;
    return [x.id, new DuckDBTimestampValue(BigInt(Date.parse(r.occurredAt)) * 1000n), 'exact', null, r.location.lat!, r.location.lon!, 'exact', r.location.district!, 'Balochistan', null, r.category, 'x', r.severity.killed, r.severity.injured, 0, 'RESTRICTED', 1, 'public', 1, '[]'];
  });
  const chunk = DuckDBDataChunk.create(types, rows.length);
  chunk.setRows(rows);
  appender.appendDataChunk(chunk);
}
appender.closeSync();
});
await conn.run(`CREATE TABLE naive AS SELECT id, epoch_ms(t)::DOUBLE AS time, lat, lon, c AS district, k AS killed, l AS injured, m AS abducted, s AS source_count FROM scratch`);
const refRead = await measure(async () => (await conn.runAndReadAll(`SELECT * FROM naive ORDER BY time, id`)).getRowObjectsJS());
conn.closeSync();
inst.closeSync();
rmSync(dir, { recursive: true, force: true });

const f = (m: { wall: number; cpu: number }) => `${(m.wall / 1000).toFixed(2)} s wall, ${(m.cpu / 1000).toFixed(2)} s CPU`;
console.log(`rows ${n}; write result ${JSON.stringify(write.value)}; rewrite of 100,000: ${JSON.stringify(rewrite.value)}`);
console.log(`writeBatch (appender, 1 transaction, consolidation, unique key): ${f(write)}`);
console.log(`  reference, raw appender to an unindexed table: ${f(refWrite)}; ratio ${(write.wall / refWrite.wall).toFixed(1)} wall, ${(write.cpu / refWrite.cpu).toFixed(1)} CPU`);
console.log(`re-write of 100,000 already stored (all duplicates): ${f(rewrite)}`);
console.log(`readColumns of ${read.value.length}: ${f(read)}`);
console.log(`  reference, node-api row objects of 9 of those columns (${refRead.value.length}): ${f(refRead)}; ratio ${(read.wall / refRead.wall).toFixed(2)} wall, ${(read.cpu / refRead.cpu).toFixed(2)} CPU`);
console.log(`readColumns, one district and one year (${readFiltered.value.length} rows): ${f(readFiltered)}`);
