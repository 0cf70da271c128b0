/**
 * bench/realtime/consume.bench.ts: what taking messages from JetStream costs the ingest consumer,
 * without the pipeline or the store. Publishes N records of the realtime bench's feed (the FC
 * synthetic feed with fresh ids, ~260 bytes each) to a stream of its own (not measured), then
 * consumes them all with a pull consumer (AckPolicy.All, one ack per batch, batches of what has
 * arrived when the event loop turns, at most --batch), once per setting, in rotation, --rounds times.
 * A setting is a variant and an ack lag:
 *   none: the NATS client and the consumer's callback (the sequence numbers from the reply subject), no decode;
 *   each: + each message decoded as the consumer does (text, then JSON.parse);
 *   lag L: a batch is acknowledged only once L more messages have been taken (as ack-behind acknowledges
 *   once the store has the batch), so about L messages stay pending on the server (max_ack_pending
 *   L + 4 x batch).
 * --rate R: the messages are published during each run at R a second (from this process, as a live feed
 * would), not before it; the consumer takes them as they come, so the server holds them pending for
 * as long as a live run would (its time-proportional costs show).
 * --pull-ms T: instead of `consume` (a pull always open, so the server delivers each message as it
 * is stored), a request for what is there (no_wait) every T ms. Variant publish-only (with --rate): no
 * consumer, the nats-server CPU of taking the publishes alone.
 * Prints per setting and round: CPU microseconds per message of this process and of the local
 * nats-server (all its clients: run it under the bench lock), GC pauses, and the wall time.
 *
 *   flock /tmp/bench.lock npx tsx bench/realtime/consume.bench.ts [--messages 200000] [--batch 5000] [--rounds 3] [--variants none,each] [--lags 0]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, createInbox } from '@nats-io/transport-node';
import { writeSyntheticFeed } from '../../packages/server/src/generate/write-feed.js';
import { lastSequences, readSequences } from '../../packages/server/src/stream/ingest-consumer.js';
import { natsServerCpuSeconds as natsServerCpu } from './proc-cpu.js';

const arg = (name: string, dflt: string) => { const i = process.argv.indexOf(`--${name}`); return i >= 0 ? process.argv[i + 1] ?? dflt : dflt; };
const messages = Number(arg('messages', '200000')), batch = Number(arg('batch', '5000')), rounds = Number(arg('rounds', '3'));
const rate = Number(arg('rate', '0'));
const variants = arg('variants', 'none,each').split(',') as ('none' | 'each' | 'publish-only')[];
if (variants.includes('publish-only') && rate === 0) throw new Error('publish-only needs --rate');
/** Timed pulls instead of `consume` (see below). */
const pullMs = arg('pull-ms', '') === '' ? undefined : Number(arg('pull-ms', ''));
const ACK = new TextEncoder().encode('+ACK');
const lags = arg('lags', '0').split(',').map(Number);
const settings = variants.flatMap((variant) => lags.map((lag) => ({ variant, lag })));
const utf8 = new TextDecoder();
/** As the ingest consumer decodes a message. */
const decode = (m: { readonly data: Uint8Array }): unknown => { const text = utf8.decode(m.data); try { return JSON.parse(text); } catch { return text; } };
const natsServerCpuSeconds = (): number => natsServerCpu() ?? NaN;

