/**
 * Per-request authentication cost (issue #7): what the auth hook does for every API request
 * (AccountService.authenticate: the session and the user read, the session touched; then a
 * RequestAuthorizer and the route's first Cedar check), with C concurrent callers for S seconds on
 * the bench store, in process (no HTTP). Prints calls/s, per-call latency (p50/p95) and CPU per call.
 * Run: TZ=UTC npx tsx bench/api/auth-cost.ts [DB] [--connections C] [--seconds S]
 * (the bench user must exist: run bench/api/server.ts on DB once; no server may hold DB open).
 */
import { readFileSync } from 'node:fs';
import { openEmbedded } from '../../packages/server/src/api/embedded.js';
import { resolveMasterKey } from '../../packages/server/src/cli/commands/serve.js';
import { totp, base32Decode } from '../../packages/server/src/security/totp.js';

const arg = (name: string, def: string) => { const i = process.argv.indexOf(`--${name}`); return i >= 0 ? process.argv[i + 1] ?? def : def; };
const db = process.argv[2] !== undefined && !process.argv[2].startsWith('--') ? process.argv[2] : '/tmp/baseerat-bench-api/api.duckdb';
const C = Number(arg('connections', '20'));
const S = Number(arg('seconds', '5'));
const user = JSON.parse(readFileSync(`${db}.bench-user.json`, 'utf8')) as { username: string; password: string; totpSecret: string };
const e = await openEmbedded(db, await resolveMasterKey(db, { create: false }), new Date());
try {
  const login = await e.security.accounts.login({ username: user.username, password: user.password, totp: totp(base32Decode(user.totpSecret), Date.now()), from: '127.0.0.1' }, new Date());
  if (!login.ok) throw new Error(`login: ${JSON.stringify(login)}`);
  const token = login.token;
  const oneRequest = async () => {
    const s = await e.security.accounts.authenticate(token, '127.0.0.1', new Date());
    if (!s.ok) throw new Error(`authenticate: ${s.reason}`);
    const authz = e.security.policies.forRequest(s.principal, { mfa: true });
    if (!authz.can('listIncidents', { kind: 'System', id: 'incidents' })) throw new Error('listIncidents denied');
  };
  for (let i = 0; i < 50; i++) await oneRequest(); // warm-up
  const lat: number[] = [];
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const end = t0 + S * 1000;
  await Promise.all(Array.from({ length: C }, async () => {
    while (performance.now() < end) {
      const a = performance.now();
      await oneRequest();
      lat.push(performance.now() - a);
    }
  }));
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  lat.sort((a, b) => a - b);
  const pct = (p: number) => lat[Math.min(lat.length - 1, Math.ceil(p * lat.length) - 1)]!.toFixed(2);
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(`authenticate + first Cedar check, ${C} concurrent callers, ${(wall / 1000).toFixed(1)} s: ${lat.length} calls, ${(lat.length / (wall / 1000)).toFixed(0)} calls/s, p50 ${pct(0.5)} ms, p95 ${pct(0.95)} ms, CPU ${((cpu.user + cpu.system) / 1000 / lat.length).toFixed(3)} ms per call; load average ${load}`);
} finally {
  await e.close();
}
