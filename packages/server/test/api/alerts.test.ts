import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMappingFile } from '../../src/ingest/mapping.js';
import { AlertHub } from '../../src/monitor/alert-hub.js';
import { DuckDBAlertRepository } from '../../src/monitor/duckdb-alert-repository.js';
import { LiveMonitor } from '../../src/monitor/live-monitor.js';
import { ruleSetFrom } from '../../src/monitor/rule-config.js';
import { expectProblem, harness, type Harness, type Who } from './api-harness.js';

const MAPPING = fileURLToPath(new URL('../../../../data/mappings/examples/rescue-1122.json', import.meta.url));
const call = (id: string, district: string, nature = 'Blast') => JSON.stringify({
  call_id: id, received: '2026-01-05T12:00:00+05:00', location: { lat: district === 'Quetta' ? 30.18 : 25.13, lon: district === 'Quetta' ? 67.01 : 62.32, district }, nature, casualties: { injured: 1, dead: 0 },
});
const ndjson = { 'content-type': 'application/x-ndjson' };
const RULES = [{ kind: 'category', id: 'blast', severity: 'high', categories: ['TI.BOMB'] }];

let h: Harness;
let db: DuckDBInstance;
let repo: DuckDBAlertRepository;
const tok: Partial<Record<Who, string>> = {};
beforeAll(async () => {
  db = await DuckDBInstance.create(':memory:');
  repo = await DuckDBAlertRepository.open(db);
  const monitor = new LiveMonitor({ ruleSet: ruleSetFrom(RULES, { type: 'FeatureCollection', features: [] }), repository: repo, hub: new AlertHub() });
  h = await harness({ adapters: { 'rescue-1122': await loadMappingFile(MAPPING) }, monitor, alertStreamHeartbeatMs: 150 });
  for (const w of ['admin', 'analyst', 'commander', 'quetta', 'gwadar', 'researcher', 'auditor'] as const) tok[w] = await h.login(w);
  const r = await h.req('POST', '/api/ingest?format=rescue-1122', tok.analyst, [call('R-1', 'Quetta'), call('R-2', 'Gwadar'), call('R-3', 'Quetta', 'road block')].join('\n'), ndjson);
  expect(r.statusCode).toBe(200);
}, 60_000);
afterAll(async () => { await h.close(); repo.close(); db.closeSync(); });

type Page = { items: { id: string; district: string; state: string; incidentId: string; explanation: { rule: string }; history: { by: string }[] }[]; total: number };

describe('GET /api/alerts', () => {
  it('401 / 403 (auditor, administrator: audited) / 400', async () => {
    expectProblem(await h.req('GET', '/api/alerts'), 401);
    const seq = await h.auditSize();
    expectProblem(await h.req('GET', '/api/alerts', tok.auditor), 403);
    expectProblem(await h.req('GET', '/api/alerts', tok.admin), 403);
    expect((await h.auditSince(seq)).filter((e) => e.action === 'authz.denied' && e.target === 'alerts')).toHaveLength(2);
    expect(expectProblem(await h.req('GET', '/api/alerts?state=sleeping', tok.analyst), 400)['field']).toMatch(/state/);
    expect(expectProblem(await h.req('GET', '/api/alerts?district=Atlantis', tok.analyst), 400)['field']).toBe('districts');
    expect(expectProblem(await h.req('GET', '/api/alerts?limit=0', tok.analyst), 400)['field']).toMatch(/limit/);
  });

  it('ingest ran the stored incidents through the rules: an unscoped analyst sees both blasts, each district officer only theirs', async () => {
    const all = (await h.req('GET', '/api/alerts?state=open', tok.analyst)).json() as Page;
    expect(all.total).toBe(2);
    expect(all.items.map((a) => a.district).sort()).toEqual(['Gwadar', 'Quetta']);
    expect(all.items[0]!.explanation.rule).toBe('blast (category)');
    const q = (await h.req('GET', '/api/alerts', tok.quetta)).json() as Page;
    expect(q.items.map((a) => a.district)).toEqual(['Quetta']);
    expect(q.total).toBe(1);
    const g = (await h.req('GET', '/api/alerts?district=Gwadar', tok.gwadar)).json() as Page;
    expect(g.items.map((a) => a.district)).toEqual(['Gwadar']);
    const seq = await h.auditSize();
    expectProblem(await h.req('GET', '/api/alerts?district=Gwadar', tok.quetta), 403);
    expect((await h.auditSince(seq)).filter((e) => e.action === 'authz.denied')).toHaveLength(1);
  });
});

