/**
 * bench/store/point-lookup: getIncident and reportsOf on a DuckDB store of N one-report incidents
 * (plaintext, synthetic rows as in store.bench.ts, written in batches through writeBatch), against
 * the scan by id that schema version 3 ran (the same two SELECTs, `WHERE id = $id` and
 * `WHERE incident_id = $id`, on a connection of the same instance), alternating per id so that the
 * load of the shared machine touches both alike. Also: how long the store takes to load its
 * incident index (id hash -> seq block) when a store is reopened, and that index's size.
 *
 *   TZ=UTC npx tsx bench/store/point-lookup.bench.ts [--rows 1000000] [--ids 51] [--memory-limit 128MB] [--file PATH]
 *
 * With --file, the store is kept there, and a file that exists is measured as it is (not filled).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CATEGORY_CODES, incidentIdFor, type CategoryCode, type NewIncident, type Report } from '@baseerat/engine';
import type { DuckDBInstance } from '@duckdb/node-api';
import { openStore } from '../../packages/server/src/store/index.js';
import { INCIDENT_SELECT, DUCKDB_REPORT_SELECT } from '../../packages/server/src/store/duckdb/rows.js';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] ?? dflt : dflt;
};
const n = Number(arg('rows', '1000000'));
const idCount = Number(arg('ids', '51'));
const memoryLimit = arg('memory-limit', '128MB');
const BATCH = 100_000;
const DISTRICTS = ['Quetta', 'Gwadar', 'Kech', 'Khuzdar', 'Turbat', 'Sibi', 'Zhob', 'Loralai', 'Panjgur', 'Chagai'];
const dir = mkdtempSync(join(tmpdir(), 'baseerat-lookup-bench-'));
const keep = arg('file', '');
const file = keep === '' ? join(dir, 'bench.duckdb') : keep;
const fill = !existsSync(file);
const config = { duckdb: { memory_limit: memoryLimit } };

let state = 12345;
const next = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
const t0ms = Date.UTC(2015, 0, 1);
function incident(i: number): NewIncident {
  const t = t0ms + Math.floor(next() * 10 * 365 * 86_400) * 1000;
  const r: Report = {
    occurredAt: new Date(t).toISOString(),
    timePrecision: 'exact',
    location: { lat: 25 + next() * 6, lon: 61 + next() * 9, precision: 'exact', district: DISTRICTS[i % DISTRICTS.length]!, province: 'Balochistan' },
    category: CATEGORY_CODES[i % CATEGORY_CODES.length] as CategoryCode,
    severity: { killed: i % 3, injured: i % 5, abducted: 0 },
    classification: 'RESTRICTED',
    reportingMode: 'public',
    narrative: `bench incident ${i}`,
    source: { agency: 'police', sourceId: `B${i}`, receivedAt: '2025-01-01T00:00:00.000Z', format: 'bench', raw: `B${i},${t}` },
  };
  return { id: incidentIdFor(`police:B${i}`), reports: [r], links: [] };
}

const cpuSeconds = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1e6;
console.log(`rows ${n.toLocaleString('en-US')}, memory_limit ${memoryLimit}, load average before: ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
if (fill) {
  const store = await openStore(file, config);
  const w0 = performance.now(), c0 = process.cpuUsage();
  for (let off = 0; off < n; off += BATCH) {
    const news = Array.from({ length: Math.min(BATCH, n - off) }, (_, k) => incident(off + k));
    await store.writeBatch({ newIncidents: news, attachments: [], quarantine: [] });
  }
  console.log(`filled: ${((performance.now() - w0) / 1000).toFixed(1)} s wall, ${cpuSeconds(process.cpuUsage(c0)).toFixed(1)} s CPU`);
  await store.close();
}

// Reopened, as a server would: the first look-up finds no index and scans while the index loads behind it.
const store = await openStore(file, config);
const instance = (store as unknown as { instance: DuckDBInstance }).instance;
const conn = await instance.connect();
const ids = (await conn.runAndReadAll(`SELECT id FROM incidents USING SAMPLE ${idCount} ROWS (reservoir, 7)`)).getRows().map((r) => String(r[0]));
const rssBefore = process.memoryUsage().rss;
{
  const w0 = performance.now(), c0 = process.cpuUsage();
  await store.getIncident(ids[0]!); // queues the index load, answered by the scan
  await store.reportsOf(ids[0]!); // on the write connection, queued after the load
  console.log(`first look-up with the index load (reopened store): ${((performance.now() - w0) / 1000).toFixed(2)} s wall, ${cpuSeconds(process.cpuUsage(c0)).toFixed(2)} s CPU; RSS +${((process.memoryUsage().rss - rssBefore) / 1e6).toFixed(0)} MB`);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const time = async (fn: () => Promise<unknown>) => {
  const c0 = process.cpuUsage(), t = performance.now();
  const v = await fn();
  return { ms: performance.now() - t, cpuMs: cpuSeconds(process.cpuUsage(c0)) * 1000, v };
};
const got = { inc: [] as number[], rep: [] as number[], incCpu: [] as number[], repCpu: [] as number[] };
const scan = { inc: [] as number[], rep: [] as number[], incCpu: [] as number[], repCpu: [] as number[] };
let mismatches = 0;
for (const id of ids) {
  const a = await time(() => store.getIncident(id));
  const b = await time(() => store.reportsOf(id));
  // the scan of schema version 3: both queries by id, no seq
  const c = await time(async () => {
    const rows = (await conn.runAndReadAll(`SELECT ${INCIDENT_SELECT} FROM incidents i WHERE i.id = $id`, { id })).getRowsJS();
    const src = (await conn.runAndReadAll(`SELECT r.incident_id, r.agency, r.source_id, r.raw FROM reports r WHERE r.incident_id IN (SELECT unnest([$id]))`, { id })).getRowsJS();
    return rows.length + src.length;
  });
  const d = await time(async () => (await conn.runAndReadAll(`SELECT ${DUCKDB_REPORT_SELECT} FROM reports r WHERE r.incident_id = $id ORDER BY r.received_at, r.seq`, { id })).getRowsJS().length);
  if ((a.v as { id?: string } | undefined)?.id !== id || (b.v as unknown[]).length !== 1 || c.v !== 2 || d.v !== 1) mismatches++;
  got.inc.push(a.ms); got.rep.push(b.ms); got.incCpu.push(a.cpuMs); got.repCpu.push(b.cpuMs);
  scan.inc.push(c.ms); scan.rep.push(d.ms); scan.incCpu.push(c.cpuMs); scan.repCpu.push(d.cpuMs);
}
const fmt = (x: { inc: number[]; rep: number[]; incCpu: number[]; repCpu: number[] }) =>
  `getIncident ${median(x.inc).toFixed(2)} ms (CPU ${median(x.incCpu).toFixed(2)} ms), reportsOf ${median(x.rep).toFixed(2)} ms (CPU ${median(x.repCpu).toFixed(2)} ms)`;
console.log(`point look-ups, median of ${ids.length} random ids (${mismatches} wrong answers):`);
console.log(`  by seq (schema 4): ${fmt(got)}`);
console.log(`  scan by id (schema 3 queries, same run): ${fmt(scan)}`);
console.log(`  ratio scan / seq (wall): getIncident ${(median(scan.inc) / median(got.inc)).toFixed(0)}, reportsOf ${(median(scan.rep) / median(got.rep)).toFixed(0)}`);
const slots = 2 ** Math.ceil(Math.log2(n / 0.7));
const stored = await store.countIncidents({});
if (stored !== n) console.log(`NOTE: the store holds ${stored.toLocaleString('en-US')} incidents, not --rows`);
console.log(`incident index: ${n.toLocaleString('en-US')} ids in ${slots.toLocaleString('en-US')} slots x 10 bytes = ${(slots * 10 / 1e6).toFixed(0)} MB`);
console.log(`load average after: ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
conn.closeSync();
await store.close();
rmSync(dir, { recursive: true, force: true });