// the realtime bench's records (client.ts): the FC feed, copies with fresh ids
const feedDir = mkdtempSync(join(tmpdir(), 'baseerat-consume-feed-'));
writeSyntheticFeed(feedDir, { seed: 2026, start: '2024-01-01T00:00:00.000Z', end: '2024-04-01T00:00:00.000Z', incidents: 12_000, malformedShare: 0, agencies: ['fc'] });
const base = readFileSync(join(feedDir, 'fc.ndjson'), 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
rmSync(feedDir, { recursive: true, force: true });

const nc = await connect({ servers: '127.0.0.1:4222', name: 'bench-consume' });
const jsm = await jetstreamManager(nc);
const stream = `BENCH_CONSUME_${process.pid}`, subject = `consume${process.pid}.ingest.bench`;
await jsm.streams.add({ name: stream, subjects: [subject] });
const encoder = new TextEncoder();
const payloads = Array.from({ length: messages }, (_, i) => {
  const b = base[i % base.length]!;
  return encoder.encode(JSON.stringify({ ...b, report_id: `B-${Math.floor(i / base.length)}-${String(b['report_id'])}` }));
});
/** Publishes every payload, at `rate` a second when rate > 0 (in 10 ms steps). */
const publishAll = async () => {
  const t0 = performance.now();
  for (let i = 0; i < messages;) {
    const due = rate > 0 ? Math.min(messages, Math.floor((performance.now() - t0) / 1000 * rate)) : Math.min(messages, i + 5000);
    for (; i < due; i++) nc.publish(subject, payloads[i]!);
    await nc.flush();
    if (rate > 0) await new Promise((r) => setTimeout(r, 10));
  }
};
if (rate === 0) {
  await publishAll();
  for (;;) { if ((await jsm.streams.info(stream)).state.messages >= messages) break; await new Promise((r) => setTimeout(r, 100)); }
}

let gcMs = 0, gcN = 0;
new PerformanceObserver((l) => { for (const e of l.getEntries()) { gcMs += e.duration; gcN++; } }).observe({ entryTypes: ['gc'] });

const results: Record<string, unknown>[] = [];
const load0 = loadavg()[0];
let sink = 0;
for (let round = 1; round <= rounds; round++) {
  for (const { variant, lag } of settings) {
    const durable = `d-${variant}-${lag}-${round}`;
    await jsm.consumers.add(stream, { durable_name: durable, ack_policy: AckPolicy.All, deliver_policy: rate > 0 ? DeliverPolicy.New : DeliverPolicy.All, max_ack_pending: lag + 4 * batch });
    const consumer = await jetstream(nc).consumers.get(stream, durable);
    const nats0 = natsServerCpuSeconds(), cpu0 = process.cpuUsage(), t0 = performance.now(), gc0 = gcMs, gcN0 = gcN;
    let buffer: { readonly data: Uint8Array; ack(): void }[] = [], taken = 0, acks = 0, maxSeq = 0;
    /** Batches not yet acknowledged: the last message of each and how many had been taken with it. */
    const unacked: { last: { ack(): void }; takenThen: number }[] = [];
    const takeBatch = () => {
      if (buffer.length === 0) return;
      const b = buffer; buffer = [];
      // what the consumer does with a batch before the pipeline: its records
      if (variant === 'each') sink += b.map(decode).length;
      unacked.push({ last: b[b.length - 1]!, takenThen: taken });
      // acknowledged once `lag` more messages are taken (all of them at the end)
      let k = 0;
      while (k < unacked.length && (taken - unacked[k]!.takenThen >= lag || taken >= messages)) k++;
      if (k > 0) { unacked[k - 1]!.last.ack(); acks++; unacked.splice(0, k); }
    };
    let scheduled = false;
    let finish: () => void = () => undefined;
    const done = new Promise<void>((resolve) => { finish = resolve; });
    const took = (m: { readonly data: Uint8Array; ack(): void }) => {
      if (lastSequences.stream > maxSeq) maxSeq = lastSequences.stream;
      buffer.push(m); taken++;
      if (buffer.length >= batch) takeBatch();
      if (!scheduled) { scheduled = true; setImmediate(() => { scheduled = false; takeBatch(); if (taken >= messages) finish(); }); }
    };
    let close = async (): Promise<void> => undefined;
    if (variant === 'publish-only') {
      // no consumer: what taking the publishes costs nats-server alone
    } else if (pullMs === undefined) {
      const it = await consumer.consume({
        max_messages: batch,
        callback: (m) => {
          // as the consumer's callback (AckPolicy.All): the sequence numbers from the reply subject
          if (!readSequences((m as unknown as { reply: string }).reply)) throw new Error('not a JetStream message');
          took(m);
        },
      });
      close = () => it.close().then(() => undefined);
    } else {
      // timed pulls: every pullMs a request for what is there now (no_wait), so that the server delivers
      // what arrived meanwhile at once instead of each message as it is stored
      const inbox = createInbox();
      const sub = nc.subscribe(inbox, {
        callback: (_e, m) => {
          // a status (no messages, timeout) has no reply subject
          if (m.reply === undefined || !readSequences(m.reply)) return;
          const reply = m.reply;
          took({ data: m.data, ack: () => nc.publish(reply, ACK) });
        },
      });
      const pull = `$JS.API.CONSUMER.MSG.NEXT.${stream}.${durable}`, request = encoder.encode(JSON.stringify({ batch, no_wait: true }));
      const timer = setInterval(() => nc.publish(pull, request, { reply: inbox }), pullMs);
      close = async () => { clearInterval(timer); sub.unsubscribe(); };
    }
    if (variant === 'publish-only') {
      await publishAll();
      taken = messages;
    } else {
      if (rate > 0) await publishAll();
      await done;
    }
    await close();
    await nc.flush();
    for (; variant !== 'publish-only';) { const i = await jsm.consumers.info(stream, durable); if (i.num_ack_pending === 0 && i.num_pending === 0) break; await new Promise((r) => setTimeout(r, 20)); }
    const wall = (performance.now() - t0) / 1000, cpu = process.cpuUsage(cpu0), nats = natsServerCpuSeconds() - nats0;
    results.push({ round, variant, lag, messages: taken, acks, wallSeconds: Math.round(wall * 100) / 100, clientCpuUsPerMessage: Math.round((cpu.user + cpu.system) / taken * 10) / 10, natsServerCpuUsPerMessage: Math.round(nats * 1e6 / taken * 10) / 10, gcPauses: gcN - gcN0, gcMs: Math.round(gcMs - gc0) });
    await jsm.consumers.delete(stream, durable);
  }
}
console.log(JSON.stringify({ messages, batch, loadAverage1m: { before: load0, after: loadavg()[0] }, sink, results }, null, 2));
await jsm.streams.delete(stream);
await nc.close();
process.exit(0);
