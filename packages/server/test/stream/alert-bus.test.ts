/**
 * The cross-process alert bus against the machine's PostgreSQL and NATS: two API instances in
 * server mode (own pools, key rings, NATS connections, monitors and hubs, listening on real ports)
 * and one `baseerat worker` on one database. An event published to the worker's agency subject
 * raises an alert that SSE clients on both API instances receive; an acknowledgement made on B
 * reaches A's stream; an event ingested over HTTP by A reaches a district officer's stream on B
 * (and not the other district's); a near-repeat alert on A fires from an incident only the worker
 * ingested (shared detector state); each alert change is sent to the webhook exactly once
 * (every process has the same webhooks file). Unique database, streams and subjects per run.
 */
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/index.js';
import { openServerMode, type ServerMode } from '../../src/api/server-mode.js';
import { loadMappingFile } from '../../src/ingest/mapping.js';
import { verifyWebhook } from '../../src/monitor/webhooks.js';
import { createLogger } from '../../src/observability/logger.js';
import { loadGeography } from '../../src/reference/geography.js';
import { base32Decode, totp } from '../../src/security/totp.js';
import { openSharedMonitor, type SharedMonitor } from '../../src/stream/shared-monitor.js';
import { startIngestWorker, type IngestWorker } from '../../src/worker/ingest-worker.js';
import { createTestDatabase, type TestDatabase } from '../store/pg-test-database.js';

const tag = randomBytes(3).toString('hex');
const ALERT_STREAM = `ABUS_${tag}`;
const ALERT_PREFIX = `abus${tag}.alerts`;
const INGEST_STREAM = `ABUSIN_${tag}`;
const INGEST_PREFIX = `abus${tag}.ingest`;
const SCHEMA = 'bus';
const MAPPING = fileURLToPath(new URL('../../../../data/mappings/examples/rescue-1122.json', import.meta.url));
const PASSWORD = 'correct horse battery staple 42';
const HOOK_SECRET = 'a-webhook-secret-of-32-characters';
const RULES = [
  { kind: 'category', id: 'blast', severity: 'high', categories: ['TI.BOMB'] },
  { kind: 'near-repeat', id: 'near', severity: 'high', distanceKm: 10, days: 14, minimumKilled: 5 },
];
const clock = { t: Date.now(), now: () => new Date(clock.t) };

const dir = mkdtempSync(join(tmpdir(), 'baseerat-bus-'));
const master = randomBytes(32);
let db: TestDatabase;
const sm: ServerMode[] = [];
const ncs: NatsConnection[] = [];
const lives: SharedMonitor[] = [];
const apps: FastifyInstance[] = [];
const bases: string[] = [];
let worker: IngestWorker | undefined;
let hookServer: Server;
const hooks: { change: string; alertId: string; delivery: string; verified: boolean }[] = [];
const secrets: Record<string, string> = {};
const streams: SseClient[] = [];

const call = (id: string, district: 'Quetta' | 'Gwadar', nature: string, minutesAgo: number, dead = 0) => ({
  call_id: id, received: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
  location: { lat: district === 'Quetta' ? 30.18 : 25.13, lon: district === 'Quetta' ? 67.01 : 62.32, district }, nature, casualties: { injured: 1, dead },
});

interface SseEvent { id: number; change: string; alertId: string; district: string; ruleId: string; state: string }
interface SseClient { events: SseEvent[]; close(): void }

/** A real SSE client over HTTP (the stream never ends by itself: inject cannot read it). */
function sse(base: string, token: string): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const events: SseEvent[] = [];
    const req = httpRequest(`${base}/api/alerts/stream`, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } }, (res: IncomingMessage) => {
      if (res.statusCode !== 200) { reject(new Error(`stream: ${res.statusCode}`)); return; }
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const frame = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const id = /^id: (\d+)$/m.exec(frame)?.[1];
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (/^event: alert$/m.test(frame) && id !== undefined && data !== undefined) {
            const a = JSON.parse(data) as { id: string; change: string; district: string; ruleId: string; state: string };
            events.push({ id: Number(id), change: a.change, alertId: a.id, district: a.district, ruleId: a.ruleId, state: a.state });
          }
        }
      });
      resolve({ events, close: () => req.destroy() });
    });
    req.on('error', () => undefined);
    req.end();
  });
}

/** Polls `get` until it returns a value (or fails after `ms`: a deadline for the failure message, not a timing assertion). */
async function eventually<T>(what: string, get: () => T | undefined | Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function login(i: number, username: string): Promise<string> {
  clock.t += 31_000;
  const r = await apps[i]!.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: PASSWORD, totp: totp(base32Decode(secrets[username]!), clock.t) } });
  if (r.statusCode !== 200) throw new Error(`login ${username}: ${r.statusCode} ${r.body}`);
  return (r.json() as { token: string }).token;
}

