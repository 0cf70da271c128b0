/**
 * The server-mode ingest worker end to end on the machine's PostgreSQL and NATS: records published
 * to a JetStream subject are stored once (a re-published record is not stored again), the worker
 * answers /healthz, /readyz and /metrics, its logs are JSON lines, and stop() leaves nothing
 * unacknowledged. Unique database, stream and subjects per run.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { writeSyntheticFeed } from '../../src/generate/index.js';
import { createLogger } from '../../src/observability/logger.js';
import { startIngestWorker } from '../../src/worker/ingest-worker.js';
import { createTestDatabase, type TestDatabase } from '../store/pg-test-database.js';

const tag = randomBytes(3).toString('hex');
const STREAM = `WTEST_${tag}`;
const PREFIX = `wtest${tag}.ingest`;
const ALERT_STREAM = `WTESTA_${tag}`;
const dir = mkdtempSync(join(tmpdir(), 'baseerat-worker-'));
let db: TestDatabase;
let nc: NatsConnection;

beforeAll(async () => {
  db = await createTestDatabase('baseerat_worker');
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
  report_id: `FC-T${i}`, time_utc: new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString(), lat: 30.19, lon: 67.01,
  incident_type: 'PROTEST', killed: 0, wounded: 0, abducted: 0, classification: 'CONFIDENTIAL', target: 'civilians',
});

describe('baseerat worker (server mode)', () => {
  it('stores published records once, reports health, readiness and metrics, logs JSON', async () => {
    const lines: string[] = [];
    const destination = new Writable({ write(chunk: Buffer, _enc, cb) { lines.push(...chunk.toString().split('\n').filter((l) => l !== '')); cb(); } });
    const worker = await startIngestWorker({
      database: db.appUrl, nats: ['127.0.0.1:4222'], agencies: ['fc'], mappings: join(dir, 'feed', 'mappings'), maxBatch: 50,
      opsHost: '127.0.0.1', opsPort: 0, schema: 'public', maxConnections: 2, stream: STREAM, prefix: PREFIX,
      // the live rules run (the default) and publish on this run's own alert bus stream
      alertStream: ALERT_STREAM, alertPrefix: `wtest${tag}.alerts`,
    }, createLogger('worker', { destination }));
    const base = `http://${worker.ops.address}`;
    try {
      const js = jetstream(nc);
      for (let i = 0; i < 120; i++) await js.publish(`${PREFIX}.fc`, JSON.stringify(event(i)), { msgID: `fc:${i}` });
      // the same five records again under new message ids: past JetStream's dedup, caught downstream
      for (let i = 0; i < 5; i++) await js.publish(`${PREFIX}.fc`, JSON.stringify(event(i)), { msgID: `fc:again:${i}` });
      const value = (text: string, outcome: string) => Number(new RegExp(`baseerat_ingest_records_total\\{[^}]*outcome="${outcome}"[^}]*\\} (\\d+)`).exec(text)?.[1] ?? 0);
      let metrics = '';
      for (let t = 0; t < 100; t++) {
        metrics = await (await fetch(`${base}/metrics`)).text();
        if (value(metrics, 'stored') + value(metrics, 'duplicate') + value(metrics, 'quarantined') >= 125) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(value(metrics, 'stored')).toBe(120);
      // a repeat is never stored again: the store counts it a duplicate, or the live ingestor, which
      // remembers the keys of its stream, quarantines it as a repeat within the stream
      expect(value(metrics, 'duplicate') + value(metrics, 'quarantined')).toBe(5);
      expect(metrics).toMatch(/baseerat_ingest_latency_seconds_count\{[^}]*agency="fc"[^}]*\} \d+/);
      expect(metrics).toMatch(/baseerat_consumer_pending\{/);
      expect(metrics).toMatch(/process_cpu_seconds_total/);
      expect((await db.admin(`SELECT count(*)::int AS n, count(DISTINCT source_id)::int AS d FROM reports`)).rows[0]).toEqual({ n: 120, d: 120 });

      expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', nats: 'ok' } });
      expect((await fetch(`${base}/nowhere`)).status).toBe(404);
    } finally {
      const summaries = await worker.stop();
      expect(summaries.map((s) => [s.agency, s.stored])).toEqual([['fc', 120]]);
    }
    const info = await (await jetstreamManager(nc)).consumers.info(STREAM, 'ingest-fc');
    expect([info.num_pending, info.num_ack_pending]).toEqual([0, 0]);
    const parsed = lines.map((l) => JSON.parse(l) as { level: number; role: string; msg: string; time: string });
    expect(parsed.map((p) => p.msg)).toEqual(expect.arrayContaining(['worker ready', 'worker stopped']));
    for (const p of parsed) expect([p.role, typeof p.time]).toEqual(['worker', 'string']);
    // no record content in the logs
    expect(lines.join('\n')).not.toContain('FC-T1');
  });
});
