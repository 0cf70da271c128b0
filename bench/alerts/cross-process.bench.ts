/**
 * Alert latency across processes in server mode (issues #6/#12): two real `baseerat serve --db
 * postgres://...` API processes (A, B) and W real `baseerat worker` processes on the machine's
 * PostgreSQL and NATS, sharing alerts over the alert bus (packages/server/src/stream/alert-bus.ts).
 * An SSE client (the analyst) is connected to each API process.
 *
 * Phase 1 (worker path): events are published to the worker's agency subject at `rate` per second
 * for `seconds`; every `every`-th is a blast (the category rule opens one alert per blast), the rest
 * road blocks (no alert: load only). Measured per alert, on A and on B: from the JetStream publish
 * of its event to its `opened` event read from the SSE stream, and from the alert's openedAt (the
 * worker's monitor raising it) to the SSE read.
 * Phase 2 (the reference, same run): single-line blasts POSTed to A's ingest route, `httpRate` per
 * second (25 at most: the route's per-user rate limit): from the POST to the SSE read on A (the process that raised it: no bus) and on B (through
 * the bus). The ratio B/A, and per alert the read on B minus the read on A, are what the bus adds.
 *
 * Also printed: the worker's `baseerat_alert_publish_seconds` histogram (raise -> publication
 * acknowledged by the stream), CPU seconds of every process (/proc/<pid>/stat) and of this client,
 * and the load average before and after. Alerts missing on a stream are counted (must be 0).
 *
 * Run: TZ=UTC flock /tmp/bench.lock npx tsx bench/alerts/cross-process.bench.ts [rate=200] [seconds=20] [every=10] [workers=1] [httpRate=2]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { openServerMode } from '../../packages/server/src/api/server-mode.js';
import { base32Decode, totp } from '../../packages/server/src/security/totp.js';
import { createTestDatabase } from '../../packages/server/test/store/pg-test-database.js';

const RATE = Number(process.argv[2] ?? 200);
const SECONDS = Number(process.argv[3] ?? 20);
const EVERY = Number(process.argv[4] ?? 10);
const WORKERS = Number(process.argv[5] ?? 1);
const HTTP_RATE = Number(process.argv[6] ?? 2);
const PASSWORD = 'alert bus bench passphrase 2026';
const PLACES: [number, number, string][] = [[30.19, 67.01, 'Quetta'], [26.0, 63.05, 'Kech'], [27.8, 66.6, 'Khuzdar'], [29.03, 66.59, 'Kalat'], [29.55, 67.88, 'Sibi'], [31.34, 69.45, 'Zhob']];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const exited = (c: ChildProcess) => (c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise((r) => c.once('exit', r)));
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch { return NaN; }
}
const pct = (xs: readonly number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? null : +s[Math.min(s.length - 1, Math.floor(p * s.length))]!.toFixed(1);
};
const summary = (xs: readonly number[]) => ({ n: xs.length, p50: pct(xs, 0.5), p95: pct(xs, 0.95), p99: pct(xs, 0.99), max: pct(xs, 1) });

const call = (id: string, i: number, blast: boolean) => {
  const [lat, lon, district] = PLACES[i % PLACES.length]!;
  return { call_id: id, received: new Date(Date.now() - 60_000).toISOString(), location: { lat, lon, district }, nature: blast ? 'Blast' : 'road block', casualties: { injured: 1, dead: 0 } };
};

interface Seen { at: number; openedAt: number; incidentId: string }
/** SSE client: the time each alert's `opened` event was read. */
function sse(base: string, token: string): Promise<{ seen: Map<string, Seen>; close(): void }> {
  return new Promise((resolve, reject) => {
    const seen = new Map<string, Seen>();
    const req = httpRequest(`${base}/api/alerts/stream`, { headers: { authorization: `Bearer ${token}` } }, (res: IncomingMessage) => {
      if (res.statusCode !== 200) { reject(new Error(`stream ${res.statusCode}`)); return; }
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const at = Date.now();
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const frame = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (!/^event: alert$/m.test(frame) || data === undefined) continue;
          const a = JSON.parse(data) as { id: string; change: string; openedAt: string; incidentId: string };
          if (a.change === 'opened' && !seen.has(a.id)) seen.set(a.id, { at, openedAt: Date.parse(a.openedAt), incidentId: a.incidentId });
        }
      });
      resolve({ seen, close: () => req.destroy() });
    });
    req.on('error', () => undefined);
    req.end();
  });
}