beforeAll(async () => {
  db = await createTestDatabase('baseerat_bus');
  writeFileSync(join(dir, 'rules.json'), JSON.stringify(RULES));
  writeFileSync(join(dir, 'zones.geojson'), JSON.stringify({ type: 'FeatureCollection', features: [] }));
  mkdirSync(join(dir, 'mappings'));
  copyFileSync(MAPPING, join(dir, 'mappings', 'rescue1122.json'));
  hookServer = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => { body += c; });
    req.on('end', () => {
      const b = JSON.parse(body) as { change: string; alert: { id: string } };
      const verified = verifyWebhook(HOOK_SECRET, body, String(req.headers['baseerat-timestamp']), String(req.headers['baseerat-signature']), Math.floor(Date.now() / 1000));
      hooks.push({ change: b.change, alertId: b.alert.id, delivery: String(req.headers['baseerat-delivery']), verified });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => hookServer.listen(0, '127.0.0.1', () => r()));
  const hookPort = (hookServer.address() as AddressInfo).port;
  writeFileSync(join(dir, 'hooks.json'), JSON.stringify({
    webhooks: [{ id: 'hq', url: `http://127.0.0.1:${hookPort}/hook`, secret: HOOK_SECRET, changes: ['opened', 'acknowledged'] }],
    retry: { attempts: 2, initialDelayMs: 10, maxDelayMs: 100, timeoutMs: 5000 },
  }));
  const files = { rules: join(dir, 'rules.json'), zones: join(dir, 'zones.geojson'), webhooks: join(dir, 'hooks.json') };

  // two API "processes", started together on the empty database
  sm.push(...await Promise.all([0, 1].map(() => openServerMode(db.appUrl, master, clock.now(), { schema: SCHEMA, maxConnections: 2, securityConnections: 2 }))));
  const adapters = { 'rescue-1122': await loadMappingFile(MAPPING) };
  for (const s of sm) {
    const nc = await connect({ servers: '127.0.0.1:4222' });
    ncs.push(nc);
    const live = await openSharedMonitor({ store: s.store, repository: await s.alertRepository(), ...files, nats: nc, bus: { stream: ALERT_STREAM, prefix: ALERT_PREFIX }, deliverRemote: true });
    lives.push(live);
    const app = await createApp({ store: s.store, security: s.security, geography: loadGeography(), adapters, now: clock.now, monitor: live.monitor, alertStreamHeartbeatMs: 60_000 });
    apps.push(app);
    bases.push(await app.listen({ port: 0, host: '127.0.0.1' }));
  }
  for (const u of [
    { username: 'analyst', role: 'analyst', clearance: 'SECRET' },
    { username: 'gwadar', role: 'district_officer', clearance: 'SECRET', districts: ['Gwadar'] },
  ] as const) {
    const e = await sm[0]!.security.accounts.createUser({ ...u, password: PASSWORD }, { id: 'system', from: 'test' }, clock.now());
    secrets[u.username] = e.totpSecret;
  }
  worker = await startIngestWorker({
    database: db.appUrl, nats: ['127.0.0.1:4222'], agencies: ['rescue1122'], mappings: join(dir, 'mappings'), maxBatch: 50,
    opsHost: '127.0.0.1', opsPort: 0, schema: SCHEMA, maxConnections: 2, stream: INGEST_STREAM, prefix: INGEST_PREFIX,
    ...files, alertStream: ALERT_STREAM, alertPrefix: ALERT_PREFIX,
  }, createLogger('worker', { level: 'warn' }), { masterKey: master });
}, 90_000);

