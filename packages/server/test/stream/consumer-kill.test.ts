/**
 * Against the real NATS JetStream on 127.0.0.1:4222 (a stream and subject prefix of its own,
 * deleted after): publish a synthetic five-agency feed, start `baseerat consume` as a child process,
 * SIGKILL it mid-stream, start it again, and check that every published record is stored exactly
 * once (nothing lost, nothing twice), with nothing quarantined as a within-stream duplicate.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { CATEGORY_CODES, linkBatch } from '@baseerat/engine';
import { afterAll, describe, expect, it } from 'vitest';
import { loadMappingFile } from '../../src/ingest/mapping.js';
import { loadGeography } from '../../src/reference/geography.js';
import { startIngestConsumer } from '../../src/stream/ingest-consumer.js';
import type { Store } from '../../src/store/port.js';
import { openEmbedded } from '../../src/api/embedded.js';
import { resolveMasterKey } from '../../src/cli/commands/serve.js';
import { writeSyntheticFeed } from '../../src/generate/write-feed.js';
import { duckdbInstanceOf } from '../../src/monitor/duckdb-alert-repository.js';
import { readFeedDirectory } from '../../src/stream/feed-records.js';
import { publishRecords } from '../../src/stream/publisher.js';
import { durableName } from '../../src/stream/subjects.js';
import { natsTestBed } from './nats-test-bed.js';

const BIN = fileURLToPath(new URL('../../bin/baseerat.mjs', import.meta.url));
const tag = `t${process.pid}${Math.floor(performance.now())}`;
const STREAM = `TEST_KILL_${tag}`;
const PREFIX = `${tag}.ingest`;
const AGENCIES = ['police', 'levies', 'fc', 'ctd', 'rescue1122'];

const bed = natsTestBed('baseerat-kill-', STREAM);
/** Every consumer process started, killed at the end even when a test failed half-way. */
const children: ChildProcess[] = [];
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function consume(db: string, extra: string[] = [], stream = STREAM, prefix = PREFIX): ChildProcess {
  return remember(spawn(process.execPath, [BIN, 'consume', '--agencies', AGENCIES.join(','), '--mappings', join(bed.dir, 'feed', 'mappings'), '--stream', stream, '--prefix', prefix,
    '--db', db, '--batch', '100', '--ack-wait', '2', '--json', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] }));
}
function remember(c: ChildProcess): ChildProcess {
  children.push(c);
  return c;
}

/** Deliveries acknowledged (redeliveries included), and messages not yet acknowledged, over the agencies' consumers. */
async function progress(stream = STREAM): Promise<{ acked: number; outstanding: number }> {
  let acked = 0, outstanding = 0;
  for (const a of AGENCIES) {
    try {
      const i = await bed.jsm.consumers.info(stream, durableName(a));
      acked += i.ack_floor.consumer_seq;
      outstanding += i.num_pending + i.num_ack_pending;
    } catch { outstanding = Infinity; /* not created yet */ }
  }
  return { acked, outstanding };
}

