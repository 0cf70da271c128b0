/**
 * Server-mode scaling on one machine (issue #12): N real `baseerat serve --db postgres://...` API
 * processes and N real `baseerat worker` processes on the real PostgreSQL and NATS JetStream, for
 * N = 1 and then N = 2. For each configuration: a fresh database and stream; M events published first
 * (the backlog); the API processes started and answering /healthz; two accounts logged in with TOTP
 * (a district officer for Quetta, CONFIDENTIAL, and an analyst, SECRET, all districts); then the
 * dashboard's queries (autocannon, C connections per query in both configurations, spread
 * round-robin over the API processes: the same offered concurrency, served by 1 or by 2 processes)
 * run while the workers start and drain the backlog.
 *
 * Measured: the sustained ingest rate from the first stored report to the last (worker start-up
 * excluded); the API's latency percentiles and requests/s over the same window (every answered
 * request's own latency, requests finished inside the window only), overall and per query; non-2xx
 * answers; CPU seconds of every API and worker process (/proc/<pid>/stat) and of this process (the
 * autocannon client); load average before and after.
 *
 * Queries: the map points (`/api/incidents/points?province=Balochistan&limit=500`), the list
 * (`/api/incidents?limit=50`, narratives decrypted and audited), the per-agency statistics
 * (`/api/sources`, the same scoped `store.stats` as `/api/stats`, which is behind the per-user
 * "heavy" rate limit of 1/s and would answer 429 here) and the session (`/api/auth/me`), as the
 * officer; points and sources as the analyst. Every API process and worker runs with `--no-monitor`
 * (storage and reads only: no live rules) and the same BASEERAT_MASTER_KEY (narratives and raw
 * records encrypted).
 *
 * Run: TZ=UTC flock /tmp/bench.lock npx tsx bench/server/scale.bench.ts [events=100000] [configs=1,2] [connections per query=2]
 * (connections per query: a multiple of every configuration's process count). Phases go to stderr.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import autocannon from 'autocannon';
import { openServerMode } from '../../packages/server/src/api/server-mode.js';
import { writeSyntheticFeed } from '../../packages/server/src/generate/index.js';
import { base32Decode, totp } from '../../packages/server/src/security/totp.js';
import { createTestDatabase } from '../../packages/server/test/store/pg-test-database.js';

const M = Number(process.argv[2] ?? 100_000);
const CONFIGS = (process.argv[3] ?? '1,2').split(',').map(Number);
const PER_QUERY = Number(process.argv[4] ?? 2);
const dir = mkdtempSync(join(tmpdir(), 'baseerat-scale-'));
writeSyntheticFeed(join(dir, 'feed'), { seed: 1, start: '2024-01-01T00:00:00.000Z', end: '2024-01-02T00:00:00.000Z', malformedShare: 0 });
const mappings = join(dir, 'feed', 'mappings');
const PLACES: [number, number, string][] = [[30.19, 67.01, 'Quetta'], [26.0, 63.05, 'Kech'], [27.8, 66.6, 'Khuzdar'], [29.03, 66.59, 'Kalat'], [29.55, 67.88, 'Sibi'], [31.34, 69.45, 'Zhob']];
const TYPES = ['IED', 'PROTEST', 'IBO', 'APPREHENSION', 'RECOVERY', 'SMUGGLING POL', 'CP INCIDENT', 'EXCHANGE OF FIRE'];
const t0 = Date.UTC(2020, 0, 1);
const event = (i: number) => {
  const [lat, lon] = PLACES[i % PLACES.length]!;
  const t = t0 + i * 60_000; // in order, one a minute, as a live feed
  return {
    report_id: `FC-${i}`, time_utc: new Date(t).toISOString(), lat: +(lat + ((i * 37) % 100) / 2000 - 0.025).toFixed(5), lon: +(lon + ((i * 53) % 100) / 2000 - 0.025).toFixed(5),
    incident_type: TYPES[i % TYPES.length], killed: i % 3, wounded: i % 4, abducted: 0, classification: 'CONFIDENTIAL', target: 'civilians',
  };
};
const exited = (c: ChildProcess) => (c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise((r) => c.once('exit', r)));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** CPU seconds (user + system) of a live process, from /proc/<pid>/stat (clock ticks of 1/100 s). */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch { return NaN; }
}
const pct = (sorted: readonly number[], p: number) => (sorted.length === 0 ? null : +sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!.toFixed(1));

