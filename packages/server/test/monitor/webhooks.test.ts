import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertHub } from '../../src/monitor/alert-hub.js';
import { DuckDBAlertRepository } from '../../src/monitor/duckdb-alert-repository.js';
import { LiveMonitor, type LabelledIncident } from '../../src/monitor/live-monitor.js';
import { ruleSetFrom } from '../../src/monitor/rule-config.js';
import { parseWebhookFile, signWebhook, verifyWebhook, WebhookDispatcher } from '../../src/monitor/webhooks.js';

const SECRET = 'a-shared-secret-of-32-characters';
interface Received { headers: IncomingMessage['headers']; body: string; ok: boolean }
let server: Server;
let url: string;
const received: Received[] = [];
/** Answers 500 to the first request of each delivery id, then 200; 400 for Gwadar alerts. */
const failedOnce = new Set<string>();
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString('utf8'); });
    req.on('end', () => {
      const ok = verifyWebhook(SECRET, body, String(req.headers['baseerat-timestamp']), String(req.headers['baseerat-signature']), Math.floor(Date.now() / 1000));
      received.push({ headers: req.headers, body, ok });
      const id = String(req.headers['baseerat-delivery']);
      if (body.includes('"district":"Gwadar"')) { res.writeHead(400).end('no'); return; }
      if (!failedOnce.has(id)) { failedOnce.add(id); res.writeHead(503).end('busy'); return; }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});
afterAll(async () => { await new Promise<void>((r) => server.close(() => r())); });

const suicide = (id: string, district: string, classification: LabelledIncident['classification'] = 'UNCLASSIFIED'): LabelledIncident => ({
  id, occurredAt: '2025-01-01T09:00:00.000Z', category: 'TI.SUICIDE', classification, location: { lat: 30.19, lon: 67.0, district }, severity: { killed: 0, injured: 1 },
});

describe('webhooks', () => {
  it('signs (receiver verifies), retries a 503 with backoff, logs every attempt; a 400 is final; scope and classification are honoured', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const repo = await DuckDBAlertRepository.open(db);
    const hub = new AlertHub();
    const config = parseWebhookFile({
      webhooks: [
        { id: 'quetta-gwadar', url, secretEnv: 'TEST_HOOK_SECRET', scope: { kind: 'districts', districts: ['Quetta', 'Gwadar'] } },
      ],
      retry: { attempts: 3, initialDelayMs: 5, maxDelayMs: 20, timeoutMs: 2000 },
    }, { TEST_HOOK_SECRET: SECRET });
    const waits: number[] = [];
    const d = new WebhookDispatcher({ config, repository: repo, env: { TEST_HOOK_SECRET: SECRET }, sleep: async (ms) => { waits.push(ms); await new Promise((r) => setTimeout(r, ms)); } }).attach(hub);
    const m = new LiveMonitor({ ruleSet: ruleSetFrom([{ kind: 'category', id: 'suicide', severity: 'critical', categories: ['TI.SUICIDE'] }], { type: 'FeatureCollection', features: [] }), repository: repo, hub, now: () => new Date('2025-01-01T10:00:00.000Z') });
    // Quetta: delivered on the 2nd attempt. Gwadar: refused (400), not retried. Kech: out of scope. Quetta SECRET: above the default RESTRICTED ceiling.
    await m.observe([suicide('q1', 'Quetta'), suicide('g1', 'Gwadar'), suicide('k1', 'Kech'), suicide('q2', 'Quetta', 'SECRET')]);
    await d.drain();
    expect(received.every((r) => r.ok)).toBe(true);
    const incidentOf = (r: Received) => (JSON.parse(r.body) as { alert: { incidentId: string } }).alert.incidentId;
    expect(received.map(incidentOf).sort()).toEqual(['g1', 'q1', 'q1']);
    // the same delivery id on the retry; the receiver can dedupe on it
    const q = received.filter((r) => incidentOf(r) === 'q1');
    expect(q[0]!.headers['baseerat-delivery']).toBe(q[1]!.headers['baseerat-delivery']);
    expect(waits).toEqual([5]);
    const log = await repo.listDeliveries();
    expect(log.map((x) => [x.alertId.split('|')[2]!.split('@')[0], x.attempt, x.status, x.outcome]).sort()).toEqual([
      ['g1', 1, 400, 'failed'], ['q1', 1, 503, 'retrying'], ['q1', 2, 204, 'delivered'],
    ]);
    expect(d.counters).toMatchObject({ delivered: 1, failed: 1, attempts: 3 });
    // a tampered body or an old timestamp does not verify
    const body = q[0]!.body;
    const ts = Number(q[0]!.headers['baseerat-timestamp']);
    expect(verifyWebhook(SECRET, body.replace('Quetta', 'Quettb'), String(ts), signWebhook(SECRET, ts, body), ts)).toBe(false);
    expect(verifyWebhook(SECRET, body, String(ts), signWebhook(SECRET, ts, body), ts + 301)).toBe(false);
    expect(verifyWebhook(SECRET, body, String(ts), signWebhook(SECRET, ts, body), ts + 299)).toBe(true);
    d.detach();
    repo.close();
    db.closeSync();
  });

  it('a webhooks file is checked: unknown keys, missing secret, duplicate ids', () => {
    expect(() => parseWebhookFile({ webhooks: [{ id: 'a', url, secret: SECRET, colour: 'red' }] })).toThrow(/colour|Unrecognized/);
    expect(() => parseWebhookFile({ webhooks: [{ id: 'a', url }] })).toThrow(/secret/);
    expect(() => parseWebhookFile({ webhooks: [{ id: 'a', url, secretEnv: 'NOPE_NOT_SET' }] }, {})).toThrow(/NOPE_NOT_SET/);
    expect(() => parseWebhookFile({ webhooks: [{ id: 'a', url, secret: SECRET }, { id: 'a', url, secret: SECRET }] })).toThrow(/twice/);
  });
});
