/**
 * The API as `baseerat serve` runs it (embedded encrypted store, real security, the dashboard), in
 * its own process so the load generator does not share its event loop. Rate limits are lifted: the
 * benchmark measures query latency, not the per-user token bucket (burst 30, 1/s on stats) that
 * would otherwise answer most requests with 429. Creates the account `bench` (analyst, SECRET) once
 * and keeps its TOTP secret beside the database. The store is behind the incident index as in `serve`
 * (BASEERAT_BENCH_NO_INDEX=1: without it). On IPC `{ writes: true }` it starts a live feed of a
 * 10-incident writeBatch a second, until `{ writes: false }`. Prints `READY <port>`.
 * Run by api.bench.ts: node --import tsx bench/api/server.ts DB PORT WEBDIR
 */
import { existsSync, writeFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { CATEGORY_CODES, incidentIdFor, type NewIncident } from '@baseerat/engine';
import { createApp } from '../../packages/server/src/api/index.js';
import { openEmbedded } from '../../packages/server/src/api/embedded.js';
import { warmDashboard } from '../../packages/server/src/api/warm-up.js';
import { resolveMasterKey } from '../../packages/server/src/cli/commands/serve.js';
import { loadGeography } from '../../packages/server/src/reference/geography.js';
import { IndexedStore } from '../../packages/server/src/store/incident-index/indexed-store.js';
import type { Store } from '../../packages/server/src/store/port.js';

const [db, portArg, webDir] = process.argv.slice(2) as [string, string, string];
// The control for list-crash-repro.ts: BASEERAT_BENCH_UNGUARDED=1 switches back on the JS-to-Wasm
// inlining that security/wasm-call-guard.ts switches off (the imports above have run it), i.e. the
// server as it was before the fix of the V8 fatal error. Never for anything but that comparison.
if (process.env['BASEERAT_BENCH_UNGUARDED'] === '1') {
  setFlagsFromString('--turbo-inline-js-wasm-calls');
  console.error('UNGUARDED: JS-to-Wasm call inlining switched back on (the pre-fix server, for the crash repro)');
}
export const BENCH_PASSWORD = 'bench password, not for production 1';
const userFile = `${db}.bench-user.json`;

const key = await resolveMasterKey(db, { create: true });
const e = await openEmbedded(db, key, new Date());
if (!existsSync(userFile) || !(await e.security.accounts.listUsers()).some((u) => u.username === 'bench')) {
  const en = await e.security.accounts.createUser({ username: 'bench', password: BENCH_PASSWORD, role: 'analyst', clearance: 'SECRET' }, { id: 'system', from: 'bench' }, new Date());
  writeFileSync(userFile, JSON.stringify({ username: 'bench', password: BENCH_PASSWORD, totpSecret: en.totpSecret }), { mode: 0o600 });
}
const unlimited = { capacity: 1e12, refillPerSecond: 1e12 };
const geography = loadGeography();
// as serve does: the store behind the incident index (store/incident-index); BASEERAT_BENCH_NO_INDEX=1
// leaves it out, for the comparison with the store's own queries and read cache
let store: Store = e.store;
if (process.env['BASEERAT_BENCH_NO_INDEX'] !== '1') {
  const heap0 = process.memoryUsage();
  const cpu0 = process.cpuUsage();
  const indexed = new IndexedStore(e.store, { onDisabled: (r) => console.error(`incident index off: ${r}`) });
  const t0 = performance.now();
  await indexed.loaded;
  const cpu = process.cpuUsage(cpu0);
  const heap1 = process.memoryUsage();
  const n = indexed.indexLength() ?? 0;
  console.error(`incident index: ${indexed.state}, ${n.toLocaleString('en-US')} incidents loaded in ${((performance.now() - t0) / 1000).toFixed(2)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU; `
    + `typed arrays ${((indexed.indexBytes() ?? 0) / 1e6).toFixed(1)} MB (${n > 0 ? ((indexed.indexBytes() ?? 0) / n).toFixed(1) : '-'} B per incident at this capacity); `
    + `arrayBuffers ${((heap1.arrayBuffers - heap0.arrayBuffers) / 1e6).toFixed(1)} MB more, rss ${(heap1.rss / 1e6).toFixed(0)} MB`);
  store = indexed;
}
const app = await createApp({ store, security: e.security, geography, webDir, rateLimits: { heavy: unlimited, login: unlimited } });
// as serve does before it listens (api/warm-up.ts); BASEERAT_BENCH_NO_WARMUP=1 leaves it out, for the comparison
if (process.env['BASEERAT_BENCH_NO_WARMUP'] !== '1') {
  const warm = await warmDashboard({ store, security: e.security, geography });
  console.error(`warm-up: ${warm.views} filter(s) for ${warm.accounts} account(s) in ${(warm.ms / 1000).toFixed(2)} s`);
}

// A live feed on demand (IPC from api.bench.ts: { writes: true | false }): every second a batch of
// LIVE_BATCH new incidents through the store (so through the index), as a feed's writes arrive.
const LIVE_BATCH = 10;
const districts = geography.districtsIn('Balochistan');
let live: NodeJS.Timeout | undefined;
let liveN = 0;
const liveMs: number[] = [];
process.on('message', (m: { writes?: boolean }) => {
  if (m.writes === true && live === undefined) {
    live = setInterval(() => {
      const t0 = performance.now();
      const batch: NewIncident[] = [];
      for (let k = 0; k < LIVE_BATCH; k++, liveN++) {
        const d = districts[liveN % districts.length]!;
        const sourceId = `L${process.pid}-${Date.now()}-${liveN}`;
        batch.push({
          id: incidentIdFor(`police:${sourceId}`),
          reports: [{
            occurredAt: new Date(Date.UTC(2024, 11, 1) + liveN * 60_000).toISOString(), timePrecision: 'exact',
            location: { lat: d.centroid.lat, lon: d.centroid.lon, precision: 'exact', district: d.name, province: 'Balochistan' },
            category: CATEGORY_CODES[liveN % CATEGORY_CODES.length]!, severity: { killed: 0, injured: 1, abducted: 0 },
            classification: 'RESTRICTED', reportingMode: 'public',
            source: { agency: 'police', sourceId, receivedAt: new Date().toISOString(), format: 'bench', raw: sourceId },
          }],
          links: [],
        });
      }
      void store.writeBatch({ newIncidents: batch, attachments: [], quarantine: [] }).then(() => liveMs.push(performance.now() - t0), (err: unknown) => console.error(`live write failed: ${String(err)}`));
    }, 1000);
  } else if (m.writes === false && live !== undefined) {
    clearInterval(live);
    live = undefined;
    const sorted = [...liveMs].sort((a, b) => a - b);
    console.error(`live feed: ${liveMs.length} batches of ${LIVE_BATCH} written, ${sorted.length > 0 ? `median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(1)} ms, max ${sorted[sorted.length - 1]!.toFixed(1)} ms each` : ''}`);
    liveMs.length = 0;
  }
});
// The store loads its write-side look-up structures (source keys, incident ids) on first use, which
// cost the first write after a start about 12 s at 1,000,000 incidents: paid here, before the
// measures, so that the live feed's rows measure the steady state.
{
  const t0 = performance.now();
  await e.store.existingSourceKeys(['bench:warm-up']);
  await e.store.getIncident('inc_0000000000000000');
  console.error(`store write-side look-ups loaded in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
}
// The incident detail side file (store/duckdb/detail-file.ts) loads, or is rebuilt from DuckDB, in
// the background from the store's open; until then the detail reads go to DuckDB. Waited for here.
{
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  await e.store.detailFileSettled();
  const cpu = process.cpuUsage(c0);
  const d = e.store.detailFileStats;
  console.error(`detail side file: ${d === undefined ? 'none' : `${d.state}${d.lastRebuildReason === undefined ? ' (loaded)' : ` (rebuilt: ${d.lastRebuildReason})`}, ${(d.bytes.file / 1e6).toFixed(1)} MB, ${(d.bytes.dead / 1e6).toFixed(1)} MB superseded, served ${((d.readyAfterMs ?? NaN) / 1000).toFixed(2)} s after the store's open (or the rebuild's start)`}; `
    + `waited ${((performance.now() - t0) / 1000).toFixed(2)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU after the look-ups`);
}
await app.listen({ port: Number(portArg), host: '127.0.0.1' });
console.log(`READY ${portArg}`);
const stop = () => { void app.close().then(() => e.close()).then(() => process.exit(0)); };
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
