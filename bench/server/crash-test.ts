/**
 * Crash test of server mode (issue #12): publish N events to NATS JetStream while `baseerat worker`
 * processes consume them into PostgreSQL, and SIGKILL a random worker K times at random moments
 * (restarting it each time). Afterwards every event whose publication JetStream acknowledged must be
 * stored exactly once: the number of stored reports equals the number acknowledged, no source id is
 * stored twice, and the md5 of the sorted stored source ids equals the md5 of the sorted acknowledged
 * ones. Nothing else (no event that was not acknowledged) may be stored either.
 *
 * Needs PostgreSQL on 127.0.0.1:5432 (trust) and NATS with JetStream on 127.0.0.1:4222; creates its
 * own database, stream and subjects, and removes them at the end.
 *
 * With `apis` > 0, that many `baseerat serve` processes in server mode (same database, same master
 * key) also take `httpEvents` further events over HTTP (`POST /api/ingest`, NDJSON batches of 500,
 * one session made by logging in once and used on every process), and the killer picks its victim
 * among the workers *and* the API processes. A batch counts as acknowledged when an API answers 200;
 * one that fails (process killed mid-request, refused while restarting, 429) is sent again to the
 * next process until it is acknowledged, so afterwards every HTTP event must be stored exactly once.
 * All processes get BASEERAT_MASTER_KEY, so the stored fields are encrypted as in production.
 *
 * Run: TZ=UTC npx tsx bench/server/crash-test.ts [events=1000000] [kills=50] [workers=2] [seed=12] [mean seconds between kills=2.5] [publish rate/s=0] [apis=0] [httpEvents=0]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { SeededRng } from '@baseerat/engine';
import { openServerMode } from '../../packages/server/src/api/server-mode.js';
import { base32Decode, totp } from '../../packages/server/src/security/totp.js';
import { writeSyntheticFeed } from '../../packages/server/src/generate/index.js';
import { createTestDatabase } from '../../packages/server/test/store/pg-test-database.js';

const N = Number(process.argv[2] ?? 1_000_000);
const KILLS = Number(process.argv[3] ?? 50);
const WORKERS = Number(process.argv[4] ?? 2);
const SEED = Number(process.argv[5] ?? 12);
/** Mean seconds between kills (uniform on [0.2, 1.8] times it). */
const KILL_EVERY = Number(process.argv[6] ?? 2.5);
/** Events per second the publisher holds, as a live feed (0 = as fast as JetStream acknowledges): spreads the kills over the ingest. */
const RATE = Number(process.argv[7] ?? 0);
/** API processes (server mode) taking HTTP ingest, and the events sent to them. */
const APIS = Number(process.argv[8] ?? 0);
const HTTP_EVENTS = Number(process.argv[9] ?? 0);
const HTTP_BATCH = 500;
const rng = new SeededRng(SEED);
const rand = () => rng.next();
const tag = randomBytes(3).toString('hex');
const STREAM = `CRASH_${tag}`;
const PREFIX = `crash${tag}.ingest`;
const AGENCY = 'fc';
const dir = mkdtempSync(join(tmpdir(), 'baseerat-crash-'));
const log = (s: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${s}`);

// The fc agency's mapping (NDJSON, report_id as source id) from the synthetic feed writer.
writeSyntheticFeed(join(dir, 'feed'), { seed: 1, start: '2024-01-01T00:00:00.000Z', end: '2024-01-02T00:00:00.000Z', malformedShare: 0 });
const mappings = join(dir, 'feed', 'mappings');

const PLACES: [number, number][] = [[30.19, 67.01], [26.0, 63.05], [27.8, 66.6], [29.03, 66.59], [29.55, 67.88], [31.34, 69.45]];
const TYPES = ['IED', 'PROTEST', 'IBO', 'APPREHENSION', 'RECOVERY', 'SMUGGLING POL', 'CP INCIDENT', 'EXCHANGE OF FIRE'];
const t0 = Date.UTC(2020, 0, 1);
function event(i: number): Record<string, unknown> {
  const [lat, lon] = PLACES[i % PLACES.length]!;
  // one event a minute, in order, as a live feed arrives (deterministic in i: the publisher keeps no
  // memory per event). Times scattered over years would make every batch's link-candidate window the
  // whole history, and the write cost grow with the table.
  const t = t0 + i * 60_000;
  return {
    report_id: `FC-${String(i).padStart(8, '0')}`, time_utc: new Date(t).toISOString(),
    lat: +(lat + ((i * 37) % 100) / 2000 - 0.025).toFixed(5), lon: +(lon + ((i * 53) % 100) / 2000 - 0.025).toFixed(5),
    incident_type: TYPES[i % TYPES.length], killed: i % 3, wounded: i % 4, abducted: 0, classification: 'CONFIDENTIAL',
    reported_utc: new Date(t + 3_600_000).toISOString(), target: 'civilians',
  };
}
/** The i-th HTTP event: the same shape, its own id prefix (FH-) and times after the NATS events. */
function httpEvent(i: number): Record<string, unknown> {
  return { ...event(N + i), report_id: `FH-${String(i).padStart(8, '0')}` };
}

const db = await createTestDatabase('baseerat_crash');
const configFile = join(dir, 'worker.json');
writeFileSync(configFile, JSON.stringify({ stream: STREAM, prefix: PREFIX, maxConnections: 3, ackWaitSeconds: 15 }));
const masterKey = randomBytes(32);
const env = { ...process.env, BASEERAT_DATABASE_URL: db.appUrl, BASEERAT_NATS_URL: '127.0.0.1:4222', BASEERAT_LOG_LEVEL: 'warn', TZ: 'UTC', BASEERAT_MASTER_KEY: masterKey.toString('base64') };

// The API processes: `serve` on PostgreSQL, each on its own port; an analyst account made beforehand.
const API_PORT0 = 18600 + Math.floor(rand() * 300);
const apis: (ChildProcess | undefined)[] = [];
let apiExits = 0;
function startApi(slot: number): void {
  const child = spawn(process.execPath, ['packages/server/bin/baseerat.mjs', 'serve', '--db', db.appUrl, '--port', String(API_PORT0 + slot), '--no-web', '--no-monitor', '--mappings', mappings], {
    env, stdio: ['ignore', 'ignore', 'inherit'],
  });
  child.on('exit', () => { apiExits++; });
  apis[slot] = child;
}
const ANALYST_PASSWORD = 'crash test analyst passphrase';
let totpSecret = '';
if (APIS > 0) {
  const sm = await openServerMode(db.appUrl, masterKey, new Date());
  totpSecret = (await sm.security.accounts.createUser({ username: 'crash-analyst', password: ANALYST_PASSWORD, role: 'analyst', clearance: 'SECRET' }, { id: 'system', from: 'crash-test' }, new Date())).totpSecret;
  await sm.close();
  for (let a = 0; a < APIS; a++) startApi(a);
}

const workers: (ChildProcess | undefined)[] = [];
let exits = 0;
function startWorker(slot: number): void {
  const child = spawn(process.execPath, ['packages/server/bin/baseerat.mjs', 'worker', '--config', configFile, '--agencies', AGENCY, '--mappings', mappings, '--ops-port', '0', '--batch', '2000'], {
    env, stdio: ['ignore', 'ignore', 'inherit'],
  });
  child.on('exit', () => { exits++; });
  workers[slot] = child;
}

const nc = await connect({ servers: '127.0.0.1:4222', name: 'crash-test' });
const jsm = await jetstreamManager(nc);
await jsm.streams.add({ name: STREAM, subjects: [`${PREFIX}.>`] });
for (let w = 0; w < WORKERS; w++) startWorker(w);

// The killer: K SIGKILLs at random moments, each followed by a restart of the killed worker.
let kills = 0, apiKills = 0;
let killing = true;
const killer = (async () => {
  while (killing && kills < KILLS) {
    await new Promise((r) => setTimeout(r, KILL_EVERY * 1000 * (0.2 + rand() * 1.6)));
    if (!killing) break;
    const pick = Math.floor(rand() * (WORKERS + APIS));
    const isApi = pick >= WORKERS;
    const slot = isApi ? pick - WORKERS : pick;
    const victim = isApi ? apis[slot] : workers[slot];
    if (victim?.pid === undefined || victim.exitCode !== null) continue;
    const gone = new Promise((r) => victim.once('exit', r));
    victim.kill('SIGKILL');
    await gone;
    kills++;
    if (isApi) { apiKills++; startApi(slot); } else startWorker(slot);
  }
})();

// The HTTP client: one login, then NDJSON batches round-robin over the API processes, each sent
// again (to the next process) until one answers 200.
let httpAcked = 0, httpAttempts = 0, httpFailures = 0;
const httpDone = (async () => {
  if (APIS === 0 || HTTP_EVENTS === 0) return;
  const base = (a: number) => `http://127.0.0.1:${API_PORT0 + a}`;
  let token = '';
  for (let a = 0; token === ''; a = (a + 1) % APIS) {
    try {
      const r = await fetch(`${base(a)}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'crash-analyst', password: ANALYST_PASSWORD, totp: totp(base32Decode(totpSecret), Date.now()) }), signal: AbortSignal.timeout(30_000) });
      if (r.status === 200) token = ((await r.json()) as { token: string }).token;
      else await new Promise((res) => setTimeout(res, 1000));
    } catch { await new Promise((res) => setTimeout(res, 500)); }
  }
  let next = 0;
  for (let b = 0; b * HTTP_BATCH < HTTP_EVENTS; b++) {
    const body = Array.from({ length: Math.min(HTTP_BATCH, HTTP_EVENTS - b * HTTP_BATCH) }, (_, k) => JSON.stringify(httpEvent(b * HTTP_BATCH + k))).join('\n');
    for (;;) {
      const a = next++ % APIS;
      httpAttempts++;
      try {
        const r = await fetch(`${base(a)}/api/ingest?format=${AGENCY}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' }, body, signal: AbortSignal.timeout(60_000) });
        await r.text();
        if (r.status === 200) { httpAcked += body.split('\n').length; break; }
        httpFailures++;
        await new Promise((res) => setTimeout(res, r.status === 429 ? 1000 : 200));
      } catch {
        httpFailures++;
        await new Promise((res) => setTimeout(res, 200));
      }
    }
  }
  log(`HTTP: ${httpAcked} events acknowledged in ${httpAttempts} requests (${httpFailures} failed and were sent again)`);
})();

