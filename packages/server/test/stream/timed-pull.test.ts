/**
 * Timed pulls (stream/timed-pull.ts) against the real NATS JetStream on 127.0.0.1:4222 (a stream of
 * its own, deleted after). The ingest consumer's own guarantees with timed pulls are tested in
 * consumer-ack-all.test.ts (each of its tests runs with consume() and with timed pulls).
 */
import { AckPolicy, DeliverPolicy } from '@nats-io/jetstream';
import { beforeAll, describe, expect, it } from 'vitest';
import { lastSequences, readSequences } from '../../src/stream/ingest-consumer.js';
import { startTimedPull, type PulledMsg } from '../../src/stream/timed-pull.js';
import { natsTestBed } from './nats-test-bed.js';

const tag = `tp${process.pid}${Math.floor(performance.now())}`;
const stream = `TEST_TIMEDPULL_${tag}`, subject = `${tag}.ingest.fc`;

const bed = natsTestBed('baseerat-timed-pull-', stream);
beforeAll(async () => {
  await bed.jsm.streams.add({ name: stream, subjects: [subject] });
  for (let i = 1; i <= 200; i++) bed.nc.publish(subject, JSON.stringify({ n: i }));
  await bed.nc.flush();
  for (;;) { if ((await bed.jsm.streams.info(stream)).state.messages >= 200) break; await new Promise((r) => setTimeout(r, 50)); }
});

/** Waits for `f` (a liveness guard, not a timing check). */
async function until(f: () => boolean, what: string): Promise<void> {
  const t0 = Date.now();
  while (!f()) {
    if (Date.now() - t0 > 20_000) throw new Error(`${what}: not within 20 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('startTimedPull', () => {
  it('takes a backlog in full batches, asking again at once after each full one, in stream order, and acknowledges', async () => {
    await bed.jsm.consumers.add(stream, { durable_name: 'backlog', ack_policy: AckPolicy.All, deliver_policy: DeliverPolicy.All, max_ack_pending: 1000 });
    const got: PulledMsg[] = [];
    // an interval of a minute: only the requests after a full batch can bring the rest within the test
    const p = startTimedPull(bed.nc, { stream, durable: 'backlog', batch: 40, intervalMs: 60_000, onMessage: (m) => got.push(m) });
    try {
      await until(() => got.length === 200, 'backlog');
      // 5 full batches, then one request that finds nothing
      await until(() => p.requests() === 6, 'the last request');
      expect(got.map((m) => m.string())).toEqual(Array.from({ length: 200 }, (_, i) => JSON.stringify({ n: i + 1 })));
      const seqs = got.map((m) => (readSequences(m.reply) ? lastSequences.stream : -1));
      expect(seqs).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
      // the stream's timestamp, as JsMsg.info reads it (nanoseconds since the epoch, within this test's hour)
      expect(Math.abs(got[0]!.info.timestampNanos / 1e6 - Date.now())).toBeLessThan(3_600_000);
      got[199]!.ack();
      await bed.nc.flush();
      let floor = 0;
      for (let k = 0; k < 50 && floor !== 200; k++) { floor = (await bed.jsm.consumers.info(stream, 'backlog')).ack_floor.stream_seq; if (floor !== 200) await new Promise((r) => setTimeout(r, 50)); }
      expect(floor).toBe(200);
    } finally {
      await p.close();
    }
  }, 60_000);

  it('asks again every interval when a request finds nothing, and takes what was published meanwhile', async () => {
    await bed.jsm.consumers.add(stream, { durable_name: 'live', ack_policy: AckPolicy.All, deliver_policy: DeliverPolicy.New, max_ack_pending: 1000 });
    const got: PulledMsg[] = [];
    const p = startTimedPull(bed.nc, { stream, durable: 'live', batch: 40, intervalMs: 50, onMessage: (m) => got.push(m) });
    try {
      await until(() => p.requests() >= 3, 'empty requests');
      bed.nc.publish(subject, JSON.stringify({ n: 201 }));
      await until(() => got.length === 1, 'the new message');
      expect(got[0]!.string()).toBe(JSON.stringify({ n: 201 }));
      // and nothing after close
      await p.close();
      const n = p.requests();
      await new Promise((r) => setTimeout(r, 200));
      expect(p.requests()).toBe(n);
    } finally {
      await p.close();
    }
  }, 60_000);
});
