/**
 * One acknowledgement per batch (`ack: 'all'`, JetStream AckPolicy.All), against the real NATS
 * JetStream on 127.0.0.1:4222 (streams and subjects of its own, deleted after). An ack of stream
 * sequence S acknowledges every pending message up to S, so each test is a way that could
 * acknowledge a message never written: a restart with messages a dead consumer took, a redelivery
 * arriving after a later batch was acknowledged, a delivery lost on the way, a batch acknowledged
 * behind one whose commit failed, a durable shared with explicit acks. Each checks the store (every
 * record once) or the server's ack floor, not the consumer's own counters alone.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { AckPolicy, jetstream } from '@nats-io/jetstream';
import { linkBatch } from '@baseerat/engine';
import { beforeAll, describe, expect, it } from 'vitest';
import { openEmbedded, type Embedded } from '../../src/api/embedded.js';
import { writeSyntheticFeed } from '../../src/generate/write-feed.js';
import type { Adapter } from '../../src/ingest/adapter.js';
import { loadMappingFile } from '../../src/ingest/mapping.js';
import { duckdbInstanceOf } from '../../src/monitor/duckdb-alert-repository.js';
import { loadGeography } from '../../src/reference/geography.js';
import type { Store } from '../../src/store/port.js';
import { readFeedDirectory } from '../../src/stream/feed-records.js';
import { lastSequences, readSequences, startIngestConsumer, type IngestConsumerOptions } from '../../src/stream/ingest-consumer.js';
import { publishRecords } from '../../src/stream/publisher.js';
import { durableName } from '../../src/stream/subjects.js';
import { natsTestBed } from './nats-test-bed.js';

const tag = `a${process.pid}${Math.floor(performance.now())}`;
let adapter: Adapter;
let feedRecords: Awaited<ReturnType<typeof readFeedDirectory>>['records'];
const bed = natsTestBed('baseerat-ackall-');
const streams = bed.streams;
const geocoder = loadGeography();
/** The block of tests running: taking messages with `consume()` (undefined) or timed pulls every this many ms. */
let pullIntervalMs: number | undefined;

beforeAll(async () => {
  writeSyntheticFeed(join(bed.dir, 'feed'), { seed: 21, start: '2024-01-01T00:00:00.000Z', end: '2024-04-01T00:00:00.000Z', incidents: 1200, malformedShare: 0, agencies: ['fc'] });
  feedRecords = (await readFeedDirectory(join(bed.dir, 'feed'))).records;
  adapter = await loadMappingFile(join(bed.dir, 'feed', 'mappings', 'fc.json'));
});

/** A stream of its own with the whole feed published on it. */
async function published(name: string): Promise<{ stream: string; prefix: string; total: number }> {
  const v = pullIntervalMs === undefined ? '' : `P${pullIntervalMs}`;
  const stream = `TEST_ACKALL_${tag}_${name}${v}`, prefix = `${tag}${name.toLowerCase()}${v.toLowerCase()}.ingest`;
  streams.push(stream);
  const pub = await publishRecords({ nats: bed.nc, records: feedRecords, rate: 0, stream, prefix });
  return { stream, prefix, total: pub.published };
}