describe('NATS consumer killed mid-stream and restarted', () => {
  it('stores every published record exactly once', async () => {
    writeSyntheticFeed(join(bed.dir, 'feed'), { seed: 11, start: '2024-01-01T00:00:00.000Z', end: '2024-04-01T00:00:00.000Z', incidents: 1500, malformedShare: 0 });
    const feed = await readFeedDirectory(join(bed.dir, 'feed'));
    const total = feed.records.length;
    const pub = await publishRecords({ nats: bed.nc, records: feed.records, rate: 0, stream: STREAM, prefix: PREFIX });
    expect(pub.published).toBe(total);
    const db = join(bed.dir, 'db', 'store.duckdb');

    // first run: killed once a quarter of the feed is acknowledged
    const first = consume(db);
    let err1 = '';
    first.stderr!.on('data', (c: Buffer) => { err1 += c.toString(); });
    const exited1 = new Promise<number | null>((r) => first.on('exit', (_code, signal) => r(signal === null ? _code : -1)));
    const t0 = Date.now();
    while ((await progress()).acked < total / 4) {
      // a liveness guard, not a timing check: at load 20 on 2 cores the first quarter took over 60 s
      if (Date.now() - t0 > 150_000) throw new Error(`consumer made no progress in 150 s: ${err1}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    first.kill('SIGKILL');
    expect(await exited1).toBe(-1);
    // an acknowledgement the killed process had already written to its socket can still reach the
    // server after the exit: read the consumers' state until it stops moving
    let atKill = await progress();
    for (;;) {
      await new Promise((r) => setTimeout(r, 300));
      const again = await progress();
      if (again.acked === atKill.acked && again.outstanding === atKill.outstanding) break;
      atKill = again;
    }
    expect(atKill.outstanding).toBeGreaterThan(0);

    // second run: picks up the rest (and the unacknowledged batch in flight, redelivered after ack-wait), exits when idle
    const second = consume(db, ['--idle-exit', '4']);
    let out2 = '', err2 = '';
    second.stdout!.on('data', (c: Buffer) => { out2 += c.toString(); });
    second.stderr!.on('data', (c: Buffer) => { err2 += c.toString(); });
    const code = await new Promise<number | null>((r) => second.on('exit', (c) => r(c)));
    expect(code, err2).toBe(0);
    expect((await progress()).outstanding).toBe(0);
    const summary = JSON.parse(out2) as { out: { agency: string; rowsRead: number; stored: number; duplicates: number; quarantined: number }[] };

    const key = await resolveMasterKey(db, { create: false });
    const e = await openEmbedded(db, key, new Date());
    try {
      const conn = await duckdbInstanceOf(e.store).connect();
      const rows = (await conn.runAndReadAll('SELECT agency, count(*)::INTEGER AS n, count(DISTINCT source_id)::INTEGER AS d FROM reports GROUP BY agency ORDER BY agency')).getRowObjectsJS();
      const stored = Object.fromEntries(rows.map((r) => [String(r['agency']), Number(r['n'])]));
      expect(stored).toEqual(pub.byAgency);
      for (const r of rows) expect(r['n']).toBe(r['d']);
      const q = (await conn.runAndReadAll('SELECT count(*)::INTEGER AS n FROM quarantine')).getRowObjectsJS();
      expect(q[0]!['n']).toBe(0);
      conn.closeSync();
    } finally {
      await e.close();
    }
    // the restarted consumer saw at least what was not acknowledged at the kill; what the killed run
    // had written but not acknowledged came back and was counted as a duplicate, not stored again
    const read2 = summary.out.reduce((s, a) => s + a.rowsRead, 0);
    const dup2 = summary.out.reduce((s, a) => s + a.duplicates, 0);
    expect(read2).toBeGreaterThanOrEqual(atKill.outstanding);
    expect(summary.out.reduce((s, a) => s + a.stored, 0) + dup2).toBe(read2);
    console.log(`kill test: ${total} published, ${atKill.outstanding} not acknowledged at the kill, restarted run read ${read2} (${dup2} already stored: redelivered after the kill)`);
  }, 300_000);
});

describe('a batch written but not acknowledged (the process dies between commit and ack)', () => {
  it('comes back after ack-wait and is counted as duplicates, not stored twice', async () => {
    const stream = `${STREAM}_R`, prefix = `${tag}r.ingest`;
    writeSyntheticFeed(join(bed.dir, 'feed2'), { seed: 12, start: '2024-01-01T00:00:00.000Z', end: '2024-02-01T00:00:00.000Z', incidents: 400, malformedShare: 0, agencies: ['fc'] });
    const feed = await readFeedDirectory(join(bed.dir, 'feed2'));
    const total = feed.records.length;
    await publishRecords({ nats: bed.nc, records: feed.records, rate: 0, stream, prefix });
    const e = await openEmbedded(':memory:', randomBytes(32), new Date());
    const adapter = await loadMappingFile(join(bed.dir, 'feed2', 'mappings', 'fc.json'));
    const geocoder = loadGeography();
    let writes = 0;
    // the second write commits, then the "process" dies before it can acknowledge
    const crashing = new Proxy(e.store, {
      get(t, p, r) {
        if (p === 'writeBatch') return async (b: Parameters<Store['writeBatch']>[0]) => { const w = await t.writeBatch(b); if (++writes === 2) throw new Error('crash after commit'); return w; };
        const v = Reflect.get(t, p, r) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
      },
    });
    try {
      // the first consumer's clock steps a second a reading, from 2030: each batch's reports carry the time it was taken
      let tick = 0;
      const clock1 = () => new Date(Date.UTC(2030, 0, 1) + 1000 * tick++);
      const c1 = await startIngestConsumer({ nats: bed.nc, agency: 'fc', adapter, store: crashing, geocoder, link: linkBatch, stream, prefix, maxBatch: 40, ackWaitSeconds: 1, now: clock1 });
      await expect(c1.done).rejects.toThrow('crash after commit');
      await c1.stop().catch(() => undefined);
      const c2 = await startIngestConsumer({ nats: bed.nc, agency: 'fc', adapter, store: e.store, geocoder, link: linkBatch, stream, prefix, maxBatch: 40, ackWaitSeconds: 1 });
      const t0 = Date.now();
      for (;;) {
        const i = await bed.jsm.consumers.info(stream, durableName('fc'));
        if (i.num_pending + i.num_ack_pending === 0) break;
        if (Date.now() - t0 > 30_000) throw new Error('not drained');
        await new Promise((r) => setTimeout(r, 100));
      }
      const s = await c2.stop();
      expect(s.duplicates).toBeGreaterThanOrEqual(1);
      const conn = await duckdbInstanceOf(e.store).connect();
      const rows = (await conn.runAndReadAll("SELECT count(*)::INTEGER AS n, count(DISTINCT source_id)::INTEGER AS d FROM reports WHERE agency = 'fc'")).getRowObjectsJS();
      expect(rows[0]).toEqual({ n: total, d: total });
      // provenance: the first consumer's two batches (up to 40 records each, both committed) carry each its own receipt time, not the consumer's start
      const received = (await conn.runAndReadAll("SELECT count(*)::INTEGER AS n, count(DISTINCT received_at)::INTEGER AS d FROM reports WHERE agency = 'fc' AND received_at >= TIMESTAMP '2030-01-01'")).getRowObjectsJS()[0]!;
      expect(received['d']).toBe(2);
      expect(received['n']).toBeGreaterThanOrEqual(2);
      expect(received['n']).toBeLessThanOrEqual(80);
      conn.closeSync();
      console.log(`redelivery test: ${total} published; after the crash the new consumer read ${s.rowsRead}, stored ${s.stored}, counted ${s.duplicates} as already stored`);
    } finally {
      await e.close();
      await bed.jsm.streams.delete(stream).catch(() => undefined);
    }
  }, 60_000);
});

// also with --row-worker: the rows of new incidents made in a worker thread (store/duckdb/row-encoder.ts)
for (const rowWorker of [false, true]) describe(`ack-behind${rowWorker ? ' --row-worker' : ''}: the consumer killed while its store writes are behind, and restarted`, () => {
  it('stores every published record exactly once and every stored incident has its alert, once', async () => {
    const stream = `${STREAM}_AB${rowWorker ? 'RW' : ''}`, prefix = `${tag}ab${rowWorker ? 'rw' : ''}.ingest`;
    // the feed of the first test (same seed), on a stream of its own
    writeSyntheticFeed(join(bed.dir, 'feed'), { seed: 11, start: '2024-01-01T00:00:00.000Z', end: '2024-04-01T00:00:00.000Z', incidents: 1500, malformedShare: 0 });
    const feed = await readFeedDirectory(join(bed.dir, 'feed'));
    const total = feed.records.length;
    const pub = await publishRecords({ nats: bed.nc, records: feed.records, rate: 0, stream, prefix });
    expect(pub.published).toBe(total);
    // one rule that fires on every category: each new incident opens an alert whose key ends with its id
    const rules = join(bed.dir, 'all-rules.json'), zones = join(bed.dir, 'no-zones.json');
    writeFileSync(rules, JSON.stringify([{ kind: 'category', id: 'any-event', severity: 'low', categories: [...CATEGORY_CODES] }]));
    writeFileSync(zones, JSON.stringify({ type: 'FeatureCollection', features: [] }));
    const db = join(bed.dir, rowWorker ? 'db-ab-rw' : 'db-ab', 'store.duckdb');
    const flags = ['--ack-behind', ...(rowWorker ? ['--row-worker'] : []), '--rules', rules, '--zones', zones];

    const first = consume(db, flags, stream, prefix);
    let err1 = '';
    first.stderr!.on('data', (c: Buffer) => { err1 += c.toString(); });
    const exited1 = new Promise<number | null>((r) => first.on('exit', (_code, signal) => r(signal === null ? _code : -1)));
    const t0 = Date.now();
    while ((await progress(stream)).acked < total / 4) {
      if (Date.now() - t0 > 150_000) throw new Error(`consumer made no progress in 150 s: ${err1}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    first.kill('SIGKILL');
    expect(await exited1).toBe(-1);
    const atKill = await progress(stream);
    expect(atKill.outstanding).toBeGreaterThan(0);

    const second = consume(db, [...flags, '--idle-exit', '4'], stream, prefix);
    let out2 = '', err2 = '';
    second.stdout!.on('data', (c: Buffer) => { out2 += c.toString(); });
    second.stderr!.on('data', (c: Buffer) => { err2 += c.toString(); });
    const code = await new Promise<number | null>((r) => second.on('exit', (c) => r(c)));
    expect(code, err2).toBe(0);
    expect((await progress(stream)).outstanding).toBe(0);
    const summary = JSON.parse(out2) as { out: { rowsRead: number; stored: number; duplicates: number }[] };

    const key = await resolveMasterKey(db, { create: false });
    const e = await openEmbedded(db, key, new Date());
    try {
      const conn = await duckdbInstanceOf(e.store).connect();
      const rows = (await conn.runAndReadAll('SELECT agency, count(*)::INTEGER AS n, count(DISTINCT source_id)::INTEGER AS d FROM reports GROUP BY agency ORDER BY agency')).getRowObjectsJS();
      expect(Object.fromEntries(rows.map((r) => [String(r['agency']), Number(r['n'])]))).toEqual(pub.byAgency);
      for (const r of rows) expect(r['n']).toBe(r['d']);
      const q = (await conn.runAndReadAll('SELECT count(*)::INTEGER AS n FROM quarantine')).getRowObjectsJS();
      expect(q[0]!['n']).toBe(0);
      // no alert lost: every stored incident has an alert of the rule; none has two (not raised twice after the restart)
      const a = (await conn.runAndReadAll(`SELECT
          (SELECT count(*) FROM incidents)::INTEGER AS incidents,
          (SELECT count(*) FROM incidents i WHERE NOT EXISTS (SELECT 1 FROM mon_alerts m WHERE m.rule_id = 'any-event' AND m.dedup_key LIKE '%|' || i.id))::INTEGER AS without_alert,
          (SELECT count(*) FROM (SELECT dedup_key FROM mon_alerts GROUP BY dedup_key HAVING count(*) > 1))::INTEGER AS keys_twice,
          (SELECT count(*) FROM mon_alerts m WHERE NOT EXISTS (SELECT 1 FROM incidents i WHERE m.dedup_key LIKE '%|' || i.id))::INTEGER AS orphans,
          (SELECT count(*) FROM mon_alerts)::INTEGER AS alerts`)).getRowObjectsJS()[0]!;
      expect(a['incidents']).toBeGreaterThan(0);
      expect(a['without_alert']).toBe(0);
      expect(a['keys_twice']).toBe(0);
      conn.closeSync();
      const read2 = summary.out.reduce((s, x) => s + x.rowsRead, 0), dup2 = summary.out.reduce((s, x) => s + x.duplicates, 0);
      expect(read2).toBeGreaterThanOrEqual(atKill.outstanding);
      console.log(`ack-behind${rowWorker ? ' --row-worker' : ''} kill test: ${total} published, ${atKill.outstanding} not acknowledged at the kill, restarted run read ${read2} (${dup2} already stored); ${String(a['incidents'])} incidents, ${String(a['alerts'])} alerts, ${String(a['orphans'])} alerts of an incident not stored under that id (a batch relinked after the restart)`);
    } finally {
      await e.close();
      await bed.jsm.streams.delete(stream).catch(() => undefined);
    }
  }, 300_000);
});
