/**
 * Reproduction aid for the V8 fatal error seen under load on the full incident list (Node 20.20.2,
 * "unreachable code" in Deoptimizer::DoComputeBuiltinContinuation; docs/benchmarks.md, "API and
 * dashboard"). Start the bench server on the 1M store that api.bench.ts seeds, then hammer one list
 * query with 20 connections and see whether the server process survives:
 *   node --import tsx bench/api/server.ts /tmp/baseerat-bench-api/api.duckdb 18801 packages/web/dist &
 *   npx tsx bench/api/list-crash-repro.ts 18801 60 'districts=Quetta&limit=500' [DB]
 * Seen 2026-11-27 04:00: the server died after 16 answered requests; two later 30 s runs (one with
 * --no-turbo-inlining) survived, so the crash is intermittent. Not a test: it asserts nothing.
 * Cause, found 05:00: V8 inlining the call into Cedar's WebAssembly (externref result) and then
 * deoptimizing the caller lazily during it; fixed by security/wasm-call-guard.ts. The forced,
 * deterministic reproduction is packages/server/test/security/fixtures/cedar-lazy-deopt.ts; for the
 * pre-fix server here, start bench/api/server.ts with BASEERAT_BENCH_UNGUARDED=1.
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { base32Decode, totp } from '../../packages/server/src/security/totp.js';

const port = Number(process.argv[2] ?? 18801);
const seconds = Number(process.argv[3] ?? 60);
const query = process.argv[4] ?? 'districts=Quetta&limit=500';
const db = process.argv[5] ?? '/tmp/baseerat-bench-api/api.duckdb';
const user = JSON.parse(readFileSync(`${db}.bench-user.json`, 'utf8')) as { username: string; password: string; totpSecret: string };
const origin = `http://127.0.0.1:${port}`;
const login = await fetch(`${origin}/api/auth/login`, {
  method: 'POST', headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ username: user.username, password: user.password, totp: totp(base32Decode(user.totpSecret), Date.now()) }),
});
if (!login.ok) throw new Error(`login: ${login.status} ${await login.text()}`);
const { token } = (await login.json()) as { token: string };
const r = await new Promise<{ requests: { total: number }; errors: number; timeouts: number; non2xx: number }>((ok, fail) => {
  autocannon({ url: `${origin}/api/incidents?${query}`, connections: 20, duration: seconds, headers: { authorization: `Bearer ${token}` } }, (err, res) => (err ? fail(err) : ok(res)));
});
console.log(`answered ${r.requests.total}, connection errors ${r.errors}, timeouts ${r.timeouts}, non-2xx ${r.non2xx}; now check whether the server process is still alive`);