// The publisher: pipelined publishes; an event counts as acknowledged when JetStream's PubAck arrives.
const js = jetstream(nc);
const acked = new Uint8Array(N);
let ackedCount = 0, failed = 0;
const pending = new Set<Promise<void>>();
const startMs = Date.now();
for (let i = 0; i < N; i++) {
  if (RATE > 0 && i % 100 === 0) {
    const wait = startMs + (i / RATE) * 1000 - Date.now();
    if (wait > 5) await new Promise((r) => setTimeout(r, wait));
  }
  while (pending.size >= 2000) await Promise.race(pending);
  const p: Promise<void> = js.publish(`${PREFIX}.${AGENCY}`, JSON.stringify(event(i)), { msgID: `${AGENCY}:${i}` }).then(
    () => { acked[i] = 1; ackedCount++; pending.delete(p); },
    () => { failed++; pending.delete(p); },
  );
  pending.add(p);
  if (i % 100_000 === 0 && i > 0) log(`published ${i}, kills so far ${kills}`);
}
await Promise.all(pending);
await httpDone;
const publishSeconds = (Date.now() - startMs) / 1000;
log(`published ${N} in ${publishSeconds.toFixed(1)} s: ${ackedCount} acknowledged, ${failed} failed`);

// Wait until the consumer has nothing pending or unacknowledged (and the killer is done or stopped).
const durable = `ingest-${AGENCY}`;
for (;;) {
  await new Promise((r) => setTimeout(r, 2000));
  const info = await jsm.consumers.info(STREAM, durable).catch(() => undefined);
  if (info === undefined) continue;
  const stored = Number((await db.admin(`SELECT count(*)::int AS n FROM reports`)).rows[0].n);
  log(`pending ${info.num_pending}, unacknowledged ${info.num_ack_pending}, stored ${stored}, kills ${kills}`);
  if (info.num_pending === 0 && info.num_ack_pending === 0 && (kills >= KILLS || stored >= ackedCount)) break;
}
killing = false;
await killer;
const drainSeconds = (Date.now() - startMs) / 1000;
for (const w of [...workers, ...apis]) w?.kill('SIGTERM');
await Promise.all([...workers, ...apis].map((w) => (w === undefined || w.exitCode !== null ? undefined : new Promise((r) => w.once('exit', r)))));