describe('POST /api/alerts/:id/acknowledge and /resolve', () => {
  it('out of scope answers 404 (denial audited); no permission 403; acknowledge and resolve are audited; resolved twice 409', async () => {
    const all = (await h.req('GET', '/api/alerts', tok.analyst)).json() as Page;
    const quettaId = all.items.find((a) => a.district === 'Quetta')!.id;
    const gwadarId = all.items.find((a) => a.district === 'Gwadar')!.id;
    const enc = encodeURIComponent;
    expectProblem(await h.req('POST', `/api/alerts/${enc(quettaId)}/acknowledge`, undefined, {}), 401);
    let seq = await h.auditSize();
    expectProblem(await h.req('POST', `/api/alerts/${enc(gwadarId)}/acknowledge`, tok.quetta, {}), 404);
    expect((await h.auditSince(seq)).filter((e) => e.action === 'authz.denied' && e.target === gwadarId)).toHaveLength(1);
    expectProblem(await h.req('POST', `/api/alerts/${enc(quettaId)}/acknowledge`, tok.researcher, {}), 403);
    expectProblem(await h.req('POST', `/api/alerts/nope@2026/acknowledge`, tok.analyst, {}), 404);
    expect(expectProblem(await h.req('POST', `/api/alerts/${enc(quettaId)}/acknowledge`, tok.quetta, { note: 'x', extra: 1 }), 400)['field']).toMatch(/body/);

    seq = await h.auditSize();
    const a = await h.req('POST', `/api/alerts/${enc(quettaId)}/acknowledge`, tok.quetta, { note: 'team sent' });
    expect(a.statusCode).toBe(200);
    expect(a.json()).toMatchObject({ state: 'acknowledged' });
    const r = await h.req('POST', `/api/alerts/${enc(quettaId)}/resolve`, tok.commander, {});
    expect(r.json()).toMatchObject({ state: 'resolved' });
    expect((r.json() as Page['items'][number]).history.map((x) => x.by)).toEqual(['system:rule-engine', h.ids['quetta'], h.ids['commander']]);
    const audit = (await h.auditSince(seq)).filter((e) => e.target === quettaId);
    expect(audit.map((e) => [e.action, e.actor, e.outcome, e.details?.['to']])).toEqual([
      ['alert.acknowledge', h.ids['quetta'], 'success', 'acknowledged'], ['alert.action', h.ids['commander'], 'success', 'resolved'],
    ]);
    seq = await h.auditSize();
    expectProblem(await h.req('POST', `/api/alerts/${enc(quettaId)}/resolve`, tok.analyst, {}), 409);
    expect((await h.auditSince(seq)).filter((e) => e.target === quettaId).map((e) => e.outcome)).toEqual(['failure']);
    // persisted
    expect((await repo.get(quettaId))?.alert.state).toBe('resolved');
    expect(((await h.req('GET', '/api/alerts?state=resolved', tok.analyst)).json() as Page).items.map((x) => x.id)).toEqual([quettaId]);
  });
});

/** Reads an SSE stream until `until` holds for the events parsed so far (or times out). */
function readStream(port: number, token: string, path: string, until: (events: SseEvent[], text: string) => boolean, headers: Record<string, string> = {}): Promise<{ events: SseEvent[]; text: string; status: number }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers: { authorization: `Bearer ${token}`, ...headers } }, (res: IncomingMessage) => {
      let text = '';
      const timer = setTimeout(() => { req.destroy(); reject(new Error(`stream timed out; got: ${text}`)); }, 10_000);
      res.on('data', (c: Buffer) => {
        text += c.toString('utf8');
        const events = parseSse(text);
        if (until(events, text)) { clearTimeout(timer); req.destroy(); resolve({ events, text, status: res.statusCode ?? 0 }); }
      });
    });
    req.on('error', (e) => { if ((e as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(e); });
    req.end();
  });
}
interface SseEvent { id?: string; event?: string; data: string }
function parseSse(text: string): SseEvent[] {
  const out: SseEvent[] = [];
  for (const block of text.split('\n\n').slice(0, -1)) {
    const e: SseEvent = { data: '' };
    for (const line of block.split('\n')) {
      if (line.startsWith('id: ')) e.id = line.slice(4);
      else if (line.startsWith('event: ')) e.event = line.slice(7);
      else if (line.startsWith('data: ')) e.data += line.slice(6);
    }
    if (e.event !== undefined) out.push(e);
  }
  return out;
}

describe('GET /api/alerts/stream (server-sent events)', () => {
  it('streams only the alerts the session may see, with heartbeats; Last-Event-ID replays what was missed', async () => {
    await h.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (h.app.server.address() as AddressInfo).port;
    expect((await h.req('GET', '/api/alerts/stream')).statusCode).toBe(401);
    expectProblem(await h.req('GET', '/api/alerts/stream', tok.auditor), 403);
    const live = readStream(port, tok.quetta!, '/api/alerts/stream', (ev, text) => ev.some((e) => e.event === 'alert') && text.includes(': heartbeat'));
    await new Promise((r) => setTimeout(r, 100));
    const r = await h.req('POST', '/api/ingest?format=rescue-1122', tok.analyst, [call('R-10', 'Gwadar'), call('R-11', 'Quetta')].join('\n'), ndjson);
    expect(r.json()).toMatchObject({ stored: 2 });
    const got = await live;
    expect(got.status).toBe(200);
    const alerts = got.events.filter((e) => e.event === 'alert').map((e) => JSON.parse(e.data) as { district: string; incidentId: string; change: string; classification: string });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ district: 'Quetta', change: 'opened', classification: 'UNCLASSIFIED' });
    const lastId = got.events.find((e) => e.event === 'alert')!.id!;
    // Resume from before everything: the Quetta changes only (R-1 opened, acknowledged, resolved; R-11 opened), in order.
    const replay = await readStream(port, tok.quetta!, '/api/alerts/stream', (ev) => ev.filter((e) => e.event === 'alert').length >= 4, { 'last-event-id': '0' });
    const changes = replay.events.filter((e) => e.event === 'alert').map((e) => (JSON.parse(e.data) as { change: string; district: string }));
    expect(changes.map((c) => c.change)).toEqual(['opened', 'acknowledged', 'resolved', 'opened']);
    expect(changes.every((c) => c.district === 'Quetta')).toBe(true);
    expect(replay.events.filter((e) => e.event === 'alert').at(-1)!.id).toBe(lastId);
    // the unscoped analyst's stream carries the Gwadar alert as well
    const analyst = await readStream(port, tok.analyst!, '/api/alerts/stream?lastEventId=0', (ev) => ev.filter((e) => e.event === 'alert').length >= 6);
    expect(analyst.events.filter((e) => e.event === 'alert').map((e) => (JSON.parse(e.data) as { district: string }).district).sort()).toEqual(['Gwadar', 'Gwadar', 'Quetta', 'Quetta', 'Quetta', 'Quetta']);
  });
});