interface Query { name: string; path: string; user: 'officer' | 'analyst' }
const QUERIES: Query[] = [
  { name: 'points (officer)', path: '/api/incidents/points?province=Balochistan&limit=500', user: 'officer' },
  { name: 'list 50 (officer)', path: '/api/incidents?limit=50', user: 'officer' },
  { name: 'sources stats (officer)', path: '/api/sources', user: 'officer' },
  { name: 'session (officer)', path: '/api/auth/me', user: 'officer' },
  { name: 'points (analyst)', path: '/api/incidents/points?province=Balochistan&limit=500', user: 'analyst' },
  { name: 'sources stats (analyst)', path: '/api/sources', user: 'analyst' },
];
const PASSWORD = 'scale bench passphrase 2026';

interface Done { at: number; ms: number; status: number }
const results: unknown[] = [];
const began = Date.now();
const phase = (what: string) => process.stderr.write(`[${((Date.now() - began) / 1000).toFixed(1)} s] ${what}\n`);
const nc = await connect({ servers: '127.0.0.1:4222', name: 'scale-bench' });
const jsm = await jetstreamManager(nc);
const js = jetstream(nc);
const port0 = 19100 + Math.floor(Math.random() * 400);
// Stopped from outside (timeout, ^C): end the child processes, drop the database and the stream.
let cleanup: (() => Promise<void>) | undefined;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => { phase(`${sig}: cleaning up`); void (cleanup?.() ?? Promise.resolve()).finally(() => process.exit(130)); });
}
for (const n of CONFIGS) {
  const tag = randomBytes(3).toString('hex');
  const stream = `SCALE_${tag}`, prefix = `scale${tag}.ingest`;
  const db = await createTestDatabase('baseerat_scale');
  const children: ChildProcess[] = [];
  cleanup = async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await jsm.streams.delete(stream).catch(() => undefined);
    await db.drop().catch(() => undefined);
  };
  try {
    await jsm.streams.add({ name: stream, subjects: [`${prefix}.>`] });
    const pending = new Set<Promise<unknown>>();
    for (let i = 0; i < M; i++) {
      while (pending.size >= 2000) await Promise.race(pending);
      const p = js.publish(`${prefix}.fc`, JSON.stringify(event(i)), { msgID: `fc:${i}` }).finally(() => pending.delete(p));
      pending.add(p);
    }
    await Promise.all(pending);
    phase(`${n}+${n}: ${M} events published`);

    // accounts and data keys first, in one short-lived server-mode context
    const masterKey = randomBytes(32);
    const secrets: Record<'officer' | 'analyst', string> = { officer: '', analyst: '' };
    {
      const sm = await openServerMode(db.appUrl, masterKey, new Date());
      const actor = { id: 'system', from: 'scale-bench' };
      secrets.officer = (await sm.security.accounts.createUser({ username: 'officer', password: PASSWORD, role: 'district_officer', clearance: 'CONFIDENTIAL', districts: ['Quetta'] }, actor, new Date())).totpSecret;
      secrets.analyst = (await sm.security.accounts.createUser({ username: 'analyst', password: PASSWORD, role: 'analyst', clearance: 'SECRET' }, actor, new Date())).totpSecret;
      await sm.close();
    }
    const env: NodeJS.ProcessEnv = { ...process.env, BASEERAT_DATABASE_URL: db.appUrl, BASEERAT_MASTER_KEY: masterKey.toString('base64'), BASEERAT_LOG_LEVEL: 'warn', TZ: 'UTC' };
    delete env['BASEERAT_NATS_URL'];

    const origins = Array.from({ length: n }, (_, k) => `http://127.0.0.1:${port0 + 10 * (n - 1) + k}`);
    const apis = origins.map((o) => spawn(process.execPath, ['packages/server/bin/baseerat.mjs', 'serve', '--db', db.appUrl, '--port', new URL(o).port, '--no-web', '--no-monitor', '--mappings', mappings], { env, stdio: ['ignore', 'ignore', 'inherit'] }));
    children.push(...apis);
    for (const o of origins) {
      for (let k = 0; ; k++) {
        if (apis.some((a) => a.exitCode !== null)) throw new Error('an API process exited during start-up');
        const ok = await fetch(`${o}/healthz`).then((r) => r.ok, () => false);
        if (ok) break;
        if (k > 600) throw new Error(`${o} did not become healthy`);
        await sleep(200);
      }
    }
    phase(`${n}+${n}: API processes healthy`);
    const tokens: Record<string, string> = {};
    for (const [u, secret] of Object.entries(secrets)) {
      const r = await fetch(`${origins[0]}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: u, password: PASSWORD, totp: totp(base32Decode(secret), Date.now()) }) });
      if (!r.ok) throw new Error(`login ${u}: ${r.status} ${await r.text()}`);
      tokens[u] = ((await r.json()) as { token: string }).token;
    }

    // the dashboard load, running until the backlog is drained
    const done: Done[][] = QUERIES.map(() => []);
    const instances = QUERIES.map((q, k) => {
      const inst = autocannon({ url: origins.map((o) => `${o}${q.path}`) as unknown as string, connections: PER_QUERY, duration: 3600, timeout: 30, headers: { authorization: `Bearer ${tokens[q.user]}` } });
      inst.on('response', (_c, status, _b, ms) => { done[k]!.push({ at: Date.now(), ms, status }); });
      return inst;
    });
    const finished = instances.map((inst) => new Promise<void>((r) => inst.on('done', () => r())));
    const load0 = loadavg();
    const cpu0 = process.cpuUsage();
    writeFileSync(join(dir, `worker-${tag}.json`), JSON.stringify({ stream, prefix, maxConnections: 3 }));
    const workers = Array.from({ length: n }, () => spawn(process.execPath, [
      'packages/server/bin/baseerat.mjs', 'worker', '--config', join(dir, `worker-${tag}.json`), '--agencies', 'fc', '--mappings', mappings, '--ops-port', '0', '--batch', '2000', '--no-monitor', '--no-alert-bus',
    ], { env: { ...env, BASEERAT_NATS_URL: '127.0.0.1:4222' }, stdio: ['ignore', 'ignore', 'inherit'] }));
    children.push(...workers);
    phase(`${n}+${n}: load running, workers started`);
    let firstAt: number | undefined, firstCount = 0, lastAt = 0, count = 0;
    while (count < M) {
      await sleep(250);
      if (workers.every((w) => w.exitCode !== null)) throw new Error('every worker exited');
      count = Number((await db.admin(`SELECT count(*)::int AS n FROM reports`)).rows[0].n);
      if (count > 0 && firstAt === undefined) { firstAt = Date.now(); firstCount = count; phase(`${n}+${n}: first stored`); }
      lastAt = Date.now();
    }
    const cpu = { apis: apis.map((a) => cpuSeconds(a.pid)), workers: workers.map((w) => cpuSeconds(w.pid)), client: (process.cpuUsage(cpu0).user + process.cpuUsage(cpu0).system) / 1e6 };
    for (const inst of instances) (inst as unknown as { stop(): void }).stop();
    await Promise.all(finished);
    const load1 = loadavg();
    const start = firstAt ?? lastAt;
    const seconds = (lastAt - start) / 1000;
    const inWindow = done.map((d) => d.filter((x) => x.at >= start && x.at <= lastAt));
    const summary = (xs: Done[]) => {
      const ms = xs.map((x) => x.ms).sort((a, b) => a - b);
      return { requests: xs.length, perSecond: +(xs.length / Math.max(seconds, 0.001)).toFixed(1), non2xx: xs.filter((x) => x.status < 200 || x.status > 299).length, p50: pct(ms, 0.5), p95: pct(ms, 0.95), p99: pct(ms, 0.99) };
    };
    const result = {
      processes: n, events: M, seconds: +seconds.toFixed(1), ingestPerSecond: Math.round((count - firstCount) / Math.max(seconds, 0.001)),
      api: summary(inWindow.flat()), perQuery: Object.fromEntries(QUERIES.map((q, k) => [q.name, summary(inWindow[k]!)])),
      cpuSeconds: cpu, loadBefore: load0.map((x) => +x.toFixed(2)), loadAfter: load1.map((x) => +x.toFixed(2)),
    };
    phase(`${n}+${n}: backlog drained`);
    results.push(result);
    console.log(JSON.stringify(result));
  } finally {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
    await Promise.race([Promise.all(children.map(exited)), sleep(20_000)]);
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await jsm.streams.delete(stream).catch(() => undefined);
    await db.drop();
    cleanup = undefined;
  }
}
await nc.close();
rmSync(dir, { recursive: true, force: true });
type R = { processes: number; ingestPerSecond: number; api: { p95: number | null; perSecond: number } };
if (results.length === 2) {
  const [a, b] = results as [R, R];
  console.log(`ratio ${b.processes}+${b.processes} / ${a.processes}+${a.processes}: ingest rate ${(b.ingestPerSecond / a.ingestPerSecond).toFixed(2)}, API p95 ${((b.api.p95 ?? NaN) / (a.api.p95 ?? NaN)).toFixed(2)}, API requests/s ${(b.api.perSecond / a.api.perSecond).toFixed(2)}`);
}
