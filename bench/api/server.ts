/**
 * The API as `baseerat serve` runs it (embedded encrypted store, real security, the dashboard), in
 * its own process so the load generator does not share its event loop. Rate limits are lifted: the
 * benchmark measures query latency, not the per-user token bucket (burst 30, 1/s on stats) that
 * would otherwise answer most requests with 429. Creates the account `bench` (analyst, SECRET) once
 * and keeps its TOTP secret beside the database. Prints `READY <port>`.
 * Run by api.bench.ts: node --import tsx bench/api/server.ts DB PORT WEBDIR
 */
import { existsSync, writeFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { createApp } from '../../packages/server/src/api/index.js';
import { openEmbedded } from '../../packages/server/src/api/embedded.js';
import { warmDashboard } from '../../packages/server/src/api/warm-up.js';
import { resolveMasterKey } from '../../packages/server/src/cli/commands/serve.js';
import { loadGeography } from '../../packages/server/src/reference/geography.js';

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
const app = await createApp({ store: e.store, security: e.security, geography, webDir, rateLimits: { heavy: unlimited, login: unlimited } });
// as serve does before it listens (api/warm-up.ts); BASEERAT_BENCH_NO_WARMUP=1 leaves it out, for the comparison
if (process.env['BASEERAT_BENCH_NO_WARMUP'] !== '1') {
  const warm = await warmDashboard({ store: e.store, security: e.security, geography });
  console.error(`warm-up: ${warm.views} filter(s) for ${warm.accounts} account(s) in ${(warm.ms / 1000).toFixed(2)} s`);
}
await app.listen({ port: Number(portArg), host: '127.0.0.1' });
console.log(`READY ${portArg}`);
const stop = () => { void app.close().then(() => e.close()).then(() => process.exit(0)); };
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
