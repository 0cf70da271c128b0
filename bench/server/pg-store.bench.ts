/**
 * PostgreSQL store benchmark: write N single-report incidents in batches (as ingest does), then read
 * them back as columns, beside the DuckDB store doing the same in the same run (the reference).
 * Also the floor of the PostgreSQL write path: the same rows as one unnest INSERT per batch into an
 * unindexed scratch table without RLS (no consolidation, no key checks).
 * Needs PostgreSQL on 127.0.0.1:5432 with trust auth (creates and drops its own database).
 * Run: TZ=UTC npx tsx bench/server/pg-store.bench.ts [rows] [batch]   (default 100000, 10000)
 */
import { CATEGORY_CODES, incidentIdFor, type CategoryCode, type NewIncident, type Report } from '@baseerat/engine';
import pg from 'pg';
import { openStore, type Store } from '../../packages/server/src/store/index.js';
import { createTestDatabase } from '../../packages/server/test/store/pg-test-database.js';

const n = Number(process.argv[2] ?? 100_000);
const batchSize = Number(process.argv[3] ?? 10_000);
const DISTRICTS = ['Quetta', 'Gwadar', 'Kech', 'Khuzdar', 'Turbat', 'Sibi', 'Zhob', 'Loralai', 'Panjgur', 'Chagai'];
let state = 12345;
const next = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
const t0ms = Date.UTC(2019, 0, 1);
const news: NewIncident[] = [];
for (let i = 0; i < n; i++) {
  const t = t0ms + Math.floor(next() * 5 * 365 * 86_400) * 1000;
  const r: Report = {
    occurredAt: new Date(t).toISOString(), timePrecision: 'exact',
    location: { lat: 25 + next() * 6, lon: 61 + next() * 9, precision: 'exact', district: DISTRICTS[i % DISTRICTS.length]!, province: 'Balochistan' },
    category: CATEGORY_CODES[i % CATEGORY_CODES.length] as CategoryCode, severity: { killed: i % 3, injured: i % 5, abducted: 0 },
    classification: 'RESTRICTED', reportingMode: 'public',
    source: { agency: 'police', sourceId: `B${i}`, receivedAt: new Date(t + 3_600_000).toISOString(), format: 'bench', raw: `B${i},${t}` },
  };
  news.push({ id: incidentIdFor(`police:B${i}`), reports: [r], links: [] });
}

async function measure(label: string, fn: () => Promise<void>): Promise<number> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  console.log(`${label.padEnd(44)} ${ms.toFixed(0).padStart(7)} ms wall  ${((cpu.user + cpu.system) / 1000).toFixed(0).padStart(7)} ms node CPU  ${(n / (ms / 1000)).toFixed(0).padStart(8)} rows/s`);
  return ms;
}

async function writeAll(store: Store): Promise<void> {
  for (let i = 0; i < n; i += batchSize) await store.writeBatch({ newIncidents: news.slice(i, i + batchSize), attachments: [], quarantine: [] });
}

console.log(`${n} single-report incidents in batches of ${batchSize}`);
const duck = await openStore(':memory:', { duckdb: { threads: '1' } });
const duckWrite = await measure('DuckDB store writeBatch (reference)', () => writeAll(duck));
const duckRead = await measure('DuckDB store readColumns', async () => { await duck.readColumns({}); });
await duck.close();

const db = await createTestDatabase('baseerat_bench');
try {
  const store = await openStore(db.appUrl as `postgres://${string}`, { maxConnections: 2 });
  const pgWrite = await measure('PostgreSQL store writeBatch (RLS, unique key)', () => writeAll(store));
  const pgRead = await measure('PostgreSQL store readColumns (full scope)', async () => { await store.readColumns({}); });
  const officer = store.scoped({ districts: ['Quetta'], maxClassification: 'SECRET' });
  await measure('PostgreSQL readColumns, 1-district scope', async () => { await officer.readColumns({}); });
  await measure('PostgreSQL writeBatch again (all duplicates)', () => writeAll(store));
  await store.close();

  const c = new pg.Client({ connectionString: db.adminUrl });
  await c.connect();
  await c.query(`CREATE UNLOGGED TABLE scratch (id text, occurred_at timestamptz, district text, category text, killed int, raw text, fields json)`);
  const floor = await measure('floor: unnest INSERT into a scratch table', async () => {
    for (let i = 0; i < n; i += batchSize) {
      const b = news.slice(i, i + batchSize).map((x) => x.reports[0]!);
      await c.query(`INSERT INTO scratch SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::int[], $6::text[], $7::json[])`, [
        news.slice(i, i + batchSize).map((x) => x.id), b.map((r) => r.occurredAt), b.map((r) => r.location.district ?? null), b.map((r) => r.category),
        b.map((r) => r.severity.killed), b.map((r) => r.source.raw), b.map((r) => JSON.stringify(r)),
      ]);
    }
  });
  await c.end();
  console.log(`ratios: PostgreSQL/DuckDB write ${(pgWrite / duckWrite).toFixed(2)}, read ${(pgRead / duckRead).toFixed(2)}; store write / floor ${(pgWrite / floor).toFixed(2)}`);
} finally {
  await db.drop();
}