afterAll(async () => {
  for (const s of streams) s.close();
  await worker?.stop();
  for (const a of apps) await a.close();
  for (const l of lives) await l.close();
  for (const s of sm) await s.close();
  if (ncs[0] !== undefined) {
    const jsm = await jetstreamManager(ncs[0]);
    await jsm.streams.delete(ALERT_STREAM).catch(() => undefined);
    await jsm.streams.delete(INGEST_STREAM).catch(() => undefined);
  }
  for (const nc of ncs) await nc.close();
  await new Promise<void>((r) => hookServer?.close(() => r()));
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('alert bus: alerts shared across processes (server mode)', () => {
  let blastId = '';

  it('an event ingested by the worker raises an alert that SSE clients on both API processes receive, once each', async () => {
    const token = await login(0, 'analyst');
    const onA = await sse(bases[0]!, token);
    const onB = await sse(bases[1]!, token);
    streams.push(onA, onB);
    await jetstream(ncs[0]!).publish(`${INGEST_PREFIX}.rescue1122`, JSON.stringify(call('W-1', 'Quetta', 'Blast', 30, 7)), { msgID: 'rescue1122:W-1' });
    const b = await eventually('the alert on B', () => onB.events.find((e) => e.ruleId === 'blast'));
    const a = await eventually('the alert on A', () => onA.events.find((e) => e.ruleId === 'blast'));
    expect([a.change, a.district, a.state]).toEqual(['opened', 'Quetta', 'open']);
    expect(b.alertId).toBe(a.alertId);
    blastId = a.alertId;
    // stored once, by the worker, in the shared repository
    const stored = await lives[1]!.monitor.repository.get(blastId);
    expect(stored?.alert.incidentId).toBeDefined();
    expect(worker!.monitor!.monitor.counters.opened).toBe(1);
    expect(lives[0]!.monitor.counters.opened + lives[1]!.monitor.counters.opened).toBe(0);
    // the worker's publication metric counts it once its publication is acknowledged by the stream
    const metrics = await eventually('the publish metric', async () => {
      const text = await worker!.metrics.registry.metrics();
      return /baseerat_alert_publish_seconds_count\{[^}]*change="opened"[^}]*\} 1/.test(text) ? text : undefined;
    });
    expect(metrics).toMatch(/baseerat_alert_bus_events_total\{[^}]*direction="published"[^}]*\} 1/);
  });

  it('an acknowledgement made on B reaches the stream on A; the worker and A adopt the new state', async () => {
    const token = await login(1, 'analyst');
    const onA = streams[0]!;
    const r = await apps[1]!.inject({ method: 'POST', url: `/api/alerts/${encodeURIComponent(blastId)}/acknowledge`, headers: { authorization: `Bearer ${token}` }, payload: { note: 'team sent' } });
    expect(r.statusCode, r.body).toBe(200);
    const ack = await eventually('the acknowledgement on A', () => onA.events.find((e) => e.alertId === blastId && e.change === 'acknowledged'));
    expect(ack.state).toBe('acknowledged');
    // A resolves it: the history keeps B's acknowledgement
    const token0 = await login(0, 'analyst');
    const res = await apps[0]!.inject({ method: 'POST', url: `/api/alerts/${encodeURIComponent(blastId)}/resolve`, headers: { authorization: `Bearer ${token0}` }, payload: {} });
    expect(res.statusCode, res.body).toBe(200);
    const history = (res.json() as { history: { from: string | null; to: string }[] }).history.map((h) => `${h.from ?? '-'}>${h.to}`);
    expect(history).toEqual(['->open', 'open>acknowledged', 'acknowledged>resolved']);
    await eventually('the resolution on B', () => streams[1]!.events.find((e) => e.alertId === blastId && e.change === 'resolved'));
    // each stream had each change once: a process's own bus messages are not fed back (B's own
    // acknowledgement was on the bus before A's resolution, so an echo would be here by now)
    expect(streams[1]!.events.filter((e) => e.alertId === blastId).map((e) => e.change)).toEqual(['opened', 'acknowledged', 'resolved']);
    expect(onA.events.filter((e) => e.alertId === blastId).map((e) => e.change)).toEqual(['opened', 'acknowledged', 'resolved']);
    await eventually('the worker received both changes', () => (worker!.monitor!.bus!.counters.received === 2 ? true : undefined));
    // before them (stream order) it skipped its own two messages: the incidents of its batch, the alert it opened
    expect(worker!.monitor!.bus!.counters.ownSkipped).toBe(2);
  });

  it('an event ingested over HTTP by A reaches the Gwadar officer on B, who never sees the Quetta alert', async () => {
    const officer = await sse(bases[1]!, await login(1, 'gwadar'));
    streams.push(officer);
    const token = await login(0, 'analyst');
    const r = await apps[0]!.inject({
      method: 'POST', url: '/api/ingest?format=rescue-1122', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
      payload: JSON.stringify(call('H-1', 'Gwadar', 'Blast', 20)),
    });
    expect(r.statusCode, r.body).toBe(200);
    const g = await eventually('the Gwadar alert on B', () => officer.events.find((e) => e.ruleId === 'blast'));
    expect([g.district, g.change]).toEqual(['Gwadar', 'opened']);
    expect(lives[0]!.monitor.counters.opened).toBe(1);
    // the Quetta alert's resolution (after the officer connected) was not delivered to them
    expect(officer.events.every((e) => e.district === 'Gwadar')).toBe(true);
    await eventually('the analyst on B sees it too', () => streams[1]!.events.find((e) => e.alertId === g.alertId));
    // A raised it and holds it in memory; acknowledged on B, then resolved on A: A adopted B's change
    // (a stale copy would resolve it from 'open' and overwrite the acknowledgement in PostgreSQL)
    const ack = await apps[1]!.inject({ method: 'POST', url: `/api/alerts/${encodeURIComponent(g.alertId)}/acknowledge`, headers: { authorization: `Bearer ${await login(1, 'analyst')}` }, payload: {} });
    expect(ack.statusCode, ack.body).toBe(200);
    await eventually('the acknowledgement on A', () => streams[0]!.events.find((e) => e.alertId === g.alertId && e.change === 'acknowledged'));
    await lives[0]!.monitor.idle();
    const res = await apps[0]!.inject({ method: 'POST', url: `/api/alerts/${encodeURIComponent(g.alertId)}/resolve`, headers: { authorization: `Bearer ${token}` }, payload: {} });
    expect(res.statusCode, res.body).toBe(200);
    expect((res.json() as { history: { from: string | null; to: string }[] }).history.map((h) => `${h.from ?? '-'}>${h.to}`)).toEqual(['->open', 'open>acknowledged', 'acknowledged>resolved']);
  });

  it('detector state is shared: a near-repeat alert on A fires from a serious event that only the worker ingested', async () => {
    // the worker's blast (7 killed, Quetta) was learned by A's monitor through the bus
    expect(lives[0]!.bus!.counters.incidentsLearned).toBeGreaterThanOrEqual(1);
    const token = await login(0, 'analyst');
    const r = await apps[0]!.inject({
      method: 'POST', url: '/api/ingest?format=rescue-1122', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
      payload: JSON.stringify(call('H-2', 'Quetta', 'road block', 5)),
    });
    expect(r.statusCode, r.body).toBe(200);
    const near = await eventually('the near-repeat alert on B', () => streams[1]!.events.find((e) => e.ruleId === 'near'));
    const stored = await lives[0]!.monitor.repository.get(near.alertId);
    const incidents = await sm[0]!.store.listIncidents({}, { offset: 0, limit: 10 });
    const workers = incidents.items.filter((i) => i.sources.some((src) => src.sourceId === 'W-1')).map((i) => i.id);
    expect(workers).toHaveLength(1);
    // keyed by the nearest serious event: the worker's incident
    expect(stored?.alert.dedupKey).toBe(`near|Quetta|${workers[0]}`);
    expect(stored?.alert.explanation.count).toBe(1);
  });

  it('a malformed bus message is counted and dropped: it reaches neither a hub nor a monitor', async () => {
    const js = jetstream(ncs[0]!);
    const before = { seq: lives[1]!.hub.lastSeq, malformed: lives[1]!.bus!.counters.malformed, learned: lives[1]!.bus!.counters.incidentsLearned };
    await js.publish(`${ALERT_PREFIX}.alert`, 'not json');
    await js.publish(`${ALERT_PREFIX}.alert`, JSON.stringify({ v: 1, origin: 'elsewhere', change: 'opened', stored: { alert: { id: 'x' }, classification: 'TOP SECRET!', updatedAt: 'now' } }));
    await js.publish(`${ALERT_PREFIX}.incidents`, JSON.stringify({ v: 1, origin: 'elsewhere', incidents: [{ id: 'i', occurredAt: 'x', category: 'NOT.A.CODE', location: {}, severity: { killed: 0, injured: 0, abducted: 0 } }] }));
    await eventually('three malformed messages on B', () => (lives[1]!.bus!.counters.malformed - before.malformed === 3 ? true : undefined));
    expect(lives[1]!.hub.lastSeq).toBe(before.seq);
    expect(lives[1]!.bus!.counters.incidentsLearned).toBe(before.learned);
  });

  it('webhooks: each change sent once across the three processes, signed', async () => {
    for (const l of [...lives, worker!.monitor!]) { await l.monitor.idle(); await l.webhooks?.drain(); }
    const opened = hooks.filter((h) => h.change === 'opened');
    // three alerts were opened (Quetta blast by the worker, Gwadar blast and the near-repeat by A)
    expect(opened.map((h) => h.alertId).sort()).toEqual([...new Set(opened.map((h) => h.alertId))].sort());
    expect(opened).toHaveLength(3);
    expect(hooks.filter((h) => h.change === 'acknowledged').map((h) => h.alertId).sort()).toEqual([blastId, opened.find((h) => h.alertId.startsWith('blast|Gwadar'))!.alertId].sort());
    expect(hooks.every((h) => h.verified)).toBe(true);
    expect(new Set(hooks.map((h) => h.delivery)).size).toBe(hooks.length);
    const log = await lives[0]!.monitor.repository.listDeliveries(blastId);
    expect(log.map((d) => [d.outcome, d.attempt])).toEqual([['delivered', 1], ['delivered', 1]]);
  });
});
