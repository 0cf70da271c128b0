/**
 * bench/store/live-tables-dump: what this tree's store writes for the live path, as text, to compare
 * two trees (a change to the store's write must not change what is stored). The path bench's feed
 * (3,000 distinct records by default, then the first 1,000 of each 2,000 again: duplicates) goes
 * through the live ingestor into an encrypted store with a fixed master key and clock; then every
 * row of `incidents`, `reports` (sensitive columns decrypted: IVs are random), `quarantine` and
 * `ingest_runs` (times left out), `getIncident` of every incident, and every frame of the side file
 * (payload JSON, ciphertexts decrypted) is printed, one a line. Two runs of one tree differ only in
 * `ingest_runs.id` (random).
 *
 *   npx tsx bench/store/live-tables-dump.ts [events] > after.txt   (and in a worktree of the other commit; then diff)
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { linkBatch } from '@baseerat/engine';
import { openEmbedded } from '../../packages/server/src/api/embedded.js';
import { benchFeed } from '../realtime/bench-feed.js';
import { createLiveIngestor } from '../../packages/server/src/ingest/pipeline.js';
import { loadMappingFile } from '../../packages/server/src/ingest/mapping.js';
import { loadGeography } from '../../packages/server/src/reference/geography.js';
import { STORE_DATASET } from '../../packages/server/src/security/store-keys.js';
import { parseDetail } from '../../packages/server/src/store/duckdb/detail-record.js';

const events = Number(process.argv[2] ?? 8000);
const dir = mkdtempSync(join(tmpdir(), 'A-tables-'));
const record = benchFeed(join(dir, 'feed'), 3_000);
const texts: string[] = [];
for (let i = 0; i < events; i++) texts.push(JSON.stringify(record(i)));
const now = new Date('2026-11-27T12:00:00.000Z');
const e = await openEmbedded(join(dir, 'store.duckdb'), Buffer.alloc(32, 7), now);
const ingestor = createLiveIngestor({ adapter: await loadMappingFile(new URL('../realtime/bench-mapping.json', import.meta.url).pathname), agency: 'bench', store: e.store, geocoder: loadGeography(), link: linkBatch, receivedAt: now.toISOString(), origin: 'nats:bench', batchSize: 1001, progressIntervalMs: 0 });
// each record twice (the second time a duplicate), batches of 1,000
for (let i = 0; i < events; i += 1000) await ingestor.push(texts.slice(i, i + 1000).map((s) => JSON.parse(s) as unknown));
for (let i = 0; i < events; i += 2000) await ingestor.push(texts.slice(i, i + 1000).map((s) => JSON.parse(s) as unknown));
await ingestor.close();
await e.store.detailFileSettled();
const codec = await e.security.cipherFor(STORE_DATASET, now);
const conn = await e.store.duckdbInstance.connect();
const out: string[] = [];
const dec = (v: unknown, field: string, id: string) => (v === null ? null : `dec(${codec.decode(String(v), field, id)})`);
const inc = (await conn.runAndReadAll('SELECT * EXCLUDE (narrative), narrative FROM incidents ORDER BY seq')).getRowObjectsJson();
for (const r of inc) { const n = r['narrative']; r['narrative'] = dec(n, 'incidents.narrative', String(r['id'])); out.push(JSON.stringify(r)); }
const rep = (await conn.runAndReadAll('SELECT * FROM reports ORDER BY seq')).getRowObjectsJson();
for (const r of rep) {
  const key = `${String(r['agency'])}:${String(r['source_id'])}`;
  r['raw'] = dec(r['raw'], Number(r['layout']) === 2 ? 'reports.record' : 'reports.raw', key);
  r['narrative'] = dec(r['narrative'], 'reports.narrative', key);
  out.push(JSON.stringify(r));
}
for (const t of ['quarantine', 'ingest_runs']) {
  try { for (const r of (await conn.runAndReadAll(`SELECT * EXCLUDE (started_at, finished_at) FROM ${t} ORDER BY ALL`)).getRowObjectsJson()) out.push(t + ' ' + JSON.stringify(r)); } catch (err) { out.push(`${t}: ${(err as Error).message.split('\n')[0]}`); }
}
conn.closeSync();
// every incident as getIncident gives it (the side file's answer once it is ready)
for (const r of inc) out.push(JSON.stringify(await e.store.getIncident(String(r['id']))));
await e.close();
// the side file's frames: payload JSON with ciphertexts decrypted (IVs are random)
const side = readdirSync(dir).filter((f) => !f.endsWith('.duckdb') && !f.endsWith('.wal') && f !== 'feed');
out.push(`side files: ${side.join(',')}`);
for (const f of side) {
  const buf = readFileSync(join(dir, f));
  for (let at = 24; at + 28 <= buf.length;) {
    const kind = buf.readUInt32LE(at), len = buf.readUInt32LE(at + 4), a = buf.readDoubleLE(at + 8), b = buf.readDoubleLE(at + 16);
    if (kind !== 0x494e4331 || len === 0) { out.push(`frame ${kind} ${a} ${b} ${len}`); at += 28 + len; continue; }
    const [row, sources] = parseDetail(buf.subarray(at + 28, at + 28 + len)) as unknown as [unknown[], unknown[][]];
    const r = [...row]; if (r[17] != null) r[17] = dec(r[17], 'incidents.narrative', String(r[0]));
    const ss = sources.map((x) => { const y = [...x]; y[4] = dec(y[4], Number(y[5]) === 2 ? 'reports.record' : 'reports.raw', `${String(y[0])}:${String(y[1])}`); if (y[6] != null) y[6] = dec(y[6], 'reports.narrative', `${String(y[0])}:${String(y[1])}`); return y; });
    out.push(`frame ${kind} ${a} ${b} ${JSON.stringify([r, ss])}`);
    at += 28 + len;
  }
}
console.log(out.join('\n'));