// The check.
const expected = createHash('md5');
let first = true;
for (let i = 0; i < N; i++) {
  if (acked[i] !== 1) continue;
  expected.update(`${first ? '' : '\n'}FC-${String(i).padStart(8, '0')}`);
  first = false;
}
const row = (await db.admin(`SELECT count(*)::int AS n, count(DISTINCT source_id)::int AS distinct_ids,
  md5(coalesce(string_agg(source_id, E'\\n' ORDER BY source_id), '')) AS sum FROM reports WHERE agency = $1 AND source_id LIKE 'FC-%'`, [AGENCY])).rows[0] as { n: number; distinct_ids: number; sum: string };
const httpExpected = createHash('md5').update(Array.from({ length: HTTP_EVENTS }, (_, i) => `FH-${String(i).padStart(8, '0')}`).join('\n')).digest('hex');
const httpRow = (await db.admin(`SELECT count(*)::int AS n, count(DISTINCT source_id)::int AS distinct_ids,
  md5(coalesce(string_agg(source_id, E'\\n' ORDER BY source_id), '')) AS sum FROM reports WHERE source_id LIKE 'FH-%'`)).rows[0] as { n: number; distinct_ids: number; sum: string };
const encrypted = (await db.admin(`SELECT count(*) FILTER (WHERE raw LIKE 'v1:incidents.%')::int AS enc, count(*)::int AS n FROM reports`)).rows[0] as { enc: number; n: number };
const httpOk = APIS === 0 || HTTP_EVENTS === 0 || (httpAcked === HTTP_EVENTS && httpRow.n === HTTP_EVENTS && httpRow.distinct_ids === httpRow.n && httpRow.sum === httpExpected);
const quarantined = Number((await db.admin(`SELECT count(*)::int AS n FROM quarantine`)).rows[0].n);
if (quarantined > 0) console.log((await db.admin(`SELECT line, reasons::text FROM quarantine LIMIT 3`)).rows);
const incidents = Number((await db.admin(`SELECT count(*)::int AS n FROM incidents`)).rows[0].n);
const expectedSum = expected.digest('hex');
const ok = row.n === ackedCount && row.distinct_ids === row.n && row.sum === expectedSum && quarantined === 0 && httpOk && encrypted.enc === encrypted.n;
console.log(JSON.stringify({
  events: N, publishRate: RATE, acknowledged: ackedCount, publishFailed: failed, workers: WORKERS, kills, workerExits: exits,
  apis: APIS, apiKills, apiExits, httpEvents: HTTP_EVENTS, httpAcknowledged: httpAcked, httpRequests: httpAttempts, httpRequestsFailed: httpFailures,
  httpStored: httpRow.n, httpDistinct: httpRow.distinct_ids, httpChecksumOk: httpRow.sum === httpExpected, reportsEncrypted: `${encrypted.enc}/${encrypted.n}`,
  storedReports: row.n, distinctSourceIds: row.distinct_ids, incidents, quarantined,
  checksumStored: row.sum, checksumAcknowledged: expectedSum, publishSeconds: +publishSeconds.toFixed(1), totalSeconds: +drainSeconds.toFixed(1),
  sustainedRatePerSecond: Math.round((row.n + httpRow.n) / drainSeconds), verdict: ok ? 'PASS: every acknowledged event stored exactly once' : 'FAIL',
}, null, 2));

await jsm.streams.delete(STREAM).catch(() => undefined);
await nc.close();
await db.drop();
rmSync(dir, { recursive: true, force: true });
process.exitCode = ok ? 0 : 1;
