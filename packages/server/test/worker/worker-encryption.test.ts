/**
 * The worker encrypts in server mode: given the master key it opens the same key ring as the API
 * (security/postgres-key-ring.ts), so the sensitive columns it writes are ciphertext at rest, and an
 * API process (openServerMode with the same key) reads them back. Unique database, stream, subjects.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { openServerMode } from '../../src/api/server-mode.js';
import { writeSyntheticFeed } from '../../src/generate/index.js';
import { createLogger } from '../../src/observability/logger.js';
import { startIngestWorker } from '../../src/worker/ingest-worker.js';
import { createTestDatabase, type TestDatabase } from '../store/pg-test-database.js';

const tag = randomBytes(3).toString('hex');
const STREAM = `WENC_${tag}`;
const PREFIX = `wenc${tag}.ingest`;
const ALERT_STREAM = `WENCA_${tag}`;
const dir = mkdtempSync(join(tmpdir(), 'baseerat-worker-enc-'));
let db: TestDatabase;
let nc: NatsConnection;

beforeAll(async () => {
  db = await createTestDatabase('baseerat_wenc');
  nc = await connect({ servers: '127.0.0.1:4222' });
  writeSyntheticFeed(join(dir, 'feed'), { seed: 1, start: '2024-01-01T00:00:00.000Z', end: '2024-01-02T00:00:00.000Z', malformedShare: 0 });
});
afterAll(async () => {
  await (await jetstreamManager(nc)).streams.delete(STREAM).catch(() => undefined);
  await (await jetstreamManager(nc)).streams.delete(ALERT_STREAM).catch(() => undefined);
  await nc?.close();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

const event = (i: number) => ({
  report_id: `FC-E${i}`, time_utc: new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString(), lat: 30.19, lon: 67.01,
  incident_type: 'PROTEST', killed: 0, wounded: 0, abducted: 0, classification: 'CONFIDENTIAL', target: 'civilians', narrative: `crowd at gate ${i}`,
});

describe('baseerat worker with the master key', () => {
  it('writes ciphertext that an API process with the same key reads back', async () => {
    const master = randomBytes(32);
    const quiet = new Writable({ write(_c, _e, cb) { cb(); } });
    const worker = await startIngestWorker({
      database: db.appUrl, nats: ['127.0.0.1:4222'], agencies: ['fc'], mappings: join(dir, 'feed', 'mappings'), maxBatch: 50,
      opsHost: '127.0.0.1', opsPort: 0, schema: 'public', maxConnections: 2, stream: STREAM, prefix: PREFIX,
      // the live rules run (the default) and publish on this run's own alert bus stream
      alertStream: ALERT_STREAM, alertPrefix: `wenc${tag}.alerts`,
    }, createLogger('worker', { destination: quiet }), { masterKey: master });
    try {
      const js = jetstream(nc);
      for (let i = 0; i < 20; i++) await js.publish(`${PREFIX}.fc`, JSON.stringify(event(i)), { msgID: `fc:${i}` });
      let n = 0;
      for (let t = 0; t < 100 && n < 20; t++) {
        n = Number((await db.admin('SELECT count(*)::int AS n FROM reports')).rows[0]?.n ?? 0);
        if (n < 20) await new Promise((r) => setTimeout(r, 200));
      }
      expect(n).toBe(20);
    } finally {
      await worker.stop();
    }
    const raw = (await db.admin('SELECT raw FROM reports')).rows as { raw: string }[];
    expect(raw.every((r) => r.raw.startsWith('v1:incidents.v1:') && !r.raw.includes('FC-E'))).toBe(true);
    const api = await openServerMode(db.appUrl, master, new Date(), { maxConnections: 1, securityConnections: 2 });
    try {
      const page = await api.store.listIncidents({}, { offset: 0, limit: 50 });
      expect(page.total).toBe(20);
      // the raw source records come back decrypted, each the JSON the worker consumed
      const reports = (await Promise.all(page.items.map((i) => api.store.reportsOf(i.id)))).flat();
      expect(reports.map((r) => (JSON.parse(r.source.raw) as { report_id: string }).report_id).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `FC-E${i}`).sort());
    } finally {
      await api.close();
    }
  });
});