/** Waits until the durable has nothing pending or unacknowledged (every message acknowledged). */
async function drained(stream: string, what: string): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    const i = await bed.jsm.consumers.info(stream, durableName('fc')).catch(() => undefined);
    if (i !== undefined && i.num_pending + i.num_ack_pending === 0) return;
    // a liveness guard, not a timing check
    if (Date.now() - t0 > 60_000) throw new Error(`${what}: not drained in 60 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Reports of the agency in the store, and distinct source ids. */
async function storedCounts(e: Embedded): Promise<{ n: number; d: number }> {
  const conn = await duckdbInstanceOf(e.store).connect();
  const rows = (await conn.runAndReadAll("SELECT count(*)::INTEGER AS n, count(DISTINCT source_id)::INTEGER AS d FROM reports WHERE agency = 'fc'")).getRowObjectsJS();
  conn.closeSync();
  return rows[0] as { n: number; d: number };
}

const options = (stream: string, prefix: string, store: Store, extra: Partial<IngestConsumerOptions> = {}): IngestConsumerOptions => ({
  nats: bed.nc, agency: 'fc', adapter, store, geocoder, link: linkBatch, stream, prefix, maxBatch: 40, ack: 'all', ...(pullIntervalMs === undefined ? {} : { pullIntervalMs }), ...extra,
});

/** The store with each writeBatch delayed (ms) or failing: `plan(n)` for the n-th write (1-based). */
function slowStore(store: Store, plan: (n: number) => { delayMs?: number; failAfterCommit?: boolean }): Store {
  let writes = 0;
  return new Proxy(store, {
    get(t, p, r) {
      if (p === 'writeBatch') {
        return async (b: Parameters<Store['writeBatch']>[0]) => {
          const step = plan(++writes);
          if (step.delayMs !== undefined) await new Promise((res) => setTimeout(res, step.delayMs));
          const w = await t.writeBatch(b);
          if (step.failAfterCommit === true) throw new Error('crash after commit');
          return w;
        };
      }
      const v = Reflect.get(t, p, r) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
    },
  });
}

describe('readSequences', () => {
  it('reads the stream and delivery sequences of both reply subject forms, and refuses others', () => {
    expect(readSequences('$JS.ACK.S.C.1.1234.56.1700000000000000000.7')).toBe(true);
    expect({ ...lastSequences }).toEqual({ stream: 1234, delivery: 56 });
    expect(readSequences('$JS.ACK._.ACCHASH.STREAM.dur.3.9007199254740.42.1700000000000000000.0.tok')).toBe(true);
    expect({ ...lastSequences }).toEqual({ stream: 9007199254740, delivery: 42 });
    expect(readSequences('$JS.ACK.S.C.1')).toBe(false);
    expect(readSequences('_INBOX.abc.def')).toBe(false);
    expect(readSequences('$JS.ACK._.H.S.C.1.12x.4.5.6.t')).toBe(false);
    expect(readSequences('$JS.ACK._.H.S.C.1..4.5.6.t')).toBe(false);
  });
});

// each test twice: messages taken with the client's consume(), and with timed pulls (stream/timed-pull.ts)
describe.each([{ pull: undefined }, { pull: 20 }])("ack: 'all' (one acknowledgement per batch), timed pulls every $pull ms", ({ pull }) => {
  beforeAll(() => { pullIntervalMs = pull; });
  it('stores every record once with one ack per batch, on a durable made with AckPolicy.All', async () => {
    const { stream, prefix, total } = await published('BASIC');
    const e = await openEmbedded(':memory:', randomBytes(32), new Date());
    try {
      const c = await startIngestConsumer(options(stream, prefix, e.store));
      expect(c.ack).toBe('all');
      await drained(stream, 'basic');
      const s = await c.stop();
      expect(s.stored).toBe(total);
      expect(await storedCounts(e)).toEqual({ n: total, d: total });
      expect(c.counters.acked).toBe(total);
      expect(c.counters.acks).toBe(c.counters.batches);
      expect(c.counters.batches).toBeLessThan(total);
      // taken the way this block says
      expect(c.counters.pullRequests > 0).toBe(pullIntervalMs !== undefined);
      const i = await bed.jsm.consumers.info(stream, durableName('fc'));
      expect(i.config.ack_policy).toBe(AckPolicy.All);
      expect(i.ack_floor.stream_seq).toBe(total);
      // readSequences on this server's reply subjects agrees with the client library's parse
      const ordered = await jetstream(bed.nc).consumers.get(stream, { opt_start_seq: 10 });
      for (let k = 0; k < 3; k++) {
        const m = await ordered.next();
        expect(m).not.toBeNull();
        expect(readSequences((m as unknown as { reply: string }).reply)).toBe(true);
        expect({ ...lastSequences }).toEqual({ stream: m!.info.streamSequence, delivery: m!.info.deliverySequence });
        expect(lastSequences.stream).toBe(10 + k);
      }
    } finally {
      await e.close();
    }
  }, 90_000);

  it('after a consumer died with messages taken and not acknowledged, the next one stores them (made again from the ack floor), nothing twice', async () => {
    const { stream, prefix, total } = await published('RESTART');
    const e = await openEmbedded(':memory:', randomBytes(32), new Date());
    try {
      // the first consumer's second write commits, then it "dies": batch 1 acknowledged, batch 2 written
      // and not acknowledged, the rest delivered to it (up to max_ack_pending) and never acknowledged
      const c1 = await startIngestConsumer(options(stream, prefix, slowStore(e.store, (n) => ({ failAfterCommit: n === 2 })), { ackWaitSeconds: 30, maxAckPending: 80 }));
      await expect(c1.done).rejects.toThrow('crash after commit');
      await c1.stop().catch(() => undefined);
      const atDeath = await bed.jsm.consumers.info(stream, durableName('fc'));
      expect(atDeath.num_ack_pending).toBeGreaterThan(0);
      // and messages the dead consumer never saw: the new one takes (and would acknowledge) those first
      expect(atDeath.delivered.stream_seq).toBeLessThan(total);
      // ack-wait 30 s: the dead consumer's messages are not redelivered during the test; only being
      // made again from the floor brings them back before the new consumer's first ack
      const c2 = await startIngestConsumer(options(stream, prefix, e.store, { ackWaitSeconds: 30 }));
      expect(c2.ack).toBe('all');
      await drained(stream, 'restart');
      const s = await c2.stop();
      expect(await storedCounts(e)).toEqual({ n: total, d: total });
      // the second batch (written, not acknowledged) came back as duplicates
      expect(s.duplicates).toBeGreaterThanOrEqual(1);
      expect(s.stored + s.duplicates).toBe(s.rowsRead);
    } finally {
      await e.close();
    }
  }, 90_000);

  it('a redelivery of a message in hand, arriving after a later batch was acknowledged, is not written twice', async () => {
    const { stream, prefix, total } = await published('REDELIVER');
    const e = await openEmbedded(':memory:', randomBytes(32), new Date());
    try {
      // ack-wait 1 s and writes of 1.6 s: the messages of the batches waiting are redelivered while
      // held, and some redeliveries arrive after their batch (and later ones) were acknowledged
      const c = await startIngestConsumer(options(stream, prefix, slowStore(e.store, (n) => (n <= 3 ? { delayMs: 1600 } : {})), { ackWaitSeconds: 1, maxBatch: 40, maxAckPending: 120 }));
      await drained(stream, 'redeliver');
      // redeliveries still on the way
      await new Promise((r) => setTimeout(r, 1500));
      const s = await c.stop();
      expect(c.counters.redeliveriesDropped).toBeGreaterThan(0);
      expect(s.rowsRead).toBe(total);
      expect(s.duplicates).toBe(0);
      expect(await storedCounts(e)).toEqual({ n: total, d: total });
    } finally {
      await e.close();
    }
  }, 90_000);

  it('a delivery lost on the way: nothing past it is acknowledged, the durable is made again and the lost message stored', async () => {
    const { stream, prefix, total } = await published('GAP');
    const e = await openEmbedded(':memory:', randomBytes(32), new Date());
    try {
      // delivery 45 (in the second batch) never reaches the consumer; ack-wait 30 s: it is not redelivered during the test
      let lost = 0;
      const c = await startIngestConsumer(options(stream, prefix, e.store, { ackWaitSeconds: 30, loseDelivery: (d) => { if (d !== 45 || lost > 0) return false; lost++; return true; } }));
      await drained(stream, 'gap');
      const s = await c.stop();
      expect(lost).toBe(1);
      expect(await storedCounts(e)).toEqual({ n: total, d: total });
      expect(s.stored).toBe(total);
      expect(c.counters.resyncs).toBe(1);
    } finally {
      await e.close();
    }
  }, 90_000);

  it('ack-behind: a batch committed after an earlier one failed is not acknowledged (its ack would acknowledge the failed one)', async () => {
    const { stream, prefix } = await published('BEHIND');
    const e = await openEmbedded(':memory:', randomBytes(32), new Date());
    try {
      let groups = 0;
      // the first batch's commit fails late; the second's succeeds at once
      const commitGroup = async <T>(fn: () => Promise<T>) => {
        const value = await fn();
        const n = ++groups;
        const committed = n === 1 ? new Promise<void>((_r, reject) => setTimeout(() => reject(new Error('applier failed')), 500)) : Promise.resolve();
        return { value, committed };
      };
      const c = await startIngestConsumer(options(stream, prefix, e.store, { commitGroup, ackWaitSeconds: 30 }));
      await expect(c.done).rejects.toThrow('applier failed');
      await c.stop().catch(() => undefined);
      expect(groups).toBeGreaterThanOrEqual(2);
      await bed.nc.flush();
      const i = await bed.jsm.consumers.info(stream, durableName('fc'));
      expect(i.ack_floor.stream_seq).toBe(0);
      expect(c.counters.acks).toBe(0);
    } finally {
      await e.close();
    }
  }, 90_000);

  it('an existing explicit durable: kept (acks per message) while messages are pending, made AckPolicy.All when none is', async () => {
    const { stream, prefix, total } = await published('CONVERT');
    const e = await openEmbedded(':memory:', randomBytes(32), new Date());
    try {
      // an explicit consumer dies after its second write: messages pending
      const c1 = await startIngestConsumer(options(stream, prefix, slowStore(e.store, (n) => ({ failAfterCommit: n === 2 })), { ack: 'explicit', ackWaitSeconds: 1 }));
      await expect(c1.done).rejects.toThrow('crash after commit');
      await c1.stop().catch(() => undefined);
      const c2 = await startIngestConsumer(options(stream, prefix, e.store, { ackWaitSeconds: 1 }));
      expect(c2.ack).toBe('explicit');
      expect((await bed.jsm.consumers.info(stream, durableName('fc'))).config.ack_policy).toBe(AckPolicy.Explicit);
      await drained(stream, 'convert, explicit run');
      await c2.stop();
      expect(await storedCounts(e)).toEqual({ n: total, d: total });
      // nothing pending now: made again with AckPolicy.All, from after the last message (nothing redelivered)
      const c3 = await startIngestConsumer(options(stream, prefix, e.store));
      expect(c3.ack).toBe('all');
      const i = await bed.jsm.consumers.info(stream, durableName('fc'));
      expect(i.config.ack_policy).toBe(AckPolicy.All);
      expect(i.num_pending).toBe(0);
      const s3 = await c3.stop();
      expect(s3.rowsRead).toBe(0);
    } finally {
      await e.close();
    }
  }, 90_000);

  it('an explicit consumer (server-mode workers share durables) refuses a durable made with AckPolicy.All', async () => {
    const { stream, prefix } = await published('SHARED');
    const e = await openEmbedded(':memory:', randomBytes(32), new Date());
    try {
      const c1 = await startIngestConsumer(options(stream, prefix, e.store));
      await c1.stop();
      await expect(startIngestConsumer(options(stream, prefix, e.store, { ack: 'explicit' }))).rejects.toMatchObject({ code: 'CONFIG' });
      // and a worker-style consumer with no ack option is explicit: it refuses too
      const { ack: _omit, ...noAck } = options(stream, prefix, e.store);
      await expect(startIngestConsumer(noAck)).rejects.toMatchObject({ code: 'CONFIG' });
    } finally {
      await e.close();
    }
  }, 90_000);
});
