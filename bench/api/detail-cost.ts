/**
 * What one incident detail read (GET /api/incidents/:id, the map's click) costs, stage by stage
 * (issue #7), in process (no HTTP, no Fastify): the store's `getIncident`, the audit append of the
 * read, and the route's whole work (the store read, the Cedar decision, the field reads through the
 * AccessGate with their audit). Each stage runs with C concurrent callers for S seconds on the bench
 * store, a different incident each call; prints calls/s, latency p50/p95 and the process's CPU per
 * call (DuckDB's threads included).
 * Run: TZ=UTC npx tsx bench/api/detail-cost.ts [DB] [--connections C] [--seconds S] [--duckdb-threads N]
 * (`--duckdb-threads N`: DuckDB's global `threads` setting first, to compare; the store leaves DuckDB's default, the core count).
 * (the bench user must exist: run bench/api/server.ts on DB once; no server may hold DB open).
 */
import { readFileSync } from 'node:fs';
import { incidentViews } from '../../packages/server/src/api/routes/incidents.js';
import { incidentLabel } from '../../packages/server/src/api/need-to-know.js';
import { openEmbedded } from '../../packages/server/src/api/embedded.js';
import { resolveMasterKey } from '../../packages/server/src/cli/commands/serve.js';
import { AccessGate } from '../../packages/server/src/security/access-gate.js';
import { base32Decode, totp } from '../../packages/server/src/security/totp.js';

const arg = (name: string, def: string) => { const i = process.argv.indexOf(`--${name}`); return i >= 0 ? process.argv[i + 1] ?? def : def; };
const db = process.argv[2] !== undefined && !process.argv[2].startsWith('--') ? process.argv[2] : '/tmp/baseerat-bench-api/api.duckdb';
const C = Number(arg('connections', '20'));
const S = Number(arg('seconds', '4'));
const THREADS = arg('duckdb-threads', '');
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const e = await openEmbedded(db, await resolveMasterKey(db, { create: false }), new Date());
try {
  if (THREADS !== '') {
    const c = await e.store.duckdbInstance.connect();
    await c.run(`SET threads = ${Number(THREADS)}`);
    c.closeSync();
  }
  const user = JSON.parse(readFileSync(`${db}.bench-user.json`, 'utf8')) as { username: string; password: string; totpSecret: string };
  const login = await e.security.accounts.login({ username: user.username, password: user.password, totp: totp(base32Decode(user.totpSecret), Date.now()), from: '127.0.0.1' }, new Date());
  if (!login.ok) throw new Error(`login: ${JSON.stringify(login)}`);
  const session = await e.security.accounts.authenticate(login.token, '127.0.0.1', new Date());
  if (!session.ok) throw new Error(`authenticate: ${session.reason}`);
  const principal = session.principal;
  const authz = e.security.policies.forRequest(principal, { mfa: true });
  const gate = new AccessGate(authz, e.security.audit, '127.0.0.1');
  // 20,000 ids spread over the years (the points of 40 one-month windows, as api.bench.ts picks them)
  const ids: string[] = [];
  for (let m = 0; m < 40; m++) {
    const from = new Date(Date.UTC(2015 + Math.floor((m * 3) / 12), (m * 3) % 12, 1)).toISOString();
    ids.push(...(await e.store.listPoints({ from }, 500)).items.map((p) => p.id));
  }
  // the store's look-up structures load on first use (bench/api/server.ts pays this before its measures too)
  await e.store.existingSourceKeys(['bench:warm-up']);
  await e.store.getIncident('inc_0000000000000000');
  // the incident detail side file (store/duckdb/detail-file.ts) loads or is rebuilt in the background: wait for it
  await e.store.detailFileSettled();
  const d = e.store.detailFileStats;
  console.log(`detail side file: ${d === undefined ? 'none' : `${d.state}${d.lastRebuildReason === undefined ? ' (loaded)' : ` (rebuilt: ${d.lastRebuildReason})`}, ${(d.bytes.file / 1e6).toFixed(1)} MB, served ${((d.readyAfterMs ?? NaN) / 1000).toFixed(2)} s after the open`}`);
  let k = 0;
  const nextId = () => ids[(k++ * 7919) % ids.length]!;
  const stages: [string, () => Promise<unknown>][] = [
    ['store.getIncident', async () => { if ((await e.store.getIncident(nextId())) === undefined) throw new Error('missing incident'); }],
    ['store.getIncidentFromTables (the DuckDB read, without the side file)', async () => { if ((await e.store.getIncidentFromTables(nextId())) === undefined) throw new Error('missing incident'); }],
    ['audit append of one read (AuditLog.recordMany, 1 entry)', () => e.security.audit.recordMany([{ actor: principal.id, action: 'data.read', target: nextId(), from: '127.0.0.1', outcome: 'success', details: { field: 'raw', classification: 'RESTRICTED' } }], new Date())],
    ['the route: getIncident + Cedar + gated field reads and their audit', async () => {
      const t = new Date();
      const inc = await e.store.getIncident(nextId());
      if (inc === undefined || !(await gate.check('viewIncident', { kind: 'Record', id: inc.id, label: incidentLabel(inc) }, t))) throw new Error('not visible');
      await incidentViews(gate, [inc], true, t);
    }],
  ];
  console.log(`DuckDB threads ${THREADS || 'default'}; ${ids.length} incident ids; ${C} concurrent callers, ${S} s per stage; load average before ${load()}`);
  for (const [name, call] of stages) {
    for (let i = 0; i < 50; i++) await call(); // warm-up
    for (const callers of [1, C]) {
      const lat: number[] = [];
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const end = t0 + S * 1000;
      await Promise.all(Array.from({ length: callers }, async () => {
        while (performance.now() < end) {
          const a = performance.now();
          await call();
          lat.push(performance.now() - a);
        }
      }));
      const wall = performance.now() - t0;
      const cpu = process.cpuUsage(c0);
      lat.sort((a, b) => a - b);
      const pct = (p: number) => lat[Math.min(lat.length - 1, Math.ceil(p * lat.length) - 1)]!.toFixed(2);
      console.log(`${name}, ${callers} caller(s): ${lat.length} calls, ${(lat.length / (wall / 1000)).toFixed(0)} calls/s, p50 ${pct(0.5)} ms, p95 ${pct(0.95)} ms, CPU ${((cpu.user + cpu.system) / 1000 / lat.length).toFixed(2)} ms per call`);
    }
  }
  console.log(`load average after ${load()}`);
} finally {
  await e.close();
}