const tag = randomBytes(3).toString('hex');
const dir = mkdtempSync(join(tmpdir(), 'baseerat-alertbench-'));
const ingestStream = `ABENCH_${tag}`, ingestPrefix = `abench${tag}.ingest`;
const alertStream = `ABENCHA_${tag}`, alertPrefix = `abench${tag}.alerts`;
mkdirSync(join(dir, 'mappings'));
copyFileSync(new URL('../../data/mappings/examples/rescue-1122.json', import.meta.url), join(dir, 'mappings', 'rescue1122.json'));
writeFileSync(join(dir, 'rules.json'), JSON.stringify([{ kind: 'category', id: 'blast', severity: 'high', categories: ['TI.BOMB'] }]));
writeFileSync(join(dir, 'zones.geojson'), JSON.stringify({ type: 'FeatureCollection', features: [] }));
writeFileSync(join(dir, 'worker.json'), JSON.stringify({ stream: ingestStream, prefix: ingestPrefix, maxConnections: 3 }));

const db = await createTestDatabase('baseerat_alertbench');
const nc = await connect({ servers: '127.0.0.1:4222', name: 'alert-bench' });
const jsm = await jetstreamManager(nc);
const js = jetstream(nc);
const children: ChildProcess[] = [];
const clients: { close(): void }[] = [];
try {
  await jsm.streams.add({ name: ingestStream, subjects: [`${ingestPrefix}.>`] });
  const masterKey = randomBytes(32);
  let secret = '';
  {
    const sm = await openServerMode(db.appUrl, masterKey, new Date());
    secret = (await sm.security.accounts.createUser({ username: 'analyst', password: PASSWORD, role: 'analyst', clearance: 'SECRET' }, { id: 'system', from: 'alert-bench' }, new Date())).totpSecret;
    await sm.close();
  }
  const env: NodeJS.ProcessEnv = {
    ...process.env, BASEERAT_DATABASE_URL: db.appUrl, BASEERAT_MASTER_KEY: masterKey.toString('base64'), BASEERAT_LOG_LEVEL: 'warn', TZ: 'UTC',
    BASEERAT_NATS_URL: '127.0.0.1:4222', BASEERAT_ALERT_STREAM: alertStream, BASEERAT_ALERT_PREFIX: alertPrefix,
  };
  const rules = ['--rules', join(dir, 'rules.json'), '--zones', join(dir, 'zones.geojson')];
  const port0 = 19600 + Math.floor(Math.random() * 300);
  const origins = [0, 1].map((k) => `http://127.0.0.1:${port0 + k}`);
  for (const o of origins) {
    children.push(spawn(process.execPath, ['packages/server/bin/baseerat.mjs', 'serve', '--port', new URL(o).port, '--no-web', '--mappings', join(dir, 'mappings'), ...rules], { env, stdio: ['ignore', 'ignore', 'inherit'] }));
  }
  for (const o of origins) {
    for (let k = 0; ; k++) {
      if (children.some((c) => c.exitCode !== null)) throw new Error('an API process exited during start-up');
      if (await fetch(`${o}/healthz`).then((r) => r.ok, () => false)) break;
      if (k > 600) throw new Error(`${o} did not become healthy`);
      await sleep(200);
    }
  }
  const workers = Array.from({ length: WORKERS }, () => spawn(process.execPath, [
    'packages/server/bin/baseerat.mjs', 'worker', '--config', join(dir, 'worker.json'), '--agencies', 'rescue1122', '--mappings', join(dir, 'mappings'), '--ops-port', '0', '--batch', '2000', ...rules,
  ], { env: { ...env, BASEERAT_LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'inherit'] }));
  children.push(...workers);
  const opsAddresses = await Promise.all(workers.map((w) => new Promise<string>((resolve, reject) => {
    let buf = '';
    w.stdout!.setEncoding('utf8');
    w.stdout!.on('data', (c: string) => {
      buf += c;
      const m = /"ops":"([^"]+)"[^\n]*"msg":"worker ready"/.exec(buf);
      if (m !== null) resolve(m[1]!);
    });
    w.once('exit', () => reject(new Error('a worker exited during start-up')));
  })));
  const token = async (o: string) => {
    const r = await fetch(`${o}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'analyst', password: PASSWORD, totp: totp(base32Decode(secret), Date.now()) }) });
    if (!r.ok) throw new Error(`login: ${r.status} ${await r.text()}`);
    return ((await r.json()) as { token: string }).token;
  };
  const tok = await token(origins[0]!);
  const streams = [await sse(origins[0]!, tok), await sse(origins[1]!, tok)];
  clients.push(...streams);
  await sleep(500);

  const load0 = loadavg();
  const cpuClient0 = process.cpuUsage();
  const cpu0 = children.map((c) => cpuSeconds(c.pid));
  // phase 1: the worker path
  const published = new Map<string, number>();
  const n = RATE * SECONDS;
  const started = Date.now();
  const pending = new Set<Promise<unknown>>();
  for (let i = 0; i < n; i++) {
    const due = started + (i * 1000) / RATE;
    if (due > Date.now()) await sleep(due - Date.now());
    const blast = i % EVERY === 0;
    const id = `W-${i}`;
    if (blast) published.set(id, Date.now());
    const p = js.publish(`${ingestPrefix}.rescue1122`, JSON.stringify(call(id, i, blast)), { msgID: `rescue1122:${id}` }).finally(() => pending.delete(p));
    pending.add(p);
  }
  await Promise.all(pending);
  const offeredSeconds = (Date.now() - started) / 1000;
  const expectedAlerts = published.size;
  for (let k = 0; k < 600 && streams.some((s) => s.seen.size < expectedAlerts); k++) await sleep(100);

  // phase 2: HTTP ingest into A (reference: local delivery on A, bus delivery on B)
  const posted = new Map<string, number>();
  // the ingest route is rate-limited per user (a burst of 30, then 1/s): at most 25 posts
  const h = Math.min(25, HTTP_RATE * 10);
  const hStart = Date.now();
  for (let i = 0; i < h; i++) {
    const due = hStart + (i * 1000) / HTTP_RATE;
    if (due > Date.now()) await sleep(due - Date.now());
    const id = `H-${i}`;
    posted.set(id, Date.now());
    const r = await fetch(`${origins[0]}/api/ingest?format=rescue1122`, { method: 'POST', headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/x-ndjson' }, body: JSON.stringify(call(id, i, true)) });
    if (!r.ok) throw new Error(`ingest: ${r.status} ${await r.text()}`);
  }
  for (let k = 0; k < 600 && streams.some((s) => s.seen.size < expectedAlerts + h); k++) await sleep(100);
  const cpu = children.map((c, k) => +(cpuSeconds(c.pid) - cpu0[k]!).toFixed(2));
  const cpuClient = (process.cpuUsage(cpuClient0).user + process.cpuUsage(cpuClient0).system) / 1e6;
  const load1 = loadavg();

  // which event raised each alert: incident -> source id (plaintext key columns)
  const rows = (await db.admin('SELECT incident_id, source_id FROM reports')).rows as { incident_id: string; source_id: string }[];
  const sourceOf = new Map(rows.map((r) => [r.incident_id, r.source_id]));
  const measure = (s: (typeof streams)[number], sent: Map<string, number>) => {
    const fromSend: number[] = [], fromRaise: number[] = [];
    for (const x of s.seen.values()) {
      const src = sourceOf.get(x.incidentId);
      const t = src === undefined ? undefined : sent.get(src);
      if (t === undefined) continue;
      fromSend.push(x.at - t);
      fromRaise.push(x.at - x.openedAt);
    }
    return { fromSend, fromRaise, missing: sent.size - fromSend.length };
  };
  const w = streams.map((s) => measure(s, published));
  const hp = streams.map((s) => measure(s, posted));
  /** Per alert seen on both streams: read on B minus read on A (for HTTP alerts raised by A: what the bus adds). */
  const bMinusA = (sent: Map<string, number>) => {
    const out: number[] = [];
    for (const [id, a] of streams[0]!.seen) {
      const b = streams[1]!.seen.get(id);
      const src = sourceOf.get(a.incidentId);
      if (b !== undefined && src !== undefined && sent.has(src)) out.push(b.at - a.at);
    }
    return out;
  };
  const metrics = await Promise.all(opsAddresses.map(async (a) => (await fetch(`http://${a}/metrics`)).text()));
  const hist = (text: string, what: 'sum' | 'count') => Number(new RegExp(`baseerat_alert_publish_seconds_${what}\\{[^}]*change="opened"[^}]*\\} ([0-9.e+-]+)`).exec(text)?.[1] ?? NaN);
  const buckets = (text: string) => [...text.matchAll(/baseerat_alert_publish_seconds_bucket\{le="([^"]+)"[^}]*change="opened"[^}]*\} (\d+)/g)].map((m) => `${m[1]}:${m[2]}`).join(' ');
  const result = {
    rate: RATE, seconds: SECONDS, offeredSeconds: +offeredSeconds.toFixed(1), every: EVERY, workers: WORKERS, events: n, alertsFromWorker: expectedAlerts, httpAlerts: h,
    worker: {
      publishToSseOnA: summary(w[0]!.fromSend), publishToSseOnB: summary(w[1]!.fromSend),
      raiseToSseOnA: summary(w[0]!.fromRaise), raiseToSseOnB: summary(w[1]!.fromRaise), missingOnA: w[0]!.missing, missingOnB: w[1]!.missing,
      readOnBMinusReadOnA: summary(bMinusA(published)),
      raiseToBusAckMeanMs: metrics.map((t) => +((hist(t, 'sum') / hist(t, 'count')) * 1000).toFixed(2)), raiseToBusAckBuckets: metrics.map(buckets),
    },
    http: {
      postToSseOnA_local: summary(hp[0]!.fromSend), postToSseOnB_bus: summary(hp[1]!.fromSend), missingOnA: hp[0]!.missing, missingOnB: hp[1]!.missing,
      readOnBMinusReadOnA_busAdds: summary(bMinusA(posted)),
      ratioP50_BoverA: +((pct(hp[1]!.fromSend, 0.5) ?? NaN) / (pct(hp[0]!.fromSend, 0.5) ?? NaN)).toFixed(2),
      ratioP99_BoverA: +((pct(hp[1]!.fromSend, 0.99) ?? NaN) / (pct(hp[0]!.fromSend, 0.99) ?? NaN)).toFixed(2),
    },
    cpuSeconds: { apiA: cpu[0], apiB: cpu[1], workers: cpu.slice(2), client: +cpuClient.toFixed(2) },
    loadBefore: load0.map((x) => +x.toFixed(2)), loadAfter: load1.map((x) => +x.toFixed(2)),
  };
  console.log(JSON.stringify(result, null, 1));
} finally {
  for (const c of clients) c.close();
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  await Promise.race([Promise.all(children.map(exited)), sleep(20_000)]);
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await jsm.streams.delete(ingestStream).catch(() => undefined);
  await jsm.streams.delete(alertStream).catch(() => undefined);
  await nc.close();
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
}
